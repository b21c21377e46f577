"""What a request's page and the API offer (policy.allowed_actions): each person only
the step that is theirs, at their committee, in the state the service accepts."""

from yinzheng.accounts import policy
from yinzheng.certificates import services

from .factories import request

A1A = "620725101001"
CLERK_AT_INTAKE = {"flags", "verify", "refuse", "withdraw", "attach"}


def test_each_person_is_offered_only_the_step_that_is_theirs_now(
    people, seal, catalogue, clock_at
):
    clock_at(2026, 3, 2, 9)
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)

    assert policy.allowed_actions(people.clerk, req) == CLERK_AT_INTAKE
    assert "approve" not in policy.allowed_actions(people.head, req)
    assert not policy.allowed_actions(people.custodian, req)
    assert not policy.allowed_actions(people.other_clerk, req)  # the sibling committee
    assert not policy.allowed_actions(people.township, req)  # reads, does not handle

    req = services.request_verify(
        actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )
    assert policy.allowed_actions(people.clerk, req) == {"refuse", "withdraw", "attach"}
    assert "approve" in policy.allowed_actions(people.head, req)
    assert not policy.allowed_actions(people.custodian, req)

    req = services.request_approve(actor=people.head, request_id=req.pk)
    assert policy.allowed_actions(people.custodian, req) == {"issue"}
    assert "approve" not in policy.allowed_actions(people.head, req)

    req = services.request_issue(actor=people.custodian, request_id=req.pk)
    assert policy.allowed_actions(people.head, req) == {"annul"}
    assert not policy.allowed_actions(people.clerk, req)
    assert not policy.allowed_actions(people.custodian, req)


def test_the_api_answers_with_the_actions_the_page_offers(
    people, seal, catalogue, client
):
    from rest_framework.test import APIClient

    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    api = APIClient()
    api.force_authenticate(people.clerk)
    body = api.get(f"/api/certificates/requests/{req.pk}/").json()
    assert set(body["allowed_actions"]) == CLERK_AT_INTAKE
    api.force_authenticate(people.head)
    body = api.get(f"/api/certificates/requests/{req.pk}/").json()
    assert (
        "verify" in body["allowed_actions"] and "approve" not in body["allowed_actions"]
    )
