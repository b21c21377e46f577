"""Reads of the catalogue, by sub-domain: the lists and their versions (`lists`), what
the lists in force say to a committee and the lookup, kept per process (`in_force`), the
admission, exit and filing applications (`admissions`), the publication channels
(`publications`), the per-period change report (`changes`), the announcements of later
national batches (`announcements`).

Callers read through the package (`from yinzheng.catalogue import selectors`); the
modules under it import `lists` and nothing else of each other. Nothing here writes.
"""

from .admissions import (
    DECIDED_STATUSES,
    admitted_item_ids,
    decisions_public,
    items_to_be_discontinued,
    may_record_opinion,
    opinions_awaited,
)
from .announcements import (
    PROGRESS_ACTION,
    Progress,
    announcement_entries,
    announcement_pending,
    announcement_progress,
    announcements,
    to_acknowledge,
)
from .changes import (
    ChangeLine,
    ChangeReport,
    VersionChanges,
    change_report,
    check_period,
)
from .in_force import (
    DECIDING_KINDS,
    EffectiveEntry,
    LookupAdvice,
    LookupResult,
    catalogue_generation,
    effective_catalogue,
    lookup_advice,
    lookup_items,
)
from .lists import (
    IN_FORCE_STATUSES,
    VersionDiff,
    items_removed_before,
    latest_published,
    lists_due_for_review,
    lists_manageable,
    negative_items_above,
    public_entries,
    review_due_on,
    review_rows,
    version_diff,
    versions_in_force,
    versions_in_force_anywhere,
)
from .publications import (
    ChannelStatus,
    channel_status,
    lists_out_of_sync,
    missing_channels,
    ordered_channels,
    version_publications,
)

__all__ = [
    "PROGRESS_ACTION",
    "Progress",
    "announcement_entries",
    "announcement_pending",
    "announcement_progress",
    "announcements",
    "to_acknowledge",
    "ChangeLine",
    "ChangeReport",
    "VersionChanges",
    "change_report",
    "check_period",
    "DECIDED_STATUSES",
    "DECIDING_KINDS",
    "IN_FORCE_STATUSES",
    "ChannelStatus",
    "EffectiveEntry",
    "LookupAdvice",
    "LookupResult",
    "VersionDiff",
    "admitted_item_ids",
    "catalogue_generation",
    "channel_status",
    "decisions_public",
    "effective_catalogue",
    "items_removed_before",
    "items_to_be_discontinued",
    "latest_published",
    "lists_due_for_review",
    "lists_manageable",
    "lists_out_of_sync",
    "lookup_advice",
    "lookup_items",
    "may_record_opinion",
    "missing_channels",
    "negative_items_above",
    "opinions_awaited",
    "ordered_channels",
    "public_entries",
    "review_due_on",
    "review_rows",
    "version_diff",
    "version_publications",
    "versions_in_force",
    "versions_in_force_anywhere",
]
