"""The inventory survey (摸排, REQ-099): the surveys a user sees, one survey with its
entries and their counts by source type and by disposition, the county bureau opening a
survey, townships, departments and the bureau entering what they find, the bureau
deciding each entry (keep with its basis, or cancel with the reason) and closing the
survey once every entry has its disposition."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yinzheng.accounts import policy
from yinzheng.core.rest.responses import ERRORS, validated

from .. import services
from ..choices import Disposition, SourceType, SurveyStatus
from ..models import Survey, SurveyEntry
from .common import PK, CanViewStats, person

# Plain strings with the values listed (see common.py): no enums named by field name.
SOURCE_TYPE_HELP = "来源类型：" + "、".join(SourceType.values)
DISPOSITION_HELP = "处理意见：" + "、".join(Disposition.values)
SURVEY_STATUS_HELP = "摸排状态：" + "、".join(SurveyStatus.values)
UNDISPOSED_LABEL = "未提出处理意见"

# Serializers ------------------------------------------------------------------------


class StatsSurveySerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county_id")
    county_name = serializers.CharField(source="county.name")
    status = serializers.CharField(help_text=SURVEY_STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")
    opened_by = person()
    closed_by = person()

    class Meta:
        model = Survey
        fields = [
            "id",
            "county",
            "county_name",
            "title",
            "status",
            "status_display",
            "opened_by",
            "opened_at",
            "closed_by",
            "closed_at",
        ]


class StatsSurveyEntrySerializer(serializers.ModelSerializer):
    survey = serializers.IntegerField(source="survey_id")
    division = serializers.CharField(
        source="division_id", help_text="所涉区划代码（村、乡镇或县）"
    )
    division_name = serializers.CharField(source="division.name")
    source_type = serializers.CharField(help_text=SOURCE_TYPE_HELP)
    source_type_display = serializers.CharField(source="get_source_type_display")
    disposition = serializers.CharField(help_text="空（未处理），或" + DISPOSITION_HELP)
    disposition_display = serializers.CharField(source="get_disposition_display")
    entered_by = person()
    disposed_by = person()

    class Meta:
        model = SurveyEntry
        fields = [
            "id",
            "survey",
            "division",
            "division_name",
            "source_type",
            "source_type_display",
            "item_name",
            "basis",
            "demanding_unit",
            "responsible_department",
            "note",
            "entered_by",
            "entered_at",
            "disposition",
            "disposition_display",
            "disposition_basis",
            "disposed_by",
            "disposed_at",
        ]


class StatsSurveyCountSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="取值（处理意见为空即未处理）")
    display = serializers.CharField()
    count = serializers.IntegerField()


def _counts(values: list[str], choices: Any, blank_label: str = "") -> list[dict]:
    rows = [
        {"value": v, "display": str(label), "count": values.count(v)}
        for v, label in choices
    ]
    if blank_label:
        rows.append({"value": "", "display": blank_label, "count": values.count("")})
    return rows


class StatsSurveyDetailSerializer(StatsSurveySerializer):
    entry_count = serializers.SerializerMethodField(help_text="条目数")
    by_source_type = serializers.SerializerMethodField(help_text="按来源类型的条目数")
    by_disposition = serializers.SerializerMethodField(
        help_text="按处理意见的条目数（含未处理）"
    )
    entries = serializers.SerializerMethodField(help_text="各条目（可见范围内）")

    class Meta(StatsSurveySerializer.Meta):
        fields = [
            *StatsSurveySerializer.Meta.fields,
            "entry_count",
            "by_source_type",
            "by_disposition",
            "entries",
        ]

    def _entries(self, obj: Survey) -> list[SurveyEntry]:
        # Work the entries out once per survey: the counts are of the same entries.
        cache: dict[int, list[SurveyEntry]] = self.__dict__.setdefault(
            "_entry_cache", {}
        )
        if obj.pk not in cache:
            request = self.context.get("request")
            cache[obj.pk] = list(
                entry_queryset(getattr(request, "user", None)).filter(survey=obj)
            )
        return cache[obj.pk]

    def get_entry_count(self, obj: Survey) -> int:
        return len(self._entries(obj))

    @extend_schema_field(StatsSurveyCountSerializer(many=True))
    def get_by_source_type(self, obj: Survey) -> Any:
        values = [e.source_type for e in self._entries(obj)]
        return _counts(values, SourceType.choices)

    @extend_schema_field(StatsSurveyCountSerializer(many=True))
    def get_by_disposition(self, obj: Survey) -> Any:
        values = [e.disposition for e in self._entries(obj)]
        return _counts(values, Disposition.choices, UNDISPOSED_LABEL)

    @extend_schema_field(StatsSurveyEntrySerializer(many=True))
    def get_entries(self, obj: Survey) -> Any:
        return StatsSurveyEntrySerializer(self._entries(obj), many=True).data


class StatsSurveyCreateSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=6, help_text="县（市、区）代码")
    title = serializers.CharField(allow_blank=True, help_text="摸排名称")


class StatsSurveyEntryCreateSerializer(serializers.Serializer):
    """One finding; the service checks the area, the source type and the lengths."""

    division = serializers.CharField(
        max_length=12, help_text="所涉区划代码（本县的村、乡镇或县）"
    )
    source_type = serializers.CharField(max_length=12, help_text=SOURCE_TYPE_HELP)
    item_name = serializers.CharField(allow_blank=True, help_text="证明事项名称")
    responsible_department = serializers.CharField(
        allow_blank=True, help_text="主管部门（谁主管、谁负责）"
    )
    basis = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="依据（法律法规、政策或地方规定）",
    )
    demanding_unit = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="要求开具的部门或单位（来源为部门、单位要求时必填）",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="说明"
    )


class StatsSurveyDisposeSerializer(serializers.Serializer):
    disposition = serializers.CharField(max_length=10, help_text=DISPOSITION_HELP)
    basis = serializers.CharField(allow_blank=True, help_text="保留依据或取消理由")


# Views --------------------------------------------------------------------------------


def survey_queryset(user: Any) -> QuerySet[Survey]:
    """The surveys of the counties in the user's scope, and of the county above a
    township's (the township enters its findings in the county's survey)."""
    where = policy.scope(user, "stats.view")
    return Survey.objects.filter(where.tree_q("county_id")).select_related(
        "county", "opened_by", "closed_by"
    )


def entry_queryset(user: Any) -> QuerySet[SurveyEntry]:
    """The entries the user sees (the entry's area inside the user's scope)."""
    return SurveyEntry.objects.visible_to(user).select_related(
        "division", "entered_by", "disposed_by"
    )


def survey_answer(request: Any, survey_id: int, status: int = 200) -> Response:
    survey = survey_queryset(request.user).get(pk=survey_id)
    data = StatsSurveyDetailSerializer(survey, context={"request": request}).data
    return Response(data, status=status)


@extend_schema_view(
    list=extend_schema(summary="证明事项摸排（可见范围内，REQ-099）"),
    retrieve=extend_schema(
        summary="摸排及其条目、按来源类型和处理意见的条目数（REQ-099）",
        responses={200: StatsSurveyDetailSerializer, **ERRORS},
    ),
)
class SurveyViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewStats]
    serializer_class = StatsSurveySerializer
    lookup_value_regex = PK

    def get_queryset(self):
        return survey_queryset(self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return StatsSurveySerializer
        return StatsSurveyDetailSerializer

    @extend_schema(
        summary="县民政发起摸排（REQ-099）",
        request=StatsSurveyCreateSerializer,
        responses={201: StatsSurveyDetailSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(StatsSurveyCreateSerializer, request)
        survey = services.survey_open(
            actor=request.user, county_code=v["county"], title=v["title"]
        )
        return survey_answer(request, survey.pk, status=201)

    @extend_schema(
        summary="填报一个摸排条目（来源类型、主管部门，REQ-099）",
        request=StatsSurveyEntryCreateSerializer,
        responses={201: StatsSurveyEntrySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def entries(self, request, pk=None):
        survey = self.get_object()
        v = validated(StatsSurveyEntryCreateSerializer, request)
        entry = services.entry_add(
            actor=request.user,
            survey_id=survey.pk,
            division_code=v["division"],
            source_type=v["source_type"],
            item_name=v["item_name"],
            responsible_department=v["responsible_department"],
            basis=v["basis"],
            demanding_unit=v["demanding_unit"],
            note=v["note"],
        )
        entry = SurveyEntry.objects.select_related(
            "division", "entered_by", "disposed_by"
        ).get(pk=entry.pk)
        return Response(StatsSurveyEntrySerializer(entry).data, status=201)

    @extend_schema(
        summary="结束摸排（每个条目都已提出处理意见，REQ-099）",
        request=None,
        responses={200: StatsSurveyDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        survey = self.get_object()
        services.survey_close(actor=request.user, survey_id=survey.pk)
        return survey_answer(request, survey.pk)


@extend_schema_view(
    retrieve=extend_schema(
        summary="摸排的一个条目", responses={200: StatsSurveyEntrySerializer, **ERRORS}
    ),
)
class SurveyEntryViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanViewStats]
    serializer_class = StatsSurveyEntrySerializer
    lookup_value_regex = PK

    def get_queryset(self):
        return entry_queryset(self.request.user)

    @extend_schema(
        summary="对条目提出处理意见：保留（附依据）或取消（附理由），REQ-099",
        request=StatsSurveyDisposeSerializer,
        responses={200: StatsSurveyEntrySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None):
        entry = self.get_object()
        v = validated(StatsSurveyDisposeSerializer, request)
        services.entry_dispose(
            actor=request.user,
            entry_id=entry.pk,
            disposition=v["disposition"],
            basis=v["basis"],
        )
        entry = self.get_queryset().get(pk=entry.pk)
        return Response(StatsSurveyEntrySerializer(entry).data)
