"""Where the certificate work calls esign: three small steps (design.md §3, steps 3–4).

- `with_token` (request_verify, before rendering): make the certificate's signed QR
  token — for an electronic seal with the seal's key, recording where the page leaves
  the seal; for a physical seal (a paper certificate, issue 14) with the township's
  issuing-authority key — and its check code (核验码, printed beside the serial); the
  returned CertificateDoc carries both, and the issued rendering prints them (the draft
  the head approves shows neither).
- `sign_issued` (request_issue, after usage_seal wrote the register entry): apply the
  PAdES signature to the issued rendering of the approved draft, in the same
  transaction; a revoked seal refuses the whole issue. A paper certificate has no
  signature: its token is marked issued, the moment the custodian records the stamping.
- `issued_file`, `certificate_file` (downloads): the signed PDF of an issued
  certificate, when there is one; the issued rendering; before issue, the draft.

A request verified before paper tokens (no SignedDocument) passes through untouched.
"""

import dataclasses
from typing import Any

from yinzheng.core.actors import SYSTEM
from yinzheng.core.db import unique_row
from yinzheng.esign import qr, services
from yinzheng.esign.models import SignedDocument
from yinzheng.seals.choices import SealForm

from . import documents


def with_token(
    *, actor: Any, seal: Any, doc: Any, item_key: str, valid_days: int | None = None
) -> Any:
    """`doc` (certificates.documents.CertificateDoc) with its QR token and check code:
    the electronic seal's token, or for a physical seal the paper certificate's;
    `valid_days` (the item guide's validity) becomes the token's expiry."""
    doc = dataclasses.replace(doc, check_code=qr.check_code(doc.serial))
    if seal.form != SealForm.ELECTRONIC:
        paper = services.paper_document_prepare(
            actor=actor,
            committee_code=seal.committee_id,
            serial=doc.serial,
            item_key=item_key,
            item_name=doc.title,
            issue_date=doc.issue_date,
            holder_name=doc.resident_name,
            valid_days=valid_days,
        )
        return dataclasses.replace(doc, qr_payload=qr.address(paper.token))
    try:
        services.seal_key(seal)
    except services.NoSealCertificate:
        # An electronic seal issued before esign: certified now, by its township.
        services.seal_certificate_issue(actor=SYSTEM, seal_id=seal.pk)
    cx, cy, diameter = documents.seal_position(doc)
    half = diameter / 2
    prepared = services.document_prepare(
        actor=actor,
        seal_id=seal.pk,
        serial=doc.serial,
        item_key=item_key,
        item_name=doc.title,
        issue_date=doc.issue_date,
        holder_name=doc.resident_name,
        seal_box=(cx - half, cy - half, cx + half, cy + half),
        valid_days=valid_days,
    )
    # The address in upper case, all in the QR alphanumeric alphabet (issue 14).
    return dataclasses.replace(doc, qr_payload=qr.address(prepared.token))


def sign_issued(
    *, actor: Any, serial: str, pdf: bytes, usage: Any, from_draft: bool
) -> Any:
    """Sign the issued PDF of a certificate prepared with `with_token`, or mark a paper
    certificate's token issued; None for a certificate without a token (verified
    before paper tokens). With `from_draft`, `pdf` is the rendering of the approved
    draft's content (issue 14), checked against the draft by the caller; without, it
    is the approved file itself (a request approved before drafts), and esign checks
    it against the approval."""
    prepared = unique_row(  # the serial is unique
        SignedDocument.objects.select_related("seal_key").filter(serial=serial)
    )
    if prepared is None:
        return None
    if qr.is_paper(prepared):
        return services.paper_document_issue(
            actor=actor,
            serial=serial,
            pdf=pdf,
            draft_sha256=usage.approved_sha256 if from_draft else "",
            register_entry=usage.register_entry,
        )
    return services.document_sign(
        actor=actor,
        serial=serial,
        pdf=pdf,
        approved_sha256=usage.approved_sha256,
        rendered_from_draft=from_draft,
        register_entry=usage.register_entry,
    )


def issue_marks(serial: str) -> dict[str, Any]:
    """What an issued certificate shows that its draft does not, from where it is kept:
    the QR address of its signed token and its check code (none for a certificate
    verified before tokens)."""
    prepared = unique_row(SignedDocument.objects.filter(serial=serial).only("token"))
    if prepared is None:
        return {"qr_payload": None, "check_code": ""}
    return {
        "qr_payload": qr.address(prepared.token),
        "check_code": qr.check_code(serial),
    }


def issued_file(serial: str):
    """The signed PDF of an issued certificate, or None."""
    if not serial:
        return None
    doc = (
        SignedDocument.objects.filter(serial=serial, signed_at__isnull=False)
        .only("signed_pdf")
        .first()
    )
    return doc.signed_pdf if doc is not None and doc.signed_pdf else None


def certificate_file(req: Any) -> tuple[Any, str]:
    """The certificate a download serves, and its file name: the signed PDF of an
    issued electronic certificate, else the issued rendering, else (before issue) the
    draft, named as one."""
    signed = issued_file(req.serial)
    if signed:
        return signed, f"{req.serial}.pdf"
    if req.issued_pdf or req.issued_at is not None:
        # Issued before drafts existed, the approved file is the certificate.
        return req.issued_pdf or req.certificate_pdf, f"{req.serial}.pdf"
    return req.certificate_pdf, f"{req.serial}-draft.pdf"
