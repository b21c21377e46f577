"""The cached verdicts (issue 15, esign/verdicts.py): a verdict on an issued
certificate is judged once and served from the cache, and whatever changes it — a
withdrawal, a revocation anywhere in the chain, the token's expiry — shows at once."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yinzheng.core import clock
from yinzheng.esign import keys, pki, qr, services, tokens, verdicts, verification
from yinzheng.esign.choices import RevocationReason, Verdict
from yinzheng.esign.models import KeyPair

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def doc(eseal, people):
    issued, _pdf = f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    return issued


def kept(token: str):
    return cache.get(verdicts.key(tokens.from_text(token)))


def test_an_issued_certificate_is_judged_once_then_read_from_the_cache(doc):
    first = verification.verify_token(doc.token)
    assert first.verdict == Verdict.VALID and kept(doc.token) is not None
    with CaptureQueriesContext(connection) as queries:
        again = verification.verify_token(doc.token)
    assert again.verdict == Verdict.VALID
    assert [c.as_dict() for c in again.checks] == [c.as_dict() for c in first.checks]
    assert again.public() == first.public()
    # The database cache answers with one query; Redis with none.
    assert len(queries) <= 1


def test_the_address_in_the_qr_code_and_the_bare_token_share_one_entry(doc):
    verification.verify_token(qr.address(doc.token))
    assert kept(doc.token) is not None


def test_a_withdrawal_shows_at_once(doc, people):
    assert verification.verify_token(doc.token).verdict == Verdict.VALID
    services.document_withdraw(actor=people.head, serial=doc.serial, reason="事实有误")
    assert verification.verify_token(doc.token).verdict == Verdict.WITHDRAWN


def test_a_revocation_dated_before_the_sealing_shows_at_once(doc):
    assert verification.verify_token(doc.token).verdict == Verdict.VALID
    pki.revoke(
        KeyPair.objects.get(pk=doc.seal_key_id),
        at=doc.signed_at - dt.timedelta(minutes=5),
        reason=RevocationReason.KEY_COMPROMISE,
    )
    assert verification.verify_token(doc.token).verdict == Verdict.SEAL_REVOKED


def test_revoking_the_township_authority_shows_on_every_certificate_under_it(doc):
    verification.verify_token(doc.token)
    authority = KeyPair.objects.get(pk=doc.seal_key.issuer_id)
    pki.revoke(
        authority,
        at=doc.signed_at - dt.timedelta(minutes=5),
        reason=RevocationReason.KEY_COMPROMISE,
    )
    assert verification.verify_token(doc.token).verdict == Verdict.SEAL_REVOKED


def test_a_later_revocation_is_shown_beside_the_valid_verdict_at_once(doc):
    verification.verify_token(doc.token)
    key = KeyPair.objects.get(pk=doc.seal_key_id)
    pki.revoke(key, at=clock.now(), reason=RevocationReason.CESSATION)
    result = verification.verify_token(doc.token)
    assert result.verdict == Verdict.VALID and result.revoked_at is not None


def test_a_certificate_past_its_exp_is_never_served_valid_from_the_cache(doc, clock_at):
    """The entry remembers the token's exp: moving past it judges afresh."""
    now = clock_at(2026, 12, 1, 9)
    expires = now + dt.timedelta(days=2)
    token = tokens.encode(
        tokens.new_claims_v2(
            serial=doc.serial,
            committee=doc.committee_id,
            issued=now.date(),
            at=now,
            expires=expires,
        ),
        kid_hex=qr.cert_kid(doc.seal_key),
        private_key=keys.private_key(doc.seal_key),
    )
    type(doc).objects.filter(pk=doc.pk).update(token=token)
    assert verification.verify_token(token).verdict == Verdict.VALID
    assert kept(token).expires == int(expires.timestamp())
    clock_at(2026, 12, 3, 10)
    late = verification.verify_token(token)
    assert late.verdict == Verdict.INVALID
    assert "expiry" in [c.name for c in late.checks]


