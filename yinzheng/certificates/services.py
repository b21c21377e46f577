"""Certificate requests: intake, the records some outcomes need, verification, approval,
sealing and issue, refusal, withdrawal and transfer (REQ-031–049, DIV-02, -04, -05, -13).

    received ─verify─▶ verified ─head approves─▶ approved ─custodian seals─▶ issued
        │                  │                        │
        ├─▶ transferred    └──────────┬─────────────┘
        └──────────────────────────▶ refused / withdrawn      (all four final)

Intake (`request_create`) records the resident (the ID number validated with
python-stdnum and kept only here, masked everywhere else), the item found by the lookup,
what the certificate is for and which unit demands it, and the facts; it runs
`rules.decide()` on the committee's effective catalogue and keeps the decision and the
list versions it used (REQ-031, REQ-047). A complex item gets its due date in working
days by the official calendar (REQ-045, DIV-13). A unit demanding an item the positive
list does not name can be reported (`demand_report`, REQ-016).

Before verification, the records an outcome asks for are added: the negative-list
exception conditions (REQ-037, REQ-038; only where the jurisdiction allows it, REQ-039),
the residents' consultation and the head's signature (REQ-034), the legal-risk records
(REQ-040). Every step from verification on asks `rules.decide()` again and goes on only
when it says "issue".

Sealing is the seal service's (seals.usage), called exactly so:

- `request_verify` (clerk): records what was verified, how and by whom (REQ-046), gives
  the next gap-free serial of the committee and year, renders the certificate PDF from
  the item's template (documents.render_certificate), files a certificate-type
  usage request with it (usage_request) and reviews it (usage_review, not blank).
- `request_approve` (head): usage_approve, which binds the PDF's SHA-256.
- `request_issue` (custodian): usage_seal, which checks separation of duties and a
  usable seal and writes the certificate register entry; the request is ISSUED in the
  same transaction, the PDF is its certificate.

Refusing (`request_refuse`) makes the refusal notice (documents.render_refusal) with the
route, the responsible department and the basis; a negative item brings its own, any
other refusal must be given them (REQ-049). A serial once given stays with its request,
void when the request ends without a certificate; it is never given again.
"""

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from yinzheng.accounts import policy
from yinzheng.catalogue.models import Guide, Item
from yinzheng.core import clock, masking, workdays
from yinzheng.core.actors import person
from yinzheng.core.codes import Level
from yinzheng.core.errors import Conflict, InvalidInput, NotFound, StaleContent
from yinzheng.core.files import stored_sha256, upload_sha256
from yinzheng.core.transitions import move_to
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit
from yinzheng.registers import books as registers
from yinzheng.seals import selectors as seal_selectors
from yinzheng.seals import services as sealing
from yinzheng.seals.choices import SealForm, SealStatus, UseStatus
from yinzheng.seals.models import Seal

from . import documents, electronic, rules, selectors
from .choices import (
    ConsultationForm,
    ConsultationResult,
    CounterKind,
    Outcome,
    Status,
    Trigger,
)
from .models import (
    CATEGORY_CHOICES,
    Attachment,
    CertificateRequest,
    Consultation,
    DemandReport,
    ExceptionRecord,
    JurisdictionSetting,
    RiskAssessment,
    SerialCounter,
)

HANDLE = "certificate.handle"
APPROVE = "certificate.approve"
SEAL = "certificate.seal"
CONFIGURE = "certificate.configure"
PHONE = re.compile(r"^[0-9+\-() ]{7,20}$")
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
TRACKING_BYTES = 12  # secrets.token_urlsafe: 16 characters, 96 bits

# What the audit trail keeps of a request: never the ID number or the phone.
FIELDS = [
    "status",
    "intake_class",
    "outcome",
    "public_interest",
    "party_related",
    "legal_risk",
    "carries_liability",
    "exception_claimed",
    "due_on",
    "verified_by",
    "verified_at",
    "verification_what",
    "verification_how",
    "serial",
    "serial_void",
    "certificate_sha256",
    "template_text",
    "seal",
    "usage",
    "approved_by",
    "approved_at",
    "issued_by",
    "issued_at",
    "on_the_spot",
    "register_entry",
    "refused_by",
    "refused_at",
    "refusal_reason",
    "refusal_route",
    "refusal_department",
    "refusal_basis",
    "refusal_notice_no",
    "closed_by",
    "closed_at",
    "closing_note",
]
# Reasons of a decision that explain a refusal (on the notice, REQ-036, REQ-049).
REFUSAL_REASON_CODES = frozenset(
    {
        "negative_list",
        "no_legal_basis",
        "liability_bearing",
        "beyond_seal_scope",
        "consultation_not_agreed",
        "item_exception",
        "exception_switched_off",
    }
)


