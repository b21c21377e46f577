"""Inspections (督查, REQ-092, REQ-094, REQ-095): the special-inspection draws (2
committees per township, reproducible: `replay_ok` draws again from the recorded seed
and candidates), inspections with their mode and findings, and the findings themselves:
a non-compliant seal use brings its circulated criticism and rectification item at
once (REQ-092); any other finding goes on the rectification list through
`findings/{id}/item/` (REQ-096).
"""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yinzheng.core.rest.responses import ERRORS, validated
from yinzheng.core.text import MAX_ID, as_id

from .. import selectors, services
from ..models import Criticism, Draw, Finding, Inspection, RectificationItem
from .common import (
    FINDING_KIND_HELP,
    ITEM_STATUS_HELP,
    MODE_HELP,
    PK,
    CanViewSupervision,
    person,
    str_param,
)
from .items import RectificationItemDetailSerializer, item_queryset

# Serializers ------------------------------------------------------------------------


class DrawSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county_id")
    county_name = serializers.CharField(source="county.name")
    drawn = serializers.DictField(
        source="sample.drawn",
        child=serializers.ListField(child=serializers.CharField()),
        help_text="各乡镇（街道）抽中的村（居）委会代码",
    )
    replay_ok = serializers.SerializerMethodField(
        help_text="以记录的种子和候选名单重新抽取，结果是否一致（REQ-095）"
    )
    drawn_by = person()

    class Meta:
        model = Draw
        fields = [
            "id",
            "county",
            "county_name",
            "per_township",
            "seed",
            "candidates_sha256",
            "drawn",
            "replay_ok",
            "drawn_on",
            "drawn_at",
            "drawn_by",
        ]

    def get_replay_ok(self, obj: Draw) -> bool:
        return services.draw_replay(obj)


class DrawDetailSerializer(DrawSerializer):
    candidates = serializers.DictField(
        source="sample.candidates",
        child=serializers.ListField(child=serializers.CharField()),
        help_text="候选名单：各乡镇（街道）在册的村（居）委会，按代码排序",
    )

    class Meta(DrawSerializer.Meta):
        fields = [*DrawSerializer.Meta.fields, "candidates"]


class DrawCreateSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=6, help_text="县（市、区）代码")
    seed = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text="随机种子；留空则随机生成并记录",
    )


class CriticismSerializer(serializers.ModelSerializer):
    committee = serializers.CharField(source="committee_id")
    issued_by = person()

    class Meta:
        model = Criticism
        fields = ["id", "committee", "text", "issued_on", "issued_by"]


class FindingItemBriefSerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text=ITEM_STATUS_HELP)
    division = serializers.CharField(source="division_id")

    class Meta:
        model = RectificationItem
        fields = [
            "id",
            "division",
            "responsible_unit",
            "deadline",
            "status",
            "round",
        ]


class FindingSerializer(serializers.ModelSerializer):
    inspection = serializers.IntegerField(source="inspection_id", allow_null=True)
    committee = serializers.CharField(source="committee_id")
    committee_name = serializers.CharField(source="committee.name")
    kind = serializers.CharField(help_text=FINDING_KIND_HELP)
    kind_display = serializers.CharField(source="get_kind_display")
    register_entries = serializers.SerializerMethodField(
        help_text="涉及的登记簿条目 id"
    )
    usage_requests = serializers.SerializerMethodField(help_text="涉及的用印申请 id")
    recorded_by = person()
    criticism = CriticismSerializer(
        allow_null=True, read_only=True, help_text="通报批评（违规用印，REQ-092）"
    )
    items = FindingItemBriefSerializer(
        many=True, read_only=True, help_text="整改清单条目（REQ-096）"
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "committee",
            "committee_name",
            "kind",
            "kind_display",
            "description",
            "register_entries",
            "usage_requests",
            "recorded_by",
            "recorded_at",
            "criticism",
            "items",
        ]

    def get_register_entries(self, obj: Finding) -> list[int]:
        return [entry.pk for entry in obj.register_entries.all()]

    def get_usage_requests(self, obj: Finding) -> list[int]:
        return [usage.pk for usage in obj.usage_requests.all()]


