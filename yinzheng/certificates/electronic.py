"""Where the certificate work calls esign: three small steps (design.md §3, steps 3–4).

- `with_token` (request_verify, before rendering): for an electronic seal, make the
  certificate's signed QR token and record where the page leaves the seal; the returned
  CertificateDoc carries the QR address, so the PDF the head approves already holds it.
- `sign_issued` (request_issue, after usage_seal wrote the register entry): apply the
  PAdES signature to the approved PDF, in the same transaction; a revoked seal or a
  changed file refuses the whole issue.
- `issued_file` (downloads): the signed PDF of an issued certificate, when there is one.

A physical seal passes through all three untouched.
"""

import dataclasses
from typing import Any

from yinzheng.core.actors import SYSTEM
from yinzheng.esign import qr, services
from yinzheng.esign.models import SignedDocument
from yinzheng.seals.choices import SealForm

from . import documents


def with_token(*, actor: Any, seal: Any, doc: Any, item_key: str) -> Any:
    """`doc` (certificates.documents.CertificateDoc) with its QR token, for an
    electronic seal; as it is for a physical one."""
    if seal.form != SealForm.ELECTRONIC:
        return doc
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
    )
    # The address in upper case, all in the QR alphanumeric alphabet (issue 14).
    return dataclasses.replace(doc, qr_payload=qr.address(prepared.token))


def sign_issued(*, actor: Any, serial: str, pdf_field: Any, usage: Any):
    """Sign the approved PDF of a certificate prepared with `with_token`; None for a
    certificate without a token (a physical seal)."""
    if not SignedDocument.objects.filter(serial=serial).exists():
        return None
    with pdf_field.open("rb") as fh:
        pdf = fh.read()
    return services.document_sign(
        actor=actor,
        serial=serial,
        pdf=pdf,
        approved_sha256=usage.approved_sha256,
        register_entry=usage.register_entry,
    )


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
