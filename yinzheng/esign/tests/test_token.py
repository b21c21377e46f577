"""The QR token: Base45 (RFC 9285) of a COSE_Sign1 (RFC 9052, ES256) over a CWT claims
set (RFC 8392), "YZ2:" in front; nothing derived from the holder (issue 14), whose name
is checked online only; verifiable offline against the published trust list; a tampered
token is rejected (design.md §3, §4). Format-1 tokens ("YZ1:") keep verifying."""

import base64
import datetime as dt
import hashlib
import json
from urllib.parse import urlencode

import cbor2
import pytest
import segno
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from yinzheng.core import clock
from yinzheng.esign import (
    cose,
    keys,
    offline,
    pki,
    qr,
    services,
    tokens,
    trustlist,
    verification,
)
from yinzheng.esign.base45 import b45decode, b45encode
from yinzheng.esign.choices import RevocationReason, Verdict
from yinzheng.esign.models import KeyPair
from yinzheng.seals import services as seal_services

from . import factories as f

# Base45 ---------------------------------------------------------------------------

RFC_9285_EXAMPLES = [
    (b"AB", "BB8"),
    (b"Hello!!", "%69 VD92EX0"),
    (b"base-45", "UJCLQE7W581"),
    (b"ietf!", "QED8WEX0"),
]


@pytest.mark.parametrize("raw, text", RFC_9285_EXAMPLES)
def test_base45_matches_the_rfc_examples(raw, text):
    assert b45encode(raw) == text
    assert b45decode(text) == raw


@pytest.mark.parametrize("text", ["GGW", "A", "ABCD", "ab", "::::"])
def test_base45_refuses_what_no_encoder_makes(text):
    """Out of range (GGW = 65536 + …), a dangling character, lower case."""
    with pytest.raises(ValueError):
        b45decode(text)


@given(st.binary(max_size=300))
def test_base45_round_trips_any_bytes(data):
    assert b45decode(b45encode(data)) == data


# COSE_Sign1 ------------------------------------------------------------------------


