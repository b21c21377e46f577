"""PAdES B-LTA with the county's timestamp authority (issue 14): a certificate sealed
before its seal is revoked stays valid for an outside verifier who trusts only the
county root and has no network, and one sealed after the revocation does not (design.md
§4, REQ-115)."""

import asyncio
import datetime as dt
import io
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from asn1crypto import tsp
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    REQUIRE_REVINFO,
    CertRevTrustPolicy,
    FreshnessReqType,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

from yinzheng.esign import pades, pki, tsa, verification
from yinzheng.esign.choices import KeyPurpose, RevocationReason, Verdict
from yinzheng.esign.models import KeyPair
from yinzheng.seals import services as seal_services

from . import factories as f
from .test_pades import nss_trusting, pdfsig

pytestmark = pytest.mark.django_db


def outside_verdict(data: bytes, root: KeyPair, *, at: dt.datetime | None = None):
    """What `pyhanko sign adesverify --trust root.pem --trust-replace FILE` says: AdES
    long-term validation (ETSI EN 319 102-1 §5.6.3), the county root the only trust
    anchor, revocation information required, nothing fetched: only what the file
    holds. Returns pyHanko's status of the last signature (its bottom_line)."""
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(
            trust_roots=[pades.asn1_certificate(pki.certificate_der(root))]
        ),
        revinfo_policy=CertRevTrustPolicy(
            REQUIRE_REVINFO,
            freshness=None,
            freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION,
        ),
    )
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    sig = PdfFileReader(io.BytesIO(data)).embedded_regular_signatures[-1]
    timing = (
        ValidationTimingInfo.now()
        if at is None
        else ValidationTimingInfo(at, at, point_in_time_validation=False)
    )
    result = asyncio.run(ades_lta_validation(sig, spec, timing_info=timing))
    return result.api_status


@pytest.fixture
def issued_lta(eseal, people):
    doc, approved = f.issued(
        eseal, clerk=people.clerk, custodian=people.custodian, timestamp_url=None
    )
    return doc, approved, f.signed_bytes(doc)


def root_of(doc) -> KeyPair:
    return pki.chain(doc.seal_key)[-1]


def test_by_default_a_certificate_is_sealed_pades_b_lta(issued_lta):
    doc, approved, signed = issued_lta
    assert doc.level == "B-LTA"
    reader = PdfFileReader(io.BytesIO(signed))
    assert len(reader.embedded_regular_signatures) == 1
    assert len(reader.embedded_timestamp_signatures) == 1
    assert "/DSS" in reader.root
    assert signed.startswith(approved)
    # The signature's own timestamp and the document timestamp, both by the county's
    # timestamp authority.
    sig = reader.embedded_regular_signatures[0]
    authority = KeyPair.objects.get(purpose=KeyPurpose.TSA)
    tsa_der = pki.certificate_der(authority)
    own = pades.last_timestamp_certificate(signed[: pades.signature_end(sig)])
    assert own is not None and own.dump() == tsa_der
    assert pades.last_timestamp_certificate(signed).dump() == tsa_der


def test_an_issued_b_lta_certificate_is_valid_for_an_outside_verifier(issued_lta):
    doc, _approved, signed = issued_lta
    status = outside_verdict(signed, root_of(doc))
    assert status.bottom_line, status.summary()


def test_revoking_the_seal_after_sealing_leaves_the_certificate_valid(
    issued_lta, people, eseal
):
    """The outside validator's complaint (issue 14): the seal revoked at the next
    election, certificates sealed before stay valid — for pyHanko's long-term
    validation with the county root alone, and for yinzheng."""
    doc, _approved, signed = issued_lta
    seal_services.seal_revoke(actor=people.township, seal_id=eseal.pk, reason="换届")
    key = KeyPair.objects.get(seal=eseal)
    assert key.revoked_at is not None and key.revoked_at > doc.signed_at
    status = outside_verdict(signed, root_of(doc))
    assert status.bottom_line, status.summary()
    # yinzheng's own pyHanko check, at the signing time with today's CRLs.
    links = pki.chain(key)
    check = pades.validate(
        signed,
        trust_roots=[pki.certificate_der(links[-1])],
        other_certs=[pki.certificate_der(links[1])],
        crls=[bytes(pki.current_crl(link).der) for link in links[1:]],
        moment=doc.signed_at,
    )
    assert check.cryptographically_ok and check.trusted and not check.revoked
    assert check.whole_file  # only the DSS and the document timestamp follow
    assert check.signed_end == pades.revision_ends(signed)[1]
    assert check.timestamp_time is not None


