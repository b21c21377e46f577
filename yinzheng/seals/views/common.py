"""What the seal pages share: the view check, a seal list's state (kept by whom, out of
the office or not), the people a head may appoint as custodian, and the id pattern of a
posted parameter.

The registry, custody and sealing pages (`registry`, `custody`, `usage`) build on these
and never on each other.
"""

import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role

from ..choices import TakeOutStatus
from ..models import Custody, TakeOut

# An id in a parameter: ASCII digits that int() takes ("²".isdigit() is true too).
ID = re.compile(r"[0-9]{1,12}")


def _require_view(user: Any) -> None:
    if not policy.can(user, "seal.view"):
        raise PermissionDenied


def _current_custodies() -> Prefetch:
    return Prefetch(
        "custodies",
        queryset=Custody.objects.filter(until__isnull=True).select_related("custodian"),
        to_attr="current_custodies",
    )


def _with_state(qs):
    out = TakeOut.objects.filter(seal=OuterRef("pk"), status=TakeOutStatus.OUT)
    return qs.annotate(is_out=Exists(out)).prefetch_related(_current_custodies())


def _custodian_candidates(committee_code: str):
    from yinzheng.accounts.models import User

    return (
        User.objects.filter(
            is_active=True,
            grants__division_id=committee_code,
            grants__role=Role.CUSTODIAN,
            grants__revoked_at__isnull=True,
        )
        .distinct()
        .order_by("full_name", "username")
    )
