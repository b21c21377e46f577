"""The township's periodic checks of its committees' seal use (REQ-093), and the alerts
the nightly register scan raises for the township to look at."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet
from yinzheng.core.fields import user_fk

from ..choices import AlertKind, AlertStatus
from .common import division_fk


class TownshipCheck(models.Model):
    """A check of one committee's seals and registers; the committee sees it in its
    inbox and acknowledges it (REQ-093: 定期检查、定期梳理、及时反馈)."""

    township = division_fk(_("乡镇（街道）"))
    committee = division_fk(_("村（居）委会"))
    checked_on = models.DateField(_("检查日期"))
    findings = models.TextField(_("检查发现"), max_length=4000)
    feedback = models.TextField(_("反馈意见"), max_length=4000)
    checked_by = user_fk(_("检查人"))
    recorded_at = models.DateTimeField(_("记录时间"))
    acknowledged_at = models.DateTimeField(
        _("村（居）委会确认时间"), null=True, blank=True
    )
    acknowledged_by = user_fk(_("确认人"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "supervision.view_rectification"

    class Meta:
        verbose_name = _("乡镇用印检查")
        verbose_name_plural = _("乡镇用印检查")
        ordering = ["-checked_on", "-id"]
        indexes = [models.Index(fields=["committee", "checked_on"])]

    def __str__(self) -> str:
        return f"{self.committee} {self.checked_on}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:check", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.committee_id


class Alert(models.Model):
    """Something the register scan found: the pattern, the committee, the period and
    the entries that show it. `fingerprint` makes the scan idempotent: the same finding
    is raised once, and a dismissed one stays dismissed."""

    kind = models.CharField(_("预警类型"), max_length=24, choices=AlertKind.choices)
    fingerprint = models.CharField(_("指纹"), max_length=200, unique=True)
    committee = division_fk(_("村（居）委会"))
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    summary = models.CharField(_("说明"), max_length=300)
    evidence = models.JSONField(_("依据"), default=list)
    status = models.CharField(
        _("状态"), max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    raised_at = models.DateTimeField(_("预警时间"))
    refreshed_at = models.DateTimeField(_("最近扫描时间"))
    decided_by = user_fk(_("处理人"))
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    dismiss_reason = models.TextField(_("排除理由"), blank=True)
    check_record = models.OneToOneField(
        TownshipCheck,
        verbose_name=_("转为的检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alert",
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "supervision.alert"

    class Meta:
        verbose_name = _("用印预警")
        verbose_name_plural = _("用印预警")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["status", "committee"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="dismissed") | ~models.Q(dismiss_reason=""),
                name="alert_dismissed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.committee}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:alert", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.committee_id
