"""What each county sets for its supervision: the hotline it publishes (REQ-087, DIV-09:
Sunan's 0936-6121532 is demo data), the working days each case step may take, and the
thresholds of the register scan. One row per county; a county without one uses the
defaults below."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet
from yinzheng.core.fields import user_fk


def _days(label, default):
    return models.PositiveSmallIntegerField(
        label,
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )


class SupervisionSetting(models.Model):
    county = models.OneToOneField(
        "divisions.Division",
        verbose_name=_("县（市、区）"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hotline = models.CharField(_("监督电话"), max_length=40, blank=True)
    hotline_hours = models.CharField(_("接听时间"), max_length=100, blank=True)
    # Working days each case step may take (REQ-089 sets none; DIV-08 leaves it local).
    verify_days = _days(_("核实期限（工作日）"), 5)
    notice_days = _days(_("通报或曝光期限（工作日）"), 10)
    feedback_days = _days(_("反馈主管部门期限（工作日）"), 5)
    response_days = _days(_("整改答复期限（工作日）"), 20)
    correction_days = _days(_("上级纠正期限（工作日）"), 20)
    close_days = _days(_("办结期限（工作日）"), 5)
    # The register scan (yinzheng supervision scan).
    office_opens = models.TimeField(_("办公开始时间"), default=dt.time(8, 0))
    office_closes = models.TimeField(_("办公结束时间"), default=dt.time(18, 30))
    # How many off-hours sealings in a month make an alert (1: every one of them).
    off_hours_min = _days(_("非工作时间用印预警的最少次数（每月）"), 1)
    unconfirmed_days = _days(_("登记未确认预警天数"), 7)
    resident_burst = _days(_("同一居民开具次数预警值"), 5)
    purpose_burst = _days(_("同一用途开具次数预警值"), 30)
    relapse_days = _days(_("被拒后改项出具追溯天数"), 90)
    refusal_ratio = models.DecimalField(
        _("拒绝率高于同县中位数的倍数"),
        max_digits=4,
        decimal_places=1,
        default=3,
        validators=[MinValueValidator(1)],
    )
    refusal_min = _days(_("拒绝率预警的最少拒绝件数"), 5)
    updated_by = user_fk(_("设置人"))
    updated_at = models.DateTimeField(_("设置时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "county_id"
    view_action = "supervision.view"

    class Meta:
        verbose_name = _("监督设置")
        verbose_name_plural = _("监督设置")
        ordering = ["county_id"]

    def __str__(self) -> str:
        return str(self.county)

    @property
    def division_code(self) -> str:
        return self.county_id

    def clean(self) -> None:
        if self.office_opens >= self.office_closes:
            raise ValidationError({"office_closes": _("办公结束时间须晚于开始时间")})

    def step_days(self, status: str) -> int:
        """Working days allowed for the step a case in `status` waits for."""
        return {
            "registered": self.verify_days,
            "verified": self.notice_days,
            "notified": self.feedback_days,
            "feedback_sent": self.response_days,
            "responded": self.correction_days,
            "corrected": self.close_days,
        }[status]
