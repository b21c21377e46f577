"""Sealing (REQ-050–058, DIV-01, DIV-12): `/api/seals/usage/` lists the usage requests the
user sees, takes a new work-type one (W1–W3) as multipart with its document, and carries
the workflow as actions: review, approve, seal, notice, vote, withdraw; the document is
downloaded through the same visibility filter.
"""

from django.core.validators import FileExtensionValidator
from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.core import clock, uploads
from yinzheng.core.masking import mask_phone
from yinzheng.core.rest.parsers import JSONParser
from yinzheng.core.rest.responses import (
    ERRORS,
    BinaryRenderer,
    ErrorSerializer,
    file_responses,
    validated,
)
from yinzheng.registers.services import books as registers

from .. import selectors
from ..choices import UseCategory, UseStatus, VoteResult
from ..forms import DOCUMENT_EXTENSIONS
from ..models import UsageRequest
from ..services import usage as usage_service
from .common import CanViewSeals, PersonSerializer

_USE_CATEGORY_HELP = "用印类别：" + "、".join(
    f"{c.value} {c.label}" for c in UseCategory
)
_USE_STATUS_HELP = "用印申请状态：" + "、".join(UseStatus.values)
_MAJOR_HELP = "重大事项（REQ-055）：空（不涉及）、notice（须经公示）、vote（须经表决）"
_VOTE_HELP = "表决结果：" + "、".join(VoteResult.values)
_QUEUE_HELP = "待办：review（待我审核）、approve（待我签批）、seal（待我用印）"


# Serializers ------------------------------------------------------------------------


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
        "url": url + registers.entry_fragment(entry.seq),
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
            "review_code",
            "review_note",
            "review_text",
            "approver",
            "approved_at",
            "custodian",
            "sealed_at",
            "register_entry",
            "closing_code",
            "closing_reason",
            "closing_text",
            "gate_problems",
        ]

    def get_document_name(self, obj: UsageRequest) -> str:
        return selectors.usage_document_name(obj)

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


# Views --------------------------------------------------------------------------------


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
        v = validated(UsageCreateSerializer, request)
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
        v = validated(UsageReviewSerializer, request)
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
        v = validated(UsageApproveSerializer, request)
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
        v = validated(UsageNoticeSerializer, request)
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
        v = validated(UsageVoteSerializer, request)
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
        v = validated(UsageWithdrawSerializer, request)
        usage_service.usage_withdraw(actor=request.user, usage_id=usage.pk, **v)
        return self._detail(usage.pk)

    @extend_schema(
        summary="下载用印文件（可见该申请的人员）",
        responses={
            **file_responses(uploads.SEALABLE),
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
        # Typed by its content, explicit Content-Type, nosniff (issue 13).
        usage = self.get_object()
        return uploads.serve(
            usage.document,
            filename=selectors.usage_document_name(usage),
            inline=True,
            fallback=f"document-{usage.pk}",
        )

    def handle_exception(self, exc):
        # A download's errors are JSON like every other error, whatever was asked for.
        if getattr(self, "action", None) == "document":
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)
