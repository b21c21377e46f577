"""The inventory survey (摸排, REQ-099): what committees actually issue, the local rules
that require certificates, and what departments, utilities and agencies demand — each
entry with its responsible department (谁主管、谁负责) and, before the survey may close,
its disposition: kept with its basis, or cancelled."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet

from ..choices import Disposition, SourceType, SurveyStatus
from .tables import _user_fk


class Survey(models.Model):
    county = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("县（市、区）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("摸排名称"), max_length=200)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=SurveyStatus.choices,
        default=SurveyStatus.OPEN,
    )
    opened_by = _user_fk(_("发起人"))
    opened_at = models.DateTimeField(_("发起时间"))
    closed_by = _user_fk(_("结束人"))
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "county_id"
    view_action = "stats.view"

    class Meta:
        verbose_name = _("证明事项摸排")
        verbose_name_plural = _("证明事项摸排")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stats:survey", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.county_id


class SurveyEntry(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("摸排"), on_delete=models.PROTECT, related_name="entries"
    )
    # Where the certificate is issued or demanded (a committee, a township, the county).
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("所涉区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_type = models.CharField(
        _("来源类型"), max_length=12, choices=SourceType.choices
    )
    item_name = models.CharField(_("证明事项名称"), max_length=200)
    basis = models.TextField(
        _("依据（法律法规、政策或地方规定）"), max_length=2000, blank=True
    )
    demanding_unit = models.CharField(
        _("要求开具的部门或单位"), max_length=200, blank=True
    )
    responsible_department = models.CharField(
        _("主管部门（谁主管、谁负责）"), max_length=200
    )
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    entered_by = _user_fk(_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"))
    disposition = models.CharField(
        _("处理意见"), max_length=10, choices=Disposition.choices, blank=True
    )
    disposition_basis = models.TextField(
        _("保留依据或取消理由"), max_length=2000, blank=True
    )
    disposed_by = _user_fk(_("处理人"))
    disposed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "division_id"
    view_action = "stats.view"

    class Meta:
        verbose_name = _("摸排条目")
        verbose_name_plural = _("摸排条目")
        ordering = ["survey_id", "id"]
        constraints = [
            # REQ-099: a disposition is given with its basis or reason.
            models.CheckConstraint(
                condition=Q(disposition="")
                | (~Q(disposition_basis="") & Q(disposed_at__isnull=False)),
                name="surveyentry_disposed_with_basis",
            ),
        ]

    def __str__(self) -> str:
        return self.item_name

    @property
    def division_code(self) -> str:
        return self.division_id
