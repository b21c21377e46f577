"""Service guides (办事指南) of the items committees issue (REQ-075–077)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..choices import GuideStatus
from .items import Item


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
    # Issue 14: how long an issued certificate serves its purpose, if the item has a
    # limit; the certificate's QR token then carries it as its expiry (CWT exp).
    validity_days = models.PositiveSmallIntegerField(
        _("证明有效期（天）"), null=True, blank=True
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
        return reverse("portal:catalogue_item", args=[self.item.key])

    @property
    def is_published(self) -> bool:
        return self.status == GuideStatus.PUBLISHED
