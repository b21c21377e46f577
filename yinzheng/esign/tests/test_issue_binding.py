"""What a review of issue 14 found, each proved: the issued certificate's QR and check
code come from the signed token and the key, never from stored content; a validity
set by the guide holds whichever way a certificate is asked about, and an expired one
is not issued; a wrong check code never reaches the database; a crafted token with an
impossible date is refused, not a crash; an old issued certificate downloads as the
certificate, not as a draft."""

import dataclasses

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from yinzheng.catalogue.models import Guide
from yinzheng.certificates import documents, electronic
from yinzheng.certificates import services as certificates
from yinzheng.certificates.models import CertificateRequest
from yinzheng.certificates.tests import factories as cert_factories
from yinzheng.core.errors import Conflict
from yinzheng.core.files import stored_bytes
from yinzheng.esign import cose, offline, qr, tokens, trustlist, verification
from yinzheng.esign.base45 import b45decode, b45encode
from yinzheng.esign.choices import Verdict
from yinzheng.esign.models import SignedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff(tree):
    people = cert_factories.committee_people(tree)
    cert_factories.committee_seal(people, tree["A1a"])
    return people


def _approved(staff, tree, item):
    req = cert_factories.request(actor=staff.clerk, committee=tree["A1a"], item=item)
    certificates.request_verify(
        actor=staff.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )
    certificates.request_approve(actor=staff.head, request_id=req.pk)
    return CertificateRequest.objects.get(pk=req.pk)


def test_the_issued_qr_comes_from_the_token_not_from_stored_content(staff, tree):
    catalogue = cert_factories.county_catalogue()
    req = _approved(staff, tree, catalogue.simple)
    content = dict(req.certificate_content)
    content["qr_payload"] = (
        "HTTPS://EVIL.EXAMPLE/V/YZ2:FORGED"  # written behind our back
    )
    content["check_code"] = "0000-0000"
    CertificateRequest.objects.filter(pk=req.pk).update(certificate_content=content)
    issued = certificates.request_issue(actor=staff.custodian, request_id=req.pk)
    expected = documents.render_certificate(
        dataclasses.replace(
            documents.doc_from_content(req.certificate_content),
            made_at=issued.issued_at,  # issue 16: dated at issue
            **electronic.issue_marks(req.serial),
        )
    )
    assert stored_bytes(issued.issued_pdf) == expected
    token = SignedDocument.objects.get(serial=req.serial).token
    assert electronic.issue_marks(req.serial)["qr_payload"] == qr.address(token)


def test_a_guide_validity_holds_by_serial_and_check_code_too(staff, tree, clock_at):
    clock_at(2026, 3, 2, 10)
    catalogue = cert_factories.county_catalogue()
    Guide.objects.update_or_create(
        item=catalogue.simple, defaults={"validity_days": 10}
    )
    req = _approved(staff, tree, catalogue.simple)
    certificates.request_issue(actor=staff.custodian, request_id=req.pk)
    code = qr.check_code(req.serial)
    assert verification.verify_check_code(req.serial, code).verdict == Verdict.VALID
    clock_at(2026, 3, 13, 10)
    late = verification.verify_check_code(req.serial, code)
    assert late.verdict == Verdict.INVALID
    assert "expiry" in [c.name for c in late.checks]


def test_a_certificate_already_past_its_validity_is_not_issued(staff, tree, clock_at):
    clock_at(2026, 3, 2, 10)
    catalogue = cert_factories.county_catalogue()
    Guide.objects.update_or_create(item=catalogue.simple, defaults={"validity_days": 1})
    req = _approved(staff, tree, catalogue.simple)
    clock_at(2026, 3, 5, 10)  # approved, then left for days
    with pytest.raises(Conflict) as refused:
        certificates.request_issue(actor=staff.custodian, request_id=req.pk)
    assert refused.value.code == "document_expired"


def test_a_wrong_check_code_never_looks_the_serial_up(staff, tree):
    """The same work for a serial that exists and one never issued: the code is
    checked first (against the installation secret), the certificates never read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    catalogue = cert_factories.county_catalogue()
    req = _approved(staff, tree, catalogue.simple)
    certificates.request_issue(actor=staff.custodian, request_id=req.pk)
    seen = []
    for serial in (req.serial, "620725101001-2026-999999"):
        with CaptureQueriesContext(connection) as queries:
            assert verification._checked_document(serial, "ZZZZ-ZZZZ") is None
        seen.append([q["sql"] for q in queries.captured_queries])
    assert seen[0] == seen[1]
    assert not any("esign_signeddocument" in sql for sql in seen[0])


def test_a_token_with_an_impossible_date_is_refused_offline_not_a_crash(staff, tree):
    catalogue = cert_factories.county_catalogue()
    req = _approved(staff, tree, catalogue.simple)
    certificates.request_issue(actor=staff.custodian, request_id=req.pk)
    doc = SignedDocument.objects.select_related("seal_key").get(serial=req.serial)
    payload = cbor2.loads(cose.decode(b45decode(doc.token[4:])).payload)
    payload[6] = 10**20  # iat past the year 9999, signed by a key of its own
    forged = "YZ2:" + b45encode(
        cose.sign1(
            cbor2.dumps(payload, canonical=True),
            kid=bytes.fromhex(qr.cert_kid(doc.seal_key)),
            private_key=ec.generate_private_key(ec.SECP256R1()),
        )
    )
    result = offline.verify_token(forged, trustlist.build())
    assert result.verdict == offline.INVALID
    with pytest.raises(tokens.TokenError):
        tokens.parse(forged)


def test_a_certificate_issued_before_drafts_downloads_as_the_certificate(staff, tree):
    catalogue = cert_factories.county_catalogue()
    req = _approved(staff, tree, catalogue.simple)
    issued = certificates.request_issue(actor=staff.custodian, request_id=req.pk)
    # As a certificate issued before this version: no issued rendering, no token.
    SignedDocument.objects.filter(serial=req.serial).delete()
    CertificateRequest.objects.filter(pk=issued.pk).update(issued_pdf="")
    legacy = CertificateRequest.objects.get(pk=issued.pk)
    field, name = electronic.certificate_file(legacy)
    assert name == f"{legacy.serial}.pdf" and field == legacy.certificate_pdf
    assert legacy.issued_at is not None
