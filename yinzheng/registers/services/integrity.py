"""The registers' integrity, all of it: what `yinzheng ledger verify` runs.

- each chain walked (ledger.services.verify_chain): its hashes, its head, every entry
  against what the signed checkpoints say it was, the checkpoints' signatures and,
  for a register year, its archive;
- each signer's checkpoint sequence (ledger.checkpoints.verify_series): no gap, no
  broken link, no altered or orphaned checkpoint;
- the sealed matters against the register entries (matters.verify_matters);
- the personal data the entries refer to (verify_personal): each sealed value still
  there, opening under the master key to what the entry's digest says;
- the departments' verification queries against the audit entries that seal them
  (esign.journal.verify): each sealed row unaltered, none older than the grace
  period left unsealed;
- optionally a kept anchor (ledger.checkpoints.anchor_breaks): a copy of the signed
  heads from outside the database, which shows a sequence rewound to before it.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from yinzheng.esign import journal as query_journal
from yinzheng.ledger import checkpoints as journal_checkpoints
from yinzheng.ledger import personal, services
from yinzheng.ledger.models import Chain, Entry
from yinzheng.ledger.services import Break, ChainReport

from . import books, matters
from .checkpoints import signer_of

BATCH = 2000


@dataclass
class IntegrityReport:
    chains: list[ChainReport]
    series: dict[str, list[Break]] = field(default_factory=dict)
    matters: list[Break] = field(default_factory=list)
    personal: list[Break] = field(default_factory=list)
    anchor: list[Break] = field(default_factory=list)
    queries: list[Break] = field(default_factory=list)

    @property
    def breaks(self) -> list[Break]:
        out = [b for r in self.chains for b in r.breaks]
        out += [b for found in self.series.values() for b in found]
        return out + self.matters + self.personal + self.anchor + self.queries

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify_all(
    *, chain_key: str | None = None, anchor: dict[str, Any] | None = None
) -> IntegrityReport:
    """Everything, or one chain (then neither the sequences, the matters nor the
    queries)."""
    report = IntegrityReport(chains=services.verify(chain_key=chain_key))
    report.personal = verify_personal(
        chain_keys=None if chain_key is None else [chain_key]
    )
    if chain_key is None:
        report.series = journal_checkpoints.verify_series()
        report.matters = matters.verify_matters()
        report.queries = query_journal.verify()
    if anchor is not None:
        report.anchor = journal_checkpoints.anchor_breaks(anchor)
    return report


def verify_chains(chains: list[Chain]) -> IntegrityReport:
    """The chains a user may audit (the staff page and the API): each one walked, the
    checkpoint sequences of their signers, and the personal data they refer to."""
    signers = sorted({s for s in map(signer_of, chains) if s is not None})
    return IntegrityReport(
        chains=[services.verify_chain(c) for c in chains],
        series=journal_checkpoints.verify_series(signers=signers),
        personal=verify_personal(chain_keys=[c.key for c in chains]),
    )


def verify_personal(*, chain_keys: Iterable[str] | None = None) -> list[Break]:
    """A break for each register field whose sealed personal value is missing, no
    longer opens, or opens to something its entry's digest does not match."""
    entries = Entry.objects.filter(
        chain__kind__in=[books.chain_kind(r) for r in books.Register.ALL],
        event="register.entry",
        body__contains='"pd"',  # only entries that refer to sealed data
    ).order_by("id")
    if chain_keys is not None:
        entries = entries.filter(chain__key__in=list(chain_keys))
    rows = entries.values_list("id", "seq", "chain__key", "body")
    breaks: list[Break] = []
    batch: list[tuple[int, int, str, str, dict[str, str]]] = []

    def flush() -> None:
        problems = personal.check(token for *_where, token in batch)
        for entry_id, seq, chain, column, token in batch:
            if token["pd"] in problems:
                breaks.append(
                    Break(
                        chain=chain,
                        seq=seq,
                        entry_id=entry_id,
                        problem=f"{column}: {problems[token['pd']]}",
                    )
                )
        batch.clear()

    for entry_id, seq, chain, body in rows.iterator(chunk_size=BATCH):
        fields = (json.loads(body).get("data") or {}).get("fields") or {}
        for column, token in books.sealed_tokens(fields).items():
            batch.append((entry_id, seq, chain, column, token))
        if len(batch) >= BATCH:
            flush()
    flush()
    return breaks
