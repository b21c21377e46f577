"""Departments verify and query certificates by API with a legal basis, every query
journaled (REQ-111, REQ-114)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Department, Role
from yinzheng.core.tests import factories as core_factories
from yinzheng.esign import journal
from yinzheng.esign.models import VerificationQuery
from yinzheng.ledger.models import Entry

from . import factories as f

pytestmark = pytest.mark.django_db
URL = "/api/esign/verifications/"
BASIS = "《社会保险法》第五十九条"


@pytest.fixture
def signed(eseal, people):
    doc, _pdf = f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    return doc


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_a_department_verifies_a_token_and_the_query_is_journaled(signed, health):
    response = api(health).post(
        URL,
        {
            "token": signed.token,
            "legal_basis": BASIS,
            "purpose": "核实居住情况",
            "holder_name": "张三丰",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["result"]["verdict"] == "valid"
    assert body["result"]["holder"] == "张**" and body["result"]["name_matches"] is True
    assert {c["name"] for c in body["result"]["checks"]} >= {"token", "register"}
    query = VerificationQuery.objects.get()
    assert (query.department, query.legal_basis, query.purpose) == (
        "卫健",
        BASIS,
        "核实居住情况",
    )
    assert query.subject == signed.serial and query.document == signed
    # Issue 15: the query is sealed into the county's audit chain with the next batch,
    # and its history reads as before.
    assert not Entry.objects.filter(event__startswith="esign.verification_quer")
    assert journal.seal_pending() == 1
    entry = Entry.objects.get(event=journal.SEALED_EVENT)
    assert entry.chain.key == "audit:620725"
    assert entry.data["data"]["after"]["queries"] == [
        [query.pk, journal.digest(journal.row_of(query))]
    ]
    (event,) = journal.history(query)
    assert event.event == "esign.verification_query" and event.actor == str(health)
    assert event.after["legal_basis"] == BASIS and event.after["department"] == "卫健"
    assert "审计链 audit:620725" in event.note
    assert "张三丰" not in entry.body


def test_a_query_without_legal_basis_is_refused(signed, health):
    """REQ-111: rejected, and nothing is looked up."""
    response = api(health).post(
        URL, {"serial": signed.serial, "legal_basis": " ", "purpose": "核实"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "legal_basis_required"
    assert not VerificationQuery.objects.exists()


def test_a_department_verifies_a_pdf_upload(signed, health):
    upload = SimpleUploadedFile(
        "zhengming.pdf", f.signed_bytes(signed), content_type="application/pdf"
    )
    response = api(health).post(
        URL,
        {"pdf": upload, "legal_basis": BASIS, "purpose": "核实"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["result"]["verdict"] == "valid"
    assert response.json()["query"]["kind"] == "pdf"


def test_a_department_queries_by_serial(signed, health):
    response = api(health).post(
        URL, {"serial": signed.serial, "legal_basis": BASIS, "purpose": "核实"}
    )
    assert response.json()["result"]["verdict"] == "valid"
    response = api(health).post(
        URL,
        {"serial": "620725101001-2026-999999", "legal_basis": BASIS, "purpose": "x"},
    )
    assert response.json()["result"]["verdict"] == "unknown"


@pytest.mark.parametrize(
    "where, department",
    [("440804", Department.HEALTH), ("44", Department.PUBLIC_SECURITY)],
)
def test_a_serial_outside_the_askers_jurisdiction_confirms_nothing(
    signed, where, department
):
    """Issue 13, finding 7: an officer of another county or province, with a legal
    basis, must not learn by a guessable serial that a certificate exists nor confirm
    its holder's name; the answer is the one for a serial never issued."""
    outsider = core_factories.user(
        "waidi", role=Role.DEPARTMENT, at=where, department=department
    )
    response = api(outsider).post(
        URL,
        {
            "serial": signed.serial,
            "holder_name": f.HOLDER,
            "legal_basis": BASIS,
            "purpose": "核实",
        },
    )
    result = response.json()["result"]
    assert result["verdict"] == "unknown"
    assert result["name_matches"] is None
    assert "holder" not in result
    assert VerificationQuery.objects.get().document is None


