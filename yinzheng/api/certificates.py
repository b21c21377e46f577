"""Certificate endpoints (REQ-016, REQ-031–049): requests with their decision (the
outcome and its reasons with REQ ids), the records an outcome needs, verify → approve →
seal and issue, refusal with its notice, withdrawal, transfer to the Party organisation,
the resident's confirmation of the register entry, demand reports, the jurisdiction's
switch (REQ-039) and the resident's public status by tracking code.

Reads go through certificates.selectors (a request outside the user's subtrees is 404);
every write calls one certificates.services function, which checks the policy and the
rules; refusals come back through the one error handler as {"code", "message",
"detail"} (a request the rules do not let through is 409 `not_issuable` with the
decision in `detail`). The ID number and the phone are always masked, the name too in
lists and on the public status.
"""

from typing import Any

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone
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
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.accounts import policy
from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.certificates import electronic, selectors, services
from yinzheng.certificates.choices import (
    ConsultationForm,
    ConsultationResult,
    IntakeClass,
    Outcome,
    Status,
    Trigger,
)
from yinzheng.certificates.models import (
    Attachment,
    CertificateRequest,
    Consultation,
    DemandReport,
    ExceptionRecord,
    JurisdictionSetting,
    RiskAssessment,
)
from yinzheng.core import clock, masking
from yinzheng.core.rest.responses import ERRORS, ErrorSerializer, PDFRenderer

from .registers import (
    RegisterConfirmationSerializer,
    RegisterConfirmSerializer,
)

# Plain strings with the values listed: enums named by field name ("status", "form")
# would collide with the other domains' in the schema.
_STATUS_HELP = "办理状态：" + "、".join(Status.values)
_CLASS_HELP = "受理分类（REQ-031）：" + "、".join(IntakeClass.values)
_OUTCOME_HELP = "判断结果：" + "、".join(Outcome.values)
_TRIGGER_HELP = "例外情形（REQ-037）：" + "、".join(Trigger.values)
_FORM_HELP = "协商形式：" + "、".join(ConsultationForm.values)
_RESULT_HELP = "协商结果：" + "、".join(ConsultationResult.values)
_CATEGORY_HELP = "证明类用印类别（REQ-052）：C1、C2、C3，默认 C2"
PDF = {(200, PDFRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY)}


class CanViewCertificates(BasePermission):
    def has_permission(self, request, view) -> bool:
        return policy.can(request.user, "certificate.view")


# Serializers ------------------------------------------------------------------------


class CertificatePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")


class DecisionReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    req = serializers.CharField(help_text="所依据的需求编号，如 REQ-036")
    message = serializers.CharField()


class DecisionMissingSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    req = serializers.CharField()


class CertificateDecisionSerializer(serializers.Serializer):
    intake_class = serializers.CharField(help_text=_CLASS_HELP)
    outcome = serializers.CharField(help_text=_OUTCOME_HELP)
    reasons = DecisionReasonSerializer(many=True)
    route = serializers.CharField(help_text="不予出具等情形的办事途径（REQ-049）")
    departments = serializers.ListField(child=serializers.CharField())
    missing = DecisionMissingSerializer(many=True, help_text="出具前尚缺的记录")
    tags = serializers.ListField(
        child=serializers.CharField(),
        help_text="special_case、negative_exception、item_exception 等标记",
    )
    commitment_available = serializers.BooleanField(help_text="可告知承诺（REQ-082）")
    exception_available = serializers.BooleanField(
        help_text="可登记负面清单事项的据实出具例外（REQ-037、REQ-039）"
    )


