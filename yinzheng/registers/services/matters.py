"""The cross-check: every sealed matter has its register entry, and every register
entry its matter (REQ-054, REQ-056).

A chain's own hashes and checkpoints cannot show an entry that was never there: a
sealing whose register entry was deleted — with the chain's tail and head rewound
before its next checkpoint — leaves a consistent chain. The sealed requests and the
issued certificates still say which entry they were registered under, so they are
compared with the registers. The registers sit below the apps that seal and issue, so
those apps offer their matters here when Django loads them (`add_source`, in the
seal registry's and the certificates' `AppConfig.ready`).
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from yinzheng.ledger.models import Entry
from yinzheng.ledger.services import Break

from . import books


@dataclass(frozen=True)
class Matter:
    """A sealed request or an issued certificate, and the register entry it names."""

    label: str  # e.g. "seals.usagerequest:12"
    committee_code: str
    register: str  # books.Register.WORK or CERTIFICATE
    entry_id: int | None
    subject: str  # the entry's subject: the matter as the register names it
    certificate_no: str = ""


MatterSource = Callable[[], Iterable[Matter]]
_sources: dict[str, tuple[MatterSource, str]] = {}


def add_source(name: str, source: MatterSource, *, owns_prefix: str = "") -> None:
    """Cross-check the matters `source` lists (called once, at app loading). Register
    entries whose subject starts with `owns_prefix` must each be one of its matters."""
    _sources[name] = (source, owns_prefix)


def verify_matters() -> list[Break]:
    entries = {
        eid: (subject, division, kind)
        for eid, subject, division, kind in Entry.objects.filter(
            chain__kind__in=[books.chain_kind(r) for r in books.Register.ALL],
            event="register.entry",
        ).values_list("id", "subject", "chain__division_id", "chain__kind")
    }
    breaks: list[Break] = []
    claimed: set[int] = set()
    serials: dict[int, tuple[str, str]] = {}
    for name, (source, _prefix) in sorted(_sources.items()):
        for matter in source():
            label = f"matters:{name}"
            found = entries.get(matter.entry_id) if matter.entry_id else None
            if matter.entry_id is None:
                breaks.append(
                    Break(label, None, None, "matter_without_entry", "", matter.label)
                )
                continue
            if found is None:
                breaks.append(
                    Break(
                        label,
                        None,
                        matter.entry_id,
                        "register_entry_missing",
                        matter.label,
                    )
                )
                continue
            claimed.add(matter.entry_id)
            subject, division, kind = found
            if (division, kind) != (
                matter.committee_code,
                books.chain_kind(matter.register),
            ):
                breaks.append(
                    Break(
                        label,
                        None,
                        matter.entry_id,
                        "register_entry_misplaced",
                        f"{matter.committee_code}:{matter.register}",
                        f"{division}:{kind}",
                    )
                )
            elif subject != matter.subject:
                breaks.append(
                    Break(
                        label,
                        None,
                        matter.entry_id,
                        "register_entry_other_matter",
                        matter.subject,
                        subject,
                    )
                )
            elif matter.certificate_no:
                serials[matter.entry_id] = (matter.label, matter.certificate_no)
    breaks += _serial_breaks(serials)
    prefixes = tuple(p for _s, p in _sources.values() if p)
    if prefixes:
        for eid, (subject, _division, _kind) in sorted(entries.items()):
            if eid not in claimed and subject.startswith(prefixes):
                breaks.append(
                    Break(
                        "matters",
                        None,
                        eid,
                        "register_entry_without_matter",
                        "",
                        subject,
                    )
                )
    return breaks


def _serial_breaks(serials: dict[int, tuple[str, str]]) -> list[Break]:
    """An issued certificate's serial is the one its register entry holds."""
    breaks = []
    ids = sorted(serials)
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        for eid, body in Entry.objects.filter(pk__in=chunk).values_list("id", "body"):
            fields = json.loads(body)["data"].get("fields", {})
            label, serial = serials[eid]
            if fields.get("certificate_no", "") != serial:
                breaks.append(
                    Break(
                        f"matters:{label}",
                        None,
                        eid,
                        "register_entry_serial_differs",
                        serial,
                        str(fields.get("certificate_no", "")),
                    )
                )
    return breaks
