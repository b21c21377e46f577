"""Analysis of the accumulated data (REQ-103) and the figures shared with departments
(REQ-114): certificate cases, seal uses and supervision work, counted for one division
and one period.

1. `parse_filters` turns what a page, the API or the command was given (division code,
   from, to) into a `Filters`: the period is in local dates (Asia/Shanghai, the
   project's time zone) on the case's 受理时间 (`received_at`), both ends included; the
   division must lie inside the viewer's scope for the action asked (the dashboard's
   `stats.dashboard`, the API's `stats.api`). A bad value is an `InvalidInput`, a
   division outside the scope a `NotAllowed`: a clear sentence, never a 500.
2. `figures(filters, today=…)` reads every aggregate the dashboard shows. Each one is
   counted by the database (`aggregate`/`values().annotate()` with conditional counts),
   never by loading rows into Python; eight queries, whatever the number of cases. The
   totals, the league table and the trend are sums over one grid query (`case_grid`).
   Each query reads an index made for it (certreq_cmte_received_cover,
   certreq_unlisted, certreq_negative_refused, usage_sealed_cover), so on PostgreSQL
   the counts never visit the wide case rows (benchmarks/stats_dashboard.py).

Outcome buckets (`OUTCOMES`) are disjoint and cover every status, so they sum to the
total (REQ-103's acceptance: totals equal the records matching the same filters):
issued (an issued certificate that is neither of the next two), exception (issued for a
negative-list item: the factual-issuance exception, REQ-037), special case (issued for
a public-interest matter after consultation, DIV-04), refused, commitment (告知承诺,
REQ-082), transferred to the Party organisation (REQ-043), open, withdrawn, annulled.
Completion modes (`MODES`) also sum to the total: on the spot (REQ-044), time-limited
(a complex item with its working-day limit), other. A case is overdue when it is open
past its `due_on`, or was finished (issued, refused, committed, transferred, later
annulled) on a local date after it.

Read-only: nothing here writes.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, DateField, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import (
    Coalesce,
    Substr,
    TruncDate,
    TruncMonth,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.catalogue import selectors as catalogue
from yinzheng.catalogue.choices import Complexity
from yinzheng.catalogue.models import ListEntry, ListVersion
from yinzheng.certificates.choices import IntakeClass, Status
from yinzheng.certificates.models import CertificateRequest
from yinzheng.core.codes import (
    CODE_LENGTH,
    COUNTRY_CODE,
    Level,
    ancestor_codes,
    level_of,
    subtree_q,
)
from yinzheng.core.errors import CoreCode, InvalidInput, NotAllowed, NotFound
from yinzheng.divisions.models import Division
from yinzheng.seals.choices import UseCategory, UseStatus
from yinzheng.seals.models import UsageRequest
from yinzheng.supervision.choices import (
    OPEN_CASE_STATUSES,
    OPEN_ITEM_STATUSES,
    CaseStatus,
    ItemStatus,
)
from yinzheng.supervision.models import Case, RectificationItem

from .errors import StatsCode

DASHBOARD = "stats.dashboard"
API = "stats.api"
# A period of at most this many days is drawn day by day, a longer one month by month.
DAY_TREND_MAX_DAYS = 62
# Dates outside these are typing mistakes, not periods anyone has data for.
FIRST_DATE, LAST_DATE = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
TOP = 10

OPEN = (Status.RECEIVED, Status.VERIFIED, Status.APPROVED)
# Issued certificates counted apart from the ordinary ones (REQ-037, DIV-04).
EXCEPTIONAL = (IntakeClass.NEGATIVE, IntakeClass.PUBLIC_INTEREST)
# Statuses with a finishing date (issued_at, refused_at or closed_at) that counts for
# overdue; a withdrawal is the resident's, never late work.
FINISHED = (
    Status.ISSUED,
    Status.REFUSED,
    Status.COMMITTED,
    Status.TRANSFERRED,
    Status.ANNULLED,
)


class FilterError(InvalidInput):
    code = StatsCode.FILTER_INVALID
    message = _("统计条件有误")


class UnknownDivision(NotFound):
    """A well-formed division code within the viewer's scope that names no division:
    a 404, as for any reference to something that does not exist."""

    code = CoreCode.DIVISION_NOT_FOUND
    message = _("没有这个区划")


class OutOfScope(NotAllowed):
    code = StatsCode.DIVISION_OUT_OF_SCOPE
    message = _("您无权查看该区划的统计数据")


# Filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """One division (its whole subtree) and one period of local dates, both ends in."""

    division_code: str
    division_name: str
    date_from: dt.date
    date_to: dt.date

    @property
    def level(self) -> Level:
        return level_of(self.division_code)

    @property
    def start(self) -> dt.datetime:
        """The first instant of the period (local midnight of `date_from`)."""
        return _midnight(self.date_from)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period (local midnight after `date_to`)."""
        return _midnight(self.date_to + dt.timedelta(days=1))

    @property
    def by_day(self) -> bool:
        return (self.date_to - self.date_from).days < DAY_TREND_MAX_DAYS

    @property
    def unit_level(self) -> Level:
        """The level the league table ranks: the one below the division (a committee
        ranks only itself)."""
        return Level(min(self.level + 1, Level.COMMITTEE))

    def as_params(self) -> dict[str, str]:
        """The query string that gives these filters back (pages, exports, links)."""
        return {
            "division": self.division_code,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
        }

    def in_subtree(self, field: str) -> Q:
        return subtree_q(self.division_code, field)

    def in_period(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(day, dt.time()), timezone.get_default_timezone()
    )