def test_a_token_that_names_nothing_issued_is_not_kept(eseal, people):
    draft = f.prepared(eseal, clerk=people.clerk)
    assert verification.verify_token(draft.token).verdict == Verdict.UNKNOWN
    assert kept(draft.token) is None
    broken = (
        draft.token[:-6] + ("A" if draft.token[-6] != "A" else "B") + draft.token[-5:]
    )
    verification.verify_token(broken)
    assert kept(broken) is None


def test_the_holders_name_is_compared_on_each_call_not_kept(doc):
    assert verification.verify_token(doc.token, holder_name=f.HOLDER).name_matches
    other = verification.verify_token(doc.token, holder_name="李四")
    assert other.name_matches is False
    plain = verification.verify_token(doc.token)
    assert plain.name_matches is None


# The public page ---------------------------------------------------------------------


def test_the_public_page_is_kept_the_same_bytes_for_every_visitor(doc):
    """Issue 15: no CSRF token, no cookie, nothing per visitor: the page is served
    from what the cache and this process kept."""
    from django.test import Client

    from yinzheng.esign import tokens as t

    path = t.url_path(doc.token)
    first = Client(enforce_csrf_checks=True).get(path)
    visitor = Client(enforce_csrf_checks=True)
    with CaptureQueriesContext(connection) as queries:
        second = visitor.get(path)
    assert second.status_code == 200
    assert 'data-verdict="valid"' in second.content.decode()
    # Served from the cache: nothing but the cache's own query (none on Redis) and
    # the rate counter.
    assert len(queries) <= 3, [q["sql"] for q in queries.captured_queries]
    assert first.content == second.content
    assert "csrfmiddlewaretoken" not in second.content.decode()
    assert not second.cookies


def test_the_name_check_is_posted_from_the_page_itself(doc):
    """Without a token the name check (and the language switch) take the browser's
    word for where the post comes from: its own page yes, another site no."""
    from django.test import Client

    from yinzheng.esign import tokens as t

    path = t.url_path(doc.token)
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(path)
    same = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"}
    checked = visitor.post(path, {"name": f.HOLDER}, **same)
    assert checked.status_code == 200
    assert "您输入的姓名与证明持有人一致" in checked.content.decode()
    for forged in (
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
    ):
        assert visitor.post(path, {"name": f.HOLDER}, **forged).status_code == 403
        switched = visitor.post("/i18n/setlang/", {"language": "en"}, **forged)
        assert switched.status_code == 403
    switched = visitor.post("/i18n/setlang/", {"language": "en", "next": "/"}, **same)
    assert switched.status_code == 302 and switched.cookies["django_language"]


def test_the_public_page_shows_a_withdrawal_at_once(client, doc, people):
    from yinzheng.esign import tokens as t

    path = t.url_path(doc.token)
    assert 'data-verdict="valid"' in client.get(path).content.decode()
    services.document_withdraw(actor=people.head, serial=doc.serial, reason="事实有误")
    assert 'data-verdict="withdrawn"' in client.get(path).content.decode()


def test_staff_and_query_strings_never_get_the_kept_page(client, doc, people):
    from yinzheng.esign import tokens as t

    path = t.url_path(doc.token)
    client.get(path)  # kept for the public
    client.force_login(people.head)
    page = client.get(path).content.decode()
    assert people.head.display_name in page
    assert client.get(path + "?x=1").status_code == 200


def test_a_verdict_is_kept_in_the_language_it_was_worded_in(doc):
    from django.utils import translation

    with translation.override("en"):
        english = verification.verify_token(doc.token)
    with translation.override("zh-hans"):
        chinese = verification.verify_token(doc.token)
    with translation.override("en"):
        again = verification.verify_token(doc.token)
    assert english.reason != chinese.reason
    assert again.reason == english.reason
