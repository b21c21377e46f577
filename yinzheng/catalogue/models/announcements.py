"""What the public pages announce after a later national negative-list batch, and each
committee's acknowledgement of it (REQ-122).

The announcement names the batch's published version; its words are rendered from the
version's items in the reader's language, so nothing is stored twice. A committee in
scope — every committee in service — acknowledges once; the committees that have not
are those without a row, so a national batch does not write 600,000 rows at import.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.policy import ScopedQuerySet

from .lists import ListVersion


class Announcement(models.Model):
    version = models.OneToOneField(
        ListVersion,
        verbose_name=_("公布的批次清单版本"),
        on_delete=models.PROTECT,
        related_name="announcement",
    )
    published_at = models.DateTimeField(_("公告时间"))

    class Meta:
        verbose_name = _("批次公告")
        verbose_name_plural = _("批次公告")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return str(self.version.catalogue_list.title)

    def get_absolute_url(self) -> str:
        return reverse("portal:announcement", args=[self.pk])

    @property
    def batch_no(self) -> int | None:
        return self.version.catalogue_list.batch_no


class Acknowledgement(models.Model):
    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("批次公告"),
        on_delete=models.PROTECT,
        related_name="acknowledgements",
    )
    committee = models.ForeignKey(
        "divisions.Division",
        verbose_name=_("村（居）委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("阅知时间"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("阅知人"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_field = "committee_id"
    view_action = "catalogue.announcement_progress"

    class Meta:
        verbose_name = _("批次公告阅知")
        verbose_name_plural = _("批次公告阅知")
        ordering = ["acknowledged_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "committee"], name="announcement_read_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee_id} · {self.announcement_id}"

    @property
    def division_code(self) -> str:
        return self.committee_id
