"""Supervision's staff pages, cases: who may open what (the anonymous go to the login, a
committee's clerk sees no cases, the province reads everything and may write nothing,
REQ-098), a case through every step on the page, refusals shown on the page (never a
500), the filters of REQ-088 and the overdue flag."""

import pytest

from yinzheng.accounts.choices import Department, Role
from yinzheng.core.tests import factories as f
from yinzheng.supervision.choices import (
    CaseStatus,
    Channel,
    ItemStatus,
    ReporterType,
)
from yinzheng.supervision.models import (
    Case,
    RectificationItem,
)

from .factories import COUNTY, registered, through
from .pages import TODAY, text_of

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
    page = text_of(client.get("/supervision/items/"))
    assert "空白纸张加盖公章" in page
    assert client.get(f"/supervision/items/{item.pk}/").status_code == 200


def test_the_navigation_links_supervision_for_those_who_see_it(client, staff, db):
    client.force_login(staff.clerk)
    assert 'href="/supervision/"' in text_of(client.get("/supervision/"))
    client.force_login(staff.other_county)
    assert 'href="/supervision/"' in text_of(client.get("/"))
    department = f.user(
        "bumen", role=Role.DEPARTMENT, at=COUNTY, department=Department.HEALTH
    )
    client.force_login(department)
    assert 'href="/supervision/"' not in text_of(client.get("/"))
    assert client.get("/supervision/").status_code == 403


def test_another_county_gets_404(client, staff, case, item):
    client.force_login(staff.other_county)
    assert client.get(f"/supervision/cases/{case.pk}/").status_code == 404
    assert client.get(f"/supervision/items/{item.pk}/").status_code == 404
    assert case.tracking_no not in text_of(client.get("/supervision/cases/"))


def test_the_province_reads_a_case_without_forms_and_may_not_post(client, staff, case):
    """REQ-098: provincial civil affairs opens the county's case read-only."""
    client.force_login(staff.province)
    response = client.get(f"/supervision/cases/{case.pk}/")
    page = text_of(response)
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
    page = text_of(client.get(f"/supervision/items/{item.pk}/"))
    assert "空白纸张加盖公章" in page and 'id="form-close"' not in page
    response = client.post(
        f"/supervision/items/{item.pk}/close/", {"close-evidence": "已整改"}
    )
    assert response.status_code == 403
    assert RectificationItem.objects.get(pk=item.pk).status == ItemStatus.OPEN


# Cases (REQ-087–091) ----------------------------------------------------------------


def test_county_civil_affairs_enters_a_hotline_report(client, staff, tree):
    client.force_login(staff.civil)
    form = text_of(client.get("/supervision/cases/new/"))
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
    assert "请填写正确的联系电话" in text_of(response)
    assert not Case.objects.exists()


def test_county_civil_affairs_takes_a_case_through_every_step(client, staff, case):
    client.force_login(staff.civil)
    url = f"/supervision/cases/{case.pk}/"
    page = text_of(client.get(url))
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
        assert response.status_code == 302, (step, text_of(response)[:2000])
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    page = text_of(client.get(url))
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
    assert "曝光理由" in text_of(response)
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
    page = text_of(client.get(f"/supervision/cases/{case.pk}/"))
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
    page = text_of(client.get("/supervision/cases/?channel=petition"))
    assert petition.tracking_no in page and hotline.tracking_no not in page
    page = text_of(client.get("/supervision/cases/?reporter_type=resident"))
    assert hotline.tracking_no in page and petition.tracking_no not in page
    page = text_of(client.get("/supervision/cases/"))
    assert hotline.tracking_no in page and petition.tracking_no in page


def test_overdue_cases_are_flagged_and_filtered(client, staff, case, clock_at):
    on_time = registered(staff.civil, demanding_unit="乙单位")
    through(on_time, staff.civil, "verified", TODAY)
    clock_at(2026, 3, 12, 9)  # past the 5 working days to verify the first one
    client.force_login(staff.civil)
    page = text_of(client.get("/supervision/cases/?overdue=1"))
    assert case.tracking_no in page and on_time.tracking_no not in page
    assert "逾期" in page
    assert 'id="overdue"' in text_of(client.get(f"/supervision/cases/{case.pk}/"))
    assert 'id="overdue"' not in text_of(
        client.get(f"/supervision/cases/{on_time.pk}/")
    )


def test_the_overview_counts_what_the_user_sees(client, staff, case, item):
    client.force_login(staff.civil)
    page = text_of(client.get("/supervision/"))
    assert "办理中 1 件" in page and "整改中 1 项" in page
    client.force_login(staff.clerk)
    page = text_of(client.get("/supervision/"))
    assert 'id="cases"' not in page and "整改中 1 项" in page
