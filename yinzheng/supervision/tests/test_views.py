"""Supervision's staff pages: who may open what (the anonymous go to the login, a
committee's clerk sees no cases, the province reads everything and may write nothing,
REQ-098), one journey per page family through the forms, refusals shown on the page
(never a 500), the filters of REQ-088 and REQ-094, the overdue flags and the export."""

import datetime as dt

import pytest
from django.utils import timezone

from yinzheng.accounts.choices import Department, Role
from yinzheng.core.tests import factories as f
from yinzheng.supervision import services
from yinzheng.supervision.choices import (
    AlertKind,
    AlertStatus,
    CaseStatus,
    Channel,
    FindingKind,
    ItemStatus,
    ReporterType,
)
from yinzheng.supervision.models import (
    Alert,
    Case,
    Criticism,
    Draw,
    Inspection,
    RectificationItem,
    SupervisionSetting,
    TownshipCheck,
)

from .factories import COUNTY, TOWNSHIP, people, registered, through

TODAY = dt.date(2026, 3, 2)  # a Monday


@pytest.fixture
def staff(tree, clock_at):
    clock_at(2026, 3, 2, 9)
    return people(tree)


@pytest.fixture
def case(staff, tree):
    return registered(
        staff.civil,
        channel=Channel.HOTLINE,
        reporter_type=ReporterType.RESIDENT,
        committee_code=tree["A1a"],
        contact_name="张三丰",
        contact_phone="13912345678",
    )


@pytest.fixture
def item(staff, tree):
    """A seal-use finding at A1a: its criticism and its rectification item."""
    finding = services.finding_record(
        actor=staff.inspector,
        committee_code=tree["A1a"],
        kind=FindingKind.NON_COMPLIANT_SEAL_USE,
        description="空白纸张加盖公章",
        deadline=TODAY + dt.timedelta(days=10),
    )
    return finding.items.get()


def _alert(committee: str) -> Alert:
    now = timezone.now()
    return Alert.objects.create(
        kind=AlertKind.OFF_HOURS,
        fingerprint=f"off_hours:{committee}:2026-02",
        committee_id=committee,
        period_start=dt.date(2026, 2, 1),
        period_end=dt.date(2026, 2, 28),
        summary="2026-02 有 3 次用印登记在非工作时间",
        evidence=[
            {"entry": 11, "register": "register_use:x", "seq": 4, "at": "22:10"},
            {"takeout": 7, "seal": "公章"},
        ],
        raised_at=now,
        refreshed_at=now,
    )


def _text(response) -> str:
    return response.content.decode()


