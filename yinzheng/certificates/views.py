"""Staff pages for the journey of a certificate, usable on a clerk's phone, and the
resident's public status page (REQ-031–049).

The clerk takes a request in with the catalogue's lookup search box (the committee's own
lists decide what each hit means), and lands on the decision screen: the intake class,
the outcome and its reasons with their REQ ids, what is still missing, and the forms the
outcome asks for — the negative-list exception (only where the jurisdiction allows it),
the consultation with the head's signature, the legal-risk records — then verify,
approve (head), seal and issue (custodian), or refuse with a printable notice. An issued
certificate links to its register entry's confirmation page in the ledger. Every write is
one service call; a refusal is shown on the form it came from (never a 500), success
redirects with a message. A request outside the user's subtrees is 404; an action the
policy refuses is 403. The ID number and the phone are always masked; lists mask the
name too.

The public status page needs no login: the unguessable tracking code shows the status,
the item, the committee, the dates and the deadline, the masked name and, when nothing
is issued, where to go instead (REQ-049). It is rate-limited per address.
"""

import io
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.catalogue import selectors as catalogue
from yinzheng.catalogue.models import Item
from yinzheng.core import clock, masking
from yinzheng.core.codes import Level
from yinzheng.core.errors import DomainError, NotAllowed
from yinzheng.core.web import show_error
from yinzheng.divisions.models import Division
from yinzheng.registers.forms import SIGNATURE_DATA_URL_MAX_CHARS

from . import commitments, electronic, rules, selectors, services
from .choices import IntakeClass, Outcome, Status
from .forms import (
    AttachForm,
    CommitmentForm,
    ConfirmForm,
    ConsultationRecordForm,
    ExceptionForm,
    FlagsForm,
    IntakeForm,
    ReasonForm,
    RefuseForm,
    ReportForm,
    RiskForm,
    SettingForm,
    StatusForm,
    TransferForm,
    VerifyForm,
)
from .models import Attachment, CertificateRequest, DemandReport, JurisdictionSetting

HANDLE, APPROVE, SEAL = "certificate.handle", "certificate.approve", "certificate.seal"
CONFIGURE = "certificate.configure"
STATUS_RATE_PER_MINUTE = 30
# Room the commitment form's texts take in the POST (two fields of 8000 characters).
COMMITMENT_TEXT_BYTES = 64 * 1024
TRACKING_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")

# Which form field a service refusal belongs to, by its code.
CODE_FIELDS = {
    "id_number_invalid": "id_number",
    "phone_invalid": "phone",
    "resident_name_required": "resident_name",
    "purpose_required": "purpose",
    "requiring_unit_required": "requiring_unit",
    "facts_required": "facts",
    "item_required": "item_text",
    "category_invalid": "category",
    "copies_invalid": "copies",
    "exception_unknown": "exception_claimed",
    "route_required": "route",
    "department_required": "department",
    "reason_required": "reason",
    "participants_required": "participants",
    "consultation_date_required": "held_on",
    "consultation_date_invalid": "held_on",
    "organisation_required": "demanding_organisation",
    "text_too_long": "notification",
    "signed_on_invalid": "signed_on",
}


def _require_view(user: Any) -> None:
    if not policy.can(user, "certificate.view"):
        raise PermissionDenied


def _request_or_404(user: Any, pk: int) -> CertificateRequest:
    _require_view(user)
    req = selectors.request_get(user, pk)
    if req is None:
        raise Http404
    return req


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


# Intake -------------------------------------------------------------------------------


def _handling_committees(user: Any) -> list[Division]:
    return list(
        Division.objects.committees()
        .in_scope_of(user, HANDLE)
        .filter(status="active")
        .order_by("code")[:200]
    )


