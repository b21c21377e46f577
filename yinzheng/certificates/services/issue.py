"""Verify, approve, seal and issue: a certificate under the committee's seal (REQ-044,
REQ-046, REQ-047, REQ-053–057, REQ-070–073).

    received ─verify─▶ verified ─head approves─▶ approved ─custodian seals─▶ issued

Every step asks `rules.decide()` again and goes on only when it says "issue". Sealing is
the seal service's (seals.services.usage), called exactly so:

- `request_verify` (clerk): records what was verified, how and by whom (REQ-046), gives
  the next gap-free serial of the committee and year, renders the certificate PDF from
  the item's template (documents.render_certificate), files a certificate-type
  usage request with it (usage_request) and reviews it (usage_review, not blank).
- `request_approve` (head): usage_approve, which binds the PDF's SHA-256.
- `request_issue` (custodian): usage_seal, which checks separation of duties and a
  usable seal and writes the certificate register entry; the request is ISSUED in the
  same transaction; the certificate is rendered from the approved draft's content.

The seal is the committee's usable one of the form asked for (`choose_seal`: electronic
issue takes only an electronic seal); none usable is refused, saying what is missing.
An electronic seal puts its signed QR token into the certificate's content before the
head sees the draft and signs the issued PDF at issue; a physical seal's certificate
gets a QR token signed by the township, marked issued when the custodian stamps
(`certificates.electronic`). The resident then confirms the register entry
(`request_confirm`, REQ-073).
"""

import dataclasses
import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.catalogue.models import Guide
from yinzheng.core import clock, masking
from yinzheng.core.actors import person
from yinzheng.core.db import unique_row
from yinzheng.core.errors import Conflict, NotFound, StaleContent
from yinzheng.core.files import stored_bytes, stored_sha256
from yinzheng.core.text import required_text
from yinzheng.core.transitions import move_to
from yinzheng.ledger import audit
from yinzheng.ledger.models import Confirmation
from yinzheng.registers.services import books as registers
from yinzheng.seals import selectors as seal_selectors
from yinzheng.seals import services as sealing
from yinzheng.seals.choices import ACTIVE_STATUSES, SealForm, SealStatus, UsageReview
from yinzheng.seals.models import Seal
from yinzheng.seals.services.seal import REASON_MESSAGES

from .. import documents, electronic, rules, selectors
from ..choices import Outcome, Status
from ..errors import CertificateCode
from ..models import CertificateRequest
from .common import (
    APPROVE,
    FIELDS,
    HANDLE,
    SEAL,
    _digest,
    _lock,
    _require_status,
)
from .serials import certificate_serial


class NotIssuable(Conflict):
    code = CertificateCode.NOT_ISSUABLE


class NoUsableSeal(Conflict):
    code = CertificateCode.NO_USABLE_SEAL


def _require_issuable(req: CertificateRequest) -> rules.Decision:
    decision = selectors.decision_for(req)
    if not decision.may_issue:
        if decision.missing:
            message = _("尚不能出具，还缺少：%s") % "、".join(
                m.label for m in decision.missing
            )
        else:
            message = (
                _("按出具规则，该申请不能出具：%s") % Outcome(decision.outcome).label
            )
        raise NotIssuable(message, detail=decision.as_dict())
    return decision


def choose_seal(committee_code: str, electronic: bool) -> Seal:
    """The committee's usable seal of the form the request asks for: the electronic
    seal for electronic issue, a physical one otherwise. None usable is refused with
    what is missing; an electronic request is never turned into a paper one (issue 14)."""
    form = SealForm.ELECTRONIC if electronic else SealForm.PHYSICAL
    seals = list(
        Seal.objects.filter(
            committee_id=committee_code, form=form, status__in=ACTIVE_STATUSES
        ).order_by("-issued_on", "-pk")
    )
    for seal in seals:
        if seal.status == SealStatus.IN_USE and seal_selectors.usable(seal):
            return seal
    raise NoUsableSeal(
        _missing_seal_message(seals, electronic),
        detail={
            "committee": committee_code,
            "forms": [str(form)],
            "seals": [
                {"serial": s.serial, "status": s.status, "custodian": _has_custodian(s)}
                for s in seals
            ],
        },
    )


