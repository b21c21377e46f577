"""The clean-up pass (REQ-011) on the staff pages.

The list's page starts a clean-up of its current version and shows the latest ones; the
clean-up's own page shows one row per item with the suggested or decided disposition and
its reason, confirms the checked rows (or all) in one submit, and completes the clean-up,
whose removals go into a new draft version. Every write goes through
catalogue.services.cleanup.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.core.errors import DomainError, InvalidInput, NotAllowed
from yinzheng.core.web import attempt, form_errors

from .. import selectors
from ..choices import CleanupDisposition
from ..forms.lists import CleanupCompleteForm
from ..models import CatalogueList, CleanupReview
from ..services import cleanup
from .staff import back_to_list, list_or_404, require_manager


def cleanup_context(catalogue_list: CatalogueList) -> dict[str, Any]:
    reviews = list(
        catalogue_list.cleanups.select_related(
            "base_version", "resulting_version", "started_by"
        ).order_by("-started_at")[:5]
    )
    open_review = next((r for r in reviews if r.completed_at is None), None)
    counts = None
    if open_review is not None:
        counts = {
            "total": open_review.decisions.count(),
            "confirmed": open_review.decisions.filter(decided_by__isnull=False).count(),
        }
    return {
        "cleanups": reviews,
        "open_cleanup": open_review,
        "open_cleanup_counts": counts,
        "may_clean": catalogue_list.kind in cleanup.CLEANABLE_KINDS,
    }


def _review_or_404(user: Any, review_id: int) -> CleanupReview:
    require_manager(user)
    review = (
        CleanupReview.objects.select_related(
            "catalogue_list__owner", "base_version", "resulting_version", "started_by"
        )
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404
    list_or_404(user, review.catalogue_list_id)
    return review


def _cleanup_page(review_id: int):
    return redirect("catalogue:manage_cleanup", review_id=review_id)


@login_required
@require_POST
def manage_cleanup_start(request, pk: int):
    """Start a clean-up of the list's current version (REQ-011)."""
    catalogue_list = list_or_404(request.user, pk)
    review = attempt(
        request,
        lambda: cleanup.cleanup_start(actor=request.user, list_id=catalogue_list.pk),
        _("已开始清理，请逐项确认处理意见"),
    )
    if review is None:
        return back_to_list(catalogue_list.pk, anchor="#cleanup")
    return _cleanup_page(review.pk)


def _posted_rows(request, decisions) -> list[dict[str, Any]]:
    """Each decision with the values the form posted (or the stored ones)."""
    rows = []
    for d in decisions:
        prefix = f"d-{d.item.key}-"
        disposition = request.POST.get(prefix + "disposition", d.disposition)
        reason = request.POST.get(prefix + "reason", d.reason)
        rows.append(
            {
                "decision": d,
                "disposition": disposition,
                "reason": reason,
                "checked": bool(request.POST.get(prefix + "confirm")),
                "changed": disposition != d.disposition or reason.strip() != d.reason,
                "error": "",
            }
        )
    return rows


@login_required
def manage_cleanup(request, review_id: int):
    """One row per item: the suggested or decided disposition, its reason, and a
    checkbox to confirm it; all rows go in one form, so 30 items are one submit."""
    review = _review_or_404(request.user, review_id)
    decisions = selectors.review_rows(review)
    rows = _posted_rows(request, decisions)
    if request.method == "POST":
        if any("\x00" in v for _k, vs in request.POST.lists() for v in vs):
            # The rows are read from the raw POST, not through a form: refuse a NUL as
            # RejectBadInputMiddleware does for parameters (PostgreSQL cannot store it).
            return HttpResponseBadRequest(str(InvalidInput.message))
        confirm_all = "confirm_all" in request.POST
        wanted = [
            (r["decision"].item.key, r["disposition"], r["reason"])
            for r in rows
            if r["checked"]
            or (confirm_all and (r["decision"].decided_by_id is None or r["changed"]))
        ]
        if not wanted:
            messages.error(request, _("请勾选要确认的事项"))
            return _cleanup_page(review.pk)
        try:
            cleanup.cleanup_decide_many(
                actor=request.user, review_id=review.pk, decisions=wanted
            )
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
            errors = {
                p.get("item"): p.get("message")
                for p in (exc.detail if isinstance(exc.detail, list) else [])
                if isinstance(p, dict)
            }
            for r in rows:
                r["error"] = errors.get(r["decision"].item.key, "")
        else:
            messages.success(request, _("已确认 %d 项处理意见") % len(wanted))
            return _cleanup_page(review.pk)
    return render(
        request,
        "catalogue/manage_cleanup.html",
        {
            "review": review,
            "list": review.catalogue_list,
            "rows": rows,
            "dispositions": CleanupDisposition.choices,
            "unconfirmed": sum(1 for d in decisions if d.decided_by_id is None),
            "complete_form": CleanupCompleteForm(),
        },
    )


@login_required
@require_POST
def manage_cleanup_complete(request, review_id: int):
    """Complete the clean-up: removals go into a new draft; the review is recorded."""
    review = _review_or_404(request.user, review_id)
    form = CleanupCompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _cleanup_page(review.pk)
    done = attempt(
        request,
        lambda: cleanup.cleanup_complete(
            actor=request.user,
            review_id=review.pk,
            conclusion=form.cleaned_data["conclusion"],
        ),
        _("已完成清理"),
    )
    if done is not None and done.resulting_version_id:
        messages.info(request, _("拟取消的事项已移出新的草稿版本，请审核、批准后公布"))
    return _cleanup_page(review.pk)
