"""The layered, versioned lists that name the items (REQ-003–020), with what happens to
them: publications on the channels (REQ-078), follow-ups of a national batch (REQ-015)
and clean-ups (REQ-011).

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

from yinzheng.accounts.policy import ScopedQuerySet

from ..choices import Channel, CleanupDisposition, ListKind, VersionStatus
from .items import Item


def all_channels() -> list[str]:
    return list(Channel.values)


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
        help_text=_("本清单须同步公布的渠道；默认全部七个"),  # REQ-078
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
        return reverse("portal:catalogue_list", args=[self.pk])

    @property
    def sends_elsewhere(self) -> bool:
        """A list whose items committees do not issue, each with its route: negative, or
        certified by a department (REQ-006, REQ-123)."""
        return self.kind in (ListKind.NEGATIVE, ListKind.DEPARTMENT)

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
        return reverse(
            "portal:catalogue_version", args=[self.catalogue_list_id, self.number]
        )

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