def _b64url(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=="), "big")


RFC_KEY_11 = ec.EllipticCurvePublicNumbers(
    _b64url("usWxHK2PmfnHKwXPS54m0kTcGJ90UiglWiGahtagnv8"),
    _b64url("IBOL-C3BttVivg-lSreASjpkttcsz-1rb7btKLv8EX4"),
    ec.SECP256R1(),
).public_key()
RFC_9052_C_2_1 = bytes.fromhex(
    "d28443a10126a10442313154546869732069732074686520636f6e74656e742e"
    "58408eb33e4ca31d1c465ab05aac34cc6b23d58fef5c083106c4d25a91aef0b0"
    "117e2af9a291aa32e14ab834dc56ed2a223444547e01f11d3b0916e5a4c345ca"
    "cb36"
)


def test_the_rfc_9052_sign1_example_verifies():
    """Appendix C.2.1 with the key of C.7.1 (kid "11"): the Sig_structure built here
    is byte for byte the RFC's, or ECDSA would fail."""
    message = cose.decode(RFC_9052_C_2_1)
    assert message.payload == b"This is the content." and message.kid == b"11"
    assert cose.verify(message, RFC_KEY_11)
    forged = cose.Sign1(
        message.protected_raw,
        message.protected,
        message.unprotected,
        b"This is the content!",
        message.signature,
    )
    assert not cose.verify(forged, RFC_KEY_11)


def test_cose_refuses_other_structures():
    with pytest.raises(cose.CoseError):
        cose.decode(cbor2.dumps(cbor2.CBORTag(98, [b"", {}, b"", []])))
    with pytest.raises(cose.CoseError):
        cose.decode(b"\xff\x00")


# Tokens made for certificates -----------------------------------------------------


@pytest.fixture
def doc(eseal, people):
    return f.prepared(eseal, clerk=people.clerk)


def legacy(doc):
    """`doc` as it was prepared before issue 14: a format-1 token ("YZ1:", salted name
    hash, kid from the key's id) and its salt and hash on the row."""
    key = doc.seal_key
    claims = tokens.new_claims(
        serial=doc.serial,
        committee=doc.committee_id,
        item=doc.item_key,
        issued=doc.issue_date,
        holder_name=f.HOLDER,
    )
    doc.token = tokens.encode(
        claims, kid_hex=key.kid, private_key=keys.private_key(key)
    )
    doc.name_salt, doc.name_hash = claims.salt.hex(), claims.name_hash.hex()
    doc.save(update_fields=["token", "name_salt", "name_hash"])
    return doc


@pytest.fixture
def doc_v1(doc):
    return legacy(doc)


def test_a_token_is_compact_signed_by_the_seal_and_holds_nothing_personal(doc, eseal):
    token = doc.token
    assert token.startswith("YZ2:") and len(token) < 260
    parsed = tokens.parse(token)
    key = KeyPair.objects.get(seal=eseal)
    der = pki.certificate_der(key)
    assert parsed.version == 2
    assert parsed.kid == hashlib.sha256(der).hexdigest()[:16]  # as the EU DCC
    assert tokens.verify_signature(parsed, pki.certificate(key).public_key())
    claims = parsed.claims
    assert claims.public() == {
        "serial": doc.serial,
        "committee": eseal.committee_id,
        "issued": clock.today().isoformat(),
        "issued_at": dt.datetime.fromtimestamp(claims.issued_at, dt.UTC).isoformat(),
    }
    raw = parsed.message.payload
    assert f.HOLDER.encode() not in raw and "张".encode() not in raw
    assert not claims.salt and not claims.name_hash


def test_the_claims_are_a_cwt_claims_set(doc, eseal):
    """RFC 8392: iss 1 (text), iat 6 (NumericDate, an integer), cti 7 (bytes); the
    certificate's date at a private-use key (below -65536) as RFC 8943 days; no exp,
    since no item sets a validity period."""
    payload = cbor2.loads(tokens.parse(doc.token).message.payload)
    assert set(payload) == {1, 6, 7, -70001}
    assert payload[1] == eseal.committee_id
    assert isinstance(payload[6], int)
    assert abs(payload[6] - clock.now().timestamp()) < 5
    assert payload[7] == doc.serial.encode()
    assert payload[-70001] == doc.issue_date


def test_the_token_holds_nothing_derived_from_the_holders_name(eseal, people):
    """Two certificates identical but for the holder: their claims differ in the
    serial (cti) and the time they were made (iat) only."""
    first = f.prepared(eseal, clerk=people.clerk, holder="张三丰")
    second = f.prepared(eseal, clerk=people.clerk, holder="李四")
    a, b = (cbor2.loads(tokens.parse(d.token).message.payload) for d in (first, second))
    differ = {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)}
    assert differ <= {6, 7} and 7 in differ
    protected = {tokens.parse(d.token).message.protected_raw for d in (first, second)}
    assert len(protected) == 1  # the same header: alg and kid, nothing else


def test_the_holders_name_is_confirmed_online_by_the_servers_hmac(doc):
    assert doc.name_salt.startswith("hmac:") and len(doc.name_hash) == 64
    assert qr.name_matches(doc, "张三丰") is True
    assert qr.name_matches(doc, " 张 三丰\u3000") is True  # spacing does not matter
    assert qr.name_matches(doc, "张三") is False
    assert qr.name_matches(doc, "") is False


def test_the_name_tag_is_bound_to_the_certificate_and_survives_a_key_rotation(
    doc, people, settings, monkeypatch
):
    from django.core.management import call_command

    again = f.prepared(doc.seal_key.seal, clerk=people.clerk)
    assert again.name_hash != doc.name_hash  # same holder, unlinkable
    code = qr.check_code(doc.serial)
    monkeypatch.setenv("YINZHENG_OLD_MASTER_KEY", settings.MASTER_KEY)
    settings.MASTER_KEY = base64.urlsafe_b64encode(b"\x07" * 32).decode()
    call_command("esign", "rotate-master-key")
    # The secret the tags and codes derive from is re-sealed, not changed.
    assert qr.name_matches(doc, "张三丰") is True
    assert qr.check_code(doc.serial) == code
    doc.name_salt = "hmac:" + "0" * 16  # a tag under some other secret
    assert qr.name_matches(doc, "张三丰") is None  # cannot tell, not "no"


