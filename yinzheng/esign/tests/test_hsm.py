"""Keys in an HSM through PKCS#11 (issue 14), against SoftHSM2; and destroying a seal
destroys its private key, in the token or on the database row, journaled.

The HSM tests need softhsm2 (softhsm2-util and its PKCS#11 library; Debian package
softhsm2) and python-pkcs11; without them they are skipped, saying which is missing.
The software-key tests run everywhere.
"""

import base64
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from yinzheng.core import clock
from yinzheng.esign import hsm, keys, pades, pki, services, verification
from yinzheng.esign.choices import Verdict
from yinzheng.esign.errors import EsignCode
from yinzheng.esign.models import KeyPair
from yinzheng.ledger.models import Entry
from yinzheng.seals import services as seal_services

from . import factories as f
from .test_pades import pyhanko_status

pytestmark = pytest.mark.django_db

TOKEN = "yinzheng-test"
PIN = "123456"
LIBRARIES = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
]


def _softhsm_missing() -> str:
    if not hsm.available():
        return "python-pkcs11 is not installed (pip install python-pkcs11)"
    if shutil.which("softhsm2-util") is None:
        return "softhsm2-util not found (apt-get install softhsm2)"
    if not any(Path(p).exists() for p in LIBRARIES):
        return "libsofthsm2.so not found (apt-get install softhsm2)"
    return ""


needs_softhsm = pytest.mark.skipif(
    bool(_softhsm_missing()), reason=_softhsm_missing() or "softhsm2 present"
)


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory):
    """A SoftHSM2 token of its own, for the whole session: the PKCS#11 library reads
    SOFTHSM2_CONF once, when the process first loads it."""
    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {root / 'tokens'}\n"
        "objectstore.backend = file\nlog.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN]
        + ["--pin", PIN, "--so-pin", "654321"],
        check=True,
        capture_output=True,
    )
    return next(p for p in LIBRARIES if Path(p).exists())


@pytest.fixture
def in_hsm(softhsm, settings):
    """New root, township and seal keys are made in the SoftHSM2 token."""
    settings.PKCS11_MODULE = softhsm
    settings.PKCS11_TOKEN = TOKEN
    settings.PKCS11_SECRET_PIN = PIN
    yield
    hsm.reset()


def _destroy(seal, people):
    seal_services.seal_revoke(actor=people.township, seal_id=seal.pk, reason="撤销")
    seal_services.seal_destroy(actor=people.township, seal_id=seal.pk, note="销毁")
    return KeyPair.objects.get(seal=seal)


def _sign_again(key: KeyPair) -> None:
    """A signature with the key, straight through pades (no seal checks)."""
    pades.sign_pdf(
        f.pdf_with("after destruction"),
        signing_cert_der=pki.certificate_der(key),
        private_key_der=b"" if key.hsm_label else keys.private_key_der(key),
        hsm_label=key.hsm_label,
        chain_der=[pki.certificate_der(link) for link in pki.chain(key)[1:]],
        at=clock.now().replace(microsecond=0),
    )


# In the HSM ---------------------------------------------------------------------------


@needs_softhsm
def test_a_seal_key_is_made_in_the_token_and_never_leaves_it(in_hsm, eseal):
    key = KeyPair.objects.get(seal=eseal)
    assert key.hsm_label == key.key_id and key.certificate_pem
    assert bytes(key.private_key_encrypted) == b"" and key.master_key_id == ""
    flags = hsm.attributes(key.hsm_label)
    assert flags == {
        "sensitive": True,
        "extractable": False,
        "always_sensitive": True,
        "never_extractable": True,
    }
    with pytest.raises(keys.KeyInHsm) as refused:
        keys.private_key_der(key)
    assert refused.value.code == EsignCode.KEY_IN_HSM
    with pytest.raises(TypeError):
        keys.private_key(key).private_bytes(None, None, None)
    # The township's key, made in the token too, signed the seal's certificate.
    issuer = key.issuer
    assert issuer is not None and issuer.hsm_label == issuer.key_id
    public = pki.certificate(issuer).public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    pki.certificate(key).verify_directly_issued_by(pki.certificate(issuer))
    root = pki.chain(key)[-1]
    assert (
        root.hsm_label and pki.certificate(root).issuer == pki.certificate(root).subject
    )
    # The CRL the township signs through the token verifies with its public key.
    crl = x509.load_der_x509_crl(bytes(pki.current_crl(issuer).der))
    assert crl.is_signature_valid(public)


