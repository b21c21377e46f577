"""Defects found in review (issue 11), each reproduced first: scope holes for an
inspector granted at a township, bad input that raised instead of answering, and
workflow gaps (a finding listed twice, dates out of order, a progress report that
moved a deadline, a partial scan that shrank an alert, reversed office hours)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from yinzheng.core.tests import factories as f
from yinzheng.supervision import services
from yinzheng.supervision.choices import Channel, ReporterType
from yinzheng.supervision.errors import SupervisionCode
from yinzheng.supervision.models import Alert, Finding, RectificationItem

from .factories import COUNTY, people, register_entry, registered, reported, through

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def staff(tree, clock_at):
    clock_at(2026, 3, 2, 10)
    return people(tree)


@pytest.fixture
def township_inspector(tree):
    return f.user("ducha_xiang", role=Role.INSPECTOR, at="620725101")


def _finding(actor, committee, **over):
    fields = {
        "actor": actor,
        "committee_code": committee,
        "kind": "other",
        "description": "登记簿未装订",
    }
    fields.update(over)
    return services.finding_record(**fields)


# Scope --------------------------------------------------------------------------------


def test_an_item_cannot_be_given_to_a_unit_outside_the_inspectors_scope(
    staff, tree, township_inspector
):
    finding = _finding(township_inspector, tree["A1a"])
    with pytest.raises(NotAllowed):
        services.finding_to_item(
            actor=township_inspector,
            finding_id=finding.pk,
            responsible_unit="另一个乡镇",
            responsible_code="620725102",
            deadline=TODAY,
        )
    assert not RectificationItem.objects.exists()


def test_a_finding_cannot_join_an_inspection_the_inspector_cannot_see(
    staff, tree, township_inspector
):
    inspection = services.inspection_create(
        actor=staff.inspector,
        county_code=COUNTY,
        title="县督查",
        mode="random",
        started_on=TODAY,
        inspectors="甲",
    )
    with pytest.raises(NotFound):
        _finding(township_inspector, tree["A1a"], inspection_id=inspection.pk)


# Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "9" * 5000, "-1", "1.5"])
def test_odd_numbers_in_the_address_are_not_found_not_errors(client, staff, value):
    client.force_login(staff.inspector)
    for url in (
        f"/supervision/findings/new/?inspection={value}",
        f"/supervision/findings/new/?alert={value}",
    ):
        assert client.get(url).status_code in (200, 302, 404), url
    api = APIClient()
    api.force_authenticate(staff.inspector)
    response = api.get("/api/supervision/findings/", {"inspection": value})
    assert response.status_code in (200, 400), response.status_code


@pytest.mark.parametrize(
    "field,value",
    [
        ("finding-register_seqs", "²"),
        ("finding-register_seqs", "3-²"),
        ("finding-entries", "²"),
        ("finding-entries", "99999999999999999999"),
        ("finding-register_seqs", "99999999999999999999"),
        ("finding-inspection", "²"),
    ],
)
def test_odd_numbers_in_the_finding_form_are_refused_on_the_form(
    client, staff, tree, field, value
):
    client.force_login(staff.inspector)
    data = {
        "finding-committee": tree["A1a"],
        "finding-kind": "other",
        "finding-description": "x",
        "finding-register": "work",
        "finding-register_year": "2026",
        field: value,
    }
    response = client.post("/supervision/findings/new/", data)
    assert response.status_code in (200, 404)
    assert not Finding.objects.exists()


def test_an_entry_id_too_large_for_the_database_is_refused_by_the_api(staff, tree):
    api = APIClient()
    api.force_authenticate(staff.inspector)
    response = api.post(
        "/api/supervision/findings/",
        {
            "committee": tree["A1a"],
            "kind": "other",
            "description": "x",
            "register_entries": [99999999999999999999],
        },
        format="json",
    )
    assert response.status_code in (400, 404)


def test_a_nul_in_the_public_forms_item_key_is_refused(client, tree):
    response = client.post(
        "/supervision/report/",
        {
            "county": COUNTY,
            "item_key": "a\x00b",
            "demanding_unit": "某单位",
            "unit_kind": "other",
            "item_text": "某证明",
            "account": "要求开具",
            "reporter_type": "resident",
        },
    )
    assert response.status_code in (200, 302, 400)


def test_control_characters_are_refused_as_input(staff):
    with pytest.raises(InvalidInput):
        reported(account="要求开具\x01证明")
    with pytest.raises(InvalidInput):
        reported(demanding_unit="某\x00单位")
    assert reported(account="第一行\n第二行\t缩进").account == "第一行\n第二行\t缩进"
    # Word's line break, pasted, is a line break.
    assert reported(account="甲\x0b乙").account == "甲\n乙"


def test_the_export_survives_control_characters_already_stored(staff, tree):
    from yinzheng.supervision.exports import items_workbook

    _finding(staff.inspector, tree["A1a"])
    item = services.finding_to_item(
        actor=staff.inspector,
        finding_id=Finding.objects.get().pk,
        responsible_unit="某村",
        deadline=TODAY,
    )
    RectificationItem.objects.filter(pk=item.pk).update(problem="问题\x01描述")
    assert items_workbook(RectificationItem.objects.all(), TODAY)[:2] == b"PK"


# Workflow -----------------------------------------------------------------------------


def test_a_finding_goes_on_the_list_once(staff, tree):
    finding = _finding(staff.inspector, tree["A1a"])
    services.finding_to_item(
        actor=staff.inspector,
        finding_id=finding.pk,
        responsible_unit="某村",
        deadline=TODAY,
    )
    with pytest.raises(Conflict) as exc:
        services.finding_to_item(
            actor=staff.inspector,
            finding_id=finding.pk,
            responsible_unit="某村",
            deadline=TODAY,
        )
    assert exc.value.code == SupervisionCode.ITEM_EXISTS
    assert RectificationItem.objects.count() == 1


def test_a_long_note_at_the_intake_desk_still_opens_its_case(staff, tree, monkeypatch):
    from yinzheng.certificates import services as certificates
    from yinzheng.core import clock
    from yinzheng.supervision.models import Case

    # 18:00 UTC on 1 March is 02:00 on 2 March in Beijing.
    moment = dt.datetime(2026, 3, 1, 18, tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)
    report = certificates.demand_report(
        actor=staff.clerk,
        committee_code=tree["A1a"],
        item_text="出生证明",
        demanding_organisation="某医院",
        note="很长的说明。" * 500,
    )
    case = Case.objects.get(demand_report=report)
    assert len(case.account) <= 2000
    assert case.demanded_on == dt.date(2026, 3, 2)  # the local date


def test_a_step_cannot_be_dated_before_the_step_it_follows(staff):
    case = through(reported(), staff.civil, "notified", TODAY)
    with pytest.raises(InvalidInput):
        services.case_feedback(
            case_id=case.pk,
            actor=staff.civil,
            recipient="某局",
            sent_on=dt.date(1999, 1, 1),
            text="请整改",
        )


def test_a_progress_report_does_not_move_the_correction_deadline(staff, clock_at):
    case = through(reported(), staff.civil, "responded", TODAY)
    due = case.step_due_on
    clock_at(2026, 4, 20, 10)
    case = services.case_response(
        case_id=case.pk,
        actor=staff.civil,
        status="in_progress",
        text="仍在整改",
        on=dt.date(2026, 4, 20),
    )
    assert case.step_due_on == due


def test_a_scan_over_part_of_a_month_keeps_the_whole_months_evidence(
    staff, tree, clock_at
):
    clock_at(2026, 2, 3, 22)
    register_entry(tree["A1a"])
    clock_at(2026, 2, 20, 22)
    register_entry(tree["A1a"])
    clock_at(2026, 3, 2, 10)
    services.scan(county_codes=[COUNTY])
    services.scan(county_codes=[COUNTY], since=dt.date(2026, 2, 15))
    assert len(Alert.objects.get().evidence) == 2


def test_office_hours_cannot_close_before_they_open(staff):
    with pytest.raises(InvalidInput):
        services.settings_update(
            actor=staff.civil,
            county_code=COUNTY,
            values={"office_opens": dt.time(18), "office_closes": dt.time(8)},
        )


def test_staff_cannot_enter_a_report_as_coming_from_the_online_platform(staff):
    """Online reports come through the public page (REQ-088: the channel is a fact)."""
    with pytest.raises(InvalidInput):
        registered(staff.civil, channel=Channel.ONLINE)
    registered(staff.civil, channel=Channel.HOTLINE, reporter_type=ReporterType.OTHER)


def test_the_api_answers_a_write_with_the_allowed_actions(staff, tree):
    finding = _finding(staff.inspector, tree["A1a"])
    api = APIClient()
    api.force_authenticate(staff.inspector)
    body = api.post(
        f"/api/supervision/findings/{finding.pk}/item/",
        {"responsible_unit": "某村", "deadline": TODAY.isoformat()},
        format="json",
    ).json()
    item = RectificationItem.objects.get()
    api.force_authenticate(staff.head)
    body = api.post(
        f"/api/supervision/items/{item.pk}/evidence/",
        {"evidence": "已整改"},
        format="json",
    ).json()
    assert body["allowed_actions"] == ["evidence"]
