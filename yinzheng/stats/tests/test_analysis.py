"""The analysis of accumulated data (REQ-103): on a generated dataset, every total the
dashboard shows equals the number of records matching the same filters, counted by hand;
the buckets of each breakdown sum to the total; the viewer's scope holds (a township
never reads another township, a committee head reads their committee only); bad filters
are a clear refusal, never a 500; the figures take a fixed number of queries."""

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yinzheng.accounts.choices import Department, Role
from yinzheng.certificates.choices import IntakeClass, Status
from yinzheng.certificates.models import CertificateRequest
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import CoreCode
from yinzheng.core.tests import factories as f
from yinzheng.seals.choices import UseCategory
from yinzheng.stats import analysis
from yinzheng.stats.errors import StatsCode
from yinzheng.supervision.choices import (
    OPEN_CASE_STATUSES,
    OPEN_ITEM_STATUSES,
    CaseStatus,
    ItemStatus,
)

from . import dataset as d

pytestmark = pytest.mark.django_db

DIVISIONS = ["CN", "62", d.COUNTY, d.T1, d.T2, d.T3, *d.COMMITTEES, d.OTHER_COUNTY]


@pytest.fixture
def data():
    return d.generate()


def _filters(division: str, start: dt.date, end: dt.date) -> analysis.Filters:
    return analysis.parse_filters(
        SYSTEM,
        {"division": division, "from": start.isoformat(), "to": end.isoformat()},
        today=d.TODAY,
    )


def _check_everything(data: d.Dataset, division: str, start, end) -> None:
    """REQ-103 acceptance: each figure against the records counted by hand."""
    filters = _filters(division, start, end)
    found = analysis.figures(filters, today=d.TODAY, top=None)
    records = d.matching_cases(data, division, start, end)
    total = len(records)

    # The total, also as the database counts it with other words for the same filters.
    assert found.cases.total == total
    assert (
        CertificateRequest.objects.filter(
            Q() if division == "CN" else Q(committee__code__startswith=division),
            received_at__date__gte=start,
            received_at__date__lte=end,
        ).count()
        == total
    )

    # Outcomes and completion modes: each bucket, and together the total.
    outcomes = Counter(d.outcome_of(r) for r in records)
    assert {b.key: b.count for b in found.cases.outcomes} == {
        key: outcomes.get(key, 0) for key in analysis.OUTCOMES
    }
    assert sum(b.count for b in found.cases.outcomes) == total
    modes = Counter(d.mode_of(r) for r in records)
    assert {b.key: b.count for b in found.cases.modes} == {
        key: modes.get(key, 0) for key in analysis.MODES
    }
    assert sum(b.count for b in found.cases.modes) == total
    late = [r for r in records if d.overdue(r, d.TODAY)]
    assert found.cases.overdue == len(late)
    assert found.cases.overdue_open == sum(1 for r in late if r.status in d.OPEN)
    negative_refused = [
        r
        for r in records
        if r.status == Status.REFUSED and r.intake_class == IntakeClass.NEGATIVE
    ]
    assert found.cases.negative_refused == len(negative_refused)

    # The league table: one level down, each unit's counts, all of them the total.
    length = {0: 2, 1: 4, 2: 6, 3: 9, 4: 12, 5: 12}[filters.level]
    by_unit = Counter(r.committee[:length] for r in records)
    assert {u.code: u.total for u in found.units if u.total} == dict(by_unit)
    assert sum(u.total for u in found.units) == total
    for unit in found.units:
        mine = [r for r in records if r.committee.startswith(unit.code)]
        assert unit.issued == sum(1 for r in mine if r.status == Status.ISSUED)
        assert unit.refused == sum(1 for r in mine if r.status == Status.REFUSED)
        assert unit.overdue == sum(1 for r in mine if d.overdue(r, d.TODAY))
        assert unit.on_the_spot == sum(
            1 for r in mine if r.status == Status.ISSUED and r.on_the_spot
        )

    # The trend: every day (or month) of the period once, summing to the total.
    assert sum(p.total for p in found.trend) == total
    assert sum(p.issued for p in found.trend) == sum(
        1 for r in records if r.status == Status.ISSUED
    )
    if filters.by_day:
        assert len(found.trend) == (end - start).days + 1
        by_day = Counter(r.received_at.astimezone(d.TZ).date() for r in records)
        assert {p.period: p.total for p in found.trend if p.total} == dict(by_day)
    else:
        by_month = Counter(
            r.received_at.astimezone(d.TZ).date().replace(day=1) for r in records
        )
        assert {p.period: p.total for p in found.trend if p.total} == dict(by_month)

    # By item (the catalogue item's name, or the words asked for).
    assert {i.name: i.total for i in found.items} == dict(
        Counter(r.item for r in records)
    )
    assert sum(i.total for i in found.items) == total

    # Refusals of negative-list items with the route given.
    assert {(x.item, x.route, x.department): x.count for x in found.refusals} == dict(
        Counter((r.item, *r.refusal) for r in negative_refused if r.refusal)
    )
    assert sum(x.count for x in found.refusals) == found.cases.negative_refused

    # Seal uses by category: sealings done in the period.
    uses = Counter(c for _code, c in d.matching_uses(data, division, start, end))
    assert {b.key: b.count for b in found.seal_uses} == {
        c: uses.get(c, 0) for c in UseCategory.values
    }

    # Supervision: reports and rectification items by status, and the late ones.
    reports = d.matching_reports(data, division, start, end)
    assert {b.key: b.count for b in found.supervision.cases} == {
        s: sum(1 for status, _due in reports if status == s) for s in CaseStatus.values
    }
    assert found.supervision.cases_total == len(reports)
    assert found.supervision.cases_overdue == sum(
        1
        for status, due in reports
        if status in OPEN_CASE_STATUSES and due is not None and due < d.TODAY
    )
    items = d.matching_items(data, division, start, end)
    assert {b.key: b.count for b in found.supervision.items} == {
        s: sum(1 for status, _dl in items if status == s) for s in ItemStatus.values
    }
    assert found.supervision.items_overdue == sum(
        1
        for status, deadline in items
        if status in OPEN_ITEM_STATUSES and deadline < d.TODAY
    )


