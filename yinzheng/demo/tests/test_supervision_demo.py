"""The demo supervision: made through the services, a case in every step, a logged draw,
an overdue and a reopened rectification item, checks and alerts; the city reads it all
and writes nothing, and the loader runs twice without duplicates."""

import pytest

from yinzheng.accounts import policy
from yinzheng.accounts.models import User
from yinzheng.core import clock
from yinzheng.demo.loader import load_demo
from yinzheng.demo.supervision import common as demo
from yinzheng.divisions.models import Division
from yinzheng.ledger import services as ledger
from yinzheng.supervision import selectors, services
from yinzheng.supervision.choices import (
    AlertKind,
    AlertStatus,
    CaseStatus,
    Channel,
    FindingKind,
    InspectionMode,
    ItemEventKind,
    ItemStatus,
    ReporterType,
)
from yinzheng.supervision.models import (
    Alert,
    Case,
    Criticism,
    Draw,
    Inspection,
    RectificationItem,
    TownshipCheck,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _user(username):
    return User.objects.get(username=username)


def _counts():
    models = (Case, Draw, Inspection, RectificationItem, TownshipCheck, Alert)
    return [m.objects.count() for m in models]


def test_the_demo_has_a_case_in_every_step_from_every_channel_REQ_087_091():
    load_demo()
    counts = _counts()
    load_demo()
    assert _counts() == counts

    cases = Case.objects.all()
    assert {c.status for c in cases} == set(CaseStatus.values)
    notified = cases.filter(status=CaseStatus.NOTIFIED)
    assert notified.filter(exposed_on__isnull=True).exists()  # a notice only
    assert notified.filter(exposed_on__isnull=False).exists()  # REQ-090
    assert {c.channel for c in cases} == set(Channel.values)
    assert {c.reporter_type for c in cases} == set(ReporterType.values)
    assert {c.county_id for c in cases} == set(demo.COUNTIES)
    assert all("示例" in c.account for c in cases)
    assert not services.missing_steps(cases.get(status=CaseStatus.CLOSED))
    # REQ-098: the city's inspector sees the overdue cases of its counties.
    overdue = selectors.cases_overdue(_user("ducha"), clock.today())
    assert {c.status for c in overdue} >= {
        CaseStatus.REGISTERED,
        CaseStatus.FEEDBACK_SENT,
    }
    assert services.settings_for(demo.SUNAN).hotline == "0936-6121532"  # DIV-09
    assert all(services.settings_for(c).hotline for c in demo.COUNTIES)
    assert all(report.ok for report in ledger.verify())


def test_the_demo_has_a_draw_inspections_and_a_rectification_list_REQ_092_097():
    load_demo()
    today = clock.today()

    draw = Draw.objects.get(seed=demo.DRAW_SEED)
    assert services.draw_replay(draw)
    for township, drawn in draw.sample["drawn"].items():  # REQ-095
        assert len(drawn) == min(2, len(draw.sample["candidates"][township]))
    special = Inspection.objects.get(draw=draw)
    assert special.mode == InspectionMode.SPECIAL
    assert {c.code for c in special.committees.all()} == {
        c.code for c in draw.committees.all()
    }
    assert set(Inspection.objects.values_list("mode", flat=True)) == set(
        InspectionMode.values
    )

    criticism = Criticism.objects.get(committee_id=demo.CHANGCHENG)  # REQ-092
    finding = criticism.finding
    assert finding.kind == FindingKind.NON_COMPLIANT_SEAL_USE
    assert finding.register_entries.filter(event="register.entry").count() == 1
    assert finding.items.get().deadline > today

    assert selectors.items_overdue(_user(demo.INSPECTOR), today).exists()  # REQ-096
    reopened = RectificationItem.objects.get(status=ItemStatus.REOPENED)  # REQ-097
    assert reopened.round == 2 and reopened.deadline >= today
    assert [(e.round, e.kind) for e in reopened.events.all()] == [
        (1, ItemEventKind.OPENED),
        (1, ItemEventKind.EVIDENCE),
        (1, ItemEventKind.CLOSED),
        (1, ItemEventKind.FOLLOW_UP_SCHEDULED),
        (2, ItemEventKind.RELAPSE),
    ]
    booked = RectificationItem.objects.get(status=ItemStatus.CLOSED)
    assert booked.follow_up_on > today

    # REQ-098: the city reads the county's list but may not act on it.
    city, county = _user("ducha"), _user(demo.INSPECTOR)
    shandan = Division.objects.get(code=demo.SHANDAN)
    assert RectificationItem.objects.visible_to(city).count() == (
        RectificationItem.objects.filter(county_id=demo.SHANDAN).count()
    )
    assert not policy.can(city, "supervision.inspect", shandan)
    assert policy.can(county, "supervision.inspect", shandan)


def test_the_demo_has_township_checks_and_scanned_alerts_REQ_093():
    load_demo()

    checks = TownshipCheck.objects.filter(township_id="620725101")
    assert checks.filter(acknowledged_at__isnull=False).exists()
    assert checks.filter(acknowledged_at__isnull=True, alert__isnull=True).exists()

    alerts = {a.kind: a for a in Alert.objects.filter(committee_id=demo.CHANGCHENG)}
    # Off-hours sealing shows too when the demo is loaded outside office hours.
    assert {AlertKind.REFUSED_THEN_ISSUED, AlertKind.HANDOVER_OVERDUE} <= set(alerts)
    dismissed = alerts[AlertKind.REFUSED_THEN_ISSUED]
    assert dismissed.status == AlertStatus.DISMISSED and "示例" in (
        dismissed.dismiss_reason
    )
    checked = alerts[AlertKind.HANDOVER_OVERDUE]
    assert checked.status == AlertStatus.CHECKED
    assert checked.check_record.acknowledged_at is None

    before = Alert.objects.count()
    result = services.scan(county_codes=demo.COUNTIES)  # idempotent
    assert result.raised == 0 and Alert.objects.count() == before


def test_the_demo_has_a_statistics_table_submitted_draft_and_late():
    """REQ-100–102: 清泉镇 submitted in time; the police's draft and every other unit
    are late."""
    from yinzheng.core import clock
    from yinzheng.stats import selectors
    from yinzheng.stats.models import StatsTable

    load_demo()
    load_demo()  # twice: one table
    table = StatsTable.objects.get(county_id="620725")
    statuses = {u.name: u.status for u in selectors.unit_statuses(table, clock.today())}
    assert statuses["清泉镇"] == "submitted"
    assert "late" in statuses.values()
    assert any(n.endswith("公安") and s == "late" for n, s in statuses.items())
    assert len(selectors.consolidated_rows(table)) == 3
    from yinzheng.stats.models import Survey

    survey = Survey.objects.get(county_id="620725")  # REQ-099: half done
    assert survey.entries.count() == 4
    assert survey.entries.filter(disposition="").count() == 2
