"""Checkpoints: the township signs the head of each register chain (design.md §4).

A checkpoint's signature covers the chain key, its sequence number and head hash, the
time, and for a year-end closing the SHA-256 of the archived book (PDF and xlsx). The
key is the township's issuing-authority key (esign). `verify_checkpoints` re-checks
every signature and that the entry at each checkpointed sequence still has the signed
hash: a chain rewritten after a checkpoint — every hash recomputed, the triggers
bypassed by someone with database access — fails here, though it hashes consistently.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.codes import subtree_q
from yinzheng.core.errors import NotFound
from yinzheng.esign import keys
from yinzheng.ledger import audit
from yinzheng.ledger.canonical import canonical
from yinzheng.ledger.models import GENESIS_HASH, Chain, Checkpoint, Entry
from yinzheng.ledger.services import Break, _at_text

from ..errors import RegisterCode

REGISTER_KINDS = ("register_work", "register_certificate")


def township_of(committee_code: str) -> str:
    return committee_code[:9]  # the township's nine digits


def signed_bytes(
    *,
    chain: str,
    seq: int,
    head_hash: str,
    signed_at: str,
    closing: bool,
    pdf_sha256: str = "",
    xlsx_sha256: str = "",
) -> bytes:
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


def _sign(
    chain: Chain, *, closing: bool = False, pdf_sha256: str = "", xlsx_sha256: str = ""
) -> Checkpoint:
    if chain.division_id is None:
        raise ValueError(f"{chain.key} belongs to no committee")
    township = township_of(chain.division_id)
    key = keys.authority_key(township)
    at = clock.now()
    data = signed_bytes(
        chain=chain.key,
        seq=chain.head_seq,
        head_hash=chain.head_hash,
        signed_at=_at_text(at),
        closing=closing,
        pdf_sha256=pdf_sha256,
        xlsx_sha256=xlsx_sha256,
    )
    return Checkpoint.objects.create(
        chain=chain,
        seq=chain.head_seq,
        head_hash=chain.head_hash,
        signed_at=at,
        signer_id=township,
        key=key,
        closing=closing,
        pdf_sha256=pdf_sha256,
        xlsx_sha256=xlsx_sha256,
        signature=keys.sign(key, data),
    )


@transaction.atomic
def checkpoint_sign(*, actor: Actor, chain_key: str) -> Checkpoint | None:
    """Sign the chain's head now; None when the last checkpoint already covers it."""
    chain = (
        Chain.objects.select_for_update()
        .filter(key=chain_key, kind__in=REGISTER_KINDS)
        .first()
    )
    if chain is None:
        raise NotFound(_("登记簿不存在"), code=RegisterCode.REGISTER_NOT_FOUND)
    policy.require(actor, "register.checkpoint", chain)
    last = chain.checkpoints.order_by("-seq", "-id").first()
    if last is not None and last.seq == chain.head_seq:
        return None
    checkpoint = _sign(chain)
    # The checkpoint names the township; the journal names who signed for it.
    audit.record(
        actor=actor,
        event="register.checkpoint_signed",
        subject=checkpoint,
        division_code=chain.division_id,
        after={"chain": chain.key, "seq": checkpoint.seq, "head": checkpoint.head_hash},
    )
    return checkpoint


def checkpoint_all(*, actor: Actor, under: str | None = None) -> list[Checkpoint]:
    """Sign every register chain (under a division) that grew since its checkpoint."""
    chains = Chain.objects.filter(kind__in=REGISTER_KINDS, closed_at__isnull=True)
    if under:
        chains = chains.filter(subtree_q(under, field="division_id"))
    made = []
    for key in chains.order_by("key").values_list("key", flat=True):
        checkpoint = checkpoint_sign(actor=actor, chain_key=key)
        if checkpoint is not None:
            made.append(checkpoint)
    return made


def verify_checkpoints(chain: Chain) -> list[Break]:
    breaks = []
    hashes = dict(
        Entry.objects.filter(
            chain=chain,
            seq__in=chain.checkpoints.values("seq"),
        ).values_list("seq", "hash")
    )
    hashes[0] = GENESIS_HASH
    for cp in chain.checkpoints.select_related("key").order_by("seq", "id"):
        data = signed_bytes(
            chain=chain.key,
            seq=cp.seq,
            head_hash=cp.head_hash,
            signed_at=_at_text(cp.signed_at),
            closing=cp.closing,
            pdf_sha256=cp.pdf_sha256,
            xlsx_sha256=cp.xlsx_sha256,
        )
        if cp.key.division_id != cp.signer_id or not keys.verify(
            cp.key.public_key_pem, data, cp.signature
        ):
            breaks.append(
                Break(chain.key, cp.seq, None, "checkpoint_signature_invalid")
            )
            continue
        found = hashes.get(cp.seq, "")
        if found != cp.head_hash:
            breaks.append(
                Break(
                    chain.key,
                    cp.seq,
                    None,
                    "checkpoint_mismatch",
                    cp.head_hash,
                    found,
                )
            )
        if cp.closing and chain.head_seq != cp.seq:
            breaks.append(
                Break(
                    chain.key,
                    chain.head_seq,
                    None,
                    "appended_after_archive",
                    str(cp.seq),
                    str(chain.head_seq),
                )
            )
    return breaks