def _valid_code(code: str) -> bool:
    return code == COUNTRY_CODE or (
        code.isascii() and code.isdigit() and len(code) in CODE_LENGTH.values()
    )


def _date(text: Any, name: str, label: Any, default: dt.date) -> dt.date:
    if isinstance(text, dt.date):
        day = text
    else:
        value = str(text or "").strip()
        if not value:
            return default
        try:
            if len(value) != 10:
                raise ValueError(value)
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise FilterError(
                _("%(label)s的格式应为 YYYY-MM-DD（如 2026-03-31）：%(value)s")
                % {"label": label, "value": value[:20]},
                detail={"field": name},
            ) from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise FilterError(
            _("%(label)s应在 %(first)s 至 %(last)s 之间")
            % {"label": label, "first": FIRST_DATE, "last": LAST_DATE},
            detail={"field": name},
        )
    return day


def parse_filters(
    viewer: Any,
    params: Mapping[str, Any],
    *,
    today: dt.date,
    action: str = DASHBOARD,
) -> Filters:
    """The filters in `params` ("division", "from", "to"), checked for `viewer`.

    Without a division: the first node of the viewer's scope; without dates: from the
    first of January to today; with an end only, from the first of January of its
    year. Raises `OutOfScope` (403) for a division the viewer may
    not see under `action`, `FilterError` (400) for a malformed or impossible value.
    """
    where = policy.scope(viewer, action)
    if not where:
        raise OutOfScope()
    code = str(params.get("division") or "").strip() or where.codes[0]
    if not _valid_code(code):
        raise FilterError(
            _("区划代码应为 2、4、6、9 或 12 位数字（省、市、县、乡镇、村）：%(code)s")
            % {"code": code[:20]},
            detail={"field": "division"},
        )
    # Scope before existence: nobody learns which codes exist outside their subtree.
    if not where.covers(code):
        raise OutOfScope(
            _("您无权查看该区划的统计数据：%(code)s") % {"code": code},
            detail={"division": code},
        )
    name = Division.objects.filter(code=code).values_list("name", flat=True).first()
    if name is None:
        raise UnknownDivision(
            _("没有这个区划：%(code)s") % {"code": code},
            detail={"field": "division"},
        )
    date_to = _date(params.get("to"), "to", _("结束日期"), today)
    # Without a start: the first of January of the end's year (of this year when
    # neither is given), so an end alone is always a valid period.
    date_from = _date(
        params.get("from"), "from", _("开始日期"), dt.date(date_to.year, 1, 1)
    )
    if date_from > date_to:
        raise FilterError(
            _("开始日期不能晚于结束日期（%(start)s > %(end)s）")
            % {"start": date_from, "end": date_to},
            detail={"field": "from"},
        )
    return Filters(
        division_code=code,
        division_name=name,
        date_from=date_from,
        date_to=date_to,
    )


# Certificate cases --------------------------------------------------------------------


def cases(filters: Filters) -> QuerySet[CertificateRequest]:
    """The certificate cases the figures count: received in the period, under the
    division (index certreq_cmte_received)."""
    return CertificateRequest.objects.filter(
        filters.in_subtree("committee_id"), filters.in_period("received_at")
    )


