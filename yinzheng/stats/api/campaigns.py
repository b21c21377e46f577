"""Campaigns (专项工作, REQ-104–107, DIV-11): the seed templates as the documents lay
them down; the campaigns a user follows, one campaign with its phases, deliverables,
the units' completion (the matrix) and what is overdue; a lead bureau starting one from
a template in its own month and moving a deadline; units and the lead bureau recording
a completion and withdrawing a mistaken one."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.core import clock
from yinzheng.core.rest.responses import ERRORS, validated

from .. import campaign_selectors as selectors
from .. import services
from ..campaign_templates import TEMPLATE_LABELS, TEMPLATES, Template
from ..choices import DeliverableLink
from ..models import Campaign, Completion
from .common import PK, CanViewStats, person

# Plain strings with the values listed (see common.py): no enums named by field name.
RESPONSIBLE_HELP = "责任单位：lead（牵头单位）、units（各单位）"
LINK_HELP = "关联功能：空（无）、" + "、".join(v for v in DeliverableLink.values if v)
PHASE_STATE_HELP = "阶段状态：" + "、".join(selectors.PHASE_STATES)
LEVEL_HELP = "层级：1 省级、3 县级、4 乡级"
TEMPLATE_CODE = r"[a-z0-9-]{1,40}"

# The templates --------------------------------------------------------------------------


class StatsTemplateDeliverableSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField(help_text="工作任务及成果")
    due_on = serializers.DateField(
        allow_null=True, help_text="完成时限（空为持续推进）"
    )
    responsible = serializers.CharField(help_text=RESPONSIBLE_HELP)
    link = serializers.CharField(help_text=LINK_HELP)


class StatsTemplatePhaseSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True, help_text="开始日期（步骤无）")
    ends_on = serializers.DateField(allow_null=True, help_text="结束日期或截止日期")
    deliverables = StatsTemplateDeliverableSerializer(many=True)


class StatsCampaignTemplateSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="模板代码")
    # "label" and "source" are also Field's own attributes (typing only: the
    # metaclass takes declared fields off the class).
    label = serializers.CharField()  # type: ignore[assignment]
    title = serializers.CharField()
    source = serializers.CharField(help_text="依据文件")  # type: ignore[assignment]
    lead_level = serializers.IntegerField(help_text="牵头单位的" + LEVEL_HELP)
    unit_level = serializers.IntegerField(help_text="跟踪单位的" + LEVEL_HELP)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    phases = StatsTemplatePhaseSerializer(many=True)


def template_data(template: Template) -> dict[str, Any]:
    return {
        "code": template.code,
        "label": str(TEMPLATE_LABELS[template.code]),
        "title": template.title,
        "source": template.source,
        "lead_level": template.lead_level,
        "unit_level": template.unit_level,
        "starts_on": template.starts_on,
        "ends_on": template.ends_on,
        "phases": [
            {
                "number": n,
                "name": phase.name,
                "starts_on": phase.starts_on,
                "ends_on": phase.ends_on,
                "deliverables": [
                    {
                        "number": m,
                        "text": item.text,
                        "due_on": item.due_on,
                        "responsible": str(item.responsible),
                        "link": str(item.link),
                    }
                    for m, item in enumerate(phase.deliverables, 1)
                ],
            }
            for n, phase in enumerate(template.phases, 1)
        ],
    }


@extend_schema_view(
    list=extend_schema(
        summary="专项工作模板：肃南6个阶段、坡头5个步骤、陕西县级节点（REQ-104、106、107）",
        responses={200: StatsCampaignTemplateSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="一个专项工作模板及其阶段、任务和时限",
        parameters=[
            OpenApiParameter("id", str, OpenApiParameter.PATH, description="模板代码")
        ],
        responses={200: StatsCampaignTemplateSerializer, **ERRORS},
    ),
)
class CampaignTemplateViewSet(viewsets.ViewSet):
    permission_classes = [CanViewStats]
    lookup_value_regex = TEMPLATE_CODE

    def list(self, request):
        data = [template_data(t) for t in TEMPLATES.values()]
        return Response(StatsCampaignTemplateSerializer(data, many=True).data)

    def retrieve(self, request, pk=None):
        template = TEMPLATES.get(pk or "")
        if template is None:
            raise NotFound()
        return Response(StatsCampaignTemplateSerializer(template_data(template)).data)


# The campaigns -------------------------------------------------------------------------


class StatsCampaignSerializer(serializers.ModelSerializer):
    division = serializers.CharField(source="division_id", help_text="牵头区划代码")
    division_name = serializers.CharField(source="division.name")
    template = serializers.CharField(help_text="所用模板代码")
    unit_level = serializers.IntegerField(help_text="跟踪单位的" + LEVEL_HELP)
    created_by = person()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "division",
            "division_name",
            "template",
            "title",
            "source",
            "unit_level",
            "starts_on",
            "ends_on",
            "created_by",
            "created_at",
        ]


class StatsCampaignDeliverableSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="deliverable.pk")
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="阶段序号.任务序号"
    )
    number = serializers.IntegerField(source="deliverable.number")
    text = serializers.CharField(source="deliverable.text")
    due_on = serializers.DateField(
        source="deliverable.due_on", allow_null=True, help_text="完成时限"
    )
    responsible = serializers.CharField(
        source="deliverable.responsible", help_text=RESPONSIBLE_HELP
    )
    link = serializers.CharField(source="deliverable.link", help_text=LINK_HELP)
    unit_count = serializers.SerializerMethodField(help_text="责任单位数")
    done_count = serializers.SerializerMethodField(help_text="已完成单位数")
    missing = serializers.SerializerMethodField(help_text="未完成的单位代码")
    overdue = serializers.BooleanField(help_text="已过时限仍有单位未完成（REQ-104）")
    due_soon = serializers.BooleanField(help_text="14日内到期且有单位未完成")

    def get_unit_count(self, obj: selectors.DeliverableState) -> int:
        return len(obj.units)

    def get_done_count(self, obj: selectors.DeliverableState) -> int:
        return len(obj.done)

    def get_missing(self, obj: selectors.DeliverableState) -> list[str]:
        return [u.code for u in obj.missing]


class StatsCampaignPhaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="phase.pk")
    number = serializers.IntegerField(source="phase.number")
    name = serializers.CharField(source="phase.name")
    starts_on = serializers.DateField(source="phase.starts_on", allow_null=True)
    ends_on = serializers.DateField(source="phase.ends_on", allow_null=True)
    opens_on = serializers.DateField(help_text="开始日期；步骤为上一步截止的次日")
    state = serializers.CharField(help_text=PHASE_STATE_HELP)
    state_display = serializers.CharField(source="state_label")
    current = serializers.BooleanField(help_text="当前阶段")
    deliverables = StatsCampaignDeliverableSerializer(many=True)


class StatsCampaignCellSerializer(serializers.Serializer):
    applies = serializers.BooleanField(help_text="该任务由该单位完成")
    completion = serializers.IntegerField(
        source="completion.pk", allow_null=True, default=None
    )
    completed_on = serializers.DateField(
        source="completion.completed_on", allow_null=True, default=None
    )
    overdue = serializers.BooleanField(help_text="已过时限仍未完成")


class StatsCampaignUnitSerializer(serializers.Serializer):
    """A row of the matrix: the unit and its cells in the deliverables' order."""

    code = serializers.CharField(source="unit.code")
    name = serializers.CharField(source="unit.name")
    is_lead = serializers.BooleanField(help_text="牵头单位")
    done = serializers.IntegerField(help_text="已完成任务数")
    expected = serializers.IntegerField(help_text="应完成任务数")
    overdue = serializers.BooleanField(help_text="有逾期未完成的任务")
    cells = StatsCampaignCellSerializer(many=True)


