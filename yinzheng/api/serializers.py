from rest_framework import serializers

from yinzheng.accounts.models import RoleGrant, User
from yinzheng.divisions.models import Division


class DivisionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    parent = serializers.CharField(source="parent_id", read_only=True)

    class Meta:
        model = Division
        fields = ["code", "name", "level", "level_display", "parent"]


class CommitteeSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    township = serializers.CharField(source="parent_id", read_only=True)
    merged_into = serializers.CharField(source="merged_into_id", read_only=True)

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


class GrantSerializer(serializers.ModelSerializer):
    division_name = serializers.CharField(source="division.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = RoleGrant
        fields = [
            "id",
            "role",
            "role_display",
            "division",
            "division_name",
            "department",
            "granted_at",
        ]


class GrantListSerializer(GrantSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta(GrantSerializer.Meta):
        fields = ["id", "username", "full_name", *GrantSerializer.Meta.fields[1:]]


class GrantCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.CharField(max_length=20)
    division = serializers.CharField(max_length=12, source="division_code")
    department = serializers.CharField(max_length=20, required=False, default="")


class MeSerializer(serializers.ModelSerializer):
    grants = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "is_superuser", "grants"]

    def get_grants(self, obj: User) -> list[dict]:
        qs = obj.grants.active().select_related("division")
        return GrantSerializer(qs, many=True).data


class MergeSerializer(serializers.Serializer):
    into_code = serializers.CharField(max_length=12)
    reference = serializers.CharField(max_length=200)


class AbolishSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=200)
