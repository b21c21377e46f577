"""What waits in statistics: a unit's statistics table to fill in and submit (REQ-100);
for the county bureau, units late with theirs (REQ-102)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.inbox import InboxItem

from . import selectors
from .choices import UnitStatus
from .models import StatsTable


def to_fill(user: Any) -> list[InboxItem]:
    if not policy.scope(user, "stats.fill"):
        return []
    count = len(selectors.returns_to_fill(user))
    return [InboxItem(_("待填报的证明事项统计表"), count, reverse("stats:tables"))]


def late_units(user: Any) -> list[InboxItem]:
    where = policy.scope(user, "stats.table_manage")
    if not where:
        return []
    today = clock.today()
    count = 0
    for table in StatsTable.objects.filter(where.q("county_id"), deadline__lt=today):
        count += sum(
            1
            for u in selectors.unit_statuses(table, today)
            if u.status == UnitStatus.LATE
        )
    return [InboxItem(_("逾期未报送统计表的单位"), count, reverse("stats:tables"))]


PROVIDERS = (to_fill, late_units)
