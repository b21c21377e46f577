"""Campaigns' reads (REQ-104–107): the campaigns a user sees, one campaign's progress —
each phase with its window and state, each deliverable with its units done and not
done, the matrix of units × deliverables, the current phase and the deliverables past
their deadline with units still to finish (REQ-104: highlighted) — and what the inbox
tells a unit or a lead bureau.

A campaign's progress is four queries whatever its size: the phases, the deliverables,
the units and the completions; the rest is worked out here.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.core.codes import ancestor_codes, level_of, subtree_q
from yinzheng.divisions.models import Division

from .choices import Responsible
from .models import Campaign, Completion, Deliverable, Phase
from .services.campaigns import OWN_ROLES, leads, responsible_for

VIEW = "stats.view"
DUE_SOON_DAYS = 14  # the inbox's warning ahead of a deadline


def campaigns(viewer: Any) -> QuerySet[Campaign]:
    """The campaigns of the divisions in the viewer's scope and of those above it: a
    township follows its county's campaign, a county the province's (REQ-107)."""
    where = policy.scope(viewer, VIEW)
    return Campaign.objects.filter(where.tree_q("division_id")).select_related(
        "division", "created_by"
    )


def units_of(campaign: Campaign) -> list[Division]:
    """The units tracked under the lead: its townships, or a province's counties."""
    return list(
        Division.objects.filter(
            subtree_q(campaign.division_id), level=campaign.unit_level
        )
        .exclude(code=campaign.division_id)
        .order_by("code")
    )


# The state of one campaign ------------------------------------------------------------

# A phase's state, in the order the page explains them.
DONE, OVERDUE, CURRENT, UPCOMING, OPEN = (
    "done",
    "overdue",
    "current",
    "upcoming",
    "open",
)
PHASE_STATES = {
    DONE: _("已完成"),
    OVERDUE: _("逾期未完成"),
    CURRENT: _("进行中"),
    UPCOMING: _("未开始"),
    OPEN: _("未完成"),
}


@dataclass(frozen=True)
class Cell:
    """One unit × one deliverable."""

    applies: bool  # the unit is responsible for the deliverable
    completion: Completion | None
    overdue: bool  # applies, not done, and the deadline has passed

    @property
    def done(self) -> bool:
        return self.completion is not None


@dataclass(frozen=True)
class DeliverableState:
    deliverable: Deliverable
    phase: Phase
    units: list[Division]  # those responsible (within what the viewer sees)
    done: list[Completion]
    missing: list[Division]
    overdue: bool  # past its deadline with units not done (REQ-104)
    due_soon: bool  # not past, due within DUE_SOON_DAYS, units not done

    @property
    def label(self) -> str:
        return f"{self.phase.number}.{self.deliverable.number}"

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class PhaseState:
    phase: Phase
    opens_on: dt.date  # its start, or the day after the step before it ends
    deliverables: list[DeliverableState]
    state: str
    current: bool

    @property
    def overdue(self) -> bool:
        return any(d.overdue for d in self.deliverables)

    @property
    def state_label(self) -> str:
        return str(PHASE_STATES[self.state])


@dataclass(frozen=True)
class Row:
    """A unit and its cells, in the order of the deliverables."""

    unit: Division
    is_lead: bool
    cells: list[Cell]
    done: int
    expected: int

    @property
    def overdue(self) -> bool:
        return any(c.overdue for c in self.cells)


@dataclass(frozen=True)
class Progress:
    campaign: Campaign
    today: dt.date
    phases: list[PhaseState]
    rows: list[Row]
    current: PhaseState | None
    deliverables: list[DeliverableState] = field(default_factory=list)

    @property
    def overdue(self) -> list[DeliverableState]:
        """REQ-104: past the deadline with units not done."""
        return [d for d in self.deliverables if d.overdue]

    @property
    def completions(self) -> list[tuple[DeliverableState, Completion]]:
        return [(d, c) for d in self.deliverables for c in d.done]


def opening_days(campaign: Campaign, phases: list[Phase]) -> list[dt.date]:
    """When each phase opens: its own start, else the day after the one before it
    ends (Potou's steps only have deadlines), else the campaign's start."""
    opens, previous_end = [], None
    for phase in phases:
        if phase.starts_on is not None:
            day = phase.starts_on
        elif previous_end is not None:
            day = previous_end + dt.timedelta(days=1)
        else:
            day = campaign.starts_on
        opens.append(day)
        previous_end = phase.ends_on or previous_end
    return opens


def current_index(
    windows: list[tuple[dt.date, dt.date | None]], today: dt.date
) -> int | None:
    """The phase under way today: the latest opened whose period has not ended
    (Sunan's phase 5 runs on while phase 6 opens), or None before the first opens
    and after the last ends."""
    found = None
    for index, (opens, ends) in enumerate(windows):
        if opens <= today and (ends is None or today <= ends):
            found = index
    return found


