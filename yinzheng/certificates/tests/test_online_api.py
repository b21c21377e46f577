"""The online application over the API (issue 16, REQ-113): code, confirm, apply,
receipt; refusal at once with the route; the download guard; all in the schema."""

import re

import pytest
from rest_framework.test import APIClient

from yinzheng.catalogue.choices import ListKind
from yinzheng.catalogue.tests import factories as cat_factories
from yinzheng.core import tracking
from yinzheng.seals.choices import SealForm
from yinzheng.seals.tests import factories as seal_factories

from .. import services
from ..models import CertificateRequest
from .factories import id_number

pytestmark = pytest.mark.django_db
A1A = "620725101001"
PHONE = "13912345678"


@pytest.fixture
def api():
    return APIClient()


def confirmed(api, outbox) -> str:
    sent = api.post("/api/portal/phone-codes/", {"phone": PHONE}, format="json")
    assert sent.status_code == 201, sent.json()
    body = sent.json()
    assert body["phone"] == "139****5678" and PHONE not in str(body)
    code = re.search(r"\d{6}", outbox[-1][1]).group()
    ok = api.post(
        "/api/portal/phone-codes/confirm/",
        {"token": body["token"], "code": code},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["verified"] is True
    return body["token"]


def application(token, item, number, **over):
    return {
        "token": token,
        "committee": A1A,
        "item": item.key,
        "resident_name": "张三",
        "id_number": number,
        "phone": PHONE,
        "purpose": "办理居住证",
        "requiring_unit": "县公安局",
        "facts": "本人自2020年起在本社区实际居住。",
        **over,
    }


def test_a_resident_applies_over_the_api_and_gets_the_receipt(
    api, people, catalogue, sms_outbox
):
    number = id_number()
    token = confirmed(api, sms_outbox)
    made = api.post(
        "/api/portal/applications/",
        application(token, catalogue.simple, number),
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert tracking.is_readable(body["tracking_code"])
    assert body["time_limit_days"] == 3 and body["due_on"]
    assert number not in str(body) and body["id_number"].endswith(number[-4:])
    req = CertificateRequest.objects.get()
    status = api.get(f"/api/certificates/status/{body['tracking_code'].lower()}/")
    assert status.status_code == 200 and status.json()["status"] == req.status


def test_a_wrong_code_over_the_api_is_a_400_with_its_code(api, db, sms_outbox):
    sent = api.post("/api/portal/phone-codes/", {"phone": PHONE}, format="json")
    code = re.search(r"\d{6}", sms_outbox[-1][1]).group()
    wrong = api.post(
        "/api/portal/phone-codes/confirm/",
        {"token": sent.json()["token"], "code": f"{(int(code) + 1) % 10**6:06d}"},
        format="json",
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "otp_wrong"
    again = api.post("/api/portal/phone-codes/", {"phone": PHONE}, format="json")
    assert again.status_code == 429 and again.json()["code"] == "otp_throttled"


def test_a_negative_item_over_the_api_is_a_409_with_the_route(api, people, sms_outbox):
    item = cat_factories.item(
        "健在证明", key="alive_api", route="信息共享核查", departments=["民政部门"]
    )
    cat_factories.published("620725", ListKind.NEGATIVE, [item])
    token = confirmed(api, sms_outbox)
    refused = api.post(
        "/api/portal/applications/",
        application(token, item, id_number()),
        format="json",
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "refused_at_once"
    assert refused.json()["detail"]["route"] == "信息共享核查"


def test_the_holder_downloads_over_the_api_and_others_do_not(
    api, people, catalogue, sms_outbox
):
    seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=A1A,
        form=SealForm.ELECTRONIC,
    )
    number = id_number()
    token = confirmed(api, sms_outbox)
    body = api.post(
        "/api/portal/applications/",
        application(token, catalogue.simple, number, electronic=True),
        format="json",
    ).json()
    req = CertificateRequest.objects.get()
    services.request_verify(
        actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )
    services.request_approve(actor=people.head, request_id=req.pk)
    services.request_issue(actor=people.custodian, request_id=req.pk)
    url = f"/api/certificates/status/{body['tracking_code']}/certificate/"
    wrong = api.post(url, {"resident_name": "张三", "id_last": "0000"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "holder_mismatch"
    right = api.post(
        url, {"resident_name": "张三", "id_last": number[-4:]}, format="json"
    )
    assert right.status_code == 200 and right["Content-Type"] == "application/pdf"


def test_the_online_endpoints_are_in_the_schema(api, db):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/portal/phone-codes/" in paths
    assert "/api/portal/phone-codes/confirm/" in paths
    assert "/api/portal/applications/" in paths
    assert "/api/certificates/status/{code}/certificate/" in paths