def _has_custodian(seal: Seal) -> bool:
    return seal_selectors.current_custodian(seal) is not None


def _missing_seal_message(seals: list[Seal], electronic: bool) -> str:
    """Why no seal of the form asked for can be applied, in the words of whoever must
    act: the township issues and activates seals, appoints custodians."""
    if not electronic:
        return _(
            "本村（居）委会当前没有可以使用的印章（未启用、已停用或已带离办公室），"
            "不能出具证明；请联系乡镇（街道）或印章管理人"
        )
    if not seals:
        return _(
            "本村（居）委会没有电子印章，不能电子出具：请乡镇（街道）制发并启用电子印章"
            "后再办理"
        )
    reasons = []
    for seal in seals:
        if seal.status == SealStatus.ISSUED:
            state = _("已制发，尚未由乡镇（街道）启用")
            if not _has_custodian(seal):
                state += _("，且尚未指定印章管理人")
        else:
            reason = seal_selectors.unusable_reason(seal) or ""
            state = str(REASON_MESSAGES.get(reason, seal.get_status_display()))
        reasons.append(
            _("电子印章 %(serial)s %(state)s") % {"serial": seal.serial, "state": state}
        )
    return _("不能电子出具：%(reasons)s。请联系乡镇（街道）处理后再办理") % {
        "reasons": "；".join(reasons)
    }


def _catalogue_version_label(req: CertificateRequest) -> str:
    versions = req.catalogue_versions.select_related("catalogue_list")
    if req.item_id:
        versions = versions.filter(entries__item_id=req.item_id)
    return "；".join(f"{v.catalogue_list.title} v{v.number}" for v in versions)


def _certificate_doc(
    req: CertificateRequest,
    *,
    serial: str,
    now: dt.datetime,
    template: str,
    seal: Seal,
) -> documents.CertificateDoc:
    return documents.CertificateDoc(
        serial=serial,
        committee_name=req.committee.name,
        committee_code=req.committee_id,
        title=req.item_name,
        body=req.facts,
        resident_name=req.resident_name,
        id_number_masked=masking.mask_id_number(req.id_number),
        id_number=req.id_number,  # printed in full: the holder's own document
        requiring_unit=req.requiring_unit,
        purpose=req.purpose,
        issue_date=timezone.localtime(now).date(),
        made_at=now,
        template_text=template,
        catalogue_version=_catalogue_version_label(req),
        electronic=seal.form == SealForm.ELECTRONIC,
        sample=req.sample,
    )


