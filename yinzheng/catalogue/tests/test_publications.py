"""Publication channels and synchronised publication (REQ-078, REQ-080, REQ-081, DIV-06):
the services and their refusals, the sync selectors and the inbox, the staff page, the
public pages, the API and the JSON export."""

import datetime as dt
import json

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.catalogue import exports, selectors
from yinzheng.catalogue.choices import Channel, ListKind
from yinzheng.catalogue.models import CatalogueList, Publication
from yinzheng.catalogue.services import publications
from yinzheng.core import clock
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as people
from yinzheng.ledger.models import Entry

from . import factories

COUNTY = "620725"
OTHER_COUNTY = "440804"
BASE = "/api/catalogue"


@pytest.fixture
def v1(officer):
    """A county positive list with its first version published today."""
    return factories.published(COUNTY, ListKind.POSITIVE, [factories.item("甲证明")])


def _record(actor, version, channel=Channel.PORTAL, on=None, location=""):
    return publications.publication_record(
        actor=actor,
        version_id=version.pk,
        channel=channel,
        published_on=on or clock.today(),
        location=location,
    )


def _next_version(version):
    """Publish the list's next version (same items), valid after `version`."""
    return factories.published(
        COUNTY,
        ListKind.POSITIVE,
        [e.item for e in version.entries.all()],
        valid_from=version.valid_from + dt.timedelta(days=30),
        catalogue_list=version.catalogue_list,
    )


# Services -----------------------------------------------------------------------------


def test_a_new_list_must_be_published_on_all_seven_channels_DIV_06(v1):
    assert v1.catalogue_list.channels == Channel.values
    assert len(Channel.values) == 7


def test_the_owner_narrows_the_channel_set_and_it_is_audited_REQ_078(officer, v1):
    lst = publications.channels_set(
        actor=officer,
        list_id=v1.catalogue_list_id,
        channels=[Channel.WECHAT, Channel.PORTAL, Channel.WECHAT],
    )

    lst.refresh_from_db()
    assert lst.channels == [Channel.PORTAL, Channel.WECHAT]
    entry = Entry.objects.filter(event="catalogue_list.channels_set").last()
    assert entry.data["data"]["after"]["channels"] == ["portal", "wechat"]


@pytest.mark.parametrize(
    "channels, code", [([], "channels_required"), (["fax"], "channel_unknown")]
)
def test_an_empty_or_unknown_channel_set_is_refused(officer, v1, channels, code):
    with pytest.raises(InvalidInput) as exc:
        publications.channels_set(
            actor=officer, list_id=v1.catalogue_list_id, channels=channels
        )
    assert exc.value.code == code
    assert CatalogueList.objects.get(pk=v1.catalogue_list_id).channels == Channel.values


def test_a_publication_is_recorded_with_its_date_and_place_REQ_078(officer, v1):
    pub = _record(officer, v1, Channel.WECHAT, location="https://example.org/a")

    assert pub.version == v1 and pub.published_on == clock.today()
    assert pub.recorded_by == officer and pub.location == "https://example.org/a"
    entry = Entry.objects.filter(event="publication.recorded").last()
    assert entry.data["data"]["after"]["channel"] == "wechat"
    assert entry.data["data"]["after"]["version"] == 1


def test_a_channel_outside_the_lists_set_is_refused(officer, v1):
    publications.channels_set(
        actor=officer, list_id=v1.catalogue_list_id, channels=[Channel.PORTAL]
    )
    with pytest.raises(InvalidInput) as exc:
        _record(officer, v1, Channel.WEIBO)
    assert exc.value.code == "channel_not_configured"
    assert not Publication.objects.exists()


def test_a_date_before_the_version_was_published_is_refused(officer, v1):
    with pytest.raises(InvalidInput) as exc:
        _record(officer, v1, on=clock.today() - dt.timedelta(days=1))
    assert exc.value.code == "published_before_version"


def test_a_date_in_the_future_is_refused(officer, v1):
    with pytest.raises(InvalidInput) as exc:
        _record(officer, v1, on=clock.today() + dt.timedelta(days=1))
    assert exc.value.code == "published_in_future"


