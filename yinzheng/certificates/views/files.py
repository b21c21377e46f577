"""The files of a request, served only through the visibility filter, never from a public
media URL: the certificate (signed, once an electronic one is issued), the refusal
notice, the commitment and the form to print and sign while the commitment route is
open (REQ-082), the resident's signature, and the materials.

Every file goes out through `core.uploads` (issue 13): an explicit Content-Type from
the type its content shows, nosniff, and inline only for a PDF or an image.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404

from yinzheng.core import uploads

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
        return uploads.serve_bytes(
            services.notification_pdf(req),
            file_type=uploads.PDF,
            filename=f"{req.tracking_code}-commitment.pdf",
            inline=True,
        )
    if kind == "commitment":
        commitment = getattr(req, "commitment", None)
        if commitment is None:
            raise Http404
        return uploads.serve(
            commitment.pdf,
            filename=f"{commitment.number}.pdf",
            file_type=uploads.PDF,
            inline=True,
        )
    # Issued: the certificate (signed, for an electronic one); before: the draft.
    if kind == "certificate":
        field, name = electronic.certificate_file(req)
    elif kind == "notice":
        field, name = req.refusal_notice, f"{req.refusal_notice_no}.pdf"
    else:
        raise Http404
    if not field:
        raise Http404
    return uploads.serve(field, filename=name, file_type=uploads.PDF, inline=True)


@login_required
def commitment_signature(request, pk: int):
    """The resident's signature of the commitment (drawn PNG or scanned page), typed
    by its content: a PNG, a JPEG or a PDF shown in the browser, anything else (a file
    stored before issue 13 was fixed) an attachment, never a page."""
    req = _request_or_404(request.user, pk)
    commitment = getattr(req, "commitment", None)
    if commitment is None:
        raise Http404
    return uploads.serve(
        commitment.signature,
        filename=commitment.signature_name,
        inline=True,
        fallback=f"signature-{commitment.number}",
    )


@login_required
def attachment(request, pk: int, attachment_id: int):
    req = _request_or_404(request.user, pk)
    found = Attachment.objects.filter(request=req, pk=attachment_id).first()
    if found is None:
        raise Http404
    return uploads.serve(
        found.file, filename=found.name, fallback=f"material-{found.pk}"
    )
