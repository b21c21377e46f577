"""What waits for township and county staff in the accounts domain."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.core.inbox import InboxItem

from . import policy, selectors


def missing_staff(user: Any) -> list[InboxItem]:
    if not (
        user.is_superuser or policy.scope_codes(user, roles=selectors.STAFFING_ROLES)
    ):
        return []
    return [
        InboxItem(
            _("未配齐主任和印章管理人的村（居）委会"),
            selectors.committees_missing_staff(user).count(),
            reverse("accounts:staffing"),
        )
    ]
