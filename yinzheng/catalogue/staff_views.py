"""Staff pages where a civil-affairs officer keeps the lists (REQ-003–020).

The officer sees the lists owned inside the subtrees where the policy grants them
"catalogue.manage", creates a list, starts a draft (reason, source document), adds and
removes items, sees what keeps each entry or the whole version from publication, records
the approval and publishes. Every write is one call to catalogue.services; a refusal comes
back as a DomainError and the page shows its message. A user without the action anywhere
gets 403; a list outside their subtrees is 404, as if it did not exist.

The guide page of an item (REQ-075, REQ-076) edits its service guide, names the parts it
still lacks, publishes and withdraws it, through catalogue.guides; a department officer
(DIV-14) may open it to save drafts only, and sees who saved the guide last.

An item's own page edits its flags and texts through catalogue.services.item_update,
which decides who may: the item is shared by every list that names it.

The list page also shows the publication channels (REQ-078, REQ-081: which version each
channel shows, "未同步" where it is not the current one), records a publication and
changes the channel set, through catalogue.publications; and it starts the clean-up pass
(REQ-011), whose own page confirms a disposition per item and completes it, through
catalogue.cleanup.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.errors import DomainError, InvalidInput, NotAllowed
from yinzheng.core.web import attempt, form_errors
from yinzheng.divisions.models import Division

from . import batches, cleanup, guides, publications, selectors, services
from .choices import CleanupDisposition, ListKind, VersionStatus
from .forms import (
    AddItemForm,
    ApproveForm,
    ChannelsForm,
    CleanupCompleteForm,
    DraftForm,
    GuideForm,
    GuideWithdrawForm,
    ItemEditForm,
    ItemSearchForm,
    ListCreateForm,
    PublicationForm,
    PublishForm,
    RemoveItemForm,
    ReviewForm,
)
from .models import CatalogueList, CleanupReview, Guide, Item, ListVersion

ACTION = "catalogue.manage"
OPEN_STATUSES = [VersionStatus.DRAFT, VersionStatus.APPROVED]
SEARCH_LIMIT = 30


def _require_manager(user: Any) -> None:
    if not policy.can(user, ACTION):
        raise PermissionDenied


def _manageable_lists(user: Any) -> QuerySet[CatalogueList]:
    return selectors.lists_manageable(user)


def _owner_choices(user: Any) -> QuerySet[Division]:
    return (
        Division.objects.filter(level__in=services.LIST_OWNER_LEVELS)
        .in_scope_of(user, ACTION)
        .order_by("code")
    )


def _list_or_404(user: Any, pk: int) -> CatalogueList:
    _require_manager(user)
    catalogue_list = _manageable_lists(user).filter(pk=pk).first()
    if catalogue_list is None or not policy.can(user, ACTION, catalogue_list):
        raise Http404
    return catalogue_list


def _version_or_404(user: Any, version_id: int) -> ListVersion:
    _require_manager(user)
    version = ListVersion.objects.filter(pk=version_id).first()
    if version is None:
        raise Http404
    _list_or_404(user, version.catalogue_list_id)
    return version


def _back_to_list(list_id: int, query: dict[str, str] | None = None, anchor=""):
    url = reverse("catalogue:manage_list", args=[list_id])
    if query:
        url += "?" + urlencode(query)
    return redirect(url + anchor)


@login_required
def manage_index(request):
    _require_manager(request.user)
    lists = (
        _manageable_lists(request.user)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ListVersion.objects.filter(
                    status__in=[VersionStatus.PUBLISHED, *OPEN_STATUSES]
                ).order_by("-number"),
                to_attr="live_versions",
            )
        )
        .order_by("owner_id", "kind", "batch_no", "pk")
    )
    page = Paginator(lists, 100).get_page(request.GET.get("page"))
    out_of_sync = {lst.pk for lst in publications.lists_out_of_sync(request.user)}
    rows = [
        {
            "list": lst,
            "current": next(
                (v for v in lst.live_versions if v.status == VersionStatus.PUBLISHED),
                None,
            ),
            "open": next(
                (v for v in lst.live_versions if v.status in OPEN_STATUSES), None
            ),
            "out_of_sync": lst.pk in out_of_sync,  # REQ-081
        }
        for lst in page
    ]
    return render(
        request,
        "catalogue/manage_index.html",
        {
            "page": page,
            "rows": rows,
            "create_form": ListCreateForm(owners=_owner_choices(request.user)),
        },
    )


@login_required
@require_POST
def manage_list_create(request):
    _require_manager(request.user)
    form = ListCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("catalogue:manage")
    data = form.cleaned_data
    created = attempt(
        request,
        lambda: services.list_create(
            actor=request.user,
            owner_code=data["owner"],
            kind=data["kind"],
            title=data["title"],
            batch_no=data["batch_no"],
        ),
        _("已新建清单"),
    )
    if created is None:
        return redirect("catalogue:manage")
    return _back_to_list(created.pk)


@login_required
def manage_list(request, pk: int):
    catalogue_list = _list_or_404(request.user, pk)
    versions = list(
        catalogue_list.versions.select_related("created_by").order_by("-number")
    )
    current = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    open_version = next((v for v in versions if v.status in OPEN_STATUSES), None)
    context: dict[str, Any] = {
        "list": catalogue_list,
        "versions": versions,
        "current": current,
        "open": open_version,
        "review_form": ReviewForm(
            initial={"interval_days": catalogue_list.review_interval_days}
        ),
        "review_due": selectors.review_due_on(catalogue_list),
        "follow_ups": catalogue_list.follow_up_tasks.filter(
            closed_at__isnull=True
        ).select_related("source_version__catalogue_list"),
    }
    context.update(_publication_context(catalogue_list, current))
    context.update(_cleanup_context(catalogue_list))
    if open_version is None:
        context["draft_form"] = DraftForm()
    else:
        context.update(_open_version_context(request, catalogue_list, open_version))
        context["diff"] = selectors.version_diff(current, open_version)
    return render(request, "catalogue/manage_list.html", context)


def _open_version_context(
    request, catalogue_list: CatalogueList, version: ListVersion
) -> dict[str, Any]:
    entries = list(
        version.entries.select_related("item").prefetch_related("item__bases")
    )
    rows = [
        {"entry": e, "problems": services.entry_problems(catalogue_list, e.item)}
        for e in entries
    ]
    check_form = PublishForm(
        request.GET if "publish-valid_from" in request.GET else None,
        initial={"valid_from": clock.today()},
    )
    check_date = clock.today()
    if check_form.is_bound and check_form.is_valid():
        check_date = check_form.cleaned_data["valid_from"]
    problems = services.publish_problems(version, valid_from=check_date)
    context: dict[str, Any] = {
        "rows": rows,
        "check_form": check_form,
        "check_date": check_date,
        "publish_problems": problems,
        "may_publish": version.status == VersionStatus.APPROVED and not problems,
    }
    if version.status == VersionStatus.DRAFT:
        find_form = ItemSearchForm(request.GET if "find-q" in request.GET else None)
        q = ""
        if find_form.is_bound and find_form.is_valid():
            q = find_form.cleaned_data["q"].strip()
        context.update(
            {
                "find_form": find_form,
                "q": q,
                "results": _search_results(catalogue_list, entries, q) if q else None,
                "add_form": AddItemForm(),
                "approve_form": ApproveForm(initial={"approval_date": clock.today()}),
            }
        )
    return context


def _search_results(catalogue_list: CatalogueList, entries, q: str) -> list[dict]:
    listed = {e.item_id for e in entries}
    negative = (
        selectors.negative_items_above(catalogue_list.owner_id, clock.today())
        if catalogue_list.kind == ListKind.POSITIVE
        else {}
    )
    items = (
        Item.objects.filter(search_text__contains=q)
        .prefetch_related("bases")
        .order_by("name")[:SEARCH_LIMIT]
    )
    return [
        {
            "item": it,
            "listed": it.pk in listed,
            "problems": services.entry_problems(catalogue_list, it),
            "negative_list": negative.get(it.pk),
        }
        for it in items
    ]


@login_required
@require_POST
def manage_draft(request, pk: int):
    catalogue_list = _list_or_404(request.user, pk)
    form = DraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        attempt(
            request,
            lambda: services.version_draft(
                actor=request.user,
                list_id=catalogue_list.pk,
                reason=form.cleaned_data["reason"],
                source_document=form.cleaned_data["source_document"],
            ),
            _("已新建草稿版本"),
        )
    return _back_to_list(catalogue_list.pk)


@login_required
@require_POST
def manage_add_item(request, version_id: int):
    version = _version_or_404(request.user, version_id)
    form = AddItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        attempt(
            request,
            lambda: services.version_add_item(
                actor=request.user,
                version_id=version.pk,
                item_key=form.cleaned_data["item_key"].strip(),
                note=form.cleaned_data["note"].strip(),
            ),
            _("已加入清单草稿"),
        )
    q = request.POST.get("find-q", "").strip()
    return _back_to_list(
        version.catalogue_list_id, {"find-q": q} if q else None, "#entries"
    )


@login_required
@require_POST
def manage_remove_item(request, version_id: int):
    version = _version_or_404(request.user, version_id)
    form = RemoveItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        attempt(
            request,
            lambda: services.version_remove_item(
                actor=request.user,
                version_id=version.pk,
                item_key=form.cleaned_data["item_key"],
            ),
            _("已从清单草稿移出"),
        )
    return _back_to_list(version.catalogue_list_id, anchor="#entries")


@login_required
@require_POST
def manage_approve(request, version_id: int):
    version = _version_or_404(request.user, version_id)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.version_approve(
                actor=request.user,
                version_id=version.pk,
                approval_body=data["approval_body"],
                approval_date=data["approval_date"],
                approval_reference=data["approval_reference"],
            ),
            _("已记录批准"),
        )
    return _back_to_list(version.catalogue_list_id)


@login_required
@require_POST
def manage_publish(request, version_id: int):
    version = _version_or_404(request.user, version_id)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back_to_list(version.catalogue_list_id)
    valid_from = form.cleaned_data["valid_from"]
    published = attempt(
        request,
        lambda: services.version_publish(
            actor=request.user, version_id=version.pk, valid_from=valid_from
        ),
        _("已公布，自 %s 起生效") % valid_from.isoformat(),
    )
    if published is None:
        return _back_to_list(
            version.catalogue_list_id,
            {"publish-valid_from": valid_from.isoformat()},
            "#publish",
        )
    return _back_to_list(version.catalogue_list_id)


def _guide_page(key: str):
    return redirect("catalogue:manage_guide", key=key)


@login_required
def manage_guide(request, key: str):
    # DIV-14: a department officer supplies the content (drafts only); publishing and
    # withdrawing stay with the list owner, on their own views below.
    if not guides.may_save(request.user):
        raise PermissionDenied
    item = Item.objects.filter(key=key).first()
    if item is None:
        raise Http404
    guide = Guide.objects.select_related("updated_by").filter(item=item).first()
    if request.method == "POST":
        form = GuideForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            saved = attempt(
                request,
                lambda: guides.guide_save(
                    actor=request.user, item_key=item.key, **form.cleaned_data
                ),
                _("已保存办事指南草稿"),
            )
            if saved is not None:
                return _guide_page(item.key)
    else:
        initial = (
            {name: getattr(guide, name) for name in guides.CONTENT_FIELDS}
            if guide
            else {"time_limit_days": item.time_limit_days}
        )
        form = GuideForm(initial=initial)
    return render(
        request,
        "catalogue/manage_guide.html",
        {
            "item": item,
            "guide": guide,
            "form": form,
            "missing": guides.guide_missing_parts(guide) if guide else [],
            "withdraw_form": GuideWithdrawForm(),
            "may_publish": policy.can(request.user, guides.ACTION),
        },
    )


def _item_initial(item: Item) -> dict[str, Any]:
    return {name: getattr(item, name) for name in services.ITEM_EDITABLE_FIELDS}


@login_required
def manage_item_edit(request, key: str):
    """Edit an item's flags and texts. An item is shared by every list naming it, so the
    service refuses one named by a list the officer may not manage, and the national
    reference data (REQ-119); the page shows why, and keeps the form for a refused
    POST with the officer's input."""
    _require_manager(request.user)
    item = Item.objects.filter(key=key).first()
    if item is None:
        raise Http404
    if request.method == "POST":
        form = ItemEditForm(request.POST)
        if form.is_valid():
            try:
                services.item_update(
                    actor=request.user, item_key=item.key, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存证明事项"))
                return redirect("catalogue:manage_item_edit", key=item.key)
    else:
        form = ItemEditForm(initial=_item_initial(item))
    refusal = services.item_edit_refusal(request.user, item)
    return render(
        request,
        "catalogue/manage_item.html",
        {
            "item": item,
            "form": form,
            "refusal": refusal.message if refusal is not None else None,
            "lists": services.lists_naming(item),
        },
    )


@login_required
@require_POST
def manage_guide_publish(request, key: str):
    _require_manager(request.user)
    attempt(
        request,
        lambda: guides.guide_publish(actor=request.user, item_key=key),
        _("已公布办事指南"),
    )
    return _guide_page(key)


@login_required
@require_POST
def manage_guide_withdraw(request, key: str):
    _require_manager(request.user)
    form = GuideWithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        attempt(
            request,
            lambda: guides.guide_withdraw(
                actor=request.user, item_key=key, reason=form.cleaned_data["reason"]
            ),
            _("已撤回办事指南，可修改后重新公布"),
        )
    return _guide_page(key)


@login_required
@require_POST
def manage_review(request, pk: int):
    """Record a periodic clean-up and assessment (REQ-013)."""
    catalogue_list = _list_or_404(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        attempt(
            request,
            lambda: services.list_review_record(
                actor=request.user,
                list_id=catalogue_list.pk,
                note=form.cleaned_data["note"],
                interval_days=form.cleaned_data["interval_days"],
            ),
            _("已记录清理评估"),
        )
    return _back_to_list(catalogue_list.pk)


@login_required
@require_POST
def manage_follow_up_close(request, pk: int, task_id: int):
    """Close a follow-up task opened by a later national batch (REQ-015)."""
    catalogue_list = _list_or_404(request.user, pk)
    note = request.POST.get("note", "")
    attempt(
        request,
        lambda: batches.follow_up_close(actor=request.user, task_id=task_id, note=note),
        _("已办结跟进任务"),
    )
    return _back_to_list(catalogue_list.pk)


# Publication channels (REQ-078, REQ-081, DIV-06) --------------------------------------


def _publication_context(
    catalogue_list: CatalogueList, current: ListVersion | None
) -> dict[str, Any]:
    return {
        "channel_rows": publications.channel_status(catalogue_list, current),
        "publication_form": (
            PublicationForm(
                initial={"version": current.number, "published_on": clock.today()},
                channels=catalogue_list.channels,
            )
            if current
            else None
        ),
        "channels_form": ChannelsForm(initial={"channels": catalogue_list.channels}),
    }


@login_required
@require_POST
def manage_publication_record(request, pk: int):
    """Record that the list's current version went out on one channel (REQ-078)."""
    catalogue_list = _list_or_404(request.user, pk)
    # Every channel is offered here: the service says why one outside the set is refused.
    form = PublicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back_to_list(catalogue_list.pk, anchor="#channels")
    data = form.cleaned_data
    version = catalogue_list.versions.filter(number=data["version"]).first()
    if version is None:
        raise Http404
    attempt(
        request,
        lambda: publications.publication_record(
            actor=request.user,
            version_id=version.pk,
            channel=data["channel"],
            published_on=data["published_on"],
            location=data["location"],
        ),
        _("已登记公布渠道及日期"),
    )
    return _back_to_list(catalogue_list.pk, anchor="#channels")


@login_required
@require_POST
def manage_channels(request, pk: int):
    """Change the set of channels the list must be published on (REQ-078, DIV-06)."""
    catalogue_list = _list_or_404(request.user, pk)
    form = ChannelsForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        attempt(
            request,
            lambda: publications.channels_set(
                actor=request.user,
                list_id=catalogue_list.pk,
                channels=form.cleaned_data["channels"],
            ),
            _("已更新公布渠道"),
        )
    return _back_to_list(catalogue_list.pk, anchor="#channels")


# Clean-up pass (REQ-011) --------------------------------------------------------------


def _cleanup_context(catalogue_list: CatalogueList) -> dict[str, Any]:
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
    _require_manager(user)
    review = (
        CleanupReview.objects.select_related(
            "catalogue_list__owner", "base_version", "resulting_version", "started_by"
        )
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404
    _list_or_404(user, review.catalogue_list_id)
    return review


def _cleanup_page(review_id: int):
    return redirect("catalogue:manage_cleanup", review_id=review_id)


@login_required
@require_POST
def manage_cleanup_start(request, pk: int):
    """Start a clean-up of the list's current version (REQ-011)."""
    catalogue_list = _list_or_404(request.user, pk)
    review = attempt(
        request,
        lambda: cleanup.cleanup_start(actor=request.user, list_id=catalogue_list.pk),
        _("已开始清理，请逐项确认处理意见"),
    )
    if review is None:
        return _back_to_list(catalogue_list.pk, anchor="#cleanup")
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
    decisions = cleanup.review_rows(review)
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
