"""The seal registry (REQ-059–065, REQ-067): the seals of the user's subtrees with
their state, custodian and first responsible person; issue, activation, storage moves,
loss reports and reissue, replacement, collection, revocation and destruction; custodian
appointment and take-out requests (serializers in .custody); collection tasks.
"""

from typing import Any

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
from yinzheng.core import events
from yinzheng.core.rest.responses import ERRORS, validated

from .. import selectors, services
from ..choices import SealForm, SealKind, SealStatus
from ..models import CollectionTask, LossReport, Seal
from .common import CanViewSeals, PersonSerializer, ReasonSerializer
from .custody import (
    CustodianSerializer,
    CustodySerializer,
    TakeOutRequestSerializer,
    TakeOutSerializer,
)

# Plain strings with the values listed: enums named by field name ("status", "form")
# would collide with the other domains' in the schema.
_STATUS_HELP = "印章状态：" + "、".join(SealStatus.values)
_FORM_HELP = "印章形式：" + "、".join(SealForm.values)
_KIND_HELP = "印章类别：" + "、".join(SealKind.values)


# Serializers ------------------------------------------------------------------------


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


class ReplaceSerializer(serializers.Serializer):
    new_seal = serializers.IntegerField(help_text="已登记、注明替换本印章的新印章 id")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    event = serializers.CharField()
    label = serializers.SerializerMethodField()  # type: ignore[assignment]  # a column
    actor = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    note = serializers.CharField()

    def get_label(self, obj) -> str:
        return events.label(obj.event)


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
            "reason_code",
            "reason",
            "reason_text",
            "opened_at",
            "closed_at",
            "note",
        ]


# Views --------------------------------------------------------------------------------


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
        v = validated(SealIssueSerializer, request)
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
        v = validated(StorageSerializer, request)
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
        v = validated(LossSerializer, request)
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
        v = validated(ReplaceSerializer, request)
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
        v = validated(NoteSerializer, request)
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
        v = validated(ReasonSerializer, request)
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
        v = validated(NoteSerializer, request)
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
        v = validated(CustodianSerializer, request)
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
        v = validated(TakeOutRequestSerializer, request)
        takeout = services.takeout_request(actor=request.user, seal_id=seal.pk, **v)
        return Response(TakeOutSerializer(takeout).data, status=201)


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
        v = validated(ReissueSerializer, request)
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
        v = validated(NoteSerializer, request)
        task = services.collection_task_confirm(
            actor=request.user, task_id=task.pk, **v
        )
        return Response(CollectionTaskSerializer(task).data)
