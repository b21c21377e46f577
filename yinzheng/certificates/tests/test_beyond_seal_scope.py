"""REQ-042: a demand beyond the seal's scope — a certificate carrying legal or economic
liability — reaching intake is refused, and the "report this demand" action is offered,
pre-filled, and feeds the supervision cases (REQ-089)."""

from django.urls import reverse

from yinzheng.accounts import policy
from yinzheng.certificates import services
from yinzheng.certificates.choices import Outcome
from yinzheng.supervision.models import Case

from .factories import request

A1A = "620725101001"


def test_req_042_a_liability_demand_on_a_listed_item_offers_a_prefilled_report(
    people, catalogue, client
):
    req = request(
        actor=people.clerk,
        committee=A1A,
        item=catalogue.simple,
        carries_liability=True,
        requiring_unit="某银行（测试）",
    )
    assert req.outcome == Outcome.REFUSE
    assert policy.allowed_actions(people.clerk, req)["report"]
    client.force_login(people.clerk)
    page = client.get(req.get_absolute_url()).content.decode()
    assert 'id="beyond-scope"' in page
    assert "某银行（测试）" in page and "超出村（居）委会印章使用范围" in page


def test_req_042_the_report_is_recorded_and_opens_a_supervision_case(
    people, catalogue, client
):
    req = request(
        actor=people.clerk,
        committee=A1A,
        item=catalogue.simple,
        carries_liability=True,
        requiring_unit="某银行（测试）",
    )
    client.force_login(people.clerk)
    response = client.post(
        reverse("certificates:action", args=[req.pk, "report"]),
        {
            "report-demanding_organisation": "某银行（测试）",
            "report-note": "要求出具担保性质的证明",
        },
    )
    assert response.status_code == 302
    (report,) = req.demand_reports.all()
    assert report.demanding_organisation == "某银行（测试）"
    assert Case.objects.filter(committee_id=A1A).exists()
    req.refresh_from_db()
    assert not policy.allowed_actions(people.clerk, req)["report"]  # once


def test_req_042_an_ordinary_listed_request_offers_no_report(people, catalogue):
    req = request(
        actor=people.clerk,
        committee=A1A,
        item=catalogue.simple,
        requiring_unit="县民政局",
    )
    assert not policy.allowed_actions(people.clerk, req)["report"]
    services.request_withdraw(actor=people.clerk, request_id=req.pk, reason="测试")
