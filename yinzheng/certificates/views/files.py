"""The files of a request, served only through the visibility filter, never from a public
media URL: the certificate (signed, once an electronic one is issued), the refusal
notice, the commitment and the form to print and sign while the commitment route is
open (REQ-082), the resident's signature, and the materials.
"""

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from .. import electronic, services
from ..models import Attachment
from .common import _request_or_404


@login_required
def document(request, pk: int, kind: str):
    """The certificate, the refusal notice or the commitment (printable PDF); the
    notification form to print and sign while the commitment route is open."""
    req = _request_or_404(request.user, pk)
    if kind == "commitment-form":
        if not services.commitment_allowed(req):
            raise Http404
        return FileResponse(
            io.BytesIO(services.notification_pdf(req)),
            content_type="application/pdf",
            filename=f"{req.tracking_code}-commitment.pdf",
        )
    if kind == "commitment":
        commitment = getattr(req, "commitment", None)
        if commitment is None:
            raise Http404
        return _file(commitment.pdf, f"{commitment.number}.pdf", "application/pdf")
    # An issued electronic certificate is served signed (esign); otherwise as approved.
    certificate = electronic.issued_file(req.serial) or req.certificate_pdf
    field = {"certificate": certificate, "notice": req.refusal_notice}.get(kind)
    if not field:
        raise Http404
    name = f"{req.serial if kind == 'certificate' else req.refusal_notice_no}.pdf"
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, content_type="application/pdf", filename=name)


def _file(field, name: str, content_type: str | None = None):
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, content_type=content_type, filename=name)


@login_required
def commitment_signature(request, pk: int):
    """The resident's signature of the commitment (drawn PNG or scanned page)."""
    req = _request_or_404(request.user, pk)
    commitment = getattr(req, "commitment", None)
    if commitment is None:
        raise Http404
    return _file(commitment.signature, commitment.signature_name)


@login_required
def attachment(request, pk: int, attachment_id: int):
    req = _request_or_404(request.user, pk)
    found = Attachment.objects.filter(request=req, pk=attachment_id).first()
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=found.name)
