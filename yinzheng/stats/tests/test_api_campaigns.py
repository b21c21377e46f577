"""Campaigns API (REQ-104–107): the templates as the documents lay them down; the bureau
starts Sunan's plan in its own month, a township records its completion, the bureau
records for another and withdraws a mistake, moves a deadline; the detail shows the
phases, the matrix and what is overdue; the province reads and writes nothing
(REQ-098); another county sees nothing; bad input is a 400/404/409, never a 500; the
schema."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.core.tests import factories as f
from yinzheng.stats import services
from yinzheng.stats.models import Completion, Deliverable
from yinzheng.stats.tests import factories
from yinzheng.stats.tests.factories import COUNTY, T1, T2

pytestmark = pytest.mark.django_db

BASE = "/api/stats"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def people(tree, clock_at):
    clock_at(2021, 1, 5, 9)
    return factories.people()


@pytest.fixture
def sunan(people):
    return services.campaign_start(
        actor=people["bureau"],
        division_code=COUNTY,
        template_code="sunan-2020",
        starts_on=dt.date(2020, 11, 1),
    )


def _as(api, user):
    api.force_authenticate(user)
    return api


def _item(campaign, label):
    phase, number = label.split(".")
    return Deliverable.objects.get(
        phase__campaign=campaign, phase__number=int(phase), number=int(number)
    )


def test_the_templates_are_preloaded_REQ_104_REQ_106_REQ_107(api, people):
    _as(api, people["t1"])
    templates = api.get(f"{BASE}/campaign-templates/").json()
    assert [t["code"] for t in templates] == [
        "sunan-2020",
        "potou-2022",
        "shaanxi-2022",
    ]
    sunan, potou, shaanxi = templates
    assert [p["name"] for p in sunan["phases"]] == [
        "安排部署工作",
        "摸排掌握情况",
        "制定事项清单",
        "编制办事指南",
        "全面组织实施",
        "认真总结评估",
    ]
    assert (sunan["starts_on"], sunan["ends_on"]) == ("2020-11-01", "2023-08-31")
    assert [p["ends_on"] for p in potou["phases"]] == [
        "2022-04-25",
        "2022-06-25",
        "2022-08-25",
        "2022-09-25",
        "2022-10-25",
    ]
    assert potou["phases"][3]["deliverables"][0]["link"] == "inspection"
    assert potou["phases"][4]["deliverables"][0]["link"] == "report"
    (milestone,) = shaanxi["phases"]
    assert milestone["ends_on"] == "2022-06-30"
    assert len(milestone["deliverables"]) == 3
    assert shaanxi["lead_level"] == 1 and shaanxi["unit_level"] == 3
    one = api.get(f"{BASE}/campaign-templates/potou-2022/")
    assert one.status_code == 200 and one.json()["source"] == "湛坡民〔2022〕36号"
    missing = api.get(f"{BASE}/campaign-templates/nowhere/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_a_campaign_is_started_recorded_and_followed(api, people):
    _as(api, people["bureau"])
    created = api.post(
        f"{BASE}/campaigns/",
        {"division": COUNTY, "template": "sunan-2020", "starts_on": "2020-11-01"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    campaign = created.json()
    assert campaign["division"] == COUNTY and campaign["template"] == "sunan-2020"
    assert [p["starts_on"] for p in campaign["phases"]][:2] == [
        "2020-11-01",
        "2020-12-01",
    ]
    assert campaign["current_phase"] == 3
    assert campaign["allowed_actions"] == ["manage"]
    assert [u["code"] for u in campaign["units"]] == [COUNTY, T1, T2]
    url = f"{BASE}/campaigns/{campaign['id']}/"
    step21 = campaign["phases"][1]["deliverables"][0]
    assert step21["overdue"] and step21["missing"] == [T1, T2]

    _as(api, people["t1"])
    own = api.get(url).json()
    assert [u["code"] for u in own["units"]] == [COUNTY, T1]
    assert own["allowed_actions"] == []
    done = api.post(
        f"{BASE}/completions/",
        {
            "deliverable": step21["id"],
            "unit": T1,
            "completed_on": "2020-12-20",
            "note": "已完成摸排",
        },
        format="json",
    )
    assert done.status_code == 201, done.json()
    assert done.json()["unit"] == T1 and done.json()["allowed_actions"] == ["withdraw"]
    refused = api.post(
        f"{BASE}/completions/",
        {"deliverable": step21["id"], "unit": T2, "completed_on": "2020-12-20"},
        format="json",
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"

    _as(api, people["bureau"])
    for_t2 = api.post(
        f"{BASE}/completions/",
        {"deliverable": step21["id"], "unit": T2, "completed_on": "2020-12-30"},
        format="json",
    )
    assert for_t2.status_code == 201, for_t2.json()
    detail = api.get(url).json()
    assert step21["id"] not in detail["overdue"]
    assert len(detail["completions"]) == 2
    cell = detail["units"][2]["cells"][1]
    assert cell == {
        "applies": True,
        "completion": for_t2.json()["id"],
        "completed_on": "2020-12-30",
        "overdue": False,
    }
    withdrawn = api.post(
        f"{BASE}/completions/{for_t2.json()['id']}/withdraw/",
        {"reason": "登记有误"},
        format="json",
    )
    assert withdrawn.status_code == 200, withdrawn.json()
    assert withdrawn.json()["unit"] == T2
    assert Completion.objects.filter(unit_id=T2).count() == 0
    moved = api.post(
        f"{url}reschedule/",
        {"deliverable": step21["id"], "due_on": "2021-01-31", "reason": "顺延"},
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["phases"][1]["deliverables"][0]["due_on"] == "2021-01-31"


def test_the_province_reads_and_writes_nothing_REQ_098(api, people, sunan):
    step = _item(sunan, "2.1")
    completion = services.completion_record(
        actor=people["t1"],
        deliverable_id=step.pk,
        unit_code=T1,
        completed_on=dt.date(2020, 12, 20),
    )
    _as(api, people["province"])
    assert api.get(f"{BASE}/campaigns/").json()["count"] == 1
    detail = api.get(f"{BASE}/campaigns/{sunan.pk}/")
    assert detail.status_code == 200 and detail.json()["allowed_actions"] == []
    assert api.get(f"{BASE}/completions/{completion.pk}/").status_code == 200
    started = api.post(
        f"{BASE}/campaigns/",
        {"division": COUNTY, "template": "sunan-2020", "starts_on": "2021-01-01"},
        format="json",
    )
    assert started.status_code == 403
    recorded = api.post(
        f"{BASE}/completions/",
        {"deliverable": step.pk, "unit": T2, "completed_on": "2020-12-20"},
        format="json",
    )
    assert recorded.status_code == 403
    withdrawn = api.post(
        f"{BASE}/completions/{completion.pk}/withdraw/",
        {"reason": "x"},
        format="json",
    )
    assert withdrawn.status_code == 403
    moved = api.post(
        f"{BASE}/campaigns/{sunan.pk}/reschedule/",
        {"deliverable": step.pk, "due_on": "2021-01-31", "reason": "x"},
        format="json",
    )
    assert moved.status_code == 403


def test_another_county_sees_nothing_of_this_one(api, people, sunan):
    completion = services.completion_record(
        actor=people["t1"],
        deliverable_id=_item(sunan, "2.1").pk,
        unit_code=T1,
        completed_on=dt.date(2020, 12, 20),
    )
    other = f.user("other", role=Role.CIVIL_AFFAIRS, at="440804")
    _as(api, other)
    assert api.get(f"{BASE}/campaigns/").json()["count"] == 0
    assert api.get(f"{BASE}/campaigns/{sunan.pk}/").status_code == 404
    assert api.get(f"{BASE}/completions/{completion.pk}/").status_code == 404
    assert (
        api.post(
            f"{BASE}/completions/{completion.pk}/withdraw/", {"reason": "x"}
        ).status_code
        == 404
    )


def test_the_anonymous_are_asked_to_log_in(api, sunan):
    for url in ("campaign-templates/", "campaigns/", f"campaigns/{sunan.pk}/"):
        response = api.get(f"{BASE}/{url}")
        assert response.status_code in (401, 403)
        assert response.json()["code"] in ("not_authenticated", "not_allowed")


def test_bad_input_is_a_400_404_or_409_never_a_500(api, people, sunan):
    _as(api, people["bureau"])
    url = f"{BASE}/campaigns/"
    missing = api.post(url, {"division": COUNTY}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "invalid_input"
    assert "template" in missing.json()["detail"]
    bad_date = api.post(
        url,
        {"division": COUNTY, "template": "sunan-2020", "starts_on": "2020-13-01"},
        format="json",
    )
    assert bad_date.status_code == 400
    unknown = api.post(
        url,
        {"division": COUNTY, "template": "nowhere", "starts_on": "2020-11-01"},
        format="json",
    )
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "campaign_template_unknown"
    assert "sunan-2020" in unknown.json()["detail"]["allowed"]
    level = api.post(
        url,
        {"division": COUNTY, "template": "shaanxi-2022", "starts_on": "2022-01-01"},
        format="json",
    )
    assert level.status_code == 400
    assert level.json()["code"] == "campaign_level_invalid"
    assert level.json()["message"] == "该模板须由省级牵头发起"
    nowhere = api.post(
        url,
        {"division": "999999", "template": "sunan-2020", "starts_on": "2020-11-01"},
        format="json",
    )
    assert nowhere.status_code == 404
    again = api.post(
        url,
        {"division": COUNTY, "template": "sunan-2020", "starts_on": "2020-11-30"},
        format="json",
    )
    assert again.status_code == 409 and again.json()["code"] == "campaign_exists"
    ancient = api.post(
        url,
        {"division": COUNTY, "template": "sunan-2020", "starts_on": "0001-01-01"},
        format="json",
    )
    assert ancient.status_code == 400
    assert ancient.json()["code"] == "campaign_date_invalid"

    step = _item(sunan, "2.1")
    done = f"{BASE}/completions/"
    assert api.post(done, {}, format="json").status_code == 400
    assert (
        api.post(
            done,
            {"deliverable": 999999, "unit": T1, "completed_on": "2020-12-01"},
            format="json",
        ).status_code
        == 404
    )
    future = api.post(
        done,
        {"deliverable": step.pk, "unit": T1, "completed_on": "2021-02-01"},
        format="json",
    )
    assert future.status_code == 400
    assert future.json()["code"] == "completion_date_invalid"
    assert future.json()["message"] == "完成日期不能晚于今天"
    committee = api.post(
        done,
        {"deliverable": step.pk, "unit": "620725101001", "completed_on": "2020-12-01"},
        format="json",
    )
    assert committee.status_code == 400
    assert committee.json()["code"] == "completion_unit_invalid"
    wrong_link = api.post(
        done,
        {
            "deliverable": step.pk,
            "unit": T1,
            "completed_on": "2020-12-01",
            "inspection": 1,
        },
        format="json",
    )
    assert wrong_link.status_code == 400
    assert wrong_link.json()["code"] == "completion_inspection_invalid"
    first = api.post(
        done,
        {"deliverable": step.pk, "unit": T1, "completed_on": "2020-12-01"},
        format="json",
    )
    assert first.status_code == 201
    twice = api.post(
        done,
        {"deliverable": step.pk, "unit": T1, "completed_on": "2020-12-02"},
        format="json",
    )
    assert twice.status_code == 409 and twice.json()["code"] == "completion_exists"
    no_reason = api.post(
        f"{done}{first.json()['id']}/withdraw/", {"reason": " "}, format="json"
    )
    assert no_reason.status_code == 400
    assert no_reason.json()["code"] == "reason_required"
    assert api.post(f"{done}abc/withdraw/", {"reason": "x"}).status_code == 404
    other = api.post(
        f"{url}{sunan.pk}/reschedule/",
        {"deliverable": 999999, "due_on": None, "reason": "x"},
        format="json",
    )
    assert other.status_code == 404
    early = api.post(
        f"{url}{sunan.pk}/reschedule/",
        {"deliverable": step.pk, "due_on": "2019-01-01", "reason": "x"},
        format="json",
    )
    assert early.status_code == 400
    assert early.json()["code"] == "campaign_date_invalid"


def test_the_schema_lists_the_campaign_endpoints(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/stats/campaign-templates/",
        "/api/stats/campaign-templates/{id}/",
        "/api/stats/campaigns/",
        "/api/stats/campaigns/{id}/",
        "/api/stats/campaigns/{id}/reschedule/",
        "/api/stats/completions/",
        "/api/stats/completions/{id}/",
        "/api/stats/completions/{id}/withdraw/",
    ):
        assert path in paths, path
    created = paths["/api/stats/completions/"]["post"]["responses"]
    assert {"201", "400", "403", "404", "409"} <= set(created)
    components = schema["components"]["schemas"]
    for name in (
        "StatsCampaignTemplate",
        "StatsCampaignDetail",
        "StatsCampaignPhase",
        "StatsCampaignUnit",
        "StatsCompletionDetail",
        "StatsCompletionCreateRequest",
    ):
        assert name in components, name
