"""The public verification page for every certificate (issue 14, deliverable 4): a paper
certificate's QR opens it and says 纸质证明; without the QR, the serial and the check
code printed beside it verify the certificate, in two fields or one text; a wrong code
gets the answer of a serial never issued; the serial alone answers nothing; rate-limited
like the token page."""

import pytest
from django.core.cache import cache

from yinzheng.certificates import services as certificates
from yinzheng.certificates.tests import factories as cert_factories
from yinzheng.esign import qr, tokens
from yinzheng.esign.models import SignedDocument

pytestmark = pytest.mark.django_db
NEVER = "620725101001-2026-999999"


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(tree):
    return cert_factories.committee_people(tree)


@pytest.fixture
def paper(tree, staff):
    """A certificate of A1a issued under its physical seal, the normal way."""
    cert_factories.committee_seal(staff, tree["A1a"])
    catalogue = cert_factories.county_catalogue()
    return cert_factories.issued(staff, tree["A1a"], catalogue.simple)


def verdict(html: str) -> str:
    return html.split('data-verdict="', 1)[1].split('"', 1)[0]


def card(html: str) -> str:
    """The verdict card, where the answer is."""
    return html.split('id="verdict"', 1)[1].split("</div>", 1)[0]


def by_code(client, serial: str, code: str, **extra):
    response = client.get("/verify/", {"serial": serial, "code": code}, **extra)
    return response, response.content.decode()


def test_the_paper_token_page_says_paper_and_issued(paper, client):
    doc = SignedDocument.objects.get(serial=paper.serial)
    response = client.get(tokens.url_path(doc.token))
    html = response.content.decode()
    assert verdict(html) == "valid"
    assert "纸质证明" in html and "张*" in html and "张三" not in html


def test_serial_and_the_right_check_code_say_issued(paper, client):
    _r, html = by_code(client, paper.serial, qr.check_code(paper.serial))
    assert verdict(html) == "valid"
    assert paper.serial in html and "纸质证明" in html
    # Nothing personal beyond what the token page shows.
    assert "张*" in html and "张三" not in html and paper.id_number not in html
    # No name check here: that is the token page's, limited per certificate.
    assert 'id="name-check"' not in html


def test_a_wrong_check_code_answers_exactly_like_an_unknown_serial(paper, client):
    _r, wrong = by_code(client, paper.serial, "0000-0000")
    _r, never = by_code(client, NEVER, "0000-0000")
    assert verdict(wrong) == verdict(never) == "unknown"
    assert card(wrong) == card(never)
    assert paper.committee.name not in wrong and "张*" not in wrong


def test_the_serial_alone_answers_nothing(paper, client):
    response = client.get("/verify/", {"serial": paper.serial})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-verdict="' not in html
    assert "请同时填写证明编号和编号旁的核验码" in html


def test_serial_and_code_in_one_text_as_printed(paper, client):
    code = qr.check_code(paper.serial)
    for text in (
        f"{paper.serial} {code}",
        f"编号：{paper.serial}　核验码：{code}",
        f"{paper.serial} {code.lower().replace('-', ' ')}",
    ):
        response = client.get("/verify/", {"t": text})
        assert response.status_code == 200, text
        assert verdict(response.content.decode()) == "valid", text


def test_an_annulled_paper_certificate_says_annulled(paper, staff, client):
    certificates.request_annul(actor=staff.head, request_id=paper.pk, reason="事实有误")
    _r, html = by_code(client, paper.serial, qr.check_code(paper.serial))
    assert verdict(html) == "withdrawn"
    assert "作废" in html


def test_a_token_still_redirects_to_its_page(paper, client):
    doc = SignedDocument.objects.get(serial=paper.serial)
    response = client.get("/verify/", {"t": qr.address(doc.token)})
    assert response.status_code == 302
    assert response["Location"] == tokens.url_path(doc.token)


def test_serial_checks_are_rate_limited_per_address(paper, client, settings, clock_at):
    clock_at(2026, 3, 2, 10)  # one minute's counter, whenever the suite runs
    settings.VERIFY_RATE_PER_MINUTE = 3
    codes = [by_code(client, NEVER, f"0000-000{i}")[0].status_code for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    other = by_code(client, NEVER, "0000-0000", REMOTE_ADDR="10.9.8.7")[0]
    assert other.status_code == 200
