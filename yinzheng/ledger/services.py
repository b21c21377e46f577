"""Appending to and verifying the hash-chained journal.

`append()` moves the chain's head only from the state the new entry was hashed on, in
the statement that inserts the entry, and the head's row stays locked until the
transaction ends: two writers on one chain queue, the sequence has no gap and the
chain never forks. Every CHECKPOINT_EVERY entries it asks for a signed checkpoint
(`set_checkpoint_trigger`; the registers sign, after commit). `verify()` walks the
chains — on PostgreSQL the database does (`_fast_ok`), and the walk in Python names
the break when there is one — and names the first entry where the stored data no
longer hashes to what was written, or — for a chain rewritten with every hash
recomputed — no longer hashes to what a signed checkpoint says it was.
"""

import datetime as dt
import functools
import json
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection, transaction

from yinzheng.core import clock
from yinzheng.core.db import bound_cursor

from .canonical import DIGEST_LENGTH, canonical, entry_hash, index_agrees
from .models import GENESIS_HASH, MATTER_EVENT, Chain, Checkpoint, Entry

# Checkpoint every this many entries of a chain (the append only counts).
CHECKPOINT_EVERY = 100
# Called with (chain, seq, hash) when entry `seq` is due for a checkpoint; the
# registers install it (they hold the keys) and sign after the append commits.
CheckpointTrigger = Callable[[Chain, int, str], None]
_checkpoint_trigger: CheckpointTrigger | None = None


def set_checkpoint_trigger(trigger: CheckpointTrigger | None) -> None:
    global _checkpoint_trigger
    _checkpoint_trigger = trigger