def test_req_103_the_figures_of_the_whole_span_equal_the_records(data):
    _check_everything(data, d.COUNTY, d.FIRST, d.LAST)
    assert len(d.matching_cases(data, d.COUNTY, d.FIRST, d.LAST)) > 200


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    division=st.sampled_from(DIVISIONS),
    start=st.dates(d.FIRST - dt.timedelta(days=10), d.LAST + dt.timedelta(days=10)),
    days=st.one_of(st.integers(0, 70), st.integers(0, 160)),
)
def test_req_103_any_division_and_period_equals_the_records(
    data, division, start, days
):
    """Periods of one day, of a few weeks (by day) and of months (by month), ending
    anywhere, for every level of the tree."""
    _check_everything(data, division, start, start + dt.timedelta(days=days))


def test_req_103_a_case_counts_on_its_local_day(data):
    """A case received at 00:00 Beijing time is that day's; one second earlier, the day
    before (UTC would put both on the day before)."""
    midnight = [
        r
        for r in data.cases
        if r.committee.startswith(d.COUNTY)
        and r.received_at.astimezone(d.TZ).time() == dt.time()
    ]
    assert midnight, "the dataset has cases at local midnight"
    day = midnight[0].received_at.astimezone(d.TZ).date()
    found = analysis.case_totals(_filters(d.COUNTY, day, day), today=d.TODAY)
    assert found.total == len(d.matching_cases(data, d.COUNTY, day, day))


def test_the_league_table_lists_every_unit_below_even_without_cases(data):
    f.division("620725104001")  # a township with no case at all
    units = analysis.league_table(_filters(d.COUNTY, d.FIRST, d.LAST), today=d.TODAY)
    assert [u.code for u in units][-1] == "620725104"
    assert units[-1].total == 0 and units[-1].on_the_spot_rate is None
    assert [u.total for u in units] == sorted((u.total for u in units), reverse=True)


def test_a_committee_ranks_itself(data):
    committee = d.COMMITTEES[0]
    units = analysis.league_table(_filters(committee, d.FIRST, d.LAST), today=d.TODAY)
    assert [u.code for u in units] == [committee]


def test_the_api_keeps_the_residents_words_out_of_the_items(data):
    """REQ-114: a request outside the catalogue is one "unlisted" row, since what the
    resident asked for in their words may name a person."""
    filters = _filters(d.COUNTY, d.FIRST, d.LAST)
    items = analysis.cases_by_item(filters, limit=None, free_text=False)
    names = {i.name for i in items}
    assert not names & set(d.FREE_TEXT)
    assert str(analysis.UNLISTED) in names
    assert (
        sum(i.total for i in items)
        == analysis.case_totals(filters, today=d.TODAY).total
    )


def test_the_figures_take_eight_queries_whatever_the_data(
    data, django_assert_num_queries
):
    filters = _filters(d.COUNTY, d.FIRST, d.LAST)
    with django_assert_num_queries(8):
        analysis.figures(filters, today=d.TODAY)


# Scope -------------------------------------------------------------------------------


