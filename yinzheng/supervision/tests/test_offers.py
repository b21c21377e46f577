"""What the pages and the API offer on each object now (policy.allowed_actions): the
next step where the user may take it, nothing for the city and the province (REQ-098)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts import policy
from yinzheng.supervision import services
from yinzheng.supervision.models import RectificationItem

from .factories import people, reported, through

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(tree, clock_at):
    clock_at(2026, 11, 2, 10)
    return people(tree)


def test_a_case_offers_its_next_step_to_its_handlers_only(staff):
    case = reported()
    assert set(policy.allowed_actions(staff.civil, case)) == {"verify"}
    assert not policy.allowed_actions(staff.province, case)
    case = through(case, staff.civil, "responded", dt.date(2026, 11, 2))
    assert set(policy.allowed_actions(staff.civil, case)) == {"response", "correct"}
    case = through(case, staff.civil, "closed", dt.date(2026, 11, 2))
    assert not policy.allowed_actions(staff.civil, case)


def test_an_item_offers_evidence_to_its_unit_and_closing_to_the_inspector(staff, tree):
    services.finding_record(
        actor=staff.inspector,
        committee_code=tree["A1a"],
        kind="seal_use",
        description="未经签批用印",
        deadline=dt.date(2026, 11, 20),
    )
    item = RectificationItem.objects.get()
    assert set(policy.allowed_actions(staff.head, item)) == {"evidence"}
    assert set(policy.allowed_actions(staff.inspector, item)) == {"close"}
    assert not policy.allowed_actions(staff.province, item)
    item = services.item_close(
        actor=staff.inspector, item_id=item.pk, evidence="已整改"
    )
    assert set(policy.allowed_actions(staff.inspector, item)) == {"schedule"}


def test_the_api_answers_with_the_allowed_actions(staff):
    case = reported()
    client = APIClient()
    client.force_authenticate(staff.civil)
    body = client.get(f"/api/supervision/cases/{case.pk}/").json()
    assert body["allowed_actions"] == ["verify"]
    client.force_authenticate(staff.province)
    body = client.get(f"/api/supervision/cases/{case.pk}/").json()
    assert body["allowed_actions"] == []
