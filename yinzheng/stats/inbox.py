"""What waits in statistics: a unit's statistics table to fill in and submit (REQ-100);
for the county bureau, units late with theirs (REQ-102); a unit's campaign work due
within two weeks or past its deadline, and for the lead bureau the campaign deliverables
past their deadline with units not done (REQ-104); reports submitted upward waiting
for their recipient to sign for them (REQ-108), and townships without a liaison
(REQ-109)."""

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.codes import Level
from yinzheng.core.inbox import InboxItem
from yinzheng.divisions.models import Division

from . import campaign_selectors, selectors
from .choices import ReportKind, ReportStatus, UnitStatus
from .models import Liaison, StatsTable, UpwardReport
from .report_selectors import may_receive, receiving_q


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


def campaign_due(user: Any) -> list[InboxItem]:
    if not policy.scope(user, "stats.campaign_report"):
        return []
    count = len(campaign_selectors.due_for_units(user, clock.today()))
    return [
        InboxItem(
            _("本单位临近截止或已逾期的专项工作任务"), count, reverse("stats:campaigns")
        )
    ]


def campaign_overdue(user: Any) -> list[InboxItem]:
    if not policy.scope(user, "stats.campaign_manage"):
        return []
    count = len(campaign_selectors.overdue_for_lead(user, clock.today()))
    return [
        InboxItem(
            _("专项工作中逾期仍有单位未完成的任务"), count, reverse("stats:campaigns")
        )
    ]


def reports_to_receive(user: Any) -> list[InboxItem]:
    """REQ-108: reports submitted to a division the user signs for, one line per
    type (progress, problem, good practice, local document, summary, consolidated)."""
    if not may_receive(user):
        return []
    waiting = dict(
        UpwardReport.objects.filter(receiving_q(user), status=ReportStatus.SUBMITTED)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    url = reverse("stats:reports")
    return [
        InboxItem(
            _("待签收的报送报告：%(kind)s") % {"kind": label},
            waiting[kind],
            f"{url}?box=received&status=submitted&kind={kind}",
        )
        for kind, label in ReportKind.choices
        if waiting.get(kind)
    ]


def townships_without_liaison(user: Any) -> list[InboxItem]:
    """REQ-109: for the county bureau, its townships with no liaison; for a township,
    its own."""
    where = policy.scope(user, "stats.liaison_manage")
    if not where:
        return []
    count = (
        Division.objects.filter(where.q("code"), level=Level.TOWNSHIP)
        .exclude(code__in=Liaison.objects.values("township_id"))
        .count()
    )
    return [
        InboxItem(
            _("未指定联络人的乡镇（街道）"),
            count,
            reverse("stats:contacts") + "?gaps=1",
        )
    ]


PROVIDERS = (
    to_fill,
    late_units,
    campaign_due,
    campaign_overdue,
    reports_to_receive,
    townships_without_liaison,
)
