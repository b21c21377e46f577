"""One case screen (一门式, REQ-118): from the request page the intake lands on, staff
reach every outcome without switching modules — issue (verify, approve, seal), refuse
with the route, the negative-list exception, the commitment, the Party transfer and the
referral to the responsible department. Each test proves one outcome is on that screen
and that its form posts back to the same case.
"""

import re

from django.urls import reverse

from yinzheng.catalogue.models import Item
from yinzheng.certificates import services

from .factories import commitment_item, request

A1A = "620725101001"


def _screen(client, user, req) -> str:
    client.force_login(user)
    response = client.get(req.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _offers(html: str, req, op: str) -> bool:
    """The screen holds the outcome's section and its form posts to this case."""
    action = reverse("certificates:action", args=[req.pk, op])
    return f'id="{op}"' in html and f'action="{action}"' in html


def test_the_intake_lands_on_the_case_screen_REQ_118(people, catalogue, client):
    client.force_login(people.clerk)
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    assert req.get_absolute_url() == reverse("certificates:detail", args=[req.pk])


def test_issue_is_reached_from_the_case_screen_REQ_118(people, catalogue, seal, client):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    assert _offers(_screen(client, people.clerk, req), req, "verify")
    services.request_verify(
        actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )
    assert _offers(_screen(client, people.head, req), req, "approve")
    services.request_approve(actor=people.head, request_id=req.pk)
    assert _offers(_screen(client, people.custodian, req), req, "issue")


def test_refusal_with_the_route_is_reached_from_the_case_screen_REQ_118(people, client):
    item = Item.objects.get(key="proof_of_life")
    req = request(actor=people.clerk, committee=A1A, item=item)
    html = _screen(client, people.clerk, req)
    assert _offers(html, req, "refuse")
    assert item.route in html  # the route is prefilled on the notice


def test_the_exception_is_reached_from_the_case_screen_REQ_118(people, client):
    req = request(
        actor=people.clerk, committee=A1A, item=Item.objects.get(key="proof_of_life")
    )
    assert _offers(_screen(client, people.clerk, req), req, "exception")


def test_the_commitment_is_reached_from_the_case_screen_REQ_118(
    people, catalogue, client
):
    req = request(actor=people.clerk, committee=A1A, item=commitment_item())
    assert _offers(_screen(client, people.clerk, req), req, "commitment")


def test_the_party_transfer_is_reached_from_the_case_screen_REQ_118(people, client):
    req = request(
        actor=people.clerk,
        committee=A1A,
        item_text="党员组织关系证明",
        party_related=True,
    )
    html = _screen(client, people.clerk, req)
    assert _offers(html, req, "transfer")
    assert not _offers(html, req, "verify")  # no committee seal (REQ-043)


def test_the_department_referral_is_the_refusal_naming_the_department_REQ_118(
    people, client
):
    """The referral that exists: the refusal notice names the responsible department
    (prefilled from the item), printed for the resident."""
    item = Item.objects.get(key="proof_of_life")
    req = request(actor=people.clerk, committee=A1A, item=item)
    html = _screen(client, people.clerk, req)
    field = re.search(r'name="refuse-department"[^>]*value="([^"]*)"', html)
    assert field is not None
    assert field.group(1) == "、".join(item.responsible_departments)


def test_a_case_can_be_handed_to_the_responsible_department_REQ_118(people, client):
    """The hand-off to the department's own queue (test_referrals.py), prefilled with
    the department the item names and the committee's county."""
    item = Item.objects.get(key="proof_of_life")
    req = request(actor=people.clerk, committee=A1A, item=item)
    html = _screen(client, people.clerk, req)
    assert _offers(html, req, "refer")
    chosen = re.search(
        r'<select name="refer-to_department"[^>]*>.*?<option value="([^"]+)" selected',
        html,
        re.S,
    )
    assert chosen is not None and chosen.group(1) == "health"
    assert '<option value="620725" selected>' in html