class CertificateRequestSerializer(serializers.ModelSerializer):
    committee = serializers.CharField(source="committee_id")
    committee_name = serializers.CharField(source="committee.name")
    item = serializers.SerializerMethodField(help_text="证明事项标识；不在目录中时为空")
    item_name = serializers.CharField()
    resident_name = serializers.SerializerMethodField(help_text="姓名（脱敏）")
    id_number = serializers.SerializerMethodField(help_text="公民身份号码（脱敏）")
    phone = serializers.SerializerMethodField(help_text="联系电话（脱敏）")
    status = serializers.CharField(help_text=_STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")
    intake_class = serializers.CharField(help_text=_CLASS_HELP)
    outcome = serializers.CharField(help_text="受理时的" + _OUTCOME_HELP)
    overdue = serializers.SerializerMethodField(help_text="已超过办结期限（REQ-045）")

    class Meta:
        model = CertificateRequest
        fields = [
            "id",
            "tracking_code",
            "committee",
            "committee_name",
            "item",
            "item_name",
            "resident_name",
            "id_number",
            "phone",
            "purpose",
            "requiring_unit",
            "status",
            "status_display",
            "intake_class",
            "outcome",
            "serial",
            "serial_void",
            "due_on",
            "received_at",
            "overdue",
        ]

    def get_item(self, obj: CertificateRequest) -> str | None:
        return obj.item.key if obj.item_id else None

    def get_resident_name(self, obj: CertificateRequest) -> str:
        return masking.mask_name(obj.resident_name)

    def get_id_number(self, obj: CertificateRequest) -> str:
        return masking.mask_id_number(obj.id_number)

    def get_phone(self, obj: CertificateRequest) -> str:
        return masking.mask_phone(obj.phone)

    def get_overdue(self, obj: CertificateRequest) -> bool:
        return bool(obj.is_open and obj.due_on and obj.due_on < clock.today())


class ExceptionRecordSerializer(serializers.ModelSerializer):
    trigger = serializers.CharField(help_text=_TRIGGER_HELP)

    class Meta:
        model = ExceptionRecord
        fields = [
            "trigger",
            "entity_name",
            "within_duties",
            "verifiable",
            "evidence",
            "assessment",
            "precautions",
            "materials_retained",
            "recorded_at",
        ]


class CertificateConsultationSerializer(serializers.ModelSerializer):
    form = serializers.CharField(help_text=_FORM_HELP)
    result = serializers.CharField(help_text=_RESULT_HELP)
    head_signed_by = CertificatePersonSerializer(allow_null=True)

    class Meta:
        model = Consultation
        fields = [
            "form",
            "held_on",
            "participants",
            "result",
            "summary",
            "recorded_at",
            "head_signed_by",
            "head_signed_at",
        ]


class RiskAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskAssessment
        fields = [
            "investigation",
            "deliberation",
            "assessment",
            "precautions",
            "recorded_at",
        ]


class CertificateAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "sha256", "size", "uploaded_at"]


