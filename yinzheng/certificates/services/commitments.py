"""Notification-commitment (告知承诺制, REQ-082, REQ-083): the resident's signed
commitment in place of the certificate.

    received ─commitment_record─▶ committed   (the request, final, nothing sealed)
                  └─▶ VerificationTask open   (services.verification)

Where the item allows it (`rules.decide()` says `commitment_available`), the clerk prints
the notification (what the law requires, what a false commitment costs; `notification_pdf`,
unnumbered, writes nothing), the resident signs the commitment — on the screen, or on
the printed page that is then scanned — and `commitment_record` stores the rendered PDF
(documents.render_commitment, numbered from the committee's counter) and the signature,
closes the request as COMMITTED without any seal and opens the commitment's
post-verification task (REQ-082, REQ-083). The journal keeps the hashes of the texts,
the PDF and the signature, never the texts themselves or the ID number.
"""

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.catalogue.models import Guide
from yinzheng.core import clock, masking, uploads
from yinzheng.core.actors import person, require_person
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput
from yinzheng.core.transitions import move_to
from yinzheng.ledger import audit
from yinzheng.registers.forms import signature_png_problem

from .. import documents, selectors
from ..choices import Closing, SignatureMethod, Status
from ..errors import CertificateCode
from ..models import CertificateRequest, Commitment, VerificationTask
from .common import FIELDS, HANDLE, _digest, _lock, _refresh_decision, _require_status
from .serials import commitment_number

MAX_SCAN_BYTES = 20 * 1024 * 1024
MAX_TEXT = 8000


class CommitmentNotAllowed(Conflict):
    code = CertificateCode.COMMITMENT_NOT_ALLOWED


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _basis(req: CertificateRequest) -> str:
    if not req.item_id:
        return ""
    guide = Guide.objects.filter(item_id=req.item_id).only("basis").first()
    if guide is not None and guide.basis.strip():
        return guide.basis.strip()
    item = req.item
    assert item is not None  # item_id is set (checked above)
    return "；".join(b.citation for b in item.bases.all())


def default_notification(req: CertificateRequest) -> str:
    """What the committee tells the resident before the commitment: the item, what
    the law requires to be true, the basis, how the commitment replaces the
    certificate, the post-verification, and the consequences of a false commitment."""
    lines = [
        _("一、证明事项：%(item)s；用途：%(purpose)s；需要单位：%(unit)s。")
        % {
            "item": req.item_name,
            "purpose": req.purpose,
            "unit": req.requiring_unit,
        },
        _("二、证明义务和证明内容：申请人应当如实说明并承诺以下事实：%(facts)s")
        % {"facts": req.facts.strip()},
    ]
    basis = _basis(req)
    if basis:
        lines.append(_("三、设定依据：%(basis)s") % {"basis": basis})
    lines += [
        _(
            "%(n)s、承诺方式：申请人书面承诺已经符合上述条件和要求，以本承诺代替该证明，"
            "%(committee)s不再出具该证明。"
        )
        % {"n": _("四") if basis else _("三"), "committee": req.committee.name},
        _(
            "%(n)s、事后核查：乡镇（街道）或民政部门将对承诺内容进行事后核查，"
            "并可随机抽查。"
        )
        % {"n": _("五") if basis else _("四")},
        _(
            "%(n)s、不实承诺的法律责任：经核查承诺不实的，依法计入个人信用记录，"
            "报送信用信息共享平台，并依法依规在信用网站公示；情节严重的，依法予以处罚"
            "并公开。"
        )
        % {"n": _("六") if basis else _("五")},
    ]
    return "\n".join(lines)


def default_commitment(req: CertificateRequest) -> str:
    """The resident's words (without the name: the form names the person)."""
    return "\n".join(
        [
            _("本人已经知晓本告知承诺书告知的全部内容，承诺以下事实真实、准确：%s")
            % req.facts.strip(),
            _(
                "本人愿意承担不实承诺的法律责任；承诺不实的，同意依法计入个人信用记录"
                "并予以公示。"
            ),
        ]
    )


def _doc(
    req: CertificateRequest,
    *,
    number: str,
    notification: str,
    text: str,
    on: dt.date,
    signature_png: bytes | None = None,
    made_at: dt.datetime | None = None,
) -> documents.CommitmentDoc:
    return documents.CommitmentDoc(
        number=number,
        committee_name=req.committee.name,
        resident_name=req.resident_name,
        id_number_masked=masking.mask_id_number(req.id_number),
        item_name=req.item_name,
        notification=notification,
        commitment=text,
        date=on,
        sample=req.sample,
        signature_png=signature_png,
        made_at=made_at,
    )


def commitment_allowed(req: CertificateRequest) -> bool:
    """REQ-082: only an open request whose item the rules allow the route for."""
    return (
        req.status == Status.RECEIVED
        and selectors.decision_for(req).commitment_available
    )


def notification_pdf(
    req: CertificateRequest, *, notification: str = "", text: str = ""
) -> bytes:
    """The printable form for the resident to read and sign on paper (no number yet:
    it is given when the signed commitment is recorded). Writes nothing."""
    return documents.render_commitment(
        _doc(
            req,
            number=_("（登记时编号）"),
            notification=notification.strip() or default_notification(req),
            text=text.strip() or default_commitment(req),
            on=clock.today(),
            made_at=clock.now(),
        )
    )


