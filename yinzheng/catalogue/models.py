"""Certificate items and the layered, versioned lists that name them (REQ-002–020).

A list belongs to a division (country, province, prefecture, county) and has a kind
(positive, negative, and the two duty lists of REQ-017). Its content lives in versions:
draft → approved (approval body, date, reference; REQ-014) → published, with validity
dates that never overlap; a published version never changes (REQ-012). A committee's
effective catalogue on a date is the merge of the published versions in force along its
jurisdiction chain (REQ-009).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role
from yinzheng.accounts.policy import ScopedQuerySet

from .choices import (
    ApplicationKind,
    ApplicationStatus,
    BasisType,
    Channel,
    CleanupDisposition,
    Complexity,
    ExitGround,
    GuideStatus,
    LawAmendmentStatus,
    ListKind,
    Opinion,
    VersionStatus,
)


def all_channels() -> list[str]:
    return list(Channel.values)


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
    channels = models.JSONField(
        _("公布渠道"),
        default=all_channels,
        help_text=_("本清单须同步公布的渠道（REQ-078）；默认全部七个"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "owner_id"
    view_action = "catalogue.manage"

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


class Publication(models.Model):
    """A list version put out on one channel, with its date (REQ-078, REQ-081)."""

    version = models.ForeignKey(
        ListVersion,
        verbose_name=_("清单版本"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    channel = models.CharField(_("公布渠道"), max_length=20, choices=Channel.choices)
    published_on = models.DateField(_("公布日期"))
    location = models.CharField(
        _("网址或位置"),
        max_length=300,
        blank=True,
        help_text=_("网页地址、公众号文章标题或张贴地点"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公布记录")
        verbose_name_plural = _("公布记录")
        ordering = ["version_id", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "channel"], name="publication_version_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} @ {self.get_channel_display()}"

    @property
    def division_code(self) -> str:
        return self.version.catalogue_list.owner_id


class CleanupReview(models.Model):
    """A clean-up pass (清理) over one list: every item gets a disposition, and the items
    to be cancelled leave in a new draft version (REQ-011)."""

    catalogue_list = models.ForeignKey(
        CatalogueList,
        verbose_name=_("清单"),
        on_delete=models.PROTECT,
        related_name="cleanups",
    )
    base_version = models.ForeignKey(
        ListVersion,
        verbose_name=_("清理的版本"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    conclusion = models.TextField(_("清理结论"), blank=True)
    resulting_version = models.ForeignKey(
        ListVersion,
        verbose_name=_("形成的清单版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("清理")
        verbose_name_plural = _("清理")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue_list"],
                condition=Q(completed_at__isnull=True),
                name="cleanup_one_open_per_list",
            )
        ]

    def __str__(self) -> str:
        return str(_("%s 清理") % self.catalogue_list)

    @property
    def division_code(self) -> str:
        return self.catalogue_list.owner_id


class CleanupDecision(models.Model):
    review = models.ForeignKey(
        CleanupReview,
        verbose_name=_("清理"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    item = models.ForeignKey(
        Item, verbose_name=_("证明事项"), on_delete=models.PROTECT, related_name="+"
    )
    disposition = models.CharField(
        _("处理意见"), max_length=24, choices=CleanupDisposition.choices
    )
    reason = models.TextField(_("理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), auto_now=True)

    class Meta:
        verbose_name = _("清理处理意见")
        verbose_name_plural = _("清理处理意见")
        ordering = ["review_id", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "item"], name="cleanup_decision_review_item"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_disposition_display()}"

    @property
    def division_code(self) -> str:
        return self.review.catalogue_list.owner_id


class ApplicationQuerySet(ScopedQuerySet):
    def visible_to(
        self, user: Any, action_code: str | None = None
    ) -> "ApplicationQuerySet":
        """Applications on lists the user manages, those of the departments the user
        speaks for and those it is asked to review, on lists owned within its subtree
        (a list above it is not its to apply to, give an opinion on, nor read), and
        those awaiting an opinion from the user's townships (REQ-023). With another
        action, only the lists where the user may take it."""
        if action_code is not None:
            return super().visible_to(user, action_code)
        q = policy.scope(user, "catalogue.manage").q("catalogue_list__owner_id")
        for role, code, dept in policy.grants_of(user):
            if role == Role.DEPARTMENT and dept:
                q |= (Q(department=dept) | Q(opinions__department=dept)) & (
                    policy.Scope((code,)).q("catalogue_list__owner_id")
                )
            if role == Role.TOWNSHIP:
                q |= Q(opinions__township_id=code)
        # Filtered by id, so that counting or annotating the result does not count the
        # joins of this rule.
        return self.filter(pk__in=self.model.objects.filter(q).values("pk"))


class Application(models.Model):
    """An admission, exit or filing application (准入、退出申请（报备）表, REQ-021–030).

    A department asks the list owner's civil affairs bureau to admit an item onto a
    positive list, to take one off, or files a matter. Civil affairs opens a joint review,
    opinions are recorded, and a meeting decides; an approved admission or exit becomes
    the list's next version, and the decision is published (REQ-024).
    """

    TRANSITIONS = {
        ApplicationStatus.SUBMITTED: {
            ApplicationStatus.IN_REVIEW,
            ApplicationStatus.FILED,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.IN_REVIEW: {
            ApplicationStatus.APPROVED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.WITHDRAWN,
        },
        ApplicationStatus.APPROVED: {ApplicationStatus.PUBLISHED},
    }

    catalogue_list = models.ForeignKey(
        CatalogueList,
        verbose_name=_("清单"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    kind = models.CharField(
        _("申请类型"), max_length=12, choices=ApplicationKind.choices
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    department = models.CharField(_("申请部门"), max_length=40)
    applicant_unit = models.CharField(_("申请单位"), max_length=200)
    contact = models.CharField(_("联系人"), max_length=100, blank=True)
    item = models.ForeignKey(
        Item,
        verbose_name=_("证明事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    # The proposed item of an admission (it becomes an Item when approved).
    item_key = models.SlugField(_("事项标识"), max_length=80, blank=True)
    item_name = models.CharField(_("证明名称"), max_length=100, blank=True)
    item_aliases = models.JSONField(_("别名"), default=list, blank=True)
    bases = models.JSONField(
        _("设定依据"),
        default=list,
        blank=True,
        help_text=_('[{"type": 依据类型, "citation": 名称及条款}]'),
    )
    within_committee_duties = models.BooleanField(
        _("属于村（居）委会职责范围"), default=False
    )
    complexity = models.CharField(
        _("办理复杂程度"),
        max_length=10,
        choices=Complexity.choices,
        default=Complexity.SIMPLE,
    )
    reason = models.TextField(_("申请理由"))
    # Department-supplied guide content (REQ-028, DIV-14).
    work_requirements = models.TextField(_("工作要求"), blank=True)
    procedure = models.TextField(_("办理程序"), blank=True)
    materials = models.TextField(_("所需要件"), blank=True)
    time_limit_days = models.PositiveSmallIntegerField(
        _("出具时限（工作日）"), null=True, blank=True
    )
    sample_form = models.TextField(_("样表"), blank=True)
    # REQ-029: a new local rule needs a research and justification attachment.
    cites_new_local_rule = models.BooleanField(
        _("依据为新制定的地方性法规或规范性文件"), default=False
    )
    justification = models.FileField(
        _("研究论证材料"), upload_to="applications/%Y/", blank=True
    )
    justification_sha256 = models.CharField(
        _("研究论证材料 SHA-256"), max_length=64, blank=True
    )
    # REQ-030: rights or means given to the committee to match the responsibility.
    rights_matching = models.TextField(_("权责匹配措施"), blank=True)
    # Exit (REQ-025, REQ-027).
    exit_ground = models.CharField(
        _("退出理由类型"), max_length=20, choices=ExitGround.choices, blank=True
    )
    law_amendment = models.TextField(_("提请修改法律法规的建议"), blank=True)
    law_amendment_status = models.CharField(
        _("修法进展"),
        max_length=12,
        choices=LawAmendmentStatus.choices,
        default=LawAmendmentStatus.NONE,
        blank=True,
    )
    # The meeting decision (REQ-023, REQ-024).
    meeting_date = models.DateField(_("会议日期"), null=True, blank=True)
    meeting_reference = models.CharField(
        _("会议纪要或文号"), max_length=200, blank=True
    )
    decision_reasons = models.TextField(_("决定理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    resulting_version = models.ForeignKey(
        ListVersion,
        verbose_name=_("形成的清单版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    objects = ApplicationQuerySet.as_manager()
    scope_field = "catalogue_list__owner_id"
    view_action = "catalogue.manage"

    class Meta:
        verbose_name = _("准入、退出申请（报备）")
        verbose_name_plural = _("准入、退出申请（报备）")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="exit") | Q(item__isnull=False),
                name="application_exit_names_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject_name}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:manage_application", args=[self.pk])

    @property
    def division_code(self) -> str:
        return self.catalogue_list.owner_id

    @property
    def subject_name(self) -> str:
        return self.item.name if self.item_id else self.item_name

    @property
    def is_decided(self) -> bool:
        return self.status in {
            ApplicationStatus.APPROVED,
            ApplicationStatus.REJECTED,
            ApplicationStatus.PUBLISHED,
        }


class ReviewOpinion(models.Model):
    """One reviewer's opinion in the joint review: a department or a township (REQ-023).

    Requested when the review opens (opinion empty), recorded once."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("申请"),
        on_delete=models.CASCADE,
        related_name="opinions",
    )
    department = models.CharField(_("部门"), max_length=40, blank=True)
    township = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("乡镇（街道）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opinion = models.CharField(
        _("意见"), max_length=20, choices=Opinion.choices, blank=True
    )
    comments = models.TextField(_("具体意见"), blank=True)
    requested_at = models.DateTimeField(_("征求时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("联审意见")
        verbose_name_plural = _("联审意见")
        ordering = ["application_id", "township_id", "department"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(department="") & Q(township__isnull=False))
                | (~Q(department="") & Q(township__isnull=True)),
                name="opinion_department_xor_township",
            ),
            models.UniqueConstraint(
                fields=["application", "department"],
                condition=~Q(department=""),
                name="opinion_once_per_department",
            ),
            models.UniqueConstraint(
                fields=["application", "township"],
                condition=Q(township__isnull=False),
                name="opinion_once_per_township",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_name}: {self.get_opinion_display()}"

    @property
    def reviewer_name(self) -> str:
        if self.township_id:
            return self.township.name
        from yinzheng.accounts.choices import Department

        return str(dict(Department.choices).get(self.department, self.department))

    @property
    def division_code(self) -> str:
        return self.township_id or self.application.catalogue_list.owner_id
