"""Signed checkpoints: the journal's defence against someone with database access.

The triggers stop an application bug, not a database superuser: with them disabled,
an entry can be rewritten and every hash after it recomputed, so the chain is
consistent again. A checkpoint is a signature, by a key the database does not hold in
clear, over a chain's head at some sequence number and a short digest of every entry
since the chain's previous checkpoint. Checkpoints are made every
`services.CHECKPOINT_EVERY` entries (the append only counts), by the daily
`yinzheng ledger checkpoint`, and at year end.

Each signer's checkpoints — a township's over its committees' registers, a county's
over its audit chain — form their own sequence: gap-free numbers, each checkpoint
hashing the one before (`CheckpointSeries` is the head). Deleting a checkpoint leaves a
gap or a broken link; deleting the newest ones and rewinding the head is what the
anchor is for: the newest signed heads, published with the trust list and kept in the
year-end archive, outside the database (`anchor`, `anchor_breaks`).

The journal knows no keys: whoever makes a checkpoint passes the signing function,
and the signatures are checked by the layer that holds the keys (the registers).
"""

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from yinzheng.core import clock
from yinzheng.core.codes import ancestor_codes, subtree_q

from .canonical import DIGEST_LENGTH, canonical
from .models import GENESIS_HASH, Chain, Checkpoint, CheckpointSeries, Entry
from .services import Break, _at_text

# The digests of at most this many entries before a checkpoint (an old chain's first
# checkpoint pins the rest through the hash chain only).
DIGESTS_MAX = 1000
ANCHOR_FORMAT = "yinzheng-checkpoint-anchor/1"


def legacy_material(
    *,
    chain: str,
    seq: int,
    head_hash: str,
    signed_at: str,
    closing: bool,
    pdf_sha256: str = "",
    xlsx_sha256: str = "",
) -> bytes:
    """What a checkpoint made before ledger 0006 (no number) signed."""
    return canonical(
        {
            "chain": chain,
            "seq": seq,
            "head": head_hash,
            "at": signed_at,
            "closing": closing,
            "pdf": pdf_sha256,
            "xlsx": xlsx_sha256,
        }
    ).encode()


def material(cp: Checkpoint, chain_key: str) -> bytes:
    """The bytes a checkpoint signs and hashes (the legacy form without a number)."""
    common: dict[str, Any] = {
        "chain": chain_key,
        "seq": cp.seq,
        "head_hash": cp.head_hash,
        "signed_at": _at_text(cp.signed_at),
        "closing": cp.closing,
        "pdf_sha256": cp.pdf_sha256,
        "xlsx_sha256": cp.xlsx_sha256,
    }
    if cp.number is None:
        return legacy_material(**common)
    return canonical(
        {
            "format": 2,
            "signer": cp.signer_id,
            "number": cp.number,
            "prev": cp.prev_hash,
            "chain": chain_key,
            "seq": cp.seq,
            "head": cp.head_hash,
            "from": cp.from_seq,
            "digests": cp.digests,
            "at": common["signed_at"],
            "closing": cp.closing,
            "pdf": cp.pdf_sha256,
            "xlsx": cp.xlsx_sha256,
        }
    ).encode()


Signer = Callable[[bytes], str]


