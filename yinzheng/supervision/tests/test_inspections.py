"""Inspections, the special draw, findings and the rectification list (REQ-092–097)."""

import datetime as dt

import pytest

from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as f
from yinzheng.supervision import selectors, services
from yinzheng.supervision.choices import InspectionMode, ItemEventKind, ItemStatus
from yinzheng.supervision.models import Criticism, RectificationItem
from yinzheng.supervision.services.inspections import candidates, draw_sample

from .factories import COUNTY, people

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 2)


@pytest.fixture
def staff(tree, clock_at):
    clock_at(2026, 11, 2, 10)
    return people(tree)


@pytest.fixture
def county():
    """Township 101 with 5 committees, 102 with 1, 103 with 3 (one abolished)."""
    codes = {
        "620725101": ["001", "002", "003", "004", "005"],
        "620725102": ["001"],
        "620725103": ["001", "002", "003"],
    }
    for township, tails in codes.items():
        for tail in tails:
            f.division(township + tail)
    from yinzheng.divisions.models import Division

    Division.objects.filter(code="620725103003").update(status="abolished")
    return codes


def test_the_draw_takes_two_committees_per_township_or_all(staff, county):
    """REQ-095: 2·k distinct committees, fewer where a township has fewer, each in its
    township; the date and the operator are logged."""
    draw = services.draw_create(actor=staff.inspector, county_code=COUNTY)
    drawn = draw.sample["drawn"]
    assert drawn["620725102"] == ["620725102001"]
    assert drawn["620725103"] == ["620725103001", "620725103002"]  # abolished left out
    assert len(drawn["620725101"]) == 2
    codes = [c for group in drawn.values() for c in group]
    # The tree fixture's committees: A1a and A1b are in township 101 as well.
    assert len(set(codes)) == len(codes) == 5
    assert all(c.startswith(t) for t, group in drawn.items() for c in group)
    assert draw.drawn_by == staff.inspector and draw.drawn_on == TODAY
    assert set(draw.committees.values_list("code", flat=True)) == set(codes)
    assert services.draw_replay(draw)


def test_a_draw_is_reproducible_from_its_seed(staff, county):
    first = services.draw_create(actor=staff.inspector, county_code=COUNTY, seed="abc")
    second = services.draw_create(actor=staff.inspector, county_code=COUNTY, seed="abc")
    assert first.sample["drawn"] == second.sample["drawn"]
    pool = candidates(COUNTY)
    assert draw_sample(pool, "abc") == first.sample["drawn"]
    first.sample["drawn"]["620725101"] = ["620725101001", "620725101002"]
    if first.sample["drawn"] != second.sample["drawn"]:
        assert not services.draw_replay(first)


def test_only_the_county_draws(staff, county):
    with pytest.raises(NotAllowed):
        services.draw_create(actor=staff.province, county_code=COUNTY)
    with pytest.raises(NotAllowed):
        services.draw_create(actor=staff.township, county_code=COUNTY)


def test_an_inspection_has_one_of_the_seeded_modes(staff, county):
    """REQ-094: 明察暗访, 实地调研, 随机检查, 专项督导; filterable by mode."""
    assert set(InspectionMode.labels) == {
        "明察暗访",
        "实地调研",
        "随机检查",
        "专项督导",
    }
    draw = services.draw_create(actor=staff.inspector, county_code=COUNTY)
    special = services.inspection_create(
        actor=staff.inspector,
        county_code=COUNTY,
        title="2026年专项督查",
        mode=InspectionMode.SPECIAL,
        started_on=TODAY,
        inspectors="李四、王五",
        draw_id=draw.pk,
    )
    assert special.committees.count() == 5
    services.inspection_create(
        actor=staff.inspector,
        county_code=COUNTY,
        title="暗访",
        mode=InspectionMode.UNANNOUNCED,
        started_on=TODAY,
        inspectors="李四",
        committee_codes=["620725101001"],
    )
    assert list(selectors.inspections(staff.province, "special")) == [special]
    with pytest.raises(InvalidInput):
        services.inspection_create(
            actor=staff.inspector,
            county_code=COUNTY,
            title="x",
            mode="telepathy",
            started_on=TODAY,
            inspectors="x",
        )


