"""The rules of issuing set per jurisdiction (REQ-039, DIV-02): one row per division, and
a committee follows the nearest one on its chain.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet

from .requests import _user_fk


class JurisdictionSetting(models.Model):
    """Per-division rules for issuing; a committee follows the nearest setting above it
    (county, usually). REQ-039: the negative-list exception can be switched off where
    004-style strictness applies; it is on by default (DIV-02)."""

    division = models.OneToOneField(
        "divisions.Division",
        verbose_name=_("区划"),
        primary_key=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    negative_exception_enabled = models.BooleanField(
        _("允许负面清单事项据实出具的例外"), default=True
    )
    note = models.TextField(_("依据或说明"), blank=True)
    updated_by = _user_fk(_("设置人"))
    updated_at = models.DateTimeField(_("设置时间"))

    objects = ScopedQuerySet.as_manager()
    scope_field = "division_id"
    view_action = "certificate.view"

    class Meta:
        verbose_name = _("辖区出具证明设置")
        verbose_name_plural = _("辖区出具证明设置")
        ordering = ["division_id"]

    def __str__(self) -> str:
        return str(self.division)

    @property
    def division_code(self) -> str:
        return self.division_id
