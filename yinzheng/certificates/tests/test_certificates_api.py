"""The certificate endpoints: the permission matrix, one journey by three people,
refusals in the one error shape, masking, the public status (REQ-016, REQ-031–049).
The rules themselves are tested in yinzheng/certificates/tests."""

import json

import pytest
from rest_framework.test import APIClient

from yinzheng.catalogue.models import Item
from yinzheng.core import tracking

from ..models import CertificateRequest
from .factories import id_number, request

A1A = "620725101001"
BASE = "/api/certificates/requests/"

# The files folder and the fixtures people, seal and catalogue come from conftest.py.


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


def _create(api, **over):
    body = {
        "committee": A1A,
        "resident_name": "张三",
        "id_number": id_number(),
        "phone": "13812345678",
        "item": "residence",
        "purpose": "办理低保",
        "requiring_unit": "县民政局",
        "facts": "张三在本社区实际居住。",
        **over,
    }
    return api.post(BASE, body, format="json")


def test_a_clerk_takes_a_request_in_and_gets_the_decision_with_req_ids(
    people, catalogue, api
):
    number = id_number()
    response = _create(_as(api, people.clerk), id_number=number)

    assert response.status_code == 201
    body = response.json()
    assert body["intake_class"] == "positive" and body["outcome"] == "issue"
    assert {r["req"] for r in body["decision"]["reasons"]} >= {"REQ-031", "REQ-032"}
    assert tracking.is_readable(body["tracking_code"])  # issue 16: read aloud
    text = json.dumps(body, ensure_ascii=False)
    assert number not in text and "13812345678" not in text
    assert body["id_number"] == number[:3] + "*" * 11 + number[-4:]
    assert body["phone"] == "138****5678"


def test_a_wrong_id_number_checksum_is_400_in_the_error_shape(people, catalogue, api):
    good = id_number()
    wrong = good[:-1] + ("1" if good[-1] != "1" else "2")
    response = _create(_as(api, people.clerk), id_number=wrong)
    assert response.status_code == 400
    assert response.json()["code"] == "id_number_invalid"
    assert not CertificateRequest.objects.exists()


def test_lists_mask_the_personal_data(people, catalogue, api):
    number = id_number()
    request(actor=people.clerk, committee=A1A, item=catalogue.simple, id_number=number)
    body = _as(api, people.township).get(BASE).json()
    [row] = body["results"]
    assert row["resident_name"] == "张*" and row["id_number"].count("*") == 11
    assert number not in json.dumps(body)