# Who may open what ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/supervision/",
        "/supervision/cases/",
        "/supervision/items/",
        "/supervision/checks/",
        "/supervision/alerts/",
        "/supervision/settings/",
    ],
)
def test_anonymous_users_are_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_anonymous_posts_are_sent_to_login(client, case):
    response = client.post(f"/supervision/cases/{case.pk}/verify/", {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REGISTERED


def test_a_committee_clerk_sees_no_cases_but_its_own_items(client, staff, case, item):
    client.force_login(staff.clerk)
    assert client.get("/supervision/").status_code == 200
    assert client.get("/supervision/cases/").status_code == 403
    assert client.get(f"/supervision/cases/{case.pk}/").status_code == 403
    assert client.get("/supervision/inspections/").status_code == 403
    page = _text(client.get("/supervision/items/"))
    assert "空白纸张加盖公章" in page
    assert client.get(f"/supervision/items/{item.pk}/").status_code == 200


def test_the_navigation_links_supervision_for_those_who_see_it(client, staff, db):
    client.force_login(staff.clerk)
    assert 'href="/supervision/"' in _text(client.get("/supervision/"))
    client.force_login(staff.other_county)
    assert 'href="/supervision/"' in _text(client.get("/"))
    department = f.user(
        "bumen", role=Role.DEPARTMENT, at=COUNTY, department=Department.HEALTH
    )
    client.force_login(department)
    assert 'href="/supervision/"' not in _text(client.get("/"))
    assert client.get("/supervision/").status_code == 403


def test_another_county_gets_404(client, staff, case, item):
    client.force_login(staff.other_county)
    assert client.get(f"/supervision/cases/{case.pk}/").status_code == 404
    assert client.get(f"/supervision/items/{item.pk}/").status_code == 404
    assert case.tracking_no not in _text(client.get("/supervision/cases/"))


def test_the_province_reads_a_case_without_forms_and_may_not_post(client, staff, case):
    """REQ-098: provincial civil affairs opens the county's case read-only."""
    client.force_login(staff.province)
    response = client.get(f"/supervision/cases/{case.pk}/")
    page = _text(response)
    assert response.status_code == 200
    assert case.tracking_no in page
    assert (
        'id="form-verify"' not in page
        and '<form method="post" action="/supervision' not in page
    )
    # The contact is for the handlers: the province sees it masked.
    assert "13912345678" not in page and "张三丰" not in page
    response = client.post(
        f"/supervision/cases/{case.pk}/verify/",
        {"verify-founded": "yes", "verify-note": "属实"},
    )
    assert response.status_code == 403
    assert client.post(f"/supervision/cases/{case.pk}/verify/", {}).status_code == 403
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REGISTERED
    assert client.get("/supervision/cases/new/").status_code == 403


def test_the_province_reads_an_item_and_may_not_act_on_it(client, staff, item):
    client.force_login(staff.province)
    page = _text(client.get(f"/supervision/items/{item.pk}/"))
    assert "空白纸张加盖公章" in page and 'id="form-close"' not in page
    response = client.post(
        f"/supervision/items/{item.pk}/close/", {"close-evidence": "已整改"}
    )
    assert response.status_code == 403
    assert RectificationItem.objects.get(pk=item.pk).status == ItemStatus.OPEN


# Cases (REQ-087–091) ----------------------------------------------------------------


def test_county_civil_affairs_enters_a_hotline_report(client, staff, tree):
    client.force_login(staff.civil)
    form = _text(client.get("/supervision/cases/new/"))
    assert COUNTY in form and "440804" not in form
    response = client.post(
        "/supervision/cases/new/",
        {
            "county": COUNTY,
            "channel": Channel.ONLINE_INQUIRY,
            "reporter_type": ReporterType.COMMUNITY_WORKER,
            "committee": tree["A1a"],
            "demanding_unit": "县不动产登记中心",
            "unit_kind": "department",
            "item_text": "房屋权属证明",
            "account": "网络问政反映：不动产登记中心要求村委会出具房屋权属证明。",
            "contact_phone": "0936-1234567",
        },
    )
    case = Case.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/supervision/cases/{case.pk}/"
    )
    assert case.channel == Channel.ONLINE_INQUIRY
    assert case.reporter_type == ReporterType.COMMUNITY_WORKER
    assert case.registered_by == staff.civil


def test_a_refused_report_shows_its_message(client, staff):
    client.force_login(staff.civil)
    response = client.post(
        "/supervision/cases/new/",
        {
            "county": COUNTY,
            "channel": Channel.HOTLINE,
            "reporter_type": ReporterType.RESIDENT,
            "demanding_unit": "某单位",
            "unit_kind": "other",
            "item_text": "某证明",
            "account": "情况",
            "contact_phone": "abc",
        },
    )
    assert response.status_code == 200
    assert "请填写正确的联系电话" in _text(response)
    assert not Case.objects.exists()


def test_county_civil_affairs_takes_a_case_through_every_step(client, staff, case):
    client.force_login(staff.civil)
    url = f"/supervision/cases/{case.pk}/"
    page = _text(client.get(url))
    assert "13912345678" in page and "张三丰" in page
    assert 'id="form-verify"' in page and 'id="form-notify"' not in page
    steps = [
        ("verify", {"verify-founded": "yes", "verify-note": "电话核实属实"}),
        (
            "notify",
            {
                "notify-notice_on": "2026-03-02",
                "notify-notice_no": "县民政通〔2026〕3号",
                "notify-notice_text": "予以通报",
            },
        ),
        (
            "feedback",
            {
                "feedback-recipient": "县自然资源局",
                "feedback-sent_on": "2026-03-02",
                "feedback-text": "请督促整改",
            },
        ),
        (
            "response",
            {
                "response-status": "done",
                "response-text": "已取消要求",
                "response-on": "2026-03-02",
            },
        ),
        (
            "correct",
            {
                "correct-authority": "县人民政府",
                "correct-text": "已责令纠正",
                "correct-on": "2026-03-02",
            },
        ),
        ("close", {"close-note": ""}),
    ]
    for step, data in steps:
        response = client.post(f"{url}{step}/", data)
        assert response.status_code == 302, (step, _text(response)[:2000])
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    page = _text(client.get(url))
    assert "县民政通〔2026〕3号" in page and "县人民政府" in page
    assert "办结" in page and "登记投诉" in page  # the journal's history
    assert 'id="form-' not in page


def test_an_incomplete_exposure_is_refused_on_the_page(client, staff, case):
    """REQ-090: exposure needs platform, date and reason; the page says so."""
    client.force_login(staff.civil)
    through(case, staff.civil, "verified", TODAY)
    response = client.post(
        f"/supervision/cases/{case.pk}/notify/",
        {"notify-exposed_on": "2026-03-02", "notify-exposure_platform": "县融媒体"},
    )
    assert response.status_code == 200
    assert "曝光理由" in _text(response)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.VERIFIED


def test_exposure_without_a_notice_is_recorded_and_shown(client, staff, case):
    """DIV-08: a notice or an exposure; the exposure shows its platform and reason."""
    client.force_login(staff.civil)
    through(case, staff.civil, "verified", TODAY)
    response = client.post(
        f"/supervision/cases/{case.pk}/notify/",
        {
            "notify-exposed_on": "2026-03-02",
            "notify-exposure_platform": "县融媒体中心",
            "notify-exposure_reason": "屡教不改，确有必要",
        },
    )
    assert response.status_code == 302
    page = _text(client.get(f"/supervision/cases/{case.pk}/"))
    assert 'id="exposure"' in page and "屡教不改，确有必要" in page


def test_a_step_the_case_is_not_at_is_refused_without_a_500(client, staff, case):
    client.force_login(staff.civil)
    response = client.post(
        f"/supervision/cases/{case.pk}/close/", {"close-note": "提前办结"}
    )
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REGISTERED
    assert client.post(f"/supervision/cases/{case.pk}/nonsense/").status_code == 404


def test_cases_filter_by_channel_and_reporter_type(client, staff, tree):
    """REQ-088."""
    hotline = registered(
        staff.civil,
        channel=Channel.HOTLINE,
        reporter_type=ReporterType.RESIDENT,
        demanding_unit="甲单位",
    )
    petition = registered(
        staff.civil,
        channel=Channel.PETITION,
        reporter_type=ReporterType.COMMUNITY_WORKER,
        demanding_unit="乙单位",
    )
    client.force_login(staff.civil)
    page = _text(client.get("/supervision/cases/?channel=petition"))
    assert petition.tracking_no in page and hotline.tracking_no not in page
    page = _text(client.get("/supervision/cases/?reporter_type=resident"))
    assert hotline.tracking_no in page and petition.tracking_no not in page
    page = _text(client.get("/supervision/cases/"))
    assert hotline.tracking_no in page and petition.tracking_no in page


def test_overdue_cases_are_flagged_and_filtered(client, staff, case, clock_at):
    on_time = registered(staff.civil, demanding_unit="乙单位")
    through(on_time, staff.civil, "verified", TODAY)
    clock_at(2026, 3, 12, 9)  # past the 5 working days to verify the first one
    client.force_login(staff.civil)
    page = _text(client.get("/supervision/cases/?overdue=1"))
    assert case.tracking_no in page and on_time.tracking_no not in page
    assert "逾期" in page
    assert 'id="overdue"' in _text(client.get(f"/supervision/cases/{case.pk}/"))
    assert 'id="overdue"' not in _text(client.get(f"/supervision/cases/{on_time.pk}/"))


def test_the_overview_counts_what_the_user_sees(client, staff, case, item):
    client.force_login(staff.civil)
    page = _text(client.get("/supervision/"))
    assert "办理中 1 件" in page and "整改中 1 项" in page
    client.force_login(staff.clerk)
    page = _text(client.get("/supervision/"))
    assert 'id="cases"' not in page and "整改中 1 项" in page


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
    page = _text(client.get(f"/supervision/inspections/{inspection.pk}/"))
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
    page = _text(client.get(f"/supervision/inspections/{inspection.pk}/"))
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
    assert "整改时限" in _text(response)
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
    page = _text(client.get("/supervision/findings/new/"))
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
    page = _text(client.get("/supervision/inspections/?mode=random"))
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
    page = _text(client.get(response["Location"]))
    assert "2026-q1" in page and "结果一致" in page
    assert tree["A1a"] in page and tree["A2a"] in page
    form = _text(client.get(f"/supervision/inspections/new/?draw={draw.pk}"))
    assert f'value="{draw.pk}" selected' in form
    client.force_login(staff.province)
    assert client.get(f"/supervision/draws/{draw.pk}/").status_code == 200
    assert client.post("/supervision/draws/new/", {"county": COUNTY}).status_code == 403


# Rectification (REQ-096, REQ-097) ---------------------------------------------------


def test_the_committee_reports_and_the_inspector_closes_and_follows_up(
    client, staff, item
):
    client.force_login(staff.clerk)
    page = _text(client.get(f"/supervision/items/{item.pk}/"))
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
    page = _text(client.get(f"/supervision/items/{item.pk}/"))
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
    page = _text(client.get("/supervision/items/?overdue=1"))
    assert "空白纸张加盖公章" in page and 'class="overdue"' in page
    assert 'id="overdue"' in _text(client.get(f"/supervision/items/{item.pk}/"))
    page = _text(client.get("/supervision/items/?status=closed"))
    assert "空白纸张加盖公章" not in page


def test_follow_ups_due_are_listed(client, staff, item):
    services.item_close(
        actor=staff.inspector, item_id=item.pk, evidence="已整改", follow_up_on=TODAY
    )
    client.force_login(staff.inspector)
    page = _text(client.get("/supervision/items/?follow_up=1"))
    assert "空白纸张加盖公章" in page
    assert 'id="form-follow_up"' in _text(client.get(f"/supervision/items/{item.pk}/"))


def test_the_list_downloads_as_xlsx(client, staff, item):
    client.force_login(staff.province)
    response = client.get("/supervision/items/export.xlsx?overdue=1")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert (
        "filename*=utf-8''%E6%95%B4%E6%94%B9%E6%B8%85%E5%8D%95.xlsx"
        in (response["Content-Disposition"])
    )
    assert response.content[:2] == b"PK"


# Township checks (REQ-093) ----------------------------------------------------------


def test_the_township_checks_and_the_committee_acknowledges(client, staff, tree):
    client.force_login(staff.township)
    page = _text(client.get("/supervision/checks/township/"))
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
    page = _text(client.get("/supervision/checks/township/"))
    assert "2026-03-02" in page

    client.force_login(staff.clerk)
    page = _text(client.get("/supervision/checks/"))
    assert 'id="to-acknowledge"' in page and "请于一周内补签" in page
    response = client.post(f"/supervision/checks/{check.pk}/acknowledge/")
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.acknowledged_by == staff.clerk
    assert 'id="to-acknowledge"' not in _text(client.get("/supervision/checks/"))


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
    page = _text(client.get("/supervision/checks/township/"))
    assert TOWNSHIP in page  # the select
    page = _text(client.get(f"/supervision/checks/township/?township={TOWNSHIP}"))
    assert tree["A1b"] in page and tree["A2a"] not in page
    client.force_login(staff.other_county)
    url = f"/supervision/checks/township/?township={TOWNSHIP}"
    assert client.get(url).status_code == 404


# Alerts -----------------------------------------------------------------------------


def test_the_township_dismisses_an_alert_and_sees_its_evidence(client, staff, tree):
    alert = _alert(tree["A1a"])
    client.force_login(staff.township)
    link = f'href="/supervision/alerts/{alert.pk}/"'
    assert link in _text(client.get("/supervision/alerts/"))
    page = _text(client.get(f"/supervision/alerts/{alert.pk}/"))
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
    assert link not in _text(client.get("/supervision/alerts/"))
    assert link in _text(client.get("/supervision/alerts/?status=all"))


def test_an_alert_becomes_a_check(client, staff, tree):
    alert = _alert(tree["A1a"])
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
    alert = _alert(tree["A1a"])
    client.force_login(staff.province)
    page = _text(client.get(f"/supervision/alerts/{alert.pk}/"))
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
    page = _text(client.get("/supervision/settings/"))
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
    page = _text(client.get(f"/supervision/settings/?county={COUNTY}"))
    assert "0936-6121532" in page and 'id="settings-form"' not in page
    assert (
        client.post(f"/supervision/settings/?county={COUNTY}", data).status_code == 403
    )
