"""Editing an item after creation (catalogue.services.item_update), its staff page and
PATCH /api/catalogue/items/{key}/.

An item is shared by every list that names it, so only someone who manages all those
lists may change it; the national reference data is never edited (REQ-119); an item a
positive list names cannot become liability-bearing (REQ-041).
"""

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.catalogue import services
from yinzheng.catalogue.choices import Complexity, ListKind
from yinzheng.catalogue.models import Item
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as people
from yinzheng.ledger.models import Entry

from . import factories

COUNTY = "620725"
OTHER_COUNTY = "440804"
NATIONAL_ITEM = "kinship_certificate"  # batch 1, number 1


def _draft(owner: str, kind: str, items: list[Item]):
    lst = services.list_create(
        actor=SYSTEM, owner_code=owner, kind=kind, title=f"{owner} {kind} 草稿"
    )
    version = services.version_draft(actor=SYSTEM, list_id=lst.pk, reason="测试")
    for it in items:
        services.version_add_item(actor=SYSTEM, version_id=version.pk, item_key=it.key)
    return version


@pytest.fixture
def own_item(tree):
    """An item only the officer's county positive list names."""
    item = factories.item("本县证明", key="own-item")
    factories.published(COUNTY, ListKind.POSITIVE, [item])
    return item


@pytest.fixture
def shared_item(tree):
    """An item the officer's county and another county both list."""
    item = factories.item("共用证明", key="shared-item")
    factories.published(COUNTY, ListKind.POSITIVE, [item])
    factories.published(OTHER_COUNTY, ListKind.POSITIVE, [item])
    return item


@pytest.fixture
def other_officer(tree):
    return people.user("minzheng_potou", role=Role.CIVIL_AFFAIRS, at=OTHER_COUNTY)


@pytest.fixture
def clerk(tree):
    return people.user("jingban", role=Role.CLERK, at=tree["A1a"])


# The service ---------------------------------------------------------------------


def test_a_county_officer_edits_an_item_only_its_own_list_names(officer, own_item):
    item = services.item_update(
        actor=officer,
        item_key=own_item.key,
        commitment_allowed=True,
        aliases=[" 本县别名 ", ""],
        remarks="  说明  ",
    )
    item.refresh_from_db()
    assert item.commitment_allowed
    assert item.aliases == ["本县别名"]
    assert item.remarks == "说明"
    assert "本县别名" in item.search_text  # Item.save refreshes it from the aliases
    assert item.name == "本县证明" and item.key == "own-item"


def test_the_audit_entry_holds_before_and_after_of_the_changed_fields(
    officer, own_item
):
    services.item_update(
        actor=officer,
        item_key=own_item.key,
        commitment_allowed=True,
        remarks="",  # unchanged: not in the entry
    )
    entry = Entry.objects.get(event="item.updated", actor_id=officer.pk)
    assert entry.subject == f"catalogue.item:{own_item.pk}"
    assert entry.data["data"]["before"] == {"commitment_allowed": False}
    assert entry.data["data"]["after"] == {"commitment_allowed": True}


def test_an_edit_that_changes_nothing_records_nothing(officer, own_item):
    services.item_update(actor=officer, item_key=own_item.key, remarks="")
    assert not Entry.objects.filter(event="item.updated").exists()


def test_national_reference_items_are_not_editable_REQ_119(batch1, officer):
    """(a) Not by a superuser, nor by the system."""
    admin = people.user("root", superuser=True)
    for actor in (admin, SYSTEM):
        with pytest.raises(Conflict) as exc:
            services.item_update(
                actor=actor, item_key=NATIONAL_ITEM, commitment_allowed=True
            )
        assert exc.value.code == "reference_item"
    assert not Item.objects.get(key=NATIONAL_ITEM).commitment_allowed


def test_an_item_another_county_lists_is_refused_as_shared_elsewhere(
    officer, shared_item
):
    """(b) Every list naming the item must be the actor's to manage."""
    with pytest.raises(NotAllowed) as exc:
        services.item_update(
            actor=officer, item_key=shared_item.key, commitment_allowed=True
        )
    assert exc.value.code == "item_shared_elsewhere"
    assert exc.value.detail["title"] == f"{OTHER_COUNTY} {ListKind.POSITIVE}"
    assert not Item.objects.get(pk=shared_item.pk).commitment_allowed


