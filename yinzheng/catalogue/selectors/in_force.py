"""What the lists in force say to a committee: the merge of the versions along its chain
(REQ-009; a negative entry wins, REQ-010) and the ranked lookup of a colloquial query
(the portal search box, `GET /api/catalogue/lookup/`, `yinzheng lookup`).

Both read the versions in force from a per-process cache kept under the catalogue's
generation; the note above `DECIDING_KINDS` says why it exists and what invalidates it.
"""

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import Count, Max
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import gettext as _

from yinzheng.core.codes import ancestor_codes

from .. import lookup
from ..choices import ListKind
from ..models import Item, ListEntry, ListVersion
from .lists import IN_FORCE_STATUSES


@dataclass(frozen=True)
class EffectiveEntry:
    item: Item
    kind: str  # ListKind
    version_id: int
    list_title: str
    owner_code: str


def effective_catalogue(committee_code: str, on: dt.date) -> dict[str, EffectiveEntry]:
    """REQ-009: the merge of the versions in force along the committee's chain.

    Keyed by item key. Where two kinds name one item (REQ-010 keeps that from being
    published, but a higher list may change later), the stronger word wins (`OUTRANKS`).
    """
    codes = (*ancestor_codes(committee_code), committee_code)
    version_ids = _in_force().version_ids(codes, on, DECIDING_KINDS)
    entries = (
        ListEntry.objects.filter(version_id__in=version_ids)
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
        if existing is None or OUTRANKS[candidate.kind] > OUTRANKS[existing.kind]:
            merged[e.item.key] = candidate
    return merged


@dataclass(frozen=True)
class LookupResult:
    item: Item
    list: str  # "negative" | "department" | "positive" | "none" (committee or anywhere)
    score: float
    matched: str
    list_title: str = ""
    confidence: str = "low"  # "high" | "medium" | "low" (lookup.confidence)


@dataclass(frozen=True)
class LookupAdvice:
    """What a list of lookup results says to the person asking (issue 16): how sure the
    best answer is ("high" / "medium" / "low", or "none" when nothing was found),
    whether to ask back (“您是不是要找……”), and the sentence saying so."""

    confidence: str
    unsure: bool
    message: str


# What the versions in force say, kept per process -----------------------------------
#
# Lists change only when a version is published (superseding the one before it): a few
# times a day in a whole country, against a lookup on every keystroke of the portal. So
# each process keeps the versions in force with their validity, the lookup index of each
# set of versions, and what each chain's lists say about each item, all under the
# catalogue's *generation*: one small aggregate over the published and superseded
# versions that changes with every publication and supersession. Every read asks the
# database for the generation, so what any process commits is seen by the next lookup in
# every process, with no shared cache server and nothing to invalidate by hand.


DECIDING_KINDS = frozenset({ListKind.POSITIVE, ListKind.NEGATIVE, ListKind.DEPARTMENT})
# Which list's word counts when two lists in force name one item (publication refuses
# that, REQ-010, but a higher list may change later): not to be issued by committees
# over certified by a department (REQ-123) over issuable.
OUTRANKS: dict[str, int] = {
    ListKind.POSITIVE: 0,
    ListKind.DEPARTMENT: 1,
    ListKind.NEGATIVE: 2,
}
_MEMO_LIMIT = 4096

#: Per status: the status, how many versions, how many closed, the latest end of
#: validity, the latest publication, the newest version (see `catalogue_generation`).
_Generation: TypeAlias = tuple[tuple[Any, ...], ...]
#: The owners' codes (None: anywhere), the day and the list kinds (None: any).
_IdsKey: TypeAlias = tuple[tuple[str, ...] | None, dt.date, frozenset[str] | None]
_K = TypeVar("_K")
_V = TypeVar("_V")


@dataclass(frozen=True)
class _VersionInForce:
    pk: int
    owner_code: str
    kind: str
    title: str
    valid_from: dt.date
    valid_to: dt.date | None

    def covers(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


def _remember(memo: dict[_K, _V], key: _K, value: _V, limit: int = _MEMO_LIMIT) -> _V:
    if len(memo) >= limit:  # bounded: a national server sees many chains and dates
        memo.clear()
    memo[key] = value
    return value


class _InForce:
    """The published and superseded versions of one catalogue generation."""

    def __init__(
        self, generation: _Generation, versions: list[_VersionInForce]
    ) -> None:
        self.generation = generation
        # Higher lists first (by owner code), then older versions: the order in which
        # effective_catalogue merges.
        self.versions = sorted(versions, key=lambda v: (v.owner_code, v.pk))
        self._by_pk = {v.pk: v for v in self.versions}
        self._ids: dict[_IdsKey, tuple[int, ...]] = {}
        self._kinds: dict[tuple[int, ...], dict[str, tuple[str, str]]] = {}
        self._indexes: dict[tuple[int, ...], tuple[lookup.Index, dict[str, Item]]] = {}

    def version_ids(
        self,
        codes: tuple[str, ...] | None,
        on: dt.date,
        kinds: frozenset[str] | None = None,
    ) -> tuple[int, ...]:
        """Versions in force on `on` of lists owned by `codes` (None: anywhere)."""
        key: _IdsKey = (codes, on, kinds)
        ids = self._ids.get(key)
        if ids is None:
            ids = tuple(
                v.pk
                for v in self.versions
                if v.covers(on)
                and (codes is None or v.owner_code in codes)
                and (kinds is None or v.kind in kinds)
            )
            _remember(self._ids, key, ids)
        return ids

    def index(
        self, version_ids: tuple[int, ...]
    ) -> tuple["lookup.Index", dict[str, Item]]:
        """The matcher over every item these versions name, and the items by key."""
        cached = self._indexes.get(version_ids)
        if cached is None:
            items = {
                i.key: i
                for i in Item.objects.filter(entries__version__in=version_ids)
                .distinct()
                .order_by("key")
            }
            index = lookup.Index((i.key, i.name, i.aliases) for i in items.values())
            cached = _remember(self._indexes, version_ids, (index, items), limit=8)
        return cached

    def kinds(self, version_ids: tuple[int, ...]) -> dict[str, tuple[str, str]]:
        """Item key → (list kind, list title) on these versions; the first list in
        merge order names it, except that a negative list wins (REQ-010)."""
        cached = self._kinds.get(version_ids)
        if cached is None:
            rank = {pk: n for n, pk in enumerate(version_ids)}
            rows = sorted(
                ListEntry.objects.filter(version_id__in=version_ids).values_list(
                    "version_id", "number", "item__key"
                ),
                key=lambda row: (rank[row[0]], row[1]),
            )
            cached = {}
            for version_id, _number, key in rows:
                version = self._by_pk[version_id]
                said = cached.get(key)
                if said is None or OUTRANKS[version.kind] > OUTRANKS[said[0]]:
                    cached[key] = (version.kind, version.title)
            _remember(self._kinds, version_ids, cached)
        return cached


_in_force_state: _InForce | None = None


@functools.cache
def _generation_sql(alias: str) -> tuple[str, tuple[Any, ...]]:
    # Compiled by the ORM once; run as plain SQL, which costs a tenth of compiling it.
    query = (
        ListVersion.objects.using(alias)
        .filter(status__in=IN_FORCE_STATUSES)
        .values_list("status")
        .annotate(
            Count("pk"),
            Count("valid_to"),
            Max("valid_to"),
            Max("published_at"),
            Max("pk"),
        )
        .order_by("status")
    ).query
    compiler: SQLCompiler = query.get_compiler(alias)
    return compiler.as_sql()


def catalogue_generation() -> _Generation:
    """Changes whenever a version is published or superseded: per status, how many
    versions, how many closed, the latest end of validity, the latest publication and
    the newest version. The last tells apart a publication rolled back from the one
    made after it at the same moment: their counts and times agree, but a PostgreSQL
    sequence never gives the same key twice."""
    alias = router.db_for_read(ListVersion) or DEFAULT_DB_ALIAS
    sql, params = _generation_sql(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(tuple(row) for row in cursor.fetchall())


def _in_force() -> _InForce:
    global _in_force_state
    generation = catalogue_generation()
    state = _in_force_state
    if state is None or state.generation != generation:
        rows = ListVersion.objects.filter(
            status__in=IN_FORCE_STATUSES, valid_from__isnull=False
        ).values_list(
            "pk",
            "catalogue_list__owner_id",
            "catalogue_list__kind",
            "catalogue_list__title",
            "valid_from",
            "valid_to",
        )
        state = _in_force_state = _InForce(
            generation,
            [
                _VersionInForce(pk, owner_code, kind, title, valid_from, valid_to)
                for pk, owner_code, kind, title, valid_from, valid_to in rows
                # Never None (filtered above); the test tells the type checker so.
                if valid_from is not None
            ],
        )
    return state


def lookup_items(
    text: str,
    *,
    committee_code: str | None = None,
    on: dt.date | None = None,
    limit: int = 5,
) -> list[LookupResult]:
    """Ranked items for a colloquial query, with what the committee may do about each
    (or, without a committee, what any list in force says).

    The matcher covers every item of a list in force anywhere, so a query also finds
    items the committee's lists do not name ("none"). One query per call (the catalogue
    generation) while nothing is published; see the note above `_InForce`.
    """
    from yinzheng.core import clock

    on = on or clock.today()
    state = _in_force()
    index, items = state.index(state.version_ids(None, on))
    hits = index.search(text, limit=limit)
    chain = (
        (*ancestor_codes(committee_code), committee_code) if committee_code else None
    )
    kinds = state.kinds(state.version_ids(chain, on, DECIDING_KINDS))
    return [
        LookupResult(
            item=items[h.key],
            list=kinds.get(h.key, ("none", ""))[0],
            score=h.score,
            matched=h.matched,
            list_title=kinds.get(h.key, ("", ""))[1],
            confidence=h.confidence,
        )
        for h in hits
    ]


def lookup_advice(results: list[LookupResult]) -> LookupAdvice:
    """Whether the best result answers the query or the person should be asked which
    one they meant (the API, the portal page and `yinzheng lookup` all say it)."""
    if not results:
        return LookupAdvice(
            "none",
            True,
            _(
                "没有找到相符的证明事项。请换个说法，说说要证明什么事、是谁要的，"
                "例如“证明她是我母亲”“没有工作的证明”。"
            ),
        )
    best = results[0]
    if lookup.is_sure([r.score for r in results]):
        return LookupAdvice(
            best.confidence,
            False,
            _("最相符的是“%(name)s”。") % {"name": best.item.name},
        )
    names = "、".join(f"“{r.item.name}”" for r in results[:3])
    return LookupAdvice(
        "medium" if best.confidence == "high" else best.confidence,
        True,
        _("不能确定您要找的是哪一项。您是不是要找：%(names)s？") % {"names": names},
    )