def test_yinzheng_judges_a_b_lta_certificate_sealed_before_revocation_valid(
    issued_lta, people, eseal
):
    _doc, _approved, signed = issued_lta
    seal_services.seal_revoke(actor=people.township, seal_id=eseal.pk, reason="换届")
    result = verification.verify_pdf(signed)
    assert result.verdict == Verdict.VALID, result.as_dict()


def sealed_by_revoked_key(doc, approved: bytes) -> bytes:
    """What yinzheng refuses to make (pki.require_valid_for_signing): the approved PDF
    signed with the seal's key after its certificate was revoked, timestamped by the
    county's authority, the CRL that lists the revocation put into the DSS, and a
    document timestamp — as a forger holding the lost key could."""
    from pyhanko.sign.validation import DocumentSecurityStore

    from yinzheng.core import clock
    from yinzheng.esign import keys

    key = doc.seal_key
    links = pki.chain(key)
    signed = pades.sign_pdf(
        approved,
        signing_cert_der=pki.certificate_der(key),
        private_key_der=keys.private_key_der(key),
        chain_der=[pki.certificate_der(link) for link in links[1:]],
        at=clock.now().replace(microsecond=0),
        timestamper=tsa.timestamper(links[-1].division_id),
    ).data
    out = io.BytesIO(signed)
    DocumentSecurityStore.add_dss(
        out,
        None,
        certs=[pades.asn1_certificate(pki.certificate_der(x)) for x in links],
        crls=[pades.asn1_crl(bytes(pki.current_crl(x).der)) for x in links[1:]],
        force_write=True,
    )
    return out.getvalue()


def test_a_certificate_sealed_after_the_seal_was_revoked_is_refused(
    eseal, people, issued_lta
):
    """Both validators: pyHanko's long-term validation with the county root, and
    yinzheng's check at the signing time."""
    doc, approved, _signed = issued_lta
    key = KeyPair.objects.get(seal=eseal)
    pki.revoke(key, at=key.not_before, reason=RevocationReason.KEY_COMPROMISE)
    forged = sealed_by_revoked_key(doc, approved)
    status = outside_verdict(forged, root_of(doc))
    assert not status.bottom_line, status.summary()
    links = pki.chain(key)
    sig = PdfFileReader(io.BytesIO(forged)).embedded_regular_signatures[-1]
    check = pades.validate(
        forged,
        trust_roots=[pki.certificate_der(links[-1])],
        other_certs=[pki.certificate_der(links[1])],
        crls=[bytes(pki.current_crl(link).der) for link in links[1:]],
        moment=sig.self_reported_timestamp,
    )
    assert check.revoked or not check.trusted
    result = verification.verify_pdf(forged)
    assert result.verdict != Verdict.VALID, result.as_dict()


@pytest.mark.skipif(
    shutil.which("pdfsig") is None,
    reason="poppler's pdfsig is not installed (apt-get install -y poppler-utils)",
)
def test_pdfsig_accepts_a_b_lta_certificate(issued_lta, tmp_path):
    _doc, _approved, signed = issued_lta
    path = tmp_path / "lta.pdf"
    path.write_bytes(signed)
    out = subprocess.run(
        ["pdfsig", str(path)], capture_output=True, text=True, timeout=60
    ).stdout
    seal = out.split("Signature #2")[0]
    assert "Signature Validation: Signature is Valid." in seal, out
    assert "ETSI.CAdES.detached" in seal
    assert "YinzhengSealArchive1" in out  # the document timestamp, read (poppler
    # does not verify RFC 3161 document timestamps: "Unimplemented Feature")
    root = root_of(_doc)
    nss = nss_trusting(tmp_path, root.certificate_pem)
    if nss is None:
        pytest.skip("certutil (libnss3-tools) is absent: chain trust not checked")
    trusted = pdfsig(path, nss).split("Signature #2")[0]
    assert "Certificate is Trusted." in trusted, trusted


# The timestamp authority and the certificates -----------------------------------------