@transaction.atomic
def make(
    *,
    chain: Chain,
    signer_code: str,
    key: Any,
    sign: Signer,
    seq: int | None = None,
    closing: bool = False,
    pdf_sha256: str = "",
    xlsx_sha256: str = "",
) -> Checkpoint | None:
    """Checkpoint `chain` at `seq` (its head when None) as the signer's next number.

    None when a checkpoint of the chain already covers `seq` (a closing checkpoint is
    always made). The signer's series row is locked, so numbers are gap-free; the chain
    is not (its entries up to `seq` never change), so appends never wait for this."""
    series, _created = CheckpointSeries.objects.get_or_create(signer_id=signer_code)
    series = CheckpointSeries.objects.select_for_update().get(pk=series.pk)
    if seq is None:
        head = Chain.objects.filter(pk=chain.pk).values_list("head_seq", "head_hash")
        seq, head_hash = head.get()
    else:
        head_hash = Entry.objects.get(chain=chain, seq=seq).hash
    covered = Checkpoint.objects.filter(chain=chain).aggregate(m=Max("seq"))["m"]
    if covered is not None and covered >= seq and not closing:
        return None
    from_seq = max(covered or 0, seq - DIGESTS_MAX)
    digests = "".join(
        h[:DIGEST_LENGTH]
        for h in Entry.objects.filter(chain=chain, seq__gt=from_seq, seq__lte=seq)
        .order_by("seq")
        .values_list("hash", flat=True)
    )
    number = series.head_number + 1
    cp = Checkpoint(
        chain=chain,
        seq=seq,
        head_hash=head_hash,
        signed_at=clock.now(),
        signer_id=signer_code,
        key=key,
        closing=closing,
        pdf_sha256=pdf_sha256,
        xlsx_sha256=xlsx_sha256,
        number=number,
        prev_hash=series.head_hash,
        from_seq=from_seq,
        digests=digests,
    )
    data = material(cp, chain.key)
    cp.hash = hashlib.sha256(data).hexdigest()
    cp.signature = sign(data)
    cp.save()
    series.head_number, series.head_hash = number, cp.hash
    series.save(update_fields=["head_number", "head_hash"])
    return cp


# Verification ------------------------------------------------------------------------


def verify_series(*, signers: Iterable[str] | None = None) -> dict[str, list[Break]]:
    """Each signer's checkpoint sequence: numbers 1..head without a gap, each linking
    the one before, each hashing to what it says, each naming a chain that exists.
    Signatures are checked with the chains (the registers hold the keys)."""
    series = CheckpointSeries.objects.order_by("signer_id")
    numbered = Checkpoint.objects.filter(number__isnull=False)
    if signers is not None:
        wanted = list(signers)
        series = series.filter(signer_id__in=wanted)
        numbered = numbered.filter(signer_id__in=wanted)
    heads = {s.signer_id: s for s in series}
    found_signers = set(numbered.values_list("signer_id", flat=True).distinct())
    out: dict[str, list[Break]] = {}
    chain_keys = dict(Chain.objects.values_list("id", "key"))
    for signer in sorted(set(heads) | found_signers):
        label = f"checkpoints:{signer}"
        breaks: list[Break] = []
        expected_number, prev = 1, GENESIS_HASH
        rows = numbered.filter(signer_id=signer).order_by("number")
        for cp in rows.iterator(chunk_size=2000):
            key = chain_keys.get(cp.chain_id)
            if cp.number != expected_number:
                breaks.append(
                    Break(
                        label,
                        expected_number,
                        None,
                        "checkpoint_missing",
                        str(expected_number),
                        str(cp.number),
                    )
                )
            elif cp.prev_hash != prev:
                breaks.append(
                    Break(label, cp.number, None, "checkpoint_link_broken", prev)
                )
            if key is None:
                breaks.append(Break(label, cp.number, None, "checkpoint_chain_missing"))
            elif hashlib.sha256(material(cp, key)).hexdigest() != cp.hash:
                breaks.append(
                    Break(label, cp.number, None, "checkpoint_altered", cp.hash)
                )
            if breaks:
                break
            expected_number, prev = expected_number + 1, cp.hash
        head = heads.get(signer)
        if not breaks:
            last = (expected_number - 1, prev)
            if head is None:
                breaks.append(Break(label, None, None, "checkpoint_series_missing"))
            elif (head.head_number, head.head_hash) != last:
                breaks.append(
                    Break(
                        label,
                        last[0] + 1,
                        None,
                        "checkpoint_missing",
                        f"{head.head_number}:{head.head_hash}",
                        f"{last[0]}:{last[1]}",
                    )
                )
        out[label] = breaks
    return out