def test_a_format_1_token_keeps_its_salted_name_hash(doc_v1):
    """Tokens printed before issue 14 ("YZ1:") still read and confirm the name."""
    parsed = tokens.parse(doc_v1.token)
    assert doc_v1.token.startswith("YZ1:") and parsed.version == 1
    assert parsed.kid == doc_v1.seal_key.kid == doc_v1.seal_key.key_id[:16]
    claims = parsed.claims
    assert claims.public() == {
        "serial": doc_v1.serial,
        "committee": doc_v1.committee_id,
        "item": "residence_certificate",
        "issued": clock.today().isoformat(),
    }
    assert len(claims.salt) == 8 and len(claims.name_hash) == 12
    assert claims.salt.hex() == doc_v1.name_salt
    assert tokens.name_matches(claims, "张三丰")
    assert tokens.name_matches(claims, " 张 三丰\u3000")
    assert not tokens.name_matches(claims, "张三")
    assert not tokens.name_matches(claims, "")
    assert qr.name_matches(doc_v1, "张三丰") is True


def tampered(token: str) -> str:
    """One character of the Base45 body changed (the token still decodes)."""
    body = token[4:]
    i = len(body) // 2
    replacement = "0" if body[i] != "0" else "1"
    return token[:4] + body[:i] + replacement + body[i + 1 :]


def test_a_tampered_token_is_rejected(doc, eseal, people):
    f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    bad = tampered(doc.token)
    assert verification.verify_token(bad).verdict == Verdict.INVALID
    assert verification.verify_token("YZ1:" + "A" * 10).verdict == Verdict.INVALID
    assert verification.verify_token("HC1:NCFOXN").verdict == Verdict.INVALID
    listed = trustlist.build()
    assert offline.verify_token(bad, listed).verdict == offline.INVALID


@pytest.mark.parametrize("legacy_format", [False, True])
def test_a_token_with_a_changed_claim_and_the_old_signature_is_rejected(
    doc, legacy_format
):
    if legacy_format:
        doc = legacy(doc)
    parsed = tokens.parse(doc.token)
    claims = cbor2.loads(parsed.message.payload)
    key = 1 if legacy_format else 7  # the serial; cti in format 2
    serial = claims[key] if legacy_format else claims[key].decode()
    last = "8" if serial.endswith("9") else "9"
    serial = serial[:-1] + last  # another serial
    claims[key] = serial if legacy_format else serial.encode()
    forged = cbor2.dumps(
        cbor2.CBORTag(
            18,
            [
                parsed.message.protected_raw,
                {},
                cbor2.dumps(claims, canonical=True),
                parsed.message.signature,
            ],
        )
    )
    token = doc.token[:4] + b45encode(forged)
    assert verification.verify_token(token).verdict == Verdict.INVALID


@pytest.mark.parametrize(
    "wrap",
    [
        lambda t: t,
        lambda t: "https://yz.example.cn" + tokens.url_path(t),
        lambda t: "https://yz.example.cn/verify/?" + urlencode({"t": t}),
    ],
)
def test_the_token_is_found_in_what_the_scanner_hands_over(doc, wrap):
    assert tokens.from_text(wrap(doc.token)) == doc.token
    assert tokens.from_text(wrap(legacy(doc).token)) == doc.token


def test_the_qr_address_is_upper_case_and_alphanumeric(doc):
    """Base45 is the QR alphanumeric alphabet; with the address upper-cased (scheme
    and host are case-insensitive) and space, % and / percent-encoded (%20, %25, %2F
    are in the alphabet too), the whole address is: the QR stays small."""
    path = tokens.url_path(doc.token)
    assert " " not in path and path.startswith("/V/YZ2:")
    address = tokens.qr_address("https://yz.example.cn:8443", doc.token)
    assert address.startswith("HTTPS://YZ.EXAMPLE.CN:8443/V/YZ2:")
    assert tokens.alphanumeric(address)
    assert tokens.from_text(address) == doc.token
    svg = tokens.qr_svg(address)
    assert svg.startswith("<svg") and "</svg>" in svg
    assert segno.make_qr(address, error="m").mode == "alphanumeric"
    assert segno.make_qr(address, error="m", boost_error=False).version <= 10


