"""Credit (REQ-084–086): a "false" post-verification result makes a `CreditRecord`
(linked to the request, where the ID number is kept once) with its disclosure and
penalty, and a `CreditSubmission` queued for the `CreditPlatform` configured for the
committee's jurisdiction.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet

from ..choices import SubmissionStatus
from .commitments import Commitment, VerificationTask
from .requests import CertificateRequest, _user_fk


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