ISSUED = Q(status=Status.ISSUED)
EXCEPTION = ISSUED & Q(intake_class=IntakeClass.NEGATIVE)
SPECIAL = ISSUED & Q(intake_class=IntakeClass.PUBLIC_INTEREST)
REFUSED = Q(status=Status.REFUSED)
NEGATIVE_REFUSED = REFUSED & Q(intake_class=IntakeClass.NEGATIVE)
ON_THE_SPOT = Q(on_the_spot=True)
COMPLEX = Q(complexity=Complexity.COMPLEX)

# key → (label, condition): disjoint, and together every status (so they sum to the
# total). Order: how the dashboard lists them.
OUTCOMES: dict[str, tuple[Any, Q]] = {
    "issued": (_("正常出具"), ISSUED & ~Q(intake_class__in=EXCEPTIONAL)),
    "exception": (_("除外情形出具（负面清单事项）"), EXCEPTION),
    "special": (_("特殊情形出具（涉及公共利益）"), SPECIAL),
    "refused": (_("不予出具"), REFUSED),
    "commitment": (_("告知承诺办结"), Q(status=Status.COMMITTED)),
    "transferred": (_("转交党组织"), Q(status=Status.TRANSFERRED)),
    "open": (_("办理中"), Q(status__in=OPEN)),
    "withdrawn": (_("已撤回"), Q(status=Status.WITHDRAWN)),
    "annulled": (_("出具后作废"), Q(status=Status.ANNULLED)),
}
# REQ-044: on the spot; a complex item's working-day limit; the rest. Also disjoint.
MODES: dict[str, tuple[Any, Q]] = {
    "on_the_spot": (_("当场办结"), ON_THE_SPOT),
    "time_limited": (_("限时办结（复杂事项）"), ~ON_THE_SPOT & COMPLEX),
    "other": (_("一般事项未当场办结"), ~ON_THE_SPOT & ~COMPLEX),
}
OVERDUE_FINISHED = Q(status__in=FINISHED, due_on__isnull=False) & Q(
    finished_on__gt=F("due_on")
)
# Requests outside the catalogue, counted as one item where their words must not go.
UNLISTED = _("非清单事项（合并统计）")


def _overdue_open(today: dt.date) -> Q:
    return Q(status__in=OPEN, due_on__lt=today)


def _overdue(today: dt.date) -> Q:
    return _overdue_open(today) | OVERDUE_FINISHED


def _with_finished(rows: QuerySet[CertificateRequest]) -> QuerySet[CertificateRequest]:
    """`finished_on`: the local date the case was finished (issued, refused, closed)."""
    return rows.alias(
        finished_on=TruncDate(
            Coalesce("issued_at", "refused_at", "closed_at"),
            tzinfo=timezone.get_default_timezone(),
        )
    )


def _counting(**conditions: Q) -> dict[str, Count]:
    # COUNT(1), not COUNT(id): the id is in no index the counts read, so counting it
    # would send PostgreSQL to the rows (Django refuses COUNT(*) with a filter).
    return {name: Count(Value(1), filter=q) for name, q in conditions.items()}


# The case grid: totals, league table and trend from one pass --------------------------
#
# The outcome and mode totals, the league table and the trend count the same cases by
# different keys, so one query groups them by (unit below, day or month) with every
# count any of the three needs, and each is a sum over that grid: at most a few
# thousand rows (31 provinces × 62 days at the country level), whatever the number of
# cases. The columns it reads ride in the covering index certreq_cmte_received_cover,
# so PostgreSQL answers from the index without visiting the wide rows.

_ISSUED_ANY = "o_issued", "o_exception", "o_special"


def _grid_counts(today: dt.date) -> dict[str, Count]:
    return {
        "total": Count("*"),
        **_counting(**{f"o_{key}": q for key, (_label, q) in OUTCOMES.items()}),
        **_counting(**{f"m_{key}": q for key, (_label, q) in MODES.items()}),
        **_counting(
            overdue_open=_overdue_open(today),
            overdue_finished=OVERDUE_FINISHED,
            negative_refused=NEGATIVE_REFUSED,
            spot_issued=ISSUED & ON_THE_SPOT,
        ),
    }


