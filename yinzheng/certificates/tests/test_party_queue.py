"""Party matters go to the Party organisation's queue (REQ-043).

A request about a Party organisation or Party member is transferred without a seal
(test_services.py); here the community (village) Party organisation finds it in its own
queue — page and API — and records that it handled it. The Party organisation sees only
the matters transferred to it, in its own committee, with personal data masked.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from yinzheng.accounts.choices import Role
from yinzheng.certificates import selectors, services
from yinzheng.certificates.choices import Status
from yinzheng.core.errors import Conflict, InvalidInput, NotAllowed
from yinzheng.core.tests import factories as f
from yinzheng.ledger.models import Entry

from .factories import request

A1A = "620725101001"


@pytest.fixture
def party(tree):
    return f.user("dangzhibu", role=Role.PARTY, at=tree["A1a"])


@pytest.fixture
def transferred(people):
    req = request(
        actor=people.clerk,
        committee=A1A,
        item_text="党员组织关系证明",
        party_related=True,
        resident_name="李四",
    )
    return services.request_transfer(actor=people.clerk, request_id=req.pk)


def test_a_transferred_matter_is_in_the_party_queue_REQ_043(party, transferred):
    assert list(selectors.party_queue(party)) == [transferred]


def test_the_party_organisation_records_it_handled_the_matter_REQ_043(
    party, transferred
):
    services.party_case_close(
        actor=party, request_id=transferred.pk, note="已由党支部出具组织关系证明"
    )
    transferred.refresh_from_db()
    assert transferred.status == Status.TRANSFERRED  # no committee seal, ever
    assert transferred.partycaserecord.note == "已由党支部出具组织关系证明"
    assert list(selectors.party_queue(party)) == []
    assert Entry.objects.filter(event="certificate_request.party_closed").exists()
    with pytest.raises(Conflict):
        services.party_case_close(actor=party, request_id=transferred.pk, note="再次")


def test_a_note_is_required_REQ_043(party, transferred):
    with pytest.raises(InvalidInput):
        services.party_case_close(actor=party, request_id=transferred.pk, note=" ")


def test_only_the_party_organisation_of_the_committee_handles_it_REQ_043(
    people, tree, transferred
):
    other = f.user("dangzhibu_b", role=Role.PARTY, at=tree["A1b"])
    assert list(selectors.party_queue(other)) == []
    for actor in (other, people.clerk):
        with pytest.raises(NotAllowed):
            services.party_case_close(actor=actor, request_id=transferred.pk, note="x")


def test_the_party_organisation_does_not_read_other_certificate_work_REQ_043(
    people, catalogue, party, client
):
    ordinary = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    assert list(selectors.party_queue(party)) == []
    client.force_login(party)
    assert client.get(ordinary.get_absolute_url()).status_code in (403, 404)


def test_the_queue_page_lists_and_closes_with_masked_names_REQ_043(
    party, transferred, client
):
    client.force_login(party)
    page = client.get(reverse("certificates:party_queue")).content.decode()
    assert "党员组织关系证明" in page and "李*" in page and "李四" not in page
    done = client.post(
        reverse("certificates:party_close", args=[transferred.pk]),
        {"note": "已办理"},
        follow=True,
    )
    assert done.status_code == 200
    transferred.refresh_from_db()
    assert transferred.partycaserecord.note == "已办理"


def test_the_queue_page_is_refused_to_the_clerk_REQ_043(people, client):
    client.force_login(people.clerk)
    assert client.get(reverse("certificates:party_queue")).status_code == 403


def test_the_api_lists_and_closes_REQ_043(party, transferred, people):
    api = APIClient()
    api.force_authenticate(party)
    [row] = api.get("/api/certificates/party-cases/").json()["results"]
    assert row["id"] == transferred.pk and row["resident_name"] == "李*"
    done = api.post(
        f"/api/certificates/party-cases/{transferred.pk}/close/",
        {"note": "已办理"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["party_note"] == "已办理"
    api.force_authenticate(people.clerk)
    assert api.get("/api/certificates/party-cases/").status_code == 403


def test_the_home_page_shows_the_queue_to_the_party_organisation_REQ_043(
    party, transferred, client
):
    client.force_login(party)
    page = client.get("/").content.decode()
    assert reverse("certificates:party_queue") in page
    assert "转交党组织、待办理的涉党证明事项" in page


def test_the_demo_party_matter_waits_for_the_demo_party_organisation_REQ_043(db):
    from yinzheng.accounts.models import User
    from yinzheng.demo.loader import load_demo

    load_demo()
    party = User.objects.get(username="dangzhibu")
    assert [r.item_name for r in selectors.party_queue(party)] == [
        "（示例）党员组织关系证明"
    ]