def test_a_draft_of_another_county_naming_the_item_counts_too(officer, own_item):
    _draft(OTHER_COUNTY, ListKind.POSITIVE, [own_item])
    with pytest.raises(NotAllowed) as exc:
        services.item_update(actor=officer, item_key=own_item.key, remarks="x")
    assert exc.value.code == "item_shared_elsewhere"


def test_the_superuser_edits_a_shared_item(shared_item):
    admin = people.user("root", superuser=True)
    item = services.item_update(
        actor=admin, item_key=shared_item.key, commitment_allowed=True
    )
    assert item.commitment_allowed


def test_an_item_on_no_list_may_be_edited_by_any_manager_but_no_one_else(
    other_officer, clerk
):
    item = factories.item("未列入证明", key="unlisted")
    services.item_update(actor=other_officer, item_key=item.key, data_sharing=True)
    assert Item.objects.get(pk=item.pk).data_sharing
    with pytest.raises(NotAllowed) as exc:
        services.item_update(actor=clerk, item_key=item.key, data_sharing=False)
    assert exc.value.code == "not_allowed"


@pytest.mark.parametrize("field", ["name", "key", "search_text", "no_such_field"])
def test_the_name_the_key_and_unknown_fields_are_refused(officer, own_item, field):
    with pytest.raises(InvalidInput) as exc:
        services.item_update(actor=officer, item_key=own_item.key, **{field: "x"})
    assert exc.value.code == "item_field_unknown"
    assert exc.value.detail == [field]


@pytest.mark.parametrize(
    "fields",
    [
        {"complexity": Complexity.COMPLEX},  # a complex item needs its time limit
        {"complexity": "nonsense"},
        {"implementing_unit": "单" * 201},
        {"aliases": "不是列表"},
    ],
)
def test_the_model_validation_refuses_invalid_values(officer, own_item, fields):
    """(c) full_clean, as item_create does."""
    with pytest.raises(InvalidInput) as exc:
        services.item_update(actor=officer, item_key=own_item.key, **fields)
    assert exc.value.code == "item_invalid"
    item = Item.objects.get(pk=own_item.pk)
    assert item.complexity == Complexity.SIMPLE and item.implementing_unit == ""


def test_a_complex_item_with_its_time_limit_is_saved(officer, own_item):
    item = services.item_update(
        actor=officer,
        item_key=own_item.key,
        complexity=Complexity.COMPLEX,
        time_limit_days=5,
    )
    assert (item.complexity, item.time_limit_days) == (Complexity.COMPLEX, 5)


def test_an_item_a_positive_list_names_cannot_become_liability_bearing_REQ_041(
    officer, own_item
):
    """(e) Published positive version."""
    with pytest.raises(Conflict) as exc:
        services.item_update(
            actor=officer, item_key=own_item.key, liability_bearing=True
        )
    assert exc.value.code == "liability_on_positive_list"
    assert not Item.objects.get(pk=own_item.pk).liability_bearing


def test_an_open_positive_draft_also_keeps_liability_off_REQ_041(officer, tree):
    item = factories.item("草稿中的证明")
    _draft(COUNTY, ListKind.POSITIVE, [item])
    with pytest.raises(Conflict) as exc:
        services.item_update(actor=officer, item_key=item.key, liability_bearing=True)
    assert exc.value.code == "liability_on_positive_list"


def test_an_item_only_a_negative_list_names_may_be_liability_bearing(officer, tree):
    item = factories.negative_item("负面清单证明")
    factories.published(COUNTY, ListKind.NEGATIVE, [item])
    services.item_update(actor=officer, item_key=item.key, liability_bearing=True)
    assert Item.objects.get(pk=item.pk).liability_bearing


def test_a_liability_bearing_item_cannot_be_added_to_a_positive_list_REQ_041(
    officer, tree
):
    item = factories.item("连带责任证明")
    services.item_update(actor=officer, item_key=item.key, liability_bearing=True)
    version = _draft(COUNTY, ListKind.POSITIVE, [])
    with pytest.raises(InvalidInput) as exc:
        services.version_add_item(
            actor=officer, version_id=version.pk, item_key=item.key
        )
    assert exc.value.code == "entry_ineligible"
    assert "liability_bearing" in {p["code"] for p in exc.value.detail}


# The staff page ------------------------------------------------------------------


def _form(**values) -> dict[str, str]:
    base = {
        "item-aliases": "",
        "item-complexity": Complexity.SIMPLE,
        "item-remarks": "",
    }
    return {**base, **{f"item-{k}": v for k, v in values.items()}}


