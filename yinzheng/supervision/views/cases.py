"""Staff pages of the unreasonable-demand cases (REQ-087–091, DIV-08), and the
supervision overview.

Civil affairs and the inspectors of a county enter what the hotline, a petition (信访)
or online inquiry (网络问政) brought, and take each case through its steps: verified →
circular notice and/or public exposure → feedback to the department → its response →
correction by the superior department → closed. A step's form is offered where the
case's transition table leads to it and the policy lets the user handle the case; the
services decide again and their refusal shows on the form. The reporter's contact is
shown in full only to those handling the case (selectors.sees_contact).
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.masking import mask_name, mask_phone
from yinzheng.core.web import form_errors

from .. import selectors, services
from ..choices import OPEN_CASE_STATUSES, OPEN_ITEM_STATUSES, AlertStatus, CaseStatus
from ..forms import (
    CaseFilterForm,
    CaseForm,
    CloseForm,
    CorrectForm,
    FeedbackForm,
    NotifyForm,
    ResponseForm,
    VerifyForm,
)
from ..models import Case
from .common import (
    ACKNOWLEDGE,
    ALERT,
    CASE,
    INSPECT,
    VIEW,
    VIEW_RECTIFICATION,
    committees_where,
    counties_where,
    get_or_404,
    history,
    page,
    paginate,
    query_without_page,
    require,
    submit,
)

# Each step's form and the status it moves the case to (Case.TRANSITIONS says when).
STEPS: dict[str, tuple[type[forms.Form], str]] = {
    "verify": (VerifyForm, CaseStatus.VERIFIED),
    "notify": (NotifyForm, CaseStatus.NOTIFIED),
    "feedback": (FeedbackForm, CaseStatus.FEEDBACK_SENT),
    "response": (ResponseForm, CaseStatus.RESPONDED),
    "correct": (CorrectForm, CaseStatus.CORRECTED),
    "close": (CloseForm, CaseStatus.CLOSED),
}
STEP_TITLES = {
    "verify": gettext_lazy("核实"),
    "notify": gettext_lazy("通报或公开曝光"),
    "feedback": gettext_lazy("反馈主管部门、单位"),
    "response": gettext_lazy("登记整改答复"),
    "correct": gettext_lazy("登记上级主管部门纠正"),
    "close": gettext_lazy("办结"),
}
STEP_NOTES = {
    "verify": gettext_lazy("核实反映是否属实；不属实的写明理由，投诉即告办结。"),
    "notify": gettext_lazy(
        "须登记通报或公开曝光中的至少一项；决定公开曝光的（确有必要时），"
        "须同时登记媒体平台、日期和理由。"  # DIV-08, REQ-090
    ),
    "feedback": gettext_lazy(
        "向提出要求的部门、公共事业单位或服务机构反馈。"
    ),  # REQ-091
    "response": gettext_lazy("整改进展可多次登记，整改完成后登记“已整改”。"),
    "correct": gettext_lazy("由上级主管部门予以纠正。"),  # REQ-089
    "close": gettext_lazy("各环节齐备后方可办结。"),
}


@login_required
def index(request):
    """What the user may see in supervision, with the counts that wait."""
    user = request.user
    require(user, VIEW_RECTIFICATION)
    today = clock.today()
    sees_cases = policy.can(user, VIEW)
    context: dict[str, Any] = {
        "sees_cases": sees_cases,
        "sees_alerts": policy.can(user, ALERT),
        "may_case": policy.can(user, CASE),
        "may_inspect": policy.can(user, INSPECT),
        "may_acknowledge": policy.can(user, ACKNOWLEDGE),
        "items_open": selectors.items(user)
        .filter(status__in=OPEN_ITEM_STATUSES)
        .count(),
        "items_overdue": selectors.items_overdue(user, today).count(),
    }
    if sees_cases:
        context["cases_open"] = selectors.cases_open(user).count()
        context["cases_overdue"] = selectors.cases_overdue(user, today).count()
        context["inspections"] = selectors.inspections(user).count()
    if context["may_inspect"]:
        context["follow_ups"] = selectors.follow_ups_due(user, today).count()
    if context["may_acknowledge"]:
        context["to_acknowledge"] = selectors.checks_to_acknowledge(user).count()
    if context["sees_alerts"]:
        context["alerts_open"] = selectors.alerts(user, AlertStatus.OPEN).count()
    return page(request, "supervision/index.html", context)


@login_required
def case_list(request):
    """REQ-088: the cases, filterable by status, channel and reporter type."""
    user = request.user
    require(user, VIEW)
    today = clock.today()
    counties = counties_where(user, VIEW)
    form = CaseFilterForm(request.GET or None, counties=counties)
    filters: dict[str, str] = {}
    overdue = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {k: data[k] for k in ("status", "channel", "reporter_type", "county")}
        overdue = data["overdue"]
    rows = selectors.cases(user, filters)
    if overdue:
        late = selectors.cases_overdue(user, today)
        rows = rows.filter(pk__in=late.values("pk")).order_by("step_due_on", "pk")
    listing = paginate(request, rows)
    late_ids = set(
        selectors.cases_overdue(user, today)
        .filter(pk__in=[c.pk for c in listing])
        .values_list("pk", flat=True)
    )
    return page(
        request,
        "supervision/case_list.html",
        {
            "form": form,
            "page": listing,
            "late_ids": late_ids,
            "query": query_without_page(request),
            "several_counties": len(counties) > 1,
            "may_case": policy.can(user, CASE),
        },
    )


@login_required
def case_new(request):
    """REQ-088: staff enter a report with its channel and reporter type."""
    user = request.user
    require(user, CASE)
    counties = counties_where(user, CASE)
    committees = committees_where(user, CASE)
    form = CaseForm(
        request.POST or None,
        counties=counties,
        committees=committees,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = submit(
            request,
            form,
            lambda: services.case_register(
                actor=user,
                county_code=data["county"],
                channel=data["channel"],
                reporter_type=data["reporter_type"],
                demanding_unit=data["demanding_unit"],
                unit_kind=data["unit_kind"],
                item_text=data["item_text"],
                account=data["account"],
                committee_code=data["committee"] or None,
                demanded_on=data["demanded_on"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
            ),
            _("已登记投诉"),
        )
        if case is not None:
            return redirect(case.get_absolute_url())
    return page(request, "supervision/case_new.html", {"form": form})


def _steps(user: Any, case: Case) -> list[str]:
    """The steps the case's state leads to, where the user may handle it."""
    allowed = policy.allowed_actions(user, case)
    return [step for step in STEPS if step in allowed]


