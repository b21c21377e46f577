"""Seal registry endpoints (REQ-059–068): the seals of the user's subtrees with their
state, custodian and first responsible person; issue, activation, storage moves, loss
reports and reissue, replacement, collection, revocation and destruction; custodian
appointment; take-out permits; collection tasks; handovers.

Sealing (REQ-050–058, DIV-01, DIV-12): `/api/seals/usage/` lists the usage requests the
user sees, takes a new work-type one (W1–W3) as multipart with its document, and carries
the workflow as actions: review, approve, seal, notice, vote, withdraw; the document is
downloaded through the same visibility filter.

Reads go through seals.selectors (a seal outside the user's subtrees is 404); every write
calls one seals.services or seals.usage function, which checks the policy and the rules;
refusals come back through the one error handler as {"code", "message", "detail"}.
"""

import mimetypes
import os
from typing import Any

from django.core.validators import FileExtensionValidator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.urls import NoReverseMatch, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from yinzheng.accounts import policy
from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.core import clock
from yinzheng.core.masking import mask_phone
from yinzheng.core.rest.responses import ERRORS, BinaryRenderer, ErrorSerializer
from yinzheng.registers import books as registers
from yinzheng.seals import selectors, services
from yinzheng.seals import usage as usage_service
from yinzheng.seals.choices import (
    EVENT_LABELS,
    HandoverSide,
    HandoverTrigger,
    SealForm,
    SealKind,
    SealStatus,
    TakeOutStatus,
    UseCategory,
    UseStatus,
    VoteResult,
)
from yinzheng.seals.forms import DOCUMENT_EXTENSIONS
from yinzheng.seals.models import (
    CollectionTask,
    Custody,
    Handover,
    HandoverItem,
    LossReport,
    Seal,
    TakeOut,
    UsageRequest,
)

# Plain strings with the values listed: enums named by field name ("status", "form")
# would collide with the other domains' in the schema.
_STATUS_HELP = "印章状态：" + "、".join(SealStatus.values)
_FORM_HELP = "印章形式：" + "、".join(SealForm.values)
_KIND_HELP = "印章类别：" + "、".join(SealKind.values)
_TAKEOUT_HELP = "带离状态：" + "、".join(TakeOutStatus.values)
_TRIGGER_HELP = "移交原因：" + "、".join(HandoverTrigger.values)
_SIDE_HELP = "确认方：" + "、".join(HandoverSide.values)


class CanViewSeals(BasePermission):
    def has_permission(self, request, view) -> bool:
        return policy.can(request.user, "seal.view")


# Serializers ------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")


class CustodySerializer(serializers.ModelSerializer):
    custodian = PersonSerializer()
    appointed_by = PersonSerializer()
    end_reason = serializers.CharField()

    class Meta:
        model = Custody
        fields = ["id", "custodian", "appointed_by", "since", "until", "end_reason"]


class SealSerializer(serializers.ModelSerializer):
    committee = serializers.CharField(source="committee_id")
    committee_name = serializers.CharField(source="committee.name")
    issuer = serializers.CharField(source="issuer_id", help_text="制发机关（乡镇）代码")
    issuer_name = serializers.CharField(source="issuer.name")
    kind = serializers.CharField(help_text=_KIND_HELP)
    form = serializers.CharField(help_text=_FORM_HELP)
    status = serializers.CharField(help_text=_STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")
    replaces = serializers.IntegerField(source="replaces_id", allow_null=True)

    class Meta:
        model = Seal
        fields = [
            "id",
            "serial",
            "imprint",
            "committee",
            "committee_name",
            "issuer",
            "issuer_name",
            "kind",
            "form",
            "issued_on",
            "storage_location",
            "status",
            "status_display",
            "replaces",
            "activated_at",
            "unusable_since",
            "revoked_at",
            "collected_at",
            "destroyed_at",
        ]


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
            "refusal_reason",
            "out_at",
            "returned_at",
        ]