def _seal_use(staff, tree, **over):
    fields = {
        "actor": staff.inspector,
        "committee_code": tree["A1a"],
        "kind": "seal_use",
        "description": "未经主任签批即用印三次",
        "deadline": TODAY + dt.timedelta(days=10),
    }
    fields.update(over)
    return services.finding_record(**fields)


def test_a_non_compliant_seal_use_brings_criticism_and_an_item(staff, tree):
    """REQ-092: both linked records; the item has a deadline and is on the committee's
    list."""
    finding = _seal_use(staff, tree)
    criticism = Criticism.objects.get(finding=finding)
    assert criticism.committee_id == tree["A1a"]
    item = RectificationItem.objects.get(finding=finding)
    assert item.deadline == TODAY + dt.timedelta(days=10)
    assert item.division_id == tree["A1a"]
    assert list(selectors.items(staff.head)) == [item]
    from yinzheng.supervision import inbox

    labels = {str(i.label): i.count for i in inbox.rectification(staff.head)}
    assert labels["本单位待整改事项"] == 1


def test_a_seal_use_finding_needs_a_deadline_and_saves_nothing_without(staff, tree):
    with pytest.raises(InvalidInput):
        _seal_use(staff, tree, deadline=None)
    assert not RectificationItem.objects.exists()
    assert not Criticism.objects.exists()


def test_a_finding_becomes_an_item_with_a_unit_and_a_deadline(staff, tree):
    """REQ-096: each finding converts into a list item that needs both."""
    finding = services.finding_record(
        actor=staff.inspector,
        committee_code=tree["A1b"],
        kind="other",
        description="登记簿未按月装订",
    )
    assert not finding.items.exists()
    with pytest.raises(InvalidInput):
        services.finding_to_item(
            actor=staff.inspector,
            finding_id=finding.pk,
            responsible_unit="",
            deadline=TODAY,
        )
    with pytest.raises(InvalidInput):
        services.finding_to_item(
            actor=staff.inspector,
            finding_id=finding.pk,
            responsible_unit="某村委会",
            deadline=None,
        )
    item = services.finding_to_item(
        actor=staff.inspector,
        finding_id=finding.pk,
        responsible_unit="某村委会",
        deadline=TODAY + dt.timedelta(days=5),
    )
    assert item.status == ItemStatus.OPEN and item.round == 1


def test_items_past_their_deadline_are_flagged(staff, tree, clock_at):
    item = RectificationItem.objects.get(finding=_seal_use(staff, tree))
    assert not selectors.items_overdue(staff.inspector, TODAY).exists()
    later = TODAY + dt.timedelta(days=11)
    assert list(selectors.items_overdue(staff.inspector, later)) == [item]
    assert list(selectors.items_overdue(staff.province, later)) == [item]


def test_a_relapse_at_the_follow_up_reopens_the_item_with_both_rounds(staff, tree):
    """REQ-097: closed → follow-up date → relapse reopens; the history has both rounds."""
    item = RectificationItem.objects.get(finding=_seal_use(staff, tree))
    with pytest.raises(InvalidInput):
        services.item_close(actor=staff.inspector, item_id=item.pk)  # no evidence yet
    services.item_evidence(actor=staff.head, item_id=item.pk, evidence="已建立签批制度")
    item = services.item_close(actor=staff.inspector, item_id=item.pk)
    assert item.status == ItemStatus.CLOSED and item.closed_on == TODAY
    with pytest.raises(InvalidInput):
        services.item_schedule_follow_up(
            actor=staff.inspector, item_id=item.pk, on=TODAY - dt.timedelta(days=1)
        )
    follow_up = TODAY + dt.timedelta(days=30)
    services.item_schedule_follow_up(
        actor=staff.inspector, item_id=item.pk, on=follow_up
    )
    assert list(selectors.follow_ups_due(staff.inspector, follow_up)) == [item]
    item = services.item_follow_up(
        actor=staff.inspector,
        item_id=item.pk,
        relapse=True,
        note="回头看发现又有未签批用印",
        deadline=TODAY + dt.timedelta(days=40),
    )
    assert item.status == ItemStatus.REOPENED and item.round == 2
    rounds = [(e.round, e.kind) for e in item.events.all()]
    assert rounds == [
        (1, ItemEventKind.OPENED),
        (1, ItemEventKind.EVIDENCE),
        (1, ItemEventKind.CLOSED),
        (1, ItemEventKind.FOLLOW_UP_SCHEDULED),
        (2, ItemEventKind.RELAPSE),
    ]
    assert item.events.get(kind=ItemEventKind.EVIDENCE).note == "已建立签批制度"