def _initial(step: str) -> dict[str, Any]:
    today = clock.today()
    return {
        "feedback": {"sent_on": today},
        "response": {"on": today},
        "correct": {"on": today},
    }.get(step, {})


def _detail(
    request, case: Case, bound: tuple[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    today = clock.today()
    step_forms: dict[str, forms.Form] = {}
    for step in _steps(user, case):
        if bound is not None and bound[0] == step:
            step_forms[step] = bound[1]
        else:
            step_forms[step] = STEPS[step][0](initial=_initial(step))
    full = selectors.sees_contact(user, case)
    return page(
        request,
        "supervision/case_detail.html",
        {
            "case": case,
            "steps": [
                {"name": s, "title": STEP_TITLES[s], "note": STEP_NOTES[s], "form": f}
                for s, f in step_forms.items()
            ],
            "bound": bound[0] if bound else "",
            "missing": services.missing_steps(case) if "close" in step_forms else [],
            "overdue": case.status in OPEN_CASE_STATUSES
            and selectors.cases_overdue(user, today).filter(pk=case.pk).exists(),
            "contact_name": case.contact_name if full else mask_name(case.contact_name),
            "contact_phone": case.contact_phone
            if full
            else mask_phone(case.contact_phone),
            "contact_full": full,
            "history": history(case),
        },
        status=status,
    )


def _case_or_404(user: Any, pk: int) -> Case:
    require(user, VIEW)
    return get_or_404(
        selectors.cases(user).select_related(
            "registered_by",
            "verified_by",
            "notified_by",
            "feedback_by",
            "response_by",
            "correction_by",
            "closed_by",
        ),
        pk,
    )


@login_required
def case_detail(request, pk: int):
    case = _case_or_404(request.user, pk)
    return _detail(request, case)


@login_required
@require_POST
def case_step(request, pk: int, step: str):
    user = request.user
    if step not in STEPS:
        raise Http404
    case = _case_or_404(user, pk)
    require(user, CASE, case)  # REQ-098: reading is not handling
    form = STEPS[step][0](request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _detail(request, case, (step, form))
    data = form.cleaned_data
    calls = {
        "verify": (
            lambda: services.case_verify(
                case_id=pk, actor=user, founded=data["founded"], note=data["note"]
            ),
            _("已登记核实结果"),
        ),
        "notify": (
            lambda: services.case_notify(
                case_id=pk,
                actor=user,
                notice_on=data["notice_on"],
                notice_no=data["notice_no"],
                notice_text=data["notice_text"],
                exposed_on=data["exposed_on"],
                exposure_platform=data["exposure_platform"],
                exposure_reason=data["exposure_reason"],
            ),
            _("已登记通报或曝光"),
        ),
        "feedback": (
            lambda: services.case_feedback(
                case_id=pk,
                actor=user,
                recipient=data["recipient"],
                sent_on=data["sent_on"],
                text=data["text"],
            ),
            _("已登记反馈"),
        ),
        "response": (
            lambda: services.case_response(
                case_id=pk,
                actor=user,
                status=data["status"],
                text=data["text"],
                on=data["on"],
            ),
            _("已登记整改答复"),
        ),
        "correct": (
            lambda: services.case_correct(
                case_id=pk,
                actor=user,
                authority=data["authority"],
                text=data["text"],
                on=data["on"],
            ),
            _("已登记上级主管部门纠正"),
        ),
        "close": (
            lambda: services.case_close(case_id=pk, actor=user, note=data["note"]),
            _("已办结"),
        ),
    }
    call, success = calls[step]
    if submit(request, form, call, success) is None:
        return _detail(request, case, (step, form))
    return redirect("supervision:case", pk=pk)
