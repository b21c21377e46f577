"""Staff pages of the seal registry (REQ-059–068).

The township sees the seals of its committees with their states, issues, activates,
reissues, replaces, collects, revokes and destroys them, and works its queues: loss
reports, collection tasks, overdue handovers and overdue take-outs. A committee sees its
own seals; its head appoints the custodian, decides take-outs and opens handovers; head
and custodian move the storage place, report a loss and record take-outs; both sides
confirm a handover. Every write is one call to seals.services, after POST the page
redirects (a refusal comes back as its message); a seal outside the user's subtrees is
404, an action the policy refuses is 403.
"""

import mimetypes
import os
import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role
from yinzheng.core import clock
from yinzheng.core.errors import DomainError, NotAllowed
from yinzheng.core.masking import mask_phone
from yinzheng.core.web import attempt, form_errors
from yinzheng.divisions.models import Division
from yinzheng.registers import books as registers

from . import selectors, services
from . import usage as usage_service
from .choices import (
    ACTIVE_STATUSES,
    EVENT_LABELS,
    OPEN_USE_STATUSES,
    HandoverSide,
    HandoverStatus,
    MajorMatter,
    SealForm,
    SealStatus,
    TakeOutStatus,
    UseStatus,
)
from .forms import (
    ApproveForm,
    ConfirmForm,
    CustodianForm,
    FilterForm,
    HandoverForm,
    IssueForm,
    LossForm,
    NoteForm,
    NoticeForm,
    ReasonForm,
    ReissueForm,
    ReplaceForm,
    ReviewForm,
    StorageForm,
    TakeOutForm,
    UsageFilterForm,
    UsageForm,
    VoteForm,
    WithdrawForm,
)
from .models import Custody, Handover, HandoverItem, Seal, TakeOut, UsageRequest

# An id in a parameter: ASCII digits that int() takes ("²".isdigit() is true too).
ID = re.compile(r"[0-9]{1,12}")


def _require_view(user: Any) -> None:
    if not policy.can(user, "seal.view"):
        raise PermissionDenied


def _current_custodies() -> Prefetch:
    return Prefetch(
        "custodies",
        queryset=Custody.objects.filter(until__isnull=True).select_related("custodian"),
        to_attr="current_custodies",
    )


def _with_state(qs):
    out = TakeOut.objects.filter(seal=OuterRef("pk"), status=TakeOutStatus.OUT)
    return qs.annotate(is_out=Exists(out)).prefetch_related(_current_custodies())


# Registry ---------------------------------------------------------------------------


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
        "short_staffed": list(selectors.committees_short_staffed(user)[:100]),
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


def _custodian_candidates(committee_code: str):
    from yinzheng.accounts.models import User

    return (
        User.objects.filter(
            is_active=True,
            grants__division_id=committee_code,
            grants__role=Role.CUSTODIAN,
            grants__revoked_at__isnull=True,
        )
        .distinct()
        .order_by("full_name", "username")
    )


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
        {"event": e, "label": EVENT_LABELS.get(e.event, e.event)}
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
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        attempt(
            request,
            lambda: services.handover_cancel(actor=user, handover_id=pk, reason=reason),
            _("已取消移交"),
        )
    else:
        raise Http404
    return redirect(handover.get_absolute_url())


# Sealing: usage requests (REQ-050–058, DIV-01, DIV-12) ------------------------------
#
# The clerk files a work-type matter (W1–W3) with its document; a reviewer (clerk or
# head, never the seal's custodian) reviews it and confirms it is not blank; the head
# signs; the seal's custodian registers and seals it. Every step is one call to
# seals.usage; a refusal — the policy's too — comes back as a message on the request's
# page, so the person sees why. The document is served here, through the visibility
# filter, never from a public media URL.

INLINE_DOCUMENTS = {".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp"}


def _usage_or_404(user: Any, pk: int) -> UsageRequest:
    _require_view(user)
    usage = selectors.usage_get(user, pk)
    if usage is None:
        raise Http404
    return usage


