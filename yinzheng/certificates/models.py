"""Certificate requests from intake to issue or refusal (REQ-031–049).

A request records the resident, the asked-for item (found by the lookup, or the text as
asked when it is no catalogue item), what it is for and who demands it, and the facts to
certify. Its intake decision (rules.decide) and the list versions it used are kept on it
(REQ-047). The records some outcomes need live beside it, one each: the negative-list
exception conditions (REQ-037, REQ-038), the residents' consultation with the head's
signature (REQ-034) and the legal-risk assessment (REQ-040). Verification, approval and
sealing go through the seal-use request (seals.UsageRequest) the request opens; issue
writes the certificate register entry. Serials are gap-free per committee and year
(`SerialCounter`); a serial once given is never reused, even when the request ends
without a certificate (it is then shown as void).

Notification-commitment (告知承诺制, REQ-082–086): where the item allows it, the request
ends COMMITTED with a `Commitment` (the notification, the resident's commitment, the PDF
and the signature) instead of a certificate. Each commitment has one `VerificationTask`
(事后核查), drawn for priority by a logged random `Sampling`; a "false" result makes a
`CreditRecord` (linked to the request, where the ID number is kept once) with its
disclosure and penalty, and a `CreditSubmission` queued for the `CreditPlatform`
configured for the committee's jurisdiction.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet

from .choices import (
    DEFAULT_CATEGORY,
    ConsultationForm,
    ConsultationResult,
    CounterKind,
    IntakeClass,
    Outcome,
    SignatureMethod,
    Status,
    SubmissionStatus,
    TaskStatus,
    Trigger,
    VerificationResult,
)

_USER = settings.AUTH_USER_MODEL

CATEGORY_CHOICES = [
    ("C1", _("村（居）民申请相关保障事项，需村（居）委会提供相关证明的")),
    ("C2", _("应村（居）民办事需要，村（居）委会根据掌握情况有能力提供证明的")),
    ("C3", _("其他协助行政事务需要提供相关证明的")),
]


def _user_fk(label, null=True):
    return models.ForeignKey(
        _USER,
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name="+",
        null=null,
        blank=null,
    )


class CertificateRequest(models.Model):
    TRANSITIONS = {
        Status.RECEIVED: {
            Status.VERIFIED,
            Status.REFUSED,
            Status.WITHDRAWN,
            Status.TRANSFERRED,
            Status.COMMITTED,  # REQ-082: the commitment takes the certificate's place
        },
        Status.VERIFIED: {Status.APPROVED, Status.REFUSED, Status.WITHDRAWN},
        Status.APPROVED: {Status.ISSUED, Status.REFUSED, Status.WITHDRAWN},
        # An issued certificate found wrong is annulled: the register entry stays (it
        # records the sealing), verification says "withdrawn" from then on.
        Status.ISSUED: {Status.ANNULLED},
    }

    committee = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("村（居）委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    tracking_code = models.CharField(_("查询码"), max_length=32, unique=True)
    resident_name = models.CharField(_("申请人姓名"), max_length=50)
    id_number = models.CharField(_("公民身份号码"), max_length=18)
    phone = models.CharField(_("联系电话"), max_length=20)
    item = models.ForeignKey(
        "catalogue.Item",
        verbose_name=_("证明事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    item_text = models.CharField(_("申请的证明（原话）"), max_length=200)
    purpose = models.CharField(_("用途"), max_length=300)
    requiring_unit = models.CharField(
        _("需要单位（要求提供证明的单位）"), max_length=200
    )
    facts = models.TextField(_("拟证明的事实"))
    category = models.CharField(
        _("用印类别"), max_length=2, choices=CATEGORY_CHOICES, default=DEFAULT_CATEGORY
    )
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    electronic = models.BooleanField(_("电子出具"), default=False)
    # What the clerk says about the matter at intake (rules.RequestFacts).
    public_interest = models.BooleanField(_("涉及公共利益"), default=False)
    party_related = models.BooleanField(_("涉及党组织、党员"), default=False)
    legal_risk = models.BooleanField(_("可能涉及法律风险"), default=False)
    carries_liability = models.BooleanField(
        _("要求证明承担法律或经济连带责任"), default=False
    )
    exception_claimed = models.CharField(
        _("属于事项的除外情形"), max_length=200, blank=True
    )
    # The intake decision and what it rested on (REQ-031, REQ-047).
    intake_class = models.CharField(
        _("受理分类"), max_length=20, choices=IntakeClass.choices
    )
    outcome = models.CharField(
        _("受理时的判断"), max_length=20, choices=Outcome.choices
    )
    decision = models.JSONField(_("判断及理由"), default=dict)
    list_kind = models.CharField(_("清单类型"), max_length=10, default="none")
    list_title = models.CharField(_("所在清单"), max_length=200, blank=True)
    catalogue_versions = models.ManyToManyField(
        "catalogue.ListVersion",
        verbose_name=_("判断所依据的清单版本"),
        blank=True,
        related_name="+",
    )
    complexity = models.CharField(_("办理类型"), max_length=10, default="simple")
    time_limit_days = models.PositiveSmallIntegerField(
        _("出具时限（工作日）"), null=True, blank=True
    )
    due_on = models.DateField(_("办结期限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    sample = models.BooleanField(_("示例数据"), default=False)
    received_by = _user_fk(_("受理人"), null=False)
    received_at = models.DateTimeField(_("受理时间"))
    # Verification (REQ-046).
    verified_by = _user_fk(_("核实人"))
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    verification_what = models.TextField(_("核实内容"), blank=True)
    verification_how = models.TextField(_("核实方式"), blank=True)
    serial = models.CharField(_("证明编号"), max_length=40, blank=True)
    serial_void = models.BooleanField(_("编号已作废"), default=False)
    template_text = models.TextField(_("所用式样"), blank=True)
    certificate_pdf = models.FileField(
        _("证明文件"), upload_to="certificates/%Y/", blank=True
    )
    certificate_sha256 = models.CharField(
        _("证明文件 SHA-256"), max_length=64, blank=True
    )
    seal = models.ForeignKey(
        "seals.Seal",
        verbose_name=_("印章"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    usage = models.OneToOneField(
        "seals.UsageRequest",
        verbose_name=_("用印申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificate_request",
    )
    approved_by = _user_fk(_("签批人"))
    approved_at = models.DateTimeField(_("签批时间"), null=True, blank=True)
    issued_by = _user_fk(_("用印人（印章管理人）"))
    issued_at = models.DateTimeField(_("出具时间"), null=True, blank=True)
    on_the_spot = models.BooleanField(_("当场办结"), default=False)
    register_entry = models.OneToOneField(
        "ledger.Entry",
        verbose_name=_("登记簿条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Refusal (REQ-032, REQ-033, REQ-036, REQ-049).
    refused_by = _user_fk(_("经办人"))
    refused_at = models.DateTimeField(_("不予出具时间"), null=True, blank=True)
    refusal_reason = models.TextField(_("不予出具理由"), blank=True)
    refusal_route = models.TextField(_("办事途径"), blank=True)
    refusal_department = models.CharField(_("办理部门"), max_length=300, blank=True)
    refusal_basis = models.TextField(_("依据"), blank=True)
    refusal_notice_no = models.CharField(_("告知书编号"), max_length=40, blank=True)
    refusal_notice = models.FileField(
        _("不予出具告知书"), upload_to="certificates/refusals/%Y/", blank=True
    )
    # Withdrawal and transfer to the Party organisation (REQ-043).
    closed_by = _user_fk(_("办结人"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closing_note = models.TextField(_("撤回或转交说明"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "certificate.view"

    class Meta:
        verbose_name = _("证明申请")
        verbose_name_plural = _("证明申请")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["committee", "status"], name="certreq_cmte_status"),
            models.Index(fields=["status", "due_on"], name="certreq_status_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["serial"], condition=~Q(serial=""), name="certreq_serial_unique"
            ),
            # REQ-049: no refusal without its route and department.
            models.CheckConstraint(
                condition=~Q(status="refused")
                | (~Q(refusal_route="") & ~Q(refusal_department="")),
                name="certreq_refusal_has_route",
            ),
            # REQ-046, REQ-054: an issued certificate names its verifier, approver,
            # register entry and serial.
            models.CheckConstraint(
                condition=~Q(status="issued")
                | (
                    Q(verified_by__isnull=False)
                    & Q(approved_by__isnull=False)
                    & Q(register_entry__isnull=False)
                    & ~Q(serial="")
                ),
                name="certreq_issued_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_name} · {self.tracking_code}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:detail", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.committee_id

    @property
    def item_name(self) -> str:
        return self.item.name if self.item_id else self.item_text

    @property
    def is_open(self) -> bool:
        return self.status in (Status.RECEIVED, Status.VERIFIED, Status.APPROVED)


class _RequestRecord(models.Model):
    request = models.OneToOneField(
        CertificateRequest, verbose_name=_("证明申请"), on_delete=models.CASCADE
    )
    recorded_by = _user_fk(_("登记人"), null=False)
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} · {self.request_id}"

    @property
    def division_code(self) -> str:
        return self.request.committee_id


class ExceptionRecord(_RequestRecord):
    """The conditions of the factual-issuance exception for a negative-list item
    (据实出具, REQ-037, REQ-038, DIV-02, DIV-05)."""

    trigger = models.CharField(
        _("例外情形"), max_length=20, choices=Trigger.choices, blank=True
    )
    entity_name = models.CharField(
        _("提出要求的民商事主体"), max_length=200, blank=True
    )
    within_duties = models.BooleanField(_("属于自身职责范围"), default=False)
    verifiable = models.BooleanField(_("能够核实"), default=False)
    evidence = models.TextField(_("核实依据"), blank=True)
    assessment = models.TextField(_("充分评估情况"), blank=True)
    precautions = models.TextField(_("预先防范措施"), blank=True)
    materials_retained = models.BooleanField(_("相关资料已登记留存"), default=False)

    class Meta:
        verbose_name = _("负面清单事项据实出具记录")
        verbose_name_plural = _("负面清单事项据实出具记录")


class Consultation(_RequestRecord):
    """The residents' deliberation (议事协商) on a public-interest matter and the
    head's signature (REQ-034, REQ-035)."""

    form = models.CharField(
        _("协商形式"), max_length=20, choices=ConsultationForm.choices
    )
    held_on = models.DateField(_("协商日期"))
    participants = models.TextField(_("参加人员"))
    result = models.CharField(
        _("协商结果"), max_length=12, choices=ConsultationResult.choices
    )
    summary = models.TextField(_("协商情况"), blank=True)
    head_signed_by = _user_fk(_("签字主任"))
    head_signed_at = models.DateTimeField(_("签字时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("议事协商记录")
        verbose_name_plural = _("议事协商记录")


class RiskAssessment(_RequestRecord):
    """The three records of a legal-risk case (REQ-040, DIV-05)."""

    investigation = models.TextField(_("调查核实记录"))
    deliberation = models.TextField(_("议事协商记录"))
    assessment = models.TextField(_("法律风险评估"))
    precautions = models.TextField(_("防范措施"))

    class Meta:
        verbose_name = _("法律风险评估")
        verbose_name_plural = _("法律风险评估")


class Attachment(models.Model):
    """Material the resident brought or the clerk collected; kept with the case and
    reachable from its register entry (REQ-038)."""

    request = models.ForeignKey(
        CertificateRequest,
        verbose_name=_("证明申请"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("文件"), upload_to="certificates/materials/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = _user_fk(_("上传人"), null=False)
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["request_id", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def division_code(self) -> str:
        return self.request.committee_id


class DemandReport(models.Model):
    """A department or unit demanded a certificate the committee's positive list does
    not name (REQ-016). Kept as a plain report here; the supervision work turns these
    into complaint cases with their workflow (REQ-089), so nothing here decides them."""

    committee = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("村（居）委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    item = models.ForeignKey(
        "catalogue.Item",
        verbose_name=_("证明事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    item_text = models.CharField(_("被要求的证明"), max_length=200)
    demanding_organisation = models.CharField(_("提出要求的部门或单位"), max_length=200)
    request = models.ForeignKey(
        CertificateRequest,
        verbose_name=_("证明申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demand_reports",
    )
    note = models.TextField(_("情况说明"), blank=True)
    reported_by = _user_fk(_("反映人"), null=False)
    reported_at = models.DateTimeField(_("反映时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "certificate.view"

    class Meta:
        verbose_name = _("不合理证明要求反映")
        verbose_name_plural = _("不合理证明要求反映")
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.demanding_organisation}：{self.item_text}"

    @property
    def division_code(self) -> str:
        return self.committee_id


class JurisdictionSetting(models.Model):
    """Per-division rules for issuing; a committee follows the nearest setting above it
    (county, usually). REQ-039: the negative-list exception can be switched off where
    004-style strictness applies; it is on by default (DIV-02)."""

    division = models.OneToOneField(
        "divisions.Division",
        verbose_name=_("区划"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    negative_exception_enabled = models.BooleanField(
        _("允许负面清单事项据实出具的例外"), default=True
    )
    note = models.TextField(_("依据或说明"), blank=True)
    updated_by = _user_fk(_("设置人"))
    updated_at = models.DateTimeField(_("设置时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "division_id"
    view_action = "certificate.view"

    class Meta:
        verbose_name = _("辖区出具证明设置")
        verbose_name_plural = _("辖区出具证明设置")
        ordering = ["division_id"]

    def __str__(self) -> str:
        return str(self.division)

    @property
    def division_code(self) -> str:
        return self.division_id


class SerialCounter(models.Model):
    """The last number given per committee, year and kind; locked to give the next,
    so numbers are gap-free (a number once given stays recorded, void or not)."""

    committee = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("村（居）委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("编号类型"), max_length=12, choices=CounterKind.choices)
    last = models.PositiveIntegerField(_("已用至"), default=0)

    class Meta:
        verbose_name = _("编号计数")
        verbose_name_plural = _("编号计数")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year", "kind"], name="serialcounter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.year} {self.kind}: {self.last}"


# Notification-commitment, post-verification, credit (REQ-082–086) -------------------


class Commitment(models.Model):
    """The resident's signed commitment in place of the certificate (告知承诺, REQ-082):
    the notification given (what the law requires, what a false commitment costs), the
    commitment text, the rendered PDF and the signature (drawn on screen, or the signed
    paper page scanned). Name and ID number stay on the request."""

    request = models.OneToOneField(
        CertificateRequest,
        verbose_name=_("证明申请"),
        on_delete=models.PROTECT,
        related_name="commitment",
    )
    committee = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("村（居）委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField(_("告知承诺书编号"), max_length=40, unique=True)
    notification = models.TextField(_("告知内容"))
    text = models.TextField(_("承诺内容"))
    signed_on = models.DateField(_("签字日期"))
    pdf = models.FileField(_("告知承诺书"), upload_to="certificates/commitments/%Y/")
    pdf_sha256 = models.CharField(_("告知承诺书 SHA-256"), max_length=64)
    signature_method = models.CharField(
        _("签字方式"), max_length=10, choices=SignatureMethod.choices
    )
    signature = models.FileField(
        _("签字"), upload_to="certificates/commitments/signatures/%Y/"
    )
    signature_name = models.CharField(_("签字文件名"), max_length=200)
    signature_sha256 = models.CharField(_("签字 SHA-256"), max_length=64)
    sample = models.BooleanField(_("示例数据"), default=False)
    recorded_by = _user_fk(_("经办人"), null=False)
    recorded_at = models.DateTimeField(_("登记时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "certificate.view"

    class Meta:
        verbose_name = _("告知承诺")
        verbose_name_plural = _("告知承诺")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def division_code(self) -> str:
        return self.committee_id


class Sampling(models.Model):
    """A random draw of open verification tasks below a division (REQ-083). The seed,
    the population (task ids) and the picks are in the audit journal too
    (`journal_entry`), so anyone can draw again: `commitments.draw()`."""

    scope = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("抽查范围"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    seed = models.CharField(_("随机种子"), max_length=64)
    rate = models.DecimalField(
        _("抽查比例"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    count = models.PositiveIntegerField(_("抽查数量"), null=True, blank=True)
    population = models.JSONField(_("总体（核查任务编号）"), default=list)
    picks = models.JSONField(_("抽中（核查任务编号）"), default=list)
    journal_entry = models.ForeignKey(
        "ledger.Entry",
        verbose_name=_("审计记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_by = _user_fk(_("抽查人"))
    drawn_at = models.DateTimeField(_("抽查时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "scope_id"
    view_action = "certificate.view"

    class Meta:
        verbose_name = _("事后核查抽查")
        verbose_name_plural = _("事后核查抽查")
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scope_id} · {self.seed}"

    @property
    def division_code(self) -> str:
        return self.scope_id


class VerificationTask(models.Model):
    """The post-verification of one commitment (事后核查, REQ-083): open until someone
    records the result (true / false), the date, the verifier and a note."""

    TRANSITIONS = {TaskStatus.OPEN: {TaskStatus.CLOSED}}

    commitment = models.OneToOneField(
        Commitment,
        verbose_name=_("告知承诺"),
        on_delete=models.PROTECT,
        related_name="verification",
    )
    committee = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("村（居）委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    sampled = models.BooleanField(_("已抽中，优先核查"), default=False)
    sampling = models.ForeignKey(
        Sampling,
        verbose_name=_("抽查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    result = models.CharField(
        _("核查结果"), max_length=10, choices=VerificationResult.choices, blank=True
    )
    verified_on = models.DateField(_("核查日期"), null=True, blank=True)
    verifier = models.CharField(_("核查人"), max_length=100, blank=True)
    note = models.TextField(_("核查情况"), blank=True)
    closed_by = _user_fk(_("登记人"))
    closed_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "certificate.view"

    class Meta:
        verbose_name = _("事后核查任务")
        verbose_name_plural = _("事后核查任务")
        ordering = ["-sampled", "created_at", "id"]
        indexes = [
            models.Index(fields=["committee", "status"], name="vtask_cmte_status"),
        ]
        constraints = [
            # REQ-083: a closed task has its result, date and verifier.
            models.CheckConstraint(
                condition=Q(status="open")
                | (~Q(result="") & Q(verified_on__isnull=False) & ~Q(verifier="")),
                name="vtask_closed_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} · {self.commitment_id}"

    @property
    def division_code(self) -> str:
        return self.committee_id


class CreditPlatform(models.Model):
    """The credit-information sharing platform a jurisdiction reports to (REQ-086): the
    nearest row on a committee's chain applies, like `JurisdictionSetting`."""

    division = models.OneToOneField(
        "divisions.Division",
        verbose_name=_("区划"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("平台名称"), max_length=200)
    endpoint = models.URLField(_("接收地址"), max_length=500)
    enabled = models.BooleanField(_("启用报送"), default=True)
    note = models.TextField(_("依据或说明"), blank=True)
    updated_by = _user_fk(_("设置人"))
    updated_at = models.DateTimeField(_("设置时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "division_id"
    view_action = "credit.view"

    class Meta:
        verbose_name = _("信用信息共享平台")
        verbose_name_plural = _("信用信息共享平台")
        ordering = ["division_id"]

    def __str__(self) -> str:
        return self.name

    @property
    def division_code(self) -> str:
        return self.division_id


class CreditRecord(models.Model):
    """A personal credit record for a false commitment (REQ-084), with its public
    disclosure and, in serious cases, the penalty and whether it was published (REQ-085).
    The person is the request's resident: name and ID number are read from there, never
    copied."""

    commitment = models.OneToOneField(
        Commitment,
        verbose_name=_("告知承诺"),
        on_delete=models.PROTECT,
        related_name="credit_record",
    )
    task = models.OneToOneField(
        VerificationTask,
        verbose_name=_("事后核查任务"),
        on_delete=models.PROTECT,
        related_name="credit_record",
    )
    committee = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("村（居）委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    finding = models.TextField(_("不实情况"))
    recorded_on = models.DateField(_("认定日期"))
    disclosure_site = models.CharField(_("公示网站"), max_length=200, blank=True)
    disclosed_on = models.DateField(_("公示日期"), null=True, blank=True)
    penalty_decision = models.TextField(_("处罚决定"), blank=True)
    penalty_on = models.DateField(_("处罚日期"), null=True, blank=True)
    penalty_published = models.BooleanField(_("处罚已公开"), default=False)
    created_by = _user_fk(_("登记人"))
    created_at = models.DateTimeField(_("登记时间"))
    updated_by = _user_fk(_("最后修改人"))
    updated_at = models.DateTimeField(_("最后修改时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "credit.view"

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disclosure_site="") | Q(disclosed_on__isnull=False),
                name="credit_disclosure_dated",
            ),
            models.CheckConstraint(
                condition=Q(penalty_published=False) | ~Q(penalty_decision=""),
                name="credit_published_penalty_exists",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} · {self.commitment.number}"

    @property
    def division_code(self) -> str:
        return self.committee_id

    @property
    def request(self) -> CertificateRequest:
        return self.commitment.request


class CreditSubmission(models.Model):
    """One outbound submission of a credit record to the credit platform (REQ-084,
    REQ-086). The target is resolved when it is sent, so a changed endpoint receives
    the next one; what was used is kept on the row."""

    _OUTCOMES = frozenset(
        {SubmissionStatus.SENT, SubmissionStatus.ACKNOWLEDGED, SubmissionStatus.FAILED}
    )
    TRANSITIONS = {
        SubmissionStatus.QUEUED: _OUTCOMES,
        SubmissionStatus.FAILED: _OUTCOMES,  # retried at the next export
        # The platform confirms later (a receipt through its own channel).
        SubmissionStatus.SENT: frozenset({SubmissionStatus.ACKNOWLEDGED}),
    }

    record = models.ForeignKey(
        CreditRecord,
        verbose_name=_("信用记录"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.QUEUED,
    )
    platform_name = models.CharField(_("目标平台"), max_length=200, blank=True)
    endpoint = models.URLField(_("报送地址"), max_length=500, blank=True)
    attempts = models.PositiveIntegerField(_("报送次数"), default=0)
    last_error = models.TextField(_("最近一次错误"), blank=True)
    last_attempt_at = models.DateTimeField(_("最近报送时间"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(
        _("平台响应状态码"), null=True, blank=True
    )
    remote_reference = models.CharField(_("平台回执编号"), max_length=200, blank=True)
    payload_sha256 = models.CharField(_("报送内容 SHA-256"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("报送成功时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("平台确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "record__committee_id"
    view_action = "credit.view"

    class Meta:
        verbose_name = _("信用信息报送")
        verbose_name_plural = _("信用信息报送")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="creditsub_status")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} · {self.pk}"

    @property
    def division_code(self) -> str:
        return self.record.committee_id
