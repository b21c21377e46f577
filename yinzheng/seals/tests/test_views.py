"""Seal pages: who sees what (a township never sees another township's seals), one
journey through issue → custodian → activation → take-out → handover, refusals shown on
the page and forbidden actions refused by the server."""

import datetime as dt

import pytest
from django.utils import timezone

from yinzheng.accounts.choices import Department, Role
from yinzheng.core import clock
from yinzheng.core.errors import Conflict
from yinzheng.core.tests import factories as f
from yinzheng.seals import selectors, services
from yinzheng.seals.choices import SealForm, SealStatus
from yinzheng.seals.models import Handover, Seal, TakeOut

from . import factories


@pytest.fixture
def other_seal(people, tree):
    """A seal of committee A2a, in the other township."""
    head = f.user("head-a2a", role=Role.HEAD, at=tree["A2a"])
    keeper = f.user("yz-a2a", role=Role.CUSTODIAN, at=tree["A2a"])
    return factories.in_use(
        officer=people.other_township,
        head=head,
        custodian=keeper,
        committee=tree["A2a"],
    )


def test_a_township_sees_only_its_own_committees_seals(
    client, people, seal, other_seal
):
    client.force_login(people.township)
    page = client.get("/seals/").content.decode()
    assert seal.serial in page and other_seal.serial not in page
    assert client.get(f"/seals/{seal.pk}/").status_code == 200
    assert client.get(f"/seals/{other_seal.pk}/").status_code == 404
    assert (
        client.get(f"/seals/committees/{other_seal.committee_id}/").status_code == 404
    )
    client.force_login(people.other_township)
    assert client.get(f"/seals/{seal.pk}/").status_code == 404
    assert seal.serial not in client.get("/seals/").content.decode()


def test_committee_staff_see_their_seals_and_departments_nothing(
    client, people, seal, other_seal, tree
):
    client.force_login(people.clerk)
    assert client.get(f"/seals/{seal.pk}/").status_code == 200
    assert client.get(f"/seals/{other_seal.pk}/").status_code == 404
    department = f.user(
        "dept", role=Role.DEPARTMENT, at="620725", department=Department.HEALTH
    )
    client.force_login(department)
    assert client.get("/seals/").status_code == 403
    assert client.get(f"/seals/{seal.pk}/").status_code == 403


