"""Admission, exit and filing endpoints (REQ-021–030, REQ-024): create as JSON and as
multipart, refusals in the {"code", "message", "detail"} shape, the review and the
decision, and the public decisions without personal data."""

import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Department, Role
from yinzheng.catalogue.choices import ApplicationStatus, BasisType, ListKind
from yinzheng.catalogue.models import Application
from yinzheng.catalogue.services import admissions
from yinzheng.core import clock
from yinzheng.core.tests import factories as people
from yinzheng.core.tests.files import pdf_bytes

from . import factories

COUNTY = "620725"
BASE = "/api/catalogue/applications/"
LAW = {"type": BasisType.LAW, "citation": "《示例法》第十条（测试）"}
PDF = pdf_bytes("research")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def county_list(tree):
    return factories.published(COUNTY, ListKind.POSITIVE, [factories.item()])


@pytest.fixture
def officer(tree):
    return people.user("minzheng", role=Role.CIVIL_AFFAIRS, at=COUNTY)


@pytest.fixture
def renshe(tree):
    return people.user(
        "renshe",
        role=Role.DEPARTMENT,
        at=COUNTY,
        department=Department.HUMAN_RESOURCES,
    )


def body(county_list, **over):
    return {
        "list": county_list.catalogue_list_id,
        "kind": "admission",
        "department": Department.HUMAN_RESOURCES,
        "applicant_unit": "县人力资源和社会保障局",
        "contact": "张联系 13812345678",
        "reason": "办理失业登记需要核实居住情况",
        "item_key": "residence-for-unemployment",
        "item_name": "失业登记居住情况证明",
        "item_aliases": ["居住证明（失业登记）"],
        "bases": [LAW],
        "within_committee_duties": True,
        "work_requirements": "核实居住情况",
        "procedure": "申请—核实—出具",
        "materials": "身份证件",
        "sample_form": "（样表）",
        "rights_matching": "可调阅网格员走访记录",
        **over,
    }


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    error = response.json()
    assert set(error) == {"code", "message", "detail"}
    assert error["code"] == code
    assert error["message"]
    return error


def test_a_department_creates_an_admission_as_json_REQ_021(api, renshe, county_list):
    api.force_authenticate(renshe)

    response = api.post(BASE, body(county_list), format="json")

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "submitted" and created["kind"] == "admission"
    assert created["bases"] == [LAW]
    assert created["policy_basis_only"] is False
    assert created["contact"] == "张联系 13812345678"  # the applicant's own
    assert api.get(BASE).json()["results"][0]["id"] == created["id"]