def test_a_format_1_address_keeps_its_lower_case_path(doc_v1):
    path = tokens.url_path(doc_v1.token)
    assert " " not in path and path.startswith("/v/YZ1:")


def _token_with_exp(doc, *, at: dt.datetime, expires: dt.datetime) -> str:
    key = doc.seal_key
    claims = tokens.new_claims_v2(
        serial=doc.serial,
        committee=doc.committee_id,
        issued=at.date(),
        at=at,
        expires=expires,
    )
    assert 4 in cbor2.loads(claims.as_cbor())
    return tokens.encode(
        claims, kid_hex=qr.cert_kid(key), private_key=keys.private_key(key)
    )


def test_a_token_past_its_expiry_is_refused(doc):
    """A token that carries exp (RFC 8392 §3.1.4; the item guide's validity_days)
    is refused after it, offline and online."""
    now = clock.now()
    token = _token_with_exp(doc, at=now, expires=now + dt.timedelta(days=30))
    claims = tokens.parse(token).claims
    assert claims.expires == int((now + dt.timedelta(days=30)).timestamp())
    assert not claims.expired(now) and claims.expired(now + dt.timedelta(days=31))
    listed = trustlist.build()
    result = offline.verify_token(token, listed, now=now + dt.timedelta(days=31))
    assert result.verdict == offline.INVALID and result.reasons[-1] == "expired"
    doc.token = _token_with_exp(doc, at=now, expires=now - dt.timedelta(seconds=1))
    doc.save(update_fields=["token"])
    online = verification.verify_token(doc.token)
    assert online.verdict == Verdict.INVALID
    assert [c.name for c in online.checks][-1] == "expiry"


# The trust list and offline verification -------------------------------------------


@pytest.fixture
def signed(eseal, people):
    doc, _pdf = f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    return doc


