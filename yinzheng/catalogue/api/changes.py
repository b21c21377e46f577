"""`GET /api/catalogue/changes/`: the per-period report of the items each list added
and removed, with the decisions behind them (REQ-019), over the lists the caller
manages (catalogue.manage). A read through `selectors.change_report`."""

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.accounts import policy
from yinzheng.core.errors import InvalidInput, NotFound
from yinzheng.core.rest.responses import ERRORS

from .. import selectors
from ..errors import CatalogueCode


class ChangeLineSerializer(serializers.Serializer):
    item_key = serializers.CharField()
    item_name = serializers.CharField()
    decision_kind = serializers.ChoiceField(
        choices=["admission", "exit", "cleanup", "initial_load", "version"],
        help_text="准入、退出、清理、清单初次制定，或仅有版本批准记录",
    )
    decision = serializers.CharField(help_text="依据的决定（会议、文号或批准记录）")


class VersionChangesSerializer(serializers.Serializer):
    list_id = serializers.IntegerField()
    list_title = serializers.CharField()
    owner = serializers.CharField()
    owner_name = serializers.CharField()
    kind = serializers.CharField()
    version_number = serializers.IntegerField()
    valid_from = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    approval_body = serializers.CharField()
    approval_date = serializers.DateField(allow_null=True)
    approval_reference = serializers.CharField()
    added = ChangeLineSerializer(many=True)
    removed = ChangeLineSerializer(many=True)


class ChangeReportSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    added_count = serializers.IntegerField()
    removed_count = serializers.IntegerField()
    versions = VersionChangesSerializer(many=True)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


class ChangeReportView(APIView):
    @extend_schema(
        summary="清单增减情况：统计期间内各清单新增、移出的事项及依据的决定（REQ-019）",
        parameters=[
            OpenApiParameter(
                "start", dt.date, required=True, description="开始日期（含）"
            ),
            OpenApiParameter(
                "end",
                dt.date,
                required=True,
                description="结束日期（含；不早于开始日期，否则 400 period_invalid）",
            ),
            OpenApiParameter("list", int, description="只看这一个清单"),
        ],
        responses={200: ChangeReportSerializer, **ERRORS},
    )
    def get(self, request):
        policy.require(request.user, "catalogue.manage")
        start = _date(request.query_params.get("start"))
        end = _date(request.query_params.get("end"))
        lists = selectors.lists_manageable(request.user)
        chosen = request.query_params.get("list")
        if chosen:
            try:
                pk = int(chosen)
            except ValueError:
                raise InvalidInput(code=CatalogueCode.LIST_NOT_FOUND) from None
            # A list the caller does not manage, or no list at all, is not found.
            lists = lists.filter(pk=pk) if 0 < pk < 2**63 else lists.none()
            if not lists.exists():
                raise NotFound(code=CatalogueCode.LIST_NOT_FOUND)
        selectors.check_period(start, end)
        assert start is not None and end is not None  # check_period refused None
        report = selectors.change_report(lists=lists, start=start, end=end)
        return Response(ChangeReportSerializer(report).data)
