"""The documents of a certificate case, as PDF: the certificate (`certificate`), the
refusal notice (`refusal`), the notification-commitment form (`commitment`) and the
online application's receipt (`receipt`), on the page they share (`page`).

Everything here is a pure function of a plain dataclass: no database, no clock. The same
input gives the same bytes (ReportLab's invariant mode; the font from yinzheng.core.pdf),
because the approval binds the SHA-256 of the rendered certificate (design §3): what is
sealed is exactly what was approved. The documents are legal texts in Chinese, so they
are rendered in zh-hans whatever the language of the request.

Callers import from the package (`documents.render_certificate(...)`).
"""

from .certificate import (
    PLACEHOLDERS,
    QR_MASK,
    CertificateDoc,
    certificate_paragraphs,
    content_sha256,
    doc_content,
    doc_from_content,
    fill_template,
    qr_code,
    render_certificate,
    seal_position,
    template_values,
    uses_placeholders,
)
from .commitment import CommitmentDoc, render_commitment
from .page import MARGIN_MM, QR_SIZE_MM, SEAL_DIAMETER_MM, cn_date
from .receipt import ReceiptDoc, render_receipt
from .refusal import RefusalDoc, render_refusal

__all__ = [
    "MARGIN_MM",
    "PLACEHOLDERS",
    "QR_MASK",
    "doc_content",
    "doc_from_content",
    "QR_SIZE_MM",
    "SEAL_DIAMETER_MM",
    "CertificateDoc",
    "CommitmentDoc",
    "ReceiptDoc",
    "RefusalDoc",
    "certificate_paragraphs",
    "content_sha256",
    "cn_date",
    "fill_template",
    "qr_code",
    "render_certificate",
    "render_commitment",
    "render_receipt",
    "render_refusal",
    "seal_position",
    "template_values",
    "uses_placeholders",
]