class FindingCreateSerializer(serializers.Serializer):
    committee = serializers.CharField(max_length=12, help_text="村（居）委会代码")
    kind = serializers.CharField(max_length=20, help_text=FINDING_KIND_HELP)
    description = serializers.CharField(allow_blank=True, help_text="发现的问题")
    inspection = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_ID,
        help_text="所属督查 id",
    )
    register = serializers.ChoiceField(
        choices=["", "work", "certificate"],
        required=False,
        default="",
        help_text="按登记簿序号关联时：登记簿（work 工作用印、certificate 出具证明）",
    )
    register_year = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=2000, max_value=2100
    )
    register_seqs = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=200,
        help_text="登记簿中的序号（第几条）",
    )
    register_entries = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=200,
        required=False,
        default=list,
        help_text="涉及的登记簿条目 id",
    )
    usage_requests = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        max_length=200,
        required=False,
        default=list,
        help_text="涉及的用印申请 id",
    )
    deadline = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="整改时限；违规用印必填（同时列入整改清单）",
    )
    criticism_text = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="通报批评内容；留空则用发现的问题",
    )


class FindingToItemSerializer(serializers.Serializer):
    responsible_unit = serializers.CharField(allow_blank=True, help_text="责任单位")
    deadline = serializers.DateField(allow_null=True, help_text="整改时限")
    problem = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="留空则用发现的问题"
    )
    responsible = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        default="",
        help_text="责任单位所在区划代码（乡镇等）；留空为该村（居）委会",
    )


class InspectionSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county_id")
    county_name = serializers.CharField(source="county.name")
    mode = serializers.CharField(help_text=MODE_HELP)
    mode_display = serializers.CharField(source="get_mode_display")
    committees = serializers.SerializerMethodField(help_text="督查对象代码")
    draw = serializers.IntegerField(source="draw_id", allow_null=True)
    created_by = person()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "county",
            "county_name",
            "title",
            "mode",
            "mode_display",
            "started_on",
            "inspectors",
            "committees",
            "draw",
            "note",
            "created_by",
            "created_at",
        ]

    def get_committees(self, obj: Inspection) -> list[str]:
        return sorted(committee.code for committee in obj.committees.all())


class InspectionDetailSerializer(InspectionSerializer):
    findings = FindingSerializer(many=True, read_only=True)

    class Meta(InspectionSerializer.Meta):
        fields = [*InspectionSerializer.Meta.fields, "findings"]


class InspectionCreateSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=6, help_text="县（市、区）代码")
    title = serializers.CharField(allow_blank=True, help_text="督查名称")
    mode = serializers.CharField(max_length=20, help_text=MODE_HELP)
    started_on = serializers.DateField(help_text="开始日期")
    inspectors = serializers.CharField(allow_blank=True, help_text="督查人员")
    committees = serializers.ListField(
        child=serializers.CharField(max_length=12),
        required=False,
        default=list,
        help_text="督查对象（村（居）委会代码）",
    )
    draw = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="专项督查的抽取记录 id：抽中的村（居）委会一并列为督查对象",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


# Views --------------------------------------------------------------------------------

FINDING_ROWS = ("committee", "recorded_by", "criticism__issued_by")
FINDING_LISTS = ("register_entries", "usage_requests", "items")


def finding_queryset(user):
    return (
        Finding.objects.visible_to(user)
        .select_related(*FINDING_ROWS)
        .prefetch_related(*FINDING_LISTS)
    )


