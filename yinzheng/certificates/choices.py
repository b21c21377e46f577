from django.db import models
from django.utils.translation import gettext_lazy as _


class IntakeClass(models.TextChoices):
    """REQ-031: every request falls into exactly one of these."""

    POSITIVE = "positive", _("正面清单事项")
    NEGATIVE = "negative", _("负面清单事项")
    # REQ-123: a certificate the competent department issues, not the committee.
    DEPARTMENT = "department", _("应由相关部门出具的事项")
    PUBLIC_INTEREST = "public_interest", _("涉及公共利益事项")
    PARTY = "party", _("涉及党组织、党员事项")
    NO_BASIS = "no_basis", _("无依据事项")


class Outcome(models.TextChoices):
    """What `rules.decide()` says may happen next."""

    ISSUE = "issue", _("可以出具")
    PENDING = "pending", _("待补齐记录")
    MANUAL = "manual_decision", _("除外情形，须人工决定")
    REFUSE = "refuse", _("不予出具")
    NOT_ISSUED = "not_issued", _("不予出具（无法律法规依据）")
    TRANSFER_PARTY = "transfer_party", _("转交党组织办理")


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理，待核实")
    VERIFIED = "verified", _("已核实，待主任签批")
    APPROVED = "approved", _("已签批，待盖章出具")
    ISSUED = "issued", _("已出具")
    REFUSED = "refused", _("不予出具")
    WITHDRAWN = "withdrawn", _("已撤回")
    TRANSFERRED = "transferred", _("已转交党组织")
    COMMITTED = "committed", _("已告知承诺办结")
    ANNULLED = "annulled", _("出具后已作废")


OPEN_STATUSES = frozenset({Status.RECEIVED, Status.VERIFIED, Status.APPROVED})
FINAL_STATUSES = frozenset(
    {
        Status.ISSUED,
        Status.REFUSED,
        Status.WITHDRAWN,
        Status.TRANSFERRED,
        Status.COMMITTED,
    }
)


class Closing(models.TextChoices):
    """The system's words on how a case closed (core.phrases); `closing_note` keeps
    the person's, or the commitment's number."""

    COMMITMENT = "commitment", _("以告知承诺代替证明")


class RefusalBasis(models.TextChoices):
    """The basis of a refusal the system states itself, when the clerk gives none
    (REQ-036; put into words when read, core.phrases)."""

    NEGATIVE_LIST = "negative_list", _("列入负面清单")
    NO_LEGAL_BASIS = "no_legal_basis", _("无法律法规依据")


class ReferralStatus(models.TextChoices):
    """A case referred to the responsible department's queue (REQ-118)."""

    REFERRED = "referred", _("已转交，待部门签收")
    ACKNOWLEDGED = "acknowledged", _("部门已签收，办理中")
    CLOSED = "closed", _("部门已办结")


OPEN_REFERRAL_STATUSES = frozenset(
    {ReferralStatus.REFERRED, ReferralStatus.ACKNOWLEDGED}
)


class Channel(models.TextChoices):
    """Where the request came in (REQ-113: one case, the same status either way)."""

    WINDOW = "window", _("窗口受理")
    ONLINE = "online", _("网上申请")


class Trigger(models.TextChoices):
    """What opens the factual-issuance exception for a negative-list item (REQ-037)."""

    POLICY_GAP = "policy_gap", _("政策措施衔接不到位")
    ENTITY_DEMAND = "entity_demand", _("民商事主体明确要求")


class ConsultationForm(models.TextChoices):
    """How the residents deliberated (议事协商, REQ-034)."""

    ASSEMBLY = "assembly", _("村（居）民会议")
    REPRESENTATIVES = "representatives", _("村（居）民代表会议")
    COUNCIL = "council", _("议事协商会")
    HEARING = "hearing", _("听证会、恳谈会")
    OTHER = "other", _("其他协商形式")


class ConsultationResult(models.TextChoices):
    AGREED = "agreed", _("同意")
    NOT_AGREED = "not_agreed", _("不同意")


class CounterKind(models.TextChoices):
    CERTIFICATE = "certificate", _("证明编号")
    REFUSAL = "refusal", _("不予出具告知书编号")
    COMMITMENT = "commitment", _("告知承诺书编号")


# The seal-use category chosen at intake (REQ-052); C2 unless the clerk says otherwise.
DEFAULT_CATEGORY = "C2"


class SignatureMethod(models.TextChoices):
    """How the resident signed the commitment (REQ-082)."""

    SCREEN = "screen", _("屏幕签名")
    SCAN = "scan", _("纸质签字后上传扫描件")


class TaskStatus(models.TextChoices):
    """A post-verification task (事后核查, REQ-083)."""

    OPEN = "open", _("待核查")
    CLOSED = "closed", _("已核查")


class VerificationResult(models.TextChoices):
    TRUE = "true", _("承诺属实")
    FALSE = "false", _("承诺不实")


class SubmissionStatus(models.TextChoices):
    """An outbound submission to the credit platform (REQ-084, REQ-086)."""

    QUEUED = "queued", _("待报送")
    SENT = "sent", _("已报送")
    ACKNOWLEDGED = "acknowledged", _("平台已确认")
    FAILED = "failed", _("报送失败")
