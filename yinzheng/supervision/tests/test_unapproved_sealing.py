"""REQ-121, 乱作为: 「未经请示同意，任何人不得擅自加盖公章」. A sealing in a committee's
register without the head's recorded approval raises a supervision alert for the
committee, naming the register entry; sealings made through the service raise nothing;
the scan raises each one once."""

import datetime as dt

import pytest

from yinzheng.accounts.choices import Role
from yinzheng.core.tests import factories as f
from yinzheng.core.tests.files import pdf_bytes
from yinzheng.seals.services import usage
from yinzheng.seals.tests import factories as seal_factories
from yinzheng.supervision import services
from yinzheng.supervision.choices import AlertKind
from yinzheng.supervision.models import Alert

from . import factories
from .factories import COUNTY

pytestmark = pytest.mark.django_db

SINCE, UNTIL = dt.date(2026, 10, 1), dt.date(2026, 11, 30)


@pytest.fixture
def committee(tree, clock_at):
    """Committee A1a with its head, clerk and custodian, and a seal in use."""
    clock_at(2026, 11, 2, 9)
    a1a = tree["A1a"]
    people = type(
        "People",
        (),
        dict(
            township=f.user("xiangzhen", role=Role.TOWNSHIP, at=a1a[:9]),
            head=f.user("zhuren", role=Role.HEAD, at=a1a),
            clerk=f.user("jingban", role=Role.CLERK, at=a1a),
            custodian=f.user("yinzhang", role=Role.CUSTODIAN, at=a1a),
        ),
    )
    seal = seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=a1a,
    )
    return people, seal


def _filed(people, seal, *, approve: bool):
    u = usage.usage_request(
        actor=people.clerk,
        seal_id=seal.pk,
        category="W1",
        content="关于村道硬化的村民代表会议决议",
        copies=1,
        document=("decision.pdf", pdf_bytes("road")),
    )
    usage.usage_review(actor=people.clerk, usage_id=u.pk, approve=True, not_blank=True)
    if approve:
        usage.usage_approve(actor=people.head, usage_id=u.pk, approve=True)
    return u


def _scan():
    return services.scan(county_codes=[COUNTY], since=SINCE, until=UNTIL)


def _alerts():
    return list(Alert.objects.filter(kind=AlertKind.UNAPPROVED_SEALING))


def test_req_121_sealings_through_the_service_raise_nothing(committee, clock_at):
    """REQ-121: approved by the head, then sealed by the custodian: clean."""
    people, seal = committee
    for _n in range(2):
        u = _filed(people, seal, approve=True)
        usage.usage_seal(actor=people.custodian, usage_id=u.pk)
    clock_at(2026, 11, 6, 10)
    _scan()
    assert _alerts() == []


def test_req_121_a_sealing_without_the_heads_approval_is_flagged(
    committee, clock_at, tree
):
    """REQ-121: a register entry for a request reviewed but never approved (written
    around the sealing service) raises an alert naming the committee and the entry."""
    people, seal = committee
    sealed = _filed(people, seal, approve=True)
    usage.usage_seal(actor=people.custodian, usage_id=sealed.pk)  # clean, beside it
    unapproved = _filed(people, seal, approve=False)
    clock_at(2026, 11, 3, 10)
    entry = factories.register_entry(
        tree["A1a"], matter=f"seals.usagerequest:{unapproved.pk}"
    )
    clock_at(2026, 11, 6, 10)
    result = _scan()
    assert result.by_kind[AlertKind.UNAPPROVED_SEALING] == 1
    (alert,) = _alerts()
    assert alert.committee_id == tree["A1a"]
    assert [e["entry"] for e in alert.evidence] == [entry.pk]
    assert alert.evidence[0]["problem"] == "not_approved"
    assert alert.evidence[0]["matter"] == f"seals.usagerequest:{unapproved.pk}"
    assert f"第 {entry.seq} 号" in alert.summary and "没有主任签批记录" in alert.summary


def test_req_121_an_entry_naming_no_seal_use_request_is_flagged(
    committee, clock_at, tree
):
    """REQ-121: a sealing for a request that does not exist."""
    clock_at(2026, 11, 3, 10)
    entry = factories.register_entry(tree["A1a"], matter="seals.usagerequest:999999")
    clock_at(2026, 11, 6, 10)
    _scan()
    (alert,) = _alerts()
    assert alert.evidence[0]["entry"] == entry.pk
    assert alert.evidence[0]["problem"] == "no_usage_request"


def test_req_121_an_approval_journaled_after_the_sealing_is_flagged(
    committee, clock_at, tree
):
    """REQ-121: an entry written before the head's approval was recorded."""
    people, seal = committee
    u = _filed(people, seal, approve=False)
    clock_at(2026, 11, 3, 10)
    entry = factories.register_entry(tree["A1a"], matter=f"seals.usagerequest:{u.pk}")
    clock_at(2026, 11, 3, 11)
    usage.usage_approve(actor=people.head, usage_id=u.pk, approve=True)
    clock_at(2026, 11, 6, 10)
    _scan()
    (alert,) = _alerts()
    assert alert.evidence[0]["entry"] == entry.pk
    assert alert.evidence[0]["problem"] == "approved_after_sealing"


def test_req_121_an_approved_request_sealed_around_the_custodian_is_flagged(
    committee, clock_at, tree
):
    """REQ-121: approved, but the entry was not written by the sealing service, so the
    request does not name it (no custodian, no separation of duties checked)."""
    people, seal = committee
    u = _filed(people, seal, approve=True)
    clock_at(2026, 11, 3, 10)
    entry = factories.register_entry(tree["A1a"], matter=f"seals.usagerequest:{u.pk}")
    clock_at(2026, 11, 6, 10)
    _scan()
    (alert,) = _alerts()
    assert [(e["entry"], e["problem"]) for e in alert.evidence] == [
        (entry.pk, "entry_not_claimed")
    ]


def test_req_121_scanning_twice_raises_the_alert_once(committee, clock_at, tree):
    """REQ-121: the alert's fingerprint (kind, committee, month) keeps it single."""
    people, seal = committee
    u = _filed(people, seal, approve=False)
    clock_at(2026, 11, 3, 10)
    factories.register_entry(tree["A1a"], matter=f"seals.usagerequest:{u.pk}")
    clock_at(2026, 11, 6, 10)
    assert _scan().by_kind[AlertKind.UNAPPROVED_SEALING] == 1
    again = _scan()
    assert again.by_kind[AlertKind.UNAPPROVED_SEALING] == 0
    assert len(_alerts()) == 1
