"""Staff pages of sealing: usage requests (REQ-050–058, DIV-01, DIV-12).

The clerk files a work-type matter (W1–W3) with its document; a reviewer (clerk or head,
never the seal's custodian) reviews it and confirms it is not blank; the head signs; the
seal's custodian registers and seals it. Every step is one call to seals.services.usage;
a refusal — the policy's too — comes back as a message on the request's page, so the
person sees why. The document is served here, through the visibility filter, never from
a public media URL.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import clock, uploads
from yinzheng.core.errors import DomainError, NotAllowed
from yinzheng.core.masking import mask_phone
from yinzheng.core.web import form_errors
from yinzheng.registers.services import books as registers

from .. import selectors, services
from ..choices import ACTIVE_STATUSES, OPEN_USE_STATUSES, MajorMatter, UseStatus
from ..forms import (
    ApproveForm,
    NoticeForm,
    ReviewForm,
    UsageFilterForm,
    UsageForm,
    VoteForm,
    WithdrawForm,
)
from ..models import Seal, UsageRequest
from ..services import usage as usage_service
from .common import _require_view


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
        "url": url + registers.entry_fragment(entry.seq),
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
            "note": usage.review_text,
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
        row.phone_masked = mask_phone(row.phone)  # type: ignore[attr-defined]  # shown
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
        "document_name": selectors.usage_document_name(usage),
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
    form_class = forms[op]
    if form_class is not None:
        form = form_class(request.POST)
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
    """The document to be sealed, to those who see the request (never a public URL);
    shown in the browser when it is a PDF or an image, typed by its content (issue 13)."""
    usage = _usage_or_404(request.user, pk)
    return uploads.serve(
        usage.document,
        filename=selectors.usage_document_name(usage),
        inline=True,
        fallback=f"document-{usage.pk}",
    )
