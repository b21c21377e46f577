"""Issuance does each step once (issue 15): the draft is rendered at verification and
the certificate at issue, never the draft a second time to prove the content
unchanged: the content's SHA-256, kept at verification and recorded in the audit,
proves it (REQ-057). A request verified before the hash was kept is still checked by
rendering its draft again. The QR code's fixed mask reads back with a common decoder."""

import base64
import random
import shutil
import subprocess

import pytest

from yinzheng.certificates import documents, services
from yinzheng.certificates.choices import Status
from yinzheng.certificates.models import CertificateRequest
from yinzheng.core.errors import Conflict
from yinzheng.ledger import audit

from .factories import request

pytestmark = pytest.mark.django_db

A1A = "620725101001"


@pytest.fixture
def renders(monkeypatch):
    """Every certificate rendering, draft or not."""
    seen = []
    original = documents.render_certificate

    def counting(doc):
        seen.append(doc.draft)
        return original(doc)

    monkeypatch.setattr(documents, "render_certificate", counting)
    return seen


def _approved(people, catalogue):
    req = request(actor=people.clerk, committee=A1A, item=catalogue.simple)
    services.request_verify(
        actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
    )
    services.request_approve(actor=people.head, request_id=req.pk)
    return CertificateRequest.objects.get(pk=req.pk)


def test_an_issuance_renders_the_draft_once_and_the_certificate_once(
    people, seal, catalogue, renders
):
    req = _approved(people, catalogue)
    assert renders == [True]
    services.request_issue(actor=people.custodian, request_id=req.pk)
    assert renders == [True, False]


def test_the_content_hash_is_kept_at_verification_and_in_its_audit_entry(
    people, seal, catalogue
):
    req = _approved(people, catalogue)
    doc = documents.doc_from_content(req.certificate_content)
    assert req.content_sha256 == documents.content_sha256(doc)
    (verified,) = [
        event
        for event in audit.history(req)
        if event.event == "certificate_request.verified"
    ]
    assert verified.after["content_sha256"] == req.content_sha256


def test_content_changed_behind_the_service_is_refused_without_rendering_REQ_057(
    people, seal, catalogue, renders
):
    req = _approved(people, catalogue)
    content = dict(req.certificate_content)
    content["purpose"] = "另作他用"
    CertificateRequest.objects.filter(pk=req.pk).update(certificate_content=content)
    renders.clear()
    with pytest.raises(Conflict) as exc:
        services.request_issue(actor=people.custodian, request_id=req.pk)
    assert exc.value.code == "stale_content"
    assert renders == []
    assert CertificateRequest.objects.get(pk=req.pk).status == Status.APPROVED


def test_a_request_verified_before_the_content_hash_is_checked_by_its_draft(
    people, seal, catalogue, renders
):
    # Verified by an earlier version: no content hash on the row.
    req = _approved(people, catalogue)
    CertificateRequest.objects.filter(pk=req.pk).update(content_sha256="")
    renders.clear()
    issued = services.request_issue(actor=people.custodian, request_id=req.pk)
    assert issued.status == Status.ISSUED
    assert renders == [True, False]  # the draft again, then the certificate
    # and a changed one is refused (REQ-057)
    other = _approved(people, catalogue)
    content = dict(other.certificate_content)
    content["body"] += "另：此人品行端正。"
    CertificateRequest.objects.filter(pk=other.pk).update(
        certificate_content=content, content_sha256=""
    )
    with pytest.raises(Conflict) as exc:
        services.request_issue(actor=people.custodian, request_id=other.pk)
    assert exc.value.code == "stale_content"


def test_qr_codes_with_the_fixed_mask_read_back_with_zbarimg(tmp_path):
    if shutil.which("zbarimg") is None:
        pytest.skip(
            "zbarimg not installed (apt-get install zbar-tools): the fixed QR mask "
            "is not read back"
        )
    # Given certificate addresses of the length and alphabet the tokens have (the
    # same 40 in every run)
    rng = random.Random(20261206)
    payloads = [
        "HTTPS://YINZHENG.SHANDAN.GOV.CN/V/YZ2:"
        + base64.b32encode(rng.randbytes(140)).decode().rstrip("=")
        for _ in range(40)
    ]
    files = []
    for i, payload in enumerate(payloads):
        code = documents.qr_code(payload)
        assert code.mask == documents.QR_MASK
        path = tmp_path / f"qr{i:02d}.png"
        code.save(path, scale=4, border=4)
        files.append(str(path))
    # When a common decoder reads them
    out = subprocess.run(
        # QR only: a linear-barcode reader may see a short code in a QR's modules
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", *files],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.split()
    # Then every one gives its address back
    assert out == payloads