class NotIssuable(Conflict):
    code = "not_issuable"


class NoUsableSeal(Conflict):
    code = "no_usable_seal"


# Helpers ----------------------------------------------------------------------------


def _lock(request_id: int) -> CertificateRequest:
    req = (
        CertificateRequest.objects.select_for_update(of=("self",))
        .select_related("committee", "item")
        .filter(pk=request_id)
        .first()
    )
    if req is None:
        raise NotFound(_("证明申请不存在"), code="request_not_found")
    return req


def _require_status(req: CertificateRequest, *statuses: str) -> None:
    if req.status not in statuses:
        raise Conflict(
            _("该申请当前状态为“%s”，不能办理此操作") % req.get_status_display(),
            code="request_wrong_status",
            detail={"status": req.status, "expected": list(statuses)},
        )


def _text(value: str | None, label: str, code: str, max_length: int = 0) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("请填写%s") % label, code=code)
    if max_length and len(value) > max_length:
        raise InvalidInput(
            _("%(label)s不能超过 %(n)d 个字") % {"label": label, "n": max_length},
            code=code,
        )
    return value


def validate_id_number(value: str) -> str:
    """The 18-digit 公民身份号码, checksum included (python-stdnum cn.ric)."""
    value = (value or "").strip().upper()
    try:
        return ric.validate(value)
    except StdnumError as exc:
        raise InvalidInput(
            _("公民身份号码无效：请核对号码位数、出生日期和校验位"),
            code="id_number_invalid",
        ) from exc


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def next_number(committee_code: str, year: int, kind: str) -> int:
    """The next number of the committee, year and kind: the counter row is locked, so
    concurrent requests queue and the numbers have no gaps (rolled back with the
    transaction that took one)."""
    lookup = {"committee_id": committee_code, "year": year, "kind": kind}
    counter = SerialCounter.objects.select_for_update().filter(**lookup).first()
    if counter is None:
        try:
            with transaction.atomic():
                SerialCounter.objects.create(**lookup, last=0)
        except IntegrityError:
            pass  # another transaction created it first; lock theirs
        counter = SerialCounter.objects.select_for_update().get(**lookup)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def certificate_serial(committee_code: str, year: int) -> str:
    n = next_number(committee_code, year, CounterKind.CERTIFICATE)
    return f"{committee_code}-{year}-{n:06d}"


def refusal_notice_no(committee_code: str, year: int) -> str:
    n = next_number(committee_code, year, CounterKind.REFUSAL)
    return f"{committee_code}-{year}-BY{n:05d}"


def _uploads(files: Iterable[Any]) -> list[tuple[str, ContentFile | UploadedFile, int]]:
    out = []
    for f in files:
        if isinstance(f, tuple):
            name, data = f
            upload: Any = ContentFile(data, name=name)
            size = len(data)
        else:
            upload, name, size = f, f.name, f.size
        if not size:
            raise InvalidInput(_("上传的材料是空文件"), code="attachment_empty")
        if size > MAX_ATTACHMENT_BYTES:
            raise InvalidInput(_("单个材料不能超过 20 MB"), code="attachment_too_large")
        out.append((str(name)[-200:], upload, size))
    return out


