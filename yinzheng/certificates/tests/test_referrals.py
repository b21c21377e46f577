"""Referral of a case to the responsible department's own queue (一门式, REQ-118).

The clerk refers, from the case screen, a case the committee does not issue to the
department of its county or township; the resident gets the notice with the route,
naming the office; the department — and only that department, over that division —
finds it in its queue (page, API, inbox), acknowledges it and closes it with its answer,
which the committee reads on the case. Every step is journaled.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Department, Role
from yinzheng.catalogue.models import Item
from yinzheng.certificates import selectors, services
from yinzheng.certificates.choices import ReferralStatus, Status
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as f
from yinzheng.ledger.models import Entry

from .factories import request

A1A = "620725101001"
COUNTY, TOWNSHIP = "620725", "620725101"


@pytest.fixture
def health(tree):
    """The county's health officer (卫健), whose grant covers the county."""
    return f.user("weijian", role=Role.DEPARTMENT, at=COUNTY, department="health")


@pytest.fixture
def case(people):
    item = Item.objects.get(key="proof_of_life")
    return request(actor=people.clerk, committee=A1A, item=item, resident_name="王五")


def _refer(people, case, **over):
    values = {
        "department": Department.HEALTH,
        "jurisdiction_code": COUNTY,
        "reason": "该证明应由卫生健康部门出具",
        "note": "请联系申请人",
        **over,
    }
    return services.request_refer(actor=people.clerk, request_id=case.pk, **values)


# The clerk's hand-off --------------------------------------------------------------


def test_the_clerk_refers_a_case_to_the_county_department_REQ_118(people, case):
    referral = _refer(people, case)
    case.refresh_from_db()
    assert case.status == Status.REFUSED  # the committee does not issue it
    assert case.refusal_notice and case.refusal_route  # the resident's notice
    assert referral.status == ReferralStatus.REFERRED
    assert referral.jurisdiction_id == COUNTY
    assert referral.department_name == "卫生健康"  # as the item names it
    assert referral.note == "请联系申请人"
    assert Entry.objects.filter(
        event="certificate_request.referred",
        subject=f"certificates.certificaterequest:{case.pk}",
    ).exists()


def test_the_notice_names_the_office_the_case_went_to_REQ_118(people, case, tmp_path):
    from .test_services import _pdf_text

    _refer(people, case)
    case.refresh_from_db()
    text = _pdf_text(case.refusal_notice, tmp_path)
    assert "本申请已转交" in text and case.refusal_route.split()[0][:6] in text


def test_the_township_may_be_chosen_but_no_other_place_REQ_118(people, case, tree):
    assert _refer(people, case, jurisdiction_code=TOWNSHIP).jurisdiction_id == TOWNSHIP


@pytest.mark.parametrize(
    "over, code",
    [
        ({"jurisdiction_code": "620725102"}, "jurisdiction_invalid"),  # not its own
        ({"jurisdiction_code": "440804"}, "jurisdiction_invalid"),
        ({"jurisdiction_code": ""}, "jurisdiction_invalid"),
        ({"department": "bureau_of_magic"}, "department_invalid"),
        ({"reason": "  "}, "reason_required"),
        ({"note": "x" * 2001}, "text_too_long"),
    ],
)
def test_invalid_referrals_are_refused_with_the_reason_REQ_118(
    people, case, over, code
):
    with pytest.raises(InvalidInput) as err:
        _refer(people, case, **over)
    assert err.value.code == code
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_what_the_committee_issues_is_not_referred_REQ_118(people, catalogue):
    ordinary = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    with pytest.raises(Conflict) as err:
        _refer(people, ordinary)
    assert err.value.code == "not_referable"


def test_only_the_committees_clerk_refers_REQ_118(people, case, health):
    for actor in (people.other_clerk, health):
        with pytest.raises(NotAllowed):
            services.request_refer(
                actor=actor,
                request_id=case.pk,
                department="health",
                jurisdiction_code=COUNTY,
                reason="x",
            )


