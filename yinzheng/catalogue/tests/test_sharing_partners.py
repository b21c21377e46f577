"""Sharing partners of negative-list routes (REQ-117).

Where a route says the department verifies through data sharing, the item names the
departments to share data with — its own field, apart from the responsible
departments — so that a receiving department sees whom to query: on the public item
and list pages, the staff list page and in the API.
"""

import pytest
from rest_framework.test import APIClient

from yinzheng.catalogue import services
from yinzheng.catalogue.choices import ListKind
from yinzheng.catalogue.models import Item
from yinzheng.core.actors import SYSTEM
from yinzheng.core.errors import InvalidInput

from . import factories

NINE = (
    "财政、税务、人力资源社会保障、房地产管理、自然资源、银保监、证监、市场监管、公安"
)


def test_batch1_items_carry_their_sharing_partners_REQ_117(batch1):
    assert Item.objects.get(key="proof_of_life").sharing_departments == ["卫生健康"]
    assert (
        "、".join(Item.objects.get(key="property_certificate").sharing_departments)
        == NINE
    )
    assert Item.objects.get(key="birth_certificate").sharing_departments == []


def test_the_public_pages_show_whom_to_query_REQ_117(client, batch1):
    page = client.get("/catalogue/items/proof_of_life/").content.decode()
    assert "信息共享核查部门" in page and "卫生健康" in page
    version = batch1.versions.get()
    listing = client.get(version.get_absolute_url()).content.decode()
    assert NINE in listing


def test_the_staff_list_page_shows_whom_to_query_REQ_117(client, officer, batch1):
    county = factories.published(
        "620725",
        ListKind.NEGATIVE,
        [Item.objects.get(key="property_certificate")],
    )
    services.version_draft(
        actor=SYSTEM, list_id=county.catalogue_list_id, reason="动态调整"
    )
    client.force_login(officer)
    page = client.get(
        f"/catalogue/manage/lists/{county.catalogue_list_id}/"
    ).content.decode()
    assert "信息共享核查" in page and NINE in page


def test_the_api_gives_the_sharing_partners_REQ_117(batch1):
    api = APIClient()
    item = api.get("/api/catalogue/items/proof_of_life/").json()
    assert item["sharing_departments"] == ["卫生健康"]
    assert item["responsible_departments"] == ["卫生健康"]
    version = api.get(f"/api/catalogue/lists/{batch1.pk}/versions/1/").json()
    [entry] = [e for e in version["entries"] if e["item"] == "property_certificate"]
    assert "、".join(entry["sharing_departments"]) == NINE


def test_a_data_sharing_route_without_partners_is_refused_REQ_117(tree):
    version = services.version_draft(
        actor=SYSTEM,
        list_id=services.list_create(
            actor=SYSTEM, owner_code="620725", kind=ListKind.NEGATIVE, title="县负面"
        ).pk,
        reason="首次制定",
    )
    shared = factories.negative_item("共享核查证明")
    shared.data_sharing = True
    shared.save()
    with pytest.raises(InvalidInput) as exc:
        services.version_add_item(
            actor=SYSTEM, version_id=version.pk, item_key=shared.key
        )
    assert [p["code"] for p in exc.value.detail] == ["sharing_departments_required"]


def test_the_officer_sets_the_sharing_partners_REQ_117(tree, officer):
    it = factories.negative_item("某证明")
    services.item_update(
        actor=officer,
        item_key=it.key,
        data_sharing=True,
        sharing_departments=["民政", "卫生健康"],
    )
    assert Item.objects.get(pk=it.pk).sharing_departments == ["民政", "卫生健康"]
