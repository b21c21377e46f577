"""The reporting pages (REQ-105, REQ-108–110): a township writes a summary in five
sections and submits it once none is empty, the bureau finds it in its inbox by type,
signs for it and compiles the summaries into one report to the city; the printable
layout; the contact list with its gap and the liaison form; assessments over time; who
may open what, and refusals shown on the page (never a 500)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yinzheng.accounts.choices import Role
from yinzheng.core.tests import factories as f
from yinzheng.stats import services
from yinzheng.stats.choices import Rating, ReportKind, ReportStatus
from yinzheng.stats.models import Assessment, Liaison, ReportingLine, UpwardReport
from yinzheng.stats.tests import factories
from yinzheng.stats.tests.factories import COUNTY, T1, T2
from yinzheng.stats.tests.test_reports import pdf_bytes

CITY = "6207"
FIVE = {
    "implementation": "成立工作专班。",
    "results": "取消证明 12 项。",
    "problems": "部门仍要证明。",
    "next_steps": "开展回头看。",
    "suggestions": "统一式样。",
}
HEADINGS = [
    "一、工作落实",
    "二、取得成效",
    "三、存在问题",
    "四、下步打算",
    "五、意见建议",
]


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(tree, clock_at):
    clock_at(2023, 6, 20, 10)
    found = factories.people()
    found["city"] = f.user("shi", role=Role.CIVIL_AFFAIRS, at=CITY)
    return found


def _summary(people, **over):
    return services.report_draft(
        actor=people["t1"],
        sender_code=T1,
        kind=ReportKind.SUMMARY,
        title="清泉镇工作总结",
        **{**FIVE, **over},
    )


def test_the_navigation_links_the_reporting_pages(client, people):
    client.force_login(people["t1"])
    page = text_of(client.get("/stats/tables/"))
    for href in ("/stats/reports/", "/stats/contacts/", "/stats/assessments/"):
        assert f'href="{href}"' in page, href


def test_anonymous_users_are_sent_to_login(client, db):
    for path in ("/stats/reports/", "/stats/contacts/", "/stats/assessments/"):
        response = client.get(path)
        assert (
            response.status_code == 302 and "/accounts/login/" in response["Location"]
        )


def test_a_township_writes_and_submits_a_summary_in_five_sections_REQ_105(
    client, people
):
    """REQ-105: a summary cannot be submitted with any of the five sections empty."""
    client.force_login(people["t1"])
    kinds = text_of(client.get("/stats/reports/new/"))
    assert "?kind=summary" in kinds and "?kind=consolidated" not in kinds
    form = text_of(client.get("/stats/reports/new/?kind=summary"))
    for name in FIVE:
        assert f'name="{name}"' in form, name
    assert 'name="body"' not in form
    response = client.post(
        "/stats/reports/new/?kind=summary",
        {
            "kind": "summary",
            "sender": T1,
            "title": "清泉镇工作总结",
            **FIVE,
            "results": "",
        },
    )
    report = UpwardReport.objects.get()
    assert response["Location"] == f"/stats/reports/{report.pk}/"
    page = text_of(client.get(response["Location"]))
    assert "（未填写）" in page and 'id="form-submit"' in page
    refused = client.post(
        f"/stats/reports/{report.pk}/submit/", {"submit-confirmed": "on"}
    )
    assert refused.status_code == 200
    assert "以下部分为空：取得成效" in text_of(refused)
    assert UpwardReport.objects.get().status == ReportStatus.DRAFT
    edited = client.post(
        f"/stats/reports/{report.pk}/edit/", {"title": "清泉镇工作总结", **FIVE}
    )
    assert edited.status_code == 302
    client.post(f"/stats/reports/{report.pk}/submit/", {"submit-confirmed": "on"})
    assert UpwardReport.objects.get().status == ReportStatus.SUBMITTED
    page = text_of(client.get(f"/stats/reports/{report.pk}/"))
    positions = [page.index(h) for h in HEADINGS]
    assert positions == sorted(positions)  # the printable layout, in order
    assert "data-print" in page and "yinzheng/stats.css" in page
    assert 'id="form-submit"' not in page and "已报送，不能再修改" in page
    assert client.get(f"/stats/reports/{report.pk}/edit/").status_code == 302


def test_a_report_appears_in_the_recipients_inbox_with_its_type_REQ_108(client, people):
    ReportingLine.objects.all().delete()
    services.reporting_line_set(
        actor=people["bureau"],
        county_code=COUNTY,
        bureau_name="县民政局基层政权和社区建设股",
        superior_code=CITY,
        superior_name="张掖市民政局",
    )
    client.force_login(people["t1"])
    client.post(
        "/stats/reports/new/?kind=problem",
        {
            "kind": "problem",
            "sender": T1,
            "title": "部门要求村里开证明",
            "body": "县供电公司",
        },
    )
    report = UpwardReport.objects.get()
    client.post(f"/stats/reports/{report.pk}/submit/", {"submit-confirmed": "on"})

    client.force_login(people["bureau"])
    home = text_of(client.get("/"))
    assert "待签收的报送报告：存在问题" in home
    listing = text_of(client.get("/stats/reports/?box=received&kind=problem"))
    assert "部门要求村里开证明" in listing and "县民政局基层政权和社区建设股" in listing
    page = text_of(client.get(f"/stats/reports/{report.pk}/"))
    assert 'id="form-receive"' in page
    client.post(f"/stats/reports/{report.pk}/receive/")
    assert UpwardReport.objects.get().status == ReportStatus.RECEIVED
    assert "待签收的报送报告" not in text_of(client.get("/"))


def test_the_county_compiles_the_summaries_for_the_city_REQ_105(client, people):
    summary = _summary(people)
    services.report_submit(actor=people["t1"], report_id=summary.pk)
    client.force_login(people["bureau"])
    assert 'href="/stats/reports/compile/"' in text_of(client.get("/stats/reports/"))
    page = text_of(client.get("/stats/reports/compile/"))
    assert "清泉镇工作总结" in page and "区划6207民政局" in page
    response = client.post(
        "/stats/reports/compile/",
        {"county": COUNTY, "title": "山丹县工作总结", "summaries": [str(summary.pk)]},
    )
    consolidated = UpwardReport.objects.get(kind=ReportKind.CONSOLIDATED)
    assert response["Location"] == f"/stats/reports/{consolidated.pk}/edit/"
    assert consolidated.recipient_id == CITY
    edit = text_of(client.get(response["Location"]))
    assert "【区划620725101】" in edit
    client.post(f"/stats/reports/{consolidated.pk}/submit/", {"submit-confirmed": "on"})
    client.force_login(people["city"])
    assert "待签收的报送报告：汇总报告" in text_of(client.get("/"))
    page = text_of(client.get(f"/stats/reports/{consolidated.pk}/"))
    assert 'id="sources"' in page and 'id="form-receive"' in page
    nothing = client.post("/stats/reports/compile/", {"county": COUNTY})
    assert nothing.status_code == 403  # the city compiles nothing
    client.force_login(people["bureau"])
    empty = client.post(
        "/stats/reports/compile/", {"county": COUNTY, "title": "x", "summaries": []}
    )
    assert empty.status_code == 200 and "errorlist" in text_of(empty)


def test_who_may_open_what(client, people):
    draft = _summary(people)
    submitted = _summary(people)
    services.report_submit(actor=people["t1"], report_id=submitted.pk)
    client.force_login(people["t2"])
    assert client.get(f"/stats/reports/{submitted.pk}/").status_code == 404
    client.force_login(people["bureau"])
    assert client.get(f"/stats/reports/{draft.pk}/").status_code == 404  # a draft
    client.force_login(people["province"])
    page = text_of(client.get(f"/stats/reports/{submitted.pk}/"))
    assert "清泉镇工作总结" in page and 'id="form-receive"' not in page
    assert client.post(f"/stats/reports/{submitted.pk}/receive/").status_code == 403
    assert client.get("/stats/reports/new/").status_code == 403
    assert client.get("/stats/reports/compile/").status_code == 403
    assert client.post("/stats/reports/line/", {"county": COUNTY}).status_code == 403
    assert client.get(f"/stats/contacts/{T1}/").status_code == 403
    assert client.post("/stats/assessments/new/", {"county": COUNTY}).status_code == 403
    clerk = f.user("wenshu", role=Role.CLERK, at="620725101001")
    client.force_login(clerk)
    assert client.get("/stats/reports/").status_code == 403
    other = f.user("other", role=Role.CIVIL_AFFAIRS, at="440804")
    client.force_login(other)
    assert client.get(f"/stats/reports/{submitted.pk}/").status_code == 404
    assert client.get(f"/stats/contacts/{T1}/").status_code == 404


def test_a_local_document_attachment_is_checked_and_served(client, people):
    client.force_login(people["t1"])
    bad = SimpleUploadedFile("清单.pdf", b"not a pdf at all")
    refused = client.post(
        "/stats/reports/new/?kind=local_document",
        {"kind": "local_document", "sender": T1, "title": "规定", "attachment": bad},
    )
    assert refused.status_code == 200
    assert "附件须为以下格式之一" in text_of(refused)
    good = SimpleUploadedFile("清单.pdf", pdf_bytes())
    response = client.post(
        "/stats/reports/new/?kind=local_document",
        {"kind": "local_document", "sender": T1, "title": "规定", "attachment": good},
    )
    report = UpwardReport.objects.get()
    assert response["Location"] == f"/stats/reports/{report.pk}/"
    served = client.get(f"/stats/reports/{report.pk}/attachment/")
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == pdf_bytes()


def test_bad_input_shows_errors_not_500(client, people):
    client.force_login(people["t1"])
    for data in (
        {"kind": "progress", "sender": T1, "title": "标题", "body": "正文\x00"},
        {"kind": "progress", "sender": T1, "title": "  ", "body": "正文"},
        {"kind": "progress", "sender": T2, "title": "标题", "body": "正文"},
        {"kind": "progress", "sender": T1, "title": "标题", "campaign": "99"},
    ):
        response = client.post("/stats/reports/new/?kind=progress", data)
        assert response.status_code in (200, 403), data
    assert not UpwardReport.objects.exists()
    assert client.get("/stats/reports/new/?kind=rumour").status_code == 200
    assert (
        client.get("/stats/reports/?box=x&kind=y&status=z&page=abc").status_code == 200
    )
    assert client.get("/stats/contacts/abc/").status_code == 404
    assert client.get("/stats/reports/999999/").status_code == 404
    response = client.post(f"/stats/contacts/{T1}/", {"name": "孙\x00", "phone": "1"})
    assert response.status_code == 200 and "errorlist" in text_of(response)
    assert not Liaison.objects.exists()


def test_the_contact_list_shows_one_liaison_per_township_REQ_109(client, people):
    """REQ-109: the profile cannot be saved without a liaison; one per township."""
    client.force_login(people["t1"])
    refused = client.post(f"/stats/contacts/{T1}/", {"name": "", "phone": ""})
    assert refused.status_code == 200 and not Liaison.objects.exists()
    bad = client.post(f"/stats/contacts/{T1}/", {"name": "孙联络", "phone": "12345"})
    assert "请填写正确的联系电话" in text_of(bad)
    saved = client.post(
        f"/stats/contacts/{T1}/",
        {"name": "孙联络", "position": "党政办主任", "phone": "13812345678"},
    )
    assert saved.status_code == 302 and f"#twp-{T1}" in saved["Location"]
    client.force_login(people["bureau"])
    page = text_of(client.get("/stats/contacts/"))
    assert "孙联络" in page and "13812345678" in page and "未指定" in page
    assert "共 2 个乡镇（街道），1 个未指定联络人。" in page
    gaps = text_of(client.get("/stats/contacts/?gaps=1"))
    assert "孙联络" not in gaps and f'id="twp-{T2}"' in gaps
    assert "未指定联络人的乡镇（街道）" in text_of(client.get("/"))
    client.force_login(people["police"])
    page = text_of(client.get("/stats/contacts/"))
    assert "138****5678" in page and "13812345678" not in page
    assert f'href="/stats/contacts/{T1}/"' not in page


def test_assessments_are_recorded_and_listed_per_township_over_time_REQ_110(
    client, people
):
    services.assessment_record(
        actor=people["bureau"],
        township_code=T1,
        assessed_on=dt.date(2023, 3, 1),
        rating=Rating.FAIR,
        notes="第一季度",
    )
    client.force_login(people["bureau"])
    page = text_of(client.get("/stats/assessments/"))
    assert 'id="form-assessment"' in page and "第一季度" in page
    response = client.post(
        "/stats/assessments/new/",
        {
            "county": COUNTY,
            "assess-township": T1,
            "assess-assessed_on": "2023-06-01",
            "assess-rating": "good",
            "assess-notes": "第二季度",
        },
    )
    assert response.status_code == 302
    page = text_of(client.get(f"/stats/assessments/?township={T1}"))
    assert page.index("2023-03-01") < page.index("2023-06-01")
    refused = client.post(
        "/stats/assessments/new/",
        {
            "county": COUNTY,
            "assess-township": T1,
            "assess-assessed_on": "2099-01-01",
            "assess-rating": "good",
        },
    )
    assert refused.status_code == 200 and "评估日期不能晚于今天" in text_of(refused)
    assert Assessment.objects.count() == 2
    client.force_login(people["t1"])
    page = text_of(client.get("/stats/assessments/"))
    assert "第二季度" in page and 'id="form-assessment"' not in page


def test_the_bureau_sets_the_reporting_line_on_the_page(client, people):
    client.force_login(people["bureau"])
    page = text_of(client.get("/stats/reports/line/"))
    assert "默认（未设置）" in page and "区划620725民政局" in page
    response = client.post(
        "/stats/reports/line/",
        {
            "county": COUNTY,
            "bureau_name": "县民政局基层政权和社区建设股",
            "superior": "62",
            "superior_name": "甘肃省民政厅",
        },
    )
    assert response.status_code == 302
    assert ReportingLine.objects.get().superior_id == "62"
    client.force_login(people["t1"])
    page = text_of(client.get("/stats/reports/line/"))
    assert "甘肃省民政厅" in page and 'id="form-line"' not in page
