"""Campaigns (专项工作, REQ-104–107, DIV-11): a dated plan of phases, each with its
deliverables, who delivers them (the lead body or every unit below it) and, per unit,
whether and when it was done. Each seed document is its own template
(`campaign_templates`); a county starts its own campaign from one, with its dates."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet
from yinzheng.core.fields import user_fk

from ..choices import DeliverableLink, Responsible


class Campaign(models.Model):
    # The lead body's division: a county (Sunan, Potou) or a province (Shaanxi).
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("牵头区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    template = models.CharField(_("所用模板"), max_length=40, blank=True)
    title = models.CharField(_("工作名称"), max_length=200)
    source = models.CharField(_("依据文件"), max_length=300, blank=True)
    # The level of the units tracked under the lead: townships, or counties.
    unit_level = models.PositiveSmallIntegerField(_("跟踪的单位层级"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_by = user_fk(_("创建人"))
    created_at = models.DateTimeField(_("创建时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "division_id"
    view_action = "stats.view"

    class Meta:
        verbose_name = _("专项工作")
        verbose_name_plural = _("专项工作")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stats:campaign", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.division_id


class Phase(models.Model):
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("专项工作"),
        on_delete=models.CASCADE,
        related_name="phases",
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("阶段名称"), max_length=100)
    # Sunan's phases are periods; Potou's steps only have deadlines (no start).
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作阶段")
        verbose_name_plural = _("工作阶段")
        ordering = ["campaign_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"], name="phase_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def division_code(self) -> str:
        return self.campaign.division_id


class Deliverable(models.Model):
    phase = models.ForeignKey(
        Phase,
        verbose_name=_("工作阶段"),
        on_delete=models.CASCADE,
        related_name="deliverables",
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("工作任务及成果"))
    # None: ongoing work without a deadline (Sunan phase 5, 全面组织实施).
    due_on = models.DateField(_("完成时限"), null=True, blank=True)
    responsible = models.CharField(
        _("责任单位"), max_length=10, choices=Responsible.choices
    )
    link = models.CharField(
        _("关联功能"), max_length=20, choices=DeliverableLink.choices, blank=True
    )

    class Meta:
        verbose_name = _("工作任务")
        verbose_name_plural = _("工作任务")
        ordering = ["phase_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "number"], name="deliverable_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Completion(models.Model):
    """One unit has done one deliverable (REQ-104: per-unit completion)."""

    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("工作任务"),
        on_delete=models.CASCADE,
        related_name="completions",
    )
    unit = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_on = models.DateField(_("完成日期"))
    note = models.TextField(_("完成情况"), max_length=2000, blank=True)
    # What it was done with (REQ-106: step 4 the sampling, step 5 the report).
    inspection = models.ForeignKey(
        "supervision.Inspection",
        verbose_name=_("督查抽查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    report = models.ForeignKey(
        "stats.UpwardReport",
        verbose_name=_("报送的报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = user_fk(_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "unit_id"
    view_action = "stats.view"

    class Meta:
        verbose_name = _("完成情况")
        verbose_name_plural = _("完成情况")
        ordering = ["deliverable_id", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "unit"], name="completion_once_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.deliverable}"

    @property
    def division_code(self) -> str:
        return self.unit_id
