"""Sealing endpoints (REQ-050–058, DIV-01, DIV-12): one journey by the API, who sees
what, the document download, and the refusals in the {"code", "message", "detail"}
shape. The rules themselves are tested in yinzheng/seals/tests/test_usage.py."""

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Department, Role
from yinzheng.core.tests import factories as f
from yinzheng.core.tests.files import pdf_bytes
from yinzheng.ledger.models import Entry

from .factories import in_use

BASE = "/api/seals/usage/"
COMMITTEE = "620725101001"
TOWNSHIP = "620725101"
DOC = pdf_bytes("notice of a meeting of residents' representatives")


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff(tree):
    class Staff:
        township = f.user("xiangzhen", role=Role.TOWNSHIP, at=TOWNSHIP)
        head = f.user("zhuren", role=Role.HEAD, at=COMMITTEE)
        clerk = f.user("jingban", role=Role.CLERK, at=COMMITTEE)
        custodian = f.user("yinzhang", role=Role.CUSTODIAN, at=COMMITTEE)

    return Staff


@pytest.fixture
def seal(staff):
    return in_use(
        officer=staff.township,
        head=staff.head,
        custodian=staff.custodian,
        committee=COMMITTEE,
    )


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


def _file(name="notice.pdf", data=DOC):
    return SimpleUploadedFile(name, data, "application/pdf")


def _create(api, seal, **over):
    data = {
        "seal": seal.pk,
        "category": "W1",
        "content": "关于召开居民代表会议的通知",
        "copies": 30,
        "document": _file(),
        **over,
    }
    return api.post(BASE, data, format="multipart")


def _filed(api, staff, seal, **over) -> int:
    response = _create(_as(api, staff.clerk), seal, **over)
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def _through_approval(api, staff, seal, **over) -> int:
    pk = _filed(api, staff, seal, **over)
    _as(api, staff.clerk).post(
        f"{BASE}{pk}/review/", {"approve": True, "not_blank": True}, format="json"
    )
    response = _as(api, staff.head).post(
        f"{BASE}{pk}/approve/", {"approve": True}, format="json"
    )
    assert response.json()["status"] == "approved"
    return pk


