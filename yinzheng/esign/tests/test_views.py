"""The public verification page the QR code opens: no login, the signed token only,
valid / seal revoked / withdrawn / unknown with committee, item, date and masked name,
the holder's name confirmed online against the server's keyed HMAC (the token carries
nothing of it), rate-limited per address and per certificate and journaled (design.md
§3, issue 14)."""

import datetime as dt

import pytest
from django.core.cache import cache

from yinzheng.esign import pki, services, tokens, verification
from yinzheng.esign.choices import RevocationReason
from yinzheng.ledger import audit

from . import factories as f
from .test_token import tampered

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signed(eseal, people):
    doc, _pdf = f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    return doc


def page(client, token: str, REMOTE_ADDR: str = "127.0.0.1", **post):  # noqa: N803
    path = tokens.url_path(token)
    if post:
        response = client.post(path, post, REMOTE_ADDR=REMOTE_ADDR)
    else:
        response = client.get(path, REMOTE_ADDR=REMOTE_ADDR)
    assert response.status_code == 200
    return response, response.content.decode()


def verdict(html: str) -> str:
    return html.split('data-verdict="', 1)[1].split('"', 1)[0]


def test_the_page_shows_a_valid_certificate_without_personal_data(signed, client):
    response, html = page(client, signed.token)
    assert verdict(html) == "valid"
    assert signed.committee.name in html and "居住证明" in html
    assert signed.issue_date.isoformat() in html
    assert "张**" in html and f.HOLDER not in html
    assert signed.serial in html


def test_the_name_typed_by_the_verifier_is_confirmed_or_not(signed, client):
    _r, html = page(client, signed.token, name="张三丰")
    assert "您输入的姓名与证明持有人一致" in html
    _r, html = page(client, signed.token, name="李四")
    assert "不一致" in html and "李四" not in html.split('id="name-result"')[1][:200]


def test_a_tampered_token_is_shown_as_invalid(signed, client):
    _r, html = page(client, tampered(signed.token))
    assert verdict(html) == "invalid"
    assert signed.committee.name not in html


def test_a_serial_cannot_be_looked_up_on_the_page(signed, client):
    """The page takes the signed token only: serials cannot be enumerated."""
    response = client.get(f"/v/{signed.serial}")
    assert verdict(response.content.decode()) == "invalid"
    assert "张**" not in response.content.decode()


def test_a_certificate_sealed_after_the_seal_was_revoked_is_shown_revoked(
    signed, client
):
    pki.revoke(
        signed.seal_key,
        at=signed.signed_at - dt.timedelta(minutes=5),
        reason=RevocationReason.KEY_COMPROMISE,
    )
    _r, html = page(client, signed.token)
    assert verdict(html) == "seal_revoked"


def test_a_withdrawn_certificate_is_shown_withdrawn(signed, client, people):
    services.document_withdraw(actor=people.head, serial=signed.serial, reason="作废")
    _r, html = page(client, signed.token)
    assert verdict(html) == "withdrawn"


def test_a_token_never_sealed_is_shown_unknown(eseal, people, client):
    doc = f.prepared(eseal, clerk=people.clerk)
    _r, html = page(client, doc.token)
    assert verdict(html) == "unknown"
    # Issue 14: nothing not issued shows a date (a draft's showed 出具日期).
    assert "出具日期" not in html
    assert doc.issue_date.strftime("%Y-%m-%d") not in html


def test_the_page_is_rate_limited_per_address(signed, client, settings, clock_at):
    clock_at(2026, 3, 2, 10)  # one minute's counter, whenever the suite runs
    settings.VERIFY_RATE_PER_MINUTE = 3
    path = tokens.url_path(signed.token)
    codes = [client.get(path).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    other = client.get(path, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200


def test_name_checks_are_limited_more_tightly(signed, client, clock_at):
    clock_at(2026, 3, 2, 10)  # one minute's counter, whenever the suite runs
    path = tokens.url_path(signed.token)
    codes = [client.post(path, {"name": f"猜{i}"}).status_code for i in range(12)]
    assert codes.count(429) == 2  # ten a minute


def test_name_checks_are_journaled_without_the_name(signed, client):
    page(client, signed.token, name="张三丰")
    page(client, signed.token, name="李四", REMOTE_ADDR="10.9.8.7")
    checks = [e for e in audit.history(signed) if e.event == "esign.public_name_check"]
    assert [c.after["matches"] for c in checks] == [True, False]
    assert checks[0].actor == "system"
    assert len({c.after["client"] for c in checks}) == 2  # two addresses, keyed
    journaled = repr([c.after for c in checks])
    assert "张三丰" not in journaled and "李四" not in journaled
    assert "10.9.8.7" not in journaled and "127.0.0.1" not in journaled


def test_name_checks_of_one_certificate_are_limited_across_addresses(
    signed, client, clock_at
):
    """Guesses spread over many addresses do not add up: a day's budget per
    certificate, whatever the address."""
    clock_at(2026, 3, 2, 10)
    path = tokens.url_path(signed.token)
    budget = verification.NAME_CHECKS_PER_CERTIFICATE_PER_DAY
    codes = [
        client.post(path, {"name": f"猜{i}"}, REMOTE_ADDR=f"10.0.{i}.1").status_code
        for i in range(budget + 2)
    ]
    assert codes == [200] * budget + [429, 429]
    assert (
        "姓名核对次数已用完" in client.post(path, {"name": "张三丰"}).content.decode()
    )
    assert client.get(path).status_code == 200  # the page itself still opens
    clock_at(2026, 3, 3, 10)
    _r, html = page(client, signed.token, name="张三丰")
    assert "您输入的姓名与证明持有人一致" in html


def test_the_qr_address_opens_the_page_in_upper_and_lower_case(signed, client):
    path = tokens.url_path(signed.token)
    assert path.startswith("/V/YZ2:")
    assert verdict(client.get(path).content.decode()) == "valid"
    lower = "/v/" + path[len("/V/") :]
    assert verdict(client.get(lower).content.decode()) == "valid"


def test_pasting_the_qr_content_opens_the_page(signed, client):
    address = "https://yz.example.cn" + tokens.url_path(signed.token)
    response = client.get("/verify/", {"t": address})
    assert response.status_code == 302
    assert response["Location"] == tokens.url_path(signed.token)
    assert client.get("/verify/").status_code == 200


@pytest.mark.parametrize("text", ["http://[abc", "https://[::1/v/YZ1:ABC"])
def test_an_address_that_cannot_be_parsed_is_an_unreadable_token_not_a_500(
    client, text
):
    """Found in review: urlsplit raises ValueError on such an address, which the page
    did not catch."""
    response = client.get("/verify/", {"t": text})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert verdict(html) == "invalid"
    _r, html = page(client, text)
    assert verdict(html) == "invalid"


def test_the_page_reads_three_rows(signed, client):
    """The kid, the issued record (joined with its seal, chain and register entry),
    the checkpoint: verification stays cheap (benchmarks/README.md). The rate-limit
    counter is not counted: it lives in the shared cache, which is a table of the
    database only where no Redis is configured (settings.CACHES)."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache_table = settings.CACHES["default"].get("LOCATION", "")
    path = tokens.url_path(signed.token)
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    reads = [
        q["sql"]
        for q in queries
        if str(cache_table) not in q["sql"]
        and not q["sql"].startswith(("SAVEPOINT", "ROLLBACK TO", "RELEASE"))
    ]
    assert len(reads) <= 3, reads
