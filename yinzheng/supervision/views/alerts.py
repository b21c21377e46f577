"""Staff pages of the register scan's alerts (用印预警).

The township (and those above it) sees each alert with the entries, requests or
take-outs that show it, and decides: not a problem, with the reason why, or a check of
the committee (REQ-093), which the committee then acknowledges.
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
from yinzheng.core.web import form_errors
from yinzheng.seals.choices import HandoverTrigger

from .. import selectors, services
from ..choices import AlertStatus, SealingProblem
from ..forms import AlertCheckForm, AlertFilterForm, DismissForm
from ..models import Alert
from .common import (
    ALERT,
    ALERT_DECIDE,
    get_or_404,
    history,
    page,
    paginate,
    query_without_page,
    require,
    submit,
)

# The evidence's keys as the scan writes them, as the table's headers name them.
EVIDENCE_LABELS = {
    "entry": gettext_lazy("登记记录"),
    "register": gettext_lazy("登记簿"),
    "seq": gettext_lazy("序号"),
    "at": gettext_lazy("时间"),
    "takeout": gettext_lazy("带离记录"),
    "seal": gettext_lazy("印章"),
    "purpose": gettext_lazy("事由"),
    "handover": gettext_lazy("移交记录"),
    "trigger": gettext_lazy("移交原因"),
    "due_on": gettext_lazy("应完成日期"),
    "request": gettext_lazy("证明申请"),
    "serial": gettext_lazy("证明编号"),
    "item": gettext_lazy("证明事项"),
    "refused": gettext_lazy("被拒事项或拒绝件数"),
    "positive": gettext_lazy("正面清单事项件数"),
    "township_peers": gettext_lazy("同乡镇（街道）其他村（居）拒绝率"),
    "county_median": gettext_lazy("同县中位数"),
    "matter": gettext_lazy("登记的用印事项"),
    "problem": gettext_lazy("问题"),
}
# The evidence's coded values, as people name them.
EVIDENCE_VALUES: dict[str, dict[str, Any]] = {
    "trigger": dict(HandoverTrigger.choices),
    "problem": dict(SealingProblem.choices),  # REQ-121
}


@login_required
def alert_list(request):
    user = request.user
    require(user, ALERT)
    form = AlertFilterForm(request.GET or None, initial={"status": AlertStatus.OPEN})
    status, kind = AlertStatus.OPEN.value, ""
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["status"] or AlertStatus.OPEN
        status = "" if chosen == "all" else chosen
        kind = form.cleaned_data["kind"]
    return page(
        request,
        "supervision/alert_list.html",
        {
            "form": form,
            "page": paginate(request, selectors.alerts(user, status, kind)),
            "query": query_without_page(request),
        },
    )


def _alert_or_404(user: Any, pk: int) -> Alert:
    require(user, ALERT)
    return get_or_404(
        Alert.objects.visible_to(user).select_related(
            "committee", "decided_by", "check_record"
        ),
        pk,
    )


def _evidence(alert: Alert) -> tuple[list[str], list[list[Any]]]:
    """The evidence rows as a table: every key any row has, in order of appearance."""
    rows = [r for r in alert.evidence if isinstance(r, dict)]
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    return keys, [[_value(k, row.get(k, "")) for k in keys] for row in rows]


def _value(key: str, value: Any) -> Any:
    named = EVIDENCE_VALUES.get(key, {})
    return named.get(value, value) if isinstance(value, str) else value


def _forms(user: Any, alert: Alert) -> dict[str, Any]:
    """The decisions the user may take on an open alert."""
    allowed = policy.allowed_actions(user, alert)
    found: dict[str, forms.Form] = {}
    if allowed["dismiss"]:
        found["dismiss"] = DismissForm()
    if allowed["check"]:  # looking into it makes a check of the committee (REQ-093)
        found["check"] = AlertCheckForm(
            initial={"checked_on": clock.today(), "findings": alert.summary}
        )
    return found


def _detail(
    request, alert: Alert, bound: tuple[str, forms.Form] | None = None
) -> HttpResponse:
    decisions = _forms(request.user, alert)
    if bound is not None:
        decisions[bound[0]] = bound[1]
    keys, rows = _evidence(alert)
    return page(
        request,
        "supervision/alert_detail.html",
        {
            "alert": alert,
            "keys": [EVIDENCE_LABELS.get(k, k) for k in keys],
            "rows": rows,
            "dismiss_form": decisions.get("dismiss"),
            "check_form": decisions.get("check"),
            "bound": bound[0] if bound else "",
            "history": history(alert),
            # An inspector may record what the alert shows as a finding (REQ-092).
            "may_record_finding": policy.allowed_actions(request.user, alert)[
                "finding"
            ],
        },
    )


@login_required
def alert_detail(request, pk: int):
    alert = _alert_or_404(request.user, pk)
    return _detail(request, alert)


@login_required
@require_POST
def alert_step(request, pk: int, step: str):
    user = request.user
    if step not in ("dismiss", "check"):
        raise Http404
    alert = _alert_or_404(user, pk)
    require(user, ALERT_DECIDE, alert)  # REQ-098: reading is not deciding
    if step == "dismiss":
        dismiss = DismissForm(request.POST)
        if not dismiss.is_valid():
            messages.error(request, form_errors(dismiss))
            return _detail(request, alert, ("dismiss", dismiss))
        reason = dismiss.cleaned_data["reason"]
        done = submit(
            request,
            dismiss,
            lambda: services.alert_dismiss(actor=user, alert_id=pk, reason=reason),
            _("已排除预警"),
        )
        if done is None:
            return _detail(request, alert, ("dismiss", dismiss))
        return redirect(alert.get_absolute_url())
    require(user, ALERT_DECIDE, alert)
    form = AlertCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _detail(request, alert, ("check", form))
    data = form.cleaned_data
    check = submit(
        request,
        form,
        lambda: services.alert_to_check(
            actor=user,
            alert_id=pk,
            checked_on=data["checked_on"],
            findings=data["findings"],
            feedback=data["feedback"],
        ),
        _("已转为检查，待村（居）委会确认收到"),
    )
    if check is None:
        return _detail(request, alert, ("check", form))
    return redirect(check.get_absolute_url())
