"""What waits for township and county staff in the division tree."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.core.inbox import InboxItem

from . import selectors


def missing_staff(user: Any) -> list[InboxItem]:
    if not policy.can(user, "division.staffing"):
        return []
    return [
        InboxItem(
            _("未配齐主任和印章管理人的村（居）委会"),
            selectors.committees_missing_staff(user).count(),
            reverse("divisions:staffing"),
        )
    ]
