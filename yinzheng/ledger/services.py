"""Appending to and verifying the hash-chained journal.

`append()` takes a row lock on the chain head, so two writers on one chain queue: the
sequence has no gap and the chain never forks. Every `checkpoints.EVERY` entries it asks
for a signed checkpoint (`set_checkpoint_trigger`; the registers sign, after commit).
`verify()` walks the chains and names the first entry where the stored data no longer
hashes to what was written, or — for a chain rewritten with every hash recomputed — no
longer hashes to what a signed checkpoint says it was.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction

from yinzheng.core import clock

from .canonical import DIGEST_LENGTH, canonical, entry_hash, index_agrees
from .models import GENESIS_HASH, Chain, Checkpoint, Entry

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


def lock_chain(*, key: str, kind: str, division_code: str | None) -> Chain:
    """The chain's head row, locked until the transaction ends (created if new)."""
    chain = Chain.objects.select_for_update().filter(key=key).first()
    if chain is None:
        chain_get_or_create(key=key, kind=kind, division_code=division_code)
        chain = Chain.objects.select_for_update().get(key=key)
    return chain


@transaction.atomic
def append(
    *,
    key: str,
    kind: str,
    division_code: str | None,
    event: str,
    subject: str,
    actor_id: int | None,
    data: dict[str, Any],
    chain: Chain | None = None,
) -> Entry:
    """Append to the chain `key`. A caller that already holds the head's lock (from
    `lock_chain`, in this transaction) passes it as `chain`."""
    if chain is None or chain.key != key:
        chain = lock_chain(key=key, kind=kind, division_code=division_code)
    seq = chain.head_seq + 1
    at = clock.now()
    body = canonical(
        {"event": event, "subject": subject, "actor": actor_id, "data": data}
    )
    digest = entry_hash(
        chain=chain.key, seq=seq, prev=chain.head_hash, at=_at_text(at), body=body
    )
    entry = Entry.objects.create(
        chain=chain,
        seq=seq,
        prev_hash=chain.head_hash,
        hash=digest,
        recorded_at=at,
        event=event,
        subject=subject,
        actor_id=actor_id,
        body=body,
    )
    chain.head_seq, chain.head_hash = seq, digest
    chain.save(update_fields=["head_seq", "head_hash"])
    if seq % CHECKPOINT_EVERY == 0 and _checkpoint_trigger is not None:
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
    report.breaks = list(_walk(chain, untrusted)) + checked
    report.entries = Entry.objects.filter(chain=chain).count()
    return report


def verify(*, chain_key: str | None = None) -> list[ChainReport]:
    chains = Chain.objects.order_by("key")
    if chain_key is not None:
        chains = chains.filter(key=chain_key)
    return [verify_chain(c) for c in chains]
