"""The certificate request's serializers (REQ-031–049): the request in a list and in
full with its decision (the outcome and its reasons with REQ ids) and the records an
outcome needs, and the bodies of each step of its workflow. The ID number and the phone
are always masked, the name too in lists."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.accounts.choices import Department
from yinzheng.core import clock, masking

from .. import selectors
from ..choices import (
    ConsultationForm,
    ConsultationResult,
    IntakeClass,
    Outcome,
    Trigger,
)
from ..models import (
    Attachment,
    CertificateRequest,
    Consultation,
    ExceptionRecord,
    RiskAssessment,
)
from .common import STATUS_HELP, CertificatePersonSerializer
from .referrals import ReferralSerializer

# Plain strings with the values listed: enums named by field name ("status", "form")
# would collide with the other domains' in the schema.
_CLASS_HELP = "受理分类（REQ-031）：" + "、".join(IntakeClass.values)
_OUTCOME_HELP = "判断结果：" + "、".join(Outcome.values)
_TRIGGER_HELP = "例外情形（REQ-037）：" + "、".join(Trigger.values)
_FORM_HELP = "协商形式：" + "、".join(ConsultationForm.values)
_RESULT_HELP = "协商结果：" + "、".join(ConsultationResult.values)
_CATEGORY_HELP = "证明类用印类别（REQ-052）：C1、C2、C3，默认 C2"


class DecisionReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    req = serializers.CharField(help_text="所依据的需求编号，如 REQ-036")
    message = serializers.CharField(help_text="说明，按请求的语言")
    params = serializers.ListField(
        child=serializers.JSONField(),
        required=False,
        help_text="组成说明的参数：说明按 code 和参数以读者的语言重新生成",
    )


class DecisionMissingSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
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
    status = serializers.CharField(help_text=STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")
    intake_class = serializers.CharField(help_text=_CLASS_HELP)
    outcome = serializers.CharField(help_text="受理时的" + _OUTCOME_HELP)
    overdue = serializers.SerializerMethodField(help_text="已超过办结期限（REQ-045）")
    channel = serializers.CharField(
        read_only=True,
        help_text="申请渠道（REQ-113）：window 窗口受理、online 网上申请",
    )

    class Meta:
        model = CertificateRequest
        fields = [
            "id",
            "tracking_code",
            "channel",
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
        return obj.item.key if obj.item is not None else None

    def get_resident_name(self, obj: CertificateRequest) -> str:
        return masking.mask_name(obj.resident_name)

    def get_id_number(self, obj: CertificateRequest) -> str:
        return masking.mask_id_number(obj.id_number)

    def get_phone(self, obj: CertificateRequest) -> str:
        return masking.mask_phone(obj.phone)

    def get_overdue(self, obj: CertificateRequest) -> bool:
        return bool(obj.is_open and obj.due_on and obj.due_on < clock.today())


class CertificateAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "sha256", "size", "uploaded_at"]


class ExceptionRecordSerializer(serializers.ModelSerializer):
    trigger = serializers.CharField(help_text=_TRIGGER_HELP)
    materials = CertificateAttachmentSerializer(
        many=True,
        read_only=True,
        help_text="留存的相关资料：文件名与 SHA-256（REQ-038）",
    )

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
            "materials",
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
    received_by = CertificatePersonSerializer(
        allow_null=True, help_text="受理人；网上申请（channel=online）为空"
    )
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
    referral = serializers.SerializerMethodField(
        help_text="转交相关部门办理的去向、状态和部门的办理结果（REQ-118）"
    )

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
            "refusal_basis_code",
            "refusal_basis",
            "refusal_basis_text",
            "refusal_notice_no",
            "closed_at",
            "closing_code",
            "closing_note",
            "closing_text",
            "exception",
            "consultation",
            "risk",
            "attachments",
            "confirm_url",
            "commitment",
            "referral",
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

    @extend_schema_field(ReferralSerializer(allow_null=True))
    def get_referral(self, obj: CertificateRequest) -> dict | None:
        referral = getattr(obj, "referral", None)
        return ReferralSerializer(referral).data if referral else None

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
    materials = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="留存的相关资料（multipart，可多个，每个不超过 20 MB，REQ-038）；"
        "已上传的保留，首次登记至少一份",
    )


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


class CertificateReferSerializer(CertificateRefuseSerializer):
    """REQ-118: the refusal's notice, and where the case goes: the department
    (accounts.choices.Department) of the committee's county or township."""

    to_department = serializers.ChoiceField(
        choices=Department.choices, help_text="转交的部门"
    )
    jurisdiction = serializers.CharField(
        max_length=12,
        help_text="部门所在辖区：本村（居）委会所在县或乡镇（街道）的代码",
    )
    department = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="告知书上写明的办理部门；留空用事项所列",
    )
    note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class CertificateWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CertificateTransferSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


class CertificateAttachSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="材料文件（不超过 20 MB）")


class CertificateReportSerializer(serializers.Serializer):
    demanding_organisation = serializers.CharField(max_length=200)
    note = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
