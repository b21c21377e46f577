"""Certificates under an electronic seal, made through the esign services the way the
certificate work calls them: prepared (token), rendered, signed by the custodian."""

import datetime as dt
import hashlib
import io
import itertools
from typing import Any

from yinzheng.core import clock
from yinzheng.esign import services
from yinzheng.esign.models import SignedDocument
from yinzheng.registers.services import books as registers

_numbers = itertools.count(1)
HOLDER = "张三丰"


def pdf_with(text: str) -> bytes:
    """A small one-page PDF carrying `text` (ReportLab, uncompressed, so a test can
    find and change a byte of the text)."""
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, invariant=1, pageCompression=0)
    c.setCreator("yinzheng test")
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def register_entry(seal: Any, *, custodian: Any, serial: str, sha256: str):
    """The certificate register entry of the sealing (REQ-072), as usage_seal writes
    it."""
    return registers.register_append(
        actor=custodian,
        committee_code=seal.committee_id,
        register=registers.Register.CERTIFICATE,
        matter=f"test:{serial}",
        fields={
            "sealed_at": clock.now().strftime("%Y-%m-%d %H:%M"),
            "requiring_unit": "县人社局",
            "purpose": "办理社保",
            "phone": "13800000000",
            "content": "居住证明（张**）",
            "certificate_no": serial,
            "copies": 1,
            "approver": "主任",
            "handler": "经办",
            "reviewer": "经办",
            "custodian": custodian.display_name,
            "category": "C2",
            "seal": seal.serial,
            "document_sha256": sha256,
        },
    )


def prepared(seal: Any, *, clerk: Any, holder: str = HOLDER) -> SignedDocument:
    serial = f"{seal.committee_id}-2026-{next(_numbers):06d}"
    return services.document_prepare(
        actor=clerk,
        seal_id=seal.pk,
        serial=serial,
        item_key="residence_certificate",
        item_name="居住证明",
        issue_date=clock.today(),
        holder_name=holder,
    )


def issued(
    seal: Any,
    *,
    clerk: Any,
    custodian: Any,
    holder: str = HOLDER,
    box: tuple[float, float, float, float] | None = (380, 150, 500, 270),
    timestamp_url: str | None = "",
) -> tuple[SignedDocument, bytes]:
    """Prepared, rendered with the token, registered and signed: (document, approved
    PDF bytes)."""
    doc = prepared(seal, clerk=clerk, holder=holder)
    pdf = pdf_with(f"certificate {doc.serial} {doc.token[:40]}")
    digest = hashlib.sha256(pdf).hexdigest()
    entry = register_entry(seal, custodian=custodian, serial=doc.serial, sha256=digest)
    doc = services.document_sign(
        actor=custodian,
        serial=doc.serial,
        pdf=pdf,
        approved_sha256=digest,
        register_entry=entry,
        box=box,
        timestamp_url=timestamp_url,
    )
    return doc, pdf


def signed_bytes(doc: SignedDocument) -> bytes:
    with doc.signed_pdf.open("rb") as fh:
        return fh.read()


def later(moment: dt.datetime, **delta: float) -> dt.datetime:
    return moment + dt.timedelta(**delta)
