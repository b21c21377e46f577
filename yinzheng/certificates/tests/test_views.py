"""The staff pages of the certificate journey and the public status page: what each role
sees and may do, refusals shown on the form, personal data masked (REQ-016,
REQ-031–049)."""

import datetime as dt

import pytest
from django.urls import reverse

from yinzheng.catalogue.models import Item
from yinzheng.certificates import services
from yinzheng.certificates.choices import Status
from yinzheng.certificates.models import CertificateRequest
from yinzheng.core import tracking

from .factories import id_number, issued, request

A1A = "620725101001"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _post(client, req, op, data=None, **kw):
    payload = {f"{op}-{k}": v for k, v in (data or {}).items()}
    return client.post(reverse("certificates:action", args=[req.pk, op]), payload, **kw)


def test_intake_search_shows_what_the_committees_lists_say_REQ_009_036(
    people, catalogue, as_user
):
    client = as_user(people.clerk)
    page = client.get(reverse("certificates:new"), {"q": "健在证明"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "健在证明" in html and "负面清单：村（居）委会不出具" in html
    page = client.get(reverse("certificates:new"), {"q": "居住证明"})
    assert "列入出具证明事项清单" in page.content.decode()


def test_intake_creates_the_request_and_lands_on_the_decision_screen_REQ_031(
    people, catalogue, as_user
):
    client = as_user(people.clerk)
    url = reverse("certificates:new") + f"?committee={A1A}&item=residence"
    response = client.post(
        url,
        {
            "committee": A1A,
            "resident_name": "张三",
            "id_number": id_number(),
            "phone": "13812345678",
            "item_key": "residence",
            "item_text": "实际居住情况证明",
            "purpose": "办理低保",
            "requiring_unit": "县民政局",
            "facts": "张三在本社区居住",
            "category": "C2",
            "copies": "1",
        },
        follow=True,
    )
    req = CertificateRequest.objects.get()
    assert response.redirect_chain[-1][0] == req.get_absolute_url()
    html = response.content.decode()
    assert req.tracking_code in html
    assert "REQ-031" in html and "REQ-032" in html  # reasons with their REQ ids


def test_a_wrong_id_number_is_shown_on_its_field_and_nothing_is_saved(
    people, catalogue, as_user
):
    client = as_user(people.clerk)
    good = id_number()
    response = client.post(
        reverse("certificates:new"),
        {
            "committee": A1A,
            "resident_name": "张三",
            "id_number": good[:-1] + ("1" if good[-1] != "1" else "2"),
            "phone": "13812345678",
            "item_text": "无房证明",
            "purpose": "贷款",
            "requiring_unit": "某银行",
            "facts": "无房",
            "category": "C2",
            "copies": "1",
        },
    )
    assert response.status_code == 200
    assert "公民身份号码无效" in response.content.decode()
    assert response.context["form"].errors["id_number"]
    assert not CertificateRequest.objects.exists()


def test_id_number_and_phone_are_masked_in_the_list_and_the_detail(
    people, catalogue, as_user
):
    number = id_number()
    req = request(
        actor=people.clerk, committee=A1A, item=catalogue.simple, id_number=number
    )
    client = as_user(people.clerk)
    for url in (reverse("certificates:index"), req.get_absolute_url()):
        html = client.get(url).content.decode()
        assert number not in html and "13812345678" not in html
        assert number[:3] + "*" * 11 + number[-4:] in html
    assert "张*" in client.get(reverse("certificates:index")).content.decode()


def test_three_people_take_a_request_to_issue_through_the_pages(
    people, seal, catalogue, client
):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    client.force_login(people.clerk)
    response = _post(client, req, "verify", {"what": "居住事实", "how": "入户查看"})
    assert response.status_code == 302
    client.force_login(people.head)
    assert _post(client, req, "approve").status_code == 302
    client.force_login(people.custodian)
    page = _post(client, req, "issue", follow=True)
    req.refresh_from_db()
    assert req.status == Status.ISSUED
    html = page.content.decode()
    assert "已盖章出具" in html
    year = req.register_entry.data["data"]["year"]
    confirm = reverse(
        "registers:register_confirm", args=[A1A, year, req.register_entry_id]
    )
    assert confirm in html  # the resident signs the register entry
    pdf = client.get(reverse("certificates:document", args=[req.pk, "certificate"]))
    assert pdf["Content-Type"] == "application/pdf"


def test_a_role_out_of_scope_is_refused_by_the_server(people, seal, catalogue, client):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    client.force_login(people.other_clerk)
    assert client.get(req.get_absolute_url()).status_code == 404
    client.force_login(people.custodian)
    response = _post(client, req, "verify", {"what": "x", "how": "y"})
    assert response.status_code == 403
    page = client.get(req.get_absolute_url()).content.decode()
    assert 'id="verify"' not in page  # not offered either
    client.logout()
    assert client.get(req.get_absolute_url()).status_code == 302  # to the login


def test_negative_item_refused_with_a_printable_notice_REQ_036_049(people, client):
    item = Item.objects.get(key="proof_of_life")
    req = request(actor=people.clerk, committee=A1A, item=item)
    client.force_login(people.clerk)
    page = client.get(req.get_absolute_url()).content.decode()
    assert item.route in page  # the refusal screen with the route
    response = _post(
        client,
        req,
        "refuse",
        {"reason": "负面清单事项", "route": "", "department": ""},
        follow=True,
    )
    req.refresh_from_db()
    assert req.status == Status.REFUSED and req.refusal_route == item.route
    assert "打印不予出具告知书" in response.content.decode()
    pdf = client.get(reverse("certificates:document", args=[req.pk, "notice"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_refusal_without_route_is_shown_on_the_form_not_a_500_REQ_049(people, client):
    req = request(actor=people.clerk, committee=A1A, item_text="无房证明")
    client.force_login(people.clerk)
    response = _post(
        client, req, "refuse", {"reason": "无依据", "route": "", "department": ""}
    )
    assert response.status_code == 200
    assert "请填写办事途径" in response.content.decode()
    req.refresh_from_db()
    assert req.status == Status.RECEIVED


def test_the_exception_form_is_absent_when_the_switch_is_off_REQ_039(people, client):
    req = request(
        actor=people.clerk, committee=A1A, item=Item.objects.get(key="proof_of_life")
    )
    client.force_login(people.clerk)
    assert 'id="exception"' in client.get(req.get_absolute_url()).content.decode()
    services.jurisdiction_setting_set(
        actor=people.civil, division_code="620725", negative_exception_enabled=False
    )
    page = client.get(req.get_absolute_url()).content.decode()
    assert 'id="exception"' not in page and "REQ-039" in page


def test_public_interest_shows_the_consultation_and_waits_for_the_head(
    people, seal, client
):
    req = request(
        actor=people.clerk, committee=A1A, item_text="x", public_interest=True
    )
    client.force_login(people.clerk)
    page = client.get(req.get_absolute_url()).content.decode()
    assert 'id="consultation"' in page and 'id="verify"' not in page
    _post(
        client,
        req,
        "consultation",
        {
            "form": "council",
            "held_on": dt.date.today().isoformat(),
            "participants": "居民代表 12 人",
            "result": "agreed",
        },
    )
    page = client.get(req.get_absolute_url()).content.decode()
    assert 'id="verify"' not in page and "主任签字" in page
    client.force_login(people.head)
    assert _post(client, req, "sign").status_code == 302
    client.force_login(people.clerk)
    assert 'id="verify"' in client.get(req.get_absolute_url()).content.decode()


def test_demand_for_an_unlisted_item_can_be_reported_from_the_page_REQ_016(
    people, client
):
    req = request(
        actor=people.clerk, committee=A1A, item_text="无房证明", requiring_unit="某银行"
    )
    client.force_login(people.clerk)
    page = client.get(req.get_absolute_url()).content.decode()
    assert "REQ-016" in page and 'value="某银行"' in page  # pre-filled
    _post(client, req, "report", {"demanding_organisation": "某银行", "note": ""})
    assert req.demand_reports.count() == 1
    assert "某银行" in client.get(reverse("certificates:reports")).content.decode()


def test_overdue_page_lists_late_requests_for_the_township_REQ_045(
    people, catalogue, client, clock_at
):
    clock_at(2026, 9, 29, 10)
    late = request(actor=people.clerk, committee=A1A, item=catalogue.complex)
    clock_at(2026, 10, 13, 10)
    client.force_login(people.township)
    page = client.get(reverse("certificates:overdue")).content.decode()
    assert f'id="request-{late.pk}"' in page


def test_settings_page_is_for_civil_affairs_only_REQ_039(people, client):
    client.force_login(people.clerk)
    assert client.get(reverse("certificates:settings")).status_code == 403
    client.force_login(people.civil)
    response = client.post(
        reverse("certificates:settings"),
        {"division": "620725", "note": "更严格做法"},
    )
    assert response.status_code == 302
    from yinzheng.certificates import selectors

    assert not selectors.negative_exception_enabled(A1A)


def test_public_status_page_needs_no_login_and_shows_no_personal_data(
    people, seal, catalogue, client
):
    number = id_number()
    req = issued(
        people, A1A, catalogue.simple, id_number=number, resident_name="欧阳娜娜"
    )
    assert tracking.is_readable(req.tracking_code)  # issue 16: read aloud
    page = client.get(reverse("portal:status", args=[req.tracking_code]))
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert "欧***" in html and "欧阳娜娜" not in html
    assert number not in html and number[-4:] not in html and "13812345678" not in html
    assert "已出具" in html and req.committee.name in html
    assert client.get(reverse("portal:status", args=["nope"])).status_code == 404
    found = client.get(reverse("portal:status_lookup"), {"code": req.tracking_code})
    assert found.status_code == 302
    odd = client.get(reverse("portal:status_lookup"), {"code": "a/b?c"})
    assert odd.status_code == 404  # never a 500


def test_refused_status_page_tells_the_resident_where_to_go_REQ_049(people, client):
    item = Item.objects.get(key="proof_of_life")
    req = request(actor=people.clerk, committee=A1A, item=item)
    services.request_refuse(actor=people.clerk, request_id=req.pk, reason="负面清单")
    html = client.get(reverse("portal:status", args=[req.tracking_code])).content
    assert item.route in html.decode()


def test_public_status_page_is_rate_limited(client, db, clock_at):
    clock_at(2026, 3, 2, 10)  # one minute's counter, whenever the suite runs
    url = reverse("portal:status", args=["guessing-codes"])
    codes = [client.get(url).status_code for _ in range(31)]
    assert codes[:30] == [404] * 30 and codes[30] == 429


def test_the_status_page_limit_is_a_setting(client, db, clock_at, settings):
    """YINZHENG_STATUS_RATE (a load test lifts it: every visitor comes through one
    proxy address there)."""
    clock_at(2026, 3, 2, 10)
    settings.STATUS_RATE_PER_MINUTE = 3
    url = reverse("portal:status", args=["guessing-codes"])
    codes = [client.get(url).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_home_inbox_tells_the_head_what_waits_for_approval(
    people, seal, catalogue, client
):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    services.request_verify(actor=people.clerk, request_id=req.pk, what="x", how="y")
    client.force_login(people.head)
    assert "待主任签批的证明" in client.get(reverse("portal:home")).content.decode()


# --- issue 16: words that follow the state and the reader's language -------------------


def in_english(client):
    """The language switch's cookie: pages do not follow Accept-Language."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_closed_requests_reasons_read_in_english(people, catalogue, client):
    """The kept decision stores codes; the page writes the system's reasons in the
    reader's language, not in the Chinese they were stored with."""
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    services.request_refuse(
        actor=people.clerk,
        request_id=req.pk,
        reason="材料不全",
        route="补齐材料后再申请",
        department="本村委会",
    )
    client.force_login(people.clerk)
    page = in_english(client).get(req.get_absolute_url()).content.decode()
    assert "Intake classification:" in page
    assert "受理分类" not in page
    assert "应当依法出具" not in page


def test_one_copy_and_on_the_spot_read_once_and_right_in_english(
    people, seal, catalogue, client
):
    req = issued(people, A1A, catalogue.simple, copies=1)
    assert req.on_the_spot
    client.force_login(people.clerk)
    page = in_english(client).get(req.get_absolute_url()).content.decode()
    assert "1 copies" not in page and "1 copy" in page
    assert page.count("Completed on the spot") == 1


def test_the_certificate_link_is_named_for_the_state_of_the_request(
    people, seal, catalogue, client
):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    services.request_verify(
        actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )
    client.force_login(people.head)
    assert "待签批的证明文件" in client.get(req.get_absolute_url()).content.decode()
    services.request_approve(actor=people.head, request_id=req.pk)
    page = client.get(req.get_absolute_url()).content.decode()
    assert "待签批的证明文件" not in page
    assert "已签批、待盖章的证明文件" in page


def test_the_clerks_home_starts_with_a_new_request_button(people, client):
    client.force_login(people.clerk)
    page = client.get(reverse("portal:home")).content.decode()
    button = page.find(f'href="{reverse("certificates:new")}"')
    assert button != -1 and "新的证明申请" in page
    assert button < page.find("待办事项")
    client.force_login(people.township)
    assert "新的证明申请" not in client.get(reverse("portal:home")).content.decode()
