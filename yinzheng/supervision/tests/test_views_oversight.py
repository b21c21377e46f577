"""Supervision's staff pages beyond the cases: inspections and draws (REQ-092,
REQ-094, REQ-095), the rectification list with follow-ups and its export (REQ-096,
REQ-097), township checks (REQ-093), alerts and the settings (REQ-087)."""

import datetime as dt

from yinzheng.supervision import services
from yinzheng.supervision.choices import (
    AlertStatus,
    FindingKind,
    ItemStatus,
)
from yinzheng.supervision.models import (
    Alert,
    Criticism,
    Draw,
    Inspection,
    RectificationItem,
    SupervisionSetting,
    TownshipCheck,
)

from .factories import COUNTY, TOWNSHIP
from .pages import TODAY, make_alert, text_of

# Inspections (REQ-092, REQ-094, REQ-095) --------------------------------------------


def test_an_inspection_with_a_seal_use_finding_opens_criticism_and_item(
    client, staff, tree
):
    client.force_login(staff.inspector)
    response = client.post(
        "/supervision/inspections/new/",
        {
            "county": COUNTY,
            "title": "第一季度明察暗访",
            "mode": "unannounced",
            "started_on": "2026-03-02",
            "inspectors": "李四、王五",
            "committees": [tree["A1a"], tree["A1b"]],
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    page = text_of(client.get(f"/supervision/inspections/{inspection.pk}/"))
    assert 'id="finding"' in page and tree["A1b"] in page
    response = client.post(
        "/supervision/findings/new/",
        {
            "finding-inspection": inspection.pk,
            "finding-committee": tree["A1a"],
            "finding-kind": FindingKind.NON_COMPLIANT_SEAL_USE,
            "finding-description": "未经审批用印",
            "finding-deadline": "2026-03-20",
        },
    )
    item = RectificationItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/items/{item.pk}/"
    assert Criticism.objects.filter(committee_id=tree["A1a"]).exists()
    page = text_of(client.get(f"/supervision/inspections/{inspection.pk}/"))
    assert "通报批评" in page and "未经审批用印" in page


def test_a_seal_use_finding_without_a_deadline_is_refused(client, staff, tree):
    client.force_login(staff.inspector)
    response = client.post(
        "/supervision/findings/new/",
        {
            "finding-committee": tree["A1a"],
            "finding-kind": FindingKind.NON_COMPLIANT_SEAL_USE,
            "finding-description": "未经审批用印",
        },
    )
    assert response.status_code == 200
    assert "整改时限" in text_of(response)
    assert not RectificationItem.objects.exists()


def test_another_finding_goes_on_the_list_with_unit_and_deadline(client, staff, tree):
    """REQ-092 (a finding outside an inspection) and REQ-096."""
    client.force_login(staff.inspector)
    response = client.post(
        "/supervision/findings/new/",
        {
            "finding-committee": tree["A1b"],
            "finding-kind": FindingKind.OTHER,
            "finding-description": "用印登记簿未按月装订",
        },
    )
    assert response.status_code == 302
    page = text_of(client.get("/supervision/findings/new/"))
    assert "用印登记簿未按月装订" in page
    finding_id = int(response["Location"].rsplit("finding-", 1)[1])
    response = client.post(
        f"/supervision/findings/{finding_id}/item/",
        {
            f"item{finding_id}-responsible_unit": "测试村民委员会",
            f"item{finding_id}-deadline": "2026-03-31",
        },
    )
    item = RectificationItem.objects.get()
    assert response.status_code == 302
    assert item.deadline == dt.date(2026, 3, 31)


def test_inspections_filter_by_mode(client, staff):
    """REQ-094."""
    for mode, title in (("field_research", "实地调研甲"), ("random", "随机检查乙")):
        services.inspection_create(
            actor=staff.inspector,
            county_code=COUNTY,
            title=title,
            mode=mode,
            started_on=TODAY,
            inspectors="李四",
        )
    client.force_login(staff.province)
    page = text_of(client.get("/supervision/inspections/?mode=random"))
    assert "随机检查乙" in page and "实地调研甲" not in page
    assert "登记督查" not in page


def test_a_draw_is_made_on_the_page_and_replays(client, staff, tree):
    """REQ-095: the seed and the candidates are shown and the draw reproduces."""
    client.force_login(staff.inspector)
    response = client.post(
        "/supervision/draws/new/", {"county": COUNTY, "seed": "2026-q1"}
    )
    draw = Draw.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/draws/{draw.pk}/"
    page = text_of(client.get(response["Location"]))
    assert "2026-q1" in page and "结果一致" in page
    assert tree["A1a"] in page and tree["A2a"] in page
    form = text_of(client.get(f"/supervision/inspections/new/?draw={draw.pk}"))
    assert f'value="{draw.pk}" selected' in form
    client.force_login(staff.province)
    assert client.get(f"/supervision/draws/{draw.pk}/").status_code == 200
    assert client.post("/supervision/draws/new/", {"county": COUNTY}).status_code == 403


# Rectification (REQ-096, REQ-097) ---------------------------------------------------


def test_the_committee_reports_and_the_inspector_closes_and_follows_up(
    client, staff, item
):
    client.force_login(staff.clerk)
    page = text_of(client.get(f"/supervision/items/{item.pk}/"))
    assert 'id="form-evidence"' in page and 'id="form-close"' not in page
    response = client.post(
        f"/supervision/items/{item.pk}/evidence/",
        {"evidence-evidence": "已收回空白盖章纸并建立台账"},
    )
    assert response.status_code == 302
    assert client.post(f"/supervision/items/{item.pk}/close/", {}).status_code == 403

    client.force_login(staff.inspector)
    response = client.post(
        f"/supervision/items/{item.pk}/close/",
        {"close-follow_up_on": "2026-03-02"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED and item.follow_up_on == TODAY
    response = client.post(
        f"/supervision/items/{item.pk}/follow_up/",
        {
            "follow_up-relapse": "yes",
            "follow_up-note": "再次发现空白盖章",
            "follow_up-deadline": "2026-04-10",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.REOPENED and item.round == 2
    page = text_of(client.get(f"/supervision/items/{item.pk}/"))
    assert 'id="round-1"' in page and 'id="round-2"' in page


def test_a_relapse_without_a_new_deadline_is_refused_on_the_page(client, staff, item):
    services.item_close(
        actor=staff.inspector, item_id=item.pk, evidence="已整改", follow_up_on=TODAY
    )
    client.force_login(staff.inspector)
    response = client.post(
        f"/supervision/items/{item.pk}/follow_up/",
        {"follow_up-relapse": "yes", "follow_up-note": "反弹"},
    )
    assert response.status_code == 200
    assert RectificationItem.objects.get(pk=item.pk).status == ItemStatus.CLOSED


def test_overdue_items_are_flagged_and_filtered(client, staff, item, clock_at):
    clock_at(2026, 3, 20, 9)
    client.force_login(staff.civil)
    page = text_of(client.get("/supervision/items/?overdue=1"))
    assert "空白纸张加盖公章" in page and 'class="overdue"' in page
    assert 'id="overdue"' in text_of(client.get(f"/supervision/items/{item.pk}/"))
    page = text_of(client.get("/supervision/items/?status=closed"))
    assert "空白纸张加盖公章" not in page


def test_follow_ups_due_are_listed(client, staff, item):
    services.item_close(
        actor=staff.inspector, item_id=item.pk, evidence="已整改", follow_up_on=TODAY
    )
    client.force_login(staff.inspector)
    page = text_of(client.get("/supervision/items/?follow_up=1"))
    assert "空白纸张加盖公章" in page
    assert 'id="form-follow_up"' in text_of(
        client.get(f"/supervision/items/{item.pk}/")
    )


def test_the_list_downloads_as_xlsx(client, staff, item):
    client.force_login(staff.province)
    response = client.get("/supervision/items/export.xlsx?overdue=1")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")  # an ASCII fallback first
    assert "filename*=utf-8''" in disposition.lower()
    assert "%E6%95%B4%E6%94%B9%E6%B8%85%E5%8D%95.xlsx" in disposition  # 整改清单
    assert response.content[:2] == b"PK"


# Township checks (REQ-093) ----------------------------------------------------------


def test_the_township_checks_and_the_committee_acknowledges(client, staff, tree):
    client.force_login(staff.township)
    page = text_of(client.get("/supervision/checks/township/"))
    assert tree["A1a"] in page and "记录检查" in page
    response = client.post(
        "/supervision/checks/new/",
        {
            "committee": tree["A1a"],
            "checked_on": "2026-03-02",
            "findings": "登记簿有 2 条未经居民签字",
            "feedback": "请于一周内补签",
        },
    )
    check = TownshipCheck.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/checks/{check.pk}/"
    page = text_of(client.get("/supervision/checks/township/"))
    assert "2026-03-02" in page

    client.force_login(staff.clerk)
    page = text_of(client.get("/supervision/checks/"))
    assert 'id="to-acknowledge"' in page and "请于一周内补签" in page
    response = client.post(f"/supervision/checks/{check.pk}/acknowledge/")
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.acknowledged_by == staff.clerk
    assert 'id="to-acknowledge"' not in text_of(client.get("/supervision/checks/"))


def test_only_the_committee_acknowledges_a_check(client, staff, tree):
    check = services.check_record(
        actor=staff.township,
        committee_code=tree["A1a"],
        checked_on=TODAY,
        findings="未发现问题",
        feedback="继续保持",
    )
    client.force_login(staff.province)
    assert client.get(f"/supervision/checks/{check.pk}/").status_code == 200
    assert (
        client.post(f"/supervision/checks/{check.pk}/acknowledge/").status_code == 403
    )
    client.force_login(staff.civil)
    assert client.get("/supervision/checks/new/").status_code == 403


def test_the_dashboard_needs_a_township_in_scope(client, staff, tree):
    client.force_login(staff.civil)
    page = text_of(client.get("/supervision/checks/township/"))
    assert TOWNSHIP in page  # the select
    page = text_of(client.get(f"/supervision/checks/township/?township={TOWNSHIP}"))
    assert tree["A1b"] in page and tree["A2a"] not in page
    client.force_login(staff.other_county)
    url = f"/supervision/checks/township/?township={TOWNSHIP}"
    assert client.get(url).status_code == 404


# Alerts -----------------------------------------------------------------------------


def test_the_township_dismisses_an_alert_and_sees_its_evidence(client, staff, tree):
    alert = make_alert(tree["A1a"])
    client.force_login(staff.township)
    link = f'href="/supervision/alerts/{alert.pk}/"'
    assert link in text_of(client.get("/supervision/alerts/"))
    page = text_of(client.get(f"/supervision/alerts/{alert.pk}/"))
    assert 'id="evidence"' in page and "register_use:x" in page and "公章" in page
    assert 'id="form-dismiss"' in page and 'id="form-check"' in page
    response = client.post(f"/supervision/alerts/{alert.pk}/dismiss/", {})
    assert response.status_code == 200  # the reason is required
    response = client.post(
        f"/supervision/alerts/{alert.pk}/dismiss/",
        {"dismiss-reason": "系统时间设置错误，已核实为白天用印"},
    )
    assert response.status_code == 302
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.DISMISSED
    assert link not in text_of(client.get("/supervision/alerts/"))
    assert link in text_of(client.get("/supervision/alerts/?status=all"))


def test_an_alert_becomes_a_check(client, staff, tree):
    alert = make_alert(tree["A1a"])
    client.force_login(staff.township)
    response = client.post(
        f"/supervision/alerts/{alert.pk}/check/",
        {
            "check-checked_on": "2026-03-02",
            "check-findings": "夜间用印属实",
            "check-feedback": "严格执行用印时间规定",
        },
    )
    check = TownshipCheck.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/checks/{check.pk}/"
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.CHECKED


def test_the_province_reads_alerts_and_may_not_decide(client, staff, tree):
    alert = make_alert(tree["A1a"])
    client.force_login(staff.province)
    page = text_of(client.get(f"/supervision/alerts/{alert.pk}/"))
    assert alert.summary in page and 'id="form-dismiss"' not in page
    response = client.post(
        f"/supervision/alerts/{alert.pk}/dismiss/", {"dismiss-reason": "无问题"}
    )
    assert response.status_code == 403
    client.force_login(staff.clerk)
    assert client.get(f"/supervision/alerts/{alert.pk}/").status_code == 403


# Settings (REQ-087) -----------------------------------------------------------------


def test_county_civil_affairs_sets_the_hotline(client, staff):
    client.force_login(staff.civil)
    page = text_of(client.get("/supervision/settings/"))
    assert 'id="settings-form"' in page
    data = {
        "hotline": "0936-6121532",
        "hotline_hours": "工作日 8:30—18:00",
        "verify_days": 3,
        "notice_days": 10,
        "feedback_days": 5,
        "response_days": 20,
        "correction_days": 20,
        "close_days": 5,
        "office_opens": "08:30",
        "office_closes": "18:00",
        "off_hours_min": 1,
        "unconfirmed_days": 7,
        "resident_burst": 5,
        "purpose_burst": 30,
        "relapse_days": 90,
        "refusal_ratio": "3",
        "refusal_min": 5,
    }
    response = client.post("/supervision/settings/", data)
    assert response.status_code == 302
    setting = SupervisionSetting.objects.get(county_id=COUNTY)
    assert setting.hotline == "0936-6121532" and setting.verify_days == 3
    response = client.post("/supervision/settings/", {**data, "verify_days": 0})
    assert response.status_code == 200
    assert SupervisionSetting.objects.get(county_id=COUNTY).verify_days == 3

    client.force_login(staff.province)
    page = text_of(client.get(f"/supervision/settings/?county={COUNTY}"))
    assert "0936-6121532" in page and 'id="settings-form"' not in page
    assert (
        client.post(f"/supervision/settings/?county={COUNTY}", data).status_code == 403
    )
