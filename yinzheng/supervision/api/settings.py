"""Each county's supervision settings: the hotline it publishes (REQ-087, DIV-09), the
working days each case step may take, and the thresholds of the register scan. The
list shows every county the user oversees, with the defaults where a county saved
nothing; civil affairs of the county changes them (PUT: all, PATCH: some)."""

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from yinzheng.core.codes import Level
from yinzheng.core.rest.responses import ERRORS
from yinzheng.divisions.models import Division

from .. import services
from ..models import SupervisionSetting
from ..services.checks import SETTING_FIELDS
from .common import CanViewSupervision, person

COUNTY = OpenApiParameter(
    "county", str, OpenApiParameter.PATH, description="县（市、区）代码（6 位）"
)


class SupervisionSettingSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county_id")
    county_name = serializers.CharField(source="county.name")
    saved = serializers.SerializerMethodField(
        help_text="本县是否已保存设置；否则显示的是默认值"
    )
    updated_by = person()

    class Meta:
        model = SupervisionSetting
        fields = [
            "county",
            "county_name",
            "saved",
            *SETTING_FIELDS,
            "updated_by",
            "updated_at",
        ]
        read_only_fields = fields

    def get_saved(self, obj: SupervisionSetting) -> bool:
        return not obj._state.adding


class SupervisionSettingUpdateSerializer(serializers.Serializer):
    """The values to set; the service checks them against the model's bounds."""

    hotline = serializers.CharField(allow_blank=True, help_text="监督电话")
    hotline_hours = serializers.CharField(allow_blank=True, help_text="接听时间")
    verify_days = serializers.IntegerField(help_text="核实期限（工作日）")
    notice_days = serializers.IntegerField(help_text="通报或曝光期限（工作日）")
    feedback_days = serializers.IntegerField(help_text="反馈主管部门期限（工作日）")
    response_days = serializers.IntegerField(help_text="整改答复期限（工作日）")
    correction_days = serializers.IntegerField(help_text="上级纠正期限（工作日）")
    close_days = serializers.IntegerField(help_text="办结期限（工作日）")
    office_opens = serializers.TimeField(help_text="办公开始时间")
    office_closes = serializers.TimeField(help_text="办公结束时间")
    off_hours_min = serializers.IntegerField(
        help_text="非工作时间用印预警的最少次数（每月；1 为每次都预警）"
    )
    unconfirmed_days = serializers.IntegerField(help_text="登记未确认预警天数")
    resident_burst = serializers.IntegerField(help_text="同一居民开具次数预警值")
    purpose_burst = serializers.IntegerField(help_text="同一用途开具次数预警值")
    relapse_days = serializers.IntegerField(help_text="被拒后改项出具追溯天数")
    refusal_ratio = serializers.DecimalField(
        max_digits=4, decimal_places=1, help_text="拒绝率高于同县中位数的倍数"
    )
    refusal_min = serializers.IntegerField(help_text="拒绝率预警的最少拒绝件数")


@extend_schema_view(
    list=extend_schema(
        summary="可见范围内各县（市、区）的监督设置（未设置的为默认值）"
    ),
    retrieve=extend_schema(
        summary="一个县（市、区）的监督设置",
        parameters=[COUNTY],
        responses={200: SupervisionSettingSerializer, **ERRORS},
    ),
    update=extend_schema(
        summary="设置监督电话、各环节办理期限和预警阈值（县民政；全部项）",
        parameters=[COUNTY],
        request=SupervisionSettingUpdateSerializer,
        responses={200: SupervisionSettingSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="修改部分监督设置（县民政）",
        parameters=[COUNTY],
        request=SupervisionSettingUpdateSerializer,
        responses={200: SupervisionSettingSerializer, **ERRORS},
    ),
)
class SupervisionSettingViewSet(viewsets.GenericViewSet):
    permission_classes = [CanViewSupervision]
    serializer_class = SupervisionSettingSerializer
    lookup_field = "county"
    lookup_value_regex = r"[0-9]{6}"

    def get_queryset(self):
        """The counties whose supervision the user reads."""
        return (
            Division.objects.in_scope_of(self.request.user, "supervision.view")
            .filter(level=Level.COUNTY)
            .order_by("code")
        )

    def get_object(self) -> Any:
        county = self.get_queryset().filter(code=self.kwargs["county"]).first()
        if county is None:
            raise Http404
        return services.settings_for(county.code)

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        counties = list(page if page is not None else self.get_queryset())
        saved = {
            s.county_id: s
            for s in SupervisionSetting.objects.filter(
                county__in=[c.code for c in counties]
            ).select_related("county", "updated_by")
        }
        rows = [saved.get(c.code) or SupervisionSetting(county=c) for c in counties]
        data = SupervisionSettingSerializer(
            rows, many=True, context={"request": request}
        ).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, county=None):
        return Response(SupervisionSettingSerializer(self.get_object()).data)

    def _update(self, request, partial: bool) -> Response:
        setting = self.get_object()
        body = SupervisionSettingUpdateSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        setting = services.settings_update(
            actor=request.user,
            county_code=setting.county_id,
            values=dict(body.validated_data),
        )
        return Response(
            SupervisionSettingSerializer(setting, context={"request": request}).data
        )

    def update(self, request, county=None):
        return self._update(request, partial=False)

    def partial_update(self, request, county=None):
        return self._update(request, partial=True)
