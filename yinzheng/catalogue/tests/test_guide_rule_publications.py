"""Guides and related rules on the publication channels (REQ-078, DIV-06): each
jurisdiction records, per channel, the date a published guide and its related rules
(相关制度) went out; a guide republished since is 未同步; the inbox counts what is
behind; the policy, the refusals in Chinese, the staff page, the API and the export."""

import datetime as dt
import json

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.catalogue import exports, selectors
from yinzheng.catalogue.choices import Channel, ListKind
from yinzheng.catalogue.models import GuidePublication, RelatedRule, RulePublication
from yinzheng.catalogue.services import guides, publications
from yinzheng.core import clock
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.inbox import items_for
from yinzheng.core.tests import factories as people
from yinzheng.ledger.models import Entry

from . import factories

COUNTY = "620725"
OTHER_COUNTY = "440804"
BASE = "/api/catalogue"


@pytest.fixture
def v1(officer):
    """A county positive list naming 甲证明 (with a published guide), in force."""
    return factories.published(
        COUNTY, ListKind.POSITIVE, [factories.item("甲证明", key="jia")]
    )


@pytest.fixture
def two_channels(officer, v1):
    """The county narrows its list to two channels: its guides and rules follow."""
    publications.channels_set(
        actor=officer,
        list_id=v1.catalogue_list_id,
        channels=[Channel.PORTAL, Channel.WECHAT],
    )
    return [Channel.PORTAL, Channel.WECHAT]


@pytest.fixture
def rule(officer):
    return publications.rule_create(
        actor=officer,
        owner_code=COUNTY,
        title="社区印章管理使用办法",
        reference="山民发〔2022〕1号",
        issued_on=clock.today() - dt.timedelta(days=10),
        text="社区主任履行社区公章使用与管理的第一责任人职责。",
    )


def _guide(actor, channel=Channel.PORTAL, on=None, division=COUNTY, key="jia"):
    return publications.guide_publication_record(
        actor=actor,
        item_key=key,
        division_code=division,
        channel=channel,
        published_on=on or clock.today(),
        location="https://example.org/guide",
    )


def _rule(actor, rule, channel=Channel.PORTAL, on=None):
    return publications.rule_publication_record(
        actor=actor,
        rule_id=rule.pk,
        channel=channel,
        published_on=on or clock.today(),
    )


def _republish(officer, key="jia"):
    guides.guide_withdraw(actor=officer, item_key=key, reason="修改办理程序")
    guides.guide_publish(actor=officer, item_key=key)


def _inbox(user):
    return {str(i.label): i.count for i in items_for(user)}


# Channel sets -------------------------------------------------------------------------


def test_a_jurisdiction_without_lists_publishes_on_all_seven_channels_REQ_078(tree):
    assert selectors.jurisdiction_channels(OTHER_COUNTY) == Channel.values


def test_a_jurisdictions_channels_are_the_union_of_its_lists_sets_REQ_078(
    officer, v1, two_channels
):
    other = factories.published(COUNTY, ListKind.NEGATIVE, [])
    publications.channels_set(
        actor=officer,
        list_id=other.catalogue_list_id,
        channels=[Channel.WEIBO, Channel.PORTAL],
    )
    assert selectors.jurisdiction_channels(COUNTY) == ["portal", "weibo", "wechat"]


# Guides -------------------------------------------------------------------------------


def test_a_guide_publication_is_recorded_per_channel_with_its_date_REQ_078(
    officer, v1, two_channels
):
    pub = _guide(officer, Channel.WECHAT)

    assert pub.division_id == COUNTY and pub.published_on == clock.today()
    assert pub.guide_published_at == pub.guide.published_at
    rows = {r.channel: r for r in selectors.guide_channel_status(pub.guide, COUNTY)}
    assert list(rows) == ["portal", "wechat"]
    assert rows["wechat"].in_sync and rows["wechat"].published_on == clock.today()
    assert not rows["portal"].in_sync and rows["portal"].published_on is None
    entry = Entry.objects.filter(event="guide_publication.recorded").last()
    assert entry.data["data"]["after"]["channel"] == "wechat"