def test_the_journey_by_the_api_REQ_053_054_056_058(api, staff, seal):
    response = _create(_as(api, staff.clerk), seal)
    assert response.status_code == 201
    body = response.json()
    pk = body["id"]
    assert body["status"] == "submitted" and body["handler"]["id"] == staff.clerk.pk
    assert body["document_sha256"] == hashlib.sha256(DOC).hexdigest()

    body = api.post(
        f"{BASE}{pk}/review/", {"approve": True, "not_blank": True}, format="json"
    ).json()
    assert body["status"] == "reviewed" and body["not_blank_confirmed"] is True

    body = (
        _as(api, staff.head)
        .post(f"{BASE}{pk}/approve/", {"approve": True}, format="json")
        .json()
    )
    assert body["status"] == "approved"
    assert body["approved_sha256"] == body["document_sha256"]

    response = _as(api, staff.custodian).post(f"{BASE}{pk}/seal/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "sealed"
    assert [
        body[k]["id"] for k in ("handler", "reviewer", "approver", "custodian")
    ] == [
        staff.clerk.pk,
        staff.clerk.pk,
        staff.head.pk,
        staff.custodian.pk,
    ]
    entry = body["register_entry"]
    assert entry["register"] == "work" and entry["number"] == 1
    assert entry["url"].startswith(f"/ledger/registers/{COMMITTEE}/work/")
    matter = f"seals.usagerequest:{pk}"
    assert Entry.objects.filter(event="register.entry", subject=matter).count() == 1

    again = api.post(f"{BASE}{pk}/seal/")  # REQ-056: one matter, one entry
    assert again.status_code == 409 and again.json()["code"] == "usage_not_approved"

    listed = _as(api, staff.township).get(BASE, {"status": "sealed"}).json()
    assert [r["id"] for r in listed["results"]] == [pk]


def test_the_custodian_may_not_review_separation_of_duties_REQ_067(api, staff, seal):
    pk = _filed(api, staff, seal)
    f.user(staff.custodian.username, role=Role.CLERK, at=COMMITTEE)
    response = _as(api, staff.custodian).post(
        f"{BASE}{pk}/review/", {"approve": True, "not_blank": True}, format="json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "separation_of_duties"
    assert set(body) == {"code", "message", "detail"}
    assert "印章管理人不能审核用印" in body["message"]


def test_sealing_before_the_notice_ends_is_not_yet_sealable_REQ_055(
    api, staff, seal, clock_at
):
    clock_at(2026, 5, 4, 9)
    pk = _through_approval(api, staff, seal, major_matter="notice")
    response = _as(api, staff.custodian).post(f"{BASE}{pk}/seal/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_yet_sealable"

    notice = {"start": "2026-05-01", "end": "2026-05-07", "place": "村务公开栏"}
    body = (
        _as(api, staff.clerk).post(f"{BASE}{pk}/notice/", notice, format="json").json()
    )
    assert body["gate_problems"] == ["公示期至 2026-05-07 结束，公示结束后方可盖章"]
    response = _as(api, staff.custodian).post(f"{BASE}{pk}/seal/")
    assert response.json()["code"] == "not_yet_sealable"
    assert set(response.json()) == {"code", "message", "detail"}
    clock_at(2026, 5, 8, 9)
    assert api.post(f"{BASE}{pk}/seal/").json()["status"] == "sealed"


def test_a_changed_document_is_refused_document_changed_REQ_057(api, staff, seal):
    pk = _through_approval(api, staff, seal)
    from yinzheng.seals.models import UsageRequest

    with open(UsageRequest.objects.get(pk=pk).document.path, "ab") as fh:
        fh.write(b" and one more clause")
    response = _as(api, staff.custodian).post(f"{BASE}{pk}/seal/")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "document_changed"
    assert set(body) == {"code", "message", "detail"}
    assert api.get(f"{BASE}{pk}/").json()["status"] == "approved"


def test_a_failed_vote_closes_the_request_REQ_055(api, staff, seal):
    pk = _filed(api, staff, seal, major_matter="vote")
    vote = {
        "body": "村民代表会议",
        "date": dt.date.today().isoformat(),
        "result": "failed",
        "record": "赞成 8，反对 12",
    }
    body = api.post(f"{BASE}{pk}/vote/", vote, format="json").json()
    assert body["status"] == "closed" and body["vote_result"] == "failed"


def test_bad_input_gets_the_error_shape(api, staff, seal):
    _as(api, staff.clerk)
    response = _create(api, seal, category="C2")
    assert response.status_code == 400
    assert response.json()["code"] == "certificate_case_required"
    response = _create(api, seal, document=_file("virus.exe", b"MZ"))
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    response = _create(api, seal, copies=0)
    assert response.json()["code"] == "copies_invalid"
    response = api.post(BASE, {"seal": seal.pk}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    pk = _filed(api, staff, seal)
    response = api.post(f"{BASE}{pk}/review/", {"approve": True}, format="json")
    assert response.json()["code"] == "not_blank_required"
    response = _as(api, staff.head).post(f"{BASE}{pk}/approve/", {"approve": True})
    assert response.status_code == 409
    assert response.json()["code"] == "usage_not_reviewed"


def test_a_text_file_named_doc_pdf_is_refused_by_the_api_issue_13(api, staff, seal):
    _as(api, staff.clerk)

    response = _create(api, seal, document=_file("doc.pdf", b"only text"))

    assert response.status_code == 400
    assert response.json()["code"] == "file_type_invalid"
    assert "用印文件须为以下格式之一" in response.json()["message"]


def test_who_sees_what_and_the_document_download(api, staff, seal, tree):
    pk = _filed(api, staff, seal)
    response = api.get(f"{BASE}{pk}/document/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == DOC
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline; filename=")

    outsider = f.user("jingban-a1b", role=Role.CLERK, at=tree["A1b"])
    _as(api, outsider)
    assert api.get(f"{BASE}{pk}/").status_code == 404
    missing = api.get(f"{BASE}{pk}/document/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert api.get(BASE).json()["results"] == []
    response = api.post(
        f"{BASE}{pk}/review/", {"approve": True, "not_blank": True}, format="json"
    )
    assert response.status_code == 404

    department = f.user(
        "dept", role=Role.DEPARTMENT, at="620725", department=Department.HEALTH
    )
    assert _as(api, department).get(BASE).status_code == 403
    assert APIClient().get(f"{BASE}{pk}/document/").status_code in (401, 403)


def test_the_phone_is_masked(api, staff, seal):
    from yinzheng.seals.services import usage

    u = usage.usage_request(
        actor=staff.clerk,
        seal_id=seal.pk,
        category="C2",
        content="居住情况证明",
        copies=1,
        document=("cert.pdf", DOC),
        matter_ref="certificates.request:1",
        requiring_unit="县人社局",
        purpose="失业登记",
        phone="13812345678",
    )
    body = _as(api, staff.township).get(f"{BASE}{u.pk}/").json()
    assert body["phone"] == "138****5678"
    assert api.get(BASE).json()["results"][0]["phone"] == "138****5678"