def test_a_serial_inside_the_jurisdiction_confirms_the_name(signed, health):
    response = api(health).post(
        URL,
        {
            "serial": signed.serial,
            "holder_name": f.HOLDER,
            "legal_basis": BASIS,
            "purpose": "核实",
        },
    )
    assert response.json()["result"]["name_matches"] is True


def test_an_unparsable_address_as_token_is_answered_invalid_not_a_500(health):
    response = api(health).post(
        URL,
        {"legal_basis": BASIS, "purpose": "核实", "token": "http://[abc"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["result"]["verdict"] == "invalid"


def test_one_subject_per_query(signed, health):
    response = api(health).post(
        URL,
        {"serial": signed.serial, "token": signed.token, "legal_basis": BASIS}
        | {"purpose": "核实"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "one_subject"


def test_anonymous_callers_get_401(signed):
    response = api().post(URL, {"serial": signed.serial}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("who", ["clerk", "head", "custodian"])
def test_committee_staff_may_not_query(signed, people, who):
    response = api(getattr(people, who)).post(
        URL, {"serial": signed.serial, "legal_basis": BASIS, "purpose": "x"}
    )
    assert response.status_code == 403


def test_the_query_log_shows_own_queries_and_civil_affairs_their_subtree(
    signed, health, people
):
    api(health).post(
        URL, {"serial": signed.serial, "legal_basis": BASIS, "purpose": "核实"}
    )
    mine = api(health).get(URL).json()
    assert [q["legal_basis"] for q in mine["results"]] == [BASIS]
    assert mine["results"][0]["requester"] and mine["results"][0]["asked_at"]
    assert len(api(people.civil).get(URL).json()["results"]) == 1
    other = core_factories.user(
        "gongan",
        role=Role.DEPARTMENT,
        at="440804",
        department=Department.PUBLIC_SECURITY,
    )
    assert api(other).get(URL).json()["results"] == []


@pytest.mark.parametrize("subject", ["token", "serial", "pdf", "bad_token"])
def test_the_answer_is_what_the_documented_serializers_give(
    signed, health, subject, settings
):
    """The view writes its answer out directly (issue 15); it must be the JSON the
    schema's serializers give for the same query and result, field for field."""
    from yinzheng.esign import verification
    from yinzheng.esign.api.verifications import (
        EsignQuerySerializer,
        EsignResultSerializer,
    )

    settings.TIME_ZONE = "Asia/Shanghai"
    body = {"legal_basis": BASIS, "purpose": "核实"}
    if subject == "token":
        body["token"] = signed.token
        result = verification.verify_token(signed.token)
    elif subject == "serial":
        body["serial"] = signed.serial
        result = verification.verify_serial(signed.serial, within=lambda code: True)
    elif subject == "pdf":
        data = f.signed_bytes(signed)
        body["pdf"] = SimpleUploadedFile("c.pdf", data, "application/pdf")
        result = verification.verify_pdf(data)
    else:
        body["token"] = "YZ2:NOT-A-TOKEN"
        result = verification.verify_token(body["token"])
    response = api(health).post(
        URL, body, format="multipart" if subject == "pdf" else "json"
    )
    assert response.status_code == 201, response.content
    query = VerificationQuery.objects.get(pk=response.json()["query"]["id"])
    expected = {
        "query": EsignQuerySerializer(query).data,
        "result": EsignResultSerializer(result.as_dict()).data,
    }
    assert response.json() == expected
    assert response.json()["result"]["checks"]


_NAMES = ["legal_basis", "purpose", "token", "serial", "check_code", "holder_name"]


@hsettings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*_NAMES, "department", "other"]),
        st.text(max_size=60) | st.integers() | st.none(),
    ),
    st.sampled_from([1, 25, 2000]),
)
def test_a_plain_request_reads_as_the_request_serializer_reads_it(data, long):
    """Issue 15: the view reads a plain JSON request without the serializer; where it
    does, the values are the serializer's, and it leaves every request the serializer
    would refuse to the serializer."""
    from yinzheng.esign.api.verifications import (
        EsignVerificationRequestSerializer,
        plain_request,
    )

    if "purpose" in data and isinstance(data["purpose"], str):
        data["purpose"] += "x" * long
    plain = plain_request(data)
    if plain is None:
        return
    serializer = EsignVerificationRequestSerializer(data=data)
    assert serializer.is_valid(), serializer.errors
    assert plain == dict(serializer.validated_data)
