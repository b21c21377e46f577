"""The register scan: each alert fires on its planted pattern and stays silent on clean
data; the scan is idempotent; an alert is dismissed with a reason or becomes a check."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from yinzheng.accounts.choices import Role
from yinzheng.certificates.choices import IntakeClass, Status
from yinzheng.certificates.models import CertificateRequest
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as f
from yinzheng.ledger import audit
from yinzheng.seals import services as seals
from yinzheng.seals.tests import factories as seal_factories
from yinzheng.supervision import inbox, selectors, services
from yinzheng.supervision.choices import AlertKind, AlertStatus
from yinzheng.supervision.models import Alert

from . import factories
from .factories import COUNTY, people

pytestmark = pytest.mark.django_db

_seq = itertools.count(1)
SINCE, UNTIL = dt.date(2026, 10, 1), dt.date(2026, 11, 30)


@pytest.fixture
def staff(tree):
    return people(tree)


def at(*parts):
    return timezone.make_aware(dt.datetime(*parts))


def register_entry(clock_at, committee, moment, register="work"):
    clock_at(*moment)
    return factories.register_entry(committee, register)


def certificate(
    clock_at,
    committee,
    *,
    id_number="620725200501010011",
    issued=None,
    refused=None,
    item=None,
    purpose="办理低保",
    intake=IntakeClass.POSITIVE,
):
    """A request row as the certificates app leaves it (only what the scan reads)."""
    n = next(_seq)
    moment = issued or refused or at(2026, 11, 3, 10)
    clerk = f.user("shouli")
    issue = {}
    if issued:  # what an issued certificate carries (its entry made in office hours)
        entry = register_entry(clock_at, committee, (2026, 11, 3, 10))
        issue = dict(verified_by=clerk, approved_by=clerk, register_entry=entry)
    return CertificateRequest.objects.create(
        committee_id=committee,
        tracking_code=f"T{n:08d}",
        resident_name="张三",
        id_number=id_number,
        phone="13900000000",
        item_text=item or "居住证明",
        purpose=purpose,
        facts="x",
        intake_class=intake,
        status=Status.ISSUED
        if issued
        else Status.REFUSED
        if refused
        else Status.RECEIVED,
        received_at=moment,
        issued_at=issued,
        refused_at=refused,
        serial=f"S-{n}" if issued else "",
        received_by=clerk,
        refusal_route="到派出所办理" if refused else "",
        refusal_department="公安派出所" if refused else "",
        **issue,
    )


def scan(**over):
    return services.scan(county_codes=[COUNTY], since=SINCE, until=UNTIL, **over)


def kinds():
    return sorted(Alert.objects.values_list("kind", flat=True))


def test_clean_data_raises_nothing(tree, clock_at, staff):
    register_entry(clock_at, tree["A1a"], (2026, 11, 3, 10))  # a Tuesday morning
    register_entry(clock_at, tree["A1b"], (2026, 11, 4, 15, 30))
    for committee in (tree["A1a"], tree["A1b"], tree["A2a"]):
        for i in range(4):
            certificate(
                clock_at,
                committee,
                id_number=f"62072520050101{i:04d}",
                issued=at(2026, 11, 5, 10),
            )
    clock_at(2026, 11, 6, 10)
    result = scan()
    assert result.raised == 0
    assert kinds() == []


def test_sealing_outside_office_hours_or_on_a_holiday_raises_an_alert(tree, clock_at):
    register_entry(clock_at, tree["A1a"], (2026, 11, 3, 10))  # clean
    late = register_entry(clock_at, tree["A1a"], (2026, 11, 3, 22, 15))
    holiday = register_entry(clock_at, tree["A1a"], (2026, 10, 2, 10))  # National Day
    clock_at(2026, 11, 6, 10)
    scan()
    alerts = {
        a.period_start.month: a for a in Alert.objects.filter(kind=AlertKind.OFF_HOURS)
    }
    assert [e["entry"] for e in alerts[11].evidence] == [late.pk]
    assert [e["entry"] for e in alerts[10].evidence] == [holiday.pk]
    assert alerts[11].committee_id == tree["A1a"]
    assert "非工作时间" in alerts[11].summary


def test_the_scan_is_idempotent_and_refreshes_an_open_alert(tree, clock_at):
    register_entry(clock_at, tree["A1a"], (2026, 11, 3, 22))
    clock_at(2026, 11, 6, 10)
    assert scan().raised == 1
    again = scan()
    assert (again.raised, again.refreshed) == (0, 0)
    register_entry(clock_at, tree["A1a"], (2026, 11, 7, 23))
    clock_at(2026, 11, 8, 10)
    again = scan()
    assert (again.raised, again.refreshed) == (0, 1)
    assert len(Alert.objects.get().evidence) == 2


def test_unconfirmed_certificate_entries_raise_an_alert_after_n_days(tree, clock_at):
    entry = register_entry(clock_at, tree["A1a"], (2026, 11, 2, 10), "certificate")
    clock_at(2026, 11, 6, 10)
    scan()
    assert AlertKind.UNCONFIRMED not in kinds()  # 4 days: not yet
    clock_at(2026, 11, 10, 10)
    scan()
    alert = Alert.objects.get(kind=AlertKind.UNCONFIRMED)
    assert [e["entry"] for e in alert.evidence] == [entry.pk]


def _people(tree):
    return dict(
        head=f.user("zhuren", role=Role.HEAD, at=tree["A1a"]),
        custodian=f.user("yinzhang", role=Role.CUSTODIAN, at=tree["A1a"]),
        township=f.user("xiangzhen", role=Role.TOWNSHIP, at="620725101"),
    )


def test_a_seal_out_past_its_return_time_raises_an_alert(tree, clock_at):
    clock_at(2026, 11, 3, 9)
    p = _people(tree)
    seal = seal_factories.in_use(
        officer=p["township"],
        head=p["head"],
        custodian=p["custodian"],
        committee=tree["A1a"],
    )
    from types import SimpleNamespace

    seal_factories.taken_out(seal, people=SimpleNamespace(**p))
    clock_at(2026, 11, 3, 12)
    scan()
    assert AlertKind.TAKEOUT_OVERDUE not in kinds()
    clock_at(2026, 11, 3, 18)
    scan()
    assert AlertKind.TAKEOUT_OVERDUE in kinds()


def test_an_overdue_handover_raises_an_alert(tree, clock_at):
    clock_at(2026, 11, 2, 9)
    p = _people(tree)
    seal_factories.in_use(
        officer=p["township"],
        head=p["head"],
        custodian=p["custodian"],
        committee=tree["A1a"],
    )
    newcomer = f.user("xinren", role=Role.CUSTODIAN, at=tree["A1a"])
    seals.handover_open(
        actor=p["head"],
        committee_code=tree["A1a"],
        trigger="custodian_change",
        trigger_date=dt.date(2026, 11, 2),
        outgoing_id=p["custodian"].pk,
        incoming_id=newcomer.pk,
    )
    clock_at(2026, 11, 10, 9)
    scan()
    assert AlertKind.HANDOVER_OVERDUE not in kinds()
    clock_at(2026, 11, 13, 9)
    scan()
    assert AlertKind.HANDOVER_OVERDUE in kinds()


def test_a_burst_of_certificates_for_one_resident_raises_an_alert(tree, clock_at):
    for day in range(2, 6):
        certificate(
            clock_at, tree["A1a"], issued=at(2026, 11, day, 10), purpose=f"用途{day}"
        )
    clock_at(2026, 11, 20, 10)
    scan()
    assert AlertKind.RESIDENT_BURST not in kinds()  # 4 < 5
    certificate(clock_at, tree["A1a"], issued=at(2026, 11, 6, 10), purpose="用途6")
    scan()
    alert = Alert.objects.get(kind=AlertKind.RESIDENT_BURST)
    assert len(alert.evidence) == 5
    assert "620725200501010011" not in alert.summary + alert.fingerprint  # masked


def test_a_burst_for_one_purpose_raises_an_alert(tree, clock_at, staff):
    services.settings_update(
        actor=staff.civil, county_code=COUNTY, values={"purpose_burst": 3}
    )
    for i in range(3):
        certificate(
            clock_at,
            tree["A1b"],
            id_number=f"62072520050101{i:04d}",
            issued=at(2026, 10, 10 + i, 10),
            purpose="申请贷款",
        )
    clock_at(2026, 11, 20, 10)
    scan()
    assert kinds() == [AlertKind.PURPOSE_BURST]


def test_a_refused_negative_item_issued_under_another_raises_an_alert(tree, clock_at):
    refused = certificate(
        clock_at,
        tree["A1a"],
        refused=at(2026, 11, 2, 10),
        item="无犯罪记录证明",
        intake=IntakeClass.NEGATIVE,
    )
    certificate(clock_at, tree["A1a"], issued=at(2026, 11, 9, 10), item="品行良好证明")
    certificate(
        clock_at,
        tree["A1b"],
        issued=at(2026, 11, 9, 10),
        item="品行良好证明",
        id_number="620725200501010099",
    )
    clock_at(2026, 11, 20, 10)
    scan()
    alert = Alert.objects.get(kind=AlertKind.REFUSED_THEN_ISSUED)
    assert alert.evidence[0]["request"] == refused.pk
    assert "品行良好证明" in alert.summary


def test_a_committee_refusing_far_more_than_its_peers_raises_an_alert(tree, clock_at):
    """不作为: positive-list refusals far above the county's median."""
    for committee, refusals in ((tree["A1a"], 5), (tree["A1b"], 0), (tree["A2a"], 1)):
        for i in range(8):
            moment = at(2026, 11, 3 + i, 10)
            if i < refusals:
                certificate(
                    clock_at,
                    committee,
                    refused=moment,
                    id_number=f"6207252005010{i:05d}",
                )
            else:
                certificate(
                    clock_at,
                    committee,
                    issued=moment,
                    id_number=f"6207252005010{i:05d}",
                )
    clock_at(2026, 11, 20, 10)
    scan()
    alerts = Alert.objects.filter(kind=AlertKind.REFUSAL_OUTLIER)
    assert [a.committee_id for a in alerts] == [tree["A1a"]]