@transaction.atomic
def request_verify(
    *, actor: Actor, request_id: int, what: str, how: str
) -> CertificateRequest:
    """Verify the facts (据实出具, REQ-046) and prepare the certificate for approval:
    serial, PDF from the template in force (REQ-047), sealing request filed and
    reviewed by the clerk (先审核, REQ-053)."""
    req = _lock(request_id, with_records=True)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED)
    what = required_text(
        what, _("核实内容"), CertificateCode.VERIFICATION_REQUIRED, 4000
    )
    how = required_text(how, _("核实方式"), CertificateCode.VERIFICATION_REQUIRED, 2000)
    _require_issuable(req)
    seal = choose_seal(req.committee_id, req.electronic)
    guide = (
        unique_row(Guide.objects.filter(item_id=req.item_id)) if req.item_id else None
    )
    template = guide.certificate_format if guide is not None else ""
    now = clock.now()
    on = timezone.localtime(now).date()
    serial = certificate_serial(req.committee_id, on.year)
    doc = _certificate_doc(req, serial=serial, now=now, template=template, seal=seal)
    # The signed QR token (the electronic seal's, or the township's for a paper
    # certificate, issue 14) and the check code go into the certificate's content.
    doc = electronic.with_token(
        actor=actor,
        seal=seal,
        doc=doc,
        item_key=req.item.key if req.item is not None else "",
        valid_days=guide.validity_days if guide is not None else None,
    )
    # Issue 14: the head approves a draft (草稿·未生效, no seal, no QR); the same
    # content is rendered as the certificate itself only at issue.
    pdf = documents.render_certificate(dataclasses.replace(doc, draft=True))
    content = f"{req.item_name}（{masking.mask_name(req.resident_name)}）"
    if req.sample and not content.startswith("（示例）"):
        content = "（示例）" + content  # demo data says so wherever it shows
    use = sealing.usage_request(
        actor=actor,
        seal_id=seal.pk,
        category=req.category,
        content=content,
        copies=req.copies,
        document=(f"{serial}.pdf", pdf),
        matter_ref=f"certificates.request:{req.pk}",
        requiring_unit=req.requiring_unit,
        purpose=req.purpose,
        phone=req.phone,
        certificate_no=serial,
        # REQ-038: the exception's retained materials go on the register entry.
        retained_materials="；".join(
            f"{a.name}（SHA-256 {a.sha256}）"
            for a in req.attachments.filter(retained_for_exception=True)
        ),
    )
    use = sealing.usage_review(
        actor=actor,
        usage_id=use.pk,
        approve=True,
        not_blank=True,
        note=what[:200],
        code=UsageReview.VERIFIED,  # worded when read (issue 16)
    )
    with audit.recorded(
        actor=actor, event="certificate_request.verified", subject=req, fields=FIELDS
    ):
        req.certificate_pdf.save(f"{serial}.pdf", ContentFile(pdf), save=False)
        # The file and its content (names, the masked ID) stay out of the audit;
        # the draft's SHA-256 goes in, and binds both.
        req.certificate_content = documents.doc_content(doc)
        req.save(update_fields=["certificate_pdf", "certificate_content"])
        req.certificate_sha256 = _digest(pdf)
        req.content_sha256 = documents.content_sha256(doc)
        req.serial, req.template_text = serial, template
        req.seal, req.usage = seal, use
        req.verified_by, req.verified_at = person(actor), now
        req.verification_what, req.verification_how = what, how
        move_to(req, Status.VERIFIED)
    return req


@transaction.atomic
def request_approve(*, actor: Actor, request_id: int) -> CertificateRequest:
    """The head approves (签批): the sealing request's approval binds the PDF's
    SHA-256, so what is sealed is exactly what was approved (REQ-054, REQ-057)."""
    req = _lock(request_id, with_records=True)
    policy.require(actor, APPROVE, req)
    _require_status(req, Status.VERIFIED)
    _require_issuable(req)
    if stored_sha256(req.certificate_pdf) != req.certificate_sha256:
        raise StaleContent(_("证明文件与核实时不一致，请重新办理"))
    assert req.usage_id is not None  # VERIFIED: request_verify filed the usage
    sealing.usage_approve(actor=actor, usage_id=req.usage_id, approve=True)
    with audit.recorded(
        actor=actor, event="certificate_request.approved", subject=req, fields=FIELDS
    ):
        req.approved_by, req.approved_at = person(actor), clock.now()
        move_to(req, Status.APPROVED)
    return req