@login_required
def new(request):
    user = request.user
    if not policy.can(user, HANDLE):
        raise PermissionDenied
    committees = _handling_committees(user)
    if not committees:
        raise PermissionDenied
    codes = {c.code for c in committees}
    data = request.POST if request.method == "POST" else request.GET
    committee = data.get("committee") or committees[0].code
    if committee not in codes:
        committee = committees[0].code
    q = request.GET.get("q", "").strip()[:100]
    item_key = data.get("item_key") or request.GET.get("item") or ""
    item = Item.objects.filter(key=item_key).first() if item_key else None
    today = clock.today()
    entry = selectors.catalogue_entry(item, committee, today) if item else None
    results = (
        catalogue.lookup_items(q, committee_code=committee, on=today, limit=8)
        if q
        else None
    )
    form = IntakeForm(
        request.POST or None,
        request.FILES or None,
        committees=committees,
        exceptions=tuple(item.exceptions) if item else (),
        initial={
            "committee": committee,
            "item_key": item.key if item else "",
            "item_text": item.name if item else q,
        },
    )
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            req = services.request_create(
                actor=user,
                committee_code=v["committee"],
                resident_name=v["resident_name"],
                id_number=v["id_number"],
                phone=v["phone"],
                item_key=item.key if item else None,
                item_text=v["item_text"],
                purpose=v["purpose"],
                requiring_unit=v["requiring_unit"],
                facts=v["facts"],
                category=v["category"],
                copies=v["copies"],
                electronic=v["electronic"],
                public_interest=v["public_interest"],
                party_related=v["party_related"],
                legal_risk=v["legal_risk"],
                carries_liability=v["carries_liability"],
                exception_claimed=v.get("exception_claimed", ""),
                attachments=[v["attachment"]] if v.get("attachment") else [],
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            show_error(form, exc, CODE_FIELDS)
        else:
            messages.success(
                request,
                _("已受理，查询码 %(code)s，请告知申请人")
                % {"code": req.tracking_code},
            )
            if selectors.demand_warning(req):
                messages.warning(
                    request,
                    _(
                        "该证明未列入本村（居）委会的出具证明事项清单，"
                        "有关部门和单位不得要求提供（REQ-016）。可在下方反映该要求。"
                    ),
                )
            return redirect(req.get_absolute_url())
    return render(
        request,
        "certificates/new.html",
        {
            "form": form,
            "committee": committee,
            "committees": committees,
            "q": q,
            "results": results,
            "item": item,
            "entry": entry,
            "unlisted": entry is not None and entry.list_kind != "positive",
        },
    )


# The decision screen ------------------------------------------------------------------


def _forms(req: CertificateRequest, decision: dict) -> dict[str, Any]:
    exceptions = tuple(req.item.exceptions) if req.item_id else ()
    exc = getattr(req, "exceptionrecord", None)
    con = getattr(req, "consultation", None)
    risk = getattr(req, "riskassessment", None)
    negative = req.list_kind == "negative"
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
        "withdraw": ReasonForm(prefix="withdraw"),
        "annul": ReasonForm(prefix="annul"),
        "transfer": TransferForm(prefix="transfer"),
        "report": ReportForm(
            prefix="report", initial={"demanding_organisation": req.requiring_unit}
        ),
        "attach": AttachForm(prefix="attach"),
        "approve": ConfirmForm(prefix="approve"),
        "issue": ConfirmForm(prefix="issue"),
        "sign": ConfirmForm(prefix="sign"),
        # REQ-082: the texts to print and sign, made only when the route is open.
        "commitment": CommitmentForm(
            prefix="commitment",
            initial={
                "notification": commitments.default_notification(req),
                "commitment": commitments.default_commitment(req),
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
    if entry is not None:
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
            "attachments": req.attachments.all(),
            "reports": req.demand_reports.all(),
            "demand_warning": selectors.demand_warning(req),
            "confirm_url": confirm_url,
            "confirmed": entry is not None and hasattr(entry, "confirmation"),
            "status_url": reverse("certificates:status", args=[req.tracking_code]),
            "overdue": req.is_open and req.due_on and req.due_on < clock.today(),
            "refuse_open": decision.get("outcome")
            in (Outcome.REFUSE, Outcome.NOT_ISSUED, Outcome.MANUAL),
            "commitment": commitment,
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
    rules.ON_THE_SPOT: gettext_lazy("当场办结"),
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

    return {
        "flags": (FlagsForm, flags, _("已更新，并重新判断")),
        "exception": (
            ExceptionForm,
            lambda req, v: services.exception_record(
                actor=user, request_id=req.pk, **v
            ),
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
            lambda req, v: commitments.commitment_record(
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
    kwargs = {}
    if form_class is FlagsForm:
        kwargs["exceptions"] = tuple(req.item.exceptions) if req.item_id else ()
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


# Files ---------------------------------------------------------------------------------


@login_required
def document(request, pk: int, kind: str):
    """The certificate, the refusal notice or the commitment (printable PDF); the
    notification form to print and sign while the commitment route is open."""
    req = _request_or_404(request.user, pk)
    if kind == "commitment-form":
        if not commitments.commitment_allowed(req):
            raise Http404
        return FileResponse(
            io.BytesIO(commitments.notification_pdf(req)),
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


# The jurisdiction's switch (REQ-039) ------------------------------------------------------


@login_required
def settings_page(request):
    user = request.user
    if not policy.can(user, CONFIGURE):
        raise PermissionDenied
    divisions = list(
        Division.objects.filter(level__lte=Level.TOWNSHIP)
        .in_scope_of(user, CONFIGURE)
        .order_by("code")[:500]
    )
    form = SettingForm(
        request.POST or None,
        divisions=divisions,
        initial={"negative_exception_enabled": True},
    )
    if request.method == "POST" and form.is_valid():
        v = form.cleaned_data
        try:
            services.jurisdiction_setting_set(
                actor=user,
                division_code=v["division"],
                negative_exception_enabled=v["negative_exception_enabled"],
                note=v["note"],
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            show_error(form, exc, CODE_FIELDS)
        else:
            messages.success(request, _("已保存辖区设置"))
            return redirect("certificates:settings")
    settings_list = JurisdictionSetting.objects.visible_to(user).select_related(
        "division", "updated_by"
    )
    return render(
        request,
        "certificates/settings.html",
        {"form": form, "settings": settings_list},
    )


# The resident's status page (no login) -------------------------------------------------


def _throttled(request) -> bool:
    address = request.META.get("REMOTE_ADDR", "")
    minute = int(clock.now().timestamp() // 60)
    key = f"certificates:status:{address}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    return count > STATUS_RATE_PER_MINUTE


def status(request, code: str | None = None):
    if _throttled(request):
        response = render(
            request,
            "core/http_error.html",
            {
                "title": _("请求过于频繁"),
                "message": _("查询过于频繁，请一分钟后再试。"),
            },
            status=429,
        )
        response["Retry-After"] = "60"
        return response
    form = StatusForm(request.GET or None)
    if code is None and form.is_valid():
        wanted = form.cleaned_data["code"].strip()
        if TRACKING_CODE.fullmatch(wanted):
            return redirect("certificates:status", code=wanted)
        code = wanted  # cannot exist: shown as not found
    req = selectors.by_tracking_code(code) if code else None
    context: dict[str, Any] = {"form": form, "code": code, "req": req}
    if req is not None:
        decision = selectors.decision_shown(req)
        context.update(
            name=masking.mask_name(req.resident_name),
            route=req.refusal_route or decision.get("route", ""),
            department=req.refusal_department
            or "、".join(decision.get("departments", [])),
            overdue=req.is_open and req.due_on and req.due_on < clock.today(),
        )
    response = render(
        request,
        "certificates/status.html",
        context,
        status=404 if code and not req else 200,
    )
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
