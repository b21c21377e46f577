"""Reports upward API (REQ-105, REQ-108–110): a township drafts, completes and submits a
summary and the county signs for it and compiles the summaries into one report to the
city, which signs for it; a township's report reaches the configured recipient with its
type; the contact list and the liaison profile; assessments over time; who may do what
(403/404 for each role out of scope, 401 for the anonymous); bad input is a 400 or 404,
never a 500; the schema."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.core.tests import factories as f
from yinzheng.stats import services
from yinzheng.stats.choices import ReportKind
from yinzheng.stats.tests import factories
from yinzheng.stats.tests.factories import COUNTY, T1, T2
from yinzheng.stats.tests.test_reports import pdf_bytes

pytestmark = pytest.mark.django_db

BASE = "/api/stats"
CITY = "6207"
FIVE = {
    "implementation": "成立工作专班。",
    "results": "取消证明 12 项。",
    "problems": "部门仍要证明。",
    "next_steps": "开展回头看。",
    "suggestions": "统一式样。",
}
PDF = pdf_bytes()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def people(tree, clock_at):
    clock_at(2023, 6, 20, 10)
    found = factories.people()
    found["city"] = f.user("shi", role=Role.CIVIL_AFFAIRS, at=CITY)
    return found


@pytest.fixture
def submitted(people):
    report = services.report_draft(
        actor=people["t1"],
        sender_code=T1,
        kind=ReportKind.PROGRESS,
        title="清泉镇工作进展",
        body="已完成摸排。",
    )
    return services.report_submit(actor=people["t1"], report_id=report.pk)


def _as(api, user):
    api.force_authenticate(user)
    return api


def test_a_summary_goes_up_and_is_compiled_for_the_city_REQ_105(api, people):
    """REQ-105: a summary cannot be submitted with an empty section; the county
    compiles the township summaries into one report addressed to the city bureau."""
    _as(api, people["t1"])
    created = api.post(
        f"{BASE}/reports/",
        {
            "sender": T1,
            "kind": "summary",
            "title": "清泉镇总结",
            **FIVE,
            "problems": "",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    report = created.json()
    assert report["empty_sections"] == ["problems"]
    assert report["allowed_actions"] == ["edit", "submit"]
    url = f"{BASE}/reports/{report['id']}"
    refused = api.post(f"{url}/submit/")
    assert refused.status_code == 400
    assert refused.json()["code"] == "report_sections_empty"
    assert refused.json()["detail"] == {"empty": ["problems"]}
    patched = api.patch(f"{url}/", {"problems": "部门仍要证明。"}, format="json")
    assert patched.status_code == 200 and patched.json()["empty_sections"] == []
    sent = api.post(f"{url}/submit/")
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    assert sent.json()["recipient"] == COUNTY
    assert api.patch(f"{url}/", {"title": "改"}, format="json").status_code == 409

    _as(api, people["bureau"])
    inbox = api.get(f"{BASE}/reports/", {"box": "received", "kind": "summary"})
    assert [r["id"] for r in inbox.json()["results"]] == [report["id"]]
    assert api.get(f"{url}/").json()["allowed_actions"] == ["receive"]
    assert api.post(f"{url}/receive/").json()["status"] == "received"
    compiled = api.post(
        f"{BASE}/reports/compile/",
        {"county": COUNTY, "title": "山丹县工作总结", "summaries": [report["id"]]},
        format="json",
    )
    assert compiled.status_code == 201, compiled.json()
    consolidated = compiled.json()
    assert consolidated["kind"] == "consolidated"
    assert consolidated["recipient"] == CITY
    assert consolidated["recipient_name"] == "区划6207民政局"
    assert consolidated["sources"] == [report["id"]]
    assert consolidated["results"].endswith("取消证明 12 项。")
    curl = f"{BASE}/reports/{consolidated['id']}"
    assert api.post(f"{curl}/submit/").json()["status"] == "submitted"

    _as(api, people["city"])
    received = api.get(f"{BASE}/reports/", {"box": "received"}).json()
    assert [r["id"] for r in received["results"]] == [consolidated["id"]]
    assert api.post(f"{curl}/receive/").json()["received_by"]["id"] == (
        people["city"].pk
    )


def test_a_townships_report_reaches_the_configured_recipient_with_its_type_REQ_108(
    api, people
):
    _as(api, people["bureau"])
    line = api.put(
        f"{BASE}/reporting-lines/{COUNTY}/",
        {
            "bureau_name": "县民政局基层政权和社区建设股",
            "superior": CITY,
            "superior_name": "张掖市民政局",
        },
        format="json",
    )
    assert line.status_code == 200 and line.json()["configured"] is True
    _as(api, people["t1"])
    upload = SimpleUploadedFile("规定.pdf", PDF, content_type="application/pdf")
    created = api.post(
        f"{BASE}/reports/",
        {
            "sender": T1,
            "kind": "local_document",
            "title": "本镇规定",
            "attachment": upload,
        },
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    document = created.json()
    assert document["has_attachment"] and len(document["attachment_sha256"]) == 64
    assert api.post(f"{BASE}/reports/{document['id']}/submit/").status_code == 200
    _as(api, people["bureau"])
    inbox = api.get(f"{BASE}/reports/", {"box": "received"}).json()["results"]
    assert [(r["kind"], r["kind_display"], r["recipient_name"]) for r in inbox] == [
        ("local_document", "本地文件", "县民政局基层政权和社区建设股")
    ]
    download = api.get(f"{BASE}/reports/{document['id']}/attachment/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_higher_level_reads_but_only_receives(api, people, submitted):
    """REQ-098: the city and the province read the reports of their counties and
    write nothing but their signature on what is addressed to them."""
    for who in ("city", "province"):
        _as(api, people[who])
        listed = api.get(f"{BASE}/reports/", {"box": "all"}).json()
        assert [r["id"] for r in listed["results"]] == [submitted.pk]
        url = f"{BASE}/reports/{submitted.pk}"
        assert api.get(f"{url}/").json()["allowed_actions"] == []
        assert api.post(f"{url}/receive/").status_code == 403
        created = api.post(
            f"{BASE}/reports/",
            {"sender": COUNTY, "kind": "progress", "title": "x", "body": "y"},
            format="json",
        )
        assert created.status_code == 403
        assert (
            api.post(
                f"{BASE}/liaisons/",
                {"township": T1, "name": "张三", "phone": "13812345678"},
                format="json",
            ).status_code
            == 403
        )
        assessed = api.post(
            f"{BASE}/assessments/",
            {"township": T1, "assessed_on": "2023-06-01", "rating": "good"},
            format="json",
        )
        assert assessed.status_code == 403
        line = api.put(
            f"{BASE}/reporting-lines/{COUNTY}/",
            {"bureau_name": "x", "superior": CITY, "superior_name": "y"},
            format="json",
        )
        assert line.status_code == 403


def test_a_township_cannot_send_or_see_for_another(api, people, submitted):
    _as(api, people["t2"])
    assert api.get(f"{BASE}/reports/", {"box": "all"}).json()["count"] == 0
    assert api.get(f"{BASE}/reports/{submitted.pk}/").status_code == 404
    created = api.post(
        f"{BASE}/reports/",
        {"sender": T1, "kind": "progress", "title": "x", "body": "y"},
        format="json",
    )
    assert created.status_code == 403
    named = api.post(
        f"{BASE}/liaisons/",
        {"township": T1, "name": "张三", "phone": "13812345678"},
        format="json",
    )
    assert named.status_code == 403
    _as(api, people["bureau"])
    for_township = api.post(
        f"{BASE}/reports/",
        {"sender": T1, "kind": "progress", "title": "x", "body": "y"},
        format="json",
    )
    assert for_township.status_code == 403


def test_another_county_sees_nothing_and_the_anonymous_log_in(api, people, submitted):
    other = f.user("other", role=Role.CIVIL_AFFAIRS, at="440804")
    _as(api, other)
    assert api.get(f"{BASE}/reports/").json()["count"] == 0
    assert api.get(f"{BASE}/reports/{submitted.pk}/").status_code == 404
    assert api.post(f"{BASE}/reports/{submitted.pk}/receive/").status_code == 404
    assert api.get(f"{BASE}/liaisons/", {"county": COUNTY}).status_code == 404
    assert api.get(f"{BASE}/reporting-lines/{COUNTY}/").status_code == 404
    api.force_authenticate(None)
    for path in ("reports/", "liaisons/", "assessments/", "reporting-lines/"):
        response = api.get(f"{BASE}/{path}")
        assert response.status_code in (401, 403), path
        assert response.json()["code"] in ("not_authenticated", "not_allowed")


def test_the_contact_list_and_the_liaison_profile_REQ_109(api, people):
    """REQ-109: one liaison per township on the bureau's list; no profile without a
    name and a valid phone."""
    _as(api, people["t1"])
    missing = api.post(
        f"{BASE}/liaisons/",
        {"township": T1, "name": " ", "phone": "13812345678"},
        format="json",
    )
    assert missing.status_code == 400
    assert missing.json()["code"] == "liaison_name_required"
    bad_phone = api.post(
        f"{BASE}/liaisons/",
        {"township": T1, "name": "孙联络", "phone": "12345"},
        format="json",
    )
    assert bad_phone.status_code == 400 and bad_phone.json()["code"] == "phone_invalid"
    named = api.post(
        f"{BASE}/liaisons/",
        {
            "township": T1,
            "name": "孙联络",
            "position": "党政办",
            "phone": "13812345678",
        },
        format="json",
    )
    assert named.status_code == 200, named.json()
    assert named.json()["liaison"]["phone"] == "13812345678"

    _as(api, people["bureau"])
    rows = api.get(f"{BASE}/liaisons/").json()
    assert [(r["township"], r["assigned"]) for r in rows] == [(T1, True), (T2, False)]
    assert rows[0]["liaison"]["name"] == "孙联络" and rows[1]["liaison"] is None
    assert rows[0]["liaison"]["phone"] == "13812345678"
    assert api.get(f"{BASE}/liaisons/{T2}/").json()["assigned"] is False

    _as(api, people["police"])
    (row, _gap) = api.get(f"{BASE}/liaisons/", {"county": COUNTY}).json()
    assert row["liaison"]["phone"] == "138****5678" and row["editable"] is False


def test_assessments_are_listed_per_township_over_time_REQ_110(api, people):
    _as(api, people["bureau"])
    for day, rating in (("2023-06-01", "good"), ("2023-03-01", "fair")):
        created = api.post(
            f"{BASE}/assessments/",
            {"township": T1, "assessed_on": day, "rating": rating, "notes": "意见"},
            format="json",
        )
        assert created.status_code == 201, created.json()
    listed = api.get(f"{BASE}/assessments/", {"county": COUNTY}).json()
    assert [(a["assessed_on"], a["rating"]) for a in listed["results"]] == [
        ("2023-03-01", "fair"),
        ("2023-06-01", "good"),
    ]
    first = listed["results"][0]["id"]
    # Append-only: no change, no deletion.
    assert (
        api.patch(f"{BASE}/assessments/{first}/", {"rating": "poor"}).status_code == 405
    )
    assert api.delete(f"{BASE}/assessments/{first}/").status_code == 405
    _as(api, people["t1"])
    own = api.get(f"{BASE}/assessments/", {"township": T1}).json()
    assert own["count"] == 2
    refused = api.post(
        f"{BASE}/assessments/",
        {"township": T1, "assessed_on": "2023-06-01", "rating": "good"},
        format="json",
    )
    assert refused.status_code == 403


def test_bad_input_is_a_400_or_404_never_a_500(api, people, submitted):
    _as(api, people["t1"])
    for body in (
        {},
        {"sender": T1, "kind": "rumour", "title": "x", "body": "y"},
        {"sender": T1, "kind": "progress", "title": " ", "body": "y"},
        {"sender": T1, "kind": "progress", "title": "x", "body": "正文\x00"},
        {"sender": T1, "kind": "progress", "title": "x", "body": "y\x1b"},
        {"sender": T1, "kind": "progress", "title": "x", "body": "长" * 20001},
        {"sender": T1, "kind": "progress", "title": "x", "problems": "y"},
        {"sender": T1, "kind": "summary", "title": "x", "body": "y"},
        {"sender": T1, "kind": "consolidated", "title": "x"},
        {"sender": T1, "kind": "progress", "title": "x", "campaign": 999999},
        {"sender": T1, "kind": "progress", "title": "x", "campaign": "abc"},
    ):
        response = api.post(f"{BASE}/reports/", body, format="json")
        assert response.status_code == 400, (body, response.json())
        assert {"code", "message"} <= set(response.json())
    assert (
        api.post(
            f"{BASE}/reports/",
            {"sender": "999999999", "kind": "progress", "title": "x"},
            format="json",
        ).status_code
        == 404
    )
    exe = SimpleUploadedFile("清单.pdf", b"MZ\x90\x00", content_type="application/pdf")
    typed = api.post(
        f"{BASE}/reports/",
        {"sender": T1, "kind": "local_document", "title": "x", "attachment": exe},
        format="multipart",
    )
    assert typed.status_code == 400
    assert typed.json()["code"] == "report_attachment_type_invalid"
    not_json = api.post(f"{BASE}/reports/", "not json", content_type="application/json")
    assert not_json.status_code == 400

    _as(api, people["bureau"])
    for body in (
        {"county": COUNTY, "title": "汇总", "summaries": []},
        {"county": COUNTY, "title": "汇总", "summaries": [submitted.pk]},
        {"county": COUNTY, "title": "汇总", "summaries": ["x"]},
        {"county": COUNTY, "title": "汇总", "summaries": "1"},
        {"county": COUNTY, "title": "汇总"},
    ):
        response = api.post(f"{BASE}/reports/compile/", body, format="json")
        assert response.status_code == 400, (body, response.json())
    assert (
        api.post(
            f"{BASE}/reports/compile/",
            {"county": "999999", "title": "汇总", "summaries": [1]},
            format="json",
        ).status_code
        == 404
    )
    for body in (
        {"township": T1, "assessed_on": "2023-13-01", "rating": "good"},
        {"township": T1, "assessed_on": "2099-01-01", "rating": "good"},
        {"township": T1, "assessed_on": "2023-06-01", "rating": "great"},
        {
            "township": T1,
            "assessed_on": "2023-06-01",
            "rating": "good",
            "notes": "\x00",
        },
        {"township": T1},
    ):
        response = api.post(f"{BASE}/assessments/", body, format="json")
        assert response.status_code == 400, (body, response.json())
    line = api.put(
        f"{BASE}/reporting-lines/{COUNTY}/",
        {"bureau_name": "县民政局", "superior": "440804", "superior_name": "某局"},
        format="json",
    )
    assert line.status_code == 400
    assert line.json()["code"] == "reporting_superior_invalid"
    assert api.get(f"{BASE}/liaisons/", {"county": "abc"}).status_code == 404
    assert (
        api.post(
            f"{BASE}/liaisons/",
            {"township": "abc", "name": "张三", "phone": "13812345678"},
            format="json",
        ).status_code
        == 404
    )
    for path in (
        "reports/abc/",
        "reports/999999/",
        "reports/999999/submit/",
        "reports/999999/receive/",
        "reports/999999/attachment/",
        f"reports/{submitted.pk}/attachment/",
        "liaisons/abc/",
        "liaisons/999999999/",
        "assessments/abc/",
        "assessments/999999/",
        "reporting-lines/abc/",
        "reporting-lines/999999/",
    ):
        assert api.get(f"{BASE}/{path}").status_code in (404, 405), path
        response = api.post(f"{BASE}/{path}", {}, format="json")
        assert response.status_code in (404, 405), path
    assert api.post(f"{BASE}/reports/{submitted.pk}/submit/").status_code == 403
    received = api.post(f"{BASE}/reports/{submitted.pk}/receive/")
    assert received.status_code == 200
    again = api.post(f"{BASE}/reports/{submitted.pk}/receive/")
    assert again.status_code == 409 and again.json()["code"] == "report_not_submitted"


def test_the_schema_lists_the_reporting_endpoints(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/stats/reports/",
        "/api/stats/reports/{id}/",
        "/api/stats/reports/{id}/submit/",
        "/api/stats/reports/{id}/receive/",
        "/api/stats/reports/{id}/attachment/",
        "/api/stats/reports/compile/",
        "/api/stats/reporting-lines/",
        "/api/stats/reporting-lines/{id}/",
        "/api/stats/liaisons/",
        "/api/stats/liaisons/{id}/",
        "/api/stats/assessments/",
        "/api/stats/assessments/{id}/",
    ):
        assert path in paths, path
    assert {"get", "post"} <= set(paths["/api/stats/reports/"])
    assert "patch" in paths["/api/stats/reports/{id}/"]
    assert "put" in paths["/api/stats/reporting-lines/{id}/"]
    assert not {"put", "patch", "delete"} & set(paths["/api/stats/assessments/{id}/"])
    submit = paths["/api/stats/reports/{id}/submit/"]["post"]["responses"]
    assert {"200", "400", "403", "404", "409"} <= set(submit)
    components = schema["components"]["schemas"]
    for name in (
        "StatsReport",
        "StatsReportDetail",
        "StatsReportCreateRequest",
        "StatsReportCompileRequest",
        "StatsReportingLine",
        "StatsReportingLineSetRequest",
        "StatsLiaison",
        "StatsLiaisonSetRequest",
        "StatsAssessment",
        "StatsAssessmentCreateRequest",
    ):
        assert name in components, name
    codes = str(schema["components"])
    for code in ("report_sections_empty", "liaison_name_required"):
        assert code in codes, code
