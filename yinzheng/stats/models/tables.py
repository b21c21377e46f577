"""The statistics table 《应由基层群众性自治组织出具证明事项统计表》 (REQ-100–102).

The county bureau opens a table with its deadline (2020-12-30 in the Sunan document);
each reporting unit — a township, or one of the county's departments — fills in its
return row by row and submits it. A return belongs to exactly one unit, and a unit has
one return per table.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.choices import Department
from yinzheng.accounts.policy import ScopedQuerySet
from yinzheng.core.fields import user_fk as _user_fk

from ..choices import ReturnStatus

TITLE = "应由基层群众性自治组织出具证明事项统计表"


class StatsTable(models.Model):
    county = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("县（市、区）"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("表名"), max_length=100, default=TITLE)
    deadline = models.DateField(_("报送截止日期"))
    # The departments that report besides the townships (REQ-100: 乡镇和各部门).
    departments = models.JSONField(_("填报部门"), default=list)
    note = models.TextField(_("填报说明"), blank=True)
    created_by = _user_fk(_("发布人"))
    created_at = models.DateTimeField(_("发布时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "county_id"
    view_action = "stats.view"

    class Meta:
        verbose_name = _("证明事项统计表")
        verbose_name_plural = _("证明事项统计表")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.county} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("stats:table", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.county_id


class TableReturn(models.Model):
    """One unit's return: a township's (its division) or a department's (the county
    and the department)."""

    table = models.ForeignKey(
        StatsTable,
        verbose_name=_("统计表"),
        on_delete=models.PROTECT,
        related_name="returns",
    )
    # The township, or the county for a department's return: the scope key.
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("填报单位所在区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.CharField(
        _("填报部门"), max_length=30, choices=Department.choices, blank=True
    )
    unit_name = models.CharField(_("填报单位"), max_length=200)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ReturnStatus.choices,
        default=ReturnStatus.DRAFT,
    )
    started_by = _user_fk(_("填报人"))
    started_at = models.DateTimeField(_("开始填报时间"))
    submitted_by = _user_fk(_("报送人"))
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "division_id"
    view_action = "stats.view"

    class Meta:
        verbose_name = _("统计表填报")
        verbose_name_plural = _("统计表填报")
        ordering = ["table_id", "division_id", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "division", "department"],
                name="statsreturn_one_per_unit",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="statsreturn_submitted_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} · {self.table}"

    def get_absolute_url(self) -> str:
        return reverse("stats:return", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.division_id


class TableRow(models.Model):
    """One row of the table, in the official columns (REQ-101)."""

    table_return = models.ForeignKey(
        TableReturn,
        verbose_name=_("填报"),
        on_delete=models.CASCADE,
        related_name="rows",
    )
    position = models.PositiveIntegerField(_("序号"))
    item_name = models.CharField(_("证明事项名称"), max_length=200)
    basis = models.TextField(_("法律法规、政策依据"), max_length=2000)
    implementing_unit = models.CharField(_("实施单位"), max_length=200)
    competent_department = models.CharField(_("主管部门"), max_length=200)
    note = models.CharField(_("备注"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("统计表行")
        verbose_name_plural = _("统计表行")
        ordering = ["table_return_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.item_name}"

    @property
    def division_code(self) -> str:
        return self.table_return.division_id