def test_an_alert_is_dismissed_with_a_reason_and_stays_dismissed(tree, clock_at, staff):
    register_entry(clock_at, tree["A1a"], (2026, 11, 3, 22))
    clock_at(2026, 11, 6, 10)
    scan()
    alert = Alert.objects.get()
    assert {str(i.label): i.count for i in inbox.alerts(staff.township)} == {
        "待处理的用印预警": 1
    }
    with pytest.raises(InvalidInput):
        services.alert_dismiss(actor=staff.township, alert_id=alert.pk, reason=" ")
    with pytest.raises(NotAllowed):
        services.alert_dismiss(actor=staff.province, alert_id=alert.pk, reason="x")
    services.alert_dismiss(
        actor=staff.township, alert_id=alert.pk, reason="夜间抢险，主任电话同意"
    )
    assert [e.event for e in audit.history(alert)][-1] == "supervision.alert_dismissed"
    register_entry(clock_at, tree["A1a"], (2026, 11, 7, 23))
    clock_at(2026, 11, 8, 10)
    scan()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DISMISSED and len(alert.evidence) == 1
    with pytest.raises(Conflict):
        services.alert_dismiss(actor=staff.township, alert_id=alert.pk, reason="x")


def test_an_alert_turned_into_a_check_reaches_the_committee(tree, clock_at, staff):
    register_entry(clock_at, tree["A1a"], (2026, 11, 3, 22))
    clock_at(2026, 11, 6, 10)
    scan()
    alert = Alert.objects.get()
    check = services.alert_to_check(
        actor=staff.township,
        alert_id=alert.pk,
        checked_on=dt.date(2026, 11, 6),
        findings="夜间用印未说明理由",
        feedback="补写说明",
    )
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CHECKED and alert.check_record == check
    assert list(selectors.checks_to_acknowledge(staff.clerk)) == [check]
    assert not selectors.alerts(staff.township).exists()


