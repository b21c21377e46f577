"""Appending to and verifying the hash-chained journal.

`append()` takes a row lock on the chain head, so two writers on one chain queue: the
sequence has no gap and the chain never forks. `verify()` walks the chains and names the
first entry where the stored data no longer hashes to what was written.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction

from yinzheng.core import clock

from .canonical import canonical, entry_hash, index_agrees
from .models import GENESIS_HASH, Chain, Entry


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
    return entry


@dataclass
class Break:
    chain: str
    seq: int | None
    entry_id: int | None
    problem: str
    expected: str = ""
    found: str = ""


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


def _walk(chain: Chain) -> Iterator[Break]:
    expected_seq, prev = 1, GENESIS_HASH
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
        if not index_agrees(body, event, subject, actor_id):
            yield Break(chain.key, seq, eid, "index_mismatch")
            return
        expected_seq, prev = seq + 1, stored
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
    report.breaks = list(_walk(chain))
    for check in _CHECKS.get(chain.kind, []):
        report.breaks += check(chain)
    report.entries = Entry.objects.filter(chain=chain).count()
    return report


def verify(*, chain_key: str | None = None) -> list[ChainReport]:
    chains = Chain.objects.order_by("key")
    if chain_key is not None:
        chains = chains.filter(key=chain_key)
    return [verify_chain(c) for c in chains]
