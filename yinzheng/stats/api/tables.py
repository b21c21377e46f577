"""The statistics table 《应由基层群众性自治组织出具证明事项统计表》 (REQ-100–102): the
tables a user sees, one table with every reporting unit's status against the deadline
(not started, draft, submitted, late), the county bureau opening a table, and a unit
opening its return on it."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yinzheng.accounts.choices import department_label
from yinzheng.core import clock
from yinzheng.core.rest.responses import ERRORS, validated

from .. import selectors, services
from ..models import StatsTable
from ..selectors import UnitRow
from .common import (
    DEPARTMENT_HELP,
    PK,
    UNIT_STATUS_HELP,
    CanViewStats,
    person,
)
from .returns import StatsReturnDetailSerializer, return_answer

# Serializers ------------------------------------------------------------------------


class StatsTableSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county_id")
    county_name = serializers.CharField(source="county.name")
    departments = serializers.ListField(
        child=serializers.CharField(),
        help_text="填报部门（乡镇之外）：" + DEPARTMENT_HELP,
    )
    created_by = person()

    class Meta:
        model = StatsTable
        fields = [
            "id",
            "county",
            "county_name",
            "title",
            "deadline",
            "departments",
            "note",
            "created_by",
            "created_at",
        ]


class StatsUnitSerializer(serializers.Serializer):
    """A reporting unit of the table and where its return stands (REQ-102)."""

    name = serializers.CharField(help_text="填报单位")
    division_code = serializers.CharField(help_text="乡镇（街道）代码；部门为县代码")
    department = serializers.CharField(help_text="空（乡镇），或" + DEPARTMENT_HELP)
    department_display = serializers.SerializerMethodField()
    status = serializers.CharField(help_text=UNIT_STATUS_HELP)
    status_display = serializers.CharField(source="status_label")
    rows = serializers.IntegerField(help_text="已填行数")
    late = serializers.BooleanField(help_text="截止后报送，或截止已过仍未报送")
    table_return = serializers.SerializerMethodField(help_text="填报记录（未开始为空）")

    def get_department_display(self, obj: UnitRow) -> str:
        return department_label(obj.department) if obj.department else ""

    def get_table_return(self, obj: UnitRow) -> int | None:
        return obj.table_return.pk if obj.table_return is not None else None


class StatsTableDetailSerializer(StatsTableSerializer):
    units = serializers.SerializerMethodField(help_text="各填报单位的报送情况")

    class Meta(StatsTableSerializer.Meta):
        fields = [*StatsTableSerializer.Meta.fields, "units"]

    @extend_schema_field(StatsUnitSerializer(many=True))
    def get_units(self, obj: StatsTable) -> Any:
        units = selectors.unit_statuses(obj, clock.today())
        return StatsUnitSerializer(units, many=True).data


class StatsTableCreateSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=6, help_text="县（市、区）代码")
    deadline = serializers.DateField(help_text="报送截止日期")
    departments = serializers.ListField(
        child=serializers.CharField(max_length=30),
        required=False,
        allow_null=True,
        default=None,
        help_text="填报部门（乡镇之外）；不填为默认各部门。" + DEPARTMENT_HELP,
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="填报说明"
    )


class StatsReturnOpenSerializer(serializers.Serializer):
    """The unit: a township of the county, or one of the table's departments."""

    township = serializers.CharField(
        max_length=9,
        required=False,
        allow_blank=True,
        default="",
        help_text="乡镇（街道）代码",
    )
    department = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text=DEPARTMENT_HELP,
    )


# Views --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="证明事项统计表（可见范围内）"),
    retrieve=extend_schema(
        summary="统计表及各填报单位的报送情况（REQ-102）",
        responses={200: StatsTableDetailSerializer, **ERRORS},
    ),
)
class StatsTableViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewStats]
    serializer_class = StatsTableSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        return selectors.tables(self.request.user).select_related("created_by")

    def get_serializer_class(self):
        if self.action == "list":
            return StatsTableSerializer
        return StatsTableDetailSerializer

    @extend_schema(
        summary="县民政发布统计表（截止日期、填报部门，REQ-102）",
        request=StatsTableCreateSerializer,
        responses={201: StatsTableDetailSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(StatsTableCreateSerializer, request)
        table = services.table_create(
            actor=request.user,
            county_code=v["county"],
            deadline=v["deadline"],
            departments=v["departments"],
            note=v["note"],
        )
        table = self.get_queryset().get(pk=table.pk)
        data = StatsTableDetailSerializer(table, context={"request": request}).data
        return Response(data, status=201)

    @extend_schema(
        summary="本单位开始填报（已有则为该填报），答复该填报（REQ-100）",
        request=StatsReturnOpenSerializer,
        responses={200: StatsReturnDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        # Not `get_object()`: the table is the county's, outside a township's scope,
        # and the service finds it (404) and checks that the unit is the user's.
        v = validated(StatsReturnOpenSerializer, request)
        ret = services.return_open(
            actor=request.user,
            table_id=int(pk),
            township_code=v["township"] or None,
            department=v["department"],
        )
        return return_answer(request, ret.pk)