def test_a_republished_guide_is_unsynchronised_on_every_channel_REQ_078(
    officer, v1, two_channels
):
    for channel in two_channels:
        _guide(officer, channel)
    assert selectors.guides_out_of_sync(officer) == []

    _republish(officer)

    [row] = selectors.guides_out_of_sync(officer)
    assert [c.channel for c in row.out_of_sync] == ["portal", "wechat"]
    assert row.channels[0].published_on == clock.today()  # the old record is kept
    _guide(officer, Channel.PORTAL)  # the same channel again, for the new publication
    [row] = selectors.guides_out_of_sync(officer)
    assert [c.channel for c in row.out_of_sync] == ["wechat"]
    assert GuidePublication.objects.count() == 3


def test_a_channel_is_recorded_once_per_publication_of_the_guide(officer, v1):
    _guide(officer)
    with pytest.raises(Conflict) as exc:
        _guide(officer)
    assert exc.value.code == "publication_exists"
    assert "该办事指南已登记在“政府门户网站”公布" in exc.value.message


@pytest.mark.parametrize(
    "change, code, message",
    [
        ({"channel": "fax"}, "channel_unknown", "公布渠道无效：fax"),
        ({"channel": Channel.WEIBO}, "channel_not_configured", "不在本级清单设定的"),
        ({"on": dt.timedelta(days=1)}, "published_in_future", "公布日期不能晚于今天"),
        (
            {"on": -dt.timedelta(days=1)},
            "published_before_version",
            "不能早于该办事指南在本系统公布的日期",
        ),
    ],
)
def test_a_bad_guide_publication_is_refused_in_chinese(
    officer, v1, two_channels, change, code, message
):
    with pytest.raises(InvalidInput) as exc:
        _guide(
            officer,
            change.get("channel", Channel.PORTAL),
            on=clock.today() + change["on"] if "on" in change else None,
        )
    assert exc.value.code == code and message in exc.value.message
    assert not GuidePublication.objects.exists()


def test_a_guide_not_on_the_jurisdictions_lists_or_not_published_is_refused(
    officer, v1
):
    factories.item("乙证明", key="yi")  # published guide, on no list
    with pytest.raises(InvalidInput) as exc:
        _guide(officer, key="yi")
    assert exc.value.code == "guide_not_in_jurisdiction"
    assert "现行清单未列入“乙证明”" in exc.value.message

    guides.guide_withdraw(actor=officer, item_key="jia", reason="修改")
    with pytest.raises(Conflict) as exc:
        _guide(officer)
    assert exc.value.code == "guide_not_published"
    assert not GuidePublication.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "other_county"])
def test_people_who_do_not_manage_the_jurisdiction_cannot_record_REQ_078(
    tree, v1, rule, who
):
    user = (
        people.user("c", role=Role.CLERK, at=tree["A1a"])
        if who == "clerk"
        else people.user("o", role=Role.CIVIL_AFFAIRS, at=OTHER_COUNTY)
    )
    with pytest.raises(NotAllowed):
        _guide(user)
    with pytest.raises(NotAllowed):
        _rule(user, rule)
    with pytest.raises(NotAllowed):
        publications.rule_create(
            actor=user,
            owner_code=COUNTY,
            title="社区工作准入制度",
            issued_on=clock.today(),
            text="准入",
        )
    assert not GuidePublication.objects.exists()
    assert not RulePublication.objects.exists()
    assert RelatedRule.objects.count() == 1
    assert selectors.guides_out_of_sync(user) == []
    assert selectors.rules_out_of_sync(user) == []


# Related rules ------------------------------------------------------------------------


