"""The public report of an unreasonable certificate demand and its status page
(REQ-087, REQ-088): no login, a tracking number, no contact details shown, rate-limited,
never a 500."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from yinzheng.catalogue.models import Item
from yinzheng.core import ratelimit
from yinzheng.core.actors import SYSTEM
from yinzheng.core.tests import factories
from yinzheng.divisions.models import Division
from yinzheng.supervision import services
from yinzheng.supervision.choices import CaseStatus, Channel, ResponseStatus
from yinzheng.supervision.models import Case

pytestmark = pytest.mark.django_db

COUNTY = "620725"
HOTLINE = "0936-6121532"
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sunan(tree):
    Division.objects.filter(code=COUNTY).update(name="肃南裕固族自治县")
    services.settings_update(
        actor=SYSTEM,
        county_code=COUNTY,
        values={"hotline": HOTLINE, "hotline_hours": "工作日 8:30—18:00"},
    )
    return tree


def report_data(tree, **changes):
    data = {
        "county": COUNTY,
        "committee": tree["A1a"],
        "demanding_unit": "某某银行肃南支行",
        "unit_kind": "service_agency",
        "item_key": "",
        "item_text": "无债务证明",
        "account": "办理贷款时，银行要求到村委会开具无债务证明。",
        "demanded_on": "",
        "reporter_type": "resident",
        "contact_name": "张秀英",
        "contact_phone": PHONE,
    }
    data.update(changes)
    return data


def test_report_page_shows_the_county_hotline_REQ_087(client, sunan):
    page = client.get(reverse("portal:report"), {"county": COUNTY})
    html = page.content.decode()
    assert page.status_code == 200
    assert HOTLINE in html and 'id="hotline"' in html
    assert "肃南裕固族自治县" in html
    # Two counties have committees: the choice lists both, with the hotline.
    listing = client.get(reverse("portal:report")).content.decode()
    assert 'id="hotlines"' in listing and HOTLINE in listing and "440804" in listing


def test_anonymous_report_gets_a_tracking_number_and_a_status_page_REQ_087(
    client, sunan
):
    url = reverse("portal:report") + f"?county={COUNTY}"
    answer = client.post(url, report_data(sunan))
    case = Case.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse(
        "portal:report_status", args=[case.tracking_no]
    )
    assert case.channel == Channel.ONLINE and case.committee_id == sunan["A1a"]
    assert case.contact_phone == PHONE  # kept for the staff

    page = client.get(answer["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store" and page["X-Robots-Tag"] == "noindex"
    assert case.tracking_no in html and "请抄写或拍照保存" in html
    assert str(CaseStatus.REGISTERED.label) in html
    assert "某某银行肃南支行" in html and "无债务证明" in html
    assert PHONE not in html and "张秀英" not in html
    assert case.step_due_on.isoformat() in html  # the current step's deadline


def test_status_page_shows_the_steps_done_and_never_the_staff(client, sunan):
    officer = factories.user("民政王科长", role="civil_affairs", at=COUNTY)
    case = services.case_report_public(
        county_code=COUNTY,
        demanding_unit="县供电公司",
        unit_kind="utility",
        item_text="用电证明",
        account="办理过户时被要求开具。",
        contact_phone=PHONE,
    )
    today = dt.date.today()
    services.case_verify(case_id=case.pk, actor=officer, founded=True, note="属实")
    services.case_notify(
        case_id=case.pk,
        actor=officer,
        exposed_on=today,
        exposure_platform="肃南县融媒体中心",
        exposure_reason="典型案例",
    )
    services.case_feedback(
        case_id=case.pk,
        actor=officer,
        recipient="县发改局",
        sent_on=today,
        text="请整改",
    )
    services.case_response(
        case_id=case.pk,
        actor=officer,
        status=ResponseStatus.IN_PROGRESS,
        text="正在整改",
        on=today,
    )
    html = client.get(reverse("portal:report_status", args=[case.tracking_no]))
    html = html.content.decode()
    assert "核实属实" in html and "公开曝光" in html and "肃南县融媒体中心" in html
    assert "反馈有关主管部门" in html and str(ResponseStatus.IN_PROGRESS.label) in html
    assert str(CaseStatus.RESPONDED.label) in html
    assert "民政王科长" not in html and PHONE not in html
    assert "请整改" not in html and "属实" in html  # steps, not the staff's notes


def test_invalid_report_shows_the_errors_and_saves_nothing(client, sunan):
    url = reverse("portal:report") + f"?county={COUNTY}"

    def post(data):
        ratelimit.clear()  # more tries than an address may make in a minute
        return client.post(url, data)

    blank = post(report_data(sunan, demanding_unit="", account="x" * 2001))
    assert blank.status_code == 200
    errors = blank.context["form"].errors
    assert "demanding_unit" in errors and "account" in errors
    nul = post(report_data(sunan, account="经过\x00"))
    assert "account" in nul.context["form"].errors
    # The service's refusals land on their fields, never a 500.
    phone = post(report_data(sunan, contact_phone="call me maybe"))
    assert "contact_phone" in phone.context["form"].errors
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    late = post(report_data(sunan, demanded_on=future))
    assert "demanded_on" in late.context["form"].errors
    ghost = post(report_data(sunan, item_key="no-such-item"))
    assert ghost.status_code == 200 and "item_text" in ghost.context["form"].errors
    elsewhere = post(report_data(sunan, committee=sunan["B1a"]))
    assert "committee" in elsewhere.context["form"].errors
    assert not Case.objects.exists()


def test_reports_are_rate_limited_per_address(client, sunan, clock_at):
    clock_at(2026, 3, 2, 10)  # one minute's counter, whenever the suite runs
    url = reverse("portal:report") + f"?county={COUNTY}"
    codes = [client.post(url, report_data(sunan)).status_code for _ in range(6)]
    assert codes == [302] * 5 + [429]
    assert Case.objects.count() == 5


def test_status_lookups_are_rate_limited(client, db, clock_at):
    clock_at(2026, 3, 2, 10)  # one minute's counter, whenever the suite runs
    url = reverse("portal:report_status", args=["K7QM-3XHD-9PWA"])
    codes = [client.get(url).status_code for _ in range(31)]
    assert codes[:30] == [404] * 30 and codes[30] == 429


def test_lookup_normalises_what_was_typed(client, sunan):
    case = services.case_report_public(
        county_code=COUNTY, demanding_unit="某单位", item_text="某证明", account="经过"
    )
    typed = case.tracking_no.replace("-", "").lower()
    found = client.get(reverse("portal:report_lookup"), {"number": f" {typed} "})
    assert found.status_code == 302
    assert found["Location"] == reverse("portal:report_status", args=[case.tracking_no])
    direct = client.get(reverse("portal:report_status", args=[typed]))
    assert direct.status_code == 302 and direct["Location"] == found["Location"]
    blank = client.get(reverse("portal:report_lookup"))
    assert blank.status_code == 200 and blank["X-Robots-Tag"] == "noindex"


def test_unknown_numbers_are_not_found(client, db):
    unknown = client.get(reverse("portal:report_status", args=["K7QM-3XHD-9PWA"]))
    assert unknown.status_code == 404 and unknown["Cache-Control"] == "no-store"
    assert "没有找到该受理编号" in unknown.content.decode()
    assert client.get(reverse("portal:report_status", args=["nope"])).status_code == 404
    odd = client.get(reverse("portal:report_lookup"), {"number": "a/b?c<script>"})
    assert odd.status_code == 404  # never a 500


def test_home_page_links_the_report_and_shows_the_hotline(client, sunan):
    client.force_login(factories.user("clerk", role="clerk", at=sunan["A1a"]))
    html = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:report") in html and HOTLINE in html


def test_the_demanded_certificate_is_found_with_the_catalogue_lookup(client, sunan):
    item = Item.objects.get(key="proof_of_life")
    url = reverse("portal:report")
    found = client.get(url, {"county": COUNTY, "q": "证明我还活着"})
    assert found.status_code == 200 and item.name in found.content.decode()
    chosen = client.get(url, {"county": COUNTY, "item": item.key})
    assert chosen.context["form"]["item_text"].value() == item.name
    answer = client.post(
        url + f"?county={COUNTY}&item={item.key}",
        report_data(sunan, item_key=item.key, item_text=item.name),
    )
    assert answer.status_code == 302 and Case.objects.get().item == item