def test_the_county_timestamp_authority_is_certified_by_the_root_for_timestamps_only(
    issued_lta,
):
    doc, _approved, _signed = issued_lta
    row = KeyPair.objects.get(purpose=KeyPurpose.TSA)
    root = root_of(doc)
    assert row.issuer == root and row.division_id == root.division_id
    cert = x509.load_pem_x509_certificate(row.certificate_pem.encode())
    cert.verify_directly_issued_by(
        x509.load_pem_x509_certificate(root.certificate_pem.encode())
    )
    eku = cert.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    usage = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert usage.digital_signature and usage.content_commitment
    assert not usage.key_cert_sign
    assert pki.timestamp_authority(root.division_id) == row  # one, reused


def test_a_timestamp_key_near_its_end_is_replaced(issued_lta):
    doc, _approved, _signed = issued_lta
    county = root_of(doc).division_id
    old = pki.timestamp_authority(county)
    KeyPair.objects.filter(pk=old.pk).update(
        not_after=old.not_before + dt.timedelta(days=30)
    )
    new = pki.timestamp_authority(county)
    old.refresh_from_db()
    assert new != old and old.retired_at is not None
    assert new.not_after - new.not_before > pki.TSA_RETIRE_LEFT


def test_the_authority_answers_rfc_3161_requests_over_http(client, issued_lta):
    doc, _approved, _signed = issued_lta
    county = root_of(doc).division_id
    stamper = tsa.CountyTimeStamper(tsa.authority(county))
    _nonce, request = stamper.request_cms(b"\x01" * 32, "sha256")
    response = client.post(
        f"/esign/tsa/{county}/",
        data=request.dump(),
        content_type="application/timestamp-query",
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/timestamp-reply"
    answer = tsp.TimeStampResp.load(response.content)
    assert answer["status"]["status"].native == "granted"
    info = answer["time_stamp_token"]["content"]["encap_content_info"]["content"]
    assert info.parsed["message_imprint"]["hashed_message"].native == b"\x01" * 32
    assert info.parsed["nonce"].native == request["nonce"].native
    bad = client.post(
        f"/esign/tsa/{county}/", data=b"nonsense", content_type="text/plain"
    )
    assert bad.status_code == 415
    assert client.get(f"/esign/tsa/{county}/").status_code == 405


def test_the_public_authority_refuses_cheaply_and_is_rate_limited(
    client, issued_lta, settings, clock_at
):
    """A review of issue 14: the endpoint is public, so a flood must not reach the
    key, an oversized body is refused by its declared length, and a county without an
    authority gets none made by an anonymous request."""
    doc, _approved, _signed = issued_lta
    county = root_of(doc).division_id
    clock_at(2026, 3, 2, 10)  # one minute's counter
    settings.TSA_RATE_PER_MINUTE = 3
    big = client.post(
        f"/esign/tsa/{county}/",
        data=b"\x30" * (64 * 1024),
        content_type="application/timestamp-query",
    )
    assert big.status_code == 413
    other = "620726"  # a county in the tree with no authority
    before = KeyPair.objects.count()
    missing = client.post(
        f"/esign/tsa/{other}/", data=b"\x30", content_type="application/timestamp-query"
    )
    assert missing.status_code == 404 and KeyPair.objects.count() == before
    codes = [
        client.post(
            f"/esign/tsa/{county}/", data=b"\x30", content_type="text/plain"
        ).status_code
        for _ in range(3)
    ]
    assert codes == [415, 429, 429]


def test_a_seal_certificate_is_for_document_signing_and_names_its_issuer(
    issued_lta, client
):
    """Issue 14: id-kp-documentSigning (with emailProtection, which NSS requires),
    and Authority Information Access pointing at the issuer's certificate, served
    without login."""
    doc, _approved, _signed = issued_lta
    cert = x509.load_pem_x509_certificate(doc.seal_key.certificate_pem.encode())
    eku = cert.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE)
    assert list(eku.value) == [
        pki.DOCUMENT_SIGNING,
        ExtendedKeyUsageOID.EMAIL_PROTECTION,
    ]
    assert not eku.critical
    aia = cert.extensions.get_extension_for_oid(
        ExtensionOID.AUTHORITY_INFORMATION_ACCESS
    ).value
    url = aia[0].access_location.value
    issuer = doc.seal_key.issuer
    assert url.endswith(f"/esign/ca/{issuer.kid}.cer")
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-cert"
    assert response.content == pki.certificate_der(issuer)


def test_a_crl_is_never_dated_before_a_revocation_it_lists(eseal, people):
    seal_services.seal_revoke(actor=people.township, seal_id=eseal.pk, reason="换届")
    key = KeyPair.objects.get(seal=eseal)
    crl = x509.load_der_x509_crl(bytes(pki.current_crl(key.issuer).der))
    listed = crl.get_revoked_certificate_by_serial_number(int(key.serial_number, 16))
    assert listed is not None
    assert crl.last_update_utc >= listed.revocation_date_utc
    assert crl.last_update_utc >= key.revoked_at.replace(microsecond=0)


