from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoMarker(models.Model):
    """Left by the demo loader in the database it fills: this database is a demo, so
    `yinzheng demo` may run on it again (issue 13). One row at most."""

    created_at = models.DateTimeField(_("建立时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("演示数据库标记")
        verbose_name_plural = _("演示数据库标记")

    def __str__(self) -> str:
        return f"demo since {self.created_at:%Y-%m-%d}"