def test_the_officer_edits_an_item_on_its_page(client, officer, own_item):
    client.force_login(officer)
    url = f"/catalogue/manage/items/{own_item.key}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="item-commitment_allowed"' in page.content.decode()
    done = client.post(
        url,
        _form(aliases="别名一\n别名二", commitment_allowed="on", remarks="备注"),
        follow=True,
    )
    assert done.redirect_chain[-1][0] == url
    assert "已保存证明事项" in done.content.decode()
    item = Item.objects.get(pk=own_item.pk)
    assert item.aliases == ["别名一", "别名二"] and item.commitment_allowed


def test_the_page_shows_the_services_refusals(client, officer, shared_item):
    client.force_login(officer)
    url = f"/catalogue/manage/items/{shared_item.key}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    assert "无权管理该清单" in page.content.decode()
    refused = client.post(url, _form(commitment_allowed="on"))
    assert refused.status_code == 200
    assert "无权管理该清单" in refused.content.decode()
    assert not Item.objects.get(pk=shared_item.pk).commitment_allowed


def test_the_page_shows_liability_and_validation_refusals(client, officer, own_item):
    client.force_login(officer)
    url = f"/catalogue/manage/items/{own_item.key}/edit/"
    refused = client.post(url, _form(liability_bearing="on"))
    assert refused.status_code == 200
    assert "承担法律或经济连带责任的证明不能列入" in refused.content.decode()
    invalid = client.post(url, _form(complexity=Complexity.COMPLEX))
    assert invalid.status_code == 200
    assert not Item.objects.get(pk=own_item.pk).liability_bearing


def test_the_page_refuses_outsiders_and_unknown_items(client, clerk, officer, own_item):
    url = f"/catalogue/manage/items/{own_item.key}/edit/"
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    assert client.post(url, _form(commitment_allowed="on")).status_code == 403
    client.force_login(officer)
    assert client.get("/catalogue/manage/items/no-such/edit/").status_code == 404
    assert not Item.objects.get(pk=own_item.pk).commitment_allowed


def test_the_edit_link_shows_for_those_who_may_edit(
    client, officer, other_officer, own_item
):
    link = f"/catalogue/manage/items/{own_item.key}/edit/"
    assert link not in client.get(own_item.get_absolute_url()).content.decode()
    client.force_login(other_officer)
    assert link not in client.get(own_item.get_absolute_url()).content.decode()
    client.force_login(officer)
    assert link in client.get(own_item.get_absolute_url()).content.decode()
    lst = own_item.entries.get().version.catalogue_list
    services.version_draft(actor=officer, list_id=lst.pk, reason="调整")
    manage = client.get(f"/catalogue/manage/lists/{lst.pk}/")
    assert link in manage.content.decode()


# The API -------------------------------------------------------------------------

API = "/api/catalogue/items"


@pytest.fixture
def api():
    return APIClient()


def test_patch_changes_only_the_fields_sent(api, officer, own_item):
    api.force_authenticate(officer)
    response = api.patch(
        f"{API}/{own_item.key}/", {"commitment_allowed": True}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["commitment_allowed"] is True
    assert body["within_committee_duties"] is True  # not sent, kept
    assert body["lists"][0]["kind"] == "positive"


def test_patch_answers_401_403_404_and_409_with_codes(
    api, officer, clerk, own_item, shared_item, batch1
):
    def patch(key, data):
        return api.patch(f"{API}/{key}/", data, format="json")

    assert patch(own_item.key, {"remarks": "x"}).status_code == 401
    api.force_authenticate(clerk)
    assert patch(own_item.key, {"remarks": "x"}).json()["code"] == "not_allowed"
    api.force_authenticate(officer)
    cases = [
        (shared_item.key, {"remarks": "x"}, 403, "item_shared_elsewhere"),
        ("no-such-item", {"remarks": "x"}, 404, "item_not_found"),
        (own_item.key, {"liability_bearing": True}, 409, "liability_on_positive_list"),
        (NATIONAL_ITEM, {"remarks": "x"}, 409, "reference_item"),
        (own_item.key, {"name": "新名称"}, 400, "item_field_unknown"),
        (own_item.key, {"complexity": Complexity.COMPLEX}, 400, "item_invalid"),
    ]
    for key, data, status, code in cases:
        response = patch(key, data)
        assert response.status_code == status, (key, data, response.content)
        body = response.json()
        assert body["code"] == code and body["message"]
        assert set(body) == {"code", "message", "detail"}
    assert Item.objects.get(pk=own_item.pk).name == "本县证明"
