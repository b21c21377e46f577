"""Public pages of the lists and their items' guides (REQ-076, REQ-077, REQ-079: no
login), read through selectors, with the channels and dates each version went out on
(REQ-078), the policy documents the lists rest on (REQ-080) and the announcements of
later national batches (REQ-122)."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from yinzheng.accounts import policy
from yinzheng.catalogue import selectors, services
from yinzheng.catalogue.choices import GuideStatus
from yinzheng.catalogue.models import CatalogueList, Guide, Item, ListVersion
from yinzheng.catalogue.policy_documents import POLICY_DOCUMENTS

PUBLIC = selectors.IN_FORCE_STATUSES


def index(request):
    q = request.GET.get("q", "").strip()
    lists = (
        CatalogueList.objects.select_related("owner")
        .filter(versions__status__in=PUBLIC)
        .distinct()
        .order_by("owner_id", "kind", "batch_no")
    )
    results = selectors.lookup_items(q[:100], limit=8) if q else None
    return render(
        request,
        "catalogue/index.html",
        {
            "announcements": selectors.announcements()[:3],  # REQ-122
            "lists": lists,
            "q": q,
            "results": results,
            "policy_documents": POLICY_DOCUMENTS,  # REQ-080
        },
    )


def list_detail(request, pk: int):
    catalogue_list = get_object_or_404(
        CatalogueList.objects.select_related("owner"), pk=pk
    )
    versions = list(
        catalogue_list.versions.filter(status__in=PUBLIC).order_by("-number")
    )
    if not versions:
        raise Http404
    return _version_page(request, catalogue_list, versions[0], versions)


def version_detail(request, pk: int, number: int):
    catalogue_list = get_object_or_404(
        CatalogueList.objects.select_related("owner"), pk=pk
    )
    versions = list(
        catalogue_list.versions.filter(status__in=PUBLIC).order_by("-number")
    )
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        raise Http404
    return _version_page(request, catalogue_list, version, versions)


def _version_page(request, catalogue_list, version: ListVersion, versions):
    older = [v for v in versions if v.number < version.number]
    diff = selectors.version_diff(older[0] if older else None, version)
    entries = version.entries.select_related("item").prefetch_related("item__bases")
    return render(
        request,
        "catalogue/version.html",
        {
            "list": catalogue_list,
            "version": version,
            "versions": versions,
            "entries": entries,
            "diff": diff,
            "previous": older[0] if older else None,
            "publications": selectors.version_publications(version),  # REQ-078
        },
    )


def item_detail(request, key: str):
    item = get_object_or_404(
        Item.objects.prefetch_related(
            "bases",
            Prefetch(
                "entries",
                queryset=selectors.public_entries().select_related(
                    "version__catalogue_list__owner"
                ),
                to_attr="public_entries",
            ),
        ),
        key=key,
    )
    # The plugin loses Prefetch's to_attr through get_object_or_404's type variable.
    if not item.public_entries:  # type: ignore[attr-defined]
        raise Http404
    # REQ-076: only a published guide is shown; REQ-077: a negative-list item's route and
    # departments are its guide, shown from the item itself.
    guide = Guide.objects.filter(item=item, status=GuideStatus.PUBLISHED).first()
    may_edit = services.may_edit_item(request.user, item)
    return render(
        request,
        "catalogue/item.html",
        {
            "item": item,
            "guide": guide,
            "may_edit": may_edit,
            # REQ-078: where and when each jurisdiction put the guide out.
            "guide_publications": selectors.guide_publications_public(guide)
            if guide
            else [],
        },
    )


def decisions(request):
    """The published admission and exit decisions (REQ-024): the applying department
    and unit, the item, the meeting and its reasons. No person's name, no contact."""
    page = Paginator(selectors.decisions_public(), 50).get_page(request.GET.get("page"))
    return render(request, "catalogue/decisions.html", {"page": page})


def announcement(request, pk: int):
    """A later national batch, announced (REQ-122): what committees no longer certify
    from when, and the route for each; a committee's clerk or head acknowledges it
    here, the levels above follow who has not."""
    shown = get_object_or_404(selectors.announcements(), pk=pk)
    user = request.user
    unread = [c for a, c in selectors.to_acknowledge(user) if a.pk == shown.pk]
    return render(
        request,
        "catalogue/announcement.html",
        {
            "announcement": shown,
            "entries": selectors.announcement_entries(shown),
            "unread": unread,
            "may_follow": policy.can(user, selectors.PROGRESS_ACTION),
        },
    )
