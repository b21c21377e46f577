"""Staff pages of a seal's custody: take-outs, the committee's page and handovers
(REQ-064, REQ-066–068).

The head decides take-outs; head and custodian record the leaving and the return. A
committee's page shows its seals, who keeps them, its head and staff and its handovers;
there the head opens a handover, which both sides check item by item and confirm, and
the head or the township may cancel. Every write is one call to seals.services, after
POST the page redirects (a refusal comes back as its message); a committee or handover
outside the user's subtrees is 404.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.web import attempt, form_errors
from yinzheng.divisions.models import Division

from .. import selectors, services
from ..choices import ACTIVE_STATUSES, HandoverSide, HandoverStatus
from ..forms import ConfirmForm, HandoverForm, ReasonForm
from ..models import Custody, Handover, HandoverItem, Seal, TakeOut
from .common import ID, _custodian_candidates, _require_view, _with_state

# Take-outs (REQ-066) ----------------------------------------------------------------


@login_required
@require_POST
def takeout_action(request, pk: int, op: str):
    user = request.user
    _require_view(user)
    takeout = (
        TakeOut.objects.visible_to(user)
        .select_related("seal__committee", "requested_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if takeout is None:
        raise Http404
    if op == "approve":
        call = lambda: services.takeout_decide(  # noqa: E731
            actor=user, takeout_id=pk, approve=True
        )
        success = _("已批准带离")
    elif op == "refuse":
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        call = lambda: services.takeout_decide(  # noqa: E731
            actor=user, takeout_id=pk, approve=False, reason=reason
        )
        success = _("已不批准带离")
    elif op == "leave":
        call = lambda: services.takeout_leave(actor=user, takeout_id=pk)  # noqa: E731
        success = _("已登记带离办公室")
    elif op == "return":
        call = lambda: services.takeout_return(actor=user, takeout_id=pk)  # noqa: E731
        success = _("已登记归还")
    else:
        raise Http404
    attempt(request, call, success)
    return redirect(takeout.seal.get_absolute_url())


# Committees and handovers ---------------------------------------------------------


@login_required
def committee(request, code: str):
    user = request.user
    _require_view(user)
    division = (
        Division.objects.committees()
        .in_scope_of(user, "seal.view")
        .filter(code=code)
        .first()
    )
    if division is None:
        raise Http404
    seals = _with_state(Seal.objects.filter(committee=division)).order_by("pk")
    allowed = policy.allowed_actions(user, division)
    handovers = Handover.objects.filter(committee=division).select_related(
        "outgoing", "incoming"
    )
    context: dict[str, Any] = {
        "committee": division,
        "seals": seals,
        "head": selectors.head_of(division),
        "heads": selectors.head_history(division),
        "staff": selectors.committee_staff(division).order_by("full_name"),
        "short_staffed": selectors.short_staffed(division),
        "handovers": handovers[:20],
        "open_handover": handovers.filter(status=HandoverStatus.OPEN).first(),
        "today": clock.today(),
        "allowed": allowed,
    }
    if "open_handover" in allowed:
        keepers = (
            Custody.objects.filter(
                seal__committee=division,
                until__isnull=True,
                seal__status__in=ACTIVE_STATUSES,
            )
            .select_related("custodian")
            .order_by("custodian_id")
        )
        outgoing = list({c.custodian_id: c.custodian for c in keepers}.values())
        if outgoing:
            context["handover_form"] = HandoverForm(
                initial={"trigger_date": clock.today()},
                outgoing=outgoing,
                incoming=_custodian_candidates(division.code),
            )
    return render(request, "seals/committee.html", context)


@login_required
@require_POST
def handover_open(request, code: str):
    user = request.user
    _require_view(user)
    division = (
        Division.objects.committees()
        .in_scope_of(user, "seal.view")
        .filter(code=code)
        .first()
    )
    if division is None:
        raise Http404
    from yinzheng.accounts.models import User

    people = User.objects.filter(grants__division_id=code).distinct()
    form = HandoverForm(request.POST, outgoing=people, incoming=people)
    back = reverse("seals:committee", args=[code])
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect(back)
    data = form.cleaned_data
    handover = attempt(
        request,
        lambda: services.handover_open(
            actor=user,
            committee_code=code,
            trigger=data["trigger"],
            trigger_date=data["trigger_date"],
            outgoing_id=data["outgoing"],
            incoming_id=data["incoming"],
            trigger_note=data["trigger_note"],
            extra_items=data["extra_items"].splitlines(),
        ),
        _("已发起印章移交"),
    )
    if handover is None:
        return redirect(back)
    return redirect(handover.get_absolute_url())


def _handover_or_404(user: Any, pk: int) -> Handover:
    _require_view(user)
    handover = (
        Handover.objects.visible_to(user)
        .select_related("committee", "outgoing", "incoming", "opened_by")
        .filter(pk=pk)
        .first()
    )
    if handover is None:
        raise Http404
    return handover


@login_required
def handover(request, pk: int):
    user = request.user
    handover = _handover_or_404(user, pk)
    is_open = handover.status == HandoverStatus.OPEN
    context = {
        "handover": handover,
        "items": handover.items.select_related("seal", "checked_by"),
        "today": clock.today(),
        "overdue": is_open and handover.due_on < clock.today(),
        "allowed": policy.allowed_actions(user, handover),
        "sides": HandoverSide,
        "reason_form": ReasonForm(),
    }
    return render(request, "seals/handover.html", context)


@login_required
@require_POST
def handover_action(request, pk: int, op: str):
    user = request.user
    handover = _handover_or_404(user, pk)
    if op == "check" or op == "uncheck":
        item_id = request.POST.get("item", "")
        if (
            not ID.fullmatch(item_id)
            or not HandoverItem.objects.filter(
                pk=int(item_id), handover=handover
            ).exists()
        ):
            raise Http404
        attempt(
            request,
            lambda: services.handover_check_item(
                actor=user, item_id=int(item_id), checked=op == "check"
            ),
            _("已清点") if op == "check" else _("已取消清点"),
        )
    elif op == "confirm":
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            attempt(
                request,
                lambda: services.handover_confirm(
                    actor=user, handover_id=pk, side=form.cleaned_data["side"]
                ),
                _("已确认"),
            )
    elif op == "cancel":
        reason_form = ReasonForm(request.POST)
        reason = reason_form.cleaned_data["reason"] if reason_form.is_valid() else ""
        attempt(
            request,
            lambda: services.handover_cancel(actor=user, handover_id=pk, reason=reason),
            _("已取消移交"),
        )
    else:
        raise Http404
    return redirect(handover.get_absolute_url())
