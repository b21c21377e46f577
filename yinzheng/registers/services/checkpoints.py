"""Checkpoints: the authority over a chain signs its head (design.md §4).

Every chain is checkpointed: a committee's registers by its township (the issuing
authority's key, certified by the county root), a county's audit chain by the county
(its root key), the national audit chain by the deployment's national root. All these
certificates are on the published trust list, so a checkpoint verifies offline.

Checkpoints are made every `ledger.services.CHECKPOINT_EVERY` entries (after the
append commits: the append itself only counts), by `yinzheng ledger checkpoint` (daily)
and by the year-end archive (closing). Each signer's checkpoints form one gap-free,
hash-chained sequence (`ledger.checkpoints`). `verify_checkpoints` re-checks every
signature of a chain's checkpoints; the walk (`ledger.services.verify_chain`) compares
every entry with what the checkpoints signed, so a chain rewritten with every hash
recomputed fails at its first altered entry.
"""

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core.codes import COUNTRY_CODE, subtree_q
from yinzheng.core.errors import NotFound
from yinzheng.esign import keys, pki
from yinzheng.ledger import audit
from yinzheng.ledger import checkpoints as journal_checkpoints
from yinzheng.ledger.models import Chain, Checkpoint
from yinzheng.ledger.services import Break

from ..errors import RegisterCode

logger = logging.getLogger(__name__)

REGISTER_KINDS = ("register_work", "register_certificate")
AUDIT_KIND = "audit"
SIGNED_KINDS = (*REGISTER_KINDS, AUDIT_KIND)


def township_of(committee_code: str) -> str:
    return committee_code[:9]  # the township's nine digits


def signer_of(chain: Chain) -> str | None:
    """Who signs the chain's checkpoints: the township of a register's committee, the
    division of an audit chain (a county, or a division above one), the country for
    the national audit chain."""
    if chain.kind in REGISTER_KINDS:
        return township_of(chain.division_id) if chain.division_id else None
    if chain.kind == AUDIT_KIND:
        return chain.division_id or COUNTRY_CODE
    return None


def signing_key(signer_code: str) -> Any:
    """The signer's key, with a certificate the trust list publishes."""
    if len(signer_code) == 9:
        return pki.authority(signer_code)
    return pki.county_root(signer_code)


def _sign(
    chain: Chain,
    *,
    seq: int | None = None,
    closing: bool = False,
    pdf_sha256: str = "",
    xlsx_sha256: str = "",
) -> Checkpoint | None:
    signer = signer_of(chain)
    if signer is None:
        raise ValueError(f"{chain.key} has no signer")
    key = signing_key(signer)
    return journal_checkpoints.make(
        chain=chain,
        signer_code=signer,
        key=key,
        sign=lambda data: keys.sign(key, data),
        seq=seq,
        closing=closing,
        pdf_sha256=pdf_sha256,
        xlsx_sha256=xlsx_sha256,
    )


def checkpoint_due(chain: Chain, seq: int, _hash: str) -> None:
    """The journal's trigger (every CHECKPOINT_EVERY entries): sign after the append
    commits, so the append neither waits for the signer's sequence nor fails with it —
    at once (YINZHENG_TASKS=inline) or by a worker (sign_checkpoint)."""
    if signer_of(chain) is None:
        return
    chain_id = chain.pk
    transaction.on_commit(lambda: sign_checkpoint.enqueue(chain_id, seq))


@task()
def sign_checkpoint(chain_id: int, seq: int) -> None:
    """The township (or, for an audit chain, the county) signs chain `chain_id` at
    `seq`: a task (issue 15; settings.TASKS), run at once by default, by a
    `yinzheng db_worker` process with YINZHENG_TASKS=database. One that fails is
    logged; the daily run signs the head instead."""
    try:
        _sign(Chain.objects.get(pk=chain_id), seq=seq)
    except Exception:  # noqa: BLE001 - the daily run catches up; never fail here
        logger.exception("checkpoint of chain %s at %s failed", chain_id, seq)


@transaction.atomic
def checkpoint_sign(*, actor: Actor, chain_key: str) -> Checkpoint | None:
    """Sign the chain's head now; None when the last checkpoint already covers it."""
    chain = Chain.objects.filter(key=chain_key, kind__in=REGISTER_KINDS).first()
    if chain is None:
        raise NotFound(_("登记簿不存在"), code=RegisterCode.REGISTER_NOT_FOUND)
    policy.require(actor, "register.checkpoint", chain)
    checkpoint = _sign(chain)
    if checkpoint is None:  # the last checkpoint already covers the head
        return None
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


def checkpoint_everything(
    *, actor: Actor, under: str | None = None
) -> list[Checkpoint]:
    """The daily run: every register chain as `checkpoint_all` does, then every audit
    chain (last, so they cover the registers' "checkpoint signed" entries)."""
    made = checkpoint_all(actor=actor, under=under)
    chains = Chain.objects.filter(kind=AUDIT_KIND)
    if under:
        chains = chains.filter(
            subtree_q(under[:6], field="division_id")
            if len(under) >= 6
            else subtree_q(under, field="division_id")
        )
    for chain in chains.order_by("key"):
        checkpoint = _sign(chain)
        if checkpoint is not None:
            made.append(checkpoint)
    return made


def verify_checkpoints(chain: Chain) -> list[Break]:
    """Every checkpoint of the chain carries a valid signature by its signer's key, and
    nothing was appended after a closing one. (What they signed is compared with the
    entries by the walk; their sequence by `ledger.checkpoints.verify_series`.)"""
    breaks = []
    for cp in chain.checkpoints.select_related("key").order_by("seq", "id"):
        data = journal_checkpoints.material(cp, chain.key)
        if cp.key.division_id != cp.signer_id or not keys.verify(
            cp.key.public_key_pem, data, cp.signature
        ):
            breaks.append(
                Break(
                    chain.key,
                    cp.seq,
                    None,
                    "checkpoint_signature_invalid",
                    checkpoint_id=cp.pk,
                )
            )
            continue
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