def _listed(client) -> dict:
    response = client.get("/esign/trust-list.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_trust_list_is_published_without_login(signed, client):
    listed = _listed(client)
    assert listed["format"] == "yinzheng-trust-list/1"
    assert [len(listed[k]) for k in ("roots", "authorities", "seals")] == [1, 1, 1]
    seal = listed["seals"][0]
    assert seal["kid"] == signed.seal_key.kid  # format 1
    assert seal["cert_kid"] == tokens.parse(signed.token).kid  # format 2
    assert seal["division"] == signed.committee_id
    assert listed["authorities"][0]["crl"].endswith("/esign/crl/620725101.crl")
    other_county = json.loads(client.get("/esign/trust-list.json?under=440804").content)
    assert other_county["seals"] == [] and other_county["roots"] == []


def test_a_token_verifies_offline_against_the_trust_list(signed, client):
    listed = _listed(client)
    root_print = listed["roots"][0]["sha256"]
    result = offline.verify_token(
        signed.token, listed, pinned_roots={root_print}, holder_name="张三丰"
    )
    assert result.verdict == offline.VALID, result.reasons
    assert result.claims["serial"] == signed.serial
    assert result.claims["name_matches"] is None  # online only
    assert result.committee_name == signed.committee.name


def test_a_format_1_token_verifies_offline_and_online(eseal, people, client):
    doc, _pdf = issued_v1(eseal, people)
    assert doc.token.startswith("YZ1:")
    listed = _listed(client)
    root_print = listed["roots"][0]["sha256"]
    result = offline.verify_token(
        doc.token, listed, pinned_roots={root_print}, holder_name="张三丰"
    )
    assert result.verdict == offline.VALID, result.reasons
    assert result.claims["name_matches"] is True
    online = verification.verify_token(doc.token, holder_name="张三丰")
    assert online.verdict == Verdict.VALID and online.name_matches is True
    bad = tampered(doc.token)
    assert verification.verify_token(bad).verdict == Verdict.INVALID
    assert offline.verify_token(bad, listed).verdict == offline.INVALID


def issued_v1(seal, people):
    """A certificate prepared with a format-1 token, then sealed."""
    doc = legacy(f.prepared(seal, clerk=people.clerk))
    pdf = f.pdf_with(f"certificate {doc.serial} {doc.token[:40]}")
    digest = hashlib.sha256(pdf).hexdigest()
    entry = f.register_entry(
        seal, custodian=people.custodian, serial=doc.serial, sha256=digest
    )
    doc = services.document_sign(
        actor=people.custodian,
        serial=doc.serial,
        pdf=pdf,
        approved_sha256=digest,
        register_entry=entry,
        box=None,
        timestamp_url="",
    )
    return doc, pdf


def test_offline_verification_refuses_an_unpinned_root(signed, client):
    listed = _listed(client)
    result = offline.verify_token(signed.token, listed, pinned_roots={"0" * 64})
    assert result.verdict == offline.INVALID


def test_offline_verification_refuses_a_seal_off_the_list(signed, client):
    listed = _listed(client)
    listed["seals"] = []
    assert offline.verify_token(signed.token, listed).verdict == offline.UNKNOWN


def test_offline_a_revocation_after_the_issue_date_leaves_the_token_valid(
    signed, client, people
):
    key = signed.seal_key
    pki.revoke(
        key,
        at=signed.signed_at + dt.timedelta(days=3),
        reason=RevocationReason.CESSATION,
    )
    listed = _listed(client)
    assert offline.verify_token(signed.token, listed).verdict == offline.VALID


def test_offline_a_revocation_before_the_issue_date_voids_the_token(
    signed, client, people
):
    pki.revoke(
        signed.seal_key,
        at=signed.signed_at - dt.timedelta(days=2),
        reason=RevocationReason.KEY_COMPROMISE,
    )
    listed = _listed(client)
    assert offline.verify_token(signed.token, listed).verdict == offline.SEAL_REVOKED


def test_offline_a_revocation_on_the_issue_date_asks_for_the_online_check(
    signed, client, people
):
    seal_services.seal_revoke(
        actor=people.township, seal_id=signed.seal_key.seal_id, reason="撤销"
    )
    listed = _listed(client)
    result = offline.verify_token(signed.token, listed)
    assert result.verdict == offline.UNKNOWN
    assert result.reasons[-1] == "revoked_same_day"  # check online
    # Online, the recorded signing time decides: signed before, still valid.
    assert verification.verify_token(signed.token).verdict == Verdict.VALID


# Online verification by token -------------------------------------------------------


def test_online_a_signed_token_is_valid_and_a_prepared_one_unknown(signed, doc):
    assert verification.verify_token(signed.token).verdict == Verdict.VALID
    # `doc` was prepared but never sealed (refused or withdrawn before sealing).
    assert verification.verify_token(doc.token).verdict == Verdict.UNKNOWN


def test_online_a_signature_after_the_revocation_is_refused(signed):
    pki.revoke(
        signed.seal_key,
        at=signed.signed_at - dt.timedelta(seconds=1),
        reason=RevocationReason.KEY_COMPROMISE,
    )
    result = verification.verify_token(signed.token)
    assert result.verdict == Verdict.SEAL_REVOKED


def test_online_a_withdrawn_certificate_says_so(signed, people):
    from yinzheng.esign import services

    services.document_withdraw(
        actor=people.head, serial=signed.serial, reason="持有人申请作废"
    )
    assert verification.verify_token(signed.token).verdict == Verdict.WITHDRAWN


def test_only_the_committees_staff_prepare_a_token(eseal, people):
    from yinzheng.esign import services

    with pytest.raises(services.NotAllowed):
        services.document_prepare(
            actor=people.township,
            seal_id=eseal.pk,
            serial="620725101001-2026-000777",
            item_key="",
            item_name="居住证明",
            issue_date=clock.today(),
            holder_name="张三丰",
        )


def test_only_the_head_or_township_withdraws_and_with_a_reason(signed, people):
    from yinzheng.esign import services

    with pytest.raises(services.NotAllowed):
        services.document_withdraw(actor=people.clerk, serial=signed.serial, reason="x")
    with pytest.raises(services.InvalidInput):
        services.document_withdraw(actor=people.head, serial=signed.serial, reason=" ")
    services.document_withdraw(actor=people.township, serial=signed.serial, reason="错")
    with pytest.raises(services.Conflict):
        services.document_withdraw(actor=people.head, serial=signed.serial, reason="再")


def test_garbage_is_invalid_not_an_error(db):
    for data in (b"", b"%PDF-1.4 garbage", b"\x00" * 100):
        assert verification.verify_pdf(data).verdict == Verdict.INVALID
