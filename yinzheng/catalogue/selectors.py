"""Reads of the catalogue: versions in force, the effective catalogue of a committee."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from yinzheng.divisions.models import ancestor_codes

from . import lookup
from .choices import ApplicationKind, ApplicationStatus, ListKind, VersionStatus
from .models import (
    Application,
    CatalogueList,
    Item,
    ListEntry,
    ListVersion,
    ReviewOpinion,
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


def negative_items_above(owner_code: str, on: dt.date) -> dict[int, str]:
    """Items on a negative list in force at `owner_code` or above it: id → list title."""
    codes = [*ancestor_codes(owner_code), owner_code]
    entries = ListEntry.objects.filter(
        version__in=versions_in_force(codes, on).filter(
            catalogue_list__kind=ListKind.NEGATIVE
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
class EffectiveEntry:
    item: Item
    kind: str  # ListKind
    version_id: int
    list_title: str
    owner_code: str


def effective_catalogue(committee_code: str, on: dt.date) -> dict[str, EffectiveEntry]:
    """REQ-009: the merge of the versions in force along the committee's chain.

    Keyed by item key. Where an item is both issuable and negative (REQ-010 keeps that
    from being published, but a higher list may change later), the negative entry wins.
    """
    codes = [*ancestor_codes(committee_code), committee_code]
    entries = (
        ListEntry.objects.filter(
            version__in=versions_in_force(codes, on).filter(
                catalogue_list__kind__in=[ListKind.POSITIVE, ListKind.NEGATIVE]
            )
        )
        .select_related("item", "version__catalogue_list")
        .order_by("version__catalogue_list__owner_id", "number")
    )
    merged: dict[str, EffectiveEntry] = {}
    for e in entries:
        lst = e.version.catalogue_list
        candidate = EffectiveEntry(
            e.item, lst.kind, e.version_id, lst.title, lst.owner_id
        )
        existing = merged.get(e.item.key)
        if existing is None or (
            existing.kind != ListKind.NEGATIVE and candidate.kind == ListKind.NEGATIVE
        ):
            merged[e.item.key] = candidate
    return merged


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


@dataclass(frozen=True)
class LookupResult:
    item: Item
    list: str  # "negative" | "positive" | "none" for the committee (or anywhere)
    score: float
    matched: str
    list_title: str = ""


_index_cache: dict[tuple, tuple["lookup.Index", dict[str, Item]]] = {}


def _lookup_index(
    on: dt.date,
) -> tuple[tuple[int, ...], "lookup.Index", dict[str, Item]]:
    """One index over every item of a list in force on `on`, kept while the set of
    versions in force stays the same (a publication changes it)."""
    version_ids = tuple(
        sorted(versions_in_force_anywhere(on).values_list("pk", flat=True))
    )
    cached = _index_cache.get(version_ids)
    if cached is None:
        items = {
            i.key: i
            for i in Item.objects.filter(entries__version__in=version_ids).distinct()
        }
        index = lookup.Index((i.key, i.name, i.aliases) for i in items.values())
        _index_cache.clear()
        cached = _index_cache[version_ids] = (index, items)
    return version_ids, *cached


def lookup_items(
    text: str,
    *,
    committee_code: str | None = None,
    on: dt.date | None = None,
    limit: int = 5,
) -> list[LookupResult]:
    """Ranked items for a colloquial query, with what the committee may do about each
    (or, without a committee, what any list in force says)."""
    from yinzheng.core import clock

    on = on or clock.today()
    version_ids, index, items = _lookup_index(on)
    hits = index.search(text, limit=limit)
    entries = ListEntry.objects.filter(
        version_id__in=version_ids,
        item__key__in=[h.key for h in hits],
        version__catalogue_list__kind__in=[ListKind.POSITIVE, ListKind.NEGATIVE],
    )
    if committee_code:
        chain = [*ancestor_codes(committee_code), committee_code]
        entries = entries.filter(version__catalogue_list__owner_id__in=chain)
    kinds: dict[str, tuple[str, str]] = {}
    for key, kind, title in entries.values_list(
        "item__key", "version__catalogue_list__kind", "version__catalogue_list__title"
    ):
        if kinds.get(key, ("",))[0] != ListKind.NEGATIVE:  # negative wins (REQ-010)
            kinds[key] = (kind, title)
    return [
        LookupResult(
            item=items[h.key],
            list=kinds.get(h.key, ("none", ""))[0],
            score=h.score,
            matched=h.matched,
            list_title=kinds.get(h.key, ("", ""))[1],
        )
        for h in hits
    ]


def versions_in_force_anywhere(on: dt.date) -> QuerySet[ListVersion]:
    return ListVersion.objects.filter(
        status__in=IN_FORCE_STATUSES, valid_from__lte=on
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def lists_manageable(user: Any) -> QuerySet[CatalogueList]:
    """Lists owned where the user may manage lists (policy action catalogue.manage)."""
    from yinzheng.accounts import policy
    from yinzheng.divisions.choices import COUNTRY_CODE

    if getattr(user, "is_superuser", False):
        codes = [COUNTRY_CODE]
    else:
        codes = policy.scope_codes(user, policy.ACTIONS["catalogue.manage"].roles)
    return CatalogueList.objects.select_related("owner").filter(
        policy.data_q_for_codes(codes, "owner_id")
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


def admitted_item_ids(version_id: int) -> set[int]:
    """Items an approved admission brings into this version (REQ-019)."""
    return set(
        Application.objects.filter(
            resulting_version_id=version_id,
            kind=ApplicationKind.ADMISSION,
            status=ApplicationStatus.APPROVED,
        ).values_list("item_id", flat=True)
    )


DECIDED_STATUSES = (
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.PUBLISHED,
)


def decisions_public() -> QuerySet[Application]:
    """Admission and exit decisions, for the public page (REQ-024): who applied, for
    what, the meeting, the outcome and its reasons. No personal data is held here."""
    return (
        Application.objects.filter(
            kind__in=[ApplicationKind.ADMISSION, ApplicationKind.EXIT],
            status__in=DECIDED_STATUSES,
        )
        .select_related("catalogue_list__owner", "item", "resulting_version")
        .order_by("-meeting_date", "-id")
    )


def items_to_be_discontinued(catalogue_list: CatalogueList) -> list[Item]:
    """Items an approved exit marks "to be discontinued" while the law is amended
    (REQ-027)."""
    return list(
        Item.objects.filter(
            applications__catalogue_list=catalogue_list,
            applications__kind=ApplicationKind.EXIT,
            applications__status=ApplicationStatus.APPROVED,
            applications__resulting_version__isnull=True,
        ).distinct()
    )


def applications_visible(user: Any) -> QuerySet[Application]:
    """Applications on lists the user manages, those of the departments the user speaks
    for, and those awaiting an opinion from the user's townships."""
    from yinzheng.accounts import policy

    if policy.sees_everything(user):
        return Application.objects.all()
    manage = policy.scope_codes(user, policy.ACTIONS["catalogue.manage"].roles)
    q = policy.data_q_for_codes(manage, "catalogue_list__owner_id")
    for role, code, dept in policy.grants_of(user):
        if role == "department" and dept:
            q |= Q(department=dept) & (
                policy.data_q_for_codes([code], "catalogue_list__owner_id")
                | Q(catalogue_list__owner_id__in=ancestor_codes(code))
            )
        if role == "township":
            q |= Q(opinions__township_id=code)
    return Application.objects.filter(q).distinct()


def opinions_awaited(user: Any) -> list:
    """Requested opinions the user may record, for the home inbox."""
    from . import admissions

    pending = (
        ReviewOpinion.objects.filter(
            opinion="",
            application__status=ApplicationStatus.IN_REVIEW,
            application__in=applications_visible(user),
        )
        .select_related("application__catalogue_list", "township")
    )
    return [o for o in pending if admissions.may_record_opinion(user, o)]