class CertificateCommitmentSummarySerializer(serializers.Serializer):
    """The commitment that closed the request (REQ-082); in full under
    /api/certificates/commitments/{id}/."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    signed_on = serializers.DateField()
    verification_status = serializers.CharField(
        source="verification.status", help_text="事后核查状态：open、closed"
    )
    verification_result = serializers.CharField(
        source="verification.result", help_text="核查结果：true、false；未核查为空"
    )


class CertificateRequestDetailSerializer(CertificateRequestSerializer):
    decision = serializers.SerializerMethodField(
        help_text="办理中为当前判断；办结后为办结时的判断"
    )
    category = serializers.CharField(help_text=_CATEGORY_HELP)
    received_by = CertificatePersonSerializer()
    verified_by = CertificatePersonSerializer(allow_null=True)
    approved_by = CertificatePersonSerializer(allow_null=True)
    issued_by = CertificatePersonSerializer(allow_null=True)
    refused_by = CertificatePersonSerializer(allow_null=True)
    seal = serializers.IntegerField(source="seal_id", allow_null=True)
    usage = serializers.IntegerField(source="usage_id", allow_null=True)
    register_entry = serializers.IntegerField(
        source="register_entry_id", allow_null=True
    )
    catalogue_versions = serializers.SerializerMethodField(
        help_text="判断所依据的清单版本（REQ-047）"
    )
    exception = serializers.SerializerMethodField()
    consultation = serializers.SerializerMethodField()
    risk = serializers.SerializerMethodField()
    attachments = CertificateAttachmentSerializer(many=True)
    confirm_url = serializers.SerializerMethodField(
        help_text="居民签字确认登记簿条目的页面（ledger）"
    )
    commitment = serializers.SerializerMethodField(
        help_text="以告知承诺办结时的承诺（REQ-082）"
    )
    allowed_actions = AllowedActionsField()

    class Meta(CertificateRequestSerializer.Meta):
        fields = [
            *CertificateRequestSerializer.Meta.fields,
            "allowed_actions",
            "facts",
            "category",
            "copies",
            "electronic",
            "public_interest",
            "party_related",
            "legal_risk",
            "carries_liability",
            "exception_claimed",
            "decision",
            "list_kind",
            "list_title",
            "catalogue_versions",
            "complexity",
            "time_limit_days",
            "received_by",
            "verified_by",
            "verified_at",
            "verification_what",
            "verification_how",
            "template_text",
            "certificate_sha256",
            "seal",
            "usage",
            "approved_by",
            "approved_at",
            "issued_by",
            "issued_at",
            "on_the_spot",
            "register_entry",
            "refused_by",
            "refused_at",
            "refusal_reason",
            "refusal_route",
            "refusal_department",
            "refusal_basis",
            "refusal_notice_no",
            "closed_at",
            "closing_note",
            "exception",
            "consultation",
            "risk",
            "attachments",
            "confirm_url",
            "commitment",
        ]

    @extend_schema_field(CertificateDecisionSerializer)
    def get_decision(self, obj: CertificateRequest) -> dict:
        return selectors.decision_shown(obj)

    def get_catalogue_versions(self, obj: CertificateRequest) -> list[str]:
        return [
            f"{v.catalogue_list.title} v{v.number}"
            for v in obj.catalogue_versions.select_related("catalogue_list")
        ]

    @extend_schema_field(ExceptionRecordSerializer(allow_null=True))
    def get_exception(self, obj: CertificateRequest) -> dict | None:
        record = getattr(obj, "exceptionrecord", None)
        return ExceptionRecordSerializer(record).data if record else None

    @extend_schema_field(CertificateConsultationSerializer(allow_null=True))
    def get_consultation(self, obj: CertificateRequest) -> dict | None:
        record = getattr(obj, "consultation", None)
        return CertificateConsultationSerializer(record).data if record else None

    @extend_schema_field(RiskAssessmentSerializer(allow_null=True))
    def get_risk(self, obj: CertificateRequest) -> dict | None:
        record = getattr(obj, "riskassessment", None)
        return RiskAssessmentSerializer(record).data if record else None

    @extend_schema_field(CertificateCommitmentSummarySerializer(allow_null=True))
    def get_commitment(self, obj: CertificateRequest) -> dict | None:
        commitment = getattr(obj, "commitment", None)
        if commitment is None:
            return None
        return CertificateCommitmentSummarySerializer(commitment).data

    def get_confirm_url(self, obj: CertificateRequest) -> str | None:
        entry = obj.register_entry
        if entry is None:
            return None
        return reverse(
            "registers:register_confirm",
            args=[obj.committee_id, entry.data["data"]["year"], entry.pk],
        )


class CertificateRequestCreateSerializer(serializers.Serializer):
    committee = serializers.CharField(max_length=12)
    resident_name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=18, help_text="18 位公民身份号码")
    phone = serializers.CharField(max_length=20)
    item = serializers.CharField(
        max_length=80,
        required=False,
        allow_blank=True,
        help_text="证明事项标识（由 /api/catalogue/lookup/ 查得）；不在目录中的留空",
    )
    item_text = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="申请的证明（原话）；未给 item 时必填",
    )
    purpose = serializers.CharField(max_length=300)
    requiring_unit = serializers.CharField(max_length=200)
    facts = serializers.CharField(max_length=4000)
    category = serializers.CharField(
        max_length=2, required=False, default="C2", help_text=_CATEGORY_HELP
    )
    copies = serializers.IntegerField(required=False, default=1, min_value=1)
    electronic = serializers.BooleanField(required=False, default=False)
    public_interest = serializers.BooleanField(required=False, default=False)
    party_related = serializers.BooleanField(required=False, default=False)
    legal_risk = serializers.BooleanField(required=False, default=False)
    carries_liability = serializers.BooleanField(required=False, default=False)
    exception_claimed = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="属于该事项的除外情形（REQ-008），须是事项所列之一",
    )


class CertificateFlagsSerializer(serializers.Serializer):
    public_interest = serializers.BooleanField()
    party_related = serializers.BooleanField()
    legal_risk = serializers.BooleanField()
    carries_liability = serializers.BooleanField()
    exception_claimed = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class ExceptionInputSerializer(serializers.Serializer):
    trigger = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text=_TRIGGER_HELP,
    )
    entity_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    within_duties = serializers.BooleanField(required=False, default=False)
    verifiable = serializers.BooleanField(required=False, default=False)
    evidence = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    assessment = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    precautions = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    materials_retained = serializers.BooleanField(required=False, default=False)


class ConsultationInputSerializer(serializers.Serializer):
    form = serializers.CharField(max_length=20, help_text=_FORM_HELP)
    held_on = serializers.DateField()
    participants = serializers.CharField(max_length=4000)
    result = serializers.CharField(max_length=12, help_text=_RESULT_HELP)
    summary = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )


class RiskInputSerializer(serializers.Serializer):
    investigation = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    deliberation = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    assessment = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    precautions = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )


class CertificateVerifySerializer(serializers.Serializer):
    what = serializers.CharField(max_length=4000, help_text="核实了什么（REQ-046）")
    how = serializers.CharField(max_length=2000, help_text="如何核实")


class CertificateRefuseSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=4000, help_text="不予出具的理由（REQ-032）"
    )
    route = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        default="",
        help_text="办事途径；负面清单事项可留空（用清单所列），其余必填（REQ-049）",
    )
    department = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    basis = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )


class CertificateWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CertificateTransferSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class CertificateAttachSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="材料文件（不超过 20 MB）")


class DemandReportSerializer(serializers.ModelSerializer):
    committee = serializers.CharField(source="committee_id")
    item = serializers.SerializerMethodField()
    request = serializers.IntegerField(source="request_id", allow_null=True)

    class Meta:
        model = DemandReport
        fields = [
            "id",
            "committee",
            "item",
            "item_text",
            "demanding_organisation",
            "request",
            "note",
            "reported_at",
        ]

    def get_item(self, obj: DemandReport) -> str | None:
        return obj.item.key if obj.item_id else None


class DemandReportCreateSerializer(serializers.Serializer):
    committee = serializers.CharField(max_length=12)
    item = serializers.CharField(max_length=80, required=False, allow_blank=True)
    item_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    demanding_organisation = serializers.CharField(max_length=200)
    request = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )


class CertificateReportSerializer(serializers.Serializer):
    demanding_organisation = serializers.CharField(max_length=200)
    note = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )


class JurisdictionSettingSerializer(serializers.ModelSerializer):
    division = serializers.CharField(source="division_id")
    division_name = serializers.CharField(source="division.name")

    class Meta:
        model = JurisdictionSetting
        fields = [
            "division",
            "division_name",
            "negative_exception_enabled",
            "note",
            "updated_at",
        ]


class JurisdictionSettingSetSerializer(serializers.Serializer):
    division = serializers.CharField(max_length=12)
    negative_exception_enabled = serializers.BooleanField()
    note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class CertificateStatusSerializer(serializers.Serializer):
    item_name = serializers.CharField()
    committee_name = serializers.CharField(source="committee.name")
    resident_name = serializers.SerializerMethodField(help_text="姓名（脱敏）")
    status = serializers.CharField(help_text=_STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")
    received_on = serializers.SerializerMethodField()
    due_on = serializers.DateField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    refused_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    route = serializers.SerializerMethodField(help_text="不予出具或转交时的办事途径")
    department = serializers.SerializerMethodField(
        help_text="不予出具或转交时的办理部门"
    )

    def get_resident_name(self, obj: CertificateRequest) -> str:
        return masking.mask_name(obj.resident_name)

    def get_received_on(self, obj: CertificateRequest) -> str:
        return timezone.localtime(obj.received_at).date().isoformat()

    def _closed_decision(self, obj: CertificateRequest) -> dict:
        if obj.status in (Status.REFUSED, Status.TRANSFERRED):
            return obj.decision
        return {}

    def get_route(self, obj: CertificateRequest) -> str:
        if obj.status == Status.REFUSED:
            return obj.refusal_route
        return self._closed_decision(obj).get("route", "")

    def get_department(self, obj: CertificateRequest) -> str:
        if obj.status == Status.REFUSED:
            return obj.refusal_department
        return "、".join(self._closed_decision(obj).get("departments", []))


# Views --------------------------------------------------------------------------------


def _valid(serializer_class, request) -> dict[str, Any]:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


def _detail(pk: int, request: Any) -> dict:
    req = CertificateRequest.objects.select_related(
        "committee",
        "item",
        "received_by",
        "verified_by",
        "approved_by",
        "issued_by",
        "refused_by",
        "register_entry",
    ).get(pk=pk)
    return CertificateRequestDetailSerializer(req, context={"request": request}).data


def _step(summary: str, request_serializer=None, status: int = 200):
    return extend_schema(
        summary=summary,
        request=request_serializer,
        responses={status: CertificateRequestDetailSerializer, **ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="可见范围内的证明申请（姓名、身份号码、电话均脱敏）",
        parameters=[
            OpenApiParameter("committee", str, description="村（居）委会代码"),
            OpenApiParameter("status", str, description=_STATUS_HELP),
            OpenApiParameter(
                "overdue", bool, description="只列出逾期未办结的（REQ-045）"
            ),
        ],
    ),
    retrieve=extend_schema(
        summary="证明申请：判断及理由（含 REQ 编号）、各项记录、办理经过",
        responses={200: CertificateRequestDetailSerializer, **ERRORS},
    ),
)
class CertificateRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewCertificates]
    lookup_value_regex = r"[0-9]{1,12}"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CertificateRequestDetailSerializer
        return CertificateRequestSerializer

    def get_queryset(self):
        user = self.request.user
        if self.action == "list" and self.request.query_params.get("overdue") in {
            "1",
            "true",
        }:
            qs = selectors.overdue(user, clock.today())
        else:
            qs = selectors.requests_visible_to(user)
        if self.action == "list":
            params = self.request.query_params
            if params.get("committee"):
                qs = qs.filter(committee_id=params["committee"])
            if params.get("status"):
                qs = qs.filter(status=params["status"])
        return qs.order_by("-received_at", "-pk")

    def _done(self, pk: int, status: int = 200) -> Response:
        return Response(_detail(pk, self.request), status=status)

    @extend_schema(
        summary="受理证明申请并作出判断（REQ-031；身份号码须通过校验）",
        request=CertificateRequestCreateSerializer,
        responses={201: CertificateRequestDetailSerializer, **ERRORS},
    )
    def create(self, request):
        v = _valid(CertificateRequestCreateSerializer, request)
        req = services.request_create(
            actor=request.user,
            committee_code=v["committee"],
            resident_name=v["resident_name"],
            id_number=v["id_number"],
            phone=v["phone"],
            item_key=v.get("item") or None,
            item_text=v.get("item_text", ""),
            purpose=v["purpose"],
            requiring_unit=v["requiring_unit"],
            facts=v["facts"],
            category=v["category"],
            copies=v["copies"],
            electronic=v["electronic"],
            public_interest=v["public_interest"],
            party_related=v["party_related"],
            legal_risk=v["legal_risk"],
            carries_liability=v["carries_liability"],
            exception_claimed=v["exception_claimed"],
        )
        return self._done(req.pk, status=201)

    @extend_schema(
        summary="当前判断：分类、结果、理由（REQ 编号）、尚缺的记录、办事途径",
        responses={200: CertificateDecisionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def decision(self, request, pk=None):
        req = self.get_object()
        if req.is_open:
            return Response(selectors.decision_for(req).as_dict())
        return Response(req.decision)

    @_step(
        "更正事项情况（公共利益、党务、法律风险、连带责任、除外情形）并重新判断",
        CertificateFlagsSerializer,
    )
    @action(detail=True, methods=["post"])
    def flags(self, request, pk=None):
        req = self.get_object()
        v = _valid(CertificateFlagsSerializer, request)
        services.request_flags_set(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step(
        "登记负面清单事项据实出具的例外条件（REQ-037、REQ-038、REQ-039）",
        ExceptionInputSerializer,
    )
    @action(detail=True, methods=["post"])
    def exception(self, request, pk=None):
        req = self.get_object()
        v = _valid(ExceptionInputSerializer, request)
        services.exception_record(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step(
        "登记议事协商记录（REQ-034）；重新登记须主任重新签字",
        ConsultationInputSerializer,
    )
    @action(detail=True, methods=["post"])
    def consultation(self, request, pk=None):
        req = self.get_object()
        v = _valid(ConsultationInputSerializer, request)
        services.consultation_record(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step("主任签字确认议事协商结果（REQ-034）")
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        req = self.get_object()
        services.consultation_sign(actor=request.user, request_id=req.pk)
        return self._done(req.pk)

    @_step(
        "登记法律风险评估：调查核实、议事协商、评估及防范措施（REQ-040）",
        RiskInputSerializer,
    )
    @action(detail=True, methods=["post"])
    def risk(self, request, pk=None):
        req = self.get_object()
        v = _valid(RiskInputSerializer, request)
        services.risk_record(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step(
        "核实并生成证明：编号、按式样生成 PDF、提交用印并审核（REQ-046、REQ-047）",
        CertificateVerifySerializer,
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        req = self.get_object()
        v = _valid(CertificateVerifySerializer, request)
        services.request_verify(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step("主任签批：绑定证明 PDF 的 SHA-256（REQ-054、REQ-057）")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        req = self.get_object()
        services.request_approve(actor=request.user, request_id=req.pk)
        return self._done(req.pk)

    @_step("印章管理人盖章出具，同时记入出具证明事项登记簿（REQ-056、REQ-070）")
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        req = self.get_object()
        services.request_issue(actor=request.user, request_id=req.pk)
        return self._done(req.pk)

    @_step(
        "不予出具并生成告知书（REQ-032、REQ-036、REQ-049）", CertificateRefuseSerializer
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        req = self.get_object()
        v = _valid(CertificateRefuseSerializer, request)
        services.request_refuse(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step("申请人撤回（已给的证明编号作废，不再使用）", CertificateWithdrawSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        req = self.get_object()
        v = _valid(CertificateWithdrawSerializer, request)
        services.request_withdraw(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step(
        "作废已出具的证明（主任；电子证明核验显示已撤回）",
        CertificateWithdrawSerializer,
    )
    @action(detail=True, methods=["post"])
    def annul(self, request, pk=None):
        req = self.get_object()
        v = _valid(CertificateWithdrawSerializer, request)
        services.request_annul(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step("转交社区（村）党组织办理，不用印（REQ-043）", CertificateTransferSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        req = self.get_object()
        v = _valid(CertificateTransferSerializer, request)
        services.request_transfer(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @extend_schema(
        summary="居民签字确认登记簿条目（REQ-073）",
        request={
            "multipart/form-data": RegisterConfirmSerializer,
            "application/json": RegisterConfirmSerializer,
        },
        responses={201: RegisterConfirmationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        req = self.get_object()
        v = _valid(RegisterConfirmSerializer, request)
        confirmation = services.request_confirm(
            actor=request.user,
            request_id=req.pk,
            method=v["method"],
            signature=v.get("signature"),
            paper_reference=v.get("paper_reference", ""),
        )
        return Response(RegisterConfirmationSerializer(confirmation).data, status=201)

    @extend_schema(
        summary="添加申请材料（随办件留存，REQ-038）",
        request={"multipart/form-data": CertificateAttachSerializer},
        responses={201: CertificateAttachmentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        req = self.get_object()
        v = _valid(CertificateAttachSerializer, request)
        attachment = services.request_attach(
            actor=request.user, request_id=req.pk, file=v["file"]
        )
        return Response(CertificateAttachmentSerializer(attachment).data, status=201)

    @extend_schema(
        summary="反映需要单位要求出具清单以外证明（REQ-016）",
        request=CertificateReportSerializer,
        responses={201: DemandReportSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        req = self.get_object()
        v = _valid(CertificateReportSerializer, request)
        report = services.demand_report(
            actor=request.user,
            committee_code=req.committee_id,
            item_text=req.item_text,
            demanding_organisation=v["demanding_organisation"],
            request_id=req.pk,
            note=v["note"],
        )
        return Response(DemandReportSerializer(report).data, status=201)

    def _file(self, field, name: str):
        if not field:
            raise Http404
        try:
            handle = field.open("rb")
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc
        return FileResponse(handle, content_type="application/pdf", filename=name)

    @extend_schema(
        summary="证明文件（PDF）",
        responses={**PDF, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, PDFRenderer],
        url_path="certificate",
    )
    def certificate(self, request, pk=None):
        req = self.get_object()
        # An issued electronic certificate is served signed (esign).
        signed = electronic.issued_file(req.serial)
        return self._file(signed or req.certificate_pdf, f"{req.serial}.pdf")

    @extend_schema(
        summary="不予出具告知书（PDF）",
        responses={**PDF, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, PDFRenderer],
        url_path="notice",
    )
    def notice(self, request, pk=None):
        req = self.get_object()
        return self._file(req.refusal_notice, f"{req.refusal_notice_no}.pdf")


@extend_schema_view(
    list=extend_schema(summary="可见范围内的不合理证明要求反映（REQ-016）"),
)
class DemandReportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanViewCertificates]
    serializer_class = DemandReportSerializer

    def get_queryset(self):
        return (
            DemandReport.objects.visible_to(self.request.user)
            .select_related("item")
            .order_by("-reported_at", "-pk")
        )

    @extend_schema(
        summary="登记不合理证明要求（需要单位要求出具清单以外的证明，REQ-016）",
        request=DemandReportCreateSerializer,
        responses={201: DemandReportSerializer, **ERRORS},
    )
    def create(self, request):
        v = _valid(DemandReportCreateSerializer, request)
        report = services.demand_report(
            actor=request.user,
            committee_code=v["committee"],
            item_text=v.get("item_text", ""),
            demanding_organisation=v["demanding_organisation"],
            item_key=v.get("item") or None,
            request_id=v.get("request"),
            note=v["note"],
        )
        return Response(DemandReportSerializer(report).data, status=201)


@extend_schema_view(
    list=extend_schema(summary="可见范围内各辖区的负面清单事项例外设置（REQ-039）"),
)
class JurisdictionSettingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanViewCertificates]
    serializer_class = JurisdictionSettingSerializer
    pagination_class = None

    def get_queryset(self):
        return (
            JurisdictionSetting.objects.visible_to(self.request.user)
            .select_related("division")
            .order_by("division_id")
        )

    @extend_schema(
        summary="设置辖区是否允许负面清单事项据实出具的例外（民政；对下级区划有效）",
        request=JurisdictionSettingSetSerializer,
        responses={200: JurisdictionSettingSerializer, **ERRORS},
    )
    def create(self, request):
        v = _valid(JurisdictionSettingSetSerializer, request)
        setting = services.jurisdiction_setting_set(
            actor=request.user,
            division_code=v["division"],
            negative_exception_enabled=v["negative_exception_enabled"],
            note=v["note"],
        )
        return Response(JurisdictionSettingSerializer(setting).data)


class PublicStatusView(APIView):
    """The resident's status by tracking code: no login, no ID number, name masked;
    limited by the anonymous throttle like every public endpoint."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="certificates_status",
        summary="居民按查询码查询办理进度（无需登录；不含身份号码，姓名脱敏）",
        parameters=[
            OpenApiParameter(
                "code", str, OpenApiParameter.PATH, description="受理时告知的查询码"
            )
        ],
        responses={200: CertificateStatusSerializer, 404: ErrorSerializer},
    )
    def get(self, request, code: str):
        req = selectors.by_tracking_code(code)
        if req is None:
            raise Http404
        return Response(CertificateStatusSerializer(req).data)
