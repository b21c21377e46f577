"""Custody of the seals (REQ-064, REQ-066–068): custodian appointments and their
history, take-out permits (request, approval or refusal, leaving, return), and
handovers between custodians with their checklist.

The seal-scoped writes (appointing a custodian, requesting a take-out) are actions of
`SealViewSet` in .registry; their serializers live here.
"""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.core import clock
from yinzheng.core.rest.responses import ERRORS, validated

from .. import selectors, services
from ..choices import HandoverSide, HandoverTrigger, TakeOutStatus
from ..models import Custody, Handover, HandoverItem, TakeOut
from .common import CanViewSeals, PersonSerializer, ReasonSerializer

# Plain strings with the values listed: enums named by field name ("status", "form")
# would collide with the other domains' in the schema.
_TAKEOUT_HELP = "带离状态：" + "、".join(TakeOutStatus.values)
_TRIGGER_HELP = "移交原因：" + "、".join(HandoverTrigger.values)
_SIDE_HELP = "确认方：" + "、".join(HandoverSide.values)


# Serializers ------------------------------------------------------------------------


class CustodySerializer(serializers.ModelSerializer):
    custodian = PersonSerializer()
    appointed_by = PersonSerializer()
    end_reason = serializers.CharField()

    class Meta:
        model = Custody
        fields = ["id", "custodian", "appointed_by", "since", "until", "end_reason"]


class CustodianSerializer(serializers.Serializer):
    custodian = serializers.IntegerField(
        help_text="用户 id：须有本村（居）委会印章管理人岗位，且不是主任"
    )


class TakeOutSerializer(serializers.ModelSerializer):
    seal = serializers.IntegerField(source="seal_id")
    status = serializers.CharField(help_text=_TAKEOUT_HELP)
    requested_by = PersonSerializer()
    decided_by = PersonSerializer(allow_null=True)

    class Meta:
        model = TakeOut
        fields = [
            "id",
            "seal",
            "purpose",
            "due_back_at",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "refusal_code",
            "refusal_reason",
            "refusal_text",
            "out_at",
            "returned_at",
        ]


class TakeOutRequestSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=300, allow_blank=True)
    due_back_at = serializers.DateTimeField()


class HandoverItemSerializer(serializers.ModelSerializer):
    seal = serializers.IntegerField(source="seal_id", allow_null=True)

    class Meta:
        model = HandoverItem
        fields = ["id", "position", "description", "seal", "checked", "checked_at"]


class HandoverSerializer(serializers.ModelSerializer):
    committee = serializers.CharField(source="committee_id")
    trigger = serializers.CharField(help_text=_TRIGGER_HELP)
    status = serializers.CharField(help_text="移交状态：open、completed、cancelled")
    outgoing = PersonSerializer()
    incoming = PersonSerializer()
    overdue = serializers.SerializerMethodField(help_text="已过应完成日期仍未完成")
    items = HandoverItemSerializer(many=True)
    allowed_actions = AllowedActionsField()

    class Meta:
        model = Handover
        fields = [
            "allowed_actions",
            "id",
            "committee",
            "trigger",
            "trigger_note",
            "trigger_date",
            "due_on",
            "status",
            "overdue",
            "outgoing",
            "incoming",
            "opened_at",
            "outgoing_confirmed_at",
            "incoming_confirmed_at",
            "completed_at",
            "cancelled_at",
            "cancel_code",
            "cancel_reason",
            "cancel_text",
            "items",
        ]

    def get_overdue(self, obj: Handover) -> bool:
        return obj.status == "open" and obj.due_on < clock.today()


class HandoverOpenSerializer(serializers.Serializer):
    committee = serializers.CharField(max_length=12)
    trigger = serializers.CharField(max_length=20, help_text=_TRIGGER_HELP)
    trigger_note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    trigger_date = serializers.DateField(help_text="起算日期；应完成日期为其后第 10 日")
    outgoing = serializers.IntegerField(help_text="移交人（原印章管理人）用户 id")
    incoming = serializers.IntegerField(help_text="接收人（新印章管理人）用户 id")
    extra_items = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, default=list
    )


class CheckSerializer(serializers.Serializer):
    checked = serializers.BooleanField(default=True)


class ConfirmSerializer(serializers.Serializer):
    side = serializers.CharField(max_length=10, help_text=_SIDE_HELP)