def _save_attachment(
    req: CertificateRequest, *, actor: Any, name: str, upload: Any, size: int
) -> Attachment:
    sha256 = upload_sha256(upload)
    attachment = Attachment(
        request=req,
        name=name,
        sha256=sha256,
        size=size,
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def _refresh_decision(req: CertificateRequest) -> rules.Decision:
    """Decide again and keep the result on the request (called in RECEIVED only)."""
    decision = selectors.decision_for(req)
    req.intake_class = decision.intake_class
    req.outcome = decision.outcome
    req.decision = decision.as_dict()
    req.save(update_fields=["intake_class", "outcome", "decision"])
    return decision


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


# Intake -------------------------------------------------------------------------------


@transaction.atomic
def request_create(
    *,
    actor: Any,
    committee_code: str,
    resident_name: str,
    id_number: str,
    phone: str,
    purpose: str,
    requiring_unit: str,
    facts: str,
    item_key: str | None = None,
    item_text: str = "",
    category: str = "C2",
    copies: int = 1,
    electronic: bool = False,
    public_interest: bool = False,
    party_related: bool = False,
    legal_risk: bool = False,
    carries_liability: bool = False,
    exception_claimed: str = "",
    attachments: Iterable[Any] = (),
    sample: bool = False,
) -> CertificateRequest:
    """Take a request in and decide on it (REQ-031); returns the saved request."""
    committee = Division.objects.filter(
        code=committee_code, level=Level.COMMITTEE
    ).first()
    if committee is None:
        raise NotFound(_("村（居）委会不存在"), code="committee_not_found")
    policy.require(actor, HANDLE, committee)
    if not committee.is_active:
        raise Conflict(_("该村（居）委会已合并或撤销"), code="committee_inactive")
    resident_name = _text(resident_name, _("申请人姓名"), "resident_name_required", 50)
    id_number = validate_id_number(id_number)
    phone = (phone or "").strip()
    if not PHONE.match(phone):
        raise InvalidInput(_("请填写正确的联系电话"), code="phone_invalid")
    purpose = _text(purpose, _("用途"), "purpose_required", 300)
    requiring_unit = _text(
        requiring_unit, _("需要单位"), "requiring_unit_required", 200
    )
    facts = _text(facts, _("拟证明的事实"), "facts_required", 4000)
    item = None
    if item_key:
        item = Item.objects.filter(key=item_key).first()
        if item is None:
            raise NotFound(_("证明事项不存在"), code="item_not_found")
    item_text = (item_text or "").strip() or (item.name if item else "")
    item_text = _text(item_text, _("申请的证明"), "item_required", 200)
    if category not in dict(CATEGORY_CHOICES):
        raise InvalidInput(_("请选择证明类用印类别"), code="category_invalid")
    if not isinstance(copies, int) or isinstance(copies, bool) or not 1 <= copies <= 99:
        raise InvalidInput(_("份数须为 1 至 99"), code="copies_invalid")
    exception_claimed = (exception_claimed or "").strip()
    if exception_claimed and (item is None or exception_claimed not in item.exceptions):
        raise InvalidInput(
            _("所选除外情形不属于该证明事项"), code="exception_unknown"
        )  # REQ-008
    uploads = _uploads(attachments)
    now = clock.now()
    on = timezone.localtime(now).date()
    entry = selectors.catalogue_entry(item, committee.code, on)
    req = CertificateRequest(
        committee=committee,
        tracking_code=_tracking_code(),
        resident_name=resident_name,
        id_number=id_number,
        phone=phone,
        item=item,
        item_text=item_text,
        purpose=purpose,
        requiring_unit=requiring_unit,
        facts=facts,
        category=category,
        copies=copies,
        electronic=bool(electronic),
        public_interest=bool(public_interest),
        party_related=bool(party_related),
        legal_risk=bool(legal_risk),
        carries_liability=bool(carries_liability),
        exception_claimed=exception_claimed,
        list_kind=entry.list_kind,
        list_title=entry.list_title,
        sample=sample,
        received_by=actor,
        received_at=now,
    )
    item_facts = selectors.request_item_facts(req)
    decision = rules.decide(
        item_facts,
        rules.RequestFacts(
            committee_name=committee.name,
            requiring_unit=requiring_unit,
            public_interest=req.public_interest,
            party_related=req.party_related,
            legal_risk=req.legal_risk,
            carries_liability=req.carries_liability,
            exception_claimed=exception_claimed,
            negative_exception_enabled=selectors.negative_exception_enabled(
                committee.code
            ),
        ),
    )
    req.intake_class = decision.intake_class
    req.outcome = decision.outcome
    req.decision = decision.as_dict()
    req.complexity = item_facts.complexity
    req.time_limit_days = item_facts.time_limit_days
    if item_facts.complexity == "complex" and item_facts.time_limit_days:
        # REQ-045: the due date in working days by the official calendar.
        req.due_on = workdays.add_working_days(on, item_facts.time_limit_days)
    req.save()
    req.catalogue_versions.set(entry.version_ids)
    for name, upload, size in uploads:
        _save_attachment(req, actor=actor, name=name, upload=upload, size=size)
    audit.record(
        actor=actor,
        event="certificate_request.received",
        subject=req,
        after={
            **audit.snapshot(req, FIELDS),
            "resident": masking.mask_name(resident_name),
            "id_number": masking.mask_id_number(id_number),
            "item": item.key if item else None,
            "item_text": item_text,
            "requiring_unit": requiring_unit,
            "purpose": purpose,
            "catalogue_versions": list(entry.version_ids),
            "attachments": [name for name, _u, _s in uploads],
        },
    )
    return req


def _tracking_code() -> str:
    while True:
        code = secrets.token_urlsafe(TRACKING_BYTES)
        if not CertificateRequest.objects.filter(tracking_code=code).exists():
            return code


@transaction.atomic
def request_flags_set(
    *,
    actor: Any,
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
        raise InvalidInput(_("所选除外情形不属于该证明事项"), code="exception_unknown")
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


@transaction.atomic
def request_attach(*, actor: Any, request_id: int, file: Any) -> Attachment:
    """Add a material to an open request (REQ-038: kept with the case)."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    if not req.is_open:
        raise Conflict(_("已办结的申请不能再添加材料"), code="request_closed")
    [(name, upload, size)] = _uploads([file])
    attachment = _save_attachment(req, actor=actor, name=name, upload=upload, size=size)
    audit.record(
        actor=actor,
        event="certificate_request.attachment",
        subject=req,
        after={"name": name, "sha256": attachment.sha256, "size": size},
    )
    return attachment


@transaction.atomic
def demand_report(
    *,
    actor: Any,
    committee_code: str,
    item_text: str,
    demanding_organisation: str,
    item_key: str | None = None,
    request_id: int | None = None,
    note: str = "",
) -> DemandReport:
    """Report a unit demanding a certificate the committee's positive list does not name
    (REQ-016). The supervision work turns these into complaint cases (REQ-089)."""
    committee = Division.objects.filter(
        code=committee_code, level=Level.COMMITTEE
    ).first()
    if committee is None:
        raise NotFound(_("村（居）委会不存在"), code="committee_not_found")
    policy.require(actor, HANDLE, committee)
    item = None
    if item_key:
        item = Item.objects.filter(key=item_key).first()
        if item is None:
            raise NotFound(_("证明事项不存在"), code="item_not_found")
    req = None
    if request_id is not None:
        req = CertificateRequest.objects.filter(
            pk=request_id, committee=committee
        ).first()
        if req is None:
            raise NotFound(_("证明申请不存在"), code="request_not_found")
        item = item or req.item
    item_text = (
        (item_text or "").strip()
        or (item.name if item else "")
        or (req.item_text if req else "")
    )
    report = DemandReport.objects.create(
        committee=committee,
        item=item,
        item_text=_text(item_text, _("被要求的证明"), "item_required", 200),
        demanding_organisation=_text(
            demanding_organisation,
            _("提出要求的部门或单位"),
            "organisation_required",
            200,
        ),
        request=req,
        note=(note or "").strip(),
        reported_by=actor,
        reported_at=clock.now(),
    )
    audit.record(
        actor=actor,
        event="certificate.demand_reported",
        subject=report,
        after={
            "item": item.key if item else None,
            "item_text": report.item_text,
            "demanding_organisation": report.demanding_organisation,
            "request": req.pk if req else None,
            "note": report.note,
        },
    )
    return report


# Records an outcome needs ------------------------------------------------------------

EXCEPTION_FIELDS = [
    "trigger",
    "entity_name",
    "within_duties",
    "verifiable",
    "evidence",
    "assessment",
    "precautions",
    "materials_retained",
]


@transaction.atomic
def exception_record(
    *,
    actor: Any,
    request_id: int,
    trigger: str,
    entity_name: str = "",
    within_duties: bool = False,
    verifiable: bool = False,
    evidence: str = "",
    assessment: str = "",
    precautions: str = "",
    materials_retained: bool = False,
) -> ExceptionRecord:
    """Record (or correct) the conditions of the factual-issuance exception for a
    negative-list item (REQ-037, REQ-038). Offered only where the jurisdiction keeps
    the exception open (REQ-039); what is still missing keeps the request from being
    verified (rules.decide)."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED)
    if req.list_kind != "negative":
        raise Conflict(
            _("只有负面清单事项需要登记据实出具的例外情形"), code="not_negative_item"
        )
    if not selectors.negative_exception_enabled(req.committee_id):
        raise Conflict(  # REQ-039
            _("本辖区对已列入负面清单的事项不再出具，不能登记例外情形"),
            code="exception_switched_off",
        )
    if trigger and trigger not in Trigger.values:
        raise InvalidInput(_("例外情形无效"), code="trigger_invalid")
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
    record.materials_retained = bool(materials_retained)
    record.recorded_by, record.recorded_at = actor, clock.now()
    record.save()
    audit.record(
        actor=actor,
        event="certificate_request.exception",
        subject=req,
        before=before,
        after=audit.snapshot(record, EXCEPTION_FIELDS),
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
    actor: Any,
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
            code="not_public_interest",
        )
    if form not in ConsultationForm.values:
        raise InvalidInput(_("请选择协商形式"), code="consultation_form_required")
    if held_on is None:
        raise InvalidInput(_("请填写协商日期"), code="consultation_date_required")
    if held_on > clock.today():
        raise InvalidInput(_("协商日期不能晚于今天"), code="consultation_date_invalid")
    participants = _text(participants, _("参加人员"), "participants_required", 4000)
    if result not in ConsultationResult.values:
        raise InvalidInput(_("请选择协商结果"), code="consultation_result_required")
    record = Consultation.objects.filter(request=req).first()
    before = audit.snapshot(record, CONSULTATION_FIELDS) if record else None
    if record is None:
        record = Consultation(request=req)
    record.form, record.held_on, record.participants = form, held_on, participants
    record.result, record.summary = result, (summary or "").strip()
    record.head_signed_by, record.head_signed_at = None, None
    record.recorded_by, record.recorded_at = actor, clock.now()
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
def consultation_sign(*, actor: Any, request_id: int) -> Consultation:
    """The head signs the agreed consultation result (负责人签字, REQ-034)."""
    req = _lock(request_id)
    policy.require(actor, APPROVE, req)
    _require_status(req, Status.RECEIVED)
    record = Consultation.objects.select_for_update().filter(request=req).first()
    if record is None:
        raise Conflict(_("尚未登记议事协商记录"), code="consultation_missing")
    if record.result != ConsultationResult.AGREED:
        raise Conflict(
            _("议事协商结果不是“同意”，主任不能签字出具"),
            code="consultation_not_agreed",
        )
    if record.head_signed_by_id:
        raise Conflict(_("主任已签字"), code="already_signed")
    before = audit.snapshot(record, CONSULTATION_FIELDS)
    record.head_signed_by, record.head_signed_at = actor, clock.now()
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
    actor: Any,
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
            _("该申请未标为可能涉及法律风险，不需要风险评估"), code="not_legal_risk"
        )
    values = {
        "investigation": (investigation or "").strip(),
        "deliberation": (deliberation or "").strip(),
        "assessment": (assessment or "").strip(),
        "precautions": (precautions or "").strip(),
    }
    if not any(values.values()):
        raise InvalidInput(_("请至少填写一项记录"), code="risk_record_empty")
    record = RiskAssessment.objects.filter(request=req).first()
    before = audit.snapshot(record, RISK_FIELDS) if record else None
    if record is None:
        record = RiskAssessment(request=req)
    for name, value in values.items():
        setattr(record, name, value)
    record.recorded_by, record.recorded_at = actor, clock.now()
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


# Verify → approve → seal and issue ---------------------------------------------------


def choose_seal(committee_code: str, electronic: bool) -> Seal:
    """The committee's usable seal: electronic first when the request asks for
    electronic issue, else (and otherwise) a physical one; none usable is refused."""
    forms = (
        [SealForm.ELECTRONIC, SealForm.PHYSICAL] if electronic else [SealForm.PHYSICAL]
    )
    seals = list(
        Seal.objects.filter(
            committee_id=committee_code, status=SealStatus.IN_USE, form__in=forms
        ).order_by("-issued_on", "-pk")
    )
    for form in forms:
        for seal in seals:
            if seal.form == form and seal_selectors.usable(seal):
                return seal
    raise NoUsableSeal(
        _(
            "本村（居）委会当前没有可以使用的印章（未启用、已停用或已带离办公室），"
            "不能出具证明；请联系乡镇（街道）或印章管理人"
        ),
        detail={"committee": committee_code, "forms": [str(f) for f in forms]},
    )


def _catalogue_version_label(req: CertificateRequest) -> str:
    versions = req.catalogue_versions.select_related("catalogue_list")
    if req.item_id:
        versions = versions.filter(entries__item_id=req.item_id)
    return "；".join(f"{v.catalogue_list.title} v{v.number}" for v in versions)


def _certificate_doc(
    req: CertificateRequest, *, serial: str, on: dt.date, template: str, seal: Seal
) -> documents.CertificateDoc:
    return documents.CertificateDoc(
        serial=serial,
        committee_name=req.committee.name,
        committee_code=req.committee_id,
        title=req.item_name,
        body=req.facts,
        resident_name=req.resident_name,
        id_number_masked=masking.mask_id_number(req.id_number),
        requiring_unit=req.requiring_unit,
        purpose=req.purpose,
        issue_date=on,
        template_text=template,
        catalogue_version=_catalogue_version_label(req),
        electronic=seal.form == SealForm.ELECTRONIC,
        sample=req.sample,
    )


@transaction.atomic
def request_verify(
    *, actor: Any, request_id: int, what: str, how: str
) -> CertificateRequest:
    """Verify the facts (据实出具, REQ-046) and prepare the certificate for approval:
    serial, PDF from the template in force (REQ-047), sealing request filed and
    reviewed by the clerk (先审核, REQ-053)."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED)
    what = _text(what, _("核实内容"), "verification_required", 4000)
    how = _text(how, _("核实方式"), "verification_required", 2000)
    _require_issuable(req)
    seal = choose_seal(req.committee_id, req.electronic)
    guide = Guide.objects.filter(item_id=req.item_id).first() if req.item_id else None
    template = guide.certificate_format if guide is not None else ""
    now = clock.now()
    on = timezone.localtime(now).date()
    serial = certificate_serial(req.committee_id, on.year)
    doc = _certificate_doc(req, serial=serial, on=on, template=template, seal=seal)
    # An electronic seal: the signed QR token goes into the PDF the head approves.
    doc = electronic.with_token(
        actor=actor, seal=seal, doc=doc, item_key=req.item.key if req.item_id else ""
    )
    pdf = documents.render_certificate(doc)
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
    )
    use = sealing.usage_review(
        actor=actor,
        usage_id=use.pk,
        approve=True,
        not_blank=True,
        note=_("已核实：%s") % what[:200],
    )
    with audit.recorded(
        actor=actor, event="certificate_request.verified", subject=req, fields=FIELDS
    ):
        req.certificate_pdf.save(f"{serial}.pdf", ContentFile(pdf), save=False)
        req.save(update_fields=["certificate_pdf"])  # files stay out of the audit
        req.certificate_sha256 = _digest(pdf)
        req.serial, req.template_text = serial, template
        req.seal, req.usage = seal, use
        req.verified_by, req.verified_at = actor, now
        req.verification_what, req.verification_how = what, how
        move_to(req, Status.VERIFIED)
    return req


@transaction.atomic
def request_approve(*, actor: Any, request_id: int) -> CertificateRequest:
    """The head approves (签批): the sealing request's approval binds the PDF's
    SHA-256, so what is sealed is exactly what was approved (REQ-054, REQ-057)."""
    req = _lock(request_id)
    policy.require(actor, APPROVE, req)
    _require_status(req, Status.VERIFIED)
    _require_issuable(req)
    if stored_sha256(req.certificate_pdf) != req.certificate_sha256:
        raise StaleContent(_("证明文件与核实时不一致，请重新办理"))
    sealing.usage_approve(actor=actor, usage_id=req.usage_id, approve=True)
    with audit.recorded(
        actor=actor, event="certificate_request.approved", subject=req, fields=FIELDS
    ):
        req.approved_by, req.approved_at = actor, clock.now()
        move_to(req, Status.APPROVED)
    return req


@transaction.atomic
def request_issue(*, actor: Any, request_id: int) -> CertificateRequest:
    """The custodian seals; the sealing service writes the certificate register entry
    and the request is issued in the same transaction (REQ-056, REQ-070, REQ-072)."""
    req = _lock(request_id)
    policy.require(actor, SEAL, req)
    _require_status(req, Status.APPROVED)
    _require_issuable(req)
    if stored_sha256(req.certificate_pdf) != req.certificate_sha256:
        raise StaleContent(_("证明文件与签批时不一致，不能盖章"))
    sealed = sealing.usage_seal(actor=actor, usage_id=req.usage_id)
    # An electronic seal: the PAdES signature over the approved PDF (esign refuses a
    # revoked seal or a changed file, and the whole issue with it).
    electronic.sign_issued(
        actor=actor, serial=req.serial, pdf_field=req.certificate_pdf, usage=sealed
    )
    now = clock.now()
    with audit.recorded(
        actor=actor, event="certificate_request.issued", subject=req, fields=FIELDS
    ):
        req.issued_by, req.issued_at = actor, now
        req.register_entry = sealed.register_entry
        # REQ-044: a simple certificate received and issued the same day.
        req.on_the_spot = (
            req.complexity != "complex"
            and timezone.localtime(req.received_at).date()
            == timezone.localtime(now).date()
        )
        move_to(req, Status.ISSUED)
    return req


def request_confirm(
    *,
    actor: Any,
    request_id: int,
    method: str,
    signature: UploadedFile | None = None,
    paper_reference: str = "",
):
    """The resident confirms the certificate register entry (REQ-073), through the
    register's own service."""
    req = CertificateRequest.objects.filter(pk=request_id).first()
    if req is None:
        raise NotFound(_("证明申请不存在"), code="request_not_found")
    policy.require(actor, "certificate.view", req)
    if req.status != Status.ISSUED or req.register_entry_id is None:
        raise Conflict(_("证明尚未出具，没有登记簿条目"), code="not_issued")
    return registers.confirm(
        actor=actor,
        entry_id=req.register_entry_id,
        method=method,
        signature=signature,
        paper_reference=paper_reference,
    )


# Ending without a certificate ----------------------------------------------------------


def _close_usage(req: CertificateRequest, *, actor: Any, reason: str) -> None:
    """Withdraw the open sealing request of a request that ends unsealed."""
    if req.usage_id is None:
        return
    if req.usage.status in (
        UseStatus.SUBMITTED,
        UseStatus.REVIEWED,
        UseStatus.APPROVED,
    ):
        sealing.usage_withdraw(actor=actor, usage_id=req.usage_id, reason=reason)


def _item_basis(req: CertificateRequest, decision: rules.Decision) -> str:
    if decision.intake_class == "negative":
        return _("列入《%(list)s》的“%(item)s”") % {
            "list": req.list_title or _("负面清单"),
            "item": req.item_name,
        }
    if decision.outcome == Outcome.NOT_ISSUED:
        return _("该证明无法律法规依据，未列入国务院保留证明事项清单")
    return ""


@transaction.atomic
def request_refuse(
    *,
    actor: Any,
    request_id: int,
    reason: str,
    route: str = "",
    department: str = "",
    basis: str = "",
) -> CertificateRequest:
    """Refuse, with the refusal notice for the resident (不予出具告知书).

    A reason is always required (REQ-032). A negative-list item brings its route and
    responsible department (REQ-036); any other refusal must be given both (REQ-049).
    An open sealing request is withdrawn, a serial already given becomes void.
    """
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED, Status.VERIFIED, Status.APPROVED)
    reason = _text(reason, _("不予出具的理由"), "reason_required", 4000)
    decision = selectors.decision_for(req)
    route, department = (route or "").strip(), (department or "").strip()
    if req.list_kind == "negative":
        route = route or decision.route
        department = department or decision.department
    if not route:
        raise InvalidInput(_("请填写办事途径（REQ-049）"), code="route_required")
    if not department:
        raise InvalidInput(_("请填写办理部门（REQ-049）"), code="department_required")
    basis = (basis or "").strip() or _item_basis(req, decision)
    now = clock.now()
    on = timezone.localtime(now).date()
    notice_no = refusal_notice_no(req.committee_id, on.year)
    reasons = [("REQ-032", reason)] + [
        (r.req, r.message) for r in decision.reasons if r.code in REFUSAL_REASON_CODES
    ]
    pdf = documents.render_refusal(
        documents.RefusalDoc(
            notice_no=notice_no,
            committee_name=req.committee.name,
            committee_code=req.committee_id,
            resident_name=req.resident_name,
            item_name=req.item_name,
            request_date=timezone.localtime(req.received_at).date(),
            notice_date=on,
            reasons=reasons,
            route=route,
            responsible_department=department,
            basis=basis,
            sample=req.sample,
        )
    )
    _close_usage(req, actor=actor, reason=_("不予出具：%s") % reason[:200])
    with audit.recorded(
        actor=actor, event="certificate_request.refused", subject=req, fields=FIELDS
    ):
        req.refused_by, req.refused_at = actor, now
        req.refusal_reason, req.refusal_route = reason, route
        req.refusal_department, req.refusal_basis = department[:300], basis
        req.refusal_notice_no = notice_no
        req.refusal_notice.save(f"{notice_no}.pdf", ContentFile(pdf), save=False)
        req.save(update_fields=["refusal_notice"])  # files stay out of the audit
        req.serial_void = bool(req.serial)
        move_to(req, Status.REFUSED)
    return req