class StatsCompletionSerializer(serializers.ModelSerializer):
    deliverable = serializers.IntegerField(source="deliverable_id")
    campaign = serializers.IntegerField(source="deliverable.phase.campaign_id")
    unit = serializers.CharField(source="unit_id", help_text="完成单位代码")
    unit_name = serializers.CharField(source="unit.name")
    inspection = serializers.IntegerField(
        source="inspection_id", allow_null=True, help_text="专项督查（第4步）"
    )
    report = serializers.IntegerField(
        source="report_id", allow_null=True, help_text="报送的报告"
    )
    recorded_by = person()

    class Meta:
        model = Completion
        fields = [
            "id",
            "deliverable",
            "campaign",
            "unit",
            "unit_name",
            "completed_on",
            "note",
            "inspection",
            "report",
            "recorded_by",
            "recorded_at",
        ]


class StatsCompletionDetailSerializer(StatsCompletionSerializer):
    allowed_actions = AllowedActionsField()

    class Meta(StatsCompletionSerializer.Meta):
        fields = [*StatsCompletionSerializer.Meta.fields, "allowed_actions"]


class StatsCampaignDetailSerializer(StatsCampaignSerializer):
    current_phase = serializers.SerializerMethodField(help_text="当前阶段序号")
    phases = serializers.SerializerMethodField(help_text="各阶段及其任务")
    units = serializers.SerializerMethodField(
        help_text="各单位完成情况（单位 × 任务；可见范围内）"
    )
    overdue = serializers.SerializerMethodField(
        help_text="已过时限仍有单位未完成的任务 id（REQ-104）"
    )
    completions = serializers.SerializerMethodField(help_text="完成情况登记")
    allowed_actions = AllowedActionsField()

    class Meta(StatsCampaignSerializer.Meta):
        fields = [
            *StatsCampaignSerializer.Meta.fields,
            "current_phase",
            "phases",
            "units",
            "overdue",
            "completions",
            "allowed_actions",
        ]

    def _progress(self, obj: Campaign) -> selectors.Progress:
        # Work the progress out once per campaign: every field reads the same.
        cache: dict[int, selectors.Progress] = self.__dict__.setdefault(
            "_progress_cache", {}
        )
        if obj.pk not in cache:
            request = self.context.get("request")
            viewer = getattr(request, "user", None)
            cache[obj.pk] = selectors.progress(obj, clock.today(), viewer=viewer)
        return cache[obj.pk]

    def get_current_phase(self, obj: Campaign) -> int | None:
        current = self._progress(obj).current
        return current.phase.number if current is not None else None

    @extend_schema_field(StatsCampaignPhaseSerializer(many=True))
    def get_phases(self, obj: Campaign) -> Any:
        return StatsCampaignPhaseSerializer(self._progress(obj).phases, many=True).data

    @extend_schema_field(StatsCampaignUnitSerializer(many=True))
    def get_units(self, obj: Campaign) -> Any:
        return StatsCampaignUnitSerializer(self._progress(obj).rows, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_overdue(self, obj: Campaign) -> list[int]:
        return [d.deliverable.pk for d in self._progress(obj).overdue]

    @extend_schema_field(StatsCompletionSerializer(many=True))
    def get_completions(self, obj: Campaign) -> Any:
        found = [c for _d, c in self._progress(obj).completions]
        return StatsCompletionSerializer(found, many=True).data


class StatsCampaignCreateSerializer(serializers.Serializer):
    division = serializers.CharField(
        max_length=12, help_text="牵头区划代码（县；陕西模板为省）"
    )
    template = serializers.CharField(
        max_length=40, help_text="模板代码：" + "、".join(TEMPLATES)
    )
    starts_on = serializers.DateField(
        help_text="开始月份的任一日期：时限按与模板相差的整月数顺延，日不计"
    )
    title = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text="工作名称（不填用模板的）",
    )