# Views --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="印章带离记录",
        parameters=[
            OpenApiParameter("status", str, description=_TAKEOUT_HELP),
            OpenApiParameter("overdue", bool, description="只列出逾期未归还的"),
        ],
    ),
    retrieve=extend_schema(
        summary="印章带离记录", responses={200: TakeOutSerializer, **ERRORS}
    ),
)
class TakeOutViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewSeals]
    serializer_class = TakeOutSerializer
    lookup_value_regex = r"[0-9]{1,12}"

    def get_queryset(self):
        qs: QuerySet[TakeOut] = (
            TakeOut.objects.visible_to(self.request.user)
            .select_related("seal__committee", "requested_by", "decided_by")
            .order_by("-requested_at")
        )
        if self.action == "list":
            params = self.request.query_params
            if params.get("status"):
                qs = qs.filter(status=params["status"])
            if params.get("overdue") in {"1", "true"}:
                qs = selectors.takeouts_overdue(self.request.user, clock.now())
        return qs

    def _run(self, call) -> Response:
        takeout = self.get_object()
        result = call(takeout.pk)
        return Response(TakeOutSerializer(result).data)

    @extend_schema(
        summary="主任批准带离",
        request=None,
        responses={200: TakeOutSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._run(
            lambda i: services.takeout_decide(
                actor=request.user, takeout_id=i, approve=True
            )
        )

    @extend_schema(
        summary="主任不批准带离",
        request=ReasonSerializer,
        responses={200: TakeOutSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        v = validated(ReasonSerializer, request)
        return self._run(
            lambda i: services.takeout_decide(
                actor=request.user, takeout_id=i, approve=False, reason=v["reason"]
            )
        )

    @extend_schema(
        summary="登记带离办公室（须已批准）",
        request=None,
        responses={200: TakeOutSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        return self._run(
            lambda i: services.takeout_leave(actor=request.user, takeout_id=i)
        )

    @extend_schema(
        summary="登记归还", request=None, responses={200: TakeOutSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_seal(self, request, pk=None):
        return self._run(
            lambda i: services.takeout_return(actor=request.user, takeout_id=i)
        )


ITEMS = Prefetch("items", queryset=HandoverItem.objects.order_by("position"))


@extend_schema_view(
    list=extend_schema(
        summary="印章移交（REQ-068）",
        parameters=[
            OpenApiParameter("committee", str, description="村（居）委会代码"),
            OpenApiParameter("open", bool, description="只列出办理中的"),
            OpenApiParameter("overdue", bool, description="只列出已逾期的"),
        ],
    ),
    retrieve=extend_schema(
        summary="印章移交及其清单", responses={200: HandoverSerializer, **ERRORS}
    ),
)
class HandoverViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewSeals]
    serializer_class = HandoverSerializer
    lookup_value_regex = r"[0-9]{1,12}"

    def get_queryset(self):
        user = self.request.user
        qs = (
            Handover.objects.visible_to(user)
            .select_related("committee", "outgoing", "incoming", "opened_by")
            .prefetch_related(ITEMS)
        )
        if self.action == "list":
            params = self.request.query_params
            if params.get("committee"):
                qs = qs.filter(committee_id=params["committee"])
            if params.get("open") in {"1", "true"}:
                qs = qs.filter(status="open")
            if params.get("overdue") in {"1", "true"}:
                qs = qs.filter(status="open", due_on__lt=clock.today())
        return qs.order_by("-opened_at", "pk")

    def _reload(self, pk: int) -> Response:
        handover = Handover.objects.prefetch_related(ITEMS).get(pk=pk)
        return Response(
            HandoverSerializer(handover, context={"request": self.request}).data
        )

    @extend_schema(
        summary="主任发起印章移交（应完成日期 = 起算日期 + 10 日）",
        request=HandoverOpenSerializer,
        responses={201: HandoverSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(HandoverOpenSerializer, request)
        handover = services.handover_open(
            actor=request.user,
            committee_code=v["committee"],
            trigger=v["trigger"],
            trigger_date=v["trigger_date"],
            outgoing_id=v["outgoing"],
            incoming_id=v["incoming"],
            trigger_note=v["trigger_note"],
            extra_items=v["extra_items"],
        )
        response = self._reload(handover.pk)
        response.status_code = 201
        return response

    @extend_schema(
        summary="清点移交清单中的一项",
        parameters=[
            OpenApiParameter(
                "item_id", int, OpenApiParameter.PATH, description="清单条目 id"
            )
        ],
        request=CheckSerializer,
        responses={200: HandoverSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[0-9]{1,12})")
    def check_item(self, request, pk=None, item_id=None):
        handover = self.get_object()
        if not handover.items.filter(pk=int(item_id)).exists():
            raise Http404
        v = validated(CheckSerializer, request)
        services.handover_check_item(
            actor=request.user, item_id=int(item_id), checked=v["checked"]
        )
        return self._reload(handover.pk)

    @extend_schema(
        summary="确认移交（outgoing：原印章管理人或主任）或接收（incoming：接收人本人）",
        request=ConfirmSerializer,
        responses={200: HandoverSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        handover = self.get_object()
        v = validated(ConfirmSerializer, request)
        services.handover_confirm(
            actor=request.user, handover_id=handover.pk, side=v["side"]
        )
        return self._reload(handover.pk)

    @extend_schema(
        summary="取消移交（主任或乡镇）",
        request=ReasonSerializer,
        responses={200: HandoverSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        handover = self.get_object()
        v = validated(ReasonSerializer, request)
        services.handover_cancel(
            actor=request.user, handover_id=handover.pk, reason=v["reason"]
        )
        return self._reload(handover.pk)
