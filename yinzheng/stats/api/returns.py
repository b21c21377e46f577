"""The units' returns of the statistics table (REQ-100–102): a township's or a
department's return with its rows in order (序号 1..n), the rows added, changed and
removed while it is a draft, and the return submitted to the county bureau."""

from typing import Any

from django.db.models import Count, QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.accounts.choices import department_label
from yinzheng.core.rest.responses import ERRORS, validated

from .. import selectors, services
from ..models import TableReturn, TableRow
from .common import (
    DEPARTMENT_HELP,
    PK,
    RETURN_STATUS_HELP,
    CanViewStats,
    person,
)

# Serializers ------------------------------------------------------------------------


class StatsTableRowSerializer(serializers.ModelSerializer):
    table_return = serializers.IntegerField(source="table_return_id")

    class Meta:
        model = TableRow
        fields = [
            "id",
            "table_return",
            "position",
            "item_name",
            "basis",
            "implementing_unit",
            "competent_department",
            "note",
        ]


class StatsReturnSerializer(serializers.ModelSerializer):
    table = serializers.IntegerField(source="table_id")
    table_title = serializers.CharField(source="table.title")
    deadline = serializers.DateField(source="table.deadline", help_text="报送截止日期")
    division = serializers.CharField(
        source="division_id", help_text="乡镇（街道）代码；部门的填报为县代码"
    )
    department = serializers.CharField(help_text="空（乡镇），或" + DEPARTMENT_HELP)
    department_display = serializers.SerializerMethodField()
    status = serializers.CharField(help_text=RETURN_STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")
    row_count = serializers.IntegerField(source="n", help_text="行数")
    started_by = person()
    submitted_by = person()

    class Meta:
        model = TableReturn
        fields = [
            "id",
            "table",
            "table_title",
            "deadline",
            "division",
            "department",
            "department_display",
            "unit_name",
            "status",
            "status_display",
            "row_count",
            "started_by",
            "started_at",
            "submitted_by",
            "submitted_at",
        ]

    def get_department_display(self, obj: TableReturn) -> str:
        return department_label(obj.department) if obj.department else ""


class StatsReturnDetailSerializer(StatsReturnSerializer):
    rows = serializers.SerializerMethodField(help_text="各行，按序号")
    allowed_actions = AllowedActionsField()

    class Meta(StatsReturnSerializer.Meta):
        fields = [*StatsReturnSerializer.Meta.fields, "rows", "allowed_actions"]

    @extend_schema_field(StatsTableRowSerializer(many=True))
    def get_rows(self, obj: TableReturn) -> Any:
        return StatsTableRowSerializer(selectors.rows_of(obj), many=True).data


class StatsRowSerializer(serializers.Serializer):
    """One row in the official columns (REQ-101); the service checks the lengths."""

    item_name = serializers.CharField(allow_blank=True, help_text="证明事项名称")
    basis = serializers.CharField(allow_blank=True, help_text="法律法规、政策依据")
    implementing_unit = serializers.CharField(allow_blank=True, help_text="实施单位")
    competent_department = serializers.CharField(allow_blank=True, help_text="主管部门")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="备注"
    )


class StatsRowUpdateSerializer(serializers.Serializer):
    """The columns to change; those left out keep their values."""

    item_name = serializers.CharField(required=False, allow_blank=True)
    basis = serializers.CharField(required=False, allow_blank=True)
    implementing_unit = serializers.CharField(required=False, allow_blank=True)
    competent_department = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True)


# Views --------------------------------------------------------------------------------


def return_queryset(user: Any) -> QuerySet[TableReturn]:
    """Every return the user sees, with its table, people and row count."""
    return (
        TableReturn.objects.visible_to(user)
        .select_related("table", "started_by", "submitted_by")
        .annotate(n=Count("rows"))
        .order_by("table_id", "division_id", "department")
    )


def return_answer(request: Any, return_id: int, status: int = 200) -> Response:
    ret = return_queryset(request.user).get(pk=return_id)
    data = StatsReturnDetailSerializer(ret, context={"request": request}).data
    return Response(data, status=status)


@extend_schema_view(
    list=extend_schema(
        summary="各单位的统计表填报（可见范围内）",
        parameters=[OpenApiParameter("table", int, description="统计表编号")],
    ),
    retrieve=extend_schema(
        summary="一个单位的统计表填报及其各行",
        responses={200: StatsReturnDetailSerializer, **ERRORS},
    ),
)
class TableReturnViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewStats]
    serializer_class = StatsReturnSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        rows = return_queryset(self.request.user)
        if self.action == "list":
            # An integer (core.rest.query checked it): any other id matches nothing.
            table = self.request.query_params.get("table", "")
            if table:
                rows = rows.filter(table_id=int(table))
        return rows

    def get_serializer_class(self):
        if self.action == "list":
            return StatsReturnSerializer
        return StatsReturnDetailSerializer

    @extend_schema(
        summary="添加一行（序号接在最后一行之后，REQ-100）",
        request=StatsRowSerializer,
        responses={201: StatsTableRowSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def rows(self, request, pk=None):
        ret = self.get_object()
        v = validated(StatsRowSerializer, request)
        row = services.row_add(actor=request.user, return_id=ret.pk, values=dict(v))
        return Response(StatsTableRowSerializer(row).data, status=201)

    @extend_schema(
        summary="报送本单位的统计表（至少一行；报送后不能再修改，REQ-102）",
        request=None,
        responses={200: StatsReturnDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        ret = self.get_object()
        services.return_submit(actor=request.user, return_id=ret.pk)
        return return_answer(request, ret.pk)


@extend_schema_view(
    retrieve=extend_schema(
        summary="统计表的一行", responses={200: StatsTableRowSerializer, **ERRORS}
    ),
    partial_update=extend_schema(
        summary="修改一行（报送前）",
        request=StatsRowUpdateSerializer,
        responses={200: StatsTableRowSerializer, **ERRORS},
    ),
    destroy=extend_schema(
        summary="删除一行（报送前；其后各行的序号前移），答复该填报",
        request=None,
        responses={200: StatsReturnDetailSerializer, **ERRORS},
    ),
)
class TableRowViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanViewStats]
    serializer_class = StatsTableRowSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        visible = TableReturn.objects.visible_to(self.request.user)
        return TableRow.objects.filter(table_return__in=visible.values("pk"))

    def partial_update(self, request, pk=None):
        row = self.get_object()
        body = StatsRowUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        row = services.row_update(
            actor=request.user, row_id=row.pk, values=dict(body.validated_data)
        )
        return Response(StatsTableRowSerializer(row).data)

    def destroy(self, request, pk=None):
        row = self.get_object()
        ret = services.row_delete(actor=request.user, row_id=row.pk)
        return return_answer(request, ret.pk)