@dataclass(frozen=True)
class CaseGrid:
    """The cases of the filters counted per (unit, period): `cells` maps each pair
    that has cases to its counts (the keys of `_grid_counts`)."""

    filters: Filters
    cells: dict[tuple[str, dt.date], dict[str, int]]

    def _sum(self, cells: Any) -> dict[str, int]:
        summed: dict[str, int] = {}
        for counts in cells:
            for key, value in counts.items():
                summed[key] = summed.get(key, 0) + value
        return summed

    def totals(self) -> "CaseTotals":
        counts = self._sum(self.cells.values())
        return CaseTotals(
            total=counts.get("total", 0),
            outcomes=[
                Bucket(key, str(label), counts.get(f"o_{key}", 0))
                for key, (label, _q) in OUTCOMES.items()
            ],
            modes=[
                Bucket(key, str(label), counts.get(f"m_{key}", 0))
                for key, (label, _q) in MODES.items()
            ],
            overdue_open=counts.get("overdue_open", 0),
            overdue_finished=counts.get("overdue_finished", 0),
            negative_refused=counts.get("negative_refused", 0),
        )

    def units(self) -> list["UnitFigures"]:
        by_unit: dict[str, list[dict[str, int]]] = {}
        for (unit, _period), counts in self.cells.items():
            by_unit.setdefault(unit, []).append(counts)
        units = _units_below(self.filters)
        known = {code for code, _name in units}
        units += [(code, code) for code in sorted(by_unit) if code not in known]
        found = []
        for code, name in units:
            counts = self._sum(by_unit.get(code, []))
            found.append(
                UnitFigures(
                    code=code,
                    name=name,
                    total=counts.get("total", 0),
                    issued=sum(counts.get(key, 0) for key in _ISSUED_ANY),
                    refused=counts.get("o_refused", 0),
                    overdue=counts.get("overdue_open", 0)
                    + counts.get("overdue_finished", 0),
                    on_the_spot=counts.get("spot_issued", 0),
                )
            )
        return sorted(found, key=lambda u: (-u.total, u.code))

    def trend(self) -> list["TrendPoint"]:
        by_period: dict[dt.date, list[dict[str, int]]] = {}
        for (_unit, period), counts in self.cells.items():
            by_period.setdefault(period, []).append(counts)
        points = []
        for day in _periods(self.filters):
            counts = self._sum(by_period.get(day, []))
            points.append(
                TrendPoint(
                    period=day,
                    label=day.isoformat()
                    if self.filters.by_day
                    else day.strftime("%Y-%m"),
                    total=counts.get("total", 0),
                    issued=sum(counts.get(key, 0) for key in _ISSUED_ANY),
                    refused=counts.get("o_refused", 0),
                )
            )
        return points


def case_grid(filters: Filters, *, today: dt.date) -> CaseGrid:
    """REQ-103: the cases counted by unit below and by day or month (one query)."""
    zone = timezone.get_default_timezone()
    period = (
        TruncDate("received_at", tzinfo=zone)
        if filters.by_day
        else TruncMonth("received_at", tzinfo=zone, output_field=DateField())
    )
    length = CODE_LENGTH[filters.unit_level]
    rows = (
        _with_finished(cases(filters))
        .order_by()
        .values(unit=Substr("committee_id", 1, length), period=period)
        .annotate(**_grid_counts(today))
    )
    cells: dict[tuple[str, dt.date], dict[str, int]] = {}
    for row in rows:
        counts: dict[str, Any] = dict(row)
        key = (str(counts.pop("unit")), _as_date(counts.pop("period")))
        cells[key] = counts
    return CaseGrid(filters, cells)


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class CaseTotals:
    total: int
    outcomes: list[Bucket]  # sums to total
    modes: list[Bucket]  # sums to total
    overdue_open: int  # open, past the due date today
    overdue_finished: int  # finished after the due date
    negative_refused: int  # refused for a negative-list item

    @property
    def overdue(self) -> int:
        return self.overdue_open + self.overdue_finished

    def outcome(self, key: str) -> int:
        return next(b.count for b in self.outcomes if b.key == key)


def case_totals(filters: Filters, *, today: dt.date) -> CaseTotals:
    """REQ-103: the cases by outcome and completion mode, and the overdue ones."""
    return case_grid(filters, today=today).totals()


@dataclass(frozen=True)
class UnitFigures:
    """One row of the league table: a township (or whichever level is below)."""

    code: str
    name: str
    total: int
    issued: int  # every issued certificate (exceptions and special cases included)
    refused: int
    overdue: int
    on_the_spot: int  # issued on the spot

    @property
    def on_the_spot_rate(self) -> float | None:
        """Share of the issued certificates that were issued on the spot (REQ-044)."""
        return self.on_the_spot / self.issued if self.issued else None