def progress(campaign: Campaign, today: dt.date, viewer: Any = None) -> Progress:
    """The campaign today: phases, deliverables, the matrix; with a viewer, only the
    units inside what they see (a township its own row and the lead's)."""
    phases = list(Phase.objects.filter(campaign=campaign).order_by("number"))
    items: dict[int, list[Deliverable]] = defaultdict(list)
    for d in Deliverable.objects.filter(phase__campaign=campaign).order_by(
        "phase__number", "number"
    ):
        items[d.phase_id].append(d)
    lead = campaign.division
    units = units_of(campaign)
    if viewer is not None:
        where = policy.scope(viewer, VIEW)
        units = [u for u in units if where.covers(u.code)]
    done: dict[tuple[int, str], Completion] = {
        (c.deliverable_id, c.unit_id): c
        for c in Completion.objects.filter(
            deliverable__phase__campaign=campaign
        ).select_related("recorded_by", "unit")
    }
    every = [lead, *units]
    opens = opening_days(campaign, phases)
    now = current_index(
        [(o, p.ends_on) for o, p in zip(opens, phases, strict=True)], today
    )
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)

    phase_states: list[PhaseState] = []
    flat: list[DeliverableState] = []
    for index, phase in enumerate(phases):
        states = []
        for d in items[phase.id]:
            responsible = [u for u in every if responsible_for(campaign, d, u.code)]
            completions = [
                done[(d.pk, u.code)] for u in responsible if (d.pk, u.code) in done
            ]
            missing = [u for u in responsible if (d.pk, u.code) not in done]
            past = d.due_on is not None and d.due_on < today
            states.append(
                DeliverableState(
                    deliverable=d,
                    phase=phase,
                    units=responsible,
                    done=completions,
                    missing=missing,
                    overdue=past and bool(missing),
                    due_soon=(
                        not past
                        and d.due_on is not None
                        and d.due_on <= soon
                        and bool(missing)
                    ),
                )
            )
        flat.extend(states)
        if states and all(s.complete for s in states):
            state = DONE
        elif any(s.overdue for s in states):
            state = OVERDUE
        elif index == now:
            state = CURRENT
        elif opens[index] > today:
            state = UPCOMING
        else:
            state = OPEN
        phase_states.append(
            PhaseState(
                phase=phase,
                opens_on=opens[index],
                deliverables=states,
                state=state,
                current=index == now,
            )
        )

    rows = []
    for unit in every:
        cells = []
        for s in flat:
            applies = unit in s.units
            completion = done.get((s.deliverable.pk, unit.code)) if applies else None
            cells.append(
                Cell(
                    applies=applies,
                    completion=completion,
                    overdue=(
                        applies
                        and completion is None
                        and s.deliverable.due_on is not None
                        and s.deliverable.due_on < today
                    ),
                )
            )
        expected = sum(1 for c in cells if c.applies)
        rows.append(
            Row(
                unit=unit,
                is_lead=unit.code == lead.code,
                cells=cells,
                done=sum(1 for c in cells if c.done),
                expected=expected,
            )
        )
    return Progress(
        campaign=campaign,
        today=today,
        phases=phase_states,
        rows=rows,
        current=phase_states[now] if now is not None else None,
        deliverables=flat,
    )


# The inbox -------------------------------------------------------------------------


def own_units(user: Any) -> list[str]:
    """The units the user speaks for of their own: a township officer's township, a
    bureau's county or province (REQ-104: per-unit completion)."""
    return sorted(
        {
            code
            for role, code, _d in policy.grants_of(user)
            if role in OWN_ROLES.get(level_of(code), frozenset())
        }
    )


def due_for_units(user: Any, today: dt.date) -> list[tuple[Deliverable, str]]:
    """(deliverable, unit) the user's own units still have to do, due within
    DUE_SOON_DAYS or already past their deadline."""
    codes = own_units(user)
    if not codes:
        return []
    above = {a for c in codes for a in ancestor_codes(c)} | set(codes)
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    deliverables = list(
        Deliverable.objects.filter(
            phase__campaign__division_id__in=sorted(above),
            due_on__isnull=False,
            due_on__lte=soon,
        ).select_related("phase__campaign")
    )
    if not deliverables:
        return []
    done = set(
        Completion.objects.filter(
            deliverable__in=deliverables, unit_id__in=codes
        ).values_list("deliverable_id", "unit_id")
    )
    return [
        (d, code)
        for d in deliverables
        for code in codes
        if responsible_for(d.phase.campaign, d, code) and (d.pk, code) not in done
    ]


def overdue_for_lead(user: Any, today: dt.date) -> list[DeliverableState]:
    """The units' deliverables past their deadline with units not done, in the
    campaigns the user leads (the lead's own work is in `due_for_units`)."""
    codes = own_units(user)
    led = [c for c in codes if leads(user, c)]
    if not led:
        return []
    found = []
    past = Q(
        phases__deliverables__due_on__lt=today,
        phases__deliverables__responsible=Responsible.UNITS,
    )
    for campaign in (
        Campaign.objects.filter(past, division_id__in=led)
        .distinct()
        .select_related("division")
    ):
        found += [
            d
            for d in progress(campaign, today).overdue
            if d.deliverable.responsible == Responsible.UNITS
        ]
    return found