def test_a_multipart_admission_carries_the_justification_REQ_029(
    api, renshe, county_list, officer
):
    api.force_authenticate(renshe)
    data = body(county_list, bases=json.dumps([LAW]), cites_new_local_rule=True)
    data["justification"] = SimpleUploadedFile("论证.pdf", PDF, "application/pdf")

    response = api.post(BASE, data, format="multipart")

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["has_justification"] is True
    assert created["justification_sha256"] == hashlib.sha256(PDF).hexdigest()
    assert created["item_aliases"] == ["居住证明（失业登记）"]
    api.force_authenticate(officer)
    download = api.get(f"{BASE}{created['id']}/justification/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_justification_that_is_no_document_is_refused_issue_13(
    api, renshe, county_list
):
    api.force_authenticate(renshe)
    data = body(county_list, bases=json.dumps([LAW]), cites_new_local_rule=True)
    data["justification"] = SimpleUploadedFile(
        "论证.pdf", b"%PDF-1.4\n<script>alert(1)</script>", "application/pdf"
    )

    response = api.post(BASE, data, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "file_type_invalid"
    assert "研究论证材料不是能打开的 PDF 文件" in response.json()["message"]


def test_refusals_come_in_the_error_shape_REQ_022(api, tree, renshe, county_list):
    api.force_authenticate(renshe)

    no_basis = api.post(BASE, body(county_list, bases=[]), format="json")
    other_department = api.post(
        BASE, body(county_list, department=Department.HEALTH), format="json"
    )
    no_list = api.post(BASE, body(county_list, list=999999), format="json")
    bad_bases = api.post(BASE, body(county_list, bases="law"), format="json")
    api.force_authenticate(people.user("zhen", role=Role.TOWNSHIP, at="620725101"))
    township = api.post(BASE, body(county_list), format="json")
    api.force_authenticate(None)
    anonymous = api.post(BASE, body(county_list), format="json")

    assert_error(no_basis, 400, "basis_required")
    assert_error(other_department, 403, "department_mismatch")
    assert_error(no_list, 404, "list_not_found")
    assert_error(bad_bases, 400, "invalid_input")
    assert_error(township, 403, "not_allowed")
    assert_error(anonymous, 401, "not_authenticated")
    assert not Application.objects.exists()


@pytest.mark.parametrize("odd", ["²", "9" * 5000])
def test_an_odd_list_filter_is_a_400_not_a_500(api, renshe, county_list, odd):
    """Found in review: str.isdigit() accepts "²" and 5000 digits, int() does not;
    the schema documents a number, so neither is one (issue 13)."""
    api.force_authenticate(renshe)

    response = api.get(BASE, {"list": odd})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def test_a_nul_character_in_a_basis_is_refused_not_stored(api, renshe, county_list):
    """Found in review: PostgreSQL's jsonb cannot hold \\u0000, so it was a 500 there."""
    api.force_authenticate(renshe)
    for basis in [
        {"type": BasisType.LAW, "citation": "《示例法》\x00第十条"},
        {"type": "law\x00", "citation": "《示例法》第十条"},
    ]:
        response = api.post(BASE, body(county_list, bases=[basis]), format="json")

        assert_error(response, 400, "invalid_input")
    assert not Application.objects.exists()


def test_the_review_opinions_and_the_decision_REQ_023_REQ_024(
    api, tree, renshe, county_list, officer
):
    application = admissions.application_submit(
        actor=renshe,
        **{
            k: v
            for k, v in body(county_list, sample_form="").items()
            if k not in {"list"}
        },
        list_id=county_list.catalogue_list_id,
    )
    url = f"{BASE}{application.pk}/"
    api.force_authenticate(renshe)
    assert_error(api.post(f"{url}open-review/", {}, format="json"), 403, "not_allowed")

    api.force_authenticate(officer)
    opened = api.post(f"{url}open-review/", {}, format="json").json()
    assert opened["status"] == "in_review" and len(opened["opinions"]) == 7
    zhen = people.user("zhen", role=Role.TOWNSHIP, at="620725101")
    township_row = next(o for o in opened["opinions"] if o["township"] == "620725101")
    api.force_authenticate(zhen)
    recorded = api.post(
        f"/api/catalogue/opinions/{township_row['id']}/record/",
        {"opinion": "agree"},
        format="json",
    )
    assert recorded.status_code == 200 and recorded.json()["recorded_by"] == "zhen"
    other_row = next(o for o in opened["opinions"] if o["township"] == "620725102")
    assert_error(
        api.post(
            f"/api/catalogue/opinions/{other_row['id']}/record/",
            {"opinion": "agree"},
            format="json",
        ),
        403,
        "not_allowed",
    )

    api.force_authenticate(officer)
    for row in opened["opinions"]:
        if row["id"] != township_row["id"]:
            api.post(
                f"/api/catalogue/opinions/{row['id']}/record/",
                {"opinion": "agree"},
                format="json",
            )
    decision = {
        "approve": True,
        "meeting_date": clock.today().isoformat(),
        "meeting_reference": "县民政局联席会议纪要〔2026〕3号",
        "reasons": "依据充分",
    }
    shown = api.get(url).json()
    refused = api.post(f"{url}decide/", decision, format="json")
    api.force_authenticate(renshe)
    api.post(
        f"{url}supply-guide/",
        {
            "work_requirements": "核实居住情况",
            "procedure": "申请—核实—出具",
            "materials": "身份证件",
            "sample_form": "（样表）兹证明……",
        },
        format="json",
    )
    api.force_authenticate(officer)
    approved = api.post(f"{url}decide/", decision, format="json")

    assert [p["code"] for p in shown["decision_problems"]] == ["guide_content_missing"]
    error = assert_error(refused, 400, "application_incomplete")
    assert error["detail"][0]["code"] == "guide_content_missing"
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json()["resulting_version"] == 2
    public = APIClient().get("/api/catalogue/decisions/").json()
    assert public["results"][0]["outcome"] == "approved"


def test_others_do_not_see_an_application(api, tree, renshe, county_list):
    application = admissions.application_submit(
        actor=renshe,
        list_id=county_list.catalogue_list_id,
        **{k: v for k, v in body(county_list).items() if k != "list"},
    )
    far = people.user("far", role=Role.CIVIL_AFFAIRS, at="440804")
    api.force_authenticate(far)

    assert_error(api.get(f"{BASE}{application.pk}/"), 404, "not_found")
    assert_error(
        api.post(f"{BASE}{application.pk}/withdraw/", {"reason": "x"}, format="json"),
        404,
        "not_found",
    )
    assert api.get(BASE).json()["count"] == 0
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_public_decisions_need_no_login_and_name_no_one_REQ_024(
    api, tree, renshe, county_list, officer
):
    application = admissions.application_submit(
        actor=renshe,
        list_id=county_list.catalogue_list_id,
        **{k: v for k, v in body(county_list).items() if k != "list"},
    )
    admissions.application_open_review(actor=officer, application_id=application.pk)
    for row in application.opinions.all():
        admissions.opinion_record(actor=officer, opinion_id=row.pk, opinion="agree")
    admissions.application_decide(
        actor=officer,
        application_id=application.pk,
        approve=False,
        meeting_date=clock.today(),
        meeting_reference="纪要〔2026〕4号",
        reasons="可通过信息共享核查",
    )

    response = api.get("/api/catalogue/decisions/")

    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["outcome"] == "rejected" and row["reasons"] == "可通过信息共享核查"
    assert row["department_display"] == "人社"
    assert row["item_name"] == "失业登记居住情况证明"
    text = response.content.decode()
    for private in ["contact", "张联系", "13812345678", "minzheng", "renshe"]:
        assert private not in text, private
