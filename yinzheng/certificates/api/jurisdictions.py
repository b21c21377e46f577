"""The jurisdictions' switch (REQ-039): whether a division lets a negative-list item be
certified as it is by way of exception; set by civil affairs, valid below."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from yinzheng.core.rest.parsers import JSONParser
from yinzheng.core.rest.responses import ERRORS, validated

from .. import services
from ..models import JurisdictionSetting
from .common import CanViewCertificates


class JurisdictionSettingSerializer(serializers.ModelSerializer):
    division = serializers.CharField(source="division_id")
    division_name = serializers.CharField(source="division.name")

    class Meta:
        model = JurisdictionSetting
        fields = [
            "division",
            "division_name",
            "negative_exception_enabled",
            "note",
            "updated_at",
        ]


class JurisdictionSettingSetSerializer(serializers.Serializer):
    division = serializers.CharField(max_length=12)
    negative_exception_enabled = serializers.BooleanField()
    note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


@extend_schema_view(
    list=extend_schema(summary="可见范围内各辖区的负面清单事项例外设置（REQ-039）"),
)
class JurisdictionSettingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanViewCertificates]
    serializer_class = JurisdictionSettingSerializer
    pagination_class = None
    # JSON only: a form would read an absent or "0" checkbox as "off" (issue 13).
    parser_classes = [JSONParser]

    def get_queryset(self):
        return (
            JurisdictionSetting.objects.visible_to(self.request.user)
            .select_related("division")
            .order_by("division_id")
        )

    @extend_schema(
        summary="设置辖区是否允许负面清单事项据实出具的例外（民政；对下级区划有效）",
        request=JurisdictionSettingSetSerializer,
        responses={200: JurisdictionSettingSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(JurisdictionSettingSetSerializer, request)
        setting = services.jurisdiction_setting_set(
            actor=request.user,
            division_code=v["division"],
            negative_exception_enabled=v["negative_exception_enabled"],
            note=v["note"],
        )
        return Response(JurisdictionSettingSerializer(setting).data)
