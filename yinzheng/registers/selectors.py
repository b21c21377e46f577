"""The chains a user may see: those of divisions in their subtrees; national chains
only for users who see the whole country. The registers' reads for the pages, the API
and the inbox: a committee's register years with their archive and last checkpoint,
the keeper named in the latest entry, the township's overview (REQ-069–074)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.codes import Level
from yinzheng.divisions.models import Division
from yinzheng.ledger.models import Archive, Chain, Checkpoint, Entry

from .services import books as registers
from .services.checkpoints import REGISTER_KINDS


def chains_for_audit(user: Any) -> QuerySet[Chain]:
    """The chains of divisions where the user may read the audit trail; the national
    chains (no division) only for who may do so everywhere."""
    return Chain.objects.filter(
        policy.scope(user, "audit.view").q("division_id")
    ).order_by("key")


# The seal-use registers (REQ-069–074) ------------------------------------------------


def checkpoint_scopes(user: Any) -> list[str | None]:
    """Where the user signs checkpoints: the townships below their grants (None:
    everywhere), as `checkpoints.checkpoint_all(under=…)` takes them."""
    where = policy.scope(user, "register.checkpoint")
    return [None] if where.everywhere else list(where.codes)


def register_committee(user: Any, code: str) -> Division | None:
    """The committee whose registers the user asks for; None (a 404) when it does not
    exist or lies outside the user's subtrees. Whether they may read it is the policy's
    "register.view", asked by the caller."""
    if not policy.scope(user, "division.view").covers(code):
        return None
    return Division.objects.filter(code=code, level=Level.COMMITTEE).first()


@dataclass
class YearState:
    """One year of one register: its book, archive and last checkpoint."""

    register: str
    year: int
    chain: Chain | None
    archive: Archive | None = None
    checkpoint: Checkpoint | None = None
    unconfirmed: int = 0

    @property
    def entries(self) -> int:
        return self.chain.head_seq if self.chain else 0

    @property
    def closed_at(self) -> dt.datetime | None:
        return self.chain.closed_at if self.chain else None

    @property
    def unsigned(self) -> int:
        """Entries the township's last checkpoint does not yet cover."""
        return self.entries - (self.checkpoint.seq if self.checkpoint else 0)


def _last_checkpoints(chain_ids: list[int]) -> dict[int, Checkpoint]:
    last: dict[int, Checkpoint] = {}
    for cp in Checkpoint.objects.filter(chain_id__in=chain_ids).order_by("seq", "id"):
        last[cp.chain_id] = cp
    return last


def year_state(committee_code: str, register: str, year: int) -> YearState:
    chain = (
        Chain.objects.filter(key=registers.chain_key(register, committee_code, year))
        .select_related("archive")
        .first()
    )
    return _states(register, [chain] if chain else [], extra_years=[year])[0]


def year_states(
    committee_code: str, register: str, today: dt.date | None = None
) -> list[YearState]:
    """Every year of the register that has a book, and the current year; newest first."""
    chains = list(
        registers.register_chains(committee_code, register).select_related("archive")
    )
    current = (today or clock.today()).year
    return _states(register, chains, extra_years=[current])


def _states(
    register: str, chains: list[Chain], extra_years: list[int]
) -> list[YearState]:
    by_year = {registers.year_of(c): c for c in chains}
    checkpoints = _last_checkpoints([c.pk for c in chains])
    waiting = dict(
        registers.unconfirmed(Q(chain__in=chains))
        .order_by()
        .values_list("chain_id")
        .annotate(n=Count("id"))
    )
    states = []
    for year in sorted(set(by_year) | set(extra_years), reverse=True):
        chain = by_year.get(year)
        states.append(
            YearState(
                register=register,
                year=year,
                chain=chain,
                archive=getattr(chain, "archive", None) if chain else None,
                checkpoint=checkpoints.get(chain.pk) if chain else None,
                unconfirmed=waiting.get(chain.pk, 0) if chain else 0,
            )
        )
    return states


def keeper(committee_code: str, chain: Chain | None = None) -> str:
    """The custodian named in the latest entry (of the chain, else of the committee's
    registers): the keeper of the books (REQ-070)."""
    if chain is not None:
        chains = [chain]
    else:
        chains = list(
            Chain.objects.filter(
                division_id=committee_code, kind__in=REGISTER_KINDS, head_seq__gt=0
            ).only("pk", "head_seq")
        )
    if not chains:
        return ""
    # A register chain grows only by appends in time order, so its newest entry is
    # its head: the latest of the committee's is the latest of its chains' heads
    # (issue 15: not every entry of every year fetched and sorted).
    heads = Q(*[Q(chain_id=c.pk, seq=c.head_seq) for c in chains], _connector=Q.OR)
    latest = (
        Entry.objects.filter(heads, event="register.entry")
        .order_by("-recorded_at", "-id")
        .first()
    )
    if latest is None:
        return ""
    return str(latest.data["data"]["fields"].get("custodian", ""))


@dataclass
class CommitteeRegisters:
    """A committee's registers at a glance, for the township's overview."""

    committee: Division
    this_year: dict[str, int] = field(default_factory=dict)
    unconfirmed: int = 0
    last_checkpoint: dt.datetime | None = None
    archived: list[int] = field(default_factory=list)


def committees_with_registers(user: Any) -> QuerySet[Division]:
    codes = (
        Chain.objects.filter(kind__in=REGISTER_KINDS)
        .filter(policy.scope(user, "register.view").q("division_id"))
        .values("division_id")
    )
    return Division.objects.filter(code__in=codes).order_by("code")


def committee_overview(
    committees: list[Division], today: dt.date | None = None
) -> list[CommitteeRegisters]:
    codes = [c.code for c in committees]
    year = (today or clock.today()).year
    out = {c.code: CommitteeRegisters(c) for c in committees}
    chains = Chain.objects.filter(kind__in=REGISTER_KINDS, division_id__in=codes)
    for chain in chains.only("key", "division_id", "head_seq"):
        _r, register, code, chain_year = chain.key.split(":")
        if int(chain_year) == year:
            out[code].this_year[register] = chain.head_seq
    for code, n in (
        registers.unconfirmed(
            Q(chain__division_id__in=codes, chain__closed_at__isnull=True)
        )
        .order_by()
        .values_list("chain__division_id")
        .annotate(n=Count("id"))
    ):
        out[code].unconfirmed = n
    for code, last in (
        Checkpoint.objects.filter(chain__division_id__in=codes)
        .order_by()
        .values_list("chain__division_id")
        .annotate(last=Max("signed_at"))
    ):
        out[code].last_checkpoint = last
    for code, key in Archive.objects.filter(chain__division_id__in=codes).values_list(
        "chain__division_id", "chain__key"
    ):
        year_archived = int(key.rsplit(":", 1)[1])
        if year_archived not in out[code].archived:
            out[code].archived.append(year_archived)
    for row in out.values():
        row.archived.sort(reverse=True)
    return [out[c] for c in codes]
