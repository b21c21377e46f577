"""The records some outcomes need before a request can be verified (REQ-034–040,
DIV-02, DIV-04, DIV-05).

The clerk corrects what was said about the matter at intake (`request_flags_set`:
public interest, a Party matter, legal risk, liability, an item's exception, REQ-008,
REQ-040) and adds what the outcome asks for: the conditions of the negative-list
exception (REQ-037, REQ-038; only where the jurisdiction keeps the exception open,
REQ-039), the residents' consultation on a public-interest matter and the head's
signature under it (REQ-034, REQ-035), the legal-risk records (REQ-040). A request has
at most one record of each; every change is journaled with what stood before, and the
decision is made again at once, so what is still missing keeps the request from being
verified (`rules.decide`).
"""

import datetime as dt
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import require_person
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput
from yinzheng.core.text import required_text
from yinzheng.ledger import audit

from .. import selectors
from ..choices import ConsultationForm, ConsultationResult, Status, Trigger
from ..errors import CertificateCode
from ..models import CertificateRequest, Consultation, ExceptionRecord, RiskAssessment
from . import intake
from .common import (
    APPROVE,
    FIELDS,
    HANDLE,
    _lock,
    _refresh_decision,
    _require_status,
)


@transaction.atomic
def request_flags_set(
    *,
    actor: Actor,
    request_id: int,
    public_interest: bool,
    party_related: bool,
    legal_risk: bool,
    carries_liability: bool,
    exception_claimed: str = "",
) -> CertificateRequest:
    """Correct what the clerk says about the matter before verification (e.g. tick
    "legal risk", REQ-040, or an item exception, REQ-008); the decision is made again."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED)
    exception_claimed = (exception_claimed or "").strip()
    if exception_claimed and (
        req.item is None or exception_claimed not in req.item.exceptions
    ):
        raise InvalidInput(
            _("所选除外情形不属于该证明事项"), code=CertificateCode.EXCEPTION_UNKNOWN
        )
    with audit.recorded(
        actor=actor, event="certificate_request.flags", subject=req, fields=FIELDS
    ):
        req.public_interest = bool(public_interest)
        req.party_related = bool(party_related)
        req.legal_risk = bool(legal_risk)
        req.carries_liability = bool(carries_liability)
        req.exception_claimed = exception_claimed
        req.save(
            update_fields=[
                "public_interest",
                "party_related",
                "legal_risk",
                "carries_liability",
                "exception_claimed",
            ]
        )
        _refresh_decision(req)
    return req


EXCEPTION_FIELDS = [
    "trigger",
    "entity_name",
    "within_duties",
    "verifiable",
    "evidence",
    "assessment",
    "precautions",
]


@transaction.atomic
def exception_record(
    *,
    actor: Actor,
    request_id: int,
    trigger: str,
    entity_name: str = "",
    within_duties: bool = False,
    verifiable: bool = False,
    evidence: str = "",
    assessment: str = "",
    precautions: str = "",
    materials: Iterable["UploadedFile[bytes] | tuple[str, bytes]"] = (),
) -> ExceptionRecord:
    """Record (or correct) the conditions of the factual-issuance exception for a
    negative-list item (REQ-037, REQ-038). Offered only where the jurisdiction keeps
    the exception open (REQ-039); what is still missing keeps the request from being
    verified (rules.decide). REQ-038: the retained materials are files — `materials`
    adds to those kept before, and without at least one the exception is not recorded;
    each is typed by its content and hashed, and their names and SHA-256 go on the
    certificate register entry."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED)
    if req.list_kind != "negative":
        raise Conflict(
            _("只有负面清单事项需要登记据实出具的例外情形"),
            code=CertificateCode.NOT_NEGATIVE_ITEM,
        )
    if not selectors.negative_exception_enabled(req.committee_id):
        raise Conflict(  # REQ-039
            _("本辖区对已列入负面清单的事项不再出具，不能登记例外情形"),
            code=CertificateCode.EXCEPTION_SWITCHED_OFF,
        )
    if trigger and trigger not in Trigger.values:
        raise InvalidInput(_("例外情形无效"), code=CoreCode.TRIGGER_INVALID)
    checked = intake.checked_materials(materials)
    if not checked and not req.attachments.filter(retained_for_exception=True).exists():
        raise InvalidInput(  # REQ-038: the materials themselves, not a tick box
            _("据实出具须上传留存的相关资料（至少一份），随办件和登记簿留存"),
            code=CertificateCode.EXCEPTION_MATERIALS_REQUIRED,
        )
    kept = [
        intake.save_attachment(
            req, uploaded_by=require_person(actor), material=m, retained=True
        )
        for m in checked
    ]
    record = ExceptionRecord.objects.filter(request=req).first()
    before = audit.snapshot(record, EXCEPTION_FIELDS) if record else None
    if record is None:
        record = ExceptionRecord(request=req)
    record.trigger = trigger or ""
    record.entity_name = (entity_name or "").strip()[:200]
    record.within_duties = bool(within_duties)
    record.verifiable = bool(verifiable)
    record.evidence = (evidence or "").strip()
    record.assessment = (assessment or "").strip()
    record.precautions = (precautions or "").strip()
    record.recorded_by, record.recorded_at = require_person(actor), clock.now()
    record.save()
    audit.record(
        actor=actor,
        event="certificate_request.exception",
        subject=req,
        before=before,
        after={
            **audit.snapshot(record, EXCEPTION_FIELDS),
            "materials_added": [{"name": a.name, "sha256": a.sha256} for a in kept],
        },
    )
    req.exceptionrecord = record
    _refresh_decision(req)
    return record


