"""Model columns every domain declares alike."""

from typing import Any

from django.conf import settings
from django.db import models


def user_fk(label: Any, null: bool = True) -> "models.ForeignKey[Any, Any]":
    """The "who did it" column: a user, kept when the user is (PROTECT), no reverse
    accessor; empty (null=True) where the system or the public did it."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.PROTECT,
        related_name="+",
        null=null,
        blank=null,
    )
