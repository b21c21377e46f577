"""The departments' verification queries in the audit journal, in batches (issue 15,
REQ-111).

A query's row (VerificationQuery) is written in the request that asks it: it is the
legal record, the answer names it, and it is append-only (triggers). Journaling each
query in its county's audit chain in that request as well cost several round trips
under the chain's lock, and queued every query of a county behind one chain head.
Instead the queries are sealed in batches: `seal_pending` takes the queries not yet
sealed, county by county, and appends ONE audit entry a batch (event
esign.verification_queries_sealed) listing each query's id with the SHA-256 of its
row in canonical form (`digest`), and one QuerySeal row a query naming that entry
(its primary key is the query: each query is sealed once).

When: each process asks for a sealing after settings.QUERY_SEAL_BATCH queries, or on
its first query once QUERY_SEAL_SECONDS have passed since the last one (`noted`);
inline (the default) the sealing runs in that request, after its query committed;
with YINZHENG_TASKS=database a worker runs it (the task `seal_queries`). `yinzheng esign
seal-queries`, run from cron, seals whatever is left. `verify` (part of `yinzheng
ledger verify`) recomputes every sealed query's digest from its row, checks each seal
against the entry it names, and reports every query older than QUERY_SEAL_GRACE
seconds that no entry seals. Queries journaled before batches have their own entry
(esign.verification_query), compared field by field.
"""

import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django_tasks import task

from yinzheng.core import clock
from yinzheng.core.actors import SYSTEM
from yinzheng.core.codes import subtree_q
from yinzheng.ledger import audit
from yinzheng.ledger.canonical import canonical
from yinzheng.ledger.models import Entry
from yinzheng.ledger.services import Break

from .models import QuerySeal, VerificationQuery

logger = logging.getLogger(__name__)

SEALED_EVENT = "esign.verification_queries_sealed"
# Before issue 15 each query had its own entry, with its fields.
SINGLE_EVENT = "esign.verification_query"
SINGLE_PREFIX = "esign.verificationquery:"
# Queries in one entry at most (about 90 bytes each in the entry).
BATCH_MAX = 1000
# What a sealing asked for by a request looks at: the queries of the last two grace
# periods (the index query_asked), so that its cost does not grow with the table;
# older ones are the cron job's (`seal_pending(since=None)`).


def lookback() -> dt.timedelta:
    return dt.timedelta(seconds=2 * settings.QUERY_SEAL_GRACE)


# Where a verification break about the queries is reported.
QUERIES = "esign:verification_queries"

_FIELDS = (
    "id",
    "requester_id",
    "department",
    "legal_basis",
    "purpose",
    "kind",
    "subject",
    "document_id",
    "verdict",
    "name_matches",
    "asked_at",
)


# The keys of a query's row in its canonical form, in the order of _FIELDS.
_KEYS = (
    "id",
    "requester",
    "department",
    "legal_basis",
    "purpose",
    "kind",
    "subject",
    "document",
    "verdict",
    "name_matches",
    "asked_at",
)