def test_a_channel_is_recorded_only_once_per_version(officer, v1):
    _record(officer, v1)
    with pytest.raises(Conflict) as exc:
        _record(officer, v1)
    assert exc.value.code == "publication_exists"
    assert Publication.objects.count() == 1


def test_a_draft_version_cannot_be_recorded_as_published(officer, v1):
    from yinzheng.catalogue import services

    draft = services.version_draft(
        actor=officer, list_id=v1.catalogue_list_id, reason="调整"
    )
    with pytest.raises(Conflict) as exc:
        _record(officer, draft)
    assert exc.value.code == "version_not_published"


def test_a_superseded_version_can_be_back_filled(officer, v1):
    _next_version(v1)
    v1.refresh_from_db()
    assert v1.status == "superseded"

    assert _record(officer, v1, Channel.SERVICE_VENUE).version == v1


@pytest.mark.parametrize("who", ["clerk", "other_county"])
def test_people_who_do_not_manage_the_list_cannot_record_or_configure(tree, v1, who):
    user = (
        people.user("c", role=Role.CLERK, at=tree["A1a"])
        if who == "clerk"
        else people.user("o", role=Role.CIVIL_AFFAIRS, at=OTHER_COUNTY)
    )
    with pytest.raises(NotAllowed):
        _record(user, v1)
    with pytest.raises(NotAllowed):
        publications.channels_set(
            actor=user, list_id=v1.catalogue_list_id, channels=[Channel.PORTAL]
        )
    assert not Publication.objects.exists()


# Selectors and inbox (REQ-081) --------------------------------------------------------


def test_channel_status_shows_which_channel_is_behind_the_current_version(officer, v1):
    publications.channels_set(
        actor=officer,
        list_id=v1.catalogue_list_id,
        channels=[Channel.PORTAL, Channel.WECHAT],
    )
    _record(officer, v1, Channel.PORTAL)
    _record(officer, v1, Channel.WECHAT)
    v2 = _next_version(v1)
    _record(officer, v2, Channel.PORTAL)

    lst = CatalogueList.objects.get(pk=v1.catalogue_list_id)
    rows = {r.channel: r for r in selectors.channel_status(lst)}

    assert list(rows) == ["portal", "wechat"]
    assert rows["portal"].version_number == 2 and rows["portal"].in_sync
    assert rows["wechat"].version_number == 1 and not rows["wechat"].in_sync
    assert rows["wechat"].published_on == clock.today()


def test_a_list_is_out_of_sync_until_every_channel_shows_the_current_version(
    officer, v1
):
    lst = v1.catalogue_list
    publications.channels_set(
        actor=officer, list_id=lst.pk, channels=[Channel.PORTAL, Channel.WECHAT]
    )
    assert selectors.lists_out_of_sync(officer) == [lst]

    _record(officer, v1, Channel.PORTAL)
    assert selectors.lists_out_of_sync(officer) == [lst]
    _record(officer, v1, Channel.WECHAT)
    assert selectors.lists_out_of_sync(officer) == []

    _next_version(v1)
    assert selectors.lists_out_of_sync(officer) == [lst]


def test_another_county_is_not_told_about_this_list(tree, v1):
    other = people.user("o", role=Role.CIVIL_AFFAIRS, at=OTHER_COUNTY)
    assert selectors.lists_out_of_sync(other) == []


def test_the_officer_is_told_on_the_home_page(client, officer, v1):
    client.force_login(officer)
    assert "尚未在全部渠道同步公布的清单" in client.get("/").content.decode()
    assert "未同步" in client.get("/catalogue/manage/").content.decode()
    for channel in Channel.values:
        _record(officer, v1, channel)
    assert "尚未在全部渠道同步公布的清单" not in client.get("/").content.decode()
    assert "未同步" not in client.get("/catalogue/manage/").content.decode()


# Staff page ---------------------------------------------------------------------------


