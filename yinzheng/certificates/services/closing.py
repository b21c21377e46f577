"""How a request ends without a certificate, and how an issued one is annulled
(REQ-032, REQ-036, REQ-043, REQ-049).

    received ─┬─▶ refused / withdrawn ◀─ verified, approved
              ├─▶ refused and referred to a department (its referral goes on)
              └─▶ transferred (a Party matter)
    issued ─head─▶ annulled                               (all final)

Refusing (`request_refuse`) makes the refusal notice (documents.render_refusal) with the
route, the responsible department and the basis; a negative item brings its own, any
other refusal must be given them (REQ-049). A case the committee does not issue may
instead be referred to the responsible department's own queue (`request_refer`,
REQ-118): the same notice, naming the office it went to, and a `Referral` the
department acknowledges and answers (services.referrals). The resident may withdraw the request
(`request_withdraw`); a Party matter goes to the community (village) Party organisation
and nothing is sealed (`request_transfer`, REQ-043). An open sealing request is
withdrawn with the request; a serial once given stays with it, void, and is never given
again. An issued certificate found wrong is annulled by the head (`request_annul`): the
register entry stays, as it records a sealing that happened, and an electronic
certificate's verification says "withdrawn" from then on.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Department
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person, require_person
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput
from yinzheng.core.text import optional_text, required_text
from yinzheng.core.transitions import move_to
from yinzheng.ledger import audit
from yinzheng.seals import services as sealing
from yinzheng.seals.choices import UsageClosing, UseStatus

from .. import documents, rules, selectors
from ..choices import Outcome, RefusalBasis, Status
from ..errors import CertificateCode
from ..models import CertificateRequest, Referral
from .common import FIELDS, HANDLE, _lock, _require_status
from .serials import refusal_notice_no

# What the committee does not issue may be referred to the department (REQ-118).
REFERABLE_OUTCOMES = frozenset({Outcome.REFUSE, Outcome.NOT_ISSUED, Outcome.MANUAL})

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


def _close_usage(
    req: CertificateRequest, *, actor: Actor, code: UsageClosing, reason: str
) -> None:
    """Withdraw the open sealing request of a request that ends unsealed: the
    system's words as a code, the person's reason beside it (issue 16)."""
    usage = req.usage
    if usage is None:
        return
    if usage.status in (
        UseStatus.SUBMITTED,
        UseStatus.REVIEWED,
        UseStatus.APPROVED,
    ):
        sealing.usage_withdraw(
            actor=actor, usage_id=usage.pk, reason=reason[:200], code=code
        )


def _basis_code(decision: rules.Decision) -> str:
    """The basis the system states when the clerk gives none (RefusalBasis)."""
    if decision.intake_class == "negative":
        return RefusalBasis.NEGATIVE_LIST
    if decision.outcome == Outcome.NOT_ISSUED:
        return RefusalBasis.NO_LEGAL_BASIS
    return ""


def _sharing(req: CertificateRequest) -> str:
    """REQ-117: whom the department queries, for an item the committee does not issue
    whose route verifies by data sharing."""
    item = req.item
    if item is None or not item.data_sharing or req.list_kind != "negative":
        return ""
    return "、".join(item.sharing_departments)


@transaction.atomic
def request_refuse(
    *,
    actor: Actor,
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
    return _refuse(
        req, actor=actor, reason=reason, route=route, department=department, basis=basis
    )


def _refuse(
    req: CertificateRequest,
    *,
    actor: Actor,
    reason: str,
    route: str,
    department: str,
    basis: str,
    referred_to: str = "",
) -> CertificateRequest:
    """The refusal of a locked request the actor may handle, with its notice; a
    referral (REQ-118) names on the notice the office the case went to."""
    reason = required_text(reason, _("不予出具的理由"), CoreCode.REASON_REQUIRED, 4000)
    decision = selectors.decision_for(req)
    route, department = (route or "").strip(), (department or "").strip()
    if req.list_kind in ("negative", "department"):  # REQ-049, REQ-123
        route = route or decision.route
        department = department or decision.department
    if not route:
        raise InvalidInput(
            _("请填写办事途径"),
            code=CertificateCode.ROUTE_REQUIRED,  # REQ-049
        )
    if not department:
        raise InvalidInput(
            _("请填写办理部门"),
            code=CoreCode.DEPARTMENT_REQUIRED,  # REQ-049
        )
    basis = (basis or "").strip()
    # Kept as a code and worded when read (issue 16); the notice prints the words.
    basis_code = "" if basis else _basis_code(decision)
    basis = basis or req.stated_basis(basis_code)
    now = clock.now()
    on = timezone.localtime(now).date()
    notice_no = refusal_notice_no(req.committee_id, on.year)
    # The reasons in words: the REQ ids stay in the staff's view (issue 16).
    reasons = [reason] + [
        r.message for r in decision.reasons if r.code in REFUSAL_REASON_CODES
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
            made_at=now,
            sharing_departments=_sharing(req),
            referred_to=referred_to,
        )
    )
    _close_usage(req, actor=actor, code=UsageClosing.REFUSED, reason=reason)
    with audit.recorded(
        actor=actor, event="certificate_request.refused", subject=req, fields=FIELDS
    ):
        req.refused_by, req.refused_at = person(actor), now
        req.refusal_reason, req.refusal_route = reason, route
        req.refusal_department = department[:300]
        req.refusal_basis_code = basis_code
        req.refusal_basis = "" if basis_code else basis
        req.refusal_notice_no = notice_no
        req.refusal_notice.save(f"{notice_no}.pdf", ContentFile(pdf), save=False)
        req.save(update_fields=["refusal_notice"])  # files stay out of the audit
        req.serial_void = bool(req.serial)
        move_to(req, Status.REFUSED)
    return req


@transaction.atomic
def request_refer(
    *,
    actor: Actor,
    request_id: int,
    department: str,
    jurisdiction_code: str,
    reason: str,
    route: str = "",
    department_name: str = "",
    basis: str = "",
    note: str = "",
) -> Referral:
    """Hand a case the committee does not issue to the responsible department's own
    queue (一门式, REQ-118): the department (accounts.choices.Department) of the
    committee's county or of its township. The resident gets the refusal notice with
    the route, naming the office the case went to (REQ-049); the request ends refused,
    its referral waits for the department to acknowledge and answer it."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED, Status.VERIFIED, Status.APPROVED)
    if department not in Department.values:
        raise InvalidInput(_("请选择转交的部门"), code=CoreCode.DEPARTMENT_INVALID)
    places = {d.code: d for d in selectors.referral_jurisdictions(req.committee_id)}
    jurisdiction = places.get((jurisdiction_code or "").strip())
    if jurisdiction is None:
        raise InvalidInput(
            _("只能转交本村（居）委会所在县或乡镇（街道）的部门"),
            code=CertificateCode.JURISDICTION_INVALID,
            detail={"allowed": sorted(places)},
        )
    text = optional_text(note, _("转交说明"), CoreCode.TEXT_TOO_LONG, 2000)
    decision = selectors.decision_for(req)
    if decision.outcome not in REFERABLE_OUTCOMES:
        raise Conflict(
            _("本村（居）委会可以出具的证明，不转交部门"),
            code=CertificateCode.NOT_REFERABLE,
        )
    with translation.override("zh-hans"):  # the notice's language, whoever asks
        office = f"{jurisdiction.name}{Department(department).label}"
    # The department as the item names it on the notice, else the office chosen.
    named = (department_name or "").strip() or decision.department or office
    _refuse(
        req,
        actor=actor,
        reason=reason,
        route=route,
        department=named,
        basis=basis,
        referred_to=office,
    )
    referral = Referral.objects.create(
        request=req,
        department=department,
        department_name=req.refusal_department,
        jurisdiction=jurisdiction,
        note=text,
        recorded_by=require_person(actor),
        recorded_at=clock.now(),
    )
    audit.record(
        actor=actor,
        event="certificate_request.referred",
        subject=req,
        after={
            "referral": referral.pk,
            "department": department,
            "jurisdiction": jurisdiction.code,
            "note": text,
        },
    )
    return referral


