from django.conf import settings
from django.db import models


def user_fk(label, null=True):
    """The "who did it" column; empty where the system or the public did it."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name="+",
        null=null,
        blank=null,
    )


def division_fk(label, null=False, related_name="+"):
    return models.ForeignKey(
        "divisions.Division",
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name=related_name,
        null=null,
        blank=null,
    )
