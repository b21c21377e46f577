"""Staff pages of the lists: who may open them, one journey through them, refusals shown.

The rules themselves are tested in test_services.py; here the pages call the services and
show what they say.
"""

import datetime as dt

import pytest

from yinzheng.accounts.choices import Role
from yinzheng.catalogue import services
from yinzheng.catalogue.choices import BasisType, ListKind, VersionStatus
from yinzheng.catalogue.models import CatalogueList, ListVersion
from yinzheng.core.actors import SYSTEM
from yinzheng.core.tests import factories as people

from . import factories

COUNTY = "620725"
OTHER_COUNTY = "440804"


@pytest.fixture
def draft(tree):
    """A county positive list with an open draft holding one eligible item."""
    lst = services.list_create(
        actor=SYSTEM, owner_code=COUNTY, kind=ListKind.POSITIVE, title="县正面清单"
    )
    version = services.version_draft(actor=SYSTEM, list_id=lst.pk, reason="首次制定")
    services.version_add_item(
        actor=SYSTEM, version_id=version.pk, item_key=factories.item("甲证明").key
    )
    return version


def _outsiders(tree):
    return {
        "clerk": (people.user("c", role=Role.CLERK, at=tree["A1a"]), 403),
        "township": (people.user("t", role=Role.TOWNSHIP, at="620725101"), 403),
        "other_county": (
            people.user("o", role=Role.CIVIL_AFFAIRS, at=OTHER_COUNTY),
            404,
        ),
    }


def _requests(version: ListVersion, item_key: str):
    pk = version.catalogue_list_id
    return [
        ("get", f"/catalogue/manage/lists/{pk}/", {}),
        ("get", f"/catalogue/manage/lists/{pk}/?find-q=甲", {}),
        ("post", f"/catalogue/manage/lists/{pk}/draft/", {"draft-reason": "x"}),
        (
            "post",
            f"/catalogue/manage/versions/{version.pk}/add/",
            {"add-item_key": item_key},
        ),
        (
            "post",
            f"/catalogue/manage/versions/{version.pk}/remove/",
            {"remove-item_key": item_key},
        ),
        (
            "post",
            f"/catalogue/manage/versions/{version.pk}/approve/",
            {
                "approve-approval_body": "县政府",
                "approve-approval_date": "2025-01-01",
                "approve-approval_reference": "常务会议",
            },
        ),
        (
            "post",
            f"/catalogue/manage/versions/{version.pk}/publish/",
            {"publish-valid_from": "2025-01-01"},
        ),
    ]


def test_the_county_officer_opens_the_manage_pages(client, officer, draft):
    client.force_login(officer)

    index = client.get("/catalogue/manage/")
    page = client.get(f"/catalogue/manage/lists/{draft.catalogue_list_id}/")

    assert index.status_code == 200 and "县正面清单" in index.content.decode()
    assert page.status_code == 200 and "甲证明" in page.content.decode()
    assert "批准机关：</label>" in page.content.decode()


@pytest.mark.parametrize("who", ["clerk", "township", "other_county"])
def test_users_outside_the_county_office_are_refused_by_the_server(
    client, tree, draft, who
):
    user, status = _outsiders(tree)[who]
    other = factories.item("乙证明")
    client.force_login(user)

    for method, url, data in _requests(draft, other.key):
        response = getattr(client, method)(url, data)
        assert response.status_code == status, (method, url)

    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert [e.item.name for e in draft.entries.all()] == ["甲证明"]
    assert draft.catalogue_list.versions.count() == 1


@pytest.mark.parametrize("who", ["clerk", "township"])
def test_users_without_the_action_get_403_on_the_index_and_on_create(client, tree, who):
    user, _status = _outsiders(tree)[who]
    client.force_login(user)

    assert client.get("/catalogue/manage/").status_code == 403
    response = client.post(
        "/catalogue/manage/lists/new/",
        {"list-owner": COUNTY, "list-kind": "positive", "list-title": "越权清单"},
    )
    assert response.status_code == 403
    assert not CatalogueList.objects.filter(title="越权清单").exists()


def test_another_countys_officer_sees_only_their_own_lists_and_cannot_create_here(
    client, tree, draft
):
    user, _status = _outsiders(tree)["other_county"]
    client.force_login(user)

    index = client.get("/catalogue/manage/").content.decode()
    response = client.post(
        "/catalogue/manage/lists/new/",
        {"list-owner": COUNTY, "list-kind": "positive", "list-title": "越权清单"},
    )

    assert "县正面清单" not in index
    assert response.status_code == 403
    assert not CatalogueList.objects.filter(title="越权清单").exists()


