"""The rectification list (整改清单, REQ-096) and its follow-up reviews (回头看,
REQ-097): the items with their status, deadline and round, each with its history; the
responsible unit's evidence, closing (销号), the follow-up date, and the follow-up's
result (a relapse reopens the item as its next round).
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.core import clock
from yinzheng.core.rest.responses import ERRORS, validated

from .. import selectors, services
from ..models import RectificationEvent, RectificationItem
from .common import (
    FINDING_KIND_HELP,
    ITEM_EVENT_HELP,
    ITEM_STATUS_HELP,
    PK,
    CanViewRectification,
    bool_param,
    flag,
    person,
    str_param,
)

# Serializers ------------------------------------------------------------------------


class RectificationItemSerializer(serializers.ModelSerializer):
    finding = serializers.IntegerField(source="finding_id")
    county = serializers.CharField(source="county_id")
    division = serializers.CharField(
        source="division_id", help_text="责任区划（村（居）委会，或另定的乡镇等）"
    )
    division_name = serializers.CharField(source="division.name")
    status = serializers.CharField(help_text=ITEM_STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")
    overdue = serializers.SerializerMethodField(help_text="未销号且已过整改时限")

    class Meta:
        model = RectificationItem
        fields = [
            "id",
            "finding",
            "county",
            "division",
            "division_name",
            "responsible_unit",
            "problem",
            "deadline",
            "overdue",
            "status",
            "status_display",
            "round",
            "evidence",
            "closed_on",
            "follow_up_on",
            "created_at",
        ]

    def get_overdue(self, obj: RectificationItem) -> bool:
        return obj.overdue_on(clock.today())


class RectificationEventSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=ITEM_EVENT_HELP)
    kind_display = serializers.CharField(source="get_kind_display")
    by = person()

    class Meta:
        model = RectificationEvent
        fields = ["id", "round", "kind", "kind_display", "note", "on", "at", "by"]


class ItemFindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    committee = serializers.CharField(source="committee_id")
    committee_name = serializers.CharField(source="committee.name")
    kind = serializers.CharField(help_text=FINDING_KIND_HELP)
    description = serializers.CharField()
    inspection = serializers.IntegerField(source="inspection_id", allow_null=True)
    inspection_title = serializers.CharField(source="inspection.title", allow_null=True)


class RectificationItemDetailSerializer(RectificationItemSerializer):
    finding_detail = ItemFindingSerializer(source="finding", read_only=True)
    events = RectificationEventSerializer(
        many=True, read_only=True, help_text="整改记录（各轮次），按时间顺序"
    )

    allowed_actions = AllowedActionsField()

    class Meta(RectificationItemSerializer.Meta):
        fields = [
            *RectificationItemSerializer.Meta.fields,
            "finding_detail",
            "events",
            "allowed_actions",
        ]


class ItemEvidenceSerializer(serializers.Serializer):
    evidence = serializers.CharField(allow_blank=True, help_text="整改完成情况")


class ItemCloseSerializer(serializers.Serializer):
    evidence = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="整改完成情况；已登记的可留空",
    )
    follow_up_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="同时安排回头看日期"
    )


class ItemScheduleSerializer(serializers.Serializer):
    on = serializers.DateField(help_text="回头看日期（不早于销号日期）")


class ItemFollowUpSerializer(serializers.Serializer):
    relapse = serializers.BooleanField(help_text="发现问题反弹：重新整改（下一轮次）")
    note = serializers.CharField(allow_blank=True, help_text="回头看情况")
    deadline = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="重新整改的时限（发现反弹时必填）",
    )


# Views --------------------------------------------------------------------------------

EVENTS = Prefetch(
    "events",
    queryset=RectificationEvent.objects.select_related("by").order_by("at", "id"),
)


def item_queryset(user: Any) -> QuerySet[RectificationItem]:
    """Every item the user sees, with its finding and history."""
    return selectors.items(user).prefetch_related(EVENTS)


@extend_schema_view(
    list=extend_schema(
        summary="整改清单（REQ-096）",
        parameters=[
            str_param("status", ITEM_STATUS_HELP),
            str_param("county", "县（市、区）代码"),
            bool_param("overdue", "只列出逾期未销号的"),
            bool_param("follow_up", "只列出回头看日期已到的（REQ-097）"),
        ],
    ),
    retrieve=extend_schema(
        summary="整改清单条目及其整改记录",
        responses={200: RectificationItemDetailSerializer, **ERRORS},
    ),
)
class RectificationItemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewRectification]
    serializer_class = RectificationItemSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        user = self.request.user
        if self.action != "list":
            return item_queryset(user)
        params = self.request.query_params
        filters = {name: params.get(name, "") for name in ("status", "county")}
        rows = selectors.items(user, filters)
        today = clock.today()
        if flag(params, "overdue"):
            late = selectors.items_overdue(user, today)
            rows = rows.filter(pk__in=late.values("pk"))
        if flag(params, "follow_up"):
            due = selectors.follow_ups_due(user, today)
            rows = rows.filter(pk__in=due.values("pk"))
        return rows

    def get_serializer_class(self):
        if self.action == "list":
            return RectificationItemSerializer
        return RectificationItemDetailSerializer

    def _answer(self, item: RectificationItem) -> Response:
        item = item_queryset(self.request.user).get(pk=item.pk)
        return Response(
            RectificationItemDetailSerializer(
                item, context={"request": self.request}
            ).data
        )

    @extend_schema(
        summary="责任单位登记整改完成情况",
        request=ItemEvidenceSerializer,
        responses={200: RectificationItemDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def evidence(self, request, pk=None):
        item = self.get_object()
        v = validated(ItemEvidenceSerializer, request)
        item = services.item_evidence(
            actor=request.user, item_id=item.pk, evidence=v["evidence"]
        )
        return self._answer(item)

    @extend_schema(
        summary="整改销号（须有整改完成情况；可同时安排回头看）",
        request=ItemCloseSerializer,
        responses={200: RectificationItemDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        item = self.get_object()
        v = validated(ItemCloseSerializer, request)
        item = services.item_close(
            actor=request.user,
            item_id=item.pk,
            evidence=v["evidence"],
            follow_up_on=v["follow_up_on"],
        )
        return self._answer(item)

    @extend_schema(
        summary="安排回头看（REQ-097）",
        request=ItemScheduleSerializer,
        responses={200: RectificationItemDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        item = self.get_object()
        v = validated(ItemScheduleSerializer, request)
        item = services.item_schedule_follow_up(
            actor=request.user, item_id=item.pk, on=v["on"]
        )
        return self._answer(item)

    @extend_schema(
        summary="登记回头看结果：未反弹，或反弹后重新整改（新一轮次，REQ-097）",
        request=ItemFollowUpSerializer,
        responses={200: RectificationItemDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        item = self.get_object()
        v = validated(ItemFollowUpSerializer, request)
        item = services.item_follow_up(
            actor=request.user,
            item_id=item.pk,
            relapse=v["relapse"],
            note=v["note"],
            deadline=v["deadline"],
        )
        return self._answer(item)
