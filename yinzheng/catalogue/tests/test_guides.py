"""Service guides: content, publication, the list rule that needs them, who may edit,
the public page and the API (REQ-028, REQ-075, REQ-076, REQ-077, REQ-116)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.catalogue import services
from yinzheng.catalogue.choices import Complexity, GuideStatus, ListKind
from yinzheng.catalogue.models import Guide
from yinzheng.catalogue.services import guides
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as people
from yinzheng.ledger.models import Entry

from . import factories

COUNTY = "620725"
D1 = dt.date(2024, 1, 1)
CONTENT = {
    "certificate_format": "兹证明……特此证明。",
    "procedure": "申请、核实、签批、用印、出具",
    "operating_rules": "当面核实身份",
    "purpose": "办理低保",
    "basis": "某法第1条",
    "materials": "居民身份证",
    "sample_form": "申请表样本",
}


@pytest.fixture
def clerk(tree):
    return people.user("clerk", role=Role.CLERK, at=tree["A1a"])


def _approved_positive_draft(item):
    lst = services.list_create(
        actor=SYSTEM, owner_code=COUNTY, kind=ListKind.POSITIVE, title="县正面清单"
    )
    version = services.version_draft(actor=SYSTEM, list_id=lst.pk, reason="首次制定")
    services.version_add_item(actor=SYSTEM, version_id=version.pk, item_key=item.key)
    return services.version_approve(
        actor=SYSTEM,
        version_id=version.pk,
        approval_body="县政府",
        approval_date=D1,
        approval_reference="文号",
    )


# Services ----------------------------------------------------------------------------


def test_publishing_a_positive_list_needs_a_published_guide_per_item_REQ_075(tree):
    item = factories.item("低保证明", guide=False)
    version = _approved_positive_draft(item)

    with pytest.raises(services.ListRuleViolation) as exc:
        services.version_publish(actor=SYSTEM, version_id=version.pk, valid_from=D1)

    assert [(p["code"], p["item"]) for p in exc.value.detail] == [
        ("guide_required", item.key)
    ]
    assert "办事指南" in str(exc.value.message)


def test_a_draft_guide_does_not_count_and_a_published_one_does_REQ_075(tree):
    item = factories.item(guide=False)
    version = _approved_positive_draft(item)
    guides.guide_save(actor=SYSTEM, item_key=item.key, **CONTENT)
    assert [p["code"] for p in services.publish_problems(version, valid_from=D1)] == [
        "guide_required"
    ]

    guides.guide_publish(actor=SYSTEM, item_key=item.key)

    assert services.publish_problems(version, valid_from=D1) == []
    services.version_publish(actor=SYSTEM, version_id=version.pk, valid_from=D1)


def test_negative_list_items_need_no_guide_REQ_077(tree):
    version = factories.published("62", ListKind.NEGATIVE, [factories.negative_item()])

    assert version.status == "published"


def test_guide_publish_names_the_missing_parts_REQ_028_076(tree, officer):
    item = factories.item(guide=False)
    guides.guide_save(actor=officer, item_key=item.key, purpose="办理低保")

    with pytest.raises(InvalidInput) as exc:
        guides.guide_publish(actor=officer, item_key=item.key)

    assert exc.value.code == "guide_incomplete"
    missing = {m["field"] for m in exc.value.detail}
    assert {"procedure", "certificate_format", "sample_form"} <= missing
    assert "purpose" not in missing
    for label in ["办理程序", "证明式样", "样表", "操作规范", "依据", "所需要件"]:
        assert label in str(exc.value.message)
    assert Guide.objects.get(item=item).status == GuideStatus.DRAFT


def test_a_complex_item_needs_a_time_limit_a_simple_one_does_not(tree):
    simple = factories.item(guide=False)
    guides.guide_save(actor=SYSTEM, item_key=simple.key, **CONTENT)
    assert guides.guide_publish(actor=SYSTEM, item_key=simple.key).is_published

    complex_item = factories.item(guide=False)
    complex_item.complexity, complex_item.time_limit_days = Complexity.COMPLEX, 5
    complex_item.save()
    guides.guide_save(actor=SYSTEM, item_key=complex_item.key, **CONTENT)
    with pytest.raises(InvalidInput) as exc:
        guides.guide_publish(actor=SYSTEM, item_key=complex_item.key)
    assert [m["field"] for m in exc.value.detail] == ["time_limit_days"]

    guides.guide_save(
        actor=SYSTEM, item_key=complex_item.key, time_limit_days=5, **CONTENT
    )
    assert guides.guide_publish(actor=SYSTEM, item_key=complex_item.key).is_published


def test_a_published_guide_is_not_edited_in_place_but_withdrawn_first(tree, officer):
    item = factories.item(guide=False)
    guides.guide_save(actor=officer, item_key=item.key, **CONTENT)
    guides.guide_publish(actor=officer, item_key=item.key)

    with pytest.raises(Conflict) as exc:
        guides.guide_save(actor=officer, item_key=item.key, **CONTENT)
    assert exc.value.code == "guide_published"

    guides.guide_withdraw(actor=officer, item_key=item.key, reason="依据修订")
    guide = guides.guide_save(
        actor=officer, item_key=item.key, **{**CONTENT, "purpose": "新用途"}
    )
    assert guide.status == GuideStatus.DRAFT and guide.purpose == "新用途"
    assert guide.updated_by == officer
    assert guides.guide_publish(actor=officer, item_key=item.key).published_at


def test_withdraw_needs_a_reason_and_a_published_guide(tree):
    item = factories.item(guide=False)
    guides.guide_save(actor=SYSTEM, item_key=item.key, **CONTENT)
    with pytest.raises(Conflict):
        guides.guide_withdraw(actor=SYSTEM, item_key=item.key, reason="x")
    guides.guide_publish(actor=SYSTEM, item_key=item.key)
    with pytest.raises(InvalidInput):
        guides.guide_withdraw(actor=SYSTEM, item_key=item.key, reason=" ")


def test_every_guide_action_is_audited_with_the_editor(tree, officer):
    item = factories.item(guide=False)

    guides.guide_save(actor=officer, item_key=item.key, **CONTENT)
    guides.guide_save(actor=officer, item_key=item.key, **CONTENT)
    guides.guide_publish(actor=officer, item_key=item.key)
    guides.guide_withdraw(actor=officer, item_key=item.key, reason="修订")

    events = list(
        Entry.objects.filter(event__startswith="guide.", actor_id=officer.pk)
        .order_by("recorded_at", "seq")
        .values_list("event", flat=True)
    )
    assert events == [
        "guide.created",
        "guide.updated",
        "guide.published",
        "guide.withdrawn",
    ]


@pytest.mark.parametrize("action", ["save", "publish", "withdraw"])
def test_a_clerk_cannot_touch_guides(tree, clerk, action):
    item = factories.item()
    calls = {
        "save": lambda: guides.guide_save(actor=clerk, item_key=item.key, **CONTENT),
        "publish": lambda: guides.guide_publish(actor=clerk, item_key=item.key),
        "withdraw": lambda: guides.guide_withdraw(
            actor=clerk, item_key=item.key, reason="x"
        ),
    }

    with pytest.raises(NotAllowed):
        calls[action]()

    assert not Entry.objects.filter(event__startswith="guide.").exists()


# Pages -------------------------------------------------------------------------------


def test_the_public_item_page_shows_the_printable_guide_REQ_076_116(client, tree):
    item = factories.item("低保证明", guide=False)
    item.data_sharing = True
    item.save()
    factories.published_guide(item, procedure="申请—核实—签批—出具", sample=False)
    factories.published(COUNTY, ListKind.POSITIVE, [item])

    page = client.get(f"/catalogue/items/{item.key}/").content.decode()

    assert "低保证明办事指南" in page
    assert "申请—核实—签批—出具" in page
    assert "测试样表" in page and "测试式样" in page
    assert "当场办结" in page
    # The print button and the print styles: site.js and site.css (no inline script
    # or style under the Content-Security-Policy, issue 13).
    assert "data-print" in page and "onclick" not in page
    assert "可通过信息共享核查" in page


def test_a_withdrawn_guide_is_not_shown(client, tree):
    item = factories.item()
    factories.published(COUNTY, ListKind.POSITIVE, [item])
    guides.guide_withdraw(actor=SYSTEM, item_key=item.key, reason="修订")

    page = client.get(f"/catalogue/items/{item.key}/").content.decode()

    assert "测试程序" not in page
    assert "办事指南尚未公布" in page


def test_a_negative_list_item_page_shows_its_route_as_the_guide_REQ_077(client, tree):
    item = factories.negative_item(route="向派出所申请", departments=["公安"])
    factories.published("62", ListKind.NEGATIVE, [item])

    page = client.get(f"/catalogue/items/{item.key}/").content.decode()

    assert "向派出所申请" in page and "公安" in page
    assert "@media print" not in page


def test_an_officer_edits_and_publishes_a_guide_on_the_staff_page(client, officer):
    item = factories.item("低保证明", guide=False)
    client.force_login(officer)
    url = f"/catalogue/manage/items/{item.key}/guide/"

    assert client.get(url).status_code == 200
    client.post(
        url, {f"guide-{k}": v for k, v in {**CONTENT, "sample_form": ""}.items()}
    )
    page = client.get(url).content.decode()
    assert "样表" in page and "不能公布" in page

    client.post(url, {f"guide-{k}": v for k, v in CONTENT.items()})
    client.post(f"{url}publish/")

    guide = Guide.objects.get(item=item)
    assert guide.status == GuideStatus.PUBLISHED and guide.updated_by == officer


def test_a_clerk_gets_403_on_the_guide_pages(client, clerk):
    item = factories.item()
    client.force_login(clerk)
    url = f"/catalogue/manage/items/{item.key}/guide/"

    assert client.get(url).status_code == 403
    assert client.post(url, {"guide-purpose": "x"}).status_code == 403
    assert client.post(f"{url}publish/").status_code == 403
    assert client.post(f"{url}withdraw/", {"withdraw-reason": "x"}).status_code == 403


def test_an_anonymous_visitor_is_sent_to_login(client, tree):
    item = factories.item()

    response = client.get(f"/catalogue/manage/items/{item.key}/guide/")

    assert response.status_code == 302


# API ---------------------------------------------------------------------------------


def test_the_item_endpoint_carries_the_published_guide(tree):
    item = factories.item()
    factories.published(COUNTY, ListKind.POSITIVE, [item])

    body = APIClient().get(f"/api/catalogue/items/{item.key}/").json()

    assert body["guide"]["procedure"] == "测试程序"
    assert body["guide"]["sample_form"] == "测试样表"


def test_the_item_endpoint_has_no_guide_for_a_negative_item(tree):
    item = factories.negative_item()
    factories.published("62", ListKind.NEGATIVE, [item])

    body = APIClient().get(f"/api/catalogue/items/{item.key}/").json()

    assert body["guide"] is None and body["route"]


# Department-supplied content (DIV-14) ---------------------------------------------------


@pytest.fixture
def department(tree):
    """A county department officer, who supplies guide content (DIV-14)."""
    return people.user(
        "gonganju", role=Role.DEPARTMENT, at=COUNTY, department="public_security"
    )


def test_a_department_officer_saves_a_draft_but_cannot_publish_DIV_14(
    tree, department, officer
):
    item = factories.item(guide=False)

    guide = guides.guide_save(actor=department, item_key=item.key, **CONTENT)
    with pytest.raises(NotAllowed) as refused:
        guides.guide_publish(actor=department, item_key=item.key)
    published = guides.guide_publish(actor=officer, item_key=item.key)

    assert guide.status == GuideStatus.DRAFT and guide.updated_by == department
    assert refused.value.detail == {"action": "catalogue.manage"}
    assert published.is_published and published.updated_by == officer
    assert Entry.objects.filter(event="guide.created", actor_id=department.pk).exists()


def test_a_department_officer_cannot_withdraw_or_edit_a_published_guide_DIV_14(
    tree, department
):
    item = factories.item()  # with a published guide

    with pytest.raises(NotAllowed):
        guides.guide_withdraw(actor=department, item_key=item.key, reason="修订")
    with pytest.raises(Conflict) as exc:
        guides.guide_save(actor=department, item_key=item.key, **CONTENT)

    assert exc.value.code == "guide_published"
    assert Guide.objects.get(item=item).status == GuideStatus.PUBLISHED


def test_an_inspector_may_not_propose_guide_content(tree):
    inspector = people.user("ducha", role=Role.INSPECTOR, at=COUNTY)
    item = factories.item(guide=False)

    with pytest.raises(NotAllowed) as exc:
        guides.guide_save(actor=inspector, item_key=item.key, **CONTENT)

    assert exc.value.detail == {"action": "catalogue.guide_propose"}
    assert not Guide.objects.filter(item=item).exists()


def test_a_department_officer_saves_on_the_staff_page_without_publishing_DIV_14(
    client, department
):
    item = factories.item("低保证明", guide=False)
    client.force_login(department)
    url = f"/catalogue/manage/items/{item.key}/guide/"

    client.post(url, {f"guide-{k}": v for k, v in CONTENT.items()})
    page = client.get(url).content.decode()
    refused = client.post(f"{url}publish/")

    assert Guide.objects.get(item=item).status == GuideStatus.DRAFT
    assert "最后编辑人" in page and "gonganju" in page
    assert "公布办事指南" not in page and "由清单制定机关审核后公布" in page
    assert refused.status_code == 403


def test_the_staff_guide_page_shows_who_updated_it_last(client, officer, department):
    item = factories.item(guide=False)
    guides.guide_save(actor=department, item_key=item.key, **CONTENT)
    client.force_login(officer)

    page = client.get(f"/catalogue/manage/items/{item.key}/guide/").content.decode()

    assert "最后编辑人" in page and "gonganju" in page
    assert "公布办事指南" in page


def test_a_guide_validity_outside_one_to_3650_days_is_refused(tree):
    """Issue 14: the validity a guide sets becomes the QR token's expiry."""
    item = factories.item(guide=False)
    for days in (0, 3651):
        with pytest.raises(InvalidInput) as refused:
            guides.guide_save(
                actor=SYSTEM, item_key=item.key, validity_days=days, **CONTENT
            )
        assert refused.value.code == "guide_validity_invalid"
    saved = guides.guide_save(
        actor=SYSTEM, item_key=item.key, validity_days=90, **CONTENT
    )
    assert saved.validity_days == 90