def _seal_label(seal: Seal, with_committee: bool) -> str:
    label = str(seal)
    if with_committee:
        label = f"{seal.committee.name} · {label}"
    reason = selectors.unusable_reason(seal)
    if reason is not None:
        state = services.REASON_MESSAGES.get(reason) or seal.get_status_display()
        label += _("（暂不能用印：%s）") % state
    return label


def _request_seals(user: Any) -> list[tuple[int, str]]:
    """The seals of the user's committees, usable ones first."""
    seals = list(
        Seal.objects.visible_to(user, "usage.request")
        .filter(status__in=ACTIVE_STATUSES)
        .select_related("committee")
        .order_by("committee_id", "pk")
    )
    several = len({s.committee_id for s in seals}) > 1
    seals.sort(key=lambda s: not selectors.usable(s))
    return [(s.pk, _seal_label(s, several)) for s in seals]


def _register_link(usage: UsageRequest) -> dict[str, Any] | None:
    entry = usage.register_entry
    if entry is None:
        return None
    year = registers.year_of(entry.chain)
    args = [usage.committee_id, usage.register, year]
    try:
        url = reverse("registers:register_book", args=args)
    except NoReverseMatch:
        url = "/ledger/registers/{}/{}/{}/".format(*args)
    return {
        "url": f"{url}#entry-{entry.seq}",
        "number": entry.seq,
        "year": year,
        "label": registers.Register.LABELS[usage.register],
    }


def _timeline(usage: UsageRequest) -> list[dict[str, Any]]:
    """The four responsible people (REQ-058) in the order of DIV-12."""
    return [
        {
            "label": _("申请（经办人员）"),
            "who": usage.handler,
            "at": usage.submitted_at,
            "note": "",
        },
        {
            "label": _("审核（审核人员）"),
            "who": usage.reviewer,
            "at": usage.reviewed_at,
            "note": usage.review_note,
        },
        {
            "label": _("签批（签批人员）"),
            "who": usage.approver,
            "at": usage.approved_at,
            "note": "",
        },
        {
            "label": _("登记用印（印章管理人）"),
            "who": usage.custodian,
            "at": usage.sealed_at,
            "note": "",
        },
    ]


@login_required
def usage_index(request):
    user = request.user
    _require_view(user)
    form = UsageFilterForm(request.GET or None)
    rows = UsageRequest.objects.visible_to(user).select_related(
        *selectors.USAGE_RELATED
    )
    queues = {
        "review": selectors.usage_to_review(user),
        "approve": selectors.usage_to_approve(user),
        "seal": selectors.usage_to_seal(user),
    }
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["queue"]:
            rows = rows.filter(pk__in=queues[data["queue"]].values("pk"))
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["category"]:
            rows = rows.filter(category=data["category"])
    page = Paginator(rows.order_by("-submitted_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    for row in page:
        row.phone_masked = mask_phone(row.phone)
    counts = {name: qs.count() for name, qs in queues.items()}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "seals/usage_index.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "query": query.urlencode(),
            "may_request": policy.can(user, "usage.request"),
        },
    )


