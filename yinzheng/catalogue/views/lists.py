"""Staff pages where a civil-affairs officer keeps the lists (REQ-003–020).

The officer sees the lists they manage, creates a list, starts a draft (reason, source
document), adds and removes items, sees what keeps each entry or the whole version from
publication, records the approval and publishes, through catalogue.services. The list's
page also records the periodic clean-up and assessment (REQ-013), closes the follow-ups a
later national batch opened (REQ-015), and shows the publication channels
(publications.py) and the clean-ups (cleanup.py) of the list.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yinzheng.core import clock
from yinzheng.core.web import attempt, form_errors
from yinzheng.divisions.models import Division

from .. import selectors, services
from ..choices import ListKind, VersionStatus
from ..forms.lists import (
    AddItemForm,
    ApproveForm,
    DraftForm,
    ItemSearchForm,
    ListCreateForm,
    PublishForm,
    RemoveItemForm,
    ReviewForm,
)
from ..models import CatalogueList, Item, ListVersion
from ..services import batches
from .cleanup import cleanup_context
from .publications import publication_context
from .staff import (
    ACTION,
    OPEN_STATUSES,
    back_to_list,
    list_or_404,
    manageable_lists,
    require_manager,
    version_or_404,
)

SEARCH_LIMIT = 30


def _owner_choices(user: Any) -> QuerySet[Division]:
    return (
        Division.objects.filter(level__in=services.LIST_OWNER_LEVELS)
        .in_scope_of(user, ACTION)
        .order_by("code")
    )


@login_required
def manage_index(request):
    require_manager(request.user)
    lists = (
        manageable_lists(request.user)
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
    out_of_sync = {lst.pk for lst in selectors.lists_out_of_sync(request.user)}
    rows = []
    for lst in page:
        # The plugin loses Prefetch's to_attr through the Paginator's type variable.
        live: list[ListVersion] = lst.live_versions  # type: ignore[attr-defined]
        rows.append(
            {
                "list": lst,
                "current": next(
                    (v for v in live if v.status == VersionStatus.PUBLISHED), None
                ),
                "open": next((v for v in live if v.status in OPEN_STATUSES), None),
                "out_of_sync": lst.pk in out_of_sync,  # REQ-081
            }
        )
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
    require_manager(request.user)
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
    return back_to_list(created.pk)


@login_required
def manage_list(request, pk: int):
    catalogue_list = list_or_404(request.user, pk)
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
    context.update(publication_context(catalogue_list, current))
    context.update(cleanup_context(catalogue_list))
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
    catalogue_list = list_or_404(request.user, pk)
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
    return back_to_list(catalogue_list.pk)


@login_required
@require_POST
def manage_add_item(request, version_id: int):
    version = version_or_404(request.user, version_id)
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
    return back_to_list(
        version.catalogue_list_id, {"find-q": q} if q else None, "#entries"
    )


@login_required
@require_POST
def manage_remove_item(request, version_id: int):
    version = version_or_404(request.user, version_id)
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
    return back_to_list(version.catalogue_list_id, anchor="#entries")


@login_required
@require_POST
def manage_approve(request, version_id: int):
    version = version_or_404(request.user, version_id)
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
    return back_to_list(version.catalogue_list_id)


@login_required
@require_POST
def manage_publish(request, version_id: int):
    version = version_or_404(request.user, version_id)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return back_to_list(version.catalogue_list_id)
    valid_from = form.cleaned_data["valid_from"]
    published = attempt(
        request,
        lambda: services.version_publish(
            actor=request.user, version_id=version.pk, valid_from=valid_from
        ),
        _("已公布，自 %s 起生效") % valid_from.isoformat(),
    )
    if published is None:
        return back_to_list(
            version.catalogue_list_id,
            {"publish-valid_from": valid_from.isoformat()},
            "#publish",
        )
    return back_to_list(version.catalogue_list_id)


@login_required
@require_POST
def manage_review(request, pk: int):
    """Record a periodic clean-up and assessment (REQ-013)."""
    catalogue_list = list_or_404(request.user, pk)
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
    return back_to_list(catalogue_list.pk)


@login_required
@require_POST
def manage_follow_up_close(request, pk: int, task_id: int):
    """Close a follow-up task opened by a later national batch (REQ-015)."""
    catalogue_list = list_or_404(request.user, pk)
    note = request.POST.get("note", "")
    attempt(
        request,
        lambda: batches.follow_up_close(actor=request.user, task_id=task_id, note=note),
        _("已办结跟进任务"),
    )
    return back_to_list(catalogue_list.pk)
