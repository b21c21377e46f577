"""REQ-123, three outcomes, no vacuum: an item a department certifies is on its own kind
of list, found by the lookup with its department and route, never issued by a
committee, and has a guide page."""

import pytest
from django.urls import reverse

from yinzheng.accounts.choices import Role
from yinzheng.catalogue import selectors, services
from yinzheng.catalogue.choices import ListKind
from yinzheng.certificates.choices import IntakeClass, Outcome, Status
from yinzheng.certificates.services import (
    request_create,
    request_refuse,
    request_verify,
)
from yinzheng.core.errors import Conflict, InvalidInput
from yinzheng.core.tests import factories as f

from . import factories

COUNTY = "620725"


@pytest.fixture
def certified(tree):
    # With a basis and within duties, so that only the department list keeps it off a
    # positive list.
    item = factories.item(
        "纳税情况证明",
        guide=False,
        route="到主管税务机关办税服务厅开具",
        departments=["税务"],
        key="tax_paid",
    )
    factories.published(COUNTY, ListKind.DEPARTMENT, [item])
    return item


def test_req_123_the_lookup_names_the_department_and_route(certified, tree):
    (first, *_rest) = selectors.lookup_items("纳税情况证明", committee_code=tree["A1a"])
    assert first.item == certified and first.list == "department"
    entry = selectors.effective_catalogue(tree["A1a"], f_today())[certified.key]
    assert entry.kind == ListKind.DEPARTMENT


def test_req_123_the_public_guide_page_sends_the_resident_to_the_department(
    certified, client
):
    page = client.get(certified.get_absolute_url()).content.decode()
    assert "应由相关部门出具" in page
    assert "到主管税务机关办税服务厅开具" in page and "税务" in page
    search = client.get(reverse("portal:catalogue"), {"q": "纳税情况证明"})
    assert "应由相关部门出具" in search.content.decode()


def test_req_123_a_department_list_entry_needs_a_route_and_a_department(tree):
    bare = factories.item("无途径证明", basis=None, within_duties=False, guide=False)
    with pytest.raises(InvalidInput) as refused:
        factories.published(COUNTY, ListKind.DEPARTMENT, [bare])
    assert "缺少办事途径" in str(refused.value.message)
    assert "缺少办理部门" in str(refused.value.message)


def test_req_123_a_department_item_cannot_go_onto_a_positive_list_below(certified):
    with pytest.raises((InvalidInput, services.ListRuleViolation)) as refused:
        factories.published(COUNTY, ListKind.POSITIVE, [certified])
    assert "村（居）委会不出具" in str(refused.value.message)


def test_req_123_a_committee_never_issues_it_and_refuses_with_the_route(
    certified, tree
):
    clerk = f.user("clerk", role=Role.CLERK, at=tree["A1a"])
    req = request_create(
        actor=clerk,
        committee_code=tree["A1a"],
        item_key=certified.key,
        resident_name="张三",
        id_number="620725200501011232",
        phone="13812345678",
        purpose="申请补贴",
        requiring_unit="县人社局",
        facts="—",
    )
    assert req.intake_class == IntakeClass.DEPARTMENT
    assert req.outcome == Outcome.REFUSE
    with pytest.raises(Conflict):
        request_verify(actor=clerk, request_id=req.pk, what="x", how="y")
    req = request_refuse(actor=clerk, request_id=req.pk, reason="应由税务机关出具")
    assert req.status == Status.REFUSED
    assert req.refusal_route == "到主管税务机关办税服务厅开具"
    assert req.refusal_department == "税务"


def f_today():
    from yinzheng.core import clock

    return clock.today()