@login_required
def usage_new(request):
    user = request.user
    if not policy.can(user, "usage.request"):
        raise PermissionDenied
    seals = _request_seals(user)
    initial = {"copies": 1, "major_matter": MajorMatter.NONE}
    if seals:
        initial["seal"] = seals[0][0]
    form = UsageForm(
        request.POST or None, request.FILES or None, initial=initial, seals=seals
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            usage = usage_service.usage_request(
                actor=user,
                seal_id=data["seal"],
                category=data["category"],
                content=data["content"],
                copies=data["copies"],
                document=data["document"],
                major_matter=data["major_matter"] or "",
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已提交用印申请，待审核"))
            return redirect(usage.get_absolute_url())
    return render(request, "seals/usage_new.html", {"form": form, "seals": seals})


@login_required
def usage_detail(request, pk: int):
    user = request.user
    usage = _usage_or_404(user, pk)
    seal = usage.seal
    keeper = selectors.current_custodian(seal)
    is_open = usage.status in OPEN_USE_STATUSES
    allowed = policy.allowed_actions(user, usage)
    context: dict[str, Any] = {
        "usage": usage,
        "seal": seal,
        "keeper": keeper,
        "document_name": os.path.basename(usage.document.name),
        "phone_masked": mask_phone(usage.phone),
        "timeline": _timeline(usage),
        "register": _register_link(usage),
        "is_open": is_open,
        "allowed": allowed,
    }
    if usage.major_matter and is_open:
        context["gate"] = usage_service.gate_problems(usage, clock.today())
    if usage.status == UseStatus.APPROVED:
        reason = selectors.unusable_reason(seal)
        if reason is not None:
            context["seal_problem"] = (
                services.REASON_MESSAGES.get(reason) or seal.get_status_display()
            )
    if "review" in allowed:
        context["review_form"] = ReviewForm()
    if "approve" in allowed:
        context["approve_form"] = ApproveForm()
    if "notice" in allowed:
        context["notice_form"] = NoticeForm(
            initial={
                "start": usage.notice_start or clock.today(),
                "end": usage.notice_end,
                "place": usage.notice_place,
            }
        )
    if "vote" in allowed:
        context["vote_form"] = VoteForm(initial={"date": clock.today()})
    if "withdraw" in allowed:
        context["withdraw_form"] = WithdrawForm()
    return render(request, "seals/usage_detail.html", context)


def _sealed_message(usage: UsageRequest) -> str:
    link = _register_link(usage)
    if link is None:
        return _("已登记并盖章")
    return _("已登记并盖章：%(book)s %(year)s 年第 %(n)s 号") % {
        "book": link["label"],
        "year": link["year"],
        "n": link["number"],
    }


@login_required
@require_POST
def usage_action(request, pk: int, op: str):
    user = request.user
    usage = _usage_or_404(user, pk)
    back = usage.get_absolute_url()
    forms = {
        "review": ReviewForm,
        "approve": ApproveForm,
        "notice": NoticeForm,
        "vote": VoteForm,
        "withdraw": WithdrawForm,
        "seal": None,
    }
    if op not in forms:
        raise Http404
    data: dict[str, Any] = {}
    if forms[op] is not None:
        form = forms[op](request.POST)
        if not form.is_valid():
            messages.error(request, form_errors(form))
            return redirect(back)
        data = form.cleaned_data
    calls: dict[str, tuple[Callable[[], Any], str]] = {
        "review": (
            lambda: usage_service.usage_review(
                actor=user,
                usage_id=pk,
                approve=data["decision"] == "approve",
                not_blank=data["not_blank"],
                note=data["note"],
            ),
            _("已审核"),
        ),
        "approve": (
            lambda: usage_service.usage_approve(
                actor=user,
                usage_id=pk,
                approve=data["decision"] == "approve",
                note=data["note"],
            ),
            _("已签批"),
        ),
        "notice": (
            lambda: usage_service.usage_attach_notice(
                actor=user,
                usage_id=pk,
                start=data["start"],
                end=data["end"],
                place=data["place"],
            ),
            _("已登记公示情况"),
        ),
        "vote": (
            lambda: usage_service.usage_record_vote(
                actor=user,
                usage_id=pk,
                body=data["body"],
                date=data["date"],
                result=data["result"],
                record=data["record"],
            ),
            _("已登记表决结果"),
        ),
        "withdraw": (
            lambda: usage_service.usage_withdraw(
                actor=user, usage_id=pk, reason=data["reason"]
            ),
            _("已撤回用印申请"),
        ),
        "seal": (lambda: usage_service.usage_seal(actor=user, usage_id=pk), ""),
    }
    call, success = calls[op]
    try:
        result = call()
    except DomainError as exc:  # the policy's refusal too: the person sees why
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, success or _sealed_message(result))
    return redirect(back)


@login_required
def usage_document(request, pk: int):
    """The document to be sealed, to those who see the request (never a public URL)."""
    usage = _usage_or_404(request.user, pk)
    name = os.path.basename(usage.document.name)
    try:
        handle = usage.document.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    ext = os.path.splitext(name)[1].lower()
    inline = ext in INLINE_DOCUMENTS
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=name,
        content_type=(mimetypes.guess_type(name)[0] if inline else None)
        or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