@transaction.atomic
def request_issue(*, actor: Actor, request_id: int) -> CertificateRequest:
    """The custodian seals; the sealing service writes the certificate register entry
    and the request is issued in the same transaction (REQ-056, REQ-070, REQ-072)."""
    req = _lock(request_id, with_records=True)
    policy.require(actor, SEAL, req)
    _require_status(req, Status.APPROVED)
    _require_issuable(req)
    if stored_sha256(req.certificate_pdf) != req.certificate_sha256:
        raise StaleContent(_("证明文件与签批时不一致，不能盖章"))
    assert req.usage_id is not None  # APPROVED: request_verify filed the usage
    sealed = sealing.usage_seal(actor=actor, usage_id=req.usage_id)
    now = clock.now()  # the issue time: the certificate's date in its metadata too
    issued = _issued_rendering(req, made_at=now)
    if issued is not None:
        req.issued_pdf.save(f"{req.serial}.pdf", ContentFile(issued), save=False)
        req.save(update_fields=["issued_pdf"])  # files stay out of the audit
    # An electronic seal: the PAdES signature over the issued PDF (esign refuses a
    # revoked seal, and the whole issue with it); a paper certificate: its token is
    # marked issued, now that the custodian records the stamping.
    electronic.sign_issued(
        actor=actor,
        serial=req.serial,
        pdf=issued if issued is not None else stored_bytes(req.certificate_pdf),
        usage=sealed,
        from_draft=issued is not None,
    )
    with audit.recorded(
        actor=actor, event="certificate_request.issued", subject=req, fields=FIELDS
    ):
        req.issued_by, req.issued_at = person(actor), now
        if issued is not None:
            req.issued_sha256 = _digest(issued)
        req.register_entry = sealed.register_entry
        # REQ-044: a simple certificate received and issued the same day.
        req.on_the_spot = (
            req.complexity != "complex"
            and timezone.localtime(req.received_at).date()
            == timezone.localtime(now).date()
        )
        move_to(req, Status.ISSUED)
    return req


def _issued_rendering(req: CertificateRequest, *, made_at: dt.datetime) -> bytes | None:
    """The certificate itself, rendered at issue from the content the head approved
    as a draft (issue 14): the content must be the one the draft was rendered from at
    verification (its SHA-256, kept then and recorded in the audit), so nothing but
    the draft mark, the seal, the QR and the check code differs — and those come from
    where they are kept (the signed token, the keyed code: electronic.issue_marks),
    not from the stored content. A request verified before the content's hash was
    kept has its draft rendered again and compared with the approved file byte for
    byte. None for a request verified before drafts (its approved file is the
    certificate)."""
    if not req.certificate_content:
        return None
    doc = documents.doc_from_content(req.certificate_content)
    if req.content_sha256:
        unchanged = documents.content_sha256(doc) == req.content_sha256
    else:
        # The draft was dated at verification (issue 16), or, rendered before PDFs
        # carried their time, with ReportLab's fixed date (made_at None).
        unchanged = any(
            _digest(
                documents.render_certificate(
                    dataclasses.replace(doc, draft=True, made_at=made_at)
                )
            )
            == req.certificate_sha256
            for made_at in (req.verified_at, None)
        )
    if not unchanged:  # REQ-057
        raise StaleContent(_("证明内容与签批时不一致，不能出具"))
    marks = electronic.issue_marks(req.serial)
    return documents.render_certificate(
        dataclasses.replace(doc, made_at=made_at, **marks)
    )


def request_confirm(
    *,
    actor: Actor,
    request_id: int,
    method: str,
    signature: "UploadedFile[bytes] | None" = None,
    paper_reference: str = "",
) -> Confirmation:
    """The resident confirms the certificate register entry (REQ-073), through the
    register's own service."""
    req = CertificateRequest.objects.filter(pk=request_id).first()
    if req is None:
        raise NotFound(_("证明申请不存在"), code=CertificateCode.REQUEST_NOT_FOUND)
    policy.require(actor, "certificate.view", req)
    if req.status != Status.ISSUED or req.register_entry_id is None:
        raise Conflict(
            _("证明尚未出具，没有登记簿条目"), code=CertificateCode.NOT_ISSUED
        )
    return registers.confirm(
        actor=actor,
        entry_id=req.register_entry_id,
        method=method,
        signature=signature,
        paper_reference=paper_reference,
    )
