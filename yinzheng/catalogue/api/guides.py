"""An item's guide (REQ-028, REQ-076, DIV-14), as serializers: the published guide the
public sees, and the draft, its saving and the withdrawal for its editors.

The endpoints are actions of `ItemViewSet` in .items; they call catalogue.services.guides.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import GuideStatus
from ..models import Guide
from ..services import guides


class GuideSerializer(serializers.ModelSerializer):
    class Meta:
        model = Guide
        fields = [
            "certificate_format",
            "procedure",
            "operating_rules",
            "time_limit_days",
            "validity_days",
            "purpose",
            "basis",
            "materials",
            "sample_form",
            "sample",
            "published_at",
        ]


class GuideMissingPartSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label


class GuideStateSerializer(GuideSerializer):
    """A guide as its editors see it: drafts too, who saved it last, what it lacks."""

    item = serializers.CharField(source="item.key")
    status = serializers.ChoiceField(choices=GuideStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    updated_by = serializers.CharField(
        source="updated_by.display_name", allow_null=True, help_text="最后编辑人"
    )
    missing = serializers.SerializerMethodField(
        help_text="公布前尚缺的内容（REQ-028、REQ-076）；为空即可公布"
    )

    class Meta(GuideSerializer.Meta):
        fields = [
            "item",
            "status",
            "status_display",
            *GuideSerializer.Meta.fields,
            "updated_by",
            "updated_at",
            "missing",
        ]

    @extend_schema_field(GuideMissingPartSerializer(many=True))
    def get_missing(self, obj: Guide) -> list[dict[str, str]]:
        return guides.guide_missing_parts(obj)


def _guide_text(label: str) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, default="", help_text=label
    )


class GuideSaveSerializer(serializers.Serializer):
    """The whole content of the draft (PUT replaces it); completeness is checked when
    publishing, not here."""

    certificate_format = _guide_text("证明式样")
    procedure = _guide_text("办理程序（由主管部门提供，REQ-028）")
    operating_rules = _guide_text("操作规范")
    time_limit_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="出具时限（工作日，1–365）；当场办结的不填",
    )
    validity_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=3650,
        help_text="证明有效期（天，1–3650）；没有期限的不填。二维码凭据带此期限（issue 14）",
    )
    purpose = _guide_text("办理用途")
    basis = _guide_text("依据")
    materials = _guide_text("所需要件")
    sample_form = _guide_text("样表（由主管部门提供，REQ-028）")
    sample = serializers.BooleanField(required=False, default=False)


class GuideWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