def test_a_related_rule_is_recorded_on_each_channel_with_a_date_REQ_078(
    officer, v1, two_channels, rule
):
    assert rule.created_by == officer and rule.owner_id == COUNTY
    assert Entry.objects.filter(event="related_rule.created").exists()
    assert selectors.rules_out_of_sync(officer) == [rule]

    _rule(officer, rule, Channel.PORTAL)
    rows = {r.channel: r for r in selectors.rule_channel_status(rule)}
    assert rows["portal"].in_sync and rows["portal"].published_on == clock.today()
    assert not rows["wechat"].in_sync
    assert selectors.rules_out_of_sync(officer) == [rule]

    _rule(officer, rule, Channel.WECHAT)
    assert selectors.rules_out_of_sync(officer) == []
    with pytest.raises(Conflict) as exc:
        _rule(officer, rule, Channel.WECHAT)
    assert exc.value.code == "publication_exists"


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"title": " "}, "请填写制度名称"),
        ({"text": ""}, "请填写正文或内容摘要"),
        ({"issued_on": None}, "请填写印发日期"),
        ({"issued_on": dt.date(2999, 1, 1)}, "印发日期不能晚于今天"),
        ({"owner_code": "620725101"}, "相关制度由国家、省、市、县级民政部门登记"),
    ],
)
def test_a_bad_rule_is_refused_in_chinese(tree, fields, message):
    actor = people.user("m", role=Role.CIVIL_AFFAIRS, at=COUNTY)
    values = {
        "owner_code": COUNTY,
        "title": "社区工作准入制度",
        "issued_on": clock.today(),
        "text": "准入",
        **fields,
    }
    with pytest.raises(InvalidInput) as exc:
        publications.rule_create(actor=actor, **values)
    assert message in exc.value.message
    assert not RelatedRule.objects.exists()


def test_a_rule_is_not_recorded_before_it_was_issued(officer, rule):
    with pytest.raises(InvalidInput) as exc:
        _rule(officer, rule, on=rule.issued_on - dt.timedelta(days=1))
    assert "不能早于该制度的印发日期" in exc.value.message


# Inbox --------------------------------------------------------------------------------


def test_the_inbox_counts_unsynchronised_guides_and_rules_REQ_078(
    tree, officer, v1, two_channels, rule
):
    assert _inbox(officer)["尚未在全部渠道同步公布的办事指南"] == 1
    assert _inbox(officer)["尚未在全部渠道公布的相关制度"] == 1
    for channel in two_channels:
        _guide(officer, channel)
        _rule(officer, rule, channel)
    assert _inbox(officer).get("尚未在全部渠道同步公布的办事指南", 0) == 0
    assert _inbox(officer).get("尚未在全部渠道公布的相关制度", 0) == 0

    _republish(officer)

    assert _inbox(officer)["尚未在全部渠道同步公布的办事指南"] == 1
    other = people.user("o", role=Role.CIVIL_AFFAIRS, at=OTHER_COUNTY)
    clerk = people.user("c", role=Role.CLERK, at=tree["A1a"])
    assert _inbox(other).get("尚未在全部渠道同步公布的办事指南", 0) == 0
    assert "尚未在全部渠道公布的相关制度" not in _inbox(clerk)


# Staff page ---------------------------------------------------------------------------


def test_the_publishing_page_records_a_guide_and_a_rule(
    client, officer, v1, two_channels
):
    client.force_login(officer)
    page = client.get("/catalogue/manage/publishing/").content.decode()
    assert "甲证明" in page and "未同步" in page

    created = client.post(
        "/catalogue/manage/publishing/rules/new/",
        {
            "rule-owner": COUNTY,
            "rule-title": "社区工作准入制度",
            "rule-reference": "山民发〔2022〕2号",
            "rule-issued_on": clock.today().isoformat(),
            "rule-text": "各部门需要社区出具证明的，须经准入审核。",
        },
        follow=True,
    )
    assert "已登记相关制度" in created.content.decode()
    rule = RelatedRule.objects.get()
    recorded = client.post(
        "/catalogue/manage/publishing/rules/record/",
        {
            "rpub-rule": rule.pk,
            "rpub-channel": "portal",
            "rpub-published_on": clock.today().isoformat(),
            "rpub-location": "县政府网",
        },
        follow=True,
    )
    assert "已登记相关制度的公布渠道及日期" in recorded.content.decode()
    guide = client.post(
        "/catalogue/manage/publishing/guides/record/",
        {
            "gpub-division": COUNTY,
            "gpub-item": "jia",
            "gpub-channel": "wechat",
            "gpub-published_on": clock.today().isoformat(),
        },
        follow=True,
    )
    assert "已登记办事指南的公布渠道及日期" in guide.content.decode()
    assert GuidePublication.objects.get().channel == "wechat"
    assert RulePublication.objects.get().location == "县政府网"


