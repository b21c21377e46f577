"""Certificate items and the layered, versioned lists that name them (REQ-002–020).

A list belongs to a division (country, province, prefecture, county) and has a kind
(positive, negative, and the two duty lists of REQ-017). Its content lives in versions:
draft → approved (approval body, date, reference; REQ-014) → published, with validity
dates that never overlap; a published version never changes (REQ-012). A committee's
effective catalogue on a date is the merge of the published versions in force along its
jurisdiction chain (REQ-009).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .choices import BasisType, Complexity, GuideStatus, ListKind, VersionStatus


class Item(models.Model):
    key = models.SlugField(_("标识"), max_length=80, unique=True)
    name = models.CharField(_("证明名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    aliases_en = models.JSONField(_("英文别名"), default=list, blank=True)
    open_alias_list = models.BooleanField(_("别名未列尽（“等”）"), default=False)
    within_committee_duties = models.BooleanField(
        _("属于村（居）委会职责范围"), default=False
    )
    implementing_unit = models.CharField(_("实施单位"), max_length=200, blank=True)
    competent_department = models.CharField(_("主管部门"), max_length=200, blank=True)
    remarks = models.TextField(_("备注"), blank=True)
    # For items committees do not issue (REQ-006): where the resident goes instead.
    route = models.TextField(_("办事途径"), blank=True)
    route_en = models.TextField(_("办事途径（英文）"), blank=True)
    responsible_departments = models.JSONField(_("办理部门"), default=list, blank=True)
    exceptions = models.JSONField(_("除外情形"), default=list, blank=True)
    clause_notes = models.JSONField(_("条款说明"), default=list, blank=True)
    no_prior_certificate = models.BooleanField(
        _("无须村（居）委会提供前置证明"), default=False
    )
    public_interest = models.BooleanField(_("涉及公共利益"), default=False)
    legal_risk = models.BooleanField(_("可能涉及法律风险"), default=False)
    liability_bearing = models.BooleanField(_("承担法律或经济连带责任"), default=False)
    party_related = models.BooleanField(_("涉及党组织、党员"), default=False)
    commitment_allowed = models.BooleanField(_("可告知承诺"), default=False)
    data_sharing = models.BooleanField(_("可通过信息共享核查"), default=False)
    complexity = models.CharField(
        _("办理类型"),
        max_length=10,
        choices=Complexity.choices,
        default=Complexity.SIMPLE,
    )
    time_limit_days = models.PositiveSmallIntegerField(
        _("出具时限（工作日）"), null=True, blank=True
    )
    # Name and aliases in one plain-text column, for matching (JSON stores \u escapes).
    search_text = models.TextField(_("检索文本"), blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证明事项")
        verbose_name_plural = _("证明事项")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(complexity=Complexity.SIMPLE)
                | Q(time_limit_days__isnull=False),
                name="item_complex_has_time_limit",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_text = "\n".join([self.name, *self.aliases])
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalogue:item", args=[self.key])

    @property
    def policy_basis_only(self) -> bool:
        """REQ-020: flagged when every basis is a policy."""
        types = {b.basis_type for b in self.bases.all()}
        return bool(types) and types <= {BasisType.POLICY}


class Basis(models.Model):
    item = models.ForeignKey(
        Item, verbose_name=_("证明事项"), on_delete=models.CASCADE, related_name="bases"
    )
    basis_type = models.CharField(
        _("依据类型"), max_length=20, choices=BasisType.choices
    )
    citation = models.CharField(_("依据名称及条款"), max_length=500)
    sample = models.BooleanField(
        _("示例数据"),
        default=False,
        help_text=_("演示数据中的依据均标为示例，不是真实的法律引用"),
    )

    class Meta:
        verbose_name = _("设定依据")
        verbose_name_plural = _("设定依据")
        ordering = ["item_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_basis_type_display()}：{self.citation}"


class CatalogueList(models.Model):
    owner = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("制定机关所在区划"),
        on_delete=models.PROTECT,
        related_name="catalogue_lists",
    )
    kind = models.CharField(_("清单类型"), max_length=20, choices=ListKind.choices)
    batch_no = models.PositiveSmallIntegerField(_("批次"), null=True, blank=True)
    title = models.CharField(_("清单名称"), max_length=200)
    sample = models.BooleanField(_("示例清单"), default=False)
    review_interval_days = models.PositiveIntegerField(
        _("定期评估间隔（天）"), null=True, blank=True
    )
    last_reviewed_on = models.DateField(_("上次清理评估日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("清单")
        verbose_name_plural = _("清单")
        ordering = ["owner_id", "kind", "batch_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind", "batch_no"], name="list_owner_kind_batch"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalogue:list", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.owner_id


class ListVersion(models.Model):
    TRANSITIONS = {
        VersionStatus.DRAFT: {VersionStatus.APPROVED},
        VersionStatus.APPROVED: {VersionStatus.PUBLISHED, VersionStatus.DRAFT},
        VersionStatus.PUBLISHED: {VersionStatus.SUPERSEDED},
    }

    catalogue_list = models.ForeignKey(
        CatalogueList,
        verbose_name=_("清单"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=VersionStatus.choices,
        default=VersionStatus.DRAFT,
    )
    reason = models.TextField(_("调整原因"), blank=True)
    source_document = models.CharField(_("来源文件"), max_length=300, blank=True)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    approval_body = models.CharField(_("批准机关"), max_length=200, blank=True)
    approval_date = models.DateField(_("批准日期"), null=True, blank=True)
    approval_reference = models.CharField(
        _("批准文号或会议"), max_length=200, blank=True
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("清单版本")
        verbose_name_plural = _("清单版本")
        ordering = ["catalogue_list_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue_list", "number"], name="version_list_number"
            ),
            models.UniqueConstraint(
                fields=["catalogue_list"],
                condition=Q(status="draft") | Q(status="approved"),
                name="version_one_open_draft_per_list",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=False, valid_to__gte=models.F("valid_from")),
                name="version_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.catalogue_list} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:version", args=[self.catalogue_list_id, self.number])

    @property
    def division_code(self) -> str:
        return self.catalogue_list.owner_id


class ListEntry(models.Model):
    version = models.ForeignKey(
        ListVersion,
        verbose_name=_("清单版本"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    item = models.ForeignKey(
        Item,
        verbose_name=_("证明事项"),
        on_delete=models.PROTECT,
        related_name="entries",
    )
    number = models.PositiveIntegerField(_("序号"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("清单条目")
        verbose_name_plural = _("清单条目")
        ordering = ["version_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "item"], name="entry_version_item"
            ),
            models.UniqueConstraint(
                fields=["version", "number"], name="entry_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.item}"


class Guide(models.Model):
    """The service guide (办事指南) of an item a committee issues (REQ-075, REQ-076).

    One per item; its life is draft → published → withdrawn (→ draft when edited again).
    Items committees do not issue need no row: their guide is the item's route and
    responsible departments (REQ-077).
    """

    TRANSITIONS = {
        GuideStatus.DRAFT: {GuideStatus.PUBLISHED},
        GuideStatus.PUBLISHED: {GuideStatus.WITHDRAWN},
        GuideStatus.WITHDRAWN: {GuideStatus.DRAFT, GuideStatus.PUBLISHED},
    }

    item = models.OneToOneField(
        Item, verbose_name=_("证明事项"), on_delete=models.CASCADE, related_name="guide"
    )
    certificate_format = models.TextField(_("证明式样"), blank=True)
    procedure = models.TextField(_("办理程序"), blank=True)
    operating_rules = models.TextField(_("操作规范"), blank=True)
    # Empty for an item done on the spot (Complexity.SIMPLE).
    time_limit_days = models.PositiveSmallIntegerField(
        _("出具时限（工作日）"), null=True, blank=True
    )
    purpose = models.TextField(_("办理用途"), blank=True)
    basis = models.TextField(_("依据"), blank=True)
    materials = models.TextField(_("所需要件"), blank=True)
    sample_form = models.TextField(_("样表"), blank=True)
    sample = models.BooleanField(_("示例数据"), default=False)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=GuideStatus.choices,
        default=GuideStatus.DRAFT,
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后编辑人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("办事指南")
        verbose_name_plural = _("办事指南")
        ordering = ["item_id"]

    def __str__(self) -> str:
        return str(_("%s办事指南") % self.item)

    def get_absolute_url(self) -> str:
        return reverse("catalogue:item", args=[self.item.key])

    @property
    def is_published(self) -> bool:
        return self.status == GuideStatus.PUBLISHED


class FollowUpTask(models.Model):
    """A later national batch names items a local positive list still carries: the list
    owner must follow up (REQ-015) — adjust the list, or record why not."""

    catalogue_list = models.ForeignKey(
        CatalogueList,
        verbose_name=_("须调整的清单"),
        on_delete=models.PROTECT,
        related_name="follow_up_tasks",
    )
    source_version = models.ForeignKey(
        ListVersion,
        verbose_name=_("引起调整的清单版本"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    item_keys = models.JSONField(_("涉及事项"), default=list)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closing_note = models.TextField(_("办结说明"), blank=True)

    class Meta:
        verbose_name = _("清单跟进任务")
        verbose_name_plural = _("清单跟进任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.catalogue_list} ← {self.source_version}"

    @property
    def division_code(self) -> str:
        return self.catalogue_list.owner_id
