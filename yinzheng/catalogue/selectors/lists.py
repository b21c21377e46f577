"""Reads of the lists and their versions: which versions are in force where and when
(REQ-009, REQ-010), what a version adds and removes (REQ-012), which items a list once
named and dropped (REQ-019), the lists a user manages and when their periodic review falls
due (REQ-013), and the rows of a clean-up in the order of the list (REQ-011).

Nothing here writes; the services and the pages ask these questions the same way.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from yinzheng.core.codes import ancestor_codes

from ..choices import ListKind, VersionStatus
from ..models import (
    CatalogueList,
    CleanupDecision,
    CleanupReview,
    ListEntry,
    ListVersion,
)

IN_FORCE_STATUSES = [VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]


def latest_published(
    catalogue_list: CatalogueList, *, for_update: bool = False
) -> ListVersion | None:
    qs = catalogue_list.versions.filter(status=VersionStatus.PUBLISHED)
    if for_update:
        qs = qs.select_for_update()
    return qs.order_by("-number").first()


def versions_in_force(owner_codes: list[str], on: dt.date) -> QuerySet[ListVersion]:
    """Published versions of lists owned by `owner_codes` whose validity covers `on`."""
    return ListVersion.objects.filter(
        catalogue_list__owner_id__in=owner_codes,
        status__in=IN_FORCE_STATUSES,
        valid_from__lte=on,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def versions_in_force_anywhere(on: dt.date) -> QuerySet[ListVersion]:
    return ListVersion.objects.filter(
        status__in=IN_FORCE_STATUSES, valid_from__lte=on
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def negative_items_above(owner_code: str, on: dt.date) -> dict[int, str]:
    """Items a list in force at `owner_code` or above it says committees do not issue —
    a negative list, or one of items a department certifies (REQ-123): id → list title."""
    codes = [*ancestor_codes(owner_code), owner_code]
    entries = ListEntry.objects.filter(
        version__in=versions_in_force(codes, on).filter(
            catalogue_list__kind__in=[ListKind.NEGATIVE, ListKind.DEPARTMENT]
        )
    ).values_list("item_id", "version__catalogue_list__title")
    return dict(entries)


def items_removed_before(catalogue_list: CatalogueList) -> set[int]:
    """Items an earlier published version named that the current one no longer does."""
    current = latest_published(catalogue_list)
    ever = set(
        ListEntry.objects.filter(
            version__catalogue_list=catalogue_list,
            version__status__in=IN_FORCE_STATUSES,
        ).values_list("item_id", flat=True)
    )
    now = set(current.entries.values_list("item_id", flat=True)) if current else set()
    return ever - now


@dataclass(frozen=True)
class VersionDiff:
    added: list[ListEntry]
    removed: list[ListEntry]


def version_diff(old: ListVersion | None, new: ListVersion) -> VersionDiff:
    """What `new` adds to and removes from `old` (REQ-012: a readable diff)."""
    new_entries = {e.item_id: e for e in new.entries.select_related("item")}
    old_entries = (
        {e.item_id: e for e in old.entries.select_related("item")} if old else {}
    )
    return VersionDiff(
        added=[e for i, e in new_entries.items() if i not in old_entries],
        removed=[e for i, e in old_entries.items() if i not in new_entries],
    )


def public_entries() -> QuerySet[ListEntry]:
    """Entries of published (or once published) versions: what the public may read."""
    return ListEntry.objects.filter(version__status__in=IN_FORCE_STATUSES).order_by(
        "-version__valid_from"
    )


def lists_manageable(user: Any) -> QuerySet[CatalogueList]:
    """Lists owned where the user may manage lists (policy action catalogue.manage)."""
    return CatalogueList.objects.visible_to(user, "catalogue.manage").select_related(
        "owner"
    )


def review_due_on(catalogue_list: CatalogueList) -> dt.date | None:
    """When the next periodic review falls due (REQ-013); None without an interval."""
    if not catalogue_list.review_interval_days:
        return None
    since = catalogue_list.last_reviewed_on or catalogue_list.created_at.date()
    return since + dt.timedelta(days=catalogue_list.review_interval_days)


def lists_due_for_review(user: Any, on: dt.date) -> list[CatalogueList]:
    return [
        lst
        for lst in lists_manageable(user).filter(review_interval_days__isnull=False)
        if (due := review_due_on(lst)) is not None and due <= on
    ]


def review_rows(review: CleanupReview) -> list[CleanupDecision]:
    """The review's decisions in the order of the base version's entries."""
    order = dict(review.base_version.entries.values_list("item_id", "number"))
    decisions = review.decisions.select_related("item", "decided_by").prefetch_related(
        "item__bases"
    )
    return sorted(decisions, key=lambda d: (order.get(d.item_id, 10**6), d.item_id))
