"""`/api/stats/figures/`: aggregate statistics and the lists in force, for other
departments' systems (REQ-114, with the figures of REQ-103).

    GET /api/stats/figures/?division=CODE&from=YYYY-MM-DD&to=YYYY-MM-DD
    Authorization: Token …   (yinzheng token USERNAME)

Counts only, never a person: no names, ID numbers, phones or tracking codes, and no
resident's own words (a request outside the catalogue is counted as one "unlisted"
item). Access is the policy's `stats.api` action (department officers, the civil-affairs
bureau, inspectors, administrators), for divisions inside the grant's subtree; without
a grant the answer is 403, without credentials 401. The filters and their refusals are
the dashboard's (`analysis.parse_filters`), answered as {"code", "message", "detail"}.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.accounts import policy
from yinzheng.catalogue.models import ListVersion
from yinzheng.core import clock, replicas
from yinzheng.core.rest.responses import ERRORS

from .. import analysis

OUTCOME_HELP = "办理结果：" + "、".join(analysis.OUTCOMES)
MODE_HELP = "办结方式：" + "、".join(analysis.MODES)


class CanUseStatsApi(BasePermission):
    """REQ-114: a grant that carries `stats.api`."""

    def has_permission(self, request, view) -> bool:
        return policy.can(request.user, analysis.API)


# Serializers ------------------------------------------------------------------------


class FiguresBucketSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    count = serializers.IntegerField()


class FiguresDivisionSerializer(serializers.Serializer):
    code = serializers.CharField(source="division_code")
    name = serializers.CharField(source="division_name")
    level = serializers.IntegerField(help_text="0 国家、1 省、2 市、3 县、4 乡镇、5 村")


class FiguresCasesSerializer(serializers.Serializer):
    """REQ-103: certificate cases received in the period under the division."""

    total = serializers.IntegerField()
    outcomes = FiguresBucketSerializer(
        many=True, help_text=OUTCOME_HELP + "（互不重叠，合计等于 total）"
    )
    modes = FiguresBucketSerializer(
        many=True, help_text=MODE_HELP + "（互不重叠，合计等于 total）"
    )
    overdue = serializers.IntegerField(help_text="逾期：以下两项之和")
    overdue_open = serializers.IntegerField(help_text="办理中且已超过办结期限")
    overdue_finished = serializers.IntegerField(help_text="超过办结期限才办结")
    negative_refused = serializers.IntegerField(help_text="负面清单事项不予出具")


class FiguresTrendPointSerializer(serializers.Serializer):
    period = serializers.DateField(help_text="日期，或按月时为该月第一天")
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    total = serializers.IntegerField(help_text="受理")
    issued = serializers.IntegerField(help_text="出具（含除外情形、特殊情形）")
    refused = serializers.IntegerField(help_text="不予出具")


class FiguresUnitSerializer(serializers.Serializer):
    """A division one level below the one asked for (the league table)."""

    code = serializers.CharField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    issued = serializers.IntegerField()
    refused = serializers.IntegerField()
    overdue = serializers.IntegerField()
    on_the_spot = serializers.IntegerField(help_text="当场出具")
    on_the_spot_rate = serializers.FloatField(
        allow_null=True, help_text="当场出具占出具的比例（无出具时为空）"
    )


class FiguresItemSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="清单事项名称；清单外的申请合为一项")
    total = serializers.IntegerField()
    issued = serializers.IntegerField()
    exception = serializers.IntegerField(help_text="其中除外情形出具（REQ-037）")
    refused = serializers.IntegerField()
    commitment = serializers.IntegerField(help_text="告知承诺办结")


class FiguresRefusalSerializer(serializers.Serializer):
    item = serializers.CharField()
    route = serializers.CharField(help_text="告知的办事途径")
    department = serializers.CharField(help_text="办理部门")
    count = serializers.IntegerField()


class FiguresSupervisionSerializer(serializers.Serializer):
    cases = FiguresBucketSerializer(many=True, help_text="不合理证明要求投诉，按状态")
    cases_total = serializers.IntegerField()
    cases_overdue = serializers.IntegerField(help_text="当前环节已逾期")
    items = FiguresBucketSerializer(many=True, help_text="整改清单条目，按状态")
    items_total = serializers.IntegerField()
    items_overdue = serializers.IntegerField(help_text="逾期未销号")


class FiguresListEntrySerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="序号")
    item = serializers.CharField(source="item.key", help_text="事项标识")
    name = serializers.CharField(source="item.name")
    note = serializers.CharField()


class FiguresListVersionSerializer(serializers.Serializer):
    """A list version in force today that binds the division (REQ-009, REQ-114)."""

    id = serializers.IntegerField()
    list = serializers.IntegerField(source="catalogue_list_id")
    list_title = serializers.CharField(source="catalogue_list.title")
    kind = serializers.CharField(
        source="catalogue_list.kind",
        help_text="positive、negative、duties、assistance",
    )
    kind_display = serializers.CharField(source="catalogue_list.get_kind_display")
    owner = serializers.CharField(source="catalogue_list.owner_id")
    owner_name = serializers.CharField(source="catalogue_list.owner.name")
    number = serializers.IntegerField(help_text="版本号")
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    source_document = serializers.CharField()
    public_url = serializers.SerializerMethodField(help_text="公开的清单及办事指南页面")
    entries = FiguresListEntrySerializer(many=True)

    def get_public_url(self, obj: ListVersion) -> str:
        url = obj.catalogue_list.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class StatsFiguresSerializer(serializers.Serializer):
    division = FiguresDivisionSerializer(source="filters")
    date_from = serializers.DateField(source="filters.date_from")
    date_to = serializers.DateField(source="filters.date_to")
    today = serializers.DateField(help_text="逾期按此日计算")
    trend_unit = serializers.SerializerMethodField(help_text="day 或 month")
    cases = FiguresCasesSerializer()
    trend = FiguresTrendPointSerializer(many=True)
    units = FiguresUnitSerializer(many=True, help_text="下一级各区划")
    items = FiguresItemSerializer(many=True)
    refusals = FiguresRefusalSerializer(many=True, help_text="负面清单事项不予出具")
    seal_uses = FiguresBucketSerializer(many=True, help_text="已登记用印，按用印类别")
    supervision = FiguresSupervisionSerializer()

    def get_trend_unit(self, obj: analysis.Figures) -> str:
        return "day" if obj.filters.by_day else "month"


class StatsFiguresAnswerSerializer(StatsFiguresSerializer):
    """The answer of the API: the figures, and the lists in force (`list_versions` in
    the context)."""

    list_versions = serializers.SerializerMethodField(
        help_text="现行有效、适用于该区划的清单版本及其事项"
    )

    @extend_schema_field(FiguresListVersionSerializer(many=True))
    def get_list_versions(self, obj: analysis.Figures) -> Any:
        return FiguresListVersionSerializer(
            self.context["list_versions"], many=True, context=self.context
        ).data


def answer(
    figures: analysis.Figures, versions: list[ListVersion], request: Any = None
) -> dict[str, Any]:
    """The figures and the lists in force, as the API and `yinzheng stats figures
    --format json` give them."""
    context = {"request": request, "list_versions": versions}
    return dict(StatsFiguresAnswerSerializer(figures, context=context).data)


# The view -----------------------------------------------------------------------------


# The statistics cover 2000–2099 (analysis.py refuses other years).
_THIS_CENTURY = r"^20[0-9]{2}-"
PARAMETERS = [
    OpenApiParameter(
        "division",
        OpenApiTypes.STR,
        pattern=r"^(?:|CN|[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{9}|[0-9]{12})$",  # empty: the default
        description="区划代码（省 2 位、市 4 位、县 6 位、乡镇 9 位、村 12 位）；"
        "不填为授权所在区划",
    ),
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        pattern=_THIS_CENTURY,
        description="开始日期（含，按受理时间，北京时间；2000-01-01 至 2099-12-31）；"
        "不填为结束日期所在年份的 1 月 1 日（都不填为当年）",
    ),
    OpenApiParameter(
        "to",
        OpenApiTypes.DATE,
        pattern=_THIS_CENTURY,
        description="结束日期（含；2000-01-01 至 2099-12-31）；不填为今天",
    ),
]


class FiguresView(APIView):
    permission_classes = [CanUseStatsApi]

    @extend_schema(
        summary="汇总统计和现行清单版本（部门数据共享，REQ-114）",
        description=__doc__,
        parameters=PARAMETERS,
        responses={200: StatsFiguresAnswerSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        today = clock.today()
        with replicas.reading():  # read-only, as the dashboard (core.replicas)
            filters = analysis.parse_filters(
                request.user, request.query_params, today=today, action=analysis.API
            )
            found = analysis.figures(filters, today=today, top=None, free_text=False)
            versions = analysis.list_versions(filters, today=today)
            return Response(answer(found, versions, request))
