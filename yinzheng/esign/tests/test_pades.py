"""PAdES signatures on certificates: accepted by two independent validators (poppler's
pdfsig and pyHanko's), rejected by both after one changed byte; the approved bytes stay
the signed revision; a revoked seal signs nothing (REQ-057, REQ-115, design.md §3–4)."""

import hashlib
import io
import shutil
import subprocess

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from yinzheng.core.errors import NotAllowed, StaleContent
from yinzheng.esign import pades, pki, services, verification
from yinzheng.esign.choices import RevocationReason, Verdict
from yinzheng.esign.models import KeyPair
from yinzheng.ledger.models import Entry
from yinzheng.seals import services as seal_services

from . import factories as f
from .tsa import running_tsa

pytestmark = pytest.mark.django_db


def changed_byte(data: bytes) -> bytes:
    """The file with one byte of the certificate's text changed (inside the signed
    range, outside the signature value)."""
    i = data.index(b"certificate ")
    return data[:i] + b"C" + data[i + 1 :]


def pyhanko_status(data: bytes, key: KeyPair):
    links = pki.chain(key)
    vc = ValidationContext(
        trust_roots=[pades.asn1_certificate(pki.certificate_der(links[-1]))],
        other_certs=[pades.asn1_certificate(pki.certificate_der(links[1]))],
        crls=[bytes(pki.current_crl(link).der) for link in links[1:]],
        allow_fetching=False,
        revocation_mode="hard-fail",
    )
    sig = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    return validate_pdf_signature(sig, signer_validation_context=vc)


def pdfsig(path, nss_dir=None) -> str:
    args = ["pdfsig"]
    if nss_dir:
        args += ["-nssdir", f"sql:{nss_dir}"]
    return subprocess.run(
        [*args, str(path)], capture_output=True, text=True, timeout=60
    ).stdout


