"""The floor of the statistics dashboard: the figures `stats.analysis.figures` counts,
written by hand in plain SQL — the same statements' work as the dashboard's eight
queries (one grid by unit below and period for the totals, the league table and the
trend; the listed and the unlisted cases by item; the negative-list refusals; the seal
uses; two supervision counts; the names of the units) — fetched through the DB-API
cursor and nothing else done (stats_dashboard.py times them alone and, through
benchmarks/stats_server.py, over HTTP).

The same filters as `analysis.Filters`: a division's subtree is the closed range of
committee codes code .. code999… (core.codes.subtree_q); the period is [from, to + 1
day) in local time on the case's received_at, on the seal use's sealed_at; a period
shorter than 62 days is drawn by day, a longer one by month.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
CHILD = {2: 4, 4: 6, 6: 9, 9: 12}  # the level below, as a code length
OPEN = ["received", "verified", "approved"]
FINISHED = ["issued", "refused", "committed", "transferred", "annulled"]
DAY_TREND_MAX_DAYS = 62
TOP = 10

LOCAL = "AT TIME ZONE 'Asia/Shanghai'"
FINISHED_ON = f"(COALESCE(r.issued_at, r.refused_at, r.closed_at) {LOCAL})::date"
OVERDUE_OPEN = "r.status = ANY(%(open)s) AND r.due_on < %(today)s"
OVERDUE_FINISHED = (
    "r.status = ANY(%(finished)s) AND r.due_on IS NOT NULL "
    f"AND {FINISHED_ON} > r.due_on"
)
ISSUED = "r.status = 'issued'"
REFUSED = "r.status = 'refused'"
COMMITTED = "r.status = 'committed'"
NEGATIVE = "r.intake_class = 'negative'"
EXCEPTIONAL = "r.intake_class IN ('negative', 'public_interest')"
CASES = (
    "FROM certificates_certificaterequest r "
    "WHERE r.committee_id >= %(low)s AND r.committee_id <= %(high)s "
    "AND r.received_at >= %(start)s AND r.received_at < %(end)s"
)


def period(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(first, dt.time(), TZ)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), TZ)
    return start, end


def _count(condition: str) -> str:
    return f"COUNT(*) FILTER (WHERE {condition})"


def queries(
    division: str, first: dt.date, last: dt.date, today: dt.date
) -> list[tuple[str, str, dict[str, Any]]]:
    """(figure, sql, params) for one scope and period."""
    start, end = period(first, last)
    params = {
        "low": division,
        "high": division.ljust(12, "9"),
        "start": start,
        "end": end,
        "today": today,
        "open": OPEN,
        "finished": FINISHED,
        "division": division,
        "top": TOP,
    }
    child = CHILD.get(len(division), 12)
    by_day = (last - first).days < DAY_TREND_MAX_DAYS
    bucket = (
        f"(r.received_at {LOCAL})::date"
        if by_day
        else f"date_trunc('month', r.received_at {LOCAL})::date"
    )
    grid = ", ".join(
        [
            "COUNT(*)",
            _count(f"{ISSUED} AND NOT {EXCEPTIONAL}"),
            _count(f"{ISSUED} AND {NEGATIVE}"),
            _count(f"{ISSUED} AND r.intake_class = 'public_interest'"),
            *(
                _count(f"r.status = '{s}'")
                for s in ("refused", "committed", "transferred")
            ),
            _count("r.status = ANY(%(open)s)"),
            *(_count(f"r.status = '{s}'") for s in ("withdrawn", "annulled")),
            _count("r.on_the_spot"),
            _count("NOT r.on_the_spot AND r.complexity = 'complex'"),
            _count("NOT r.on_the_spot AND r.complexity <> 'complex'"),
            _count(OVERDUE_OPEN),
            _count(OVERDUE_FINISHED),
            _count(f"{REFUSED} AND {NEGATIVE}"),
            _count(f"{ISSUED} AND r.on_the_spot"),
        ]
    )
    by_item = (
        f"COUNT(*), {_count(ISSUED)}, {_count(ISSUED + ' AND ' + NEGATIVE)}, "
        f"{_count(REFUSED)}, {_count(COMMITTED)}"
    )
    return [
        (
            "case grid: totals, league table and trend by unit and period",
            f"SELECT left(r.committee_id, {child}), {bucket}, {grid} {CASES} "
            "GROUP BY 1, 2",
            params,
        ),
        (
            "league table: the names of the divisions below",
            "SELECT code, name FROM divisions_division "
            "WHERE parent_id = %(division)s ORDER BY code",
            params,
        ),
        (
            "listed cases by item",
            f"SELECT i.name, {by_item} "
            + CASES.replace(
                "FROM certificates_certificaterequest r",
                "FROM certificates_certificaterequest r "
                "JOIN catalogue_item i ON i.id = r.item_id",
            )
            + " GROUP BY 1",
            params,
        ),
        (
            "unlisted cases by the resident's words",
            f"SELECT r.item_text, {by_item} {CASES} AND r.item_id IS NULL GROUP BY 1",
            params,
        ),
        (
            "negative-list refusals by item, route, department (top 10)",
            "SELECT COALESCE(i.name, r.item_text), r.refusal_route, "
            "r.refusal_department, COUNT(*) "
            + CASES.replace(
                "FROM certificates_certificaterequest r",
                "FROM certificates_certificaterequest r "
                "LEFT JOIN catalogue_item i ON i.id = r.item_id",
            )
            + " AND r.status = 'refused' AND r.intake_class = 'negative' "
            "GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3 LIMIT %(top)s",
            params,
        ),
        (
            "sealed seal uses by category",
            "SELECT u.category, COUNT(*) FROM seals_usagerequest u "
            "WHERE u.committee_id >= %(low)s AND u.committee_id <= %(high)s "
            "AND u.sealed_at >= %(start)s AND u.sealed_at < %(end)s "
            "AND u.status = 'sealed' GROUP BY 1",
            params,
        ),
        (
            "supervision: reports by status",
            "SELECT c.status, COUNT(*) FROM supervision_case c "
            "WHERE c.division_id >= %(low)s AND c.division_id <= %(high)s "
            "AND c.received_at >= %(start)s AND c.received_at < %(end)s GROUP BY 1",
            params,
        ),
        (
            "supervision: rectification items by status",
            "SELECT i.status, COUNT(*) FROM supervision_rectificationitem i "
            "WHERE i.division_id >= %(low)s AND i.division_id <= %(high)s "
            "AND i.created_at >= %(start)s AND i.created_at < %(end)s GROUP BY 1",
            params,
        ),
    ]


def run(cursor, division: str, first: dt.date, last: dt.date, today: dt.date):
    """Every figure: {figure: rows}."""
    out = {}
    for label, sql, params in queries(division, first, last, today):
        cursor.execute(sql, params)
        out[label] = cursor.fetchall()
    return out