@transaction.atomic
def request_withdraw(*, actor: Any, request_id: int, reason: str) -> CertificateRequest:
    """The resident withdraws the request (final); a serial given becomes void."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED, Status.VERIFIED, Status.APPROVED)
    reason = _text(reason, _("撤回原因"), "reason_required", 2000)
    _close_usage(req, actor=actor, reason=_("申请人撤回：%s") % reason[:200])
    with audit.recorded(
        actor=actor, event="certificate_request.withdrawn", subject=req, fields=FIELDS
    ):
        req.closed_by, req.closed_at, req.closing_note = actor, clock.now(), reason
        req.serial_void = bool(req.serial)
        move_to(req, Status.WITHDRAWN)
    return req


@transaction.atomic
def request_annul(*, actor: Any, request_id: int, reason: str) -> CertificateRequest:
    """Annul an issued certificate that proves wrong (出具后作废): the head, with the
    reason. The register entry stays — it records a sealing that happened; an
    electronic certificate's verification says "withdrawn" from now on (esign)."""
    req = _lock(request_id)
    policy.require(actor, "certificate.approve", req)
    _require_status(req, Status.ISSUED)
    reason = _text(reason, _("作废原因"), "reason_required", 2000)
    from yinzheng.esign.models import SignedDocument
    from yinzheng.esign.services import document_withdraw

    if SignedDocument.objects.filter(
        serial=req.serial, signed_at__isnull=False, withdrawn_at__isnull=True
    ).exists():
        document_withdraw(actor=actor, serial=req.serial, reason=reason)
    with audit.recorded(
        actor=actor, event="certificate_request.annulled", subject=req, fields=FIELDS
    ):
        req.closed_by, req.closed_at, req.closing_note = actor, clock.now(), reason
        move_to(req, Status.ANNULLED)
    return req


