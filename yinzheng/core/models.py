"""The project-wide tables: shared rate-limit counters (core.ratelimit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """One rate-limit counter (a scope, a client and a time window) when no Redis is
    configured: incremented by one statement, whichever server process counts."""

    key = models.CharField(_("计数键"), max_length=250, primary_key=True)
    count = models.PositiveIntegerField(_("次数"), default=0)
    expires_at = models.DateTimeField(_("失效时间"), db_index=True)

    class Meta:
        verbose_name = _("频率计数")
        verbose_name_plural = _("频率计数")

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