def _public_interest(req: CertificateRequest) -> bool:
    return req.public_interest or bool(req.item and req.item.public_interest)


def _legal_risk(req: CertificateRequest) -> bool:
    return req.legal_risk or bool(req.item and req.item.legal_risk)


CONSULTATION_FIELDS = [
    "form",
    "held_on",
    "participants",
    "result",
    "summary",
    "head_signed_by",
    "head_signed_at",
]


@transaction.atomic
def consultation_record(
    *,
    actor: Actor,
    request_id: int,
    form: str,
    held_on: dt.date | None,
    participants: str,
    result: str,
    summary: str = "",
) -> Consultation:
    """The residents' deliberation on a public-interest matter (REQ-034, REQ-035):
    form, date, participants and result. Recording it again clears the head's signature,
    which then has to be given to what now stands."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED)
    if not _public_interest(req):
        raise Conflict(
            _("该申请未标为涉及公共利益，不需要议事协商记录"),
            code=CertificateCode.NOT_PUBLIC_INTEREST,
        )
    if form not in ConsultationForm.values:
        raise InvalidInput(
            _("请选择协商形式"), code=CertificateCode.CONSULTATION_FORM_REQUIRED
        )
    if held_on is None:
        raise InvalidInput(
            _("请填写协商日期"), code=CertificateCode.CONSULTATION_DATE_REQUIRED
        )
    if held_on > clock.today():
        raise InvalidInput(
            _("协商日期不能晚于今天"), code=CertificateCode.CONSULTATION_DATE_INVALID
        )
    participants = required_text(
        participants, _("参加人员"), CertificateCode.PARTICIPANTS_REQUIRED, 4000
    )
    if result not in ConsultationResult.values:
        raise InvalidInput(
            _("请选择协商结果"), code=CertificateCode.CONSULTATION_RESULT_REQUIRED
        )
    record = Consultation.objects.filter(request=req).first()
    before = audit.snapshot(record, CONSULTATION_FIELDS) if record else None
    if record is None:
        record = Consultation(request=req)
    record.form, record.held_on, record.participants = form, held_on, participants
    record.result, record.summary = result, (summary or "").strip()
    record.head_signed_by, record.head_signed_at = None, None
    record.recorded_by, record.recorded_at = require_person(actor), clock.now()
    record.save()
    audit.record(
        actor=actor,
        event="certificate_request.consultation",
        subject=req,
        before=before,
        after=audit.snapshot(record, CONSULTATION_FIELDS),
    )
    req.consultation = record
    _refresh_decision(req)
    return record


@transaction.atomic
def consultation_sign(*, actor: Actor, request_id: int) -> Consultation:
    """The head signs the agreed consultation result (负责人签字, REQ-034)."""
    req = _lock(request_id)
    policy.require(actor, APPROVE, req)
    _require_status(req, Status.RECEIVED)
    record = Consultation.objects.select_for_update().filter(request=req).first()
    if record is None:
        raise Conflict(
            _("尚未登记议事协商记录"), code=CertificateCode.CONSULTATION_MISSING
        )
    if record.result != ConsultationResult.AGREED:
        raise Conflict(
            _("议事协商结果不是“同意”，主任不能签字出具"),
            code=CertificateCode.CONSULTATION_NOT_AGREED,
        )
    if record.head_signed_by_id:
        raise Conflict(_("主任已签字"), code=CertificateCode.ALREADY_SIGNED)
    before = audit.snapshot(record, CONSULTATION_FIELDS)
    record.head_signed_by, record.head_signed_at = require_person(actor), clock.now()
    record.save(update_fields=["head_signed_by", "head_signed_at"])
    audit.record(
        actor=actor,
        event="certificate_request.consultation_signed",
        subject=req,
        before=before,
        after=audit.snapshot(record, CONSULTATION_FIELDS),
    )
    req.consultation = record
    _refresh_decision(req)
    return record


RISK_FIELDS = ["investigation", "deliberation", "assessment", "precautions"]


@transaction.atomic
def risk_record(
    *,
    actor: Actor,
    request_id: int,
    investigation: str = "",
    deliberation: str = "",
    assessment: str = "",
    precautions: str = "",
) -> RiskAssessment:
    """The legal-risk records (REQ-040, DIV-05); any may be filled in later, all three
    are needed before the request is verified."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED)
    if not _legal_risk(req):
        raise Conflict(
            _("该申请未标为可能涉及法律风险，不需要风险评估"),
            code=CertificateCode.NOT_LEGAL_RISK,
        )
    values = {
        "investigation": (investigation or "").strip(),
        "deliberation": (deliberation or "").strip(),
        "assessment": (assessment or "").strip(),
        "precautions": (precautions or "").strip(),
    }
    if not any(values.values()):
        raise InvalidInput(
            _("请至少填写一项记录"), code=CertificateCode.RISK_RECORD_EMPTY
        )
    record = RiskAssessment.objects.filter(request=req).first()
    before = audit.snapshot(record, RISK_FIELDS) if record else None
    if record is None:
        record = RiskAssessment(request=req)
    for name, value in values.items():
        setattr(record, name, value)
    record.recorded_by, record.recorded_at = require_person(actor), clock.now()
    record.save()
    audit.record(
        actor=actor,
        event="certificate_request.risk",
        subject=req,
        before=before,
        after=audit.snapshot(record, RISK_FIELDS),
    )
    req.riskassessment = record
    _refresh_decision(req)
    return record