@transaction.atomic
def request_transfer(
    *, actor: Any, request_id: int, note: str = ""
) -> CertificateRequest:
    """Hand a Party matter to the community (village) Party organisation (REQ-043);
    nothing is sealed."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED)
    decision = selectors.decision_for(req)
    if decision.outcome != Outcome.TRANSFER_PARTY:
        raise Conflict(
            _("只有涉及党组织、党员的证明转交党组织办理"), code="not_party_matter"
        )
    with audit.recorded(
        actor=actor,
        event="certificate_request.transferred",
        subject=req,
        fields=FIELDS,
    ):
        req.closed_by, req.closed_at = actor, clock.now()
        req.closing_note = (note or "").strip() or decision.route
        move_to(req, Status.TRANSFERRED)
    return req


# The jurisdiction's switch (REQ-039) ---------------------------------------------------


@transaction.atomic
def jurisdiction_setting_set(
    *,
    actor: Any,
    division_code: str,
    negative_exception_enabled: bool,
    note: str = "",
) -> JurisdictionSetting:
    """Open or close the negative-list exception for a jurisdiction and everything
    below it (REQ-039, DIV-02). Requests already verified keep going only while the
    rules still allow them: every later step decides again."""
    division = Division.objects.filter(code=division_code).first()
    if division is None:
        raise NotFound(_("区划不存在"), code="division_not_found")
    policy.require(actor, CONFIGURE, division)
    setting = (
        JurisdictionSetting.objects.select_for_update()
        .filter(division=division)
        .first()
    )
    fields = ["negative_exception_enabled", "note", "updated_by", "updated_at"]
    before = audit.snapshot(setting, fields) if setting else None
    if setting is None:
        setting = JurisdictionSetting(division=division)
    setting.negative_exception_enabled = bool(negative_exception_enabled)
    setting.note = (note or "").strip()
    setting.updated_by = person(actor)
    setting.updated_at = clock.now()
    setting.save()
    audit.record(
        actor=actor,
        event="certificate.setting",
        subject=setting,
        before=before,
        after=audit.snapshot(setting, fields),
    )
    return setting
