"""The registers' integrity, all of it: what `yinzheng ledger verify` runs.

- each chain walked (ledger.services.verify_chain): its hashes, its head, every entry
  against what the signed checkpoints say it was, the checkpoints' signatures and,
  for a register year, its archive;
- each signer's checkpoint sequence (ledger.checkpoints.verify_series): no gap, no
  broken link, no altered or orphaned checkpoint;
- the sealed matters against the register entries (matters.verify_matters);
- optionally a kept anchor (ledger.checkpoints.anchor_breaks): a copy of the signed
  heads from outside the database, which shows a sequence rewound to before it.
"""

from dataclasses import dataclass, field
from typing import Any

from yinzheng.ledger import checkpoints as journal_checkpoints
from yinzheng.ledger import services
from yinzheng.ledger.services import Break, ChainReport

from . import matters


@dataclass
class IntegrityReport:
    chains: list[ChainReport]
    series: dict[str, list[Break]] = field(default_factory=dict)
    matters: list[Break] = field(default_factory=list)
    anchor: list[Break] = field(default_factory=list)

    @property
    def breaks(self) -> list[Break]:
        out = [b for r in self.chains for b in r.breaks]
        out += [b for found in self.series.values() for b in found]
        return out + self.matters + self.anchor

    @property
    def ok(self) -> bool:
        return not self.breaks


def verify_all(
    *, chain_key: str | None = None, anchor: dict[str, Any] | None = None
) -> IntegrityReport:
    """Everything, or one chain (then neither the sequences nor the matters)."""
    report = IntegrityReport(chains=services.verify(chain_key=chain_key))
    if chain_key is None:
        report.series = journal_checkpoints.verify_series()
        report.matters = matters.verify_matters()
    if anchor is not None:
        report.anchor = journal_checkpoints.anchor_breaks(anchor)
    return report
