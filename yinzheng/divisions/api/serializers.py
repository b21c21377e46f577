"""The division tree as the API shows it."""

from rest_framework import serializers

from ..models import Division


class DivisionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    # The country has no parent; a committee that was never merged has no target.
    parent = serializers.CharField(  # type: ignore[assignment]  # a column
        source="parent_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Division
        fields = ["code", "name", "level", "level_display", "parent"]


class CommitteeSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    township = serializers.CharField(
        source="parent_id", read_only=True, allow_null=True
    )
    merged_into = serializers.CharField(
        source="merged_into_id", read_only=True, allow_null=True
    )

    class Meta:
        model = Division
        fields = [
            "code",
            "name",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "township",
            "merged_into",
            "status_changed_at",
            "status_reference",
        ]


class CommitteeDetailSerializer(CommitteeSerializer):
    chain = serializers.SerializerMethodField()

    class Meta(CommitteeSerializer.Meta):
        fields = [*CommitteeSerializer.Meta.fields, "chain"]

    def get_chain(self, obj: Division) -> list[dict[str, str]]:
        return [{"code": d.code, "name": d.name} for d in obj.chain()]


class MergeSerializer(serializers.Serializer):
    into_code = serializers.CharField(max_length=12)
    reference = serializers.CharField(max_length=200)


class AbolishSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=200)