# The anchor: the newest signed heads, kept outside the database --------------------


def _signers_q(under: str | None) -> Q:
    if not under:
        return Q()
    return subtree_q(under, field="signer_id") | Q(signer_id__in=ancestor_codes(under))


def anchor(*, under: str | None = None) -> dict[str, Any]:
    """The newest checkpoint of each signer's sequence, and of each chain, with what
    each signed and its signature: anyone holding a copy can later show that the
    database no longer holds what was signed (checked offline against the published
    certificates, or by `yinzheng ledger verify --anchor`)."""
    series = list(
        CheckpointSeries.objects.filter(_signers_q(under), head_number__gt=0).order_by(
            "signer_id"
        )
    )
    newest = {
        (cp.signer_id, cp.number): cp
        for cp in Checkpoint.objects.filter(
            Q(
                *[Q(signer_id=s.signer_id, number=s.head_number) for s in series],
                _connector=Q.OR,
            )
            if series
            else Q(pk__in=[])
        ).select_related("chain", "key")
    }
    out_series = []
    for s in series:
        cp = newest.get((s.signer_id, s.head_number))
        if cp is None:
            continue
        out_series.append(
            {
                "signer": s.signer_id,
                "number": cp.number,
                "hash": cp.hash,
                "key_id": cp.key.key_id,
                "signed": material(cp, cp.chain.key).decode(),
                "signature": cp.signature,
            }
        )
    chains = []
    last_per_chain = (
        Checkpoint.objects.filter(_signers_q(under), number__isnull=False)
        .values("chain_id")
        .annotate(m=Max("number"))
    )
    wanted = Q(
        *[Q(chain_id=r["chain_id"], number=r["m"]) for r in last_per_chain],
        _connector=Q.OR,
    )
    if last_per_chain:
        for cp in (
            Checkpoint.objects.filter(wanted, number__isnull=False)
            .select_related("chain")
            .order_by("chain__key", "number")
        ):
            chains.append(
                {
                    "chain": cp.chain.key,
                    "seq": cp.seq,
                    "head": cp.head_hash,
                    "signer": cp.signer_id,
                    "number": cp.number,
                }
            )
    return {
        "format": ANCHOR_FORMAT,
        "generated_at": clock.now().isoformat(),
        "series": out_series,
        "chains": chains,
    }


def anchor_breaks(held: dict[str, Any]) -> list[Break]:
    """What the database no longer holds of a kept anchor: a signer's checkpoint gone
    or different (its sequence rewound), a chain shorter than was signed or with
    another hash at the signed number (its rewrite)."""
    if held.get("format") != ANCHOR_FORMAT:
        return [Break("anchor", None, None, "anchor_format_unknown", ANCHOR_FORMAT)]
    breaks = []
    for item in held.get("series", []):
        label = f"checkpoints:{item['signer']}"
        cp = Checkpoint.objects.filter(
            signer_id=item["signer"], number=item["number"]
        ).first()
        if cp is None:
            breaks.append(
                Break(label, item["number"], None, "anchored_checkpoint_missing")
            )
        elif cp.hash != item["hash"]:
            breaks.append(
                Break(
                    label,
                    item["number"],
                    None,
                    "anchored_checkpoint_differs",
                    item["hash"],
                    cp.hash,
                )
            )
    for item in held.get("chains", []):
        chain = Chain.objects.filter(key=item["chain"]).first()
        found = (
            Entry.objects.filter(chain=chain, seq=item["seq"])
            .values_list("hash", flat=True)
            .first()
            if chain is not None
            else None
        )
        if found is None:
            breaks.append(
                Break(
                    item["chain"],
                    item["seq"],
                    None,
                    "anchored_entry_missing",
                    item["head"],
                )
            )
        elif found != item["head"]:
            breaks.append(
                Break(
                    item["chain"],
                    item["seq"],
                    None,
                    "anchored_head_differs",
                    item["head"],
                    found,
                )
            )
    return breaks