@needs_softhsm
def test_a_certificate_sealed_through_the_token_is_valid(in_hsm, eseal, people):
    """The PAdES signature (pyHanko's PKCS11Signer) and the QR token (COSE, signed
    with the token's key) both verify."""
    doc, _approved = f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    signed = f.signed_bytes(doc)
    status = pyhanko_status(signed, doc.seal_key)
    assert status.bottom_line, status.summary()
    assert status.intact and status.valid and status.trusted
    result = verification.verify_pdf(signed)
    assert result.verdict == Verdict.VALID, result.as_dict()
    assert verification.verify_token(doc.token).verdict == Verdict.VALID


@needs_softhsm
def test_a_b_lta_signature_through_the_token_is_valid(in_hsm, eseal, people):
    doc, _approved = f.issued(
        eseal, clerk=people.clerk, custodian=people.custodian, timestamp_url=None
    )
    assert doc.level == "B-LTA"
    result = verification.verify_pdf(f.signed_bytes(doc))
    assert result.verdict == Verdict.VALID, result.as_dict()


@needs_softhsm
def test_destroying_the_seal_destroys_its_key_in_the_token(
    in_hsm, eseal, people, django_capture_on_commit_callbacks
):
    doc, _approved = f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    label = KeyPair.objects.get(seal=eseal).hsm_label
    assert hsm.exists(label)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        key = _destroy(eseal, people)
    assert hsm.exists(label)  # not before the destruction commits
    for callback in pending:
        callback()
    assert not hsm.exists(label)
    assert key.private_key_destroyed_at is not None
    assert key.public_key_pem and key.certificate_pem  # old signatures still verify
    entry = Entry.objects.get(event="esign.seal_key_destroyed")
    assert entry.data["data"]["after"]["store"] == "hsm"
    assert entry.data["data"]["after"]["key_id"] == key.key_id
    with pytest.raises(keys.KeyDestroyed) as refused:
        keys.private_key(key)
    assert refused.value.code == EsignCode.KEY_DESTROYED
    # Even past the row's check, the token has nothing left to sign with.
    with pytest.raises(hsm.HsmUnavailable):
        hsm.sign_digest(label, hashlib.sha256(b"x").digest())
    with pytest.raises(Exception, match="private key|HSM"):
        _sign_again(key)
    assert verification.verify_pdf(f.signed_bytes(doc)).verdict == Verdict.VALID


# On the database row (everywhere) --------------------------------------------------


def test_a_seal_key_is_kept_in_the_database_without_an_hsm(eseal):
    key = KeyPair.objects.get(seal=eseal)
    assert key.hsm_label == "" and key.private_key_destroyed_at is None
    assert keys.private_key_der(key)


def test_destroying_the_seal_erases_its_software_key(eseal, people, settings):
    doc, _approved = f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    key = _destroy(eseal, people)
    key.refresh_from_db()
    assert bytes(key.private_key_encrypted) == b"" and key.master_key_id == ""
    assert key.private_key_destroyed_at is not None
    assert key.public_key_pem and key.certificate_pem
    entry = Entry.objects.get(event="esign.seal_key_destroyed")
    assert entry.data["data"]["after"]["store"] == "database"
    for use in (keys.private_key, keys.private_key_der):
        with pytest.raises(keys.KeyDestroyed):
            use(key)
    with pytest.raises(keys.KeyDestroyed):
        keys.sign(key, b"data")
    with pytest.raises(keys.KeyDestroyed):
        _sign_again(key)
    # What it signed before still verifies.
    assert verification.verify_pdf(f.signed_bytes(doc)).verdict == Verdict.VALID
    # Destroying again changes nothing and journals nothing.
    services.seal_key_destroy(actor=people.township, seal=eseal)
    assert Entry.objects.filter(event="esign.seal_key_destroyed").count() == 1
    # Rotating the master key passes over the erased key.
    new_master = base64.urlsafe_b64encode(bytes(range(32))).decode()
    assert keys.reseal_all(old_master=settings.MASTER_KEY, new_master=new_master) >= 1


def test_signing_under_a_destroyed_seal_key_is_refused(eseal, people):
    """Should a destroyed key's seal still look usable, signing stops at the key."""
    doc = f.prepared(eseal, clerk=people.clerk)
    key = KeyPair.objects.get(seal=eseal)
    keys.destroy_private(key)
    pdf = f.pdf_with("approved")
    with pytest.raises(keys.KeyDestroyed):
        services.document_sign(
            actor=people.custodian,
            serial=doc.serial,
            pdf=pdf,
            approved_sha256=hashlib.sha256(pdf).hexdigest(),
        )
