"""Supervision's reads: every list goes through the policy's `visible_to`, so a
township sees its committees, a county its county, the city and the province all their
counties (REQ-098), and nobody else anything."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from yinzheng.accounts import policy
from yinzheng.core.codes import Level, subtree_q
from yinzheng.divisions.models import Division
from yinzheng.ledger.models import Entry
from yinzheng.registers.services.books import chain_key, unconfirmed
from yinzheng.seals.choices import HandoverStatus
from yinzheng.seals.models import Handover

from .choices import OPEN_CASE_STATUSES, OPEN_ITEM_STATUSES, AlertStatus, ItemStatus
from .models import (
    Alert,
    Case,
    Inspection,
    RectificationItem,
    TownshipCheck,
)
from .tracking import normalise


def cases(viewer: Any, filters: dict[str, str] | None = None) -> QuerySet[Case]:
    """REQ-088: filterable by channel and reporter type (and status, county)."""
    rows = Case.objects.visible_to(viewer).select_related("county", "committee")
    for name in ("status", "channel", "reporter_type", "unit_kind"):
        value = (filters or {}).get(name)
        if value:
            rows = rows.filter(**{name: value})
    county = (filters or {}).get("county")
    if county:
        rows = rows.filter(county_id=county)
    return rows


def cases_open(viewer: Any) -> QuerySet[Case]:
    return cases(viewer).filter(status__in=OPEN_CASE_STATUSES)


def cases_overdue(viewer: Any, today: dt.date) -> QuerySet[Case]:
    """Open cases whose current step is past its deadline."""
    return cases_open(viewer).filter(step_due_on__lt=today).order_by("step_due_on")


def case_by_tracking(text: str) -> Case | None:
    """The public status page's look-up (no login): by the number only."""
    number = normalise(text)
    if number is None:
        return None
    return Case.objects.select_related("county").filter(tracking_no=number).first()


def sees_contact(viewer: Any, case: Case) -> bool:
    """The reporter's contact is for the staff handling the case; everyone else
    (higher levels, the township) sees it masked."""
    return policy.can(viewer, "supervision.case", case)


def items(
    viewer: Any, filters: dict[str, str] | None = None
) -> QuerySet[RectificationItem]:
    rows = RectificationItem.objects.visible_to(viewer).select_related(
        "division", "finding__committee", "finding__inspection"
    )
    status = (filters or {}).get("status")
    if status:
        rows = rows.filter(status=status)
    county = (filters or {}).get("county")
    if county:
        rows = rows.filter(county_id=county)
    return rows


def items_listed(
    viewer: Any,
    today: dt.date,
    *,
    status: str = "",
    overdue: bool = False,
    follow_up: bool = False,
) -> QuerySet[RectificationItem]:
    """The list as the page filters it (REQ-096, REQ-097): what the page shows, its
    spreadsheet and the export task give."""
    rows = items(viewer, {"status": status})
    if overdue:
        rows = rows.filter(pk__in=items_overdue(viewer, today).values("pk"))
    if follow_up:
        rows = rows.filter(pk__in=follow_ups_due(viewer, today).values("pk"))
    return rows


def items_of_area(viewer: Any, code: str) -> QuerySet[RectificationItem]:
    """An area's items in deadline order, as `supervision export-items` prints them."""
    return (
        items(viewer)
        .filter(subtree_q(code, "division_id"))
        .select_related("county")
        .order_by("deadline", "id")
    )


def items_overdue(viewer: Any, today: dt.date) -> QuerySet[RectificationItem]:
    """REQ-096: open items past their deadline."""
    return items(viewer).filter(status__in=OPEN_ITEM_STATUSES, deadline__lt=today)


def follow_ups_due(viewer: Any, today: dt.date) -> QuerySet[RectificationItem]:
    """REQ-097: closed items whose follow-up review date has come."""
    return RectificationItem.objects.visible_to(viewer, "supervision.inspect").filter(
        status=ItemStatus.CLOSED, follow_up_on__lte=today
    )


def inspections(viewer: Any, mode: str = "") -> QuerySet[Inspection]:
    """REQ-094: filterable by mode."""
    rows = Inspection.objects.visible_to(viewer).select_related("county", "draw")
    return rows.filter(mode=mode) if mode else rows


def checks_to_acknowledge(viewer: Any) -> QuerySet[TownshipCheck]:
    return TownshipCheck.objects.visible_to(viewer, "supervision.acknowledge").filter(
        acknowledged_at__isnull=True
    )


def alerts(
    viewer: Any, status: str = AlertStatus.OPEN, kind: str = ""
) -> QuerySet[Alert]:
    rows = Alert.objects.visible_to(viewer).select_related("committee")
    if status:
        rows = rows.filter(status=status)
    return rows.filter(kind=kind) if kind else rows


def register_entries(
    committee_code: str, register: str, year: int, seqs: list[int]
) -> dict[int, int]:
    """The entries of a committee's register year by their numbers: {seq: entry id}."""
    rows = Entry.objects.filter(
        chain__key=chain_key(register, committee_code, year), seq__in=seqs
    ).values_list("seq", "pk")
    return dict(rows)


@dataclass(frozen=True)
class CommitteeRow:
    committee: Division
    last_check: dt.date | None
    unconfirmed: int
    handovers_overdue: int
    open_items: int
    overdue_items: int
    open_alerts: int


def township_dashboard(
    viewer: Any, township: Division, today: dt.date
) -> list[CommitteeRow]:
    """REQ-093: each committee of the township with its last check and what waits."""
    if not policy.can(viewer, "supervision.view", township):
        return []
    committees = list(
        Division.objects.filter(
            subtree_q(township.code), level=Level.COMMITTEE
        ).order_by("code")
    )
    area = subtree_q(township.code, "committee_id")
    last = dict(
        TownshipCheck.objects.filter(area)
        .values("committee_id")
        .annotate(last=Max("checked_on"))
        .values_list("committee_id", "last")
    )
    waiting = dict(
        unconfirmed(subtree_q(township.code, "chain__division_id"))
        .values("chain__division_id")
        .annotate(n=Count("pk"))
        .values_list("chain__division_id", "n")
    )
    handovers = dict(
        Handover.objects.filter(area, status=HandoverStatus.OPEN, due_on__lt=today)
        .values("committee_id")
        .annotate(n=Count("pk"))
        .values_list("committee_id", "n")
    )
    open_items: dict[str, dict[str, Any]] = {
        row["division_id"]: dict(row)
        for row in RectificationItem.objects.filter(
            subtree_q(township.code, "division_id"), status__in=OPEN_ITEM_STATUSES
        )
        .values("division_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(deadline__lt=today)))
    }
    open_alerts = dict(
        Alert.objects.filter(area, status=AlertStatus.OPEN)
        .values("committee_id")
        .annotate(n=Count("pk"))
        .values_list("committee_id", "n")
    )
    return [
        CommitteeRow(
            committee=c,
            last_check=last.get(c.code),
            unconfirmed=waiting.get(c.code, 0),
            handovers_overdue=handovers.get(c.code, 0),
            open_items=open_items.get(c.code, {}).get("n", 0),
            overdue_items=open_items.get(c.code, {}).get("late", 0),
            open_alerts=open_alerts.get(c.code, 0),
        )
        for c in committees
    ]