class StatsCampaignRescheduleSerializer(serializers.Serializer):
    deliverable = serializers.IntegerField(min_value=1, help_text="工作任务 id")
    due_on = serializers.DateField(allow_null=True, help_text="新的完成时限（可空）")
    reason = serializers.CharField(allow_blank=True, help_text="调整原因")


def campaign_queryset(user: Any) -> QuerySet[Campaign]:
    return selectors.campaigns(user)


def campaign_answer(request: Any, campaign_id: int, status: int = 200) -> Response:
    campaign = campaign_queryset(request.user).get(pk=campaign_id)
    data = StatsCampaignDetailSerializer(campaign, context={"request": request}).data
    return Response(data, status=status)


@extend_schema_view(
    list=extend_schema(summary="专项工作（可见范围内，REQ-104–107）"),
    retrieve=extend_schema(
        summary="专项工作的阶段、任务、各单位完成情况和逾期任务（REQ-104）",
        responses={200: StatsCampaignDetailSerializer, **ERRORS},
    ),
)
class CampaignViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewStats]
    serializer_class = StatsCampaignSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        return campaign_queryset(self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return StatsCampaignSerializer
        return StatsCampaignDetailSerializer

    @extend_schema(
        summary="牵头单位按模板发起专项工作（时限按开始月份整月顺延）",
        request=StatsCampaignCreateSerializer,
        responses={201: StatsCampaignDetailSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(StatsCampaignCreateSerializer, request)
        campaign = services.campaign_start(
            actor=request.user,
            division_code=v["division"],
            template_code=v["template"],
            starts_on=v["starts_on"],
            title=v["title"] or None,
        )
        return campaign_answer(request, campaign.pk, status=201)

    @extend_schema(
        summary="牵头单位调整一项任务的完成时限（附原因）",
        request=StatsCampaignRescheduleSerializer,
        responses={200: StatsCampaignDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        campaign = self.get_object()
        v = validated(StatsCampaignRescheduleSerializer, request)
        if not campaign.phases.filter(deliverables__pk=v["deliverable"]).exists():
            raise NotFound()
        services.deliverable_reschedule(
            actor=request.user,
            deliverable_id=v["deliverable"],
            due_on=v["due_on"],
            reason=v["reason"],
        )
        return campaign_answer(request, campaign.pk)


# Completions ---------------------------------------------------------------------------


class StatsCompletionCreateSerializer(serializers.Serializer):
    """The service checks the unit, the date, and what steps 4 and 5 are done with."""

    deliverable = serializers.IntegerField(min_value=1, help_text="工作任务 id")
    unit = serializers.CharField(max_length=12, help_text="完成单位代码")
    completed_on = serializers.DateField(help_text="完成日期（不晚于今天）")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="完成情况"
    )
    inspection = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="专项督查 id（关联督查的任务必填，须有抽取记录，REQ-095）",
    )
    report = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text="已报送的报告 id（关联报告的任务必填）",
    )


class StatsCompletionWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="撤回原因")


def completion_queryset(user: Any) -> QuerySet[Completion]:
    return Completion.objects.visible_to(user).select_related(
        "unit", "recorded_by", "deliverable__phase__campaign"
    )


@extend_schema_view(
    list=extend_schema(summary="专项工作任务完成情况（可见范围内）"),
    retrieve=extend_schema(
        summary="一条完成情况登记",
        responses={200: StatsCompletionDetailSerializer, **ERRORS},
    ),
)
class CompletionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewStats]
    serializer_class = StatsCompletionSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        return completion_queryset(self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return StatsCompletionSerializer
        return StatsCompletionDetailSerializer

    @extend_schema(
        summary="登记一个单位完成一项任务（REQ-104；第4步附督查，报告类附报告，REQ-106）",
        request=StatsCompletionCreateSerializer,
        responses={201: StatsCompletionDetailSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(StatsCompletionCreateSerializer, request)
        completion = services.completion_record(
            actor=request.user,
            deliverable_id=v["deliverable"],
            unit_code=v["unit"],
            completed_on=v["completed_on"],
            note=v["note"],
            inspection_id=v["inspection"],
            report_id=v["report"],
        )
        found = completion_queryset(request.user).filter(pk=completion.pk).first()
        data = StatsCompletionDetailSerializer(
            found or completion, context={"request": request}
        ).data
        return Response(data, status=201)

    @extend_schema(
        summary="撤回登记有误的完成情况（附原因），答复撤回前的记录",
        request=StatsCompletionWithdrawSerializer,
        responses={200: StatsCompletionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        completion = self.get_object()
        v = validated(StatsCompletionWithdrawSerializer, request)
        data = StatsCompletionSerializer(completion).data
        services.completion_withdraw(
            actor=request.user, completion_id=completion.pk, reason=v["reason"]
        )
        return Response(data)
