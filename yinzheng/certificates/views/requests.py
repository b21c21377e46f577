"""Staff pages for the journey of a certificate request, usable on a clerk's phone
(REQ-031–049): the lists and the decision screen with its actions.

The lists: every request the user may see (filter by status, search by serial, tracking
code, item or committee), the overdue ones (REQ-045) and the demands for unlisted
certificates (REQ-016). The decision screen shows the intake class, the outcome and its
reasons with their REQ ids, what is still missing, and the forms the outcome asks for —
the negative-list exception (only where the jurisdiction allows it), the consultation
with the head's signature, the legal-risk records, the commitment where the item allows
it (REQ-082) — then verify, approve (head), seal and issue (custodian), refuse with a
printable notice or refer the case to the responsible department's queue with that
notice (REQ-118), whose answer it then shows; which of them it offers is the policy's answer
(`policy.allowed_actions`). An issued certificate links to its register entry's
confirmation page. Every action is one service call; a refusal is shown on the form it
came from (never a 500), success redirects with a message. A request outside the user's
subtrees is 404; an action the policy refuses is 403. The ID number and the phone are
always masked; lists mask the name too.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import clock, masking, tracking
from yinzheng.core.errors import DomainError, NotAllowed
from yinzheng.core.web import show_error
from yinzheng.registers.forms import SIGNATURE_DATA_URL_MAX_CHARS

from .. import rules, selectors, services
from ..choices import IntakeClass, Outcome, Status
from ..forms.commitments import CommitmentForm
from ..forms.requests import (
    AttachForm,
    ConfirmForm,
    ConsultationRecordForm,
    ExceptionForm,
    FlagsForm,
    ReasonForm,
    ReferForm,
    RefuseForm,
    ReportForm,
    RiskForm,
    TransferForm,
    VerifyForm,
)
from ..models import CertificateRequest, DemandReport
from .common import CODE_FIELDS, CONFIGURE, HANDLE, _request_or_404, _require_view

# Room the commitment form's texts take in the POST (two fields of 8000 characters).
COMMITMENT_TEXT_BYTES = 64 * 1024


def _row(req: CertificateRequest) -> dict[str, Any]:
    return {
        "req": req,
        "name": masking.mask_name(req.resident_name),
        "id_number": masking.mask_id_number(req.id_number),
        "overdue": req.is_open
        and req.due_on is not None
        and req.due_on < clock.today(),
    }


# Lists ----------------------------------------------------------------------------------


@login_required
def index(request):
    user = request.user
    _require_view(user)
    qs = selectors.requests_visible_to(user)
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()[:50]
    if q:
        qs = qs.filter(
            Q(serial__icontains=q)
            | Q(tracking_code=q)
            # REQ-113: a case applied for online, found at the window by its code
            # however the resident reads it out (issue 16).
            | Q(tracking_code=tracking.normalise(q) or q)
            | Q(item_text__contains=q)
            | Q(committee__name__contains=q)
        )
    page = Paginator(qs.order_by("-received_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "certificates/index.html",
        {
            "page": page,
            "rows": [_row(r) for r in page],
            "status": status,
            "q": q,
            "statuses": Status.choices,
            "may_handle": policy.can(user, HANDLE),
            "may_configure": policy.can(user, CONFIGURE),
            "may_view_credit": policy.can(user, "credit.view"),
            "overdue_count": selectors.overdue(user, clock.today()).count(),
        },
    )


@login_required
def overdue(request):
    """REQ-045: open requests past their due date, for the committee and the township."""
    user = request.user
    _require_view(user)
    qs = selectors.overdue(user, clock.today()).order_by("due_on", "pk")
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/overdue.html",
        {"page": page, "rows": [_row(r) for r in page], "today": clock.today()},
    )


@login_required
def reports(request):
    """Demands for unlisted certificates reported by the committees (REQ-016)."""
    user = request.user
    _require_view(user)
    qs = (
        DemandReport.objects.visible_to(user)
        .select_related("committee", "item", "reported_by")
        .order_by("-reported_at", "-pk")
    )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(request, "certificates/reports.html", {"page": page})


# The decision screen ------------------------------------------------------------------


def _jurisdictions(req: CertificateRequest) -> list:
    """Where the case may be referred (REQ-118); nowhere once it is final."""
    return selectors.referral_jurisdictions(req.committee_id) if req.is_open else []


def _forms(req: CertificateRequest, decision: dict) -> dict[str, Any]:
    exceptions = tuple(req.item.exceptions) if req.item is not None else ()
    exc = getattr(req, "exceptionrecord", None)
    con = getattr(req, "consultation", None)
    risk = getattr(req, "riskassessment", None)
    negative = req.list_kind == "negative"
    places = _jurisdictions(req)
    return {
        "flags": FlagsForm(
            prefix="flags",
            exceptions=exceptions,
            initial={
                "public_interest": req.public_interest,
                "party_related": req.party_related,
                "legal_risk": req.legal_risk,
                "carries_liability": req.carries_liability,
                "exception_claimed": req.exception_claimed,
            },
        ),
        "exception": ExceptionForm(
            prefix="exception",
            initial={f: getattr(exc, f) for f in services.EXCEPTION_FIELDS}
            if exc
            else None,
        ),
        "consultation": ConsultationRecordForm(
            prefix="consultation",
            initial={
                "form": con.form,
                "held_on": con.held_on,
                "participants": con.participants,
                "result": con.result,
                "summary": con.summary,
            }
            if con
            else {"held_on": clock.today()},
        ),
        "risk": RiskForm(
            prefix="risk",
            initial={f: getattr(risk, f) for f in services.RISK_FIELDS}
            if risk
            else None,
        ),
        "verify": VerifyForm(prefix="verify"),
        "refuse": RefuseForm(
            prefix="refuse",
            initial={
                "route": decision.get("route", ""),
                "department": "、".join(decision.get("departments", [])),
            }
            if negative or decision.get("outcome") != Outcome.ISSUE
            else None,
        ),
        # REQ-118: to the department the item names, of the committee's county.
        "refer": ReferForm(
            prefix="refer",
            jurisdictions=places,
            initial={
                "jurisdiction": places[0].code if places else "",
                "to_department": selectors.referral_department(
                    decision.get("departments", [])
                ),
                "department": "、".join(decision.get("departments", [])),
                "route": decision.get("route", ""),
            },
        ),
        "withdraw": ReasonForm(prefix="withdraw"),
        "annul": ReasonForm(prefix="annul"),
        "transfer": TransferForm(prefix="transfer"),
        # Pre-filled with who demanded it and, beyond the seal's scope, why (REQ-042).
        "report": ReportForm(
            prefix="report",
            initial={
                "demanding_organisation": req.requiring_unit,
                "note": _(
                    "要求出具承担法律责任或经济连带责任的证明，"
                    "超出村（居）委会印章使用范围"
                )
                if selectors.beyond_seal_scope(req)
                else "",
            },
        ),
        "attach": AttachForm(prefix="attach"),
        "approve": ConfirmForm(prefix="approve"),
        "issue": ConfirmForm(prefix="issue"),
        "sign": ConfirmForm(prefix="sign"),
        # REQ-082: the texts to print and sign, made only when the route is open.
        "commitment": CommitmentForm(
            prefix="commitment",
            initial={
                "notification": services.default_notification(req),
                "commitment": services.default_commitment(req),
            }
            if req.status == Status.RECEIVED and decision.get("commitment_available")
            else None,
        ),
    }


def _detail_page(
    request, req: CertificateRequest, bound: tuple[str, Any] | None = None
):
    user = request.user
    decision = selectors.decision_shown(req)
    forms = _forms(req, decision)
    if bound is not None:
        forms[bound[0]] = bound[1]
    con = getattr(req, "consultation", None)
    entry = req.register_entry
    confirm_url = None
    # Offered only to whom may confirm (REQ-073): the link never leads to a refusal.
    if entry is not None and policy.can(user, "register.confirm", req.committee):
        confirm_url = reverse(
            "registers:register_confirm",
            args=[req.committee_id, entry.data["data"]["year"], entry.pk],
        )
    commitment = getattr(req, "commitment", None)
    return render(
        request,
        "certificates/detail.html",
        {
            "req": req,
            "decision": decision,
            "outcome_label": Outcome(decision["outcome"]).label
            if decision.get("outcome") in Outcome.values
            else "",
            "class_label": IntakeClass(decision["intake_class"]).label
            if decision.get("intake_class") in IntakeClass.values
            else "",
            "tags": [TAG_LABELS.get(t, t) for t in decision.get("tags", [])],
            "forms": forms,
            "show": policy.allowed_actions(user, req),
            "bound": bound[0] if bound else None,
            "id_number": masking.mask_id_number(req.id_number),
            "phone": masking.mask_phone(req.phone),
            "exception": getattr(req, "exceptionrecord", None),
            "consultation": con,
            "risk": getattr(req, "riskassessment", None),
            "attachments": req.attachments.filter(retained_for_exception=False),
            "exception_materials": req.attachments.filter(retained_for_exception=True),
            "reports": req.demand_reports.all(),
            "demand_warning": selectors.demand_warning(req),
            "beyond_seal_scope": selectors.beyond_seal_scope(req),
            "confirm_url": confirm_url,
            "registered": entry is not None,
            "confirmed": entry is not None and hasattr(entry, "confirmation"),
            "status_url": reverse("portal:status", args=[req.tracking_code]),
            "overdue": req.is_open and req.due_on and req.due_on < clock.today(),
            "refuse_open": decision.get("outcome")
            in (Outcome.REFUSE, Outcome.NOT_ISSUED, Outcome.MANUAL),
            "commitment": commitment,
            "referral": getattr(req, "referral", None),
            "task": getattr(commitment, "verification", None) if commitment else None,
            # What the browser may send as a drawn signature: the ledger's limit,
            # within Django's own next to the texts.
            "signature_max_chars": min(
                SIGNATURE_DATA_URL_MAX_CHARS,
                (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 1 << 40)
                - COMMITMENT_TEXT_BYTES,
            ),
        },
    )


TAG_LABELS = {
    rules.SPECIAL_CASE: gettext_lazy("特殊情况（不在正面清单，涉及公共利益）"),
    rules.NEGATIVE_EXCEPTION: gettext_lazy("负面清单事项例外，据实出具"),
    rules.ITEM_EXCEPTION: gettext_lazy("除外情形，人工决定"),
    rules.PUBLIC_INTEREST_TAG: gettext_lazy("涉及公共利益"),
    rules.LEGAL_RISK_TAG: gettext_lazy("可能涉及法律风险"),
    rules.ON_THE_SPOT: gettext_lazy("简单证明，可当场办结"),
    rules.TIME_LIMITED: gettext_lazy("限时办结"),
    rules.COMMITMENT: gettext_lazy("可告知承诺"),
}


@login_required
def detail(request, pk: int):
    req = _request_or_404(request.user, pk)
    return _detail_page(request, req)


def _ops(
    user: Any,
) -> dict[str, tuple[Any, Callable[[CertificateRequest, dict], Any], str]]:
    """op → (form class, service call, success message)."""

    def flags(req, v):
        return services.request_flags_set(
            actor=user,
            request_id=req.pk,
            public_interest=v["public_interest"],
            party_related=v["party_related"],
            legal_risk=v["legal_risk"],
            carries_liability=v["carries_liability"],
            exception_claimed=v.get("exception_claimed", ""),
        )

    def exception(req, v):
        material = v.pop("material", None)
        return services.exception_record(
            actor=user,
            request_id=req.pk,
            materials=[material] if material else [],  # REQ-038
            **v,
        )

    return {
        "flags": (FlagsForm, flags, _("已更新，并重新判断")),
        "exception": (
            ExceptionForm,
            exception,
            _("已登记据实出具的例外条件"),
        ),
        "consultation": (
            ConsultationRecordForm,
            lambda req, v: services.consultation_record(
                actor=user, request_id=req.pk, **v
            ),
            _("已登记议事协商记录，请主任签字"),
        ),
        "sign": (
            ConfirmForm,
            lambda req, v: services.consultation_sign(actor=user, request_id=req.pk),
            _("主任已签字"),
        ),
        "risk": (
            RiskForm,
            lambda req, v: services.risk_record(actor=user, request_id=req.pk, **v),
            _("已登记法律风险评估记录"),
        ),
        "verify": (
            VerifyForm,
            lambda req, v: services.request_verify(
                actor=user, request_id=req.pk, what=v["what"], how=v["how"]
            ),
            _("已核实，证明已生成，待主任签批"),
        ),
        "approve": (
            ConfirmForm,
            lambda req, v: services.request_approve(actor=user, request_id=req.pk),
            _("已签批，待印章管理人盖章出具"),
        ),
        "issue": (
            ConfirmForm,
            lambda req, v: services.request_issue(actor=user, request_id=req.pk),
            _("已盖章出具，已记入出具证明事项登记簿，请居民签字确认"),
        ),
        "refuse": (
            RefuseForm,
            lambda req, v: services.request_refuse(actor=user, request_id=req.pk, **v),
            _("已不予出具，请打印告知书交给申请人"),
        ),
        "refer": (
            ReferForm,
            lambda req, v: services.request_refer(
                actor=user,
                request_id=req.pk,
                department=v["to_department"],
                jurisdiction_code=v["jurisdiction"],
                reason=v["reason"],
                route=v["route"],
                department_name=v["department"],
                basis=v["basis"],
                note=v["note"],
            ),
            _("已转交相关部门办理，请打印告知书交给申请人"),
        ),
        "withdraw": (
            ReasonForm,
            lambda req, v: services.request_withdraw(
                actor=user, request_id=req.pk, reason=v["reason"]
            ),
            _("已撤回"),
        ),
        "annul": (
            ReasonForm,
            lambda req, v: services.request_annul(
                actor=user, request_id=req.pk, reason=v["reason"]
            ),
            _("已作废该证明；电子证明核验将显示“已撤回”"),
        ),
        "transfer": (
            TransferForm,
            lambda req, v: services.request_transfer(
                actor=user, request_id=req.pk, note=v["note"]
            ),
            _("已转交社区（村）党组织办理"),
        ),
        "report": (
            ReportForm,
            lambda req, v: services.demand_report(
                actor=user,
                committee_code=req.committee_id,
                item_text=req.item_text,
                demanding_organisation=v["demanding_organisation"],
                item_key=req.item.key if req.item_id else None,
                request_id=req.pk,
                note=v["note"],
            ),
            _("已记录该不合理证明要求，供民政部门处理"),
        ),
        "attach": (
            AttachForm,
            lambda req, v: services.request_attach(
                actor=user, request_id=req.pk, file=v["file"]
            ),
            _("已添加材料"),
        ),
        "commitment": (
            CommitmentForm,
            lambda req, v: services.commitment_record(
                actor=user,
                request_id=req.pk,
                signature=v["signature_file"],
                signature_method=v["signature_method"],
                notification_text=v["notification"],
                commitment_text=v["commitment"],
                signed_on=v.get("signed_on"),
            ),
            _("已登记告知承诺：以承诺代替证明，不用印，申请已办结；已生成事后核查任务"),
        ),
    }


@login_required
@require_POST
def action(request, pk: int, op: str):
    req = _request_or_404(request.user, pk)
    ops = _ops(request.user)
    if op not in ops:
        raise Http404
    form_class, call, success = ops[op]
    kwargs: dict[str, Any] = {}
    if form_class is FlagsForm:
        kwargs["exceptions"] = (
            tuple(req.item.exceptions) if req.item is not None else ()
        )
    if form_class is ReferForm:
        kwargs["jurisdictions"] = _jurisdictions(req)
    form = form_class(request.POST, request.FILES or None, prefix=op, **kwargs)
    if form.is_valid():
        try:
            call(req, form.cleaned_data)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            show_error(form, exc, CODE_FIELDS)
        else:
            messages.success(request, success)
            return redirect(reverse("certificates:detail", args=[req.pk]) + f"#{op}")
    req = _request_or_404(request.user, pk)  # as it stands after the refusal
    return _detail_page(request, req, bound=(op, form))
