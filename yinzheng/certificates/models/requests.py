"""Certificate requests from intake to issue or refusal (REQ-031–049), with their
materials, the demands for unlisted certificates, and the counters their numbers come from.

A request records the resident, the asked-for item (found by the lookup, or the text as
asked when it is no catalogue item), what it is for and who demands it, and the facts to
certify. Its intake decision (rules.decide) and the list versions it used are kept on it
(REQ-047). Verification, approval and sealing go through the seal-use request
(seals.UsageRequest) the request opens; issue writes the certificate register entry.
Serials are gap-free per committee and year (`SerialCounter`); a serial once given is
never reused, even when the request ends without a certificate (it is then shown as
void). Where the item allows it, the request ends COMMITTED with a commitment instead
of a certificate (`models.commitments`).

`_user_fk` (core.fields.user_fk) is the "who did it" column every model of the app uses.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet
from yinzheng.core.fields import user_fk as _user_fk
from yinzheng.core.phrases import worded

from ..choices import (
    DEFAULT_CATEGORY,
    Channel,
    Closing,
    CounterKind,
    IntakeClass,
    Outcome,
    RefusalBasis,
    Status,
)

CATEGORY_CHOICES = [
    ("C1", _("村（居）民申请相关保障事项，需村（居）委会提供相关证明的")),
    ("C2", _("应村（居）民办事需要，村（居）委会根据掌握情况有能力提供证明的")),
    ("C3", _("其他协助行政事务需要提供相关证明的")),
]


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
    # REQ-113: applied for online by the resident (no clerk received it) or taken in at
    # the window; the same case and the same status either way (issue 16).
    channel = models.CharField(
        _("申请渠道"), max_length=10, choices=Channel.choices, default=Channel.WINDOW
    )
    received_by = _user_fk(_("受理人"))
    received_at = models.DateTimeField(_("受理时间"))
    # Verification (REQ-046).
    verified_by = _user_fk(_("核实人"))
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    verification_what = models.TextField(_("核实内容"), blank=True)
    verification_how = models.TextField(_("核实方式"), blank=True)
    serial = models.CharField(_("证明编号"), max_length=40, blank=True)
    serial_void = models.BooleanField(_("编号已作废"), default=False)
    template_text = models.TextField(_("所用式样"), blank=True)
    # Issue 14: until issued, the certificate exists only as a draft (草稿·未生效, no
    # seal, no QR): certificate_pdf is that draft, which the head approves and the
    # sealing request binds. At issue the same content (certificate_content, the
    # CertificateDoc's fields) is rendered again as the certificate itself, issued_pdf.
    certificate_pdf = models.FileField(
        _("证明文件（草稿）"), upload_to="certificates/%Y/", blank=True
    )
    certificate_sha256 = models.CharField(
        _("证明文件（草稿）SHA-256"), max_length=64, blank=True
    )
    certificate_content = models.JSONField(_("证明内容"), default=dict, blank=True)
    # SHA-256 of certificate_content as verified (documents.content_sha256): issuance
    # checks the content against it instead of rendering the draft again (issue 15).
    content_sha256 = models.CharField(_("证明内容 SHA-256"), max_length=64, blank=True)
    issued_pdf = models.FileField(
        _("出具的证明文件"), upload_to="certificates/%Y/", blank=True
    )
    issued_sha256 = models.CharField(
        _("出具的证明文件 SHA-256"), max_length=64, blank=True
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
    refusal_basis_code = models.CharField(
        _("依据类别"), max_length=16, choices=RefusalBasis.choices, blank=True
    )
    refusal_basis = models.TextField(_("依据"), blank=True)
    refusal_notice_no = models.CharField(_("告知书编号"), max_length=40, blank=True)
    refusal_notice = models.FileField(
        _("不予出具告知书"), upload_to="certificates/refusals/%Y/", blank=True
    )
    # Withdrawal and transfer to the Party organisation (REQ-043).
    closed_by = _user_fk(_("办结人"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # The system's words on how it closed (Closing, read in the reader's language,
    # issue 16) and the person's, or the commitment's number.
    closing_code = models.CharField(
        _("办结方式"), max_length=12, choices=Closing.choices, blank=True
    )
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
            # The supervision scan reads a county's requests month by month.
            models.Index(fields=["issued_at"], name="certreq_issued_at"),
            models.Index(fields=["received_at"], name="certreq_received_at"),
            # REQ-103: the dashboard counts a division's cases over a period; the
            # subtree is a code range, so committee first, then the period. The
            # columns the counts read ride along (PostgreSQL INCLUDE; SQLite leaves
            # them out), so the counts never visit the wide rows (stats.analysis).
            models.Index(
                fields=["committee", "received_at"],
                include=[
                    "status",
                    "intake_class",
                    "on_the_spot",
                    "complexity",
                    "due_on",
                    "issued_at",
                    "refused_at",
                    "closed_at",
                    "item",
                ],
                name="certreq_cmte_received_cover",
            ),
            # The requests outside the catalogue, counted by the resident's words.
            models.Index(
                fields=["committee", "received_at"],
                condition=Q(item__isnull=True),
                name="certreq_unlisted",
            ),
            # REQ-049: the refusals of negative-list items with the route given.
            models.Index(
                fields=["committee", "received_at"],
                include=["item", "item_text", "refusal_route", "refusal_department"],
                condition=Q(status="refused", intake_class="negative"),
                name="certreq_negative_refused",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["serial"], condition=~Q(serial=""), name="certreq_serial_unique"
            ),
            # REQ-049: no refusal without its route and department.
            # REQ-113: only an online application has no clerk who received it.
            models.CheckConstraint(
                condition=Q(received_by__isnull=False) | Q(channel="online"),
                name="certreq_window_has_receiver",
            ),
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
    def refusal_basis_text(self) -> str:
        """The clerk's basis, or the system's in the reader's language (issue 16)."""
        return self.stated_basis(self.refusal_basis_code) or self.refusal_basis

    def stated_basis(self, code: str) -> str:
        """The words of a basis the system states (RefusalBasis), "" for none."""
        if code == RefusalBasis.NEGATIVE_LIST:
            return gettext("列入《%(list)s》的“%(item)s”") % {
                "list": self.list_title or gettext("负面清单"),
                "item": self.item_name,
            }
        if code == RefusalBasis.NO_LEGAL_BASIS:
            return gettext("该证明无法律法规依据，未列入国务院保留证明事项清单")
        return ""

    @property
    def closing_text(self) -> str:
        return worded(self.get_closing_code_display(), self.closing_note)

    @property
    def division_code(self) -> str:
        return self.committee_id

    @property
    def item_name(self) -> str:
        return self.item.name if self.item is not None else self.item_text

    @property
    def is_open(self) -> bool:
        return self.status in (Status.RECEIVED, Status.VERIFIED, Status.APPROVED)


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
    # Empty for the resident's own upload with an online application (issue 16).
    uploaded_by = _user_fk(_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"))
    # REQ-038: retained as the record of a negative-list exception (据实出具).
    retained_for_exception = models.BooleanField(_("据实出具留存资料"), default=False)

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