def nss_trusting(tmp_path, root_pem: str):
    """An NSS database that trusts the county root (needs certutil, libnss3-tools)."""
    if shutil.which("certutil") is None:
        return None
    db = tmp_path / "nss"
    db.mkdir()
    (tmp_path / "root.pem").write_text(root_pem)
    subprocess.run(
        ["certutil", "-N", "-d", f"sql:{db}", "--empty-password"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{db}", "-n", "root", "-t", "C,C,C"]
        + ["-i", str(tmp_path / "root.pem")],
        check=True,
        capture_output=True,
    )
    return db


@pytest.fixture
def issued(eseal, people):
    doc, approved = f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    return doc, approved, f.signed_bytes(doc)


def test_the_approved_pdf_is_the_signed_files_first_revision(issued):
    """The approval binds the SHA-256 of the rendered PDF; the signature is an
    incremental update, so the approved bytes are a prefix of the signed file, and that
    prefix hashes to what the register entry records."""
    doc, approved, signed = issued
    assert signed.startswith(approved) and len(signed) > len(approved)
    assert approved_end(signed) == len(approved)
    prefix = signed[: doc.approved_size]
    entry_fields = doc.register_entry.data["data"]["fields"]
    assert hashlib.sha256(prefix).hexdigest() == entry_fields["document_sha256"]
    assert (
        doc.level == "B-B" and doc.signed_sha256 == hashlib.sha256(signed).hexdigest()
    )
    assert Entry.objects.filter(event="esign.document_signed").count() == 1


def approved_end(signed: bytes) -> int:
    return pades.revision_ends(signed)[-2]


def test_an_issued_pdf_is_accepted_by_pyhanko(issued):
    doc, _approved, signed = issued
    status = pyhanko_status(signed, doc.seal_key)
    assert status.bottom_line, status.summary()
    assert status.intact and status.valid and status.trusted
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES


def test_an_issued_pdf_is_accepted_by_our_verifier(issued):
    doc, _approved, signed = issued
    result = verification.verify_pdf(signed)
    assert result.verdict == Verdict.VALID, result.as_dict()
    assert {c.name for c in result.checks if c.ok} >= {
        "signature",
        "chain",
        "approved",
        "issued",
        "revocation",
        "register",
        "status",
    }
    assert result.public()["holder"] == "张**"


@pytest.mark.skipif(
    shutil.which("pdfsig") is None,
    reason="poppler's pdfsig is not installed (apt-get install -y poppler-utils)",
)
def test_an_issued_pdf_is_accepted_by_pdfsig_and_one_changed_byte_is_not(
    issued, tmp_path
):
    """An independent validator (poppler, NSS) on the same files."""
    doc, _approved, signed = issued
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(signed)
    bad.write_bytes(changed_byte(signed))
    out = pdfsig(good)
    assert "Signature Validation: Signature is Valid." in out, out
    assert "Total document signed" in out
    assert "ETSI.CAdES.detached" in out
    rejected = pdfsig(bad)
    assert "Signature is Valid." not in rejected
    assert "Digest Mismatch" in rejected or "Invalid" in rejected, rejected
    root = pki.chain(doc.seal_key)[-1]
    nss = nss_trusting(tmp_path, root.certificate_pem)
    if nss is None:
        pytest.skip("certutil (libnss3-tools) is absent: chain trust not checked")
    assert "Certificate is Trusted." in pdfsig(good, nss)


def test_one_changed_byte_is_rejected_by_pyhanko_and_our_verifier(issued):
    doc, _approved, signed = issued
    bad = changed_byte(signed)
    assert len(bad) == len(signed) and bad != signed
    status = pyhanko_status(bad, doc.seal_key)
    assert not status.intact and not status.bottom_line
    result = verification.verify_pdf(bad)
    assert result.verdict == Verdict.INVALID
    assert [c.name for c in result.checks if c.ok is False] == ["signature"]


def test_a_pdf_with_an_update_after_the_signature_is_rejected(issued):
    _doc, _approved, signed = issued
    appended = signed + b"\n1 0 obj\n<< >>\nendobj\n%%EOF\n"
    result = verification.verify_pdf(appended)
    assert result.verdict == Verdict.INVALID


def test_an_unsigned_pdf_is_not_a_certificate(issued):
    _doc, approved, _signed = issued
    result = verification.verify_pdf(approved)
    assert result.verdict == Verdict.INVALID
    assert result.checks[0].name == "signature" and result.checks[0].ok is False


def test_the_seal_is_the_visible_signature_appearance(issued):
    _doc, _approved, signed = issued
    sig = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    widget = sig.sig_field
    rect = [float(v) for v in widget["/Rect"]]
    assert rect == [380.0, 150.0, 500.0, 270.0]
    assert "/AP" in widget  # drawn: the seal's picture


def test_signing_refuses_a_pdf_other_than_the_approved_one(eseal, people):
    """REQ-057: what is sealed is exactly what was approved."""
    doc = f.prepared(eseal, clerk=people.clerk)
    pdf = f.pdf_with("approved")
    with pytest.raises(StaleContent):
        services.document_sign(
            actor=people.custodian,
            serial=doc.serial,
            pdf=f.pdf_with("changed after approval"),
            approved_sha256=hashlib.sha256(pdf).hexdigest(),
        )


@pytest.mark.parametrize("who", ["clerk", "head", "township"])
def test_only_the_seals_custodian_applies_it(eseal, people, who):
    """REQ-070, REQ-067: the custodian, and nobody else, applies the seal."""
    doc = f.prepared(eseal, clerk=people.clerk)
    pdf = f.pdf_with("approved")
    with pytest.raises(NotAllowed):
        services.document_sign(
            actor=getattr(people, who),
            serial=doc.serial,
            pdf=pdf,
            approved_sha256=hashlib.sha256(pdf).hexdigest(),
        )


def test_signing_with_a_retired_seal_is_refused(eseal, people):
    """REQ-061–063, REQ-115: a lost or revoked seal signs nothing, at signing time."""
    doc = f.prepared(eseal, clerk=people.clerk)
    seal_services.seal_revoke(actor=people.township, seal_id=eseal.pk, reason="撤销")
    pdf = f.pdf_with("approved")
    with pytest.raises(seal_services.SealUnusable):
        services.document_sign(
            actor=people.custodian,
            serial=doc.serial,
            pdf=pdf,
            approved_sha256=hashlib.sha256(pdf).hexdigest(),
        )


def test_signing_with_a_revoked_certificate_is_refused_even_if_the_seal_looks_usable(
    eseal, people
):
    """The certificate's own state counts: revoked in the PKI, it signs nothing."""
    doc = f.prepared(eseal, clerk=people.clerk)
    key = KeyPair.objects.get(seal=eseal)
    pki.revoke(key, at=key.not_before, reason=RevocationReason.KEY_COMPROMISE)
    pdf = f.pdf_with("approved")
    with pytest.raises(pki.CertificateRevoked):
        services.document_sign(
            actor=people.custodian,
            serial=doc.serial,
            pdf=pdf,
            approved_sha256=hashlib.sha256(pdf).hexdigest(),
        )
    doc.refresh_from_db()
    assert doc.signed_at is None and not doc.signed_pdf


def test_a_certificate_signed_before_its_seal_was_revoked_stays_valid(
    issued, people, eseal
):
    doc, _approved, signed = issued
    seal_services.seal_report_loss(
        actor=people.custodian,
        seal_id=eseal.pk,
        lost_on=doc.signed_at.date(),
        circumstances="密钥介质遗失",
    )
    key = KeyPair.objects.get(seal=eseal)
    assert key.revoked_at > doc.signed_at
    result = verification.verify_pdf(signed)
    assert result.verdict == Verdict.VALID, result.as_dict()
    assert result.revoked_at == key.revoked_at
    # pyHanko agrees at the signing moment, with the CRL that lists the revocation.
    links = pki.chain(key)
    check = pades.validate(
        signed,
        trust_roots=[pki.certificate_der(links[-1])],
        other_certs=[pki.certificate_der(links[1])],
        crls=[bytes(pki.current_crl(link).der) for link in links[1:]],
        moment=doc.signed_at,
    )
    assert check.cryptographically_ok and check.trusted and not check.revoked


def test_a_certificate_signed_after_its_seal_was_revoked_is_refused(issued, eseal):
    """Verification compares the signing time with the revocation time: a revocation
    dated before the signature (a key reported lost as of an earlier moment) voids it."""
    doc, _approved, signed = issued
    key = KeyPair.objects.get(seal=eseal)
    pki.revoke(
        key,
        at=doc.signed_at - pki.SKEW,
        reason=RevocationReason.KEY_COMPROMISE,
    )
    result = verification.verify_pdf(signed)
    assert result.verdict == Verdict.SEAL_REVOKED
    links = pki.chain(key)
    check = pades.validate(
        signed,
        trust_roots=[pki.certificate_der(links[-1])],
        other_certs=[pki.certificate_der(links[1])],
        crls=[bytes(pki.current_crl(link).der) for link in links[1:]],
        moment=doc.signed_at,
    )
    assert check.revoked or not check.trusted  # pyHanko: revoked at that moment


def test_with_an_outside_timestamp_authority_alone_the_signature_is_b_t(
    eseal, people, tmp_path, settings
):
    """YINZHENG_TSA_URL without its roots: an RFC 3161 timestamp from that TSA, but no
    long-term data (its certificate cannot be validated here): B-T."""
    with running_tsa(tmp_path) as (url, _roots):
        settings.TSA_URL, settings.TSA_ROOTS = url, ""
        doc, _approved = f.issued(
            eseal, clerk=people.clerk, custodian=people.custodian, timestamp_url=None
        )
        signed = f.signed_bytes(doc)
    assert doc.level == "B-T"
    result = verification.verify_pdf(signed)
    assert result.verdict == Verdict.VALID, result.as_dict()
    stamp = next(c for c in result.checks if c.name == "timestamp")
    assert stamp.ok is None  # read, but its authority is not configured as trusted


def test_with_an_outside_timestamp_authority_and_its_roots_the_signature_is_b_lta(
    eseal, people, tmp_path, settings
):
    """YINZHENG_TSA_URL and YINZHENG_TSA_ROOTS: B-LTA with that TSA's timestamps,
    checked against the TSA roots configured."""
    with running_tsa(tmp_path) as (url, roots):
        settings.TSA_URL, settings.TSA_ROOTS = url, roots
        doc, _approved = f.issued(
            eseal, clerk=people.clerk, custodian=people.custodian, timestamp_url=None
        )
        signed = f.signed_bytes(doc)
    assert doc.level == "B-LTA"
    assert len(PdfFileReader(io.BytesIO(signed)).embedded_timestamp_signatures) == 1
    links = pki.chain(doc.seal_key)
    with open(roots, "rb") as fh:
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        tsa_root = x509.load_pem_x509_certificate(fh.read()).public_bytes(
            serialization.Encoding.DER
        )
    check = pades.validate(
        signed,
        trust_roots=[pki.certificate_der(links[-1])],
        other_certs=[pki.certificate_der(links[1])],
        crls=[bytes(pki.current_crl(link).der) for link in links[1:]],
        moment=doc.signed_at,
        ts_roots=[tsa_root],
    )
    assert check.cryptographically_ok and check.trusted and check.whole_file
    assert check.timestamp_trusted
