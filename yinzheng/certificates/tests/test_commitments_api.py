"""The notification-commitment endpoints: the permission matrix, the commitment that
closes a request, post-verification with a logged draw, the credit record with its
disclosure and the platform, masking, refusals in the one error shape (REQ-082–086).
The rules themselves are tested in yinzheng/certificates/tests/test_commitments.py."""

import base64
import json

import pytest
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.catalogue.models import Item
from yinzheng.core import clock
from yinzheng.core.tests import factories as core_factories

from .. import services
from ..models import CertificateRequest, CreditRecord
from . import factories
from .factories import (
    commitment_item,
    committed,
    id_number,
    request,
    signature_png,
)

A1A = "620725101001"
BASE = "/api/certificates/"

# The files folder and the fixture people come from conftest.py.


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def item(tree):
    factories.county_catalogue()
    return commitment_item()


def _as(api, user):
    """A client of its own for `user` (several people act in one test)."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_clerk_records_a_commitment_and_the_request_is_closed_REQ_082(
    people, item, api
):
    number = id_number()
    req = request(actor=people.clerk, committee=A1A, item=item, id_number=number)
    client = _as(api, people.clerk)
    form = client.get(f"{BASE}requests/{req.pk}/commitment-form/")
    assert form.status_code == 200 and form["Content-Type"] == "application/pdf"

    response = client.post(
        f"{BASE}requests/{req.pk}/commitment/",
        {
            "signature_method": "screen",
            "signature": _png_upload(),
            "commitment": "本人承诺所述属实。",
        },
        format="multipart",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"] == "本人承诺所述属实。"
    assert "计入个人信用记录" in body["notification"]
    assert body["verification"]["status"] == "open"
    assert body["id_number"] == number[:3] + "*" * 11 + number[-4:]
    assert number not in json.dumps(body, ensure_ascii=False)
    detail = client.get(f"{BASE}requests/{req.pk}/").json()
    assert detail["status"] == "committed"
    assert detail["commitment"]["number"] == body["number"]
    pdf = client.get(f"{BASE}commitments/{body['id']}/pdf/")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content)[:5] == b"%PDF-"
    signature = client.get(f"{BASE}commitments/{body['id']}/signature/")
    assert b"".join(signature.streaming_content).startswith(b"\x89PNG")


def _png_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("s.png", signature_png(), content_type="image/png")


def test_a_signature_as_data_url_in_json_and_the_refusals_REQ_082(people, item, api):
    client = _as(api, people.clerk)
    simple = request(
        actor=people.clerk, committee=A1A, item=Item.objects.get(key="residence")
    )
    drawn = "data:image/png;base64," + base64.b64encode(signature_png()).decode()
    refused = client.post(
        f"{BASE}requests/{simple.pk}/commitment/",
        {"signature_data_url": drawn},
        format="json",
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "commitment_not_allowed"
    assert client.get(f"{BASE}requests/{simple.pk}/commitment-form/").status_code == 404

    req = request(actor=people.clerk, committee=A1A, item=item)
    bad = client.post(
        f"{BASE}requests/{req.pk}/commitment/",
        {"signature_data_url": "data:image/png;base64,!!!"},
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()) == {"code", "message", "detail"}
    ok = client.post(
        f"{BASE}requests/{req.pk}/commitment/",
        {"signature_data_url": drawn},
        format="json",
    )
    assert ok.status_code == 201
    assert ok.json()["signature_method"] == "screen"


def test_permission_matrix(people, item, api):
    commitment = committed(people, A1A, item)
    task = commitment.verification
    assert api.get(f"{BASE}verification-tasks/").status_code == 401
    outsider = core_factories.user("jb_b", role=Role.CLERK, at="440804001001")
    assert (
        _as(api, outsider).get(f"{BASE}verification-tasks/{task.pk}/").status_code
        == 404
    )
    clerk = _as(api, people.clerk)
    assert clerk.get(f"{BASE}verification-tasks/{task.pk}/").status_code == 200
    closing = {
        "result": "false",
        "verified_on": clock.today().isoformat(),
        "verifier": "孙核查",
        "note": "未居住",
    }
    response = clerk.post(f"{BASE}verification-tasks/{task.pk}/close/", closing)
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert clerk.get(f"{BASE}credit-records/").status_code == 403
    assert (
        clerk.post(f"{BASE}samplings/", {"scope": A1A, "count": 1}).status_code == 403
    )
    # The sibling committee's clerk: not theirs to see or record.
    other = core_factories.user("req_other", role=Role.CLERK, at="620725101201")
    req = request(actor=people.clerk, committee=A1A, item=item)
    assert (
        _as(api, other)
        .post(
            f"{BASE}requests/{req.pk}/commitment/",
            {"signature": _png_upload()},
            format="multipart",
        )
        .status_code
        == 404
    )


def test_township_draws_and_closes_then_civil_affairs_discloses_REQ_083_084_085(
    people, item, api
):
    number = id_number()
    commitment = committed(people, A1A, item, id_number=number)
    township = _as(api, people.township)

    draw = township.post(
        f"{BASE}samplings/", {"scope": "620725101", "count": 1}, format="json"
    )

    assert draw.status_code == 201
    sampling = draw.json()
    assert len(sampling["seed"]) == 32 and sampling["picks"] == [
        commitment.verification.pk
    ]
    assert (
        services.draw(sampling["population"], len(sampling["picks"]), sampling["seed"])
        == sampling["picks"]
    )
    missing = township.post(
        f"{BASE}verification-tasks/{commitment.verification.pk}/close/",
        {"verified_on": clock.today().isoformat(), "verifier": "孙", "note": "x"},
        format="json",
    )
    assert missing.status_code == 400  # no result, no closing (REQ-083)
    closed = township.post(
        f"{BASE}verification-tasks/{commitment.verification.pk}/close/",
        {
            "result": "false",
            "verified_on": clock.today().isoformat(),
            "verifier": "孙核查",
            "note": "实际未在本村居住",
        },
        format="json",
    )
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["credit_record"]

    civil = _as(api, people.civil)
    listing = civil.get(f"{BASE}credit-records/")
    assert listing.status_code == 200
    [record] = listing.json()["results"]
    assert record["submissions"][0]["status"] == "queued"
    assert number not in json.dumps(listing.json(), ensure_ascii=False)
    today = clock.today().isoformat()
    response = civil.post(
        f"{BASE}credit-records/{record['id']}/disclosure/",
        {
            "disclosure_site": "信用中国（天津）",
            "disclosed_on": today,
            "penalty_decision": "警告",
            "penalty_on": today,
            "penalty_published": True,
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["disclosure_site"] == "信用中国（天津）"
    assert response.json()["penalty_published"] is True
    half = civil.post(
        f"{BASE}credit-records/{record['id']}/disclosure/",
        {"disclosure_site": "信用中国"},
        format="json",
    )
    assert half.status_code == 400 and half.json()["code"] == "disclosure_incomplete"
    assert (
        township.post(
            f"{BASE}credit-records/{record['id']}/disclosure/", {}, format="json"
        ).status_code
        == 403
    )
    assert CreditRecord.objects.get().penalty_decision == "警告"


def test_civil_affairs_configures_the_platform_REQ_086(people, api):
    civil = _as(api, people.civil)
    response = civil.post(
        f"{BASE}credit-platforms/",
        {
            "division": "620725",
            "name": "全国信用信息共享平台",
            "endpoint": "https://credit.example.org/api/records",
        },
        format="json",
    )
    assert response.status_code == 200 and response.json()["enabled"] is True
    bad = civil.post(
        f"{BASE}credit-platforms/",
        {"division": "620725", "name": "平台", "endpoint": "ftp://x"},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "endpoint_invalid"
    assert [p["name"] for p in civil.get(f"{BASE}credit-platforms/").json()] == [
        "全国信用信息共享平台"
    ]
    township = _as(api, people.township)
    assert (
        township.post(
            f"{BASE}credit-platforms/",
            {"division": "620725101", "name": "x", "endpoint": "https://x.org"},
            format="json",
        ).status_code
        == 403
    )
    assert CertificateRequest.objects.count() == 0