def test_anonymous_users_are_sent_to_login(client, seal):
    response = client.get(f"/seals/{seal.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_township_issues_a_seal_on_the_page(client, people, tree):
    client.force_login(people.township)
    form = client.get("/seals/issue/").content.decode()
    assert tree["A1a"] in form and tree["A2a"] not in form
    data = {
        "committee": tree["A1a"],
        "issuer": "620725101",
        "form": "physical",
        "serial": "P-001",
        "imprint": "测试村民委员会",
        "storage_location": "办公室保密柜",
        "issued_on": "2024-03-01",
    }
    response = client.post("/seals/issue/", data)
    seal = Seal.objects.get(serial="P-001")
    assert response.status_code == 302 and response["Location"] == f"/seals/{seal.pk}/"


def test_a_refused_issue_is_shown_on_the_form(client, people, tree):
    """REQ-060 / REQ-065 refusals come back as messages on the form, never a 500."""
    client.force_login(people.township)
    data = {
        "committee": tree["A1a"],
        "issuer": "620725101",
        "form": "physical",
        "serial": "P-002",
        "imprint": "测试村民委员会",
        "storage_location": "",
        "issued_on": "2024-03-01",
    }
    response = client.post("/seals/issue/", data)
    assert response.status_code == 200
    assert "请填写印章的固定存放地点" in response.content.decode()
    assert not Seal.objects.exists()


def test_committee_staff_cannot_issue_or_activate(client, people, tree):
    seal = factories.issued(officer=people.township, committee=tree["A1a"])
    services.custody_appoint(
        actor=people.head, seal_id=seal.pk, custodian_id=people.custodian.pk
    )
    client.force_login(people.head)
    assert client.get("/seals/issue/").status_code == 403
    assert client.post(f"/seals/{seal.pk}/activate/").status_code == 403
    seal.refresh_from_db()
    assert seal.status == SealStatus.ISSUED


def test_the_head_appoints_and_the_page_refuses_the_head_as_custodian(
    client, people, tree
):
    seal = factories.issued(officer=people.township, committee=tree["A1a"])
    client.force_login(people.head)
    page = client.get(f"/seals/{seal.pk}/").content.decode()
    assert "委托印章管理人" in page
    response = client.post(
        f"/seals/{seal.pk}/custodian/", {"custodian-custodian": people.custodian.pk}
    )
    assert response.status_code == 302
    assert selectors.current_custodian(seal) == people.custodian
    client.force_login(people.clerk)
    assert (
        client.post(
            f"/seals/{seal.pk}/custodian/",
            {"custodian-custodian": people.custodian2.pk},
        ).status_code
        == 403
    )


def test_a_takeout_journey_shows_the_seal_out(client, people, seal):
    client.force_login(people.custodian)
    due = timezone.localtime(clock.now() + dt.timedelta(hours=3))
    due = due.strftime("%Y-%m-%dT%H:%M")
    client.post(
        f"/seals/{seal.pk}/takeout/",
        {"takeout-purpose": "入户核实", "takeout-due_back_at": due},
    )
    takeout = TakeOut.objects.get()
    # Leaving before approval is refused with its message.
    response = client.post(f"/seals/takeouts/{takeout.pk}/leave/", follow=True)
    assert "未经主任批准" in response.content.decode()
    assert client.post(f"/seals/takeouts/{takeout.pk}/approve/").status_code == 403
    client.force_login(people.head)
    client.post(f"/seals/takeouts/{takeout.pk}/approve/")
    client.force_login(people.custodian)
    client.post(f"/seals/takeouts/{takeout.pk}/leave/")
    page = client.get(f"/seals/{seal.pk}/").content.decode()
    assert "带离办公室" in page and "入户核实" in page
    assert people.head.display_name in page
    client.post(f"/seals/takeouts/{takeout.pk}/return/")
    assert selectors.usable(seal)


def test_a_handover_journey_on_the_pages(client, people, seal, tree):
    client.force_login(people.head)
    page = client.get(f"/seals/committees/{tree['A1a']}/").content.decode()
    assert "发起印章移交" in page
    response = client.post(
        f"/seals/committees/{tree['A1a']}/handover/",
        {
            "handover-trigger": "term_election",
            "handover-trigger_date": clock.today().isoformat(),
            "handover-outgoing": people.custodian.pk,
            "handover-incoming": people.custodian2.pk,
            "handover-extra_items": "钥匙",
        },
    )
    handover = Handover.objects.get()
    assert response["Location"] == f"/seals/handovers/{handover.pk}/"
    client.force_login(people.custodian)
    for item in handover.items.all():
        client.post(f"/seals/handovers/{handover.pk}/check/", {"item": item.pk})
    client.post(
        f"/seals/handovers/{handover.pk}/confirm/", {"confirm-side": "outgoing"}
    )
    client.force_login(people.custodian2)
    client.post(
        f"/seals/handovers/{handover.pk}/confirm/", {"confirm-side": "incoming"}
    )
    handover.refresh_from_db()
    assert handover.status == "completed"
    assert selectors.current_custodian(seal) == people.custodian2
    client.force_login(people.township)
    assert client.get(f"/seals/handovers/{handover.pk}/").status_code == 200
    client.force_login(people.other_township)
    assert client.get(f"/seals/handovers/{handover.pk}/").status_code == 404


def test_the_township_queue_shows_loss_reports_and_reissues(client, people, seal):
    report = services.seal_report_loss(
        actor=people.custodian,
        seal_id=seal.pk,
        lost_on=dt.date(2024, 5, 1),
        circumstances="遗失",
    )
    client.force_login(people.township)
    page = client.get("/seals/").content.decode()
    assert f"/seals/loss-reports/{report.pk}/reissue/" in page
    response = client.post(
        f"/seals/loss-reports/{report.pk}/reissue/",
        {
            "serial": "R-9",
            "imprint": seal.imprint,
            "form": "physical",
            "storage_location": "保密柜",
            "issued_on": "2024-05-02",
        },
    )
    new = Seal.objects.get(serial="R-9")
    assert response["Location"] == f"/seals/{new.pk}/" and new.replaces == seal
    client.force_login(people.other_township)
    assert client.get(f"/seals/loss-reports/{report.pk}/reissue/").status_code == 404


def test_a_short_staffed_committee_is_warned_on_the_page(client, people, tree):
    alone = f.user("alone", role=Role.HEAD, at=tree["A1b"])
    client.force_login(alone)
    page = client.get(f"/seals/committees/{tree['A1b']}/").content.decode()
    assert "在岗人员少于两人" in page


@pytest.mark.parametrize("odd", ["²", "9" * 5000])
def test_an_odd_number_in_an_id_parameter_is_ignored_not_a_500(
    client, people, seal, tree, odd
):
    """Found in review: str.isdigit() accepts "²" and 5000 digits, int() does not."""
    client.force_login(people.township)
    assert client.get("/seals/issue/", {"replaces": odd}).status_code == 200
    handover = services.handover_open(
        actor=people.head,
        committee_code=tree["A1a"],
        trigger="custodian_change",
        trigger_date=clock.today(),
        outgoing_id=people.custodian.pk,
        incoming_id=people.custodian2.pk,
    )
    client.force_login(people.head)
    response = client.post(f"/seals/handovers/{handover.pk}/check/", {"item": odd})
    assert response.status_code == 404
    assert not handover.items.filter(checked=True).exists()


def test_an_electronic_seal_offers_no_take_out_and_names_its_history(
    client, people, tree
):
    """Issue 16: an electronic seal is never carried out of the office, so no 申请带离
    on its page and the server refuses one; its history names the certificate of its
    key in words, not esign.seal_certificate_issued."""
    seal = factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=tree["A1a"],
        form=SealForm.ELECTRONIC,
    )
    client.force_login(people.custodian)
    page = client.get(f"/seals/{seal.pk}/").content.decode()
    assert "申请带离办公室" not in page
    assert "esign.seal_certificate_issued" not in page
    assert "签发电子印章数字证书" in page
    due = timezone.localtime(clock.now() + dt.timedelta(hours=3))
    with pytest.raises(Conflict) as refused:
        services.takeout_request(
            actor=people.custodian,
            seal_id=seal.pk,
            purpose="入户核实",
            due_back_at=due,
        )
    assert refused.value.code == "electronic_not_carried"
    assert not TakeOut.objects.exists()


def test_many_short_staffed_committees_are_one_line_with_a_link(client, people, tree):
    """Issue 16: the county's seal page said 127 names; now one line with the real
    number and a link to the list."""
    from django.urls import reverse

    for n in range(2, 8):
        f.division(f"620725102{n:03d}")
    client.force_login(people.civil)
    page = client.get("/seals/").content.decode()
    staffing = page[page.index('id="staffing"') :]
    staffing = staffing[: staffing.index("</div>")]
    committees = selectors.committees_short_staffed(people.civil).count()
    assert committees > 3
    assert f"{committees} 个村（居）委会在岗人员少于两人" in staffing
    assert reverse("divisions:staffing") in staffing
    assert "/seals/committees/" not in staffing  # no name-by-name list