def _signature(
    signature: "UploadedFile[bytes] | tuple[str, bytes] | None", method: str
) -> uploads.CheckedFile:
    """The signature checked for its method: a PNG drawn on screen, or the signed page
    as a PDF, JPEG or PNG — told by parsing the content, never by its name or its
    first bytes (issue 13: a "sig.html" starting with %PDF- was served as a page)."""
    if signature is None:
        raise InvalidInput(
            _("请居民在屏幕上签名，或上传签字后的告知承诺书"),
            code=CoreCode.SIGNATURE_REQUIRED,
        )
    if not isinstance(signature, tuple) and (signature.size or 0) > MAX_SCAN_BYTES:
        raise InvalidInput(
            _("上传的文件不能超过 20 MB"), code=CoreCode.SIGNATURE_TOO_LARGE
        )
    name, data = uploads.read(signature)
    if method == SignatureMethod.SCREEN:
        problem = signature_png_problem(data)
        if problem:
            raise InvalidInput(problem, code=CertificateCode.SIGNATURE_INVALID)
        accept, what = uploads.SIGNATURES, _("签名图像")
    elif method == SignatureMethod.SCAN:
        if not data:
            raise InvalidInput(_("上传的文件是空的"), code=CoreCode.SIGNATURE_REQUIRED)
        if len(data) > MAX_SCAN_BYTES:
            raise InvalidInput(
                _("上传的文件不能超过 20 MB"), code=CoreCode.SIGNATURE_TOO_LARGE
            )
        accept, what = uploads.SCANS, _("签字页")
    else:
        raise InvalidInput(
            _("签字方式无效"), code=CertificateCode.SIGNATURE_METHOD_INVALID
        )
    return uploads.inspect(
        data,
        name=name or "signature",
        accept=accept,
        what=what,
        code=CertificateCode.SIGNATURE_INVALID,
    )


@transaction.atomic
def commitment_record(
    *,
    actor: Actor,
    request_id: int,
    signature: "UploadedFile[bytes] | tuple[str, bytes] | None",
    signature_method: str = SignatureMethod.SCREEN,
    notification_text: str = "",
    commitment_text: str = "",
    signed_on: dt.date | None = None,
) -> Commitment:
    """Record the resident's signed commitment in place of the certificate (REQ-082).

    `signature` is the PNG drawn on screen (`signature_method="screen"`) or the signed
    paper page scanned (PDF, JPEG or PNG, `"scan"`): an uploaded file or a
    (name, bytes) pair. The notification and the commitment default to the texts made
    from the request and its item. The request closes as COMMITTED, nothing is sealed,
    and the commitment's post-verification task opens (REQ-083)."""
    return record(
        actor=actor,
        recorded_by=require_person(actor),
        request_id=request_id,
        signature=signature,
        signature_method=signature_method,
        notification_text=notification_text,
        commitment_text=commitment_text,
        signed_on=signed_on,
    )


@transaction.atomic
def record(
    *,
    actor: Actor,
    recorded_by: Any,
    request_id: int,
    signature: "UploadedFile[bytes] | tuple[str, bytes] | None",
    signature_method: str = SignatureMethod.SCREEN,
    notification_text: str = "",
    commitment_text: str = "",
    signed_on: dt.date | None = None,
) -> Commitment:
    """`commitment_record`, and the resident's own signature online
    (`services.online`, issue 16: `recorded_by` empty, the actor the system)."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED)
    decision = _refresh_decision(req)
    if not decision.commitment_available:
        raise CommitmentNotAllowed(
            _("该事项不实行告知承诺制，不能以承诺代替证明"),  # REQ-082
            detail=decision.as_dict(),
        )
    notification = (notification_text or "").strip() or default_notification(req)
    text = (commitment_text or "").strip() or default_commitment(req)
    if len(notification) > MAX_TEXT or len(text) > MAX_TEXT:
        raise InvalidInput(
            _("告知内容和承诺内容各不能超过 %d 个字") % MAX_TEXT,
            code=CoreCode.TEXT_TOO_LONG,
        )
    signed = _signature(signature, signature_method)
    now = clock.now()
    today = timezone.localtime(now).date()
    signed_on = signed_on or today
    if signed_on > today or signed_on < timezone.localtime(req.received_at).date():
        raise InvalidInput(
            _("签字日期须在受理之日和今天之间"), code=CertificateCode.SIGNED_ON_INVALID
        )
    number = commitment_number(req.committee_id, today.year)
    pdf = documents.render_commitment(
        _doc(
            req,
            number=number,
            notification=notification,
            text=text,
            on=signed_on,
            signature_png=(
                signed.data if signature_method == SignatureMethod.SCREEN else None
            ),
            made_at=now,
        )
    )
    commitment = Commitment(
        request=req,
        committee_id=req.committee_id,
        number=number,
        notification=notification,
        text=text,
        signed_on=signed_on,
        pdf_sha256=_digest(pdf),
        signature_method=signature_method,
        signature_name=signed.label,
        signature_sha256=signed.sha256,
        sample=req.sample,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    commitment.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
    uploads.store(commitment.signature, signed)
    commitment.save()
    task = VerificationTask.objects.create(
        commitment=commitment, committee_id=req.committee_id, created_at=now
    )
    audit.record(
        actor=actor,
        event="commitment.recorded",
        subject=commitment,
        after={
            "number": number,
            "request": req.pk,
            "item": req.item.key if req.item is not None else None,
            "resident": masking.mask_name(req.resident_name),
            "signed_on": signed_on.isoformat(),
            "notification_sha256": _sha(notification),
            "commitment_sha256": _sha(text),
            "pdf_sha256": commitment.pdf_sha256,
            "signature_method": signature_method,
            "signature_sha256": commitment.signature_sha256,
            "verification_task": task.pk,
        },
    )
    with audit.recorded(
        actor=actor, event="certificate_request.committed", subject=req, fields=FIELDS
    ):
        req.closed_by, req.closed_at = person(actor), now
        req.closing_code, req.closing_note = Closing.COMMITMENT, number
        move_to(req, Status.COMMITTED)
    return commitment