def test_a_referred_case_is_referred_once_REQ_118(people, case):
    _refer(people, case)
    with pytest.raises(Conflict):
        _refer(people, case)


# The department's queue ------------------------------------------------------------


def test_a_townships_own_office_finds_the_case_referred_to_its_township_REQ_118(
    people, case, tree
):
    """A department's office at the township (清泉派出所, 卫生院…) holds a grant there: a
    case referred to the township is in its queue, one referred to the county is not."""
    station = f.user(
        "qingquan_paichusuo",
        role=Role.DEPARTMENT,
        at=TOWNSHIP,
        department=Department.HEALTH,
    )
    to_township = _refer(people, case, jurisdiction_code=TOWNSHIP)
    assert list(selectors.referral_queue(station)) == [to_township]
    other = request(
        actor=people.clerk, committee=A1A, item=case.item, resident_name="赵六"
    )
    _refer(people, other)  # to the county
    assert list(selectors.referral_queue(station)) == [to_township]
    services.referral_acknowledge(actor=station, referral_id=to_township.pk)


def test_the_case_is_in_the_queue_of_that_department_over_that_division_REQ_118(
    people, case, health, tree
):
    referral = _refer(people, case, jurisdiction_code=TOWNSHIP)
    police = f.user(
        "gongan", role=Role.DEPARTMENT, at=COUNTY, department="public_security"
    )
    elsewhere = f.user(
        "weijian_b", role=Role.DEPARTMENT, at="440804", department="health"
    )
    city = f.user("weijian_shi", role=Role.DEPARTMENT, at="6207", department="health")
    assert list(selectors.referral_queue(health)) == [
        referral
    ]  # county covers township
    assert list(selectors.referral_queue(city)) == [referral]
    assert list(selectors.referral_queue(police)) == []
    assert list(selectors.referral_queue(elsewhere)) == []
    assert list(selectors.referral_queue(people.clerk)) == []


