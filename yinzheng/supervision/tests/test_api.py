"""Supervision API: a case through every step, the list filters, a draw and an
inspection whose seal-use finding brings a criticism and an item, an item closed,
followed up and reopened, checks and alerts, the settings, the permission matrix
(REQ-098: the province reads everything and writes nothing) and the schema."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from yinzheng.supervision import services
from yinzheng.supervision.choices import AlertKind
from yinzheng.supervision.models import Alert

from .factories import COUNTY, TOWNSHIP, people, registered, reported

pytestmark = pytest.mark.django_db

BASE = "/api/supervision"
TODAY = dt.date(2026, 3, 2)  # a Monday


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staff(tree, clock_at):
    clock_at(2026, 3, 2, 10)
    return people(tree)


def _as(api, user):
    api.force_authenticate(user)
    return api


def _alert(committee: str, key: str = "2026-02") -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        kind=AlertKind.OFF_HOURS,
        fingerprint=f"off_hours:{committee}:{key}",
        committee_id=committee,
        period_start=dt.date(2026, 2, 1),
        period_end=dt.date(2026, 2, 28),
        summary="2026-02 有 3 次用印登记在非工作时间",
        evidence=[{"entry": 1, "register": "x", "seq": 1, "at": "2026-02-07T22:10"}],
        raised_at=now,
        refreshed_at=now,
    )


@pytest.fixture
def world(staff, tree):
    """One of everything, made through the services by those who may."""
    case = registered(staff.civil, committee_code=tree["A1a"])
    draw = services.draw_create(actor=staff.inspector, county_code=COUNTY, seed="s1")
    inspection = services.inspection_create(
        actor=staff.inspector,
        county_code=COUNTY,
        title="2026 年专项督查",
        mode="special",
        started_on=TODAY,
        inspectors="王五、赵六",
        draw_id=draw.pk,
    )
    finding = services.finding_record(
        actor=staff.inspector,
        committee_code=tree["A1a"],
        kind="seal_use",
        description="用印未登记",
        inspection_id=inspection.pk,
        deadline=TODAY + dt.timedelta(days=30),
    )
    check = services.check_record(
        actor=staff.township,
        committee_code=tree["A1a"],
        checked_on=TODAY,
        findings="登记簿缺两处签名",
        feedback="请补齐",
    )
    return SimpleNamespace(
        case=case,
        draw=draw,
        inspection=inspection,
        finding=finding,
        item=finding.items.get(),
        check=check,
        alert=_alert(tree["A1a"]),
    )


# Cases --------------------------------------------------------------------------------


def test_a_case_goes_through_every_step_by_the_api(api, staff):
    """REQ-088–091: registered → verified → notified → feedback → response →
    corrected → closed; an exposure without its reason and an early close refused."""
    _as(api, staff.civil)
    created = api.post(
        f"{BASE}/cases/",
        {
            "county": COUNTY,
            "channel": "hotline",
            "reporter_type": "resident",
            "demanding_unit": "县供电公司营业厅",
            "unit_kind": "utility",
            "item_text": "无犯罪记录证明",
            "account": "办理过户时营业厅要求开具无犯罪记录证明。",
            "contact_name": "张三",
            "contact_phone": "13912345678",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    case = created.json()
    assert case["status"] == "registered" and case["channel"] == "hotline"
    assert case["contact_name"] == "张三"  # the handler sees the contact
    assert case["registered_by"]["id"] == staff.civil.pk
    url = f"{BASE}/cases/{case['id']}"

    def step(name, body):
        return api.post(f"{url}/{name}/", body, format="json")

    verified = step("verify", {"founded": True, "note": "电话核实属实"})
    assert verified.status_code == 200 and verified.json()["status"] == "verified"

    exposure = step(
        "notify",
        {"exposed_on": TODAY.isoformat(), "exposure_platform": "县融媒体中心"},
    )
    assert exposure.status_code == 400
    body = exposure.json()
    assert body["code"] == "exposure_incomplete"
    assert body["detail"]["missing"] == ["曝光理由"]

    notified = step(
        "notify",
        {
            "notice_on": TODAY.isoformat(),
            "notice_no": "县民政通〔2026〕3号",
            "notice_text": "予以通报",
            "exposed_on": TODAY.isoformat(),
            "exposure_platform": "县融媒体中心",
            "exposure_reason": "屡次要求，影响恶劣",
        },
    )
    assert notified.status_code == 200 and notified.json()["status"] == "notified"
    assert notified.json()["exposure_reason"] == "屡次要求，影响恶劣"

    fed_back = step(
        "feedback",
        {"recipient": "县发展和改革局", "sent_on": TODAY.isoformat(), "text": "请督促"},
    )
    assert fed_back.json()["status"] == "feedback_sent"
    responded = step(
        "response", {"status": "done", "text": "已取消", "on": TODAY.isoformat()}
    )
    assert responded.json()["status"] == "responded"

    early = step("close", {})
    assert early.status_code == 409
    assert early.json()["code"] == "case_incomplete"
    assert early.json()["detail"]["missing"] == ["上级主管部门纠正"]

    corrected = step(
        "correct",
        {"authority": "市发展和改革委", "text": "已责令纠正", "on": TODAY.isoformat()},
    )
    assert corrected.json()["status"] == "corrected"
    closed = step("close", {"note": "办结"})
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["missing_steps"] == []
    assert closed.json()["closed_by"]["id"] == staff.civil.pk


def test_a_step_out_of_order_is_a_conflict_and_bad_input_a_400(api, staff):
    case = registered(staff.civil)
    _as(api, staff.civil)
    skipped = api.post(
        f"{BASE}/cases/{case.pk}/feedback/",
        {"recipient": "局", "sent_on": TODAY.isoformat(), "text": "x"},
        format="json",
    )
    assert skipped.status_code == 409
    missing = api.post(f"{BASE}/cases/{case.pk}/verify/", {}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "invalid_input"
    assert set(missing.json()["detail"]) == {"founded", "note"}


def test_cases_filter_by_channel_reporter_type_and_overdue(api, staff, clock_at):
    """REQ-088: the list filters by channel and reporter type."""
    petition = registered(staff.civil)  # petition, community worker
    online = reported()  # online, resident
    hotline = registered(staff.civil, channel="hotline", reporter_type="resident")
    _as(api, staff.civil)

    def ids(**params):
        response = api.get(f"{BASE}/cases/", params)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {petition.pk, online.pk, hotline.pk}
    assert ids(channel="petition") == {petition.pk}
    assert ids(channel="online") == {online.pk}
    assert ids(reporter_type="resident") == {online.pk, hotline.pk}
    assert ids(channel="hotline", reporter_type="community_worker") == set()
    assert ids(status="registered", county=COUNTY) == {
        petition.pk,
        online.pk,
        hotline.pk,
    }
    assert ids(overdue="1") == set()
    services.case_verify(
        case_id=hotline.pk, actor=staff.civil, founded=False, note="不实"
    )
    clock_at(2026, 4, 20, 10)
    assert ids(overdue="1") == {petition.pk, online.pk}
    rows = api.get(f"{BASE}/cases/", {"overdue": "1"}).json()["results"]
    assert all(row["overdue"] for row in rows)


def test_the_contact_is_masked_for_all_but_the_handlers(api, staff):
    case = reported(contact_name="张三丰", contact_phone="13912345678")
    shown = _as(api, staff.civil).get(f"{BASE}/cases/{case.pk}/").json()
    assert (shown["contact_name"], shown["contact_phone"]) == ("张三丰", "13912345678")
    for viewer in (staff.province, staff.city):
        masked = _as(api, viewer).get(f"{BASE}/cases/{case.pk}/").json()
        assert masked["contact_name"] == "张**"
        assert masked["contact_phone"] == "139****5678"
        listed = api.get(f"{BASE}/cases/").json()["results"][0]
        assert listed["contact_phone"] == "139****5678"


# Inspections, findings, rectification -----------------------------------------------


def test_a_draw_an_inspection_and_a_seal_use_finding(api, staff, tree):
    """REQ-095 draw (replayable), REQ-094 mode, REQ-092 criticism + item."""
    _as(api, staff.inspector)
    draw = api.post(f"{BASE}/draws/", {"county": COUNTY, "seed": "abc"}, format="json")
    assert draw.status_code == 201, draw.json()
    assert draw.json()["drawn"] == {
        TOWNSHIP: sorted([tree["A1a"], tree["A1b"]]),
        "620725102": [tree["A2a"]],
    }
    detail = api.get(f"{BASE}/draws/{draw.json()['id']}/").json()
    assert detail["replay_ok"] is True and detail["seed"] == "abc"
    assert detail["candidates"][TOWNSHIP] == sorted([tree["A1a"], tree["A1b"]])
    assert [d["id"] for d in api.get(f"{BASE}/draws/").json()["results"]] == [
        detail["id"]
    ]

    inspection = api.post(
        f"{BASE}/inspections/",
        {
            "county": COUNTY,
            "title": "专项督查",
            "mode": "special",
            "started_on": TODAY.isoformat(),
            "inspectors": "王五",
            "draw": detail["id"],
        },
        format="json",
    )
    assert inspection.status_code == 201, inspection.json()
    assert sorted(inspection.json()["committees"]) == sorted(
        [tree["A1a"], tree["A1b"], tree["A2a"]]
    )
    inspection_id = inspection.json()["id"]
    special = api.get(f"{BASE}/inspections/", {"mode": "special"}).json()["results"]
    assert [i["id"] for i in special] == [inspection_id]
    assert api.get(f"{BASE}/inspections/", {"mode": "random"}).json()["count"] == 0

    no_deadline = api.post(
        f"{BASE}/findings/",
        {"committee": tree["A1a"], "kind": "seal_use", "description": "未登记用印"},
        format="json",
    )
    assert no_deadline.status_code == 400
    assert no_deadline.json()["code"] == "deadline_invalid"

    finding = api.post(
        f"{BASE}/findings/",
        {
            "committee": tree["A1a"],
            "kind": "seal_use",
            "description": "未登记用印",
            "inspection": inspection_id,
            "deadline": (TODAY + dt.timedelta(days=15)).isoformat(),
        },
        format="json",
    )
    assert finding.status_code == 201, finding.json()
    body = finding.json()
    assert body["criticism"]["text"] == "未登记用印"
    assert len(body["items"]) == 1 and body["items"][0]["status"] == "open"
    assert body["items"][0]["division"] == tree["A1a"]

    shown = api.get(f"{BASE}/inspections/{inspection_id}/").json()
    assert [f["id"] for f in shown["findings"]] == [body["id"]]

    other = api.post(
        f"{BASE}/findings/",
        {"committee": tree["A1b"], "kind": "other", "description": "台账不全"},
        format="json",
    ).json()
    assert other["criticism"] is None and other["items"] == []
    listed = api.post(
        f"{BASE}/findings/{other['id']}/item/",
        {
            "responsible_unit": "乡镇（街道）",
            "deadline": (TODAY + dt.timedelta(days=10)).isoformat(),
            "responsible": TOWNSHIP,
        },
        format="json",
    )
    assert listed.status_code == 201, listed.json()
    assert listed.json()["division"] == TOWNSHIP
    assert [e["kind"] for e in listed.json()["events"]] == ["opened"]


def test_an_item_closes_is_followed_up_and_reopens_in_round_two(
    api, staff, world, clock_at
):
    """REQ-096, REQ-097: evidence, close, follow-up date, relapse → round 2."""
    url = f"{BASE}/items/{world.item.pk}"
    mine = _as(api, staff.clerk).get(f"{BASE}/items/").json()["results"]
    assert [i["id"] for i in mine] == [world.item.pk]
    refused = api.post(f"{url}/close/", {"evidence": "已整改"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"
    evidence = api.post(f"{url}/evidence/", {"evidence": "已补登记"}, format="json")
    assert evidence.status_code == 200 and evidence.json()["evidence"] == "已补登记"

    _as(api, staff.inspector)
    closed = api.post(f"{url}/close/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = api.post(f"{url}/close/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "item_closed"
    review_on = TODAY + dt.timedelta(days=30)
    scheduled = api.post(
        f"{url}/schedule/", {"on": review_on.isoformat()}, format="json"
    )
    assert scheduled.json()["follow_up_on"] == review_on.isoformat()
    assert api.get(f"{BASE}/items/", {"follow_up": "1"}).json()["count"] == 0

    clock_at(2026, 4, 1, 9)
    due = api.get(f"{BASE}/items/", {"follow_up": "1"}).json()["results"]
    assert [i["id"] for i in due] == [world.item.pk]
    reopened = api.post(
        f"{url}/follow-up/",
        {"relapse": True, "note": "又发现未登记用印", "deadline": "2026-04-15"},
        format="json",
    )
    assert reopened.status_code == 200, reopened.json()
    item = reopened.json()
    assert item["status"] == "reopened" and item["round"] == 2
    assert item["deadline"] == "2026-04-15" and item["evidence"] == ""
    assert [(e["round"], e["kind"]) for e in item["events"]] == [
        (1, "opened"),
        (1, "evidence"),
        (1, "closed"),
        (1, "follow_up_scheduled"),
        (2, "relapse"),
    ]
    assert item["finding_detail"]["kind"] == "seal_use"
    assert api.get(f"{BASE}/items/", {"overdue": "1"}).json()["count"] == 0
    clock_at(2026, 4, 16, 9)
    late = api.get(f"{BASE}/items/", {"overdue": "1"}).json()["results"]
    assert [i["id"] for i in late] == [world.item.pk] and late[0]["overdue"]


# Checks, alerts, settings -------------------------------------------------------------


def test_the_township_checks_and_the_committee_acknowledges(api, staff, tree):
    """REQ-093: the check reaches the committee, which confirms it read it."""
    created = _as(api, staff.township).post(
        f"{BASE}/checks/",
        {
            "committee": tree["A1a"],
            "checked_on": TODAY.isoformat(),
            "findings": "登记簿缺签名",
            "feedback": "一周内补齐",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    check_id = created.json()["id"]
    _as(api, staff.clerk)
    pending = api.get(f"{BASE}/checks/", {"pending": "1"}).json()["results"]
    assert [c["id"] for c in pending] == [check_id]
    acknowledged = api.post(f"{BASE}/checks/{check_id}/acknowledge/")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["acknowledged_by"]["id"] == staff.clerk.pk
    assert api.get(f"{BASE}/checks/", {"pending": "1"}).json()["count"] == 0
    assert api.post(f"{BASE}/checks/{check_id}/acknowledge/").status_code == 409


def test_an_alert_is_dismissed_with_a_reason_or_becomes_a_check(api, staff, tree):
    first, second = _alert(tree["A1a"]), _alert(tree["A1b"], "2026-01")
    _as(api, staff.township)
    listed = api.get(f"{BASE}/alerts/", {"status": "open"}).json()["results"]
    assert {a["id"] for a in listed} == {first.pk, second.pk}
    assert listed[0]["evidence"][0]["entry"] == 1
    blank = api.post(
        f"{BASE}/alerts/{first.pk}/dismiss/", {"reason": " "}, format="json"
    )
    assert blank.status_code == 400 and blank.json()["code"] == "text_required"
    dismissed = api.post(
        f"{BASE}/alerts/{first.pk}/dismiss/",
        {"reason": "加班办理，已核实"},
        format="json",
    )
    assert dismissed.json()["status"] == "dismissed"
    checked = api.post(
        f"{BASE}/alerts/{second.pk}/check/",
        {"checked_on": TODAY.isoformat(), "findings": "夜间用印", "feedback": "说明"},
        format="json",
    )
    assert checked.status_code == 200, checked.json()
    assert checked.json()["status"] == "checked"
    assert checked.json()["check_record"]["committee"] == tree["A1b"]
    assert api.get(f"{BASE}/alerts/", {"status": "open"}).json()["count"] == 0
    assert api.get(f"{BASE}/alerts/", {"kind": "off_hours"}).json()["count"] == 2
    late = api.post(
        f"{BASE}/alerts/{first.pk}/dismiss/", {"reason": "x"}, format="json"
    )
    assert late.status_code == 409 and late.json()["code"] == "alert_not_open"


def test_the_county_sets_its_hotline(api, staff):
    """REQ-087, DIV-09: the county's hotline; defaults until it saves its own."""
    _as(api, staff.civil)
    listed = api.get(f"{BASE}/settings/").json()["results"]
    assert [(s["county"], s["saved"]) for s in listed] == [(COUNTY, False)]
    assert listed[0]["verify_days"] == 5
    changed = api.patch(
        f"{BASE}/settings/{COUNTY}/", {"hotline": "0936-6121532"}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["hotline"] == "0936-6121532" and changed.json()["saved"]
    bad = api.patch(f"{BASE}/settings/{COUNTY}/", {"verify_days": 0}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_input"
    incomplete = api.put(f"{BASE}/settings/{COUNTY}/", {"hotline": "1"}, format="json")
    assert incomplete.status_code == 400
    assert api.get(f"{BASE}/settings/{COUNTY}/").json()["hotline"] == "0936-6121532"
    assert (
        _as(api, staff.other_county).get(f"{BASE}/settings/{COUNTY}/").status_code
        == 404
    )


# Who may do what ----------------------------------------------------------------------

LISTS = [
    "cases",
    "inspections",
    "draws",
    "findings",
    "items",
    "checks",
    "alerts",
    "settings",
]


def test_the_anonymous_are_asked_to_log_in(api, world):
    for name in LISTS:
        response = api.get(f"{BASE}/{name}/")
        assert response.status_code == 401, name
        assert response.json()["code"] == "not_authenticated"
    assert api.post(f"{BASE}/cases/", {}, format="json").status_code == 401


def test_a_committee_clerk_sees_no_cases_only_its_own_rectification(api, staff, world):
    _as(api, staff.clerk)
    for name in ("cases", "inspections", "draws", "findings", "settings", "alerts"):
        response = api.get(f"{BASE}/{name}/")
        assert response.status_code == 403, name
        assert response.json()["code"] == "not_allowed"
    assert api.get(f"{BASE}/cases/{world.case.pk}/").status_code == 403
    assert api.get(f"{BASE}/items/").json()["count"] == 1
    assert api.get(f"{BASE}/checks/").json()["count"] == 1


def test_another_county_sees_nothing_of_this_one(api, staff, world):
    _as(api, staff.other_county)
    assert api.get(f"{BASE}/cases/").json()["count"] == 0
    assert api.get(f"{BASE}/cases/{world.case.pk}/").status_code == 404
    assert api.get(f"{BASE}/items/{world.item.pk}/").status_code == 404
    verify = api.post(
        f"{BASE}/cases/{world.case.pk}/verify/",
        {"founded": True, "note": "x"},
        format="json",
    )
    assert verify.status_code == 404


def test_the_province_reads_everything_and_writes_nothing(api, staff, world, tree):
    """REQ-098: a provincial civil-affairs officer GETs every list and detail of its
    counties; every POST, PUT and PATCH is 403."""
    _as(api, staff.province)
    for name in LISTS:
        response = api.get(f"{BASE}/{name}/")
        assert response.status_code == 200, name
        assert response.json()["count"] >= 1, name
    for path in (
        f"cases/{world.case.pk}",
        f"inspections/{world.inspection.pk}",
        f"draws/{world.draw.pk}",
        f"findings/{world.finding.pk}",
        f"items/{world.item.pk}",
        f"checks/{world.check.pk}",
        f"alerts/{world.alert.pk}",
        f"settings/{COUNTY}",
    ):
        assert api.get(f"{BASE}/{path}/").status_code == 200, path
    day = TODAY.isoformat()
    writes = [
        (
            "cases/",
            {
                "county": COUNTY,
                "channel": "hotline",
                "reporter_type": "resident",
                "demanding_unit": "某单位",
                "item_text": "证明",
                "account": "说明",
            },
        ),
        (f"cases/{world.case.pk}/verify/", {"founded": True, "note": "x"}),
        (f"cases/{world.case.pk}/close/", {}),
        ("draws/", {"county": COUNTY}),
        (
            "inspections/",
            {
                "county": COUNTY,
                "title": "t",
                "mode": "random",
                "started_on": day,
                "inspectors": "x",
            },
        ),
        ("findings/", {"committee": tree["A1a"], "kind": "other", "description": "x"}),
        (
            f"findings/{world.finding.pk}/item/",
            {"responsible_unit": "x", "deadline": "2026-05-01"},
        ),
        (f"items/{world.item.pk}/evidence/", {"evidence": "x"}),
        (f"items/{world.item.pk}/close/", {"evidence": "x"}),
        (
            "checks/",
            {
                "committee": tree["A1a"],
                "checked_on": day,
                "findings": "x",
                "feedback": "x",
            },
        ),
        (f"checks/{world.check.pk}/acknowledge/", {}),
        (f"alerts/{world.alert.pk}/dismiss/", {"reason": "x"}),
        (
            f"alerts/{world.alert.pk}/check/",
            {"checked_on": day, "findings": "x", "feedback": "x"},
        ),
    ]
    for path, body in writes:
        response = api.post(f"{BASE}/{path}", body, format="json")
        assert response.status_code == 403, (path, response.json())
        assert response.json()["code"] == "not_allowed"
    settings_url = f"{BASE}/settings/{COUNTY}/"
    assert api.patch(settings_url, {"hotline": "1"}, format="json").status_code == 403
    world.case.refresh_from_db()
    assert world.case.status == "registered"


def test_the_schema_lists_the_supervision_endpoints(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/supervision/cases/",
        "/api/supervision/cases/{id}/notify/",
        "/api/supervision/draws/",
        "/api/supervision/findings/{id}/item/",
        "/api/supervision/items/{id}/follow-up/",
        "/api/supervision/alerts/{id}/check/",
        "/api/supervision/settings/{county}/",
    ):
        assert path in paths, path
    close = paths["/api/supervision/cases/{id}/close/"]["post"]["responses"]
    assert {"200", "400", "403", "404", "409"} <= set(close)
