"""The trust list signed by the county root (issue 14): published beside the JSON as a
COSE_Sign1, opened offline against a pinned root fingerprint, refused when changed,
signed by another key or by a root nobody pinned."""

import hashlib

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from yinzheng.esign import cose, offline, pki, tokens
from yinzheng.esign.choices import KeyPurpose
from yinzheng.esign.models import KeyPair

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(eseal, people):
    doc, _pdf = f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    return doc


def _root() -> KeyPair:
    return KeyPair.objects.get(purpose=KeyPurpose.ROOT)


def _pin() -> set[str]:
    return {hashlib.sha256(pki.certificate_der(_root())).hexdigest()}


def _envelope(client, under: str = "620725") -> bytes:
    response = client.get("/esign/trust-list.cose", {"under": under})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/cose")
    return response.content


def test_the_signed_list_opens_offline_and_verifies_a_token(signed, client):
    # Given the signed list, as a verifier downloads it
    envelope = _envelope(client)
    message = cose.decode(envelope)
    assert message.kid == tokens.cert_kid(pki.certificate_der(_root()))
    # When it is opened against the pinned root
    listed = offline.open_signed_list(envelope, pinned_roots=_pin())
    # Then it lists the seal (both kids) and the token verifies against it
    assert listed["format"] == "yinzheng-trust-list/1"
    assert [s["seal_serial"] for s in listed["seals"]] == [eseal_serial(signed)]
    result = offline.verify_token(signed.token, listed, pinned_roots=_pin())
    assert result.verdict == offline.VALID, result.reasons


def eseal_serial(doc) -> str:
    return doc.seal_key.seal.serial


def test_the_list_is_signed_where_the_installation_has_one_root(signed, client):
    response = client.get("/esign/trust-list.cose")
    assert response.status_code == 200
    assert offline.open_signed_list(response.content, pinned_roots=_pin())["seals"]
    assert client.get("/esign/trust-list.cose?under=440804").status_code == 404
    assert client.get("/esign/trust-list.cose?under=62").status_code == 404


def _resigned(envelope: bytes, payload: bytes, key=None) -> bytes:
    """The envelope with another payload: the old signature, or one by `key`."""
    message = cose.decode(envelope)
    if key is None:
        return cbor2.dumps(
            cbor2.CBORTag(18, [message.protected_raw, {}, payload, message.signature])
        )
    return cose.sign1(
        payload, kid=message.kid, private_key=key, content_type="application/json"
    )


def test_a_changed_list_is_refused(signed, client):
    envelope = _envelope(client)
    payload = cose.decode(envelope).payload
    # A revocation time changed after signing.
    changed = payload.replace(b'"revoked_at":null', b'"revoked_at":"2000-01-01"', 1)
    assert changed != payload
    with pytest.raises(offline.TrustListError) as exc:
        offline.open_signed_list(_resigned(envelope, changed), pinned_roots=_pin())
    assert exc.value.code == "list_signature_invalid"


def test_a_list_signed_by_another_key_is_refused(signed, client):
    envelope = _envelope(client)
    payload = cose.decode(envelope).payload
    forger = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(offline.TrustListError) as exc:
        offline.open_signed_list(
            _resigned(envelope, payload, forger), pinned_roots=_pin()
        )
    assert exc.value.code == "list_signature_invalid"


def test_a_list_signed_by_a_root_nobody_pinned_is_refused(signed, client):
    envelope = _envelope(client)
    with pytest.raises(offline.TrustListError) as exc:
        offline.open_signed_list(envelope, pinned_roots={"0" * 64})
    assert exc.value.code == "root_not_pinned"
    with pytest.raises(offline.TrustListError) as exc:
        offline.open_signed_list(b"\x00garbage", pinned_roots=_pin())
    assert exc.value.code == "list_malformed"