def test_anonymous_users_are_sent_to_log_in(client, draft):
    response = client.get("/catalogue/manage/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_officer_creates_drafts_approves_and_publishes_through_the_pages(
    client, officer
):
    """Given an eligible item, when the officer takes a new list through the pages,
    then it is published and public, with the approval shown."""
    item = factories.item("居住情况证明")
    client.force_login(officer)

    created = client.post(
        "/catalogue/manage/lists/new/",
        {"list-owner": COUNTY, "list-kind": "positive", "list-title": "山丹正面清单"},
    )
    lst = CatalogueList.objects.get(title="山丹正面清单")
    assert created["Location"] == f"/catalogue/manage/lists/{lst.pk}/"
    client.post(
        f"/catalogue/manage/lists/{lst.pk}/draft/",
        {"draft-reason": "首次制定", "draft-source_document": "县政府文件"},
    )
    version = lst.versions.get()
    found = client.get(
        f"/catalogue/manage/lists/{lst.pk}/", {"find-q": "居住"}
    ).content.decode()
    assert "居住情况证明" in found and "加入" in found
    added = client.post(
        f"/catalogue/manage/versions/{version.pk}/add/",
        {"add-item_key": item.key, "find-q": "居住"},
        follow=True,
    )
    assert "已加入清单草稿" in added.content.decode()
    checked = client.get(
        f"/catalogue/manage/lists/{lst.pk}/", {"publish-valid_from": "2025-03-01"}
    ).content.decode()
    assert "新增" in checked and "未发现问题" in checked
    client.post(
        f"/catalogue/manage/versions/{version.pk}/approve/",
        {
            "approve-approval_body": "山丹县人民政府",
            "approve-approval_date": "2025-02-20",
            "approve-approval_reference": "县政府常务会议第 3 次",
        },
    )
    published = client.post(
        f"/catalogue/manage/versions/{version.pk}/publish/",
        {"publish-valid_from": "2025-03-01"},
        follow=True,
    )

    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    assert version.valid_from == dt.date(2025, 3, 1)
    assert "已公布，自 2025-03-01 起生效" in published.content.decode()
    public = client.get(lst.get_absolute_url()).content.decode()
    assert "居住情况证明" in public and "山丹县人民政府" in public


def test_publishing_without_approval_shows_the_services_refusal(client, officer, draft):
    client.force_login(officer)

    page = client.post(
        f"/catalogue/manage/versions/{draft.pk}/publish/",
        {"publish-valid_from": "2025-01-01"},
        follow=True,
    )

    assert "尚无批准记录，不能公布" in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_adding_an_item_with_only_a_policy_basis_shows_the_services_refusal(
    client, officer, draft
):
    policy_only = factories.item("政策证明", basis=BasisType.POLICY)
    client.force_login(officer)

    page = client.post(
        f"/catalogue/manage/versions/{draft.pk}/add/",
        {"add-item_key": policy_only.key},
        follow=True,
    )

    text = page.content.decode()
    assert "“政策证明”不能列入该清单" in text
    assert "只有政策依据，须有法律、法规或国务院保留证明事项清单依据" in text
    assert not draft.entries.filter(item=policy_only).exists()


def test_an_incomplete_approval_names_what_is_missing(client, officer, draft):
    client.force_login(officer)

    page = client.post(
        f"/catalogue/manage/versions/{draft.pk}/approve/",
        {"approve-approval_body": "县政府"},
        follow=True,
    )

    assert "批准记录不完整，缺少：批准日期、批准文号或会议" in page.content.decode()


def test_a_conflict_with_a_higher_negative_list_is_shown_and_publish_disabled(
    client, officer, tree
):
    """REQ-010: the check names the conflict and the publish button is disabled."""
    both = factories.item("两可证明", route="向派出所申请", departments=["公安"])
    factories.published("62", ListKind.NEGATIVE, [both])
    lst = services.list_create(
        actor=SYSTEM, owner_code=COUNTY, kind=ListKind.POSITIVE, title="县清单"
    )
    version = services.version_draft(actor=SYSTEM, list_id=lst.pk, reason="x")
    services.version_add_item(actor=SYSTEM, version_id=version.pk, item_key=both.key)
    services.version_approve(
        actor=SYSTEM,
        version_id=version.pk,
        approval_body="县政府",
        approval_date=dt.date(2025, 1, 1),
        approval_reference="会议",
    )
    client.force_login(officer)

    text = client.get(
        f"/catalogue/manage/lists/{lst.pk}/", {"publish-valid_from": "2025-02-01"}
    ).content.decode()
    refused = client.post(
        f"/catalogue/manage/versions/{version.pk}/publish/",
        {"publish-valid_from": "2025-02-01"},
        follow=True,
    ).content.decode()

    assert "两可证明：已列入《" in text and "》，村（居）委会不出具" in text
    assert 'class="secondary" disabled' in text
    assert "清单不能公布" in refused and "村（居）委会不出具" in refused


def test_the_navigation_links_to_the_lists_and_to_management_by_permission(
    client, officer, tree
):
    assert "/catalogue/" in client.get("/accounts/login/").content.decode()
    client.force_login(people.user("c", role=Role.CLERK, at=tree["A1a"]))
    clerk_page = client.get("/catalogue/").content.decode()
    client.force_login(officer)
    officer_page = client.get("/catalogue/").content.decode()

    assert "/catalogue/manage/" not in clerk_page
    assert "/catalogue/manage/" in officer_page
