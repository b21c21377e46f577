"""Public list pages (REQ-079): readable without login, with history and diffs."""

from yinzheng.catalogue.choices import ListKind
from yinzheng.core.actors import SYSTEM

from . import factories


def test_the_national_negative_list_is_public_with_routes(client, batch1):
    page = client.get(batch1.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "亲属关系证明" in text and "公安派出所在核实后应当出具" in text


def test_search_finds_an_item_by_alias_REQ_007(client, batch1):
    text = client.get("/catalogue/", {"q": "户籍证明"}).content.decode()
    assert "居民身份信息证明" in text


def test_an_item_page_shows_route_departments_and_exceptions(client, batch1):
    text = client.get("/catalogue/items/marital_status_certificate/").content.decode()
    assert "村（居）委会不出具" in text
    assert "婚姻登记档案丢失、收养情况" in text
    assert "民政、人民法院" in text


def test_a_version_page_shows_the_diff_against_the_previous(client, tree):
    a, b = factories.item("甲证明"), factories.item("乙证明")
    v1 = factories.published("620725", ListKind.POSITIVE, [a])
    import datetime as dt

    v2 = factories.published(
        "620725",
        ListKind.POSITIVE,
        [b],
        valid_from=dt.date(2025, 1, 1),
        catalogue_list=v1.catalogue_list,
    )
    text = client.get(v2.get_absolute_url()).content.decode()
    assert "新增" in text and "乙证明" in text and "移出" in text and "甲证明" in text
    old = client.get(v1.get_absolute_url()).content.decode()
    assert "已被取代" in old


def test_drafts_and_unknown_items_are_not_public(client, tree):
    from yinzheng.catalogue import services

    lst = services.list_create(
        actor=SYSTEM, owner_code="620725", kind=ListKind.POSITIVE, title="草稿清单"
    )
    services.version_draft(actor=SYSTEM, list_id=lst.pk, reason="x")
    assert client.get(lst.get_absolute_url()).status_code == 404
    assert client.get("/catalogue/items/no-such-item/").status_code == 404
    unlisted = factories.item("未公布证明")
    assert client.get(unlisted.get_absolute_url()).status_code == 404


def test_the_portal_search_takes_colloquial_text_and_shows_the_route(client, batch1):
    text = client.get("/catalogue/", {"q": "村里开个收入证名"}).content.decode()
    assert "居民财产证明" in text and "村（居）委会不出具" in text
    assert "个案查询的方式进行核对" in text  # the route, not only the name