@pytest.fixture
def people(data):
    return {
        "county": f.user("minzheng", role=Role.CIVIL_AFFAIRS, at=d.COUNTY),
        "township": f.user("xiang1", role=Role.TOWNSHIP, at=d.T1),
        "head": f.user("zhuren", role=Role.HEAD, at=d.COMMITTEES[0]),
        "clerk": f.user("jingban", role=Role.CLERK, at=d.COMMITTEES[0]),
        "police": f.user(
            "gongan",
            role=Role.DEPARTMENT,
            at=d.COUNTY,
            department=Department.PUBLIC_SECURITY,
        ),
        "province": f.user("sheng", role=Role.CIVIL_AFFAIRS, at="62"),
    }


def _parse(user, **params):
    return analysis.parse_filters(user, params, today=d.TODAY)


def test_an_end_alone_is_a_period_from_the_first_of_january_of_its_year(people):
    """An end before this year's first of January used to meet the default start of
    this year and be refused (issue 13, found by schemathesis)."""
    found = _parse(people["county"], to="2000-01-01")
    assert (found.date_from, found.date_to) == (
        dt.date(2000, 1, 1),
        dt.date(2000, 1, 1),
    )


def test_each_viewer_opens_on_their_own_division(people):
    assert _parse(people["county"]).division_code == d.COUNTY
    assert _parse(people["township"]).division_code == d.T1
    assert _parse(people["head"]).division_code == d.COMMITTEES[0]
    assert _parse(people["province"]).division_code == "62"
    found = _parse(people["county"])
    assert (found.date_from, found.date_to) == (dt.date(2026, 1, 1), d.TODAY)


def test_the_county_reads_its_townships_and_committees(people):
    assert _parse(people["county"], division=d.T2).division_code == d.T2
    assert _parse(people["county"], division=d.COMMITTEES[2]).division_name


@pytest.mark.parametrize(
    "who, division",
    [
        ("township", d.T2),  # the neighbouring township
        ("township", d.COUNTY),  # the level above
        ("head", d.T1),  # the head's own township
        ("head", d.COMMITTEES[1]),  # the committee next door
        ("county", d.OTHER_COUNTY),
        ("county", "CN"),
    ],
)
def test_nobody_reads_outside_their_scope(people, who, division):
    with pytest.raises(analysis.OutOfScope) as refused:
        _parse(people[who], division=division)
    assert refused.value.code == StatsCode.DIVISION_OUT_OF_SCOPE
    assert refused.value.status == 403
    assert division in str(refused.value.message)


@pytest.mark.parametrize("who", ["clerk", "police"])
def test_the_dashboard_is_refused_without_its_grant(people, who):
    with pytest.raises(analysis.OutOfScope):
        _parse(people[who])


def test_departments_read_the_figures_through_the_api_action(people):
    """REQ-114: the department's grant covers the API's figures, not the dashboard."""
    found = analysis.parse_filters(
        people["police"], {"division": d.T1}, today=d.TODAY, action=analysis.API
    )
    assert found.division_code == d.T1
    with pytest.raises(analysis.OutOfScope):
        analysis.parse_filters(
            people["township"], {}, today=d.TODAY, action=analysis.API
        )


def test_an_anonymous_viewer_is_refused():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(analysis.OutOfScope):
        _parse(AnonymousUser())


# Bad filters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, words",
    [
        ({"division": "abc"}, "区划代码"),
        ({"division": "62072"}, "区划代码"),
        ({"division": "６２０７２５"}, "区划代码"),  # full-width digits
        ({"division": "620725" * 10}, "区划代码"),
        ({"from": "2026-13-01"}, "开始日期"),
        ({"from": "20260101"}, "开始日期"),
        ({"to": "yesterday"}, "结束日期"),
        ({"to": "2026-02-30"}, "结束日期"),
        ({"from": "1900-01-01"}, "开始日期"),
        ({"to": "9999-12-31"}, "结束日期"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "开始日期不能晚于结束日期"),
    ],
)
def test_bad_filters_are_refused_in_words(people, params, words):
    with pytest.raises(analysis.FilterError) as refused:
        _parse(people["county"], **params)
    assert refused.value.status == 400
    assert refused.value.code == StatsCode.FILTER_INVALID
    assert words in str(refused.value.message)


def test_an_unknown_division_in_scope_is_not_found(people):
    with pytest.raises(analysis.UnknownDivision) as refused:
        _parse(people["county"], division="620725199")
    assert refused.value.code == CoreCode.DIVISION_NOT_FOUND
    assert "620725199" in str(refused.value.message)


def test_an_unknown_division_out_of_scope_is_out_of_scope(people):
    """Scope first: a township does not learn which codes exist elsewhere."""
    with pytest.raises(analysis.OutOfScope):
        _parse(people["township"], division="620725199")


def test_a_period_up_to_two_months_is_drawn_by_day(people):
    assert _parse(people["county"], **{"from": "2026-01-01", "to": "2026-03-03"}).by_day
    assert not _parse(
        people["county"], **{"from": "2026-01-01", "to": "2026-03-04"}
    ).by_day