class SealDetailSerializer(SealSerializer):
    usable = serializers.SerializerMethodField(help_text="当前可否用印")
    unusable_reason = serializers.SerializerMethodField(
        help_text="不能用印的原因（状态值或 out_of_office），可用时为空"
    )
    custodian = serializers.SerializerMethodField(help_text="现任印章管理人（REQ-064）")
    first_responsible = serializers.SerializerMethodField(
        help_text="第一责任人：现任主任（REQ-059）"
    )
    out = serializers.SerializerMethodField(help_text="带离在外的记录（REQ-066）")
    successors = serializers.SerializerMethodField(help_text="替换本印章的印章")
    allowed_actions = AllowedActionsField()

    class Meta(SealSerializer.Meta):
        fields = [
            *SealSerializer.Meta.fields,
            "allowed_actions",
            "usable",
            "unusable_reason",
            "custodian",
            "first_responsible",
            "out",
            "successors",
        ]

    def get_usable(self, obj: Seal) -> bool:
        return selectors.usable(obj)

    def get_unusable_reason(self, obj: Seal) -> str | None:
        return selectors.unusable_reason(obj)

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_custodian(self, obj: Seal) -> dict | None:
        user = selectors.current_custodian(obj)
        return PersonSerializer(user).data if user else None

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_first_responsible(self, obj: Seal) -> dict | None:
        user = selectors.head_of(obj.committee_id)
        return PersonSerializer(user).data if user else None

    @extend_schema_field(TakeOutSerializer(allow_null=True))
    def get_out(self, obj: Seal) -> dict | None:
        takeout = selectors.current_takeout(obj)
        return TakeOutSerializer(takeout).data if takeout else None

    def get_successors(self, obj: Seal) -> list[int]:
        return list(obj.successors.values_list("pk", flat=True))


class SealIssueSerializer(serializers.Serializer):
    committee = serializers.CharField(max_length=12)
    issuer = serializers.CharField(
        max_length=12, help_text="制发机关代码：须为该村（居）委会所属乡镇（REQ-060）"
    )
    serial = serializers.CharField(max_length=50)
    imprint = serializers.CharField(max_length=200)
    form = serializers.CharField(max_length=12, help_text=_FORM_HELP)
    kind = serializers.CharField(
        max_length=20, required=False, default=SealKind.OFFICIAL, help_text=_KIND_HELP
    )
    storage_location = serializers.CharField(
        max_length=200, allow_blank=True, help_text="固定存放地点（REQ-065）"
    )
    issued_on = serializers.DateField()
    replaces = serializers.IntegerField(
        required=False, allow_null=True, help_text="更换时：被替换的印章 id"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class StorageSerializer(serializers.Serializer):
    storage_location = serializers.CharField(max_length=200, allow_blank=True)


class LossSerializer(serializers.Serializer):
    lost_on = serializers.DateField()
    circumstances = serializers.CharField(allow_blank=True)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=300)


class ReplaceSerializer(serializers.Serializer):
    new_seal = serializers.IntegerField(help_text="已登记、注明替换本印章的新印章 id")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CustodianSerializer(serializers.Serializer):
    custodian = serializers.IntegerField(
        help_text="用户 id：须有本村（居）委会印章管理人岗位，且不是主任"
    )


class TakeOutRequestSerializer(serializers.Serializer):
    purpose = serializers.CharField(max_length=300, allow_blank=True)
    due_back_at = serializers.DateTimeField()


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    event = serializers.CharField()
    label = serializers.SerializerMethodField()
    actor = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    note = serializers.CharField()

    def get_label(self, obj) -> str:
        return str(EVENT_LABELS.get(obj.event, obj.event))


class LossReportSerializer(serializers.ModelSerializer):
    seal = serializers.IntegerField(source="seal_id")
    committee = serializers.CharField(source="seal.committee_id")
    reported_by = PersonSerializer()
    reissued_seal = serializers.IntegerField(source="reissued_seal_id", allow_null=True)

    class Meta:
        model = LossReport
        fields = [
            "id",
            "seal",
            "committee",
            "lost_on",
            "circumstances",
            "reported_by",
            "reported_at",
            "reissued_seal",
            "closed_at",
        ]


