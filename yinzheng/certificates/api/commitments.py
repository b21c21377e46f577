"""Notification-commitment endpoints (REQ-082, REQ-083): the commitment of a request
(the printable form, then the signed commitment that closes the case without a seal),
the commitments and their post-verification tasks with the result, and random draws
with their seeds.

Reads go through certificates.selectors (rows outside the user's subtrees are 404);
every write is one certificates.services call, whose refusals come back as
{"code", "message", "detail"}. The resident's name and ID number are masked in every
answer; the ID number is never sent out here.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
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
from rest_framework.views import APIView

from yinzheng.core import uploads
from yinzheng.core.rest.parsers import JSONParser
from yinzheng.core.rest.responses import (
    ERRORS,
    BinaryRenderer,
    PDFRenderer,
    file_responses,
    validated,
)
from yinzheng.registers.forms import signature_from_data_url

from .. import selectors, services
from ..choices import SignatureMethod, TaskStatus, VerificationResult
from ..models import Commitment, Sampling, VerificationTask
from .common import (
    PDF,
    CanViewCertificates,
    CertificatePersonSerializer,
    _Masked,
    file_response,
)

_METHOD_HELP = (
    "签字方式：screen（屏幕签名，PNG）、scan（纸质签字页扫描件：PDF、JPEG、PNG）"
)
_TASK_STATUS_HELP = "核查任务状态：" + "、".join(TaskStatus.values)
_RESULT_HELP = "核查结果：true（承诺属实）、false（承诺不实）"
FILE: dict[int | tuple[int, str], Any] = {
    **file_responses(uploads.SIGNATURES | uploads.SCANS),
    **{status: ERRORS[status] for status in (401, 403, 404)},
}


# Serializers ------------------------------------------------------------------------


class VerificationTaskSerializer(_Masked, serializers.ModelSerializer):
    commitment = serializers.IntegerField(source="commitment_id")
    commitment_number = serializers.CharField(source="commitment.number")
    request = serializers.IntegerField(source="commitment.request_id")
    item_name = serializers.CharField(source="commitment.request.item_name")
    committee = serializers.CharField(source="committee_id")
    status = serializers.CharField(help_text=_TASK_STATUS_HELP)
    sampled = serializers.BooleanField(help_text="已随机抽中，优先核查")
    sampling = serializers.IntegerField(source="sampling_id", allow_null=True)
    result = serializers.CharField(help_text=_RESULT_HELP + "；未核查时为空")
    closed_by = CertificatePersonSerializer(allow_null=True)
    credit_record = serializers.SerializerMethodField(
        help_text="承诺不实时生成的信用记录编号"
    )

    class Meta:
        model = VerificationTask
        fields = [
            "id",
            "commitment",
            "commitment_number",
            "request",
            "item_name",
            "committee",
            "resident_name",
            "id_number",
            "status",
            "sampled",
            "sampling",
            "result",
            "verified_on",
            "verifier",
            "note",
            "closed_by",
            "closed_at",
            "created_at",
            "credit_record",
        ]

    request_path = "commitment.request"

    def get_credit_record(self, obj) -> int | None:
        record = getattr(obj, "credit_record", None)
        return record.pk if record is not None else None


class CommitmentSerializer(_Masked, serializers.ModelSerializer):
    request = serializers.IntegerField(source="request_id")
    committee = serializers.CharField(source="committee_id")
    committee_name = serializers.CharField(source="committee.name")
    item_name = serializers.CharField(source="request.item_name")
    signature_method = serializers.CharField(help_text=_METHOD_HELP)
    recorded_by = CertificatePersonSerializer(
        allow_null=True, help_text="经办人；居民网上签署的为空"
    )
    verification = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = [
            "id",
            "number",
            "request",
            "committee",
            "committee_name",
            "item_name",
            "resident_name",
            "id_number",
            "notification",
            "text",
            "signed_on",
            "signature_method",
            "pdf_sha256",
            "signature_sha256",
            "sample",
            "recorded_by",
            "recorded_at",
            "verification",
        ]

    request_path = "request"

    @extend_schema_field(VerificationTaskSerializer)
    def get_verification(self, obj) -> dict:
        return VerificationTaskSerializer(obj.verification).data


class CommitmentInputSerializer(serializers.Serializer):
    notification = serializers.CharField(
        max_length=8000,
        required=False,
        allow_blank=True,
        default="",
        help_text="告知内容；留空则按事项和申请生成（条件、证明内容、依据、不实承诺的后果）",
    )
    commitment = serializers.CharField(
        max_length=8000,
        required=False,
        allow_blank=True,
        default="",
        help_text="承诺内容；留空则按申请生成",
    )
    signature_method = serializers.CharField(
        max_length=10, default=SignatureMethod.SCREEN, help_text=_METHOD_HELP
    )
    signed_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="签字日期；默认今天"
    )
    signature = serializers.FileField(
        required=False, help_text="签名 PNG（screen）或签字页扫描件（scan），multipart"
    )
    signature_data_url = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="或：屏幕签名的 data:image/png;base64,… （JSON 时用）",
    )

    def validate(self, attrs):
        upload, url = attrs.get("signature"), attrs.get("signature_data_url")
        if upload and url:
            raise serializers.ValidationError(
                "signature 与 signature_data_url 只能给一个"
            )
        if url:
            try:
                attrs["signature"] = signature_from_data_url(url)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(
                    {"signature_data_url": exc.messages}
                ) from exc
        return attrs


class VerificationCloseSerializer(serializers.Serializer):
    result = serializers.CharField(max_length=5, help_text=_RESULT_HELP)
    verified_on = serializers.DateField(help_text="核查日期")
    verifier = serializers.CharField(max_length=100, help_text="核查人")
    note = serializers.CharField(max_length=4000, help_text="核查情况")

    def validate_result(self, value: str) -> str:
        if value not in VerificationResult.values:
            raise serializers.ValidationError("须为 true 或 false")
        return value


class SamplingSerializer(serializers.ModelSerializer):
    scope = serializers.CharField(source="scope_id")
    scope_name = serializers.CharField(source="scope.name")
    rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, allow_null=True, help_text="抽查比例"
    )
    population = serializers.ListField(
        child=serializers.IntegerField(), help_text="抽查总体：核查任务编号（升序）"
    )
    picks = serializers.ListField(
        child=serializers.IntegerField(), help_text="抽中的核查任务编号（升序）"
    )
    journal_entry = serializers.IntegerField(
        source="journal_entry_id", allow_null=True, help_text="记录本次抽查的审计条目"
    )
    drawn_by = CertificatePersonSerializer(allow_null=True)
    method = serializers.SerializerMethodField(help_text="复核方法")

    class Meta:
        model = Sampling
        fields = [
            "id",
            "scope",
            "scope_name",
            "seed",
            "rate",
            "count",
            "population",
            "picks",
            "journal_entry",
            "drawn_by",
            "drawn_at",
            "method",
        ]

    def get_method(self, obj) -> str:
        return services.DRAW_METHOD


class SamplingCreateSerializer(serializers.Serializer):
    scope = serializers.CharField(max_length=12, help_text="抽查范围（区划代码）")
    rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text="抽查比例（0–1，向上取整），与 count 二选一",
    )
    count = serializers.IntegerField(
        required=False, allow_null=True, help_text="抽查数量，与 rate 二选一"
    )
    seed = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="随机种子；不给则由系统随机生成，并记入审计记录",
    )


# The commitment of a request (REQ-082) ------------------------------------------------


def _request_or_404(request, pk: int):
    req = selectors.request_get(request.user, pk)
    if req is None:
        raise Http404
    return req


class RequestCommitmentView(APIView):
    permission_classes = [CanViewCertificates]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="certificates_requests_commitment_create",
        summary="登记告知承诺：以居民签字的书面承诺代替证明，办结且不用印，"
        "并生成事后核查任务（REQ-082、REQ-083）",
        request={
            "multipart/form-data": CommitmentInputSerializer,
            "application/json": CommitmentInputSerializer,
        },
        responses={201: CommitmentSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        req = _request_or_404(request, pk)
        v = validated(CommitmentInputSerializer, request)
        commitment = services.commitment_record(
            actor=request.user,
            request_id=req.pk,
            signature=v.get("signature"),
            signature_method=v["signature_method"],
            notification_text=v["notification"],
            commitment_text=v["commitment"],
            signed_on=v["signed_on"],
        )
        return Response(CommitmentSerializer(commitment).data, status=201)


class RequestCommitmentFormView(APIView):
    permission_classes = [CanViewCertificates]
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(
        operation_id="certificates_requests_commitment_form",
        summary="打印用的告知承诺书（PDF，未编号；仅在可告知承诺时）",
        responses={**PDF, **ERRORS},
    )
    def get(self, request, pk: int):
        req = _request_or_404(request, pk)
        if not services.commitment_allowed(req):
            raise Http404
        return uploads.serve_bytes(
            services.notification_pdf(req),
            file_type=uploads.PDF,
            filename=f"{req.tracking_code}-commitment.pdf",
            inline=True,
        )


# Commitments and post-verification (REQ-082, REQ-083) ----------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="可见范围内的告知承诺（承诺人姓名、身份号码脱敏）",
        parameters=[OpenApiParameter("committee", str, description="村（居）委会代码")],
    ),
    retrieve=extend_schema(summary="告知承诺：告知内容、承诺内容、签字和事后核查"),
)
class CommitmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewCertificates]
    serializer_class = CommitmentSerializer
    lookup_value_regex = r"[0-9]{1,12}"

    def get_queryset(self):
        qs = Commitment.objects.visible_to(self.request.user).select_related(
            "committee",
            "request",
            "request__item",
            "recorded_by",
            "verification",
        )
        if self.action == "list" and self.request.query_params.get("committee"):
            qs = qs.filter(committee_id=self.request.query_params["committee"])
        return qs.order_by("-recorded_at", "-pk")

    @extend_schema(summary="告知承诺书（PDF）", responses={**PDF, **ERRORS})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PDFRenderer])
    def pdf(self, request, pk=None):
        commitment = self.get_object()
        return file_response(commitment.pdf, f"{commitment.number}.pdf", uploads.PDF)

    @extend_schema(summary="承诺人的签字（PNG 或签字页扫描件）", responses=FILE)
    @action(
        detail=True, methods=["get"], renderer_classes=[JSONRenderer, BinaryRenderer]
    )
    def signature(self, request, pk=None):
        commitment = self.get_object()
        return file_response(commitment.signature, commitment.signature_name)

    def handle_exception(self, exc):
        # A download's errors are JSON like every other error, whatever was asked for.
        if getattr(self, "action", None) in ("pdf", "signature"):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


@extend_schema_view(
    list=extend_schema(
        summary="事后核查任务（抽中的在前；REQ-083）",
        parameters=[
            OpenApiParameter("status", str, description=_TASK_STATUS_HELP),
            OpenApiParameter("sampled", bool, description="只列出抽中的"),
            OpenApiParameter("committee", str, description="村（居）委会代码"),
        ],
    ),
    retrieve=extend_schema(summary="事后核查任务"),
)
class VerificationTaskViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewCertificates]
    serializer_class = VerificationTaskSerializer
    lookup_value_regex = r"[0-9]{1,12}"

    def get_queryset(self):
        qs = VerificationTask.objects.visible_to(self.request.user).select_related(
            "committee",
            "commitment",
            "commitment__request",
            "commitment__request__item",
            "closed_by",
            "credit_record",
        )
        if self.action == "list":
            params = self.request.query_params
            if params.get("status"):
                qs = qs.filter(status=params["status"])
            if params.get("sampled") in {"1", "true"}:
                qs = qs.filter(sampled=True)
            if params.get("committee"):
                qs = qs.filter(committee_id=params["committee"])
        return qs.order_by("-sampled", "created_at", "pk")

    @extend_schema(
        summary="登记核查结果：结果、日期、核查人、核查情况；承诺不实的生成信用记录"
        "并排队报送（REQ-083、REQ-084）",
        request=VerificationCloseSerializer,
        responses={200: VerificationTaskSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        task = self.get_object()
        v = validated(VerificationCloseSerializer, request)
        services.verification_close(actor=request.user, task_id=task.pk, **v)
        return Response(VerificationTaskSerializer(self.get_queryset().get(pk=pk)).data)


@extend_schema_view(
    list=extend_schema(summary="随机抽查记录：种子、总体和抽中的任务（REQ-083）"),
    retrieve=extend_schema(summary="一次随机抽查"),
)
class SamplingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewCertificates]
    serializer_class = SamplingSerializer
    lookup_value_regex = r"[0-9]{1,12}"

    def get_queryset(self):
        return (
            Sampling.objects.visible_to(self.request.user)
            .select_related("scope", "drawn_by")
            .order_by("-drawn_at", "-pk")
        )

    @extend_schema(
        summary="随机抽查待核查任务（比例或数量；种子不给则随机生成，记入审计记录）",
        request=SamplingCreateSerializer,
        responses={201: SamplingSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(SamplingCreateSerializer, request)
        sampling = services.commitment_sample(
            actor=request.user,
            scope_code=v["scope"],
            rate=v.get("rate"),
            count=v.get("count"),
            seed=v.get("seed") or None,
        )
        return Response(SamplingSerializer(sampling).data, status=201)
