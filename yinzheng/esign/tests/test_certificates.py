"""The certificate journey with an electronic seal (design.md §3): the token is made
before rendering and printed as the QR, the head approves that PDF, the custodian's
sealing signs it (PAdES) in the transaction that writes the register entry; a revoked
certificate refuses the issue; verification ties signature, approval and register
together (REQ-046, REQ-054, REQ-057, REQ-115)."""

import hashlib
import io
import shutil
import subprocess

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from yinzheng.certificates import documents
from yinzheng.certificates import services as certificates
from yinzheng.certificates.choices import Status
from yinzheng.certificates.services import issue
from yinzheng.certificates.tests import factories as cf
from yinzheng.certificates.tests.conftest import _media, catalogue, people  # noqa: F401
from yinzheng.esign import pki, verification
from yinzheng.esign.choices import RevocationReason, Verdict
from yinzheng.esign.models import KeyPair, SignedDocument
from yinzheng.seals.choices import SealForm
from yinzheng.seals.tests import factories as seal_factories

pytestmark = pytest.mark.django_db
A1A = "620725101001"


@pytest.fixture
def eseal(people):  # noqa: F811
    return seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=A1A,
        form=SealForm.ELECTRONIC,
    )


def approved(people, item):  # noqa: F811
    req = cf.request(actor=people.clerk, committee=A1A, item=item, electronic=True)
    certificates.request_verify(
        actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )
    return certificates.request_approve(actor=people.head, request_id=req.pk)


def read(field) -> bytes:
    with field.open("rb") as fh:
        return fh.read()


def test_an_electronically_issued_certificate_is_signed_and_verifies(
    people,  # noqa: F811
    eseal,
    catalogue,  # noqa: F811
    client,
    tmp_path,
):
    req = approved(people, catalogue.simple)
    doc = SignedDocument.objects.get(serial=req.serial)
    assert doc.signed_at is None and doc.holder_masked == "张*"
    req = certificates.request_issue(actor=people.custodian, request_id=req.pk)
    assert req.status == Status.ISSUED
    doc.refresh_from_db()
    assert doc.register_entry_id == req.register_entry_id
    # Issue 14: the head approved the draft; the signature covers the certificate
    # rendered from the same content, and the register names the draft.
    assert doc.draft_sha256 == req.certificate_sha256
    assert doc.approved_sha256 == req.issued_sha256 != req.certificate_sha256
    issued_pdf, signed = read(req.issued_pdf), read(doc.signed_pdf)
    assert signed.startswith(issued_pdf)  # the issued rendering is revision 1
    assert hashlib.sha256(read(req.certificate_pdf)).hexdigest() == (
        req.certificate_sha256
    )
    # The seal appearance sits where the certificate leaves the seal.
    cx, cy, diameter = documents.seal_position(
        issue._certificate_doc(
            req,
            serial=req.serial,
            now=req.verified_at,
            template=req.template_text,
            seal=eseal,
        )
    )
    rect = [
        float(v)
        for v in PdfFileReader(io.BytesIO(signed))
        .embedded_signatures[0]
        .sig_field["/Rect"]
    ]
    assert (
        abs((rect[0] + rect[2]) / 2 - cx) <= 1
        and abs((rect[1] + rect[3]) / 2 - cy) <= 1
    )
    assert abs(rect[2] - rect[0] - diameter) <= 1
    result = verification.verify_pdf(signed, holder_name="张三")
    assert result.verdict == Verdict.VALID, result.as_dict()
    assert result.name_matches is True
    assert verification.verify_token(doc.token).verdict == Verdict.VALID
    # Staff download the signed file.
    client.force_login(people.clerk)
    response = client.get(f"/certificates/{req.pk}/files/certificate.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == signed
    if shutil.which("pdfsig"):
        path = tmp_path / "issued.pdf"
        path.write_bytes(signed)
        out = subprocess.run(
            ["pdfsig", str(path)], capture_output=True, text=True, timeout=60
        ).stdout
        assert "Signature is Valid." in out, out


def test_a_revoked_certificate_refuses_the_issue_and_nothing_is_registered(
    people,  # noqa: F811
    eseal,
    catalogue,  # noqa: F811
):
    """REQ-115: revoked in the PKI (key compromised), the seal signs nothing; the
    whole issue rolls back — no register entry, the request stays approved."""
    req = approved(people, catalogue.simple)
    key = KeyPair.objects.get(seal=eseal)
    pki.revoke(key, at=key.not_before, reason=RevocationReason.KEY_COMPROMISE)
    with pytest.raises(pki.CertificateRevoked):
        certificates.request_issue(actor=people.custodian, request_id=req.pk)
    req.refresh_from_db()
    assert req.status == Status.APPROVED and req.register_entry_id is None
    assert SignedDocument.objects.get(serial=req.serial).signed_at is None


def test_a_physically_sealed_certificate_has_a_paper_token_and_no_signature(
    people,  # noqa: F811
    catalogue,  # noqa: F811
):
    """Issue 14: a paper certificate's token is signed by its township, not a seal."""
    seal = cf.committee_seal(people, A1A)
    req = cf.issued(people, A1A, catalogue.simple)
    assert req.seal == seal and req.status == Status.ISSUED
    doc = SignedDocument.objects.get()
    assert doc.seal_key.purpose == "authority" and doc.seal_key.division_id == A1A[:9]
    assert doc.signed_at is not None and not doc.signed_pdf and not doc.level


def test_the_head_annuls_an_issued_certificate_and_its_token_says_withdrawn(
    people,  # noqa: F811
    eseal,
    catalogue,  # noqa: F811
    client,
):
    req = approved(people, catalogue.simple)
    req = certificates.request_issue(actor=people.custodian, request_id=req.pk)
    doc = SignedDocument.objects.get(serial=req.serial)
    from yinzheng.core.errors import InvalidInput, NotAllowed

    with pytest.raises(NotAllowed):
        certificates.request_annul(
            actor=people.clerk, request_id=req.pk, reason="事实有误"
        )
    with pytest.raises(InvalidInput):
        certificates.request_annul(actor=people.head, request_id=req.pk, reason=" ")
    req = certificates.request_annul(
        actor=people.head, request_id=req.pk, reason="居住事实有误，已重新核实"
    )
    assert req.status == Status.ANNULLED
    assert req.register_entry is not None  # the sealing stays recorded
    assert verification.verify_token(doc.token).verdict == Verdict.WITHDRAWN
    client.force_login(people.head)
    page = client.get(f"/certificates/{req.pk}/").content.decode()
    assert "出具后已作废" in page