class ReissueSerializer(serializers.Serializer):
    serial = serializers.CharField(max_length=50)
    imprint = serializers.CharField(max_length=200)
    storage_location = serializers.CharField(max_length=200, allow_blank=True)
    issued_on = serializers.DateField()
    form = serializers.CharField(
        max_length=12,
        required=False,
        allow_null=True,
        default=None,
        help_text=_FORM_HELP,
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CollectionTaskSerializer(serializers.ModelSerializer):
    committee = serializers.CharField(source="committee_id")
    committee_name = serializers.CharField(source="committee.name")

    class Meta:
        model = CollectionTask
        fields = [
            "id",
            "committee",
            "committee_name",
            "reason",
            "opened_at",
            "closed_at",
            "note",
        ]


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
            "cancel_reason",
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


def _valid(serializer_class, request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _seal_detail(pk: int, request: Any) -> dict:
    seal = Seal.objects.select_related("committee", "issuer").get(pk=pk)
    return SealDetailSerializer(seal, context={"request": request}).data


@extend_schema_view(
    list=extend_schema(
        summary="可见范围内的印章登记",
        parameters=[
            OpenApiParameter("committee", str, description="村（居）委会代码"),
            OpenApiParameter("status", str, description=_STATUS_HELP),
        ],
    ),
    retrieve=extend_schema(
        summary="印章：状态、印章管理人、第一责任人、是否带离、能否用印",
        responses={200: SealDetailSerializer, **ERRORS},
    ),
)
class SealViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewSeals]
    lookup_value_regex = r"[0-9]{1,12}"

    def get_serializer_class(self):
        if self.action == "retrieve":
            return SealDetailSerializer
        return SealSerializer

    def get_queryset(self):
        qs = (
            Seal.objects.visible_to(self.request.user)
            .select_related(*selectors.SEAL_RELATED)
            .order_by("committee_id", "pk")
        )
        if self.action == "list":
            params = self.request.query_params
            if params.get("committee"):
                qs = qs.filter(committee_id=params["committee"])
            if params.get("status"):
                qs = qs.filter(status=params["status"])
        return qs

    @extend_schema(
        summary="登记制发印章（乡镇；REQ-060、REQ-065）",
        request=SealIssueSerializer,
        responses={201: SealDetailSerializer, **ERRORS},
    )
    def create(self, request):
        v = _valid(SealIssueSerializer, request)
        seal = services.seal_issue(
            actor=request.user,
            committee_code=v["committee"],
            issuer_code=v["issuer"],
            serial=v["serial"],
            imprint=v["imprint"],
            form=v["form"],
            kind=v["kind"],
            storage_location=v["storage_location"],
            issued_on=v["issued_on"],
            replaces_id=v.get("replaces"),
            note=v["note"],
        )
        return Response(_seal_detail(seal.pk, request), status=201)

    def _done(self, seal_id: int) -> Response:
        return Response(_seal_detail(seal_id, self.request))

    @extend_schema(
        summary="启用（须已委托印章管理人；替换印章须通过 replace）",
        request=None,
        responses={200: SealDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        seal = self.get_object()
        services.seal_activate(actor=request.user, seal_id=seal.pk)
        return self._done(seal.pk)

    @extend_schema(
        summary="变更固定存放地点（记入审计，REQ-065）",
        request=StorageSerializer,
        responses={200: SealDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def storage(self, request, pk=None):
        seal = self.get_object()
        v = _valid(StorageSerializer, request)
        services.seal_move_storage(actor=request.user, seal_id=seal.pk, **v)
        return self._done(seal.pk)

    @extend_schema(
        summary="报告遗失：立即停止使用，遗失报告及补发申请送乡镇（REQ-061）",
        request=LossSerializer,
        responses={201: LossReportSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def loss(self, request, pk=None):
        seal = self.get_object()
        v = _valid(LossSerializer, request)
        report = services.seal_report_loss(actor=request.user, seal_id=seal.pk, **v)
        return Response(LossReportSerializer(report).data, status=201)

    @extend_schema(
        summary="更换：收缴本印章并启用新印章，同一事务（REQ-062）",
        request=ReplaceSerializer,
        responses={200: SealDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        seal = self.get_object()
        v = _valid(ReplaceSerializer, request)
        new = services.seal_replace(
            actor=request.user,
            old_seal_id=seal.pk,
            new_seal_id=v["new_seal"],
            note=v["note"],
        )
        return self._done(new.pk)

    @extend_schema(
        summary="收缴",
        request=NoteSerializer,
        responses={200: SealDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def collect(self, request, pk=None):
        seal = self.get_object()
        v = _valid(NoteSerializer, request)
        services.seal_collect(actor=request.user, seal_id=seal.pk, **v)
        return self._done(seal.pk)

    @extend_schema(
        summary="撤销",
        request=ReasonSerializer,
        responses={200: SealDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        seal = self.get_object()
        v = _valid(ReasonSerializer, request)
        services.seal_revoke(actor=request.user, seal_id=seal.pk, **v)
        return self._done(seal.pk)

    @extend_schema(
        summary="销毁（已收缴的印章，或已撤销的电子印章）",
        request=NoteSerializer,
        responses={200: SealDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="destroy")
    def destroy_seal(self, request, pk=None):
        seal = self.get_object()
        v = _valid(NoteSerializer, request)
        services.seal_destroy(actor=request.user, seal_id=seal.pk, **v)
        return self._done(seal.pk)

    @extend_schema(
        summary="主任委托印章管理人（REQ-064、REQ-067）",
        request=CustodianSerializer,
        responses={201: CustodySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def custodian(self, request, pk=None):
        seal = self.get_object()
        v = _valid(CustodianSerializer, request)
        custody = services.custody_appoint(
            actor=request.user, seal_id=seal.pk, custodian_id=v["custodian"]
        )
        return Response(CustodySerializer(custody).data, status=201)

    @extend_schema(
        summary="印章管理人历任（REQ-064）",
        responses={200: CustodySerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def custodies(self, request, pk=None):
        seal = self.get_object()
        rows = selectors.custody_history(seal)
        return Response(CustodySerializer(rows, many=True).data)

    @extend_schema(
        summary="印章履历（审计台账中的事件）",
        responses={200: EventSerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request, pk=None):
        seal = self.get_object()
        return Response(EventSerializer(selectors.seal_history(seal), many=True).data)

    @extend_schema(
        summary="申请带离办公室（待主任批准，REQ-066）",
        request=TakeOutRequestSerializer,
        responses={201: TakeOutSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def takeouts(self, request, pk=None):
        seal = self.get_object()
        v = _valid(TakeOutRequestSerializer, request)
        takeout = services.takeout_request(actor=request.user, seal_id=seal.pk, **v)
        return Response(TakeOutSerializer(takeout).data, status=201)


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
        qs = (
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
        v = _valid(ReasonSerializer, request)
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


@extend_schema_view(
    list=extend_schema(
        summary="印章遗失报告及补发申请",
        parameters=[OpenApiParameter("open", bool, description="只列出待补发的")],
    ),
    retrieve=extend_schema(
        summary="印章遗失报告及补发申请",
        responses={200: LossReportSerializer, **ERRORS},
    ),
)
class LossReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewSeals]
    serializer_class = LossReportSerializer
    lookup_value_regex = r"[0-9]{1,12}"

    def get_queryset(self):
        qs = LossReport.objects.visible_to(self.request.user).select_related(
            "seal", "reported_by"
        )
        if self.action == "list" and self.request.query_params.get("open") in {
            "1",
            "true",
        }:
            qs = qs.filter(closed_at__isnull=True)
        return qs.order_by("-reported_at", "pk")

    @extend_schema(
        summary="补发印章（乡镇；新印章注明所补发的遗失印章，REQ-061）",
        request=ReissueSerializer,
        responses={201: SealDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reissue(self, request, pk=None):
        report = self.get_object()
        v = _valid(ReissueSerializer, request)
        seal = services.seal_reissue(actor=request.user, loss_report_id=report.pk, **v)
        return Response(_seal_detail(seal.pk, request), status=201)


@extend_schema_view(
    list=extend_schema(
        summary="印章收缴任务（村（居）委会合并、撤销，REQ-063）",
        parameters=[OpenApiParameter("open", bool, description="只列出未确认的")],
    ),
    retrieve=extend_schema(
        summary="印章收缴任务", responses={200: CollectionTaskSerializer, **ERRORS}
    ),
)
class CollectionTaskViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewSeals]
    serializer_class = CollectionTaskSerializer
    lookup_value_regex = r"[0-9]{1,12}"

    def get_queryset(self):
        qs = CollectionTask.objects.visible_to(self.request.user).select_related(
            "committee"
        )
        if self.action == "list" and self.request.query_params.get("open") in {
            "1",
            "true",
        }:
            qs = qs.filter(closed_at__isnull=True)
        return qs.order_by("-opened_at", "pk")

    @extend_schema(
        summary="确认已收缴（其余待收缴的印章登记为已收缴，任务办结）",
        request=NoteSerializer,
        responses={200: CollectionTaskSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        task = self.get_object()
        v = _valid(NoteSerializer, request)
        task = services.collection_task_confirm(
            actor=request.user, task_id=task.pk, **v
        )
        return Response(CollectionTaskSerializer(task).data)


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
        v = _valid(HandoverOpenSerializer, request)
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
        v = _valid(CheckSerializer, request)
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
        v = _valid(ConfirmSerializer, request)
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
        v = _valid(ReasonSerializer, request)
        services.handover_cancel(
            actor=request.user, handover_id=handover.pk, reason=v["reason"]
        )
        return self._reload(handover.pk)


# Sealing: usage requests (REQ-050–058, DIV-01, DIV-12) ------------------------------

_USE_CATEGORY_HELP = "用印类别：" + "、".join(
    f"{c.value} {c.label}" for c in UseCategory
)
_USE_STATUS_HELP = "用印申请状态：" + "、".join(UseStatus.values)
_MAJOR_HELP = "重大事项（REQ-055）：空（不涉及）、notice（须经公示）、vote（须经表决）"
_VOTE_HELP = "表决结果：" + "、".join(VoteResult.values)
_QUEUE_HELP = "待办：review（待我审核）、approve（待我签批）、seal（待我用印）"


class UsageRegisterEntrySerializer(serializers.Serializer):
    register = serializers.CharField(help_text="work（工作用印登记簿）或 certificate")
    year = serializers.IntegerField()
    number = serializers.IntegerField(help_text="该年度登记簿中的序号")
    url = serializers.CharField(help_text="登记簿页面")


def _register_entry(usage: UsageRequest) -> dict | None:
    entry = usage.register_entry
    if entry is None:
        return None
    year = registers.year_of(entry.chain)
    args = [usage.committee_id, usage.register, year]
    try:
        url = reverse("registers:register_book", args=args)
    except NoReverseMatch:
        url = "/ledger/registers/{}/{}/{}/".format(*args)
    return {
        "register": usage.register,
        "year": year,
        "number": entry.seq,
        "url": f"{url}#entry-{entry.seq}",
    }


class UsageSerializer(serializers.ModelSerializer):
    committee = serializers.CharField(source="committee_id")
    committee_name = serializers.CharField(source="committee.name")
    seal = serializers.IntegerField(source="seal_id")
    seal_serial = serializers.CharField(source="seal.serial")
    category = serializers.CharField(help_text=_USE_CATEGORY_HELP)
    category_display = serializers.CharField(source="get_category_display")
    status = serializers.CharField(help_text=_USE_STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")
    major_matter = serializers.CharField(help_text=_MAJOR_HELP)
    handler = PersonSerializer()
    phone = serializers.SerializerMethodField(help_text="联系电话（脱敏）")

    class Meta:
        model = UsageRequest
        fields = [
            "id",
            "committee",
            "committee_name",
            "seal",
            "seal_serial",
            "category",
            "category_display",
            "content",
            "copies",
            "major_matter",
            "status",
            "status_display",
            "handler",
            "submitted_at",
            "phone",
        ]

    def get_phone(self, obj: UsageRequest) -> str:
        return mask_phone(obj.phone)


class UsageDetailSerializer(UsageSerializer):
    document_name = serializers.SerializerMethodField()
    reviewer = PersonSerializer(allow_null=True)
    approver = PersonSerializer(allow_null=True)
    custodian = PersonSerializer(allow_null=True)
    vote_result = serializers.CharField(help_text=_VOTE_HELP)
    register_entry = serializers.SerializerMethodField(
        help_text="登记簿条目（已登记用印后）"
    )
    gate_problems = serializers.SerializerMethodField(
        help_text="重大事项今天尚不能盖章的原因（REQ-055），可盖章时为空"
    )
    allowed_actions = AllowedActionsField()

    class Meta(UsageSerializer.Meta):
        fields = [
            *UsageSerializer.Meta.fields,
            "allowed_actions",
            "document_name",
            "document_sha256",
            "approved_sha256",
            "matter_ref",
            "requiring_unit",
            "purpose",
            "certificate_no",
            "notice_start",
            "notice_end",
            "notice_place",
            "vote_body",
            "vote_date",
            "vote_result",
            "vote_record",
            "reviewer",
            "reviewed_at",
            "not_blank_confirmed",
            "review_note",
            "approver",
            "approved_at",
            "custodian",
            "sealed_at",
            "register_entry",
            "closing_reason",
            "gate_problems",
        ]

    def get_document_name(self, obj: UsageRequest) -> str:
        return os.path.basename(obj.document.name)

    @extend_schema_field(UsageRegisterEntrySerializer(allow_null=True))
    def get_register_entry(self, obj: UsageRequest) -> dict | None:
        return _register_entry(obj)

    def get_gate_problems(self, obj: UsageRequest) -> list[str]:
        return [str(p) for p in usage_service.gate_problems(obj, clock.today())]


class UsageCreateSerializer(serializers.Serializer):
    """A work-type request; certificate-type uses come from the certificate case."""

    seal = serializers.IntegerField(help_text="印章 id：本村（居）委会的印章")
    category = serializers.CharField(
        max_length=2, help_text="工作类用印类别：W1、W2、W3（REQ-051）"
    )
    content = serializers.CharField(max_length=2000, allow_blank=True)
    copies = serializers.IntegerField(help_text="用印份数，1 至 999")
    document = serializers.FileField(
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
        help_text="用印文件：扫描件、PDF 或图片（REQ-057），multipart",
    )
    major_matter = serializers.CharField(
        max_length=8,
        required=False,
        allow_blank=True,
        default="",
        help_text=_MAJOR_HELP,
    )


class UsageReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true 审核通过，false 不予用印")
    not_blank = serializers.BooleanField(
        default=False, help_text="文件内容完整，不是空白纸张（通过时必须为 true）"
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="不通过时必填"
    )


class UsageApproveSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true 签批同意，false 不予签批")
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="不同意时必填"
    )


class UsageNoticeSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField(help_text="公示结束日期；其后一日起方可盖章")
    place = serializers.CharField(max_length=200, allow_blank=True)


class UsageVoteSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=100, allow_blank=True)
    date = serializers.DateField()
    result = serializers.CharField(max_length=8, help_text=_VOTE_HELP)
    record = serializers.CharField(
        allow_blank=True, help_text="应到、实到、赞成、反对、弃权人数"
    )


class UsageWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True)


INLINE_DOCUMENTS = {".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp"}


@extend_schema_view(
    list=extend_schema(
        summary="可见范围内的用印申请",
        parameters=[
            OpenApiParameter("queue", str, description=_QUEUE_HELP),
            OpenApiParameter("status", str, description=_USE_STATUS_HELP),
            OpenApiParameter("category", str, description=_USE_CATEGORY_HELP),
            OpenApiParameter("committee", str, description="村（居）委会代码"),
        ],
    ),
    retrieve=extend_schema(
        summary="用印申请：内容、文件 SHA-256、四个责任人、公示或表决、登记簿条目",
        responses={200: UsageDetailSerializer, **ERRORS},
    ),
)
class UsageViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewSeals]
    lookup_value_regex = r"[0-9]{1,12}"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        if self.action == "list":
            return UsageSerializer
        return UsageDetailSerializer

    def get_queryset(self):
        user = self.request.user
        qs = UsageRequest.objects.visible_to(user).select_related(
            *selectors.USAGE_RELATED
        )
        if self.action == "list":
            params = self.request.query_params
            queues = {
                "review": selectors.usage_to_review,
                "approve": selectors.usage_to_approve,
                "seal": selectors.usage_to_seal,
            }
            if params.get("queue") in queues:
                qs = qs.filter(pk__in=queues[params["queue"]](user).values("pk"))
            if params.get("status"):
                qs = qs.filter(status=params["status"])
            if params.get("category"):
                qs = qs.filter(category=params["category"])
            if params.get("committee"):
                qs = qs.filter(committee_id=params["committee"])
        return qs.order_by("-submitted_at", "-pk")

    def _detail(self, pk: int, status: int = 200) -> Response:
        usage = (
            UsageRequest.objects.visible_to(self.request.user)
            .select_related(*selectors.USAGE_RELATED)
            .get(pk=pk)
        )
        return Response(
            UsageDetailSerializer(usage, context={"request": self.request}).data,
            status=status,
        )

    @extend_schema(
        summary="提出工作类用印申请（W1–W3，multipart 附用印文件；REQ-050–052、REQ-057）",
        request={"multipart/form-data": UsageCreateSerializer},
        responses={201: UsageDetailSerializer, **ERRORS},
    )
    def create(self, request):
        v = _valid(UsageCreateSerializer, request)
        usage = usage_service.usage_request(
            actor=request.user,
            seal_id=v["seal"],
            category=v["category"],
            content=v["content"],
            copies=v["copies"],
            document=v["document"],
            major_matter=v["major_matter"],
        )
        return self._detail(usage.pk, status=201)

    @extend_schema(
        summary="审核（先审核、后用印，REQ-053；印章管理人不得审核，REQ-067）",
        request=UsageReviewSerializer,
        responses={200: UsageDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        usage = self.get_object()
        v = _valid(UsageReviewSerializer, request)
        usage_service.usage_review(actor=request.user, usage_id=usage.pk, **v)
        return self._detail(usage.pk)

    @extend_schema(
        summary="主任签批（REQ-054；签批锁定文件 SHA-256）",
        request=UsageApproveSerializer,
        responses={200: UsageDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        usage = self.get_object()
        v = _valid(UsageApproveSerializer, request)
        usage_service.usage_approve(actor=request.user, usage_id=usage.pk, **v)
        return self._detail(usage.pk)

    @extend_schema(
        summary="印章管理人登记并盖章（REQ-055–058、REQ-070；一事一登记）",
        request=None,
        responses={200: UsageDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def seal(self, request, pk=None):
        usage = self.get_object()
        usage_service.usage_seal(actor=request.user, usage_id=usage.pk)
        return self._detail(usage.pk)

    @extend_schema(
        summary="登记公示情况（须经公示的重大事项，REQ-055）",
        request=UsageNoticeSerializer,
        responses={200: UsageDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        usage = self.get_object()
        v = _valid(UsageNoticeSerializer, request)
        usage_service.usage_attach_notice(actor=request.user, usage_id=usage.pk, **v)
        return self._detail(usage.pk)

    @extend_schema(
        summary="登记表决结果（须经表决的重大事项；未通过则办结，REQ-055）",
        request=UsageVoteSerializer,
        responses={200: UsageDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        usage = self.get_object()
        v = _valid(UsageVoteSerializer, request)
        usage_service.usage_record_vote(actor=request.user, usage_id=usage.pk, **v)
        return self._detail(usage.pk)

    @extend_schema(
        summary="撤回（经办人或主任，用印前）",
        request=UsageWithdrawSerializer,
        responses={200: UsageDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        usage = self.get_object()
        v = _valid(UsageWithdrawSerializer, request)
        usage_service.usage_withdraw(actor=request.user, usage_id=usage.pk, **v)
        return self._detail(usage.pk)

    @extend_schema(
        summary="下载用印文件（可见该申请的人员）",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, BinaryRenderer],
    )
    def document(self, request, pk=None):
        usage = self.get_object()
        name = os.path.basename(usage.document.name)
        try:
            handle = usage.document.open("rb")
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc
        inline = os.path.splitext(name)[1].lower() in INLINE_DOCUMENTS
        response = FileResponse(
            handle,
            as_attachment=not inline,
            filename=name,
            content_type=(mimetypes.guess_type(name)[0] if inline else None)
            or "application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def handle_exception(self, exc):
        # A download's errors are JSON like every other error, whatever was asked for.
        if getattr(self, "action", None) == "document":
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)