@extend_schema_view(
    list=extend_schema(summary="专项督查抽取记录（REQ-095）"),
    retrieve=extend_schema(
        summary="抽取记录，含候选名单和复现校验",
        responses={200: DrawDetailSerializer, **ERRORS},
    ),
)
class DrawViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewSupervision]
    serializer_class = DrawSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        return Draw.objects.visible_to(self.request.user).select_related(
            "county", "drawn_by"
        )

    def get_serializer_class(self):
        return DrawDetailSerializer if self.action == "retrieve" else DrawSerializer

    @extend_schema(
        summary="抽取专项督查对象：每个乡镇（街道）2 个村（居），不足 2 个的全部抽取",
        request=DrawCreateSerializer,
        responses={201: DrawDetailSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(DrawCreateSerializer, request)
        draw = services.draw_create(
            actor=request.user, county_code=v["county"], seed=v["seed"] or None
        )
        draw = self.get_queryset().get(pk=draw.pk)
        return Response(
            DrawDetailSerializer(draw, context={"request": request}).data, status=201
        )


@extend_schema_view(
    list=extend_schema(
        summary="督查记录（REQ-094：可按督查方式筛选）",
        parameters=[str_param("mode", MODE_HELP)],
    ),
    retrieve=extend_schema(
        summary="督查及其发现的问题",
        responses={200: InspectionDetailSerializer, **ERRORS},
    ),
)
class InspectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewSupervision]
    serializer_class = InspectionSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        user = self.request.user
        mode = (
            self.request.query_params.get("mode", "") if self.action == "list" else ""
        )
        rows = selectors.inspections(user, mode).select_related("created_by")
        if self.action == "list":
            return rows.prefetch_related("committees")
        return rows.prefetch_related(
            "committees",
            Prefetch("findings", queryset=finding_queryset(user)),
        )

    def get_serializer_class(self):
        if self.action == "list":
            return InspectionSerializer
        return InspectionDetailSerializer

    @extend_schema(
        summary="登记督查（明察暗访、实地调研、随机检查、专项督导，REQ-094）",
        request=InspectionCreateSerializer,
        responses={201: InspectionDetailSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(InspectionCreateSerializer, request)
        inspection = services.inspection_create(
            actor=request.user,
            county_code=v["county"],
            title=v["title"],
            mode=v["mode"],
            started_on=v["started_on"],
            inspectors=v["inspectors"],
            committee_codes=v["committees"],
            draw_id=v["draw"],
            note=v["note"],
        )
        inspection = self.get_queryset().get(pk=inspection.pk)
        data = InspectionDetailSerializer(inspection, context={"request": request}).data
        return Response(data, status=201)


@extend_schema_view(
    list=extend_schema(
        summary="督查发现的问题",
        parameters=[
            str_param("inspection", "督查 id"),
            str_param("committee", "村（居）委会代码"),
            str_param("kind", FINDING_KIND_HELP),
        ],
    ),
    retrieve=extend_schema(
        summary="督查发现的问题，含通报批评和整改清单条目",
        responses={200: FindingSerializer, **ERRORS},
    ),
)
class FindingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewSupervision]
    serializer_class = FindingSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        rows = finding_queryset(self.request.user)
        if self.action == "list":
            params = self.request.query_params
            if params.get("inspection"):
                rows = rows.filter(inspection_id=as_id(params["inspection"]))
            if params.get("committee"):
                rows = rows.filter(committee_id=params["committee"])
            if params.get("kind"):
                rows = rows.filter(kind=params["kind"])
        return rows

    @extend_schema(
        summary="记录督查发现的问题（违规用印同时通报批评并列入整改清单，REQ-092）",
        request=FindingCreateSerializer,
        responses={201: FindingSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(FindingCreateSerializer, request)
        finding = services.finding_record(
            actor=request.user,
            committee_code=v["committee"],
            kind=v["kind"],
            description=v["description"],
            inspection_id=v["inspection"],
            entry_ids=v["register_entries"],
            usage_ids=v["usage_requests"],
            deadline=v["deadline"],
            criticism_text=v["criticism_text"],
            register=v["register"],
            register_year=v["register_year"],
            register_seqs=v["register_seqs"],
        )
        finding = self.get_queryset().get(pk=finding.pk)
        return Response(
            FindingSerializer(finding, context={"request": request}).data, status=201
        )

    @extend_schema(
        summary="列入整改清单：责任单位和整改时限（REQ-096）",
        request=FindingToItemSerializer,
        responses={201: RectificationItemDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def item(self, request, pk=None):
        finding = self.get_object()
        v = validated(FindingToItemSerializer, request)
        item = services.finding_to_item(
            actor=request.user,
            finding_id=finding.pk,
            responsible_unit=v["responsible_unit"],
            deadline=v["deadline"],
            problem=v["problem"],
            responsible_code=v["responsible"] or None,
        )
        item = item_queryset(request.user).get(pk=item.pk)
        return Response(
            RectificationItemDetailSerializer(item, context={"request": request}).data,
            status=201,
        )
