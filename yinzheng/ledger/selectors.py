"""The chains a user may see: those of divisions in their subtrees; national chains
only for users who see the whole country."""

from typing import Any

from django.db.models import QuerySet

from yinzheng.accounts import policy

from .models import Chain


def chains_visible(user: Any) -> QuerySet[Chain]:
    chains = policy.visible(Chain.objects.all(), user, field="division")
    if not policy.sees_everything(user):
        chains = chains.exclude(division__isnull=True)
    return chains.order_by("key")