def _canonical_row(row: tuple[Any, ...]) -> str:
    values = dict(zip(_KEYS, row, strict=True))
    values["asked_at"] = (
        values["asked_at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
    )
    return canonical(values)


def digest(row: tuple[Any, ...]) -> str:
    """The SHA-256 (hex) of a query's row, its values in the order of _FIELDS, as
    canonical JSON: what its sealing entry lists beside its id."""
    return hashlib.sha256(_canonical_row(row).encode()).hexdigest()


def row_of(query: VerificationQuery) -> tuple[Any, ...]:
    return tuple(getattr(query, name) for name in _FIELDS)


# Sealing -----------------------------------------------------------------------------


def pending(since: dt.datetime | None = None):
    """The queries no entry seals yet (asked at or after `since`)."""
    rows = VerificationQuery.objects.filter(seal__isnull=True)
    return rows if since is None else rows.filter(asked_at__gte=since)


def _county(committee: str | None) -> str | None:
    return committee[:6] if committee else None


def seal_pending(*, since: dt.datetime | None = None) -> int:
    """Seal the queries not yet sealed (asked at or after `since`; all by default):
    one audit entry a county and batch of up to BATCH_MAX, in its own transaction.
    Returns how many queries were sealed. Two sealers at once seal each query once."""
    committees = pending(since).values_list("document__committee_id", flat=True)
    counties = sorted({_county(c) for c in committees.distinct()}, key=str)
    sealed = 0
    for county in counties:
        races = 0
        while True:
            try:
                count = _seal_batch(county, since)
            except IntegrityError:
                # Another sealer sealed some of them between our read and our insert
                # (a race the lock below leaves only on SQLite): read again.
                races += 1
                if races > 3:
                    raise
                continue
            sealed += count
            if count < BATCH_MAX:
                break
    return sealed


def _lock(county: str | None) -> None:
    """Serialise the sealers of one county until the transaction ends (PostgreSQL; on
    SQLite one writer at a time, and the unique seal catches the rest)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"esign.seal_queries:{county or '-'}"],
            )


@transaction.atomic
def _seal_batch(county: str | None, since: dt.datetime | None) -> int:
    _lock(county)
    rows = pending(since)
    if county is None:
        rows = rows.filter(document__isnull=True)
    else:
        rows = rows.filter(subtree_q(county, "document__committee_id"))
    batch = list(rows.order_by("id").values_list(*_FIELDS)[:BATCH_MAX])
    if not batch:
        return 0
    entry = audit.record(
        actor=SYSTEM,
        event=SEALED_EVENT,
        subject=f"{SINGLE_PREFIX}{batch[0][0]}-{batch[-1][0]}",
        division_code=county,
        after={
            "count": len(batch),
            "queries": [[row[0], digest(row)] for row in batch],
        },
    )
    QuerySeal.objects.bulk_create(
        [QuerySeal(query_id=row[0], entry_id=entry.pk) for row in batch]
    )
    return len(batch)


# Asking for a sealing from the request -----------------------------------------------

_mutex = threading.Lock()
_since_sealing = {"count": 0, "at": time.monotonic()}


def noted() -> None:
    """A query was written in this process: every QUERY_SEAL_BATCH queries, or on the
    first one QUERY_SEAL_SECONDS after the last sealing asked, ask for a sealing once
    the query commits (inline: at once, in this request)."""
    now = time.monotonic()
    with _mutex:
        _since_sealing["count"] += 1
        due = (
            _since_sealing["count"] >= settings.QUERY_SEAL_BATCH
            or now - _since_sealing["at"] >= settings.QUERY_SEAL_SECONDS
        )
        if due:
            _since_sealing["count"], _since_sealing["at"] = 0, now
    if due:
        transaction.on_commit(_ask)


@task()
def seal_queries(lookback: float | None = None) -> dict[str, int]:
    """seal_pending over the queries of the last `lookback` seconds (all when None), as
    a task: inline at once, else on a `yinzheng db_worker`; how many it sealed."""
    since = None if lookback is None else clock.now() - dt.timedelta(seconds=lookback)
    return {"sealed": seal_pending(since=since)}


def _ask() -> None:
    try:
        seal_queries.enqueue(lookback=lookback().total_seconds())
    except Exception:
        # The query is recorded and answered; its sealing waits for the next one
        # or the cron job (and `ledger verify` names it after the grace period).
        logger.exception("sealing the verification queries failed")


# Verification ------------------------------------------------------------------------


def _single_fields(row: tuple[Any, ...]) -> dict[str, Any]:
    """What an entry of a query journaled alone says of its row."""
    return {
        "department": row[2],
        "legal_basis": row[3],
        "purpose": row[4],
        "kind": row[5],
        "subject": row[6],
        "verdict": row[8],
    }


def verify(*, now: dt.datetime | None = None) -> list[Break]:
    """Every query sealed once, by an entry whose digest its row still has; every seal
    named by its entry; no query older than the grace period unsealed."""
    now = now or clock.now()
    grace = dt.timedelta(seconds=settings.QUERY_SEAL_GRACE)
    breaks: list[Break] = []
    # query id -> (entry id, chain, seq, what the entry says: a digest or fields)
    listed: dict[int, tuple[int, str, int, Any]] = {}
    entries = (
        Entry.objects.filter(event__in=[SEALED_EVENT, SINGLE_EVENT])
        .order_by("id")
        .values_list("id", "chain__key", "seq", "event", "subject", "body")
    )
    for entry_id, chain, seq, event, subject, body in entries.iterator(chunk_size=2000):
        after = (json.loads(body).get("data") or {}).get("after") or {}
        if event == SEALED_EVENT:
            items: Iterable[tuple[int, Any]] = [
                (int(i), d) for i, d in after["queries"]
            ]
        else:
            items = [(int(subject[len(SINGLE_PREFIX) :]), after)]
        for query_id, said in items:
            if query_id in listed:
                breaks.append(
                    Break(
                        chain,
                        seq,
                        entry_id,
                        "query_sealed_twice",
                        str(listed[query_id][0]),
                        str(query_id),
                    )
                )
                continue
            listed[query_id] = (entry_id, chain, seq, said)
    owner = {query_id: found[0] for query_id, found in listed.items()}
    rows = VerificationQuery.objects.order_by("id").values_list(*_FIELDS)
    for row in rows.iterator(chunk_size=5000):
        found = listed.pop(row[0], None)
        if found is None:
            if row[10] < now - grace:
                breaks.append(
                    Break(QUERIES, None, None, "query_not_sealed", "", str(row[0]))
                )
            continue
        entry_id, chain, seq, said = found
        if isinstance(said, str):
            agrees = said == digest(row)
        else:
            agrees = all(said.get(k) == v for k, v in _single_fields(row).items())
        if not agrees:
            breaks.append(Break(chain, seq, entry_id, "query_altered", "", str(row[0])))
    for query_id, (entry_id, chain, seq, _said) in sorted(listed.items()):
        breaks.append(Break(chain, seq, entry_id, "query_missing", "", str(query_id)))
    seals = QuerySeal.objects.order_by("query_id").values_list("query_id", "entry_id")
    for query_id, entry_id in seals.iterator(chunk_size=5000):
        if owner.get(query_id) != entry_id:
            breaks.append(
                Break(
                    QUERIES,
                    None,
                    entry_id,
                    "seal_not_in_journal",
                    str(owner.get(query_id, "")),
                    str(query_id),
                )
            )
    return breaks


# Reading -----------------------------------------------------------------------------


def history(query: VerificationQuery) -> list[audit.Event]:
    """The query as the audit journal holds it, read as its own event (before batches:
    its own entry, audit.history): who asked, when, for which department, on which
    legal basis and purpose, what was asked and the verdict; the note says which
    entry sealed it, or that it is not sealed yet or no longer agrees with it."""
    events = audit.history(query)
    if events:
        return events
    row = row_of(query)
    seal = QuerySeal.objects.filter(query_id=query.pk).select_related("entry__chain")
    found = seal.first()
    if found is None:
        note = _("尚未存证")
    else:
        entry = found.entry
        said = dict(entry.data["data"]["after"]["queries"]).get(query.pk)
        if said == digest(row):
            note = _("已存证于审计链 %(chain)s 第 %(seq)s 条") % {
                "chain": entry.chain.key,
                "seq": entry.seq,
            }
        else:
            note = _("与审计链中的存证不符")
    return [
        audit.Event(
            at=query.asked_at,
            event=SINGLE_EVENT,
            actor=str(query.requester),
            before=None,
            after={
                **_single_fields(row),
                "name_checked": query.name_matches is not None,
            },
            note=note,
        )
    ]