# Renewal ------------------------------------------------------------------------------


def test_timestamp_renew_adds_an_archive_timestamp_once_and_is_journaled(
    issued_lta, people, eseal
):
    """`yinzheng esign timestamp-renew`: a certificate whose last timestamp expires
    within the horizon gets a new document timestamp; run again, nothing changes; the
    renewed file stays valid for the outside verifier after the seal is revoked."""
    from django.core.management import call_command

    from yinzheng.esign import archive
    from yinzheng.ledger.models import Entry

    doc, _approved, signed = issued_lta
    call_command("esign", "timestamp-renew", "--before-days", "10")
    doc.refresh_from_db()
    assert f.signed_bytes(doc) == signed  # good for years: left alone
    horizon_days = str(365 * 7)  # beyond the authority's certificate
    call_command("esign", "timestamp-renew", "--before-days", horizon_days)
    doc.refresh_from_db()
    renewed = f.signed_bytes(doc)
    assert renewed.startswith(signed) and len(renewed) > len(signed)
    reader = PdfFileReader(io.BytesIO(renewed))
    assert len(reader.embedded_timestamp_signatures) == 2
    assert Entry.objects.filter(event="esign.document_timestamp_renewed").count() == 1
    seal_services.seal_revoke(actor=people.township, seal_id=eseal.pk, reason="换届")
    status = outside_verdict(renewed, root_of(doc))
    assert status.bottom_line, status.summary()
    # Idempotent: the new timestamp's certificate is past a 365-day horizon.
    call_command("esign", "timestamp-renew")
    doc.refresh_from_db()
    assert f.signed_bytes(doc) == renewed
    assert archive.due(renewed, horizon=doc.signed_at) is False


def test_timestamp_renew_brings_a_b_b_certificate_to_long_term(issued, people, eseal):
    """A certificate sealed before B-LTA (B-B) gets its validation data and a first
    document timestamp while its seal is valid, and then survives the revocation."""
    from yinzheng.core import clock
    from yinzheng.core.actors import SYSTEM
    from yinzheng.esign import archive

    doc, _approved, signed = issued
    assert doc.level == "B-B"
    outcome = archive.document_timestamp_renew(
        actor=SYSTEM, serial=doc.serial, horizon=clock.now()
    )
    assert outcome == archive.RENEWED
    doc.refresh_from_db()
    assert doc.level == "B-LTA"
    seal_services.seal_revoke(actor=people.township, seal_id=eseal.pk, reason="换届")
    status = outside_verdict(f.signed_bytes(doc), root_of(doc))
    assert status.bottom_line, status.summary()


def test_a_b_b_certificate_whose_seal_is_revoked_cannot_be_renewed(
    issued, people, eseal
):
    from yinzheng.core import clock
    from yinzheng.core.actors import SYSTEM
    from yinzheng.esign import archive

    doc, _approved, signed = issued
    seal_services.seal_revoke(actor=people.township, seal_id=eseal.pk, reason="换届")
    outcome = archive.document_timestamp_renew(
        actor=SYSTEM, serial=doc.serial, horizon=clock.now()
    )
    assert outcome == archive.NOT_RENEWABLE
    doc.refresh_from_db()
    assert f.signed_bytes(doc) == signed


@pytest.fixture
def issued(eseal, people):
    doc, approved = f.issued(eseal, clerk=people.clerk, custodian=people.custodian)
    return doc, approved, f.signed_bytes(doc)


def test_a_copy_handed_out_before_a_renewal_is_still_the_issued_copy(
    issued_lta, people, eseal
):
    """After `timestamp-renew` grew the stored file, a resident's older copy has the
    same signed revision: yinzheng still recognises it as the issued certificate."""
    from django.core.management import call_command

    doc, _approved, signed = issued_lta
    call_command("esign", "timestamp-renew", "--before-days", str(365 * 7))
    doc.refresh_from_db()
    assert f.signed_bytes(doc) != signed
    older = verification.verify_pdf(signed)
    assert older.verdict == Verdict.VALID, older.checks
    renewed = verification.verify_pdf(f.signed_bytes(doc))
    assert renewed.verdict == Verdict.VALID, renewed.checks