def test_the_department_acknowledges_then_closes_with_its_answer_REQ_118(
    people, case, health
):
    referral = _refer(people, case)
    services.referral_acknowledge(actor=health, referral_id=referral.pk)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACKNOWLEDGED
    assert referral.acknowledged_by == health
    services.referral_close(
        actor=health, referral_id=referral.pk, answer="已为申请人办理，出具死亡医学证明"
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
    assert referral.answer == "已为申请人办理，出具死亡医学证明"
    assert list(selectors.referral_queue(health)) == []
    assert list(selectors.referral_queue(health, open_only=False)) == [referral]
    events = set(
        Entry.objects.filter(
            subject=f"certificates.referral:{referral.pk}"
        ).values_list("event", flat=True)
    )
    assert events == {
        "certificate_referral.acknowledged",
        "certificate_referral.closed",
    }


def test_steps_out_of_order_or_without_an_answer_are_refused_REQ_118(
    people, case, health
):
    referral = _refer(people, case)
    with pytest.raises(Conflict):  # close before acknowledging
        services.referral_close(actor=health, referral_id=referral.pk, answer="已办")
    services.referral_acknowledge(actor=health, referral_id=referral.pk)
    with pytest.raises(Conflict):
        services.referral_acknowledge(actor=health, referral_id=referral.pk)
    with pytest.raises(InvalidInput):
        services.referral_close(actor=health, referral_id=referral.pk, answer=" ")


def test_other_departments_divisions_and_roles_may_not_act_REQ_118(
    people, case, health, tree
):
    referral = _refer(people, case)
    police = f.user(
        "gongan", role=Role.DEPARTMENT, at=COUNTY, department="public_security"
    )
    elsewhere = f.user(
        "weijian_b", role=Role.DEPARTMENT, at="440804", department="health"
    )
    civil = f.user("minzheng_x", role=Role.CIVIL_AFFAIRS, at=COUNTY)
    for actor in (police, elsewhere, civil, people.clerk, people.head):
        with pytest.raises(NotAllowed):
            services.referral_acknowledge(actor=actor, referral_id=referral.pk)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REFERRED


# Pages -------------------------------------------------------------------------------


def test_the_case_screen_refers_and_then_shows_the_departments_answer_REQ_118(
    people, case, health, client
):
    client.force_login(people.clerk)
    done = client.post(
        reverse("certificates:action", args=[case.pk, "refer"]),
        {
            "refer-to_department": "health",
            "refer-jurisdiction": COUNTY,
            "refer-department": "卫生健康",
            "refer-route": "到医疗卫生机构办理",
            "refer-reason": "不属于村（居）委会出具的证明",
            "refer-note": "",
        },
    )
    assert done.status_code == 302
    referral = case.__class__.objects.get(pk=case.pk).referral
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'id="referral"' in page and "已转交，待部门签收" in page
    services.referral_acknowledge(actor=health, referral_id=referral.pk)
    services.referral_close(actor=health, referral_id=referral.pk, answer="已出具证明")
    page = client.get(case.get_absolute_url()).content.decode()
    assert "部门已办结" in page and "已出具证明" in page
    assert 'id="refer"' not in page  # final: nothing more to refer


def test_a_bad_referral_on_the_case_screen_is_shown_on_its_form_REQ_118(
    people, case, client
):
    client.force_login(people.clerk)
    page = client.post(
        reverse("certificates:action", args=[case.pk, "refer"]),
        {
            "refer-to_department": "health",
            "refer-jurisdiction": "620725102",  # another township: not offered
            "refer-reason": "x",
        },
    )
    assert page.status_code == 200
    assert "refer-jurisdiction" in page.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_the_queue_page_acknowledges_and_closes_with_masked_names_REQ_118(
    people, case, health, client
):
    referral = _refer(people, case)
    client.force_login(health)
    page = client.get(reverse("certificates:referral_queue")).content.decode()
    assert "健在证明" in page and "王*" in page and "王五" not in page
    assert reverse("certificates:referral_acknowledge", args=[referral.pk]) in page
    client.post(reverse("certificates:referral_acknowledge", args=[referral.pk]))
    page = client.get(reverse("certificates:referral_queue")).content.decode()
    assert reverse("certificates:referral_close", args=[referral.pk]) in page
    empty = client.post(
        reverse("certificates:referral_close", args=[referral.pk]), {"answer": ""}
    )
    assert empty.status_code == 200  # shown again with the field's error
    client.post(
        reverse("certificates:referral_close", args=[referral.pk]),
        {"answer": "已办理"},
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED and referral.answer == "已办理"
    closed = client.get(reverse("certificates:referral_queue") + "?all=1")
    assert "已办理" in closed.content.decode()


def test_the_queue_is_refused_to_other_roles_and_hidden_from_other_departments_REQ_118(
    people, case, client
):
    referral = _refer(people, case)
    client.force_login(people.clerk)
    assert client.get(reverse("certificates:referral_queue")).status_code == 403
    assert (
        client.post(
            reverse("certificates:referral_acknowledge", args=[referral.pk])
        ).status_code
        == 403
    )
    police = f.user(
        "gongan", role=Role.DEPARTMENT, at=COUNTY, department="public_security"
    )
    client.force_login(police)
    assert (
        client.post(
            reverse("certificates:referral_acknowledge", args=[referral.pk])
        ).status_code
        == 404
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REFERRED


def test_the_department_does_not_read_the_committees_other_work_REQ_118(
    people, case, health, client
):
    _refer(people, case)
    client.force_login(health)
    assert client.get(case.get_absolute_url()).status_code in (403, 404)


def test_the_inbox_shows_the_departments_open_referrals_REQ_118(
    people, case, health, client
):
    _refer(people, case)
    client.force_login(health)
    page = client.get("/").content.decode()
    assert "转交本部门、待签收的证明事项" in page
    assert reverse("certificates:referral_queue") in page


# API ---------------------------------------------------------------------------------


def test_the_api_refers_lists_acknowledges_and_closes_REQ_118(people, case, health):
    api = APIClient()
    api.force_authenticate(people.clerk)
    bad = api.post(
        f"/api/certificates/requests/{case.pk}/refer/",
        {"to_department": "health", "jurisdiction": "440804", "reason": "x"},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "jurisdiction_invalid"
    done = api.post(
        f"/api/certificates/requests/{case.pk}/refer/",
        {"to_department": "health", "jurisdiction": COUNTY, "reason": "不出具"},
        format="json",
    )
    assert done.status_code == 200
    assert done.json()["referral"]["status"] == "referred"
    assert api.get("/api/certificates/referrals/").status_code == 403  # the clerk

    api.force_authenticate(health)
    [row] = api.get("/api/certificates/referrals/").json()["results"]
    assert row["case"]["resident_name"] == "王*" and row["jurisdiction"] == COUNTY
    assert row["allowed_actions"] == ["acknowledge"]
    url = f"/api/certificates/referrals/{row['id']}"
    early = api.post(f"{url}/close/", {"answer": "已办"}, format="json")
    assert early.status_code == 409
    assert api.post(f"{url}/acknowledge/").json()["status"] == "acknowledged"
    empty = api.post(f"{url}/close/", {"answer": ""}, format="json")
    assert empty.status_code == 400
    closed = api.post(f"{url}/close/", {"answer": "已办理"}, format="json")
    assert closed.status_code == 200 and closed.json()["answer"] == "已办理"
    assert api.get("/api/certificates/referrals/").json()["results"] == []
    assert (
        len(api.get("/api/certificates/referrals/", {"all": "1"}).json()["results"])
        == 1
    )

    api.force_authenticate(people.clerk)
    detail = api.get(f"/api/certificates/requests/{case.pk}/").json()
    assert detail["referral"]["answer"] == "已办理"


def test_the_api_hides_a_referral_from_another_department_REQ_118(people, case):
    referral = _refer(people, case)
    police = f.user(
        "gongan", role=Role.DEPARTMENT, at=COUNTY, department="public_security"
    )
    api = APIClient()
    api.force_authenticate(police)
    assert api.get("/api/certificates/referrals/").json()["results"] == []
    response = api.post(f"/api/certificates/referrals/{referral.pk}/acknowledge/")
    assert response.status_code == 404


def test_the_referral_endpoints_are_in_the_schema_REQ_118(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/certificates/referrals/" in paths
    assert "/api/certificates/referrals/{id}/acknowledge/" in paths
    assert "/api/certificates/referrals/{id}/close/" in paths
    assert "/api/certificates/requests/{id}/refer/" in paths


# CLI ---------------------------------------------------------------------------------


def test_the_command_lists_a_departments_open_referrals_REQ_118(people, case, health):
    import json
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    referral = _refer(people, case)
    out = StringIO()
    call_command("referrals", "--department", "health", "--json", stdout=out)
    [row] = json.loads(out.getvalue())
    assert row["id"] == referral.pk and row["resident"] == "王*"
    out = StringIO()
    call_command("referrals", "--department", "public_security", stdout=out)
    assert "0 件" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("referrals", "--department", "bureau_of_magic")
    with pytest.raises(CommandError):
        call_command("referrals", "--under", "999999")


# The resident's status page ----------------------------------------------------------


def test_the_status_page_tells_the_resident_where_the_case_went_REQ_118(
    people, case, health, client
):
    """The resident's own page names the office the case went to and how far it has
    got there; the department's answer (free text, perhaps naming people) stays off
    the public page."""
    referral = _refer(people, case)
    url = reverse("portal:status", args=[case.tracking_code])
    page = client.get(url).content.decode()
    assert 'id="referral"' in page
    assert "卫生健康" in page and referral.jurisdiction.name in page
    assert str(ReferralStatus.REFERRED.label) in page
    services.referral_acknowledge(actor=health, referral_id=referral.pk)
    services.referral_close(
        actor=health, referral_id=referral.pk, answer="已为王五办理，电话 13800000000"
    )
    page = client.get(url).content.decode()
    assert str(ReferralStatus.CLOSED.label) in page
    assert "13800000000" not in page and "王五" not in page  # no personal data
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Referred to" in english
