"""Reports and their cases (REQ-087–091, DIV-08, DIV-09)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from yinzheng.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from yinzheng.ledger import audit
from yinzheng.supervision import selectors, services
from yinzheng.supervision.choices import CaseStatus, Channel, ReporterType
from yinzheng.supervision.errors import SupervisionCode
from yinzheng.supervision.models import Case
from yinzheng.supervision.tracking import ALPHABET, normalise

from .factories import COUNTY, people, registered, reported, through

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(tree):
    return people(tree)


def test_an_anonymous_report_gets_a_readable_tracking_number(tree):
    """REQ-087: anyone reports online and receives a number to follow the case."""
    case = reported()
    assert case.channel == Channel.ONLINE
    assert case.registered_by is None
    groups = case.tracking_no.split("-")
    assert [len(g) for g in groups] == [4, 4, 4]
    assert set("".join(groups)) <= set(ALPHABET)
    assert not set("".join(groups)) & set("01ILO")
    assert (
        selectors.case_by_tracking(case.tracking_no.lower().replace("-", " ")) == case
    )


def test_tracking_numbers_never_hold_look_alike_characters():
    assert normalise("k7qm 3xhd 9pwa") == "K7QM-3XHD-9PWA"
    assert normalise("K7QM-3XHD-9PW0") is None  # a zero is never in a number
    assert normalise("short") is None


def test_staff_enter_a_petition_with_its_channel_and_reporter(staff):
    """REQ-088: a report from a petition carries channel = 信访."""
    case = registered(staff.civil)
    assert case.channel == Channel.PETITION
    assert case.reporter_type == ReporterType.COMMUNITY_WORKER
    assert case.registered_by == staff.civil
    assert list(selectors.cases(staff.civil, {"channel": "petition"})) == [case]
    assert not selectors.cases(staff.civil, {"channel": "hotline"}).exists()
    assert list(
        selectors.cases(staff.civil, {"reporter_type": "community_worker"})
    ) == [case]


def test_a_report_needs_the_unit_and_refuses_an_unknown_channel(staff):
    with pytest.raises(InvalidInput) as exc:
        reported(demanding_unit="  ")
    assert exc.value.code == SupervisionCode.DEMAND_UNIT_REQUIRED
    with pytest.raises(InvalidInput):
        registered(staff.civil, channel="fax")
    with pytest.raises(InvalidInput):
        reported(account="x" * 2001)
    assert not Case.objects.exists()


def test_the_city_and_the_province_cannot_register_or_move_a_case(staff, clock_at):
    """REQ-098: higher levels read, never write."""
    case = reported()
    for reader in (staff.city, staff.province):
        assert selectors.cases(reader).get() == case
        with pytest.raises(NotAllowed):
            registered(reader)
        with pytest.raises(NotAllowed):
            services.case_verify(case_id=case.pk, actor=reader, founded=True, note="x")
    with pytest.raises(NotAllowed):
        services.case_verify(
            case_id=case.pk, actor=staff.other_county, founded=True, note="x"
        )
    assert not selectors.cases(staff.other_county).exists()
    assert not selectors.cases(staff.clerk).exists()


def test_a_case_goes_through_every_step_to_closed(staff):
    """REQ-089: registered → verified → notice → feedback → response → correction →
    closed, each step journaled with its actor."""
    case = through(reported(), staff.civil, "closed", dt.date.today())
    assert case.status == CaseStatus.CLOSED
    assert case.step_due_on is None
    events = [e.event for e in audit.history(case)]
    assert events == [
        "supervision.case_registered",
        "supervision.case_verified",
        "supervision.case_notified",
        "supervision.case_feedback_sent",
        "supervision.case_responded",
        "supervision.case_corrected",
        "supervision.case_closed",
    ]
    assert {e.actor for e in audit.history(case)[1:]} == {str(staff.civil)}


def test_a_verified_case_cannot_close_without_notice_and_correction(staff):
    """REQ-089: until both a notice or exposure and the correction exist."""
    case = through(reported(), staff.civil, "verified", dt.date.today())
    with pytest.raises(Conflict) as exc:
        services.case_close(case_id=case.pk, actor=staff.civil)
    assert exc.value.code == SupervisionCode.CASE_INCOMPLETE
    assert len(exc.value.detail["missing"]) == 4
    case = through(case, staff.civil, "responded", dt.date.today())
    with pytest.raises(Conflict):
        services.case_close(case_id=case.pk, actor=staff.civil)


def test_steps_cannot_be_skipped(staff):
    case = reported()
    with pytest.raises(InvalidTransition):
        services.case_feedback(
            case_id=case.pk,
            actor=staff.civil,
            recipient="x",
            sent_on=dt.date.today(),
            text="x",
        )


def test_an_unfounded_report_ends_with_the_reasons(staff):
    case = services.case_verify(
        case_id=reported().pk, actor=staff.civil, founded=False, note="经核实系政策规定"
    )
    assert case.status == CaseStatus.UNFOUNDED
    assert case.verification_note == "经核实系政策规定"
    assert case.closed_at is not None
    with pytest.raises(InvalidTransition):
        through(case, staff.civil, "notified", dt.date.today())


def test_exposure_needs_platform_date_and_reason(staff):
    """REQ-090: choosing "expose" requires the platform, the date and the reason."""
    case = through(reported(), staff.civil, "verified", dt.date.today())
    with pytest.raises(InvalidInput) as exc:
        services.case_notify(
            case_id=case.pk,
            actor=staff.civil,
            exposure_platform="县融媒体中心",
            exposed_on=dt.date.today(),
        )
    assert exc.value.code == SupervisionCode.EXPOSURE_INCOMPLETE
    with pytest.raises(InvalidInput) as exc:
        services.case_notify(case_id=case.pk, actor=staff.civil)
    assert exc.value.code == SupervisionCode.NOTICE_OR_EXPOSURE_REQUIRED
    case = services.case_notify(
        case_id=case.pk,
        actor=staff.civil,
        exposure_platform="县融媒体中心",
        exposed_on=dt.date.today(),
        exposure_reason="多次要求、影响恶劣",
    )
    assert case.exposed and case.notice_on is None
    assert case.status == CaseStatus.NOTIFIED


def test_a_case_closes_with_a_circular_notice_only(staff):
    """REQ-090, DIV-08: exposure is optional when a notice was issued."""
    case = through(reported(), staff.civil, "closed", dt.date.today())
    assert case.notice_on is not None and not case.exposed


def test_feedback_and_rectification_response_are_recorded(staff):
    """REQ-091: the feedback sent (recipient, date) and a response status that is
    updated as the rectification goes on."""
    today = dt.date.today()
    case = through(reported(), staff.civil, "responded", today)
    assert case.feedback_recipient == "县发展和改革局"
    assert case.feedback_sent_on == today
    case = services.case_response(
        case_id=case.pk,
        actor=staff.civil,
        status="in_progress",
        text="整改中",
        on=today,
    )
    assert case.response_status == "in_progress"
    with pytest.raises(InvalidInput):
        services.case_response(
            case_id=case.pk, actor=staff.civil, status="maybe", text="x", on=today
        )


def test_dates_in_the_future_are_refused(staff):
    case = through(reported(), staff.civil, "verified", dt.date.today())
    with pytest.raises(InvalidInput):
        services.case_notify(
            case_id=case.pk,
            actor=staff.civil,
            notice_on=dt.date.today() + dt.timedelta(days=1),
            notice_text="x",
        )


def test_each_step_gets_a_deadline_and_late_cases_are_listed(staff, clock_at):
    clock_at(2026, 9, 29, 10)  # a Tuesday before the National Day holiday
    case = reported()
    assert case.step_due_on == dt.date(2026, 10, 12)  # 5 working days, holiday skipped
    clock_at(2026, 10, 13, 9)
    assert list(selectors.cases_overdue(staff.civil, dt.date(2026, 10, 13))) == [case]
    case = services.case_verify(
        case_id=case.pk, actor=staff.civil, founded=True, note="x"
    )
    assert not selectors.cases_overdue(staff.civil, dt.date(2026, 10, 13)).exists()


def test_the_county_sets_the_hotline_and_the_deadlines(staff):
    """DIV-09: the hotline is configured per jurisdiction."""
    services.settings_update(
        actor=staff.civil,
        county_code=COUNTY,
        values={"hotline": "0936-6121532", "verify_days": 3},
    )
    assert services.settings_for(COUNTY).hotline == "0936-6121532"
    with pytest.raises(InvalidInput):
        services.settings_update(
            actor=staff.civil, county_code=COUNTY, values={"verify_days": 0}
        )
    with pytest.raises(InvalidInput):
        services.settings_update(
            actor=staff.civil, county_code=COUNTY, values={"secret": 1}
        )
    with pytest.raises(InvalidInput):
        services.settings_update(
            actor=staff.civil, county_code=COUNTY, values={"hotline": "1" * 41}
        )
    assert services.settings_for(COUNTY).hotline == "0936-6121532"
    with pytest.raises(NotAllowed):
        services.settings_update(
            actor=staff.province, county_code=COUNTY, values={"hotline": "1"}
        )


def test_the_contact_is_for_the_handlers_only(staff):
    case = reported()
    assert selectors.sees_contact(staff.civil, case)
    assert not selectors.sees_contact(staff.province, case)
    assert not selectors.sees_contact(staff.township, case)


def test_the_database_refuses_a_closed_case_with_a_step_missing(staff):
    case = reported()
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status="closed")
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(exposure_platform="某平台")


def test_the_intake_desks_report_opens_the_same_case(tree, staff):
    """REQ-016 → REQ-089: "report this demand" at intake becomes a supervision case."""
    from yinzheng.certificates import services as certificates

    report = certificates.demand_report(
        actor=staff.clerk,
        committee_code=tree["A1a"],
        item_text="出生证明",
        demanding_organisation="某医院",
        note="医院要求村委会开具出生证明",
    )
    case = Case.objects.get(demand_report=report)
    assert case.county_id == COUNTY
    assert case.committee_id == tree["A1a"]
    assert case.status == CaseStatus.REGISTERED
    assert case.account == "医院要求村委会开具出生证明"
    assert case.registered_by == staff.clerk
    assert list(selectors.cases(staff.civil)) == [case]