def test_a_county_inspector_may_turn_an_alert_into_a_check(tree, clock_at, staff):
    register_entry(clock_at, tree["A1a"], (2026, 11, 3, 22))
    clock_at(2026, 11, 6, 10)
    scan()
    check = services.alert_to_check(
        actor=staff.inspector,
        alert_id=Alert.objects.get().pk,
        checked_on=dt.date(2026, 11, 6),
        findings="夜间用印",
        feedback="说明理由",
    )
    assert check.checked_by == staff.inspector
    assert check.township_id == "620725101"
    with pytest.raises(NotAllowed):  # a plain check stays the township's
        services.check_record(
            actor=staff.inspector,
            committee_code=tree["A1a"],
            checked_on=dt.date(2026, 11, 6),
            findings="x",
            feedback="y",
        )


def test_a_county_may_ask_for_several_off_hours_sealings_before_an_alert(
    tree, clock_at, staff
):
    services.settings_update(
        actor=staff.civil, county_code=COUNTY, values={"off_hours_min": 2}
    )
    register_entry(clock_at, tree["A1a"], (2026, 11, 3, 22))
    clock_at(2026, 11, 6, 10)
    scan()
    assert kinds() == []
    register_entry(clock_at, tree["A1a"], (2026, 11, 7, 23))
    clock_at(2026, 11, 8, 10)
    scan()
    assert kinds() == [AlertKind.OFF_HOURS]
    assert len(Alert.objects.get().evidence) == 2


def _positive_requests(clock_at, committee, refusals, total=8):
    for i in range(total):
        moment = at(2026, 11, 3 + i, 10)
        kind = {"refused": moment} if i < refusals else {"issued": moment}
        certificate(clock_at, committee, id_number=f"6207252005010{i:05d}", **kind)


def test_req_121_a_committee_refusing_far_above_its_township_is_flagged_with_figures(
    tree, clock_at
):
    """REQ-121, 不作为: 长城 refuses 5 of 8 where its township's other committee refuses none;
    the county's median is high (another township refuses much), so only the township
    comparison shows it."""
    busy = [f.division(f"62072510200{n}").code for n in (2, 3, 4)]
    _positive_requests(clock_at, tree["A1a"], 5)
    _positive_requests(clock_at, tree["A1b"], 0)
    for code in [tree["A2a"], *busy]:
        _positive_requests(clock_at, code, 4)
    clock_at(2026, 11, 20, 10)
    scan()
    (alert,) = Alert.objects.filter(kind=AlertKind.REFUSAL_OUTLIER)
    assert alert.committee_id == tree["A1a"]
    assert "5 件/8 件" in alert.summary and "其他村（居）0%" in alert.summary
    assert alert.evidence[0]["township_peers"] == "0"


def test_req_121_a_clean_county_raises_no_refusal_alert(tree, clock_at):
    """REQ-121: peers refusing alike raise nothing."""
    for code in (tree["A1a"], tree["A1b"], tree["A2a"]):
        _positive_requests(clock_at, code, 1)
    clock_at(2026, 11, 20, 10)
    scan()
    assert not Alert.objects.filter(kind=AlertKind.REFUSAL_OUTLIER).exists()