def _units_below(filters: Filters) -> list[tuple[str, str]]:
    """(code, name) of the divisions the league table ranks."""
    if filters.level == Level.COMMITTEE:
        return [(filters.division_code, filters.division_name)]
    return list(
        Division.objects.filter(parent_id=filters.division_code)
        .order_by("code")
        .values_list("code", "name")
    )


def league_table(filters: Filters, *, today: dt.date) -> list[UnitFigures]:
    """The divisions one level below (townships of a county, committees of a
    township), each with its totals, busiest first; units without a case are listed
    with zeros."""
    return case_grid(filters, today=today).units()


@dataclass(frozen=True)
class TrendPoint:
    period: dt.date  # the day, or the first of the month
    label: str
    total: int
    issued: int
    refused: int


def _periods(filters: Filters) -> list[dt.date]:
    if filters.by_day:
        days = (filters.date_to - filters.date_from).days + 1
        return [filters.date_from + dt.timedelta(days=n) for n in range(days)]
    found, month = [], filters.date_from.replace(day=1)
    while month <= filters.date_to:
        found.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return found


def trend(filters: Filters, *, today: dt.date) -> list[TrendPoint]:
    """Cases received, issued and refused by day (a period up to two months) or by
    month; every day or month of the period, empty ones included."""
    return case_grid(filters, today=today).trend()


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


@dataclass(frozen=True)
class ItemFigures:
    name: str
    total: int
    issued: int  # every issued certificate
    exception: int
    refused: int
    commitment: int


def cases_by_item(
    filters: Filters, *, limit: int | None = TOP, free_text: bool = True
) -> list[ItemFigures]:
    """REQ-103: cases by item, the most asked for first: the catalogue item's name, or
    for a request outside the catalogue what the resident asked for in their words
    (`free_text`), or one "unlisted" row where free text must not leave (the API:
    it may name a person).

    Two queries: the listed cases by item, from the covering index, and the unlisted
    ones by their words, from the partial index certreq_unlisted (only those rows are
    read); a name that is both is one row. At most a row per item and per distinct
    wording comes back, never a row per case."""
    counts = {
        "total": Count("*"),
        **_counting(
            issued=ISSUED,
            exception=EXCEPTION,
            refused=REFUSED,
            committed=Q(status=Status.COMMITTED),
        ),
    }
    listed = (
        cases(filters)
        .filter(item__isnull=False)
        .order_by()
        .values(name=F("item__name"))
        .annotate(**counts)
    )
    merged: dict[str, dict[str, int]] = {}

    def add(name: str, counted: Mapping[str, Any]) -> None:
        into = merged.setdefault(name, dict.fromkeys(counts, 0))
        for key in counts:
            into[key] += counted[key]

    for by_item in listed:
        add(by_item["name"], by_item)
    unlisted = cases(filters).filter(item__isnull=True).order_by()
    if free_text:
        for by_words in unlisted.values("item_text").annotate(**counts):
            add(by_words["item_text"], by_words)
    else:
        together = unlisted.aggregate(**counts)
        if together["total"]:
            add(str(UNLISTED), together)
    found = sorted(merged.items(), key=lambda pair: (-pair[1]["total"], pair[0]))
    return [
        ItemFigures(
            name=name,
            total=row["total"],
            issued=row["issued"],
            exception=row["exception"],
            refused=row["refused"],
            commitment=row["committed"],
        )
        for name, row in (found[:limit] if limit else found)
    ]


@dataclass(frozen=True)
class RefusalFigures:
    item: str
    route: str
    department: str
    count: int


def negative_refusals(
    filters: Filters, *, limit: int | None = TOP, free_text: bool = True
) -> list[RefusalFigures]:
    """REQ-049: refusals of negative-list items with the route and department the
    resident was given, the most frequent first (index certreq_negative_refused)."""
    rows = (
        cases(filters)
        .filter(NEGATIVE_REFUSED)
        .order_by()
        .values(
            item_name=Coalesce(
                F("item__name"), F("item_text") if free_text else Value(str(UNLISTED))
            ),
            route=F("refusal_route"),
            department=F("refusal_department"),
        )
        .annotate(count=Count("*"))
        .order_by("-count", "item_name", "route", "department")
    )
    return [
        RefusalFigures(
            item=row["item_name"],
            route=row["route"],
            department=row["department"],
            count=row["count"],
        )
        for row in (rows[:limit] if limit else rows)
    ]


