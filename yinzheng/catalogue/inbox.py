"""What waits for list owners: periodic reviews that have fallen due (REQ-013)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.inbox import InboxItem

from . import selectors


def reviews_due(user: Any) -> list[InboxItem]:
    if not policy.can(user, "catalogue.manage"):
        return []
    return [
        InboxItem(
            _("到期应清理评估的清单"),
            len(selectors.lists_due_for_review(user, clock.today())),
            reverse("catalogue:manage"),
        )
    ]


def follow_ups_open(user: Any) -> list[InboxItem]:
    if not policy.can(user, "catalogue.manage"):
        return []
    from .models import FollowUpTask

    count = FollowUpTask.objects.filter(
        closed_at__isnull=True,
        catalogue_list__in=selectors.lists_manageable(user),
    ).count()
    return [
        InboxItem(
            _("新批次负面清单引起的清单跟进任务"), count, reverse("catalogue:manage")
        )
    ]