@transaction.atomic
def request_withdraw(
    *, actor: Actor, request_id: int, reason: str
) -> CertificateRequest:
    """The resident withdraws the request (final); a serial given becomes void."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED, Status.VERIFIED, Status.APPROVED)
    reason = required_text(reason, _("撤回原因"), CoreCode.REASON_REQUIRED, 2000)
    _close_usage(req, actor=actor, code=UsageClosing.WITHDRAWN, reason=reason)
    with audit.recorded(
        actor=actor, event="certificate_request.withdrawn", subject=req, fields=FIELDS
    ):
        req.closed_by, req.closed_at, req.closing_note = (
            person(actor),
            clock.now(),
            reason,
        )
        req.serial_void = bool(req.serial)
        move_to(req, Status.WITHDRAWN)
    return req


@transaction.atomic
def request_annul(*, actor: Actor, request_id: int, reason: str) -> CertificateRequest:
    """Annul an issued certificate that proves wrong (出具后作废): the head, with the
    reason. The register entry stays — it records a sealing that happened; an
    electronic certificate's verification says "withdrawn" from now on (esign)."""
    req = _lock(request_id)
    policy.require(actor, "certificate.approve", req)
    _require_status(req, Status.ISSUED)
    reason = required_text(reason, _("作废原因"), CoreCode.REASON_REQUIRED, 2000)
    from yinzheng.esign.models import SignedDocument
    from yinzheng.esign.services import document_withdraw

    if SignedDocument.objects.filter(
        serial=req.serial, signed_at__isnull=False, withdrawn_at__isnull=True
    ).exists():
        document_withdraw(actor=actor, serial=req.serial, reason=reason)
    with audit.recorded(
        actor=actor, event="certificate_request.annulled", subject=req, fields=FIELDS
    ):
        req.closed_by, req.closed_at, req.closing_note = (
            person(actor),
            clock.now(),
            reason,
        )
        move_to(req, Status.ANNULLED)
    return req


@transaction.atomic
def request_transfer(
    *, actor: Actor, request_id: int, note: str = ""
) -> CertificateRequest:
    """Hand a Party matter to the community (village) Party organisation (REQ-043);
    nothing is sealed."""
    req = _lock(request_id)
    policy.require(actor, HANDLE, req)
    _require_status(req, Status.RECEIVED)
    decision = selectors.decision_for(req)
    if decision.outcome != Outcome.TRANSFER_PARTY:
        raise Conflict(
            _("只有涉及党组织、党员的证明转交党组织办理"),
            code=CertificateCode.NOT_PARTY_MATTER,
        )
    with audit.recorded(
        actor=actor,
        event="certificate_request.transferred",
        subject=req,
        fields=FIELDS,
    ):
        req.closed_by, req.closed_at = person(actor), clock.now()
        req.closing_note = (note or "").strip() or decision.route
        move_to(req, Status.TRANSFERRED)
    return req