def _at_text(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def chain_get_or_create(*, key: str, kind: str, division_code: str | None) -> Chain:
    chain, _created = Chain.objects.get_or_create(
        key=key, defaults={"kind": kind, "division_id": division_code}
    )
    return chain


class ChainClosed(Exception):
    """The chain was closed (a register's year archived, REQ-074): it takes no more
    entries. The register service turns it into its own refusal."""


class SubjectRecorded(Exception):
    """An entry of an event that names its subject once (models.MATTER_EVENT) already
    names this subject (REQ-056): nothing was written."""


@dataclass
class _Head:
    id: int
    key: str
    seq: int
    hash: str


# The last head each chain had in this process, by (database, key): a hint for the
# next append, never trusted. The conditional UPDATE below only moves the head from
# exactly this state, so a stale hint (another process appended, a transaction rolled
# back, another test database) costs one locked read and a second attempt.
_heads: dict[tuple[str, str, str], _Head] = {}


def _read_head(
    cursor: Any, key: str, kind: str, division_code: str | None
) -> _Head | None:
    """The chain's head, locked until the transaction ends (the chain created if new);
    None for a closed chain."""
    for _attempt in range(2):
        cursor.execute(
            "SELECT id, head_seq, head_hash, closed_at FROM ledger_chain"
            ' WHERE "key" = %s' + _FOR_UPDATE.get(cursor.db.vendor, ""),
            [key],
        )
        row = cursor.fetchone()
        if row is not None:
            if row[3] is not None:
                return None
            return _Head(row[0], key, row[1], row[2])
        chain_get_or_create(key=key, kind=kind, division_code=division_code)
    raise RuntimeError(f"chain {key} could not be created")


_FOR_UPDATE = {"postgresql": " FOR UPDATE"}  # SQLite has one writer at a time

# One statement on PostgreSQL: move the head from the state the entry was hashed on
# (only if the chain is open and still there) and insert the entry under it. An
# event that names its subject once skips the insert on a conflict with the partial
# unique index entry_matter_once; the head then moved alone, and is put back.
_APPEND_PG = """
WITH head AS (
    UPDATE ledger_chain SET head_seq = %(seq)s, head_hash = %(hash)s
    WHERE id = %(chain)s AND "key" = %(key)s AND head_seq = %(prev_seq)s
      AND head_hash = %(prev)s AND closed_at IS NULL
    RETURNING id
), entry AS (
    INSERT INTO ledger_entry
        (chain_id, seq, prev_hash, hash, recorded_at, event, subject, actor_id, body)
    SELECT id, %(seq)s, %(prev)s, %(hash)s, %(at)s, %(event)s, %(subject)s,
        %(actor)s, %(body)s
    FROM head
    {on_conflict}
    RETURNING id
)
SELECT (SELECT count(*) FROM head), (SELECT id FROM entry)
"""
_MOVE_HEAD = (
    "UPDATE ledger_chain SET head_seq = %(seq)s, head_hash = %(hash)s"
    ' WHERE id = %(chain)s AND "key" = %(key)s AND head_seq = %(prev_seq)s'
    " AND head_hash = %(prev)s AND closed_at IS NULL"
)
_INSERT = (
    "INSERT INTO ledger_entry"
    " (chain_id, seq, prev_hash, hash, recorded_at, event, subject, actor_id, body)"
    " VALUES (%(chain)s, %(seq)s, %(prev)s, %(hash)s, %(at)s, %(event)s,"
    " %(subject)s, %(actor)s, %(body)s) {on_conflict}"
)
_ON_CONFLICT = f"ON CONFLICT (subject) WHERE event = '{MATTER_EVENT}' DO NOTHING"
_PUT_BACK = (
    "UPDATE ledger_chain SET head_seq = %(prev_seq)s, head_hash = %(prev)s"
    " WHERE id = %(chain)s AND head_seq = %(seq)s AND head_hash = %(hash)s"
)


def _write(
    cursor: Any, params: dict[str, Any], on_conflict: str
) -> tuple[bool, int | None]:
    """(head moved, entry id): (False, None) when the head was not in the expected
    state; (True, None) when the subject was already recorded (head put back)."""
    if cursor.db.vendor == "postgresql":
        cursor.execute(_APPEND_PG.format(on_conflict=on_conflict), params)
        moved, entry_id = cursor.fetchone()
        moved = bool(moved)
    else:  # SQLite: no data-modifying WITH; its one writer makes two statements safe
        cursor.execute(_MOVE_HEAD, params)
        moved, entry_id = cursor.rowcount == 1, None
        if moved:
            cursor.execute(_INSERT.format(on_conflict=on_conflict), params)
            entry_id = cursor.lastrowid if cursor.rowcount == 1 else None
    if moved and entry_id is None:
        cursor.execute(_PUT_BACK, params)
    return moved, entry_id


def append(
    *,
    key: str,
    kind: str,
    division_code: str | None,
    event: str,
    subject: str,
    actor_id: int | None,
    data: dict[str, Any],
) -> Entry:
    """Append to the chain `key` (created if new), in the caller's transaction.

    One round trip when this process knows the chain's head (the usual case: each
    chain has few writers): the entry is hashed on that head and written by a single
    statement that moves the head only from that state, so two writers never fork the
    chain or leave a gap; otherwise the head is read under its row lock first. The
    head's row stays locked by the move until the transaction ends, so writers of one
    chain queue from their append to their commit, and writers of different chains
    never wait on each other.

    Raises ChainClosed for a closed chain, and SubjectRecorded when `event` is
    MATTER_EVENT and an entry of that event already names `subject` (REQ-056)."""
    body = canonical(
        {"event": event, "subject": subject, "actor": actor_id, "data": data}
    )
    on_conflict = _ON_CONFLICT if event == MATTER_EVENT else ""
    # A refusal leaves the database as it was (nothing written, or the head put
    # back), so it is raised after the block: the caller's transaction stays usable.
    refused: Exception | None = None
    with transaction.atomic(savepoint=False), bound_cursor() as cursor:
        where = (connection.alias, str(connection.settings_dict["NAME"]), key)
        head = _heads.get(where)
        for attempt in range(2):
            if head is None or attempt:
                head = _read_head(cursor, key, kind, division_code)
                if head is None:
                    refused = ChainClosed(key)
                    break
            at = clock.now()
            seq = head.seq + 1
            digest = entry_hash(
                chain=key, seq=seq, prev=head.hash, at=_at_text(at), body=body
            )
            params = {
                "chain": head.id,
                "key": key,
                "seq": seq,
                "hash": digest,
                "prev_seq": head.seq,
                "prev": head.hash,
                "at": at,
                "event": event,
                "subject": subject,
                "actor": actor_id,
                "body": body,
            }
            moved, entry_id = _write(cursor, params, on_conflict)
            if moved:
                if entry_id is None:
                    refused = SubjectRecorded(subject)
                break
        else:  # the head was read under its lock: only a vanished chain gets here
            _heads.pop(where, None)
            raise RuntimeError(f"chain {key} changed under its lock")
        if refused is None and head is not None:
            _heads[where] = _Head(head.id, key, seq, digest)
    if refused is not None:
        raise refused
    assert head is not None and entry_id is not None
    entry = Entry(
        id=entry_id,
        chain_id=head.id,
        seq=seq,
        prev_hash=head.hash,
        hash=digest,
        recorded_at=at,
        event=event,
        subject=subject,
        actor_id=actor_id,
        body=body,
    )
    entry._state.adding, entry._state.db = False, connection.alias
    if seq % CHECKPOINT_EVERY == 0 and _checkpoint_trigger is not None:
        chain = Chain(id=head.id, key=key, kind=kind, division_id=division_code)
        chain._state.adding, chain._state.db = False, connection.alias
        _checkpoint_trigger(chain, seq, digest)
    return entry


@dataclass
class Break:
    chain: str
    seq: int | None
    entry_id: int | None
    problem: str
    expected: str = ""
    found: str = ""
    # For a disagreement with a checkpoint: which one, and the last entry a
    # checkpoint still vouches for (the altered one lies after it).
    checkpoint_id: int | None = None
    last_good_seq: int | None = None


@dataclass
class ChainReport:
    chain: str
    entries: int = 0
    head_seq: int = 0
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ok"] = self.ok
        return d


class Expectations:
    """What the checkpoints of one chain say each entry's hash was, fed to the walk
    in sequence order: the full head hash at each checkpointed number, the digest of
    each entry the checkpoints list. Memory stays at one checkpoint's digests."""

    def __init__(self, chain: Chain, untrusted: set[int]) -> None:
        rows = (
            Checkpoint.objects.filter(chain=chain)
            .exclude(pk__in=untrusted)
            .values_list("id", "seq", "head_hash", "from_seq", "digests", "number")
        )
        self.checkpoints = sorted(rows, key=lambda r: (r[3], r[1], r[0]))
        self.heads: dict[int, list[tuple[int, str]]] = {}
        for cp_id, seq, head, *_rest in self.checkpoints:
            self.heads.setdefault(seq, []).append((cp_id, head))
        self.max_seq = max((r[1] for r in self.checkpoints), default=0)
        self._next = 0
        self._digests: dict[int, tuple[int, str]] = {}
        self.last_good = 0

    def check(self, seq: int, digest: str) -> tuple[str, int, str] | None:
        """(problem, checkpoint id, what it expected) if entry `seq`'s recomputed hash
        disagrees with a checkpoint; None if it agrees or nothing is known of it."""
        while (
            self._next < len(self.checkpoints) and self.checkpoints[self._next][3] < seq
        ):
            cp_id, cp_seq, _head, from_seq, digests, _number = self.checkpoints[
                self._next
            ]
            for i in range(len(digests) // DIGEST_LENGTH):
                at = from_seq + 1 + i
                if at >= seq:
                    self._digests[at] = (
                        cp_id,
                        digests[i * DIGEST_LENGTH : (i + 1) * DIGEST_LENGTH],
                    )
            self._next += 1
        known = False
        listed = self._digests.pop(seq, None)
        if listed is not None:
            known = True
            if digest[:DIGEST_LENGTH] != listed[1]:
                return "altered_since_checkpoint", listed[0], listed[1]
        for cp_id, head in self.heads.get(seq, []):
            known = True
            if digest != head:
                return "checkpoint_mismatch", cp_id, head
        if known:
            self.last_good = seq
        return None


def _walk(chain: Chain, untrusted: set[int] | None = None) -> Iterator[Break]:
    expected_seq, prev = 1, GENESIS_HASH
    signed = Expectations(chain, untrusted or set())
    rows = (
        Entry.objects.filter(chain=chain)
        .order_by("seq")
        .values_list(
            "id",
            "seq",
            "prev_hash",
            "hash",
            "recorded_at",
            "event",
            "subject",
            "actor_id",
            "body",
        )
        .iterator(chunk_size=5000)
    )
    for eid, seq, prev_hash, stored, at, event, subject, actor_id, body in rows:
        if seq != expected_seq:
            yield Break(
                chain.key, seq, eid, "sequence_gap", str(expected_seq), str(seq)
            )
            return
        if prev_hash != prev:
            yield Break(chain.key, seq, eid, "prev_hash_mismatch", prev, prev_hash)
            return
        digest = entry_hash(
            chain=chain.key, seq=seq, prev=prev_hash, at=_at_text(at), body=body
        )
        if digest != stored:
            yield Break(chain.key, seq, eid, "hash_mismatch", digest, stored)
            return
        # A rewrite that recomputed every hash is consistent: only the signed
        # checkpoints still know the entry's first form.
        disagreement = signed.check(seq, digest)
        if disagreement is not None:
            problem, checkpoint_id, was = disagreement
            yield Break(
                chain.key,
                seq,
                eid,
                problem,
                was,
                digest[: len(was)],
                checkpoint_id=checkpoint_id,
                last_good_seq=signed.last_good,
            )
            return
        if not index_agrees(body, event, subject, actor_id):
            yield Break(chain.key, seq, eid, "index_mismatch")
            return
        expected_seq, prev = seq + 1, stored
    if signed.max_seq > expected_seq - 1:
        # Entries a signed checkpoint covered are gone, whatever the head row says.
        yield Break(
            chain.key,
            expected_seq,
            None,
            "truncated_below_checkpoint",
            str(signed.max_seq),
            str(expected_seq - 1),
            last_good_seq=signed.last_good,
        )
        return
    if expected_seq - 1 != chain.head_seq or prev != chain.head_hash:
        yield Break(
            chain.key,
            chain.head_seq,
            None,
            "head_mismatch",
            f"{chain.head_seq}:{chain.head_hash}",
            f"{expected_seq - 1}:{prev}",
        )


# Checks a kind of chain adds to the walk: the registers add their township
# checkpoints and year-end archives (registers.apps). The journal knows no kind.
ChainCheck = Callable[[Chain], list[Break]]
_CHECKS: dict[str, list[ChainCheck]] = {}


def add_chain_check(kind: str, check: ChainCheck) -> None:
    """Verify chains of `kind` with `check` too (called once, at app loading)."""
    if check not in _CHECKS.setdefault(kind, []):
        _CHECKS[kind].append(check)


# The fast walk (PostgreSQL) --------------------------------------------------------------
#
# The same checks as `_walk`, done by the database over the stored bytes: each entry's
# hash input is spelt in SQL exactly as `canonical.entry_material` spells it (to_json
# escapes a string as json.dumps(ensure_ascii=False) does; a hypothesis test holds them
# equal on PostgreSQL) and hashed by sha256(); the sequence, the link to the previous
# hash and the index columns are compared row by row; the checkpoints' digests and
# heads against the stored hashes. Nothing but a few counts comes back, and a chain's
# ranges are read by several connections at once. When anything disagrees, `_walk`
# walks the chain to name the first break exactly as before.

_FAST_RANGE = """
SELECT count(*), min(seq) FILTER (WHERE NOT good), max(seq)
FROM (
    SELECT e.seq, coalesce(
        e.seq = %(after)s + row_number() OVER w
        AND e.prev_hash = coalesce(lag(e.hash) OVER w, %(prev)s)
        AND e.hash = encode(sha256(textsend(
            '{"at":"' || to_char(e.recorded_at AT TIME ZONE 'UTC',
                'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
            || '","body":' || to_json(e.body)
            || ',"chain":' || %(key)s
            || ',"prev":"' || e.prev_hash
            || '","seq":' || e.seq || '}')), 'hex')
        AND starts_with(e.body,
            '{"actor":' || coalesce(e.actor_id::text, 'null') || ',"data":')
        AND substr(textsend(e.body),
            octet_length(e.body) - octet_length(x.suffix) + 1)
            = textsend(x.suffix),
        false) AS good
    FROM ledger_entry e,
        LATERAL (SELECT ',"event":' || to_json(e.event::text)
            || ',"subject":' || to_json(e.subject::text) || '}' AS suffix) x
    WHERE e.chain_id = %(chain)s AND e.seq > %(after)s AND e.seq <= %(upto)s
    WINDOW w AS (ORDER BY e.seq)
) rows
"""
# Spelt without to_json where no escaping can occur: the time and the sequence are
# digits, and the previous hash must equal the hash before it, which must be the hex
# this query computes (or, for the first entry, GENESIS_HASH). The chain key comes
# JSON-encoded by Python. The text's bytes are taken with textsend, not convert_to
# (issue 15: no second UTF-8 validation of each 600-byte input, about 7 % of the
# query): on a connection whose client encoding is UTF-8, as Django opens them, they
# are the stored bytes; on any other the hashes would disagree and the Python walk
# would decide, never the other way round.
# The checkpoints whose digests or head disagree with the stored hashes (the rows'
# own hashes are checked above), and the highest sequence a checkpoint vouches for.
_FAST_CHECKPOINTS = """
SELECT count(*) FILTER (WHERE cp.digests <> coalesce((
        SELECT string_agg(left(e.hash, %(width)s), '' ORDER BY e.seq)
        FROM ledger_entry e WHERE e.chain_id = cp.chain_id AND e.seq > cp.from_seq
            AND e.seq <= cp.from_seq + length(cp.digests) / %(width)s), '')
    OR cp.head_hash IS DISTINCT FROM (SELECT e.hash FROM ledger_entry e
        WHERE e.chain_id = cp.chain_id AND e.seq = cp.seq)),
    coalesce(max(cp.seq), 0)
FROM ledger_checkpoint cp
WHERE cp.chain_id = %(chain)s AND NOT (cp.id = ANY(%(untrusted)s))
"""
_worker = threading.local()
# A chain is read in ranges of at least this many entries, by up to FAST_WORKERS
# connections at once.
FAST_RANGE = 50_000
FAST_WORKERS = max(2, os.cpu_count() or 2)
# A chain's ranges per worker: more, smaller ranges than workers, so that a worker
# slowed by other work on the machine leaves its share to the others.
FAST_SPLIT = 4


def _in_parallel(calls: list[Callable[[], Any]]) -> list[Any]:
    """The calls' results, each on its own connection in a thread when the caller is
    outside a transaction (a transaction's rows are seen only by its own connection,
    so inside one — a request's, a test's — they run one after another)."""
    if len(calls) < 2 or connection.in_atomic_block or getattr(_worker, "on", False):
        return [call() for call in calls]

    def run(call: Callable[[], Any]) -> Any:
        _worker.on = True  # a worker's own calls run one after another
        try:
            return call()
        finally:
            connection.close()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=FAST_WORKERS) as pool:
        return list(pool.map(run, calls))


def _fast_range(chain: Chain, after: int, upto: int) -> tuple[int, int | None, int]:
    with connection.cursor() as cursor:
        prev = GENESIS_HASH
        if after:
            cursor.execute(
                "SELECT hash FROM ledger_entry WHERE chain_id = %s AND seq = %s",
                [chain.pk, after],
            )
            row = cursor.fetchone()
            prev = row[0] if row else ""
    with bound_cursor() as bound:
        bound.execute(
            _FAST_RANGE,
            {
                "chain": chain.pk,
                "key": json.dumps(chain.key, ensure_ascii=False),
                "after": after,
                "upto": upto,
                "prev": prev,
            },
        )
        count, first_bad, last = bound.fetchone()
    return count, first_bad, last or 0


def _fast_ok(chain: Chain, untrusted: set[int]) -> bool:
    """Whether the database finds the chain whole (then `_walk` would find no break);
    False means: walk it to name the break."""
    head = chain.head_seq
    # FAST_SPLIT ranges per worker (the database does the work: one busy connection
    # per core), none smaller than FAST_RANGE.
    size = max(FAST_RANGE, -(-head // (FAST_WORKERS * FAST_SPLIT)))
    bounds = list(range(0, head, size)) or [0]
    spans = [(a, a + size) for a in bounds[:-1]] + [(bounds[-1], 2**62)]
    calls: list[Callable[[], Any]] = [
        functools.partial(_fast_range, chain, a, b) for a, b in spans
    ]

    def checkpoints() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                _FAST_CHECKPOINTS,
                {
                    "chain": chain.pk,
                    "untrusted": sorted(untrusted),
                    "width": DIGEST_LENGTH,
                },
            )
            disagreeing, vouched = cursor.fetchone()
            return int(disagreeing), int(vouched)

    def last_hash() -> str | None:
        return (
            Entry.objects.filter(chain_id=chain.pk, seq=head)
            .values_list("hash", flat=True)
            .first()
        )

    *ranges, (disagreeing, vouched), stored_head = _in_parallel(
        [*calls, checkpoints, last_hash]
    )
    count = sum(r[0] for r in ranges)
    return (
        all(r[1] is None for r in ranges)
        and count == head
        and max(r[2] for r in ranges) == head
        and (head == 0 or stored_head == chain.head_hash)
        and (head != 0 or chain.head_hash == GENESIS_HASH)
        and not disagreeing
        and vouched <= head
    )


def verify_chain(chain: Chain) -> ChainReport:
    report = ChainReport(chain=chain.key, head_seq=chain.head_seq)
    checked: list[Break] = []
    for check in _CHECKS.get(chain.kind, []):
        checked += check(chain)
    # A checkpoint whose signature fails says nothing about the entries.
    untrusted = {
        b.checkpoint_id
        for b in checked
        if b.problem == "checkpoint_signature_invalid" and b.checkpoint_id
    }
    if connection.vendor == "postgresql" and _fast_ok(chain, untrusted):
        report.breaks = checked
        report.entries = chain.head_seq
    else:
        report.breaks = list(_walk(chain, untrusted)) + checked
        report.entries = Entry.objects.filter(chain=chain).count()
    return report


def verify(*, chain_key: str | None = None) -> list[ChainReport]:
    """Every chain (or the one named), verified; chains side by side on their own
    connections when called outside a transaction (the command line)."""
    chains = Chain.objects.order_by("key")
    if chain_key is not None:
        chains = chains.filter(key=chain_key)
    return _in_parallel([functools.partial(verify_chain, c) for c in chains])