def test_the_manage_page_marks_unsynchronised_channels_and_records_one(
    client, officer, v1
):
    pk = v1.catalogue_list_id
    client.force_login(officer)
    page = client.get(f"/catalogue/manage/lists/{pk}/").content.decode()
    assert "公布渠道" in page and page.count("未同步") == 7

    response = client.post(
        f"/catalogue/manage/lists/{pk}/publications/",
        {
            "pub-version": "1",
            "pub-channel": "portal",
            "pub-published_on": clock.today().isoformat(),
            "pub-location": "https://example.org/list",
        },
        follow=True,
    )

    page = response.content.decode()
    assert "已登记公布渠道及日期" in page
    assert page.count("未同步") == 6 and "https://example.org/list" in page
    assert Publication.objects.get().channel == "portal"


def test_the_manage_page_shows_a_refused_publication_without_failing(
    client, officer, v1
):
    client.force_login(officer)
    response = client.post(
        f"/catalogue/manage/lists/{v1.catalogue_list_id}/publications/",
        {
            "pub-version": "1",
            "pub-channel": "portal",
            "pub-published_on": (clock.today() + dt.timedelta(days=3)).isoformat(),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "公布日期不能晚于今天" in response.content.decode()
    assert not Publication.objects.exists()


def test_the_manage_page_changes_the_channel_set(client, officer, v1):
    pk = v1.catalogue_list_id
    client.force_login(officer)
    client.post(
        f"/catalogue/manage/lists/{pk}/channels/",
        {"channels-channels": ["portal", "service_venue", "wechat"]},
    )
    assert CatalogueList.objects.get(pk=pk).channels == [
        "portal",
        "service_venue",
        "wechat",
    ]
    refused = client.post(f"/catalogue/manage/lists/{pk}/channels/", {}, follow=True)
    assert "请至少选择一个公布渠道" in refused.content.decode()


@pytest.mark.parametrize("who, status", [("clerk", 403), ("other_county", 404)])
def test_the_pages_refuse_people_who_do_not_manage_the_list(
    client, tree, v1, who, status
):
    user = (
        people.user("c", role=Role.CLERK, at=tree["A1a"])
        if who == "clerk"
        else people.user("o", role=Role.CIVIL_AFFAIRS, at=OTHER_COUNTY)
    )
    client.force_login(user)
    pk = v1.catalogue_list_id
    recorded = client.post(
        f"/catalogue/manage/lists/{pk}/publications/",
        {
            "pub-version": "1",
            "pub-channel": "portal",
            "pub-published_on": clock.today().isoformat(),
        },
    )
    configured = client.post(
        f"/catalogue/manage/lists/{pk}/channels/", {"channels-channels": ["portal"]}
    )
    assert (recorded.status_code, configured.status_code) == (status, status)
    assert not Publication.objects.exists()
    assert CatalogueList.objects.get(pk=pk).channels == Channel.values


# Public pages (REQ-078, REQ-080) ------------------------------------------------------


def test_the_public_version_page_shows_the_channels_and_dates(client, officer, v1):
    _record(officer, v1, Channel.WECHAT, location="县民政局公众号")

    page = client.get(v1.get_absolute_url()).content.decode()

    assert "公布渠道及日期" in page
    assert f"政务微信公众号：{clock.today().isoformat()}" in page
    assert "县民政局公众号" in page


def test_the_public_index_shows_the_policy_documents_the_lists_rest_on_REQ_080(
    client, batch1
):
    page = client.get("/catalogue/").content.decode()

    assert "清单所依据的政策文件" in page
    assert "民发〔2020〕20号" in page and "湛坡民〔2022〕36号" in page
    assert "《关于改进和规范基层群众性自治组织出具证明工作的实施意见》" in page


def test_the_version_page_links_to_the_policy_documents(client, batch1):
    page = client.get(batch1.get_absolute_url()).content.decode()
    assert "/catalogue/#policy-documents" in page
    assert "民发〔2020〕20号" in page  # the national list's approval reference


# API ----------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def test_the_publications_of_a_version_are_public(api, officer, v1):
    _record(officer, v1, Channel.PORTAL, location="https://example.org")

    body = api.get(
        f"{BASE}/lists/{v1.catalogue_list_id}/versions/1/publications/"
    ).json()

    assert body["number"] == 1
    assert body["publications"] == [
        {
            "channel": "portal",
            "channel_display": "政府门户网站",
            "published_on": clock.today().isoformat(),
            "location": "https://example.org",
        }
    ]


def test_the_officer_records_a_publication_by_api(api, officer, v1):
    api.force_authenticate(officer)
    url = f"{BASE}/versions/{v1.pk}/publications/"

    created = api.post(
        url,
        {"channel": "wechat", "published_on": clock.today().isoformat()},
        format="json",
    )
    again = api.post(
        url,
        {"channel": "wechat", "published_on": clock.today().isoformat()},
        format="json",
    )

    assert created.status_code == 201 and created.json()["channel"] == "wechat"
    assert again.status_code == 409 and again.json()["code"] == "publication_exists"


def test_the_channel_set_is_put_by_api_and_its_sync_state_is_public(api, officer, v1):
    pk = v1.catalogue_list_id
    api.force_authenticate(officer)
    put = api.put(
        f"{BASE}/lists/{pk}/channels/", {"channels": ["portal", "weibo"]}, format="json"
    )
    _record(officer, v1, Channel.PORTAL)
    api.force_authenticate(None)

    body = api.get(f"{BASE}/lists/{pk}/channels/").json()

    assert put.status_code == 200
    assert body["current_version"] == 1
    assert [(c["channel"], c["in_sync"]) for c in body["channels"]] == [
        ("portal", True),
        ("weibo", False),
    ]
    refused = api.post(
        f"{BASE}/versions/{v1.pk}/publications/",
        {"channel": "wechat", "published_on": clock.today().isoformat()},
    )
    assert refused.status_code == 401


def test_the_api_refuses_a_channel_outside_the_set_and_people_out_of_scope(
    api, tree, officer, v1
):
    publications.channels_set(
        actor=officer, list_id=v1.catalogue_list_id, channels=[Channel.PORTAL]
    )
    api.force_authenticate(officer)
    outside = api.post(
        f"{BASE}/versions/{v1.pk}/publications/",
        {"channel": "weibo", "published_on": clock.today().isoformat()},
        format="json",
    )
    assert outside.status_code == 400
    assert set(outside.json()) == {"code", "message", "detail"}
    assert outside.json()["code"] == "channel_not_configured"

    api.force_authenticate(people.user("c", role=Role.CLERK, at=tree["A1a"]))
    forbidden = api.post(
        f"{BASE}/versions/{v1.pk}/publications/",
        {"channel": "portal", "published_on": clock.today().isoformat()},
        format="json",
    )
    put = api.put(
        f"{BASE}/lists/{v1.catalogue_list_id}/channels/",
        {"channels": ["portal"]},
        format="json",
    )
    assert forbidden.status_code == 403 and put.status_code == 403
    assert not Publication.objects.exists()


# Export and demo ----------------------------------------------------------------------


def test_the_json_export_carries_the_publication_records_REQ_081(officer, v1):
    _record(officer, v1, Channel.SERVICE_PLATFORM, location="平台")

    record = json.loads(exports.to_json(v1))

    assert record["publications"] == [
        {
            "channel": "service_platform",
            "channel_display": "政务服务平台",
            "published_on": clock.today().isoformat(),
            "location": "平台",
        }
    ]
    assert exports.read_entries(exports.to_json(v1))  # still reads back


def test_the_demo_lists_are_published_on_all_but_one_channel(db):
    from yinzheng.demo.loader import load_demo

    load_demo()
    load_demo()

    demo_lists = CatalogueList.objects.filter(sample=True, kind=ListKind.POSITIVE)
    assert demo_lists.count() == 3
    for lst in demo_lists:
        rows = selectors.channel_status(lst)
        assert len(rows) == len(lst.channels) < 7
        assert [r.in_sync for r in rows].count(False) == 1
        assert all("示例" in r.location for r in rows if r.in_sync)