def test_a_clean_follow_up_leaves_the_item_closed(staff, tree):
    item = RectificationItem.objects.get(finding=_seal_use(staff, tree))
    services.item_close(actor=staff.inspector, item_id=item.pk, evidence="已整改")
    with pytest.raises(Conflict):
        services.item_follow_up(
            actor=staff.inspector, item_id=item.pk, relapse=False, note="x"
        )
    services.item_schedule_follow_up(actor=staff.inspector, item_id=item.pk, on=TODAY)
    item = services.item_follow_up(
        actor=staff.inspector, item_id=item.pk, relapse=False, note="未反弹"
    )
    assert item.status == ItemStatus.CLOSED and item.follow_up_on is None


def test_the_province_reads_the_list_but_cannot_change_it(staff, tree):
    """REQ-098: a provincial user opens any county's rectification list, never edits."""
    item = RectificationItem.objects.get(finding=_seal_use(staff, tree))
    assert list(selectors.items(staff.province)) == [item]
    for call in (
        lambda: services.item_close(
            actor=staff.province, item_id=item.pk, evidence="x"
        ),
        lambda: services.item_evidence(
            actor=staff.province, item_id=item.pk, evidence="x"
        ),
        lambda: _seal_use(staff, tree, actor=staff.province),
    ):
        with pytest.raises(NotAllowed):
            call()


def test_the_township_checks_a_committee_which_acknowledges_it(staff, tree):
    """REQ-093: the check with findings and feedback is in the committee's inbox; the
    township dashboard shows the date of the last check."""
    from yinzheng.divisions.models import Division
    from yinzheng.supervision import inbox

    check = services.check_record(
        actor=staff.township,
        committee_code=tree["A1a"],
        checked_on=TODAY,
        findings="登记簿有两处未签字",
        feedback="请补签",
    )
    labels = {str(i.label): i.count for i in inbox.checks(staff.clerk)}
    assert labels["乡镇检查反馈待确认"] == 1
    rows = selectors.township_dashboard(
        staff.township, Division.objects.get(code="620725101"), TODAY
    )
    by_code = {r.committee.code: r for r in rows}
    assert by_code[tree["A1a"]].last_check == TODAY
    assert by_code[tree["A1b"]].last_check is None
    with pytest.raises(NotAllowed):
        services.check_acknowledge(actor=staff.township, check_id=check.pk)
    services.check_acknowledge(actor=staff.clerk, check_id=check.pk)
    assert not selectors.checks_to_acknowledge(staff.clerk).exists()
    with pytest.raises(Conflict):
        services.check_acknowledge(actor=staff.clerk, check_id=check.pk)
    with pytest.raises(NotAllowed):
        services.check_record(
            actor=staff.civil,
            committee_code=tree["A1a"],
            checked_on=TODAY,
            findings="x",
            feedback="y",
        )


def test_the_items_history_and_the_draws_cannot_be_edited_or_deleted(
    staff, tree, county
):
    """REQ-095, REQ-097: the logged draw and both rounds of an item stay as written."""
    from django.db import DatabaseError, transaction

    from yinzheng.supervision.models import Draw, RectificationEvent

    _seal_use(staff, tree)
    services.draw_create(actor=staff.inspector, county_code=COUNTY)
    for rows, change in (
        (RectificationEvent.objects.all(), {"note": "改写"}),
        (Draw.objects.all(), {"seed": "other"}),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            rows.update(**change)
        with pytest.raises(DatabaseError), transaction.atomic():
            rows.delete()
