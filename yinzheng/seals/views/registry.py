"""Staff pages of the seal registry (REQ-059–063, REQ-065).

The township sees the seals of its committees with their states, issues, activates,
reissues, replaces, collects, revokes and destroys them, and works its queues: loss
reports and collection tasks (the index also lists the open handovers and take-outs). A
seal's page offers what the user may do to it now: the township's acts, and the
committee's — moving the storage place, reporting a loss, appointing the custodian and
asking to take the seal out. Every write is one call to seals.services, after POST the
page redirects (a refusal comes back as its message); a seal outside the user's subtrees
is 404, an action the policy refuses is 403.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import clock, events
from yinzheng.core.errors import DomainError, NotAllowed
from yinzheng.core.web import attempt, form_errors
from yinzheng.divisions.models import Division

from .. import selectors, services
from ..choices import ACTIVE_STATUSES, SealForm, SealStatus, TakeOutStatus
from ..forms import (
    CustodianForm,
    FilterForm,
    IssueForm,
    LossForm,
    NoteForm,
    ReasonForm,
    ReissueForm,
    ReplaceForm,
    StorageForm,
    TakeOutForm,
)
from ..models import Seal, TakeOut
from .common import ID, _custodian_candidates, _require_view, _with_state

# Registry ---------------------------------------------------------------------------

# How many short-staffed committees the seal page names before it only counts them.
SHORT_LIST = 3


@login_required
def index(request):
    user = request.user
    _require_view(user)
    form = FilterForm(request.GET or None)
    seals = _with_state(
        Seal.objects.visible_to(user).select_related(*selectors.SEAL_RELATED)
    )
    if form.is_bound and form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            seals = seals.filter(
                Q(serial__icontains=q)
                | Q(imprint__contains=q)
                | Q(committee__name__contains=q)
                | Q(committee_id__startswith=q)
            )
        if form.cleaned_data["status"]:
            seals = seals.filter(status=form.cleaned_data["status"])
    page = Paginator(seals.order_by("committee_id", "pk"), 100).get_page(
        request.GET.get("page")
    )
    now, today = clock.now(), clock.today()
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "today": today,
        "now": now,
        "may_issue": policy.can(user, "seal.issue"),
        "handovers": selectors.handovers_open(user).order_by("due_on"),
        "takeouts": TakeOut.objects.visible_to(user)
        .select_related("seal__committee", "requested_by", "decided_by")
        .filter(
            status__in=[
                TakeOutStatus.REQUESTED,
                TakeOutStatus.APPROVED,
                TakeOutStatus.OUT,
            ]
        )
        .order_by("due_back_at"),
        # Named one by one when few; else one line with the number and a link to
        # the staffing list (issue 16: a county has 127 of them in the demo).
        "short_staffed": list(selectors.committees_short_staffed(user)[:SHORT_LIST]),
        "short_staffed_count": selectors.committees_short_staffed(user).count(),
        "may_see_staffing": policy.can(user, "division.staffing"),
        # The committees the user works at (clerk, head, custodian).
        "my_committees": Division.objects.committees().in_scope_of(
            user, "usage.request"
        ),
    }
    if context["may_issue"]:
        context["loss_reports"] = selectors.loss_reports_open(user)
        context["collection_tasks"] = selectors.collection_tasks_open(user)
    return render(request, "seals/index.html", context)


@login_required
def issue(request):
    user = request.user
    if not policy.can(user, "seal.issue"):
        raise PermissionDenied
    committees = selectors.committees_for_issue(user)
    replaceable = (
        Seal.objects.visible_to(user, "seal.issue")
        .select_related(*selectors.SEAL_RELATED)
        .filter(status__in=ACTIVE_STATUSES)
        .order_by("committee_id", "pk")
    )
    kwargs = {
        "committees": committees,
        "issuers": selectors.issuers_for(user),
        "replaceable": replaceable,
    }
    initial = {"issued_on": clock.today(), "form": SealForm.PHYSICAL}
    if request.GET.get("committee"):
        initial["committee"] = request.GET["committee"]
        initial["issuer"] = request.GET["committee"][:9]
    if ID.fullmatch(request.GET.get("replaces", "")):
        initial["replaces"] = int(request.GET["replaces"])
    form = IssueForm(request.POST or None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            seal = services.seal_issue(
                actor=user,
                committee_code=data["committee"],
                issuer_code=data["issuer"],
                serial=data["serial"],
                imprint=data["imprint"],
                form=data["form"],
                storage_location=data["storage_location"],
                issued_on=data["issued_on"],
                replaces_id=data["replaces"],
                note=data["note"],
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已登记印章，请由主任委托印章管理人后启用"))
            return redirect(seal.get_absolute_url())
    return render(request, "seals/issue.html", {"form": form})


# One seal ---------------------------------------------------------------------------


def _seal_or_404(user: Any, pk: int) -> Seal:
    _require_view(user)
    seal = selectors.seal_get(user, pk)
    if seal is None:
        raise Http404
    return seal


@login_required
def detail(request, pk: int):
    user = request.user
    seal = _seal_or_404(user, pk)
    custody = selectors.current_custody(seal)
    allowed = policy.allowed_actions(user, seal)
    may_issue = policy.can(user, "seal.issue", seal)
    heads = [
        t
        for t in selectors.head_history(seal.committee_id)
        if t.until is None or t.until.date() >= seal.issued_on
    ]
    history = [
        {"event": e, "label": events.label(e.event)}
        for e in selectors.seal_history(seal)
    ]
    successors = list(seal.successors.all())
    context: dict[str, Any] = {
        "seal": seal,
        "custody": custody,
        "custodies": selectors.custody_history(seal),
        "head": selectors.head_of(seal.committee_id),
        "heads": heads,
        "out": selectors.current_takeout(seal),
        "reason": selectors.unusable_reason(seal),
        "usable": selectors.usable(seal),
        "takeouts": seal.takeouts.select_related("requested_by", "decided_by").order_by(
            "-requested_at"
        )[:20],
        "successors": successors,
        "loss_report": seal.loss_reports.first(),
        "history": history,
        "custodian_is_head": selectors.custodian_is_head(seal),
        "short_staffed": selectors.short_staffed(seal.committee_id),
        "allowed": allowed,
        "may_issue": may_issue,
        "now": clock.now(),
    }
    if may_issue:
        context["note_form"] = NoteForm()
        context["reason_form"] = ReasonForm()
    if "replace" in allowed:
        candidates = [s for s in successors if s.status == SealStatus.ISSUED]
        context["replace_form"] = ReplaceForm(candidates=candidates)
    if "storage" in allowed:
        context["storage_form"] = StorageForm(
            initial={"storage_location": seal.storage_location}
        )
    if "report_loss" in allowed:
        context["loss_form"] = LossForm(initial={"lost_on": clock.today()})
    if "take_out" in allowed:
        context["takeout_form"] = TakeOutForm()
    if "appoint_custodian" in allowed:
        context["custodian_form"] = CustodianForm(
            people=_custodian_candidates(seal.committee_id)
        )
    return render(request, "seals/detail.html", context)


def _seal_ops(request, seal: Seal) -> dict[str, tuple[Any, Callable, str]]:
    """op → (form class or None, call(cleaned data), success message)."""
    user, pk = request.user, seal.pk
    return {
        "activate": (
            None,
            lambda d: services.seal_activate(actor=user, seal_id=pk),
            _("印章已启用"),
        ),
        "storage": (
            StorageForm,
            lambda d: services.seal_move_storage(
                actor=user, seal_id=pk, storage_location=d["storage_location"]
            ),
            _("已变更存放地点"),
        ),
        "loss": (
            LossForm,
            lambda d: services.seal_report_loss(
                actor=user,
                seal_id=pk,
                lost_on=d["lost_on"],
                circumstances=d["circumstances"],
            ),
            _("已报告遗失：印章停止使用，遗失报告及补发申请已送乡镇（街道）"),
        ),
        "collect": (
            NoteForm,
            lambda d: services.seal_collect(actor=user, seal_id=pk, note=d["note"]),
            _("已登记收缴"),
        ),
        "revoke": (
            ReasonForm,
            lambda d: services.seal_revoke(actor=user, seal_id=pk, reason=d["reason"]),
            _("印章已撤销"),
        ),
        "destroy": (
            NoteForm,
            lambda d: services.seal_destroy(actor=user, seal_id=pk, note=d["note"]),
            _("已登记销毁"),
        ),
        "replace": (
            ReplaceForm,
            lambda d: services.seal_replace(
                actor=user,
                old_seal_id=pk,
                new_seal_id=d["new_seal"],
                note=d["note"],
            ),
            _("已收缴旧印章并启用新印章"),
        ),
        "custodian": (
            CustodianForm,
            lambda d: services.custody_appoint(
                actor=user, seal_id=pk, custodian_id=d["custodian"]
            ),
            _("已委托印章管理人"),
        ),
        "takeout": (
            TakeOutForm,
            lambda d: services.takeout_request(
                actor=user,
                seal_id=pk,
                purpose=d["purpose"],
                due_back_at=d["due_back_at"],
            ),
            _("已提交带离申请，待主任批准"),
        ),
    }


def _bound(form_class, request, seal: Seal):
    if form_class is ReplaceForm:
        return form_class(request.POST, candidates=seal.successors.all())
    if form_class is CustodianForm:
        return form_class(request.POST, people=_custodian_candidates(seal.committee_id))
    return form_class(request.POST)


@login_required
@require_POST
def seal_action(request, pk: int, op: str):
    seal = _seal_or_404(request.user, pk)
    ops = _seal_ops(request, seal)
    if op not in ops:
        raise Http404
    form_class, call, success = ops[op]
    data: dict[str, Any] = {}
    if form_class is not None:
        form = _bound(form_class, request, seal)
        if not form.is_valid():
            messages.error(request, form_errors(form))
            return redirect(seal.get_absolute_url())
        data = form.cleaned_data
    attempt(request, lambda: call(data), success)
    return redirect(seal.get_absolute_url())


# Loss reports and collection tasks ------------------------------------------------


@login_required
def reissue(request, pk: int):
    user = request.user
    if not policy.can(user, "seal.issue"):
        raise PermissionDenied
    report = selectors.loss_reports_open(user).filter(pk=pk).first()
    if report is None or not policy.can(user, "seal.issue", report):
        raise Http404
    lost = report.seal
    form = ReissueForm(
        request.POST or None,
        initial={
            "imprint": lost.imprint,
            "form": lost.form,
            "storage_location": lost.storage_location,
            "issued_on": clock.today(),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            seal = services.seal_reissue(
                actor=user, loss_report_id=report.pk, **form.cleaned_data
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已补发新印章，请由主任委托印章管理人后启用"))
            return redirect(seal.get_absolute_url())
    return render(request, "seals/reissue.html", {"form": form, "report": report})


@login_required
@require_POST
def collection_confirm(request, pk: int):
    user = request.user
    _require_view(user)
    if not selectors.collection_tasks_open(user).filter(pk=pk).exists():
        raise Http404
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    attempt(
        request,
        lambda: services.collection_task_confirm(actor=user, task_id=pk, note=note),
        _("已确认收缴，任务办结"),
    )
    return redirect(reverse("seals:index") + "#collection-tasks")