def test_permission_matrix(people, seal, catalogue, api):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    assert api.get(BASE).status_code == 401
    assert _as(api, people.other_clerk).get(f"{BASE}{req.pk}/").status_code == 404
    custodian = _as(api, people.custodian)
    response = custodian.post(
        f"{BASE}{req.pk}/verify/", {"what": "x", "how": "y"}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert _create(_as(api, people.township)).status_code == 403
    assert (
        _create(_as(api, people.other_clerk)).status_code == 403
    )  # not their committee


def test_three_people_issue_and_the_resident_confirms_REQ_046_054_073(
    people, seal, catalogue, api
):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    url = f"{BASE}{req.pk}/"
    r = _as(api, people.clerk).post(
        url + "verify/", {"what": "居住事实", "how": "入户查看"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "verified"
    assert r.json()["serial"].startswith(f"{A1A}-")
    assert _as(api, people.head).post(url + "approve/").json()["status"] == "approved"
    body = _as(api, people.custodian).post(url + "issue/").json()
    assert body["status"] == "issued" and body["register_entry"]
    assert body["confirm_url"].startswith(f"/ledger/registers/{A1A}/certificate/")

    pdf = api.get(url + "certificate/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    confirmed = _as(api, people.clerk).post(
        url + "confirm/",
        {"method": "paper", "paper_reference": "第1页第1行"},
        format="json",
    )
    assert confirmed.status_code == 201


def test_a_negative_item_cannot_be_verified_and_is_refused_with_a_notice(
    people, seal, api
):
    item = Item.objects.get(key="proof_of_life")
    req = request(actor=people.clerk, committee=A1A, item=item)
    clerk = _as(api, people.clerk)
    r = clerk.post(f"{BASE}{req.pk}/verify/", {"what": "x", "how": "y"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "not_issuable"
    assert r.json()["detail"]["outcome"] == "refuse"

    r = clerk.post(f"{BASE}{req.pk}/refuse/", {"reason": "负面清单事项"}, format="json")
    assert r.status_code == 200
    assert r.json()["refusal_route"] == item.route
    notice = clerk.get(f"{BASE}{req.pk}/notice/")
    assert notice.status_code == 200
    assert b"".join(notice.streaming_content).startswith(b"%PDF")


def test_a_refusal_without_route_is_400_REQ_049(people, api):
    req = request(actor=people.clerk, committee=A1A, item_text="无房证明")
    r = _as(api, people.clerk).post(
        f"{BASE}{req.pk}/refuse/", {"reason": "无依据"}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "route_required"


def test_public_interest_needs_the_consultation_and_the_heads_signature(
    people, seal, api
):
    req = request(
        actor=people.clerk, committee=A1A, item_text="x", public_interest=True
    )
    url = f"{BASE}{req.pk}/"
    clerk = _as(api, people.clerk)
    r = clerk.post(
        url + "consultation/",
        {
            "form": "council",
            "held_on": "2026-01-05",
            "participants": "居民代表 9 人",
            "result": "agreed",
        },
        format="json",
    )
    assert [m["code"] for m in r.json()["decision"]["missing"]] == ["head_signature"]
    assert clerk.post(url + "sign/").status_code == 403
    assert _as(api, people.head).post(url + "sign/").json()["decision"]["outcome"] == (
        "issue"
    )


def test_civil_affairs_switches_the_exception_off_and_the_form_is_refused_REQ_039(
    people, api
):
    req = request(
        actor=people.clerk, committee=A1A, item=Item.objects.get(key="proof_of_life")
    )
    setting = {"division": "620725", "negative_exception_enabled": False}
    assert (
        _as(api, people.clerk)
        .post("/api/certificates/settings/", setting, format="json")
        .status_code
        == 403
    )
    r = _as(api, people.civil).post(
        "/api/certificates/settings/", setting, format="json"
    )
    assert r.status_code == 200 and r.json()["negative_exception_enabled"] is False
    r = _as(api, people.clerk).post(
        f"{BASE}{req.pk}/exception/", {"trigger": "policy_gap"}, format="json"
    )
    assert r.status_code == 409 and r.json()["code"] == "exception_switched_off"


def test_the_switch_is_set_in_json_and_must_be_stated_REQ_039(people, api):
    """A form body would read an absent or "0" checkbox as "off"; the endpoint takes
    JSON only, where the field is required (issue 13, found by schemathesis)."""
    civil = _as(api, people.civil)
    r = civil.post(
        "/api/certificates/settings/",
        {"division": "620725", "negative_exception_enabled": "0"},
        format="multipart",
    )
    assert r.status_code == 415
    r = civil.post("/api/certificates/settings/", {"division": "620725"}, format="json")
    assert r.status_code == 400
    assert "negative_exception_enabled" in str(r.json())


def test_a_number_where_the_schema_says_text_is_refused(people, api):
    """Issue 13: `{"item_text": 0}` was stored as "0"."""
    r = _as(api, people.clerk).post(
        "/api/certificates/demand-reports/",
        {"committee": A1A, "item_text": 0, "demanding_organisation": "某公司"},
        format="json",
    )
    assert r.status_code == 400
    assert "item_text" in str(r.json())


def test_demand_reports_are_recorded_and_listed_REQ_016(people, api):
    req = request(
        actor=people.clerk, committee=A1A, item_text="无房证明", requiring_unit="某银行"
    )
    clerk = _as(api, people.clerk)
    r = clerk.post(
        f"{BASE}{req.pk}/report/", {"demanding_organisation": "某银行"}, format="json"
    )
    assert r.status_code == 201 and r.json()["item_text"] == "无房证明"
    r = clerk.post(
        "/api/certificates/demand-reports/",
        {
            "committee": A1A,
            "item_text": "无犯罪证明",
            "demanding_organisation": "某公司",
        },
        format="json",
    )
    assert r.status_code == 201
    listed = _as(api, people.township).get("/api/certificates/demand-reports/").json()
    assert listed["count"] == 2


def test_overdue_filter(people, catalogue, api, clock_at):
    clock_at(2026, 9, 29, 10)
    late = request(actor=people.clerk, committee=A1A, item=catalogue.complex)
    clock_at(2026, 10, 13, 10)
    body = _as(api, people.township).get(BASE, {"overdue": "1"}).json()
    assert [r["id"] for r in body["results"]] == [late.pk]
    assert body["results"][0]["overdue"] is True


def test_public_status_needs_no_login_and_hides_the_id_number(people, catalogue, api):
    number = id_number()
    req = request(
        actor=people.clerk,
        committee=A1A,
        item=catalogue.simple,
        id_number=number,
        resident_name="李四",
    )
    r = api.get(f"/api/certificates/status/{req.tracking_code}/")
    assert r.status_code == 200
    body = r.json()
    assert body["resident_name"] == "李*" and body["status"] == "received"
    assert number not in json.dumps(body) and number[-4:] not in json.dumps(body)
    assert api.get("/api/certificates/status/unknown-code/").status_code == 404