def test_the_publishing_page_shows_a_refusal_without_failing(client, officer, v1):
    client.force_login(officer)
    response = client.post(
        "/catalogue/manage/publishing/guides/record/",
        {
            "gpub-division": COUNTY,
            "gpub-item": "jia",
            "gpub-channel": "portal",
            "gpub-published_on": (clock.today() + dt.timedelta(days=3)).isoformat(),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "公布日期不能晚于今天" in response.content.decode()
    bad_rule = client.post(
        "/catalogue/manage/publishing/rules/new/",
        {"rule-owner": COUNTY, "rule-title": "", "rule-issued_on": "not a date"},
        follow=True,
    )
    assert bad_rule.status_code == 200
    assert "印发日期" in bad_rule.content.decode()
    assert not GuidePublication.objects.exists() and not RelatedRule.objects.exists()


@pytest.mark.parametrize("who", ["clerk", "other_county"])
def test_the_publishing_page_refuses_people_who_do_not_manage_it(
    client, tree, v1, rule, who
):
    user = (
        people.user("c", role=Role.CLERK, at=tree["A1a"])
        if who == "clerk"
        else people.user("o", role=Role.CIVIL_AFFAIRS, at=OTHER_COUNTY)
    )
    client.force_login(user)
    guide = client.post(
        "/catalogue/manage/publishing/guides/record/",
        {
            "gpub-division": COUNTY,
            "gpub-item": "jia",
            "gpub-channel": "portal",
            "gpub-published_on": clock.today().isoformat(),
        },
    )
    recorded = client.post(
        "/catalogue/manage/publishing/rules/record/",
        {
            "rpub-rule": rule.pk,
            "rpub-channel": "portal",
            "rpub-published_on": clock.today().isoformat(),
        },
    )
    expected = (403, 403) if who == "clerk" else (403, 404)
    assert (guide.status_code, recorded.status_code) == expected
    if who == "other_county":
        page = client.get("/catalogue/manage/publishing/").content.decode()
        assert "山民发〔2022〕1号" not in page and "尚未登记相关制度" in page
    assert not GuidePublication.objects.exists()
    assert not RulePublication.objects.exists()


# API ----------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def test_the_api_lists_and_records_guide_publications_REQ_078(
    api, officer, v1, two_channels
):
    api.force_authenticate(officer)
    url = f"{BASE}/guide-publications/"
    created = api.post(
        url,
        {
            "item": "jia",
            "division": COUNTY,
            "channel": "portal",
            "published_on": clock.today().isoformat(),
        },
        format="json",
    )
    refused = api.post(
        url,
        {
            "item": "jia",
            "division": COUNTY,
            "channel": "weibo",
            "published_on": clock.today().isoformat(),
        },
        format="json",
    )
    [row] = api.get(url).json()

    assert created.status_code == 201 and created.json()["channel"] == "portal"
    assert refused.status_code == 400
    assert refused.json()["code"] == "channel_not_configured"
    assert row["item"] == "jia" and row["division"] == COUNTY
    assert [(c["channel"], c["in_sync"]) for c in row["channels"]] == [
        ("portal", True),
        ("wechat", False),
    ]


def test_the_api_creates_a_rule_and_records_its_publication_REQ_078(api, tree, officer):
    api.force_authenticate(officer)
    created = api.post(
        f"{BASE}/rules/",
        {
            "owner": COUNTY,
            "title": "社区印章管理使用办法",
            "issued_on": clock.today().isoformat(),
            "text": "专人专管。",
        },
        format="json",
    )
    assert created.status_code == 201
    rule_id = created.json()["id"]
    assert len(created.json()["channels"]) == 7  # no list: all seven

    recorded = api.post(
        f"{BASE}/rules/{rule_id}/publications/",
        {"channel": "community_notice", "published_on": clock.today().isoformat()},
        format="json",
    )
    [listed] = api.get(f"{BASE}/rules/").json()

    assert recorded.status_code == 201
    assert recorded.json()["channel_display"] == "社区醒目位置"
    states = {c["channel"]: c["in_sync"] for c in listed["channels"]}
    assert states["community_notice"] and not states["portal"]

    api.force_authenticate(people.user("c", role=Role.CLERK, at=tree["A1a"]))
    forbidden = api.post(
        f"{BASE}/rules/{rule_id}/publications/",
        {"channel": "portal", "published_on": clock.today().isoformat()},
        format="json",
    )
    assert forbidden.status_code == 403
    assert api.get(f"{BASE}/rules/").json() == []
    api.force_authenticate(None)
    assert api.get(f"{BASE}/rules/").status_code == 401


def test_the_endpoints_are_in_the_openapi_schema(db, api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/catalogue/guide-publications/",
        "/api/catalogue/rules/",
        "/api/catalogue/rules/{id}/publications/",
    ):
        assert path in paths


# Export -------------------------------------------------------------------------------


def test_the_json_export_carries_the_owners_guide_publications_REQ_078(officer, v1):
    _guide(officer, Channel.SERVICE_VENUE)

    [entry] = json.loads(exports.to_json(v1))["entries"]

    assert entry["guide_publications"] == [
        {
            "channel": "service_venue",
            "channel_display": "政务服务场所",
            "published_on": clock.today().isoformat(),
            "location": "https://example.org/guide",
        }
    ]
    assert exports.read_entries(exports.to_json(v1))


def test_the_guide_page_shows_the_jurisdictions_channels(client, officer, v1):
    _guide(officer, Channel.SERVICE_VENUE)
    client.force_login(officer)

    page = client.get("/catalogue/manage/items/jia/guide/").content.decode()

    assert 'id="channels"' in page
    assert f'<td class="nowrap">{clock.today().isoformat()}</td>' in page
    assert page.count("未同步") == 6  # seven channels, one recorded


def test_the_public_item_page_shows_where_the_current_guide_went_out(
    client, officer, v1
):
    _guide(officer, Channel.WECHAT)
    url = GuidePublication.objects.get().guide.item.get_absolute_url()

    page = client.get(url).content.decode()
    assert 'id="guide-channels"' in page
    assert f"政务微信公众号 {clock.today().isoformat()}" in page

    _republish(officer)
    assert 'id="guide-channels"' not in client.get(url).content.decode()


def test_the_api_refuses_a_bad_rule_in_chinese_without_failing(api, officer):
    api.force_authenticate(officer)

    missing = api.post(
        f"{BASE}/rules/", {"owner": COUNTY, "issued_on": "昨天"}, format="json"
    )
    future = api.post(
        f"{BASE}/rules/",
        {
            "owner": COUNTY,
            "title": "社区工作准入制度",
            "issued_on": "2999-01-01",
            "text": "准入",
        },
        format="json",
    )
    unknown = api.post(
        f"{BASE}/rules/999999/publications/",
        {"channel": "portal", "published_on": clock.today().isoformat()},
        format="json",
    )

    assert missing.status_code == 400 and set(missing.json()) == {
        "code",
        "message",
        "detail",
    }
    assert future.status_code == 400
    assert future.json() == {
        "code": "rule_issued_on_invalid",
        "message": "印发日期不能晚于今天",
        "detail": None,
    }
    assert unknown.status_code == 404 and unknown.json()["code"] == "rule_not_found"
    assert not RelatedRule.objects.exists()
