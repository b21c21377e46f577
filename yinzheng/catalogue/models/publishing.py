"""What is published beside the lists, channel by channel (REQ-078, DIV-06): the
service guides, as each jurisdiction puts them out, and the related rules (相关制度) a
jurisdiction publishes with its lists, such as 社区印章管理使用办法 or 社区工作准入制度.

A list version's own channel records are `lists.Publication`. A guide is one per item but
every jurisdiction whose list in force names the item publishes it on its own channels:
`GuidePublication` is kept per (guide, jurisdiction, channel) and remembers which
publication of the guide it showed (`guide_published_at`), so a guide republished after
a withdrawal is out of sync until it is recorded again. A rule belongs to one
jurisdiction and is recorded once per channel (`RulePublication`).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet

from ..choices import Channel
from .guides import Guide


def _recorded_by() -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


def _location() -> models.CharField:
    return models.CharField(
        _("网址或位置"),
        max_length=300,
        blank=True,
        help_text=_("网页地址、公众号文章标题或张贴地点"),
    )


class GuidePublication(models.Model):
    """A published guide put out by one jurisdiction on one channel (REQ-078)."""

    guide = models.ForeignKey(
        Guide,
        verbose_name=_("办事指南"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("公布机关所在区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Which publication of the guide this record shows: its published_at then.
    guide_published_at = models.DateTimeField(_("所示指南的公布时间"))
    channel = models.CharField(_("公布渠道"), max_length=20, choices=Channel.choices)
    published_on = models.DateField(_("公布日期"))
    location = _location()
    recorded_by = _recorded_by()
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "division_id"
    view_action = "catalogue.manage"

    class Meta:
        verbose_name = _("办事指南公布记录")
        verbose_name_plural = _("办事指南公布记录")
        ordering = ["guide_id", "division_id", "channel", "guide_published_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["guide", "division", "channel", "guide_published_at"],
                name="guide_publication_once_per_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.guide} @ {self.division_id} {self.get_channel_display()}"

    @property
    def division_code(self) -> str:
        return self.division_id


class RelatedRule(models.Model):
    """A rule a jurisdiction publishes with its lists (相关制度, REQ-078)."""

    owner = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("制定机关所在区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("制度名称"), max_length=200)
    reference = models.CharField(_("文号"), max_length=200, blank=True)
    issued_on = models.DateField(_("印发日期"))
    text = models.TextField(_("正文或内容摘要"))
    sample = models.BooleanField(_("示例数据"), default=False)
    created_by = _recorded_by()
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = "owner_id"
    view_action = "catalogue.manage"

    class Meta:
        verbose_name = _("相关制度")
        verbose_name_plural = _("相关制度")
        ordering = ["owner_id", "-issued_on", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalogue:publishing") + f"#rule-{self.pk}"

    @property
    def division_code(self) -> str:
        return self.owner_id


class RulePublication(models.Model):
    """A related rule put out on one channel, with its date (REQ-078)."""

    rule = models.ForeignKey(
        RelatedRule,
        verbose_name=_("相关制度"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    channel = models.CharField(_("公布渠道"), max_length=20, choices=Channel.choices)
    published_on = models.DateField(_("公布日期"))
    location = _location()
    recorded_by = _recorded_by()
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("相关制度公布记录")
        verbose_name_plural = _("相关制度公布记录")
        ordering = ["rule_id", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "channel"], name="rule_publication_rule_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} @ {self.get_channel_display()}"

    @property
    def division_code(self) -> str:
        return self.rule.owner_id
