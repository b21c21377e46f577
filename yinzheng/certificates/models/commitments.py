"""Notification-commitment (告知承诺制, REQ-082, REQ-083): where the item allows it, the
request ends COMMITTED with a `Commitment` (the notification, the resident's
commitment, the PDF and the signature) instead of a certificate. Each commitment has one
`VerificationTask` (事后核查), drawn for priority by a logged random `Sampling`.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet

from ..choices import SignatureMethod, TaskStatus, VerificationResult
from .requests import CertificateRequest, _user_fk


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
    # Empty when the resident signed online (issue 16): no clerk recorded it.
    recorded_by = _user_fk(_("经办人"))
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
    (`journal_entry`), so anyone can draw again: `services.draw()`."""

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
