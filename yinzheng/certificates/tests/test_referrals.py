"""Referral of a case to the responsible department's own queue (一门式, REQ-118).

The clerk refers, from the case screen, a case the committee does not issue to the
department of its county or township; the resident gets the notice with the route,
naming the office; the department — and only that department, over that division —
finds it in its queue (page, API, inbox), acknowledges it and closes it with its answer,
which the committee reads on the case. Every step is journaled.
"""

import pytest

from yinzheng.accounts.choices import Department, Role
from yinzheng.catalogue.models import Item
from yinzheng.certificates import selectors, services
from yinzheng.certificates.choices import ReferralStatus, Status
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as f
from yinzheng.ledger.models import Entry

from .factories import request

A1A = "620725101001"
COUNTY, TOWNSHIP = "620725", "620725101"


@pytest.fixture
def health(tree):
    """The county's health officer (卫健), whose grant covers the county."""
    return f.user("weijian", role=Role.DEPARTMENT, at=COUNTY, department="health")


@pytest.fixture
def case(people):
    item = Item.objects.get(key="proof_of_life")
    return request(actor=people.clerk, committee=A1A, item=item, resident_name="王五")


def _refer(people, case, **over):
    values = {
        "department": Department.HEALTH,
        "jurisdiction_code": COUNTY,
        "reason": "该证明应由卫生健康部门出具",
        "note": "请联系申请人",
        **over,
    }
    return services.request_refer(actor=people.clerk, request_id=case.pk, **values)


# The clerk's hand-off --------------------------------------------------------------


def test_the_clerk_refers_a_case_to_the_county_department_REQ_118(people, case):
    referral = _refer(people, case)
    case.refresh_from_db()
    assert case.status == Status.REFUSED  # the committee does not issue it
    assert case.refusal_notice and case.refusal_route  # the resident's notice
    assert referral.status == ReferralStatus.REFERRED
    assert referral.jurisdiction_id == COUNTY
    assert referral.department_name == "卫生健康"  # as the item names it
    assert referral.note == "请联系申请人"
    assert Entry.objects.filter(
        event="certificate_request.referred",
        subject=f"certificates.certificaterequest:{case.pk}",
    ).exists()


def test_the_notice_names_the_office_the_case_went_to_REQ_118(people, case, tmp_path):
    from .test_services import _pdf_text

    _refer(people, case)
    case.refresh_from_db()
    text = _pdf_text(case.refusal_notice, tmp_path)
    assert "本申请已转交" in text and case.refusal_route.split()[0][:6] in text


def test_the_township_may_be_chosen_but_no_other_place_REQ_118(people, case, tree):
    assert _refer(people, case, jurisdiction_code=TOWNSHIP).jurisdiction_id == TOWNSHIP


@pytest.mark.parametrize(
    "over, code",
    [
        ({"jurisdiction_code": "620725102"}, "jurisdiction_invalid"),  # not its own
        ({"jurisdiction_code": "440804"}, "jurisdiction_invalid"),
        ({"jurisdiction_code": ""}, "jurisdiction_invalid"),
        ({"department": "bureau_of_magic"}, "department_invalid"),
        ({"reason": "  "}, "reason_required"),
        ({"note": "x" * 2001}, "text_too_long"),
    ],
)
def test_invalid_referrals_are_refused_with_the_reason_REQ_118(
    people, case, over, code
):
    with pytest.raises(InvalidInput) as err:
        _refer(people, case, **over)
    assert err.value.code == code
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_what_the_committee_issues_is_not_referred_REQ_118(people, catalogue):
    ordinary = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    with pytest.raises(Conflict) as err:
        _refer(people, ordinary)
    assert err.value.code == "not_referable"


def test_only_the_committees_clerk_refers_REQ_118(people, case, health):
    for actor in (people.other_clerk, health):
        with pytest.raises(NotAllowed):
            services.request_refer(
                actor=actor,
                request_id=case.pk,
                department="health",
                jurisdiction_code=COUNTY,
                reason="x",
            )


def test_a_referred_case_is_referred_once_REQ_118(people, case):
    _refer(people, case)
    with pytest.raises(Conflict):
        _refer(people, case)


# The department's queue ------------------------------------------------------------


def test_the_case_is_in_the_queue_of_that_department_over_that_division_REQ_118(
    people, case, health, tree
):
    referral = _refer(people, case, jurisdiction_code=TOWNSHIP)
    police = f.user(
        "gongan", role=Role.DEPARTMENT, at=COUNTY, department="public_security"
    )
    elsewhere = f.user(
        "weijian_b", role=Role.DEPARTMENT, at="440804", department="health"
    )
    city = f.user("weijian_shi", role=Role.DEPARTMENT, at="6207", department="health")
    assert list(selectors.referral_queue(health)) == [
        referral
    ]  # county covers township
    assert list(selectors.referral_queue(city)) == [referral]
    assert list(selectors.referral_queue(police)) == []
    assert list(selectors.referral_queue(elsewhere)) == []
    assert list(selectors.referral_queue(people.clerk)) == []


def test_the_department_acknowledges_then_closes_with_its_answer_REQ_118(
    people, case, health
):
    referral = _refer(people, case)
    services.referral_acknowledge(actor=health, referral_id=referral.pk)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACKNOWLEDGED
    assert referral.acknowledged_by == health
    services.referral_close(
        actor=health, referral_id=referral.pk, answer="已为申请人办理，出具死亡医学证明"
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
    assert referral.answer == "已为申请人办理，出具死亡医学证明"
    assert list(selectors.referral_queue(health)) == []
    assert list(selectors.referral_queue(health, open_only=False)) == [referral]
    events = set(
        Entry.objects.filter(
            subject=f"certificates.referral:{referral.pk}"
        ).values_list("event", flat=True)
    )
    assert events == {
        "certificate_referral.acknowledged",
        "certificate_referral.closed",
    }


def test_steps_out_of_order_or_without_an_answer_are_refused_REQ_118(
    people, case, health
):
    referral = _refer(people, case)
    with pytest.raises(Conflict):  # close before acknowledging
        services.referral_close(actor=health, referral_id=referral.pk, answer="已办")
    services.referral_acknowledge(actor=health, referral_id=referral.pk)
    with pytest.raises(Conflict):
        services.referral_acknowledge(actor=health, referral_id=referral.pk)
    with pytest.raises(InvalidInput):
        services.referral_close(actor=health, referral_id=referral.pk, answer=" ")


def test_other_departments_divisions_and_roles_may_not_act_REQ_118(
    people, case, health, tree
):
    referral = _refer(people, case)
    police = f.user(
        "gongan", role=Role.DEPARTMENT, at=COUNTY, department="public_security"
    )
    elsewhere = f.user(
        "weijian_b", role=Role.DEPARTMENT, at="440804", department="health"
    )
    civil = f.user("minzheng_x", role=Role.CIVIL_AFFAIRS, at=COUNTY)
    for actor in (police, elsewhere, civil, people.clerk, people.head):
        with pytest.raises(NotAllowed):
            services.referral_acknowledge(actor=actor, referral_id=referral.pk)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REFERRED
