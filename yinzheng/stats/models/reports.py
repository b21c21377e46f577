"""Reporting upward (REQ-105, REQ-108–110): where each county's reports go, the reports
themselves (progress, problems, good practice, local documents, the township summary
with its five sections and the county's consolidated report), each township's one
liaison, and the bureau's periodic assessments of the townships."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet
from yinzheng.core.fields import user_fk

from ..choices import SECTIONED_KINDS, Rating, ReportKind, ReportStatus

# REQ-105: 工作落实、取得成效、存在问题、下步打算、意见建议, in this order.
SECTIONS = ("implementation", "results", "problems", "next_steps", "suggestions")


class ReportingLine(models.Model):
    """Where a county's reports go (REQ-108): its own bureau receives the townships'
    reports under the name it uses (Potou: 区民政局基层政权和社区建设股); the county's
    go to the superior body (the city bureau, or the provincial department)."""

    county = models.OneToOneField(
        "divisions.Division",
        verbose_name=_("县（市、区）"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    bureau_name = models.CharField(_("本级接收机构"), max_length=100)
    superior = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("上级区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    superior_name = models.CharField(_("上级接收机构"), max_length=100)
    updated_by = user_fk(_("设置人"))
    updated_at = models.DateTimeField(_("设置时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "county_id"
    view_action = "stats.view"

    class Meta:
        verbose_name = _("报送关系")
        verbose_name_plural = _("报送关系")
        ordering = ["county_id"]

    def __str__(self) -> str:
        return f"{self.bureau_name} → {self.superior_name}"

    @property
    def division_code(self) -> str:
        return self.county_id


class UpwardReport(models.Model):
    kind = models.CharField(_("报告类型"), max_length=20, choices=ReportKind.choices)
    sender = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("报送单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Always above the sender: a township's county, a county's superior body.
    recipient = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("接收单位区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_name = models.CharField(_("接收机构"), max_length=100)
    campaign = models.ForeignKey(
        "stats.Campaign",
        verbose_name=_("所属专项工作"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), max_length=20000, blank=True)
    implementation = models.TextField(_("工作落实"), max_length=20000, blank=True)
    results = models.TextField(_("取得成效"), max_length=20000, blank=True)
    problems = models.TextField(_("存在问题"), max_length=20000, blank=True)
    next_steps = models.TextField(_("下步打算"), max_length=20000, blank=True)
    suggestions = models.TextField(_("意见建议"), max_length=20000, blank=True)
    attachment = models.FileField(
        _("附件"), upload_to="stats/reports/%Y/%m/", blank=True
    )
    attachment_name = models.CharField(_("附件名称"), max_length=200, blank=True)
    attachment_sha256 = models.CharField(_("附件 SHA-256"), max_length=64, blank=True)
    # REQ-105: the township summaries a consolidated report was compiled from.
    sources = models.ManyToManyField(
        "self",
        verbose_name=_("汇总的报告"),
        symmetrical=False,
        blank=True,
        related_name="compiled_into",
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.DRAFT,
    )
    created_by = user_fk(_("起草人"))
    created_at = models.DateTimeField(_("起草时间"))
    submitted_by = user_fk(_("报送人"))
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    received_by = user_fk(_("签收人"))
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    # The recipient is always above the sender, so whoever sees the recipient's work
    # sees the report by its sender.
    scope_field = "sender_id"
    view_action = "stats.view"

    class Meta:
        verbose_name = _("报送报告")
        verbose_name_plural = _("报送报告")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "status"], name="report_recipient_st"),
        ]
        constraints = [
            # REQ-105: no summary leaves the drafts with one of its five sections empty.
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT)
                | ~Q(kind__in=sorted(SECTIONED_KINDS))
                | (
                    ~Q(implementation="")
                    & ~Q(results="")
                    & ~Q(problems="")
                    & ~Q(next_steps="")
                    & ~Q(suggestions="")
                ),
                name="report_summary_has_five_sections",
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("stats:report", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.sender_id


class Liaison(models.Model):
    """REQ-109: the township's one liaison for this work; the profile cannot be saved
    without one."""

    township = models.OneToOneField(
        "divisions.Division",
        verbose_name=_("乡镇（街道）"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("联络人"), max_length=50)
    position = models.CharField(_("职务"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=30)
    updated_by = user_fk(_("登记人"))
    updated_at = models.DateTimeField(_("登记时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "township_id"
    view_action = "stats.view"

    class Meta:
        verbose_name = _("联络人")
        verbose_name_plural = _("联络人")
        ordering = ["township_id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(phone=""),
                name="liaison_named_with_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def division_code(self) -> str:
        return self.township_id


class Assessment(models.Model):
    """REQ-110: the bureau's periodic assessment of one township's progress."""

    township = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("乡镇（街道）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    campaign = models.ForeignKey(
        "stats.Campaign",
        verbose_name=_("所属专项工作"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    assessed_on = models.DateField(_("评估日期"))
    rating = models.CharField(_("评估等次"), max_length=10, choices=Rating.choices)
    notes = models.TextField(_("评估意见"), max_length=5000)
    recorded_by = user_fk(_("评估人"))
    recorded_at = models.DateTimeField(_("登记时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "township_id"
    view_action = "stats.view"

    class Meta:
        verbose_name = _("进展评估")
        verbose_name_plural = _("进展评估")
        ordering = ["township_id", "-assessed_on", "-id"]
        indexes = [
            models.Index(fields=["township", "assessed_on"], name="assess_twp_on"),
        ]

    def __str__(self) -> str:
        return f"{self.township_id} · {self.assessed_on}"

    @property
    def division_code(self) -> str:
        return self.township_id