# Seal uses and supervision ------------------------------------------------------------


def seal_uses(filters: Filters) -> list[Bucket]:
    """REQ-050–052: sealings done in the period (用印时间) by category, all six listed
    (index usage_sealed_cover)."""
    counted = dict(
        UsageRequest.objects.filter(
            filters.in_subtree("committee_id"),
            filters.in_period("sealed_at"),
            status=UseStatus.SEALED,
        )
        .order_by()
        .values_list("category")
        .annotate(n=Count("*"))
    )
    return [
        Bucket(value, str(label), counted.get(value, 0))
        for value, label in UseCategory.choices
    ]


@dataclass(frozen=True)
class SupervisionFigures:
    cases: list[Bucket]  # reports of unreasonable demands by status (REQ-088, -089)
    cases_overdue: int  # open, the current step past its deadline
    items: list[Bucket]  # rectification items by status (REQ-096)
    items_overdue: int  # open past the deadline

    @property
    def cases_total(self) -> int:
        return sum(b.count for b in self.cases)

    @property
    def items_total(self) -> int:
        return sum(b.count for b in self.items)


def supervision(filters: Filters, *, today: dt.date) -> SupervisionFigures:
    """Reports registered and rectification items listed in the period under the
    division, by status, and how many of them are late today (one query each)."""
    case_counts = Case.objects.filter(
        filters.in_subtree("division_id"), filters.in_period("received_at")
    ).aggregate(
        **_counting(**{s: Q(status=s) for s in CaseStatus.values}),
        **_counting(overdue=Q(status__in=OPEN_CASE_STATUSES, step_due_on__lt=today)),
    )
    item_counts = RectificationItem.objects.filter(
        filters.in_subtree("division_id"), filters.in_period("created_at")
    ).aggregate(
        **_counting(**{s: Q(status=s) for s in ItemStatus.values}),
        **_counting(overdue=Q(status__in=OPEN_ITEM_STATUSES, deadline__lt=today)),
    )
    return SupervisionFigures(
        cases=[
            Bucket(value, str(label), case_counts[value])
            for value, label in CaseStatus.choices
        ],
        cases_overdue=case_counts["overdue"],
        items=[
            Bucket(value, str(label), item_counts[value])
            for value, label in ItemStatus.choices
        ],
        items_overdue=item_counts["overdue"],
    )


# The lists in force (REQ-114) ---------------------------------------------------------


def list_versions(filters: Filters, *, today: dt.date) -> list[ListVersion]:
    """The list versions in force today that bind the division: those of the levels
    above it and its own, and those of the divisions under it (a county's, for a
    prefecture), each with its entries (two queries)."""
    code = filters.division_code
    owners = Q(catalogue_list__owner_id__in=[*ancestor_codes(code), code]) | (
        subtree_q(code, "catalogue_list__owner_id")
    )
    return list(
        catalogue.versions_in_force_anywhere(today)
        .filter(owners)
        .select_related("catalogue_list__owner")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=ListEntry.objects.select_related("item").order_by("number"),
            )
        )
        .order_by(
            "catalogue_list__owner_id",
            "catalogue_list__kind",
            "catalogue_list__batch_no",
            "number",
        )
    )


# Everything the dashboard shows -------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    filters: Filters
    today: dt.date
    cases: CaseTotals
    trend: list[TrendPoint]
    units: list[UnitFigures]
    items: list[ItemFigures]
    refusals: list[RefusalFigures]
    seal_uses: list[Bucket]
    supervision: SupervisionFigures


def figures(
    filters: Filters,
    *,
    today: dt.date,
    top: int | None = TOP,
    free_text: bool = True,
) -> Figures:
    """Every figure of the dashboard (and of the API) for the filters: eight
    queries, whatever the number of cases."""
    grid = case_grid(filters, today=today)
    return Figures(
        filters=filters,
        today=today,
        cases=grid.totals(),
        trend=grid.trend(),
        units=grid.units(),
        items=cases_by_item(filters, limit=top, free_text=free_text),
        refusals=negative_refusals(filters, limit=top, free_text=free_text),
        seal_uses=seal_uses(filters),
        supervision=supervision(filters, today=today),
    )
