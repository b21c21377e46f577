"""Inspections (督查, REQ-092–097): the special-inspection draw, inspection records with
their mode, findings, the circulated criticism a non-compliant seal use brings, and the
rectification list with its rounds and follow-up reviews (回头看)."""

import datetime as dt

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet
from yinzheng.core.fields import user_fk

from ..choices import (
    OPEN_ITEM_STATUSES,
    FindingKind,
    InspectionMode,
    ItemEventKind,
    ItemStatus,
)
from .common import division_fk


class Draw(models.Model):
    """REQ-095: 2 committees per township (all where fewer), drawn with a logged seed
    from a logged list of candidates, so anyone can draw again and get the same."""

    county = division_fk(_("县（市、区）"))
    per_township = models.PositiveSmallIntegerField(_("每个乡镇抽取数"), default=2)
    seed = models.CharField(_("随机种子"), max_length=64)
    candidates_sha256 = models.CharField(_("候选名单 SHA-256"), max_length=64)
    sample = models.JSONField(_("抽取结果"))
    committees = models.ManyToManyField(
        "divisions.Division", verbose_name=_("抽中的村（居）委会"), related_name="+"
    )
    drawn_on = models.DateField(_("抽取日期"))
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = user_fk(_("抽取人"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "county_id"
    view_action = "supervision.view"

    class Meta:
        verbose_name = _("专项督查抽取")
        verbose_name_plural = _("专项督查抽取")
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"{self.county} {self.drawn_on}"

    @property
    def division_code(self) -> str:
        return self.county_id


class Inspection(models.Model):
    county = division_fk(_("县（市、区）"))
    title = models.CharField(_("督查名称"), max_length=200)
    mode = models.CharField(
        _("督查方式"), max_length=20, choices=InspectionMode.choices
    )
    started_on = models.DateField(_("开始日期"))
    inspectors = models.CharField(_("督查人员"), max_length=300)
    committees = models.ManyToManyField(
        "divisions.Division", verbose_name=_("督查对象"), related_name="+", blank=True
    )
    draw = models.ForeignKey(
        Draw,
        verbose_name=_("抽取记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    note = models.TextField(_("说明"), blank=True)
    created_by = user_fk(_("登记人"))
    created_at = models.DateTimeField(_("登记时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "county_id"
    view_action = "supervision.view"

    class Meta:
        verbose_name = _("督查")
        verbose_name_plural = _("督查")
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("supervision:inspection", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.county_id


class Finding(models.Model):
    """A problem an inspector found at a committee. A non-compliant seal use (REQ-092)
    brings a circulated criticism and a rectification item with it; any other finding
    becomes an item when the inspector lists it (REQ-096)."""

    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("督查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
    )
    committee = division_fk(_("村（居）委会"))
    kind = models.CharField(_("问题类型"), max_length=20, choices=FindingKind.choices)
    description = models.TextField(_("发现的问题"), max_length=4000)
    register_entries = models.ManyToManyField(
        "ledger.Entry", verbose_name=_("涉及的登记"), related_name="+", blank=True
    )
    usage_requests = models.ManyToManyField(
        "seals.UsageRequest",
        verbose_name=_("涉及的用印申请"),
        related_name="+",
        blank=True,
    )
    recorded_by = user_fk(_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "supervision.view"

    class Meta:
        verbose_name = _("督查发现问题")
        verbose_name_plural = _("督查发现问题")
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.committee} · {self.get_kind_display()}"

    @property
    def division_code(self) -> str:
        return self.committee_id


class Criticism(models.Model):
    """The circulated criticism (通报批评) a non-compliant seal use brings (REQ-092)."""

    finding = models.OneToOneField(
        Finding,
        verbose_name=_("督查发现"),
        on_delete=models.PROTECT,
        related_name="criticism",
    )
    committee = division_fk(_("被通报的村（居）委会"))
    text = models.TextField(_("通报内容"))
    issued_on = models.DateField(_("通报日期"))
    issued_by = user_fk(_("通报人"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "supervision.view_rectification"

    class Meta:
        verbose_name = _("通报批评")
        verbose_name_plural = _("通报批评")
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.committee} {self.issued_on}"

    @property
    def division_code(self) -> str:
        return self.committee_id


class RectificationItem(models.Model):
    """One line of the rectification list (整改清单, REQ-096): the problem, the unit
    responsible, the deadline. It is closed with evidence of completion, gets a
    follow-up review date (REQ-097), and a relapse found then reopens it as a new
    round; `events` is its history, both rounds in it."""

    T = ItemStatus
    TRANSITIONS = {
        T.OPEN: {T.CLOSED},
        T.REOPENED: {T.CLOSED},
        T.CLOSED: {T.REOPENED},
    }

    finding = models.ForeignKey(
        Finding,
        verbose_name=_("督查发现"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    county = division_fk(_("县（市、区）"))
    # The committee when the unit is one, else the county: the scope key.
    division = division_fk(_("责任区划"))
    responsible_unit = models.CharField(_("责任单位"), max_length=200)
    problem = models.TextField(_("问题"), max_length=4000)
    deadline = models.DateField(_("整改时限"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    round = models.PositiveSmallIntegerField(_("整改轮次"), default=1)
    evidence = models.TextField(_("整改完成情况"), blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    follow_up_on = models.DateField(_("回头看日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("列入时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "division_id"
    view_action = "supervision.view_rectification"

    class Meta:
        verbose_name = _("整改清单条目")
        verbose_name_plural = _("整改清单")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed")
                | models.Q(closed_on__isnull=False) & ~models.Q(evidence=""),
                name="rectification_closed_with_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.responsible_unit}：{self.problem[:40]}"

    def get_absolute_url(self) -> str:
        return reverse("supervision:item", args=[self.pk])

    def overdue_on(self, today: dt.date) -> bool:
        """REQ-096: open past its deadline."""
        return self.status in OPEN_ITEM_STATUSES and self.deadline < today

    @property
    def division_code(self) -> str:
        return self.division_id


class RectificationEvent(models.Model):
    """A rectification item's history, appended to and never changed."""

    item = models.ForeignKey(
        RectificationItem,
        verbose_name=_("整改清单条目"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    round = models.PositiveSmallIntegerField(_("整改轮次"))
    kind = models.CharField(_("事项"), max_length=24, choices=ItemEventKind.choices)
    note = models.TextField(_("说明"), blank=True)
    on = models.DateField(_("日期"), null=True, blank=True)
    at = models.DateTimeField(_("记录时间"))
    by = user_fk(_("记录人"))

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["item_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.round} {self.get_kind_display()}"
