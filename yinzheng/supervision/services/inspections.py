"""Inspections (督查, REQ-092, REQ-094, REQ-095).

The special inspection (专项督查) starts from a draw: 2 committees per township, all
of them where a township has fewer (REQ-095). The draw is reproducible: it records the
seed and the candidates (every active committee, by township, in code order), and
`draw_replay` draws again from them. Every inspection has its mode (REQ-094); its
findings go to the rectification list (`services.rectification`). A finding of
non-compliant seal use brings a circulated criticism (通报批评) and a rectification item
with a deadline, in the same transaction (REQ-092).
"""

import datetime as dt
import hashlib
import json
import random
import secrets
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import Level, subtree_q
from yinzheng.core.errors import CoreCode, InvalidInput, NotFound
from yinzheng.core.text import optional_text, required_text
from yinzheng.divisions.choices import CommitteeStatus
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit
from yinzheng.ledger.models import Entry
from yinzheng.registers.services.books import Register
from yinzheng.seals.models import UsageRequest

from ..choices import FindingKind, InspectionMode
from ..errors import SupervisionCode
from ..models import Criticism, Draw, Finding, Inspection
from ..selectors import register_entries
from .common import division, past_date
from .rectification import open_item

INSPECT = "supervision.inspect"
PER_TOWNSHIP = 2  # REQ-095: 每个镇（街道）抽取2个村（社区）


def candidates(county_code: str) -> dict[str, list[str]]:
    """Active committees of the county by township, both in code order."""
    rows = (
        Division.objects.filter(subtree_q(county_code))
        .filter(level=Level.COMMITTEE, status=CommitteeStatus.ACTIVE)
        .order_by("code")
        .values_list("code", flat=True)
    )
    by_township: dict[str, list[str]] = defaultdict(list)
    for code in rows:
        by_township[code[:9]].append(code)
    return dict(sorted(by_township.items()))


def draw_sample(
    pool: dict[str, list[str]], seed: str, per_township: int = PER_TOWNSHIP
) -> dict[str, list[str]]:
    """The committees drawn in each township: pure, so a draw can be replayed."""
    drawn = {}
    for township, committees in sorted(pool.items()):
        rng = random.Random(f"{seed}:{township}")
        picked = rng.sample(sorted(committees), min(per_township, len(committees)))
        drawn[township] = sorted(picked)
    return drawn


def _digest(pool: dict[str, list[str]]) -> str:
    return hashlib.sha256(
        json.dumps(pool, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


@transaction.atomic
def draw_create(*, actor: Actor, county_code: str, seed: str | None = None) -> Draw:
    """REQ-095: draw the committees of a joint special inspection and log the draw."""
    county = division(county_code, Level.COUNTY, _("县（市、区）"))
    policy.require(actor, INSPECT, county)
    pool = candidates(county.code)
    if not pool:
        raise InvalidInput(
            _("该县（市、区）没有可抽取的村（居）委会"),
            code=SupervisionCode.NO_COMMITTEES,
        )
    seed = optional_text(seed, _("随机种子"), CoreCode.TEXT_TOO_LONG, 64)
    seed = seed or secrets.token_hex(8)
    drawn = draw_sample(pool, seed)
    draw = Draw.objects.create(
        county=county,
        per_township=PER_TOWNSHIP,
        seed=seed,
        candidates_sha256=_digest(pool),
        sample={"candidates": pool, "drawn": drawn},
        drawn_on=clock.today(),
        drawn_at=clock.now(),
        drawn_by=person(actor),
    )
    draw.committees.set(_committees(county, [c for cs in drawn.values() for c in cs]))
    audit.record(
        actor=actor,
        event="supervision.draw",
        subject=draw,
        after={
            "seed": seed,
            "candidates_sha256": draw.candidates_sha256,
            "drawn": drawn,
        },
    )
    return draw


def draw_replay(draw: Draw) -> bool:
    """Does drawing again from the recorded candidates and seed give the same?"""
    pool = draw.sample["candidates"]
    return (
        _digest(pool) == draw.candidates_sha256
        and draw_sample(pool, draw.seed, draw.per_township) == draw.sample["drawn"]
    )


def _committees(county: Division, codes: Iterable[str]) -> list[Division]:
    codes = sorted(set(codes))
    found = list(
        Division.objects.filter(code__in=codes, level=Level.COMMITTEE).filter(
            subtree_q(county.code)
        )
    )
    if len(found) != len(codes):
        unknown = sorted(set(codes) - {d.code for d in found})
        raise NotFound(
            _("不属于该县（市、区）的村（居）委会：%s") % "、".join(unknown),
            code=SupervisionCode.OUTSIDE_COUNTY,
            detail={"unknown": unknown},
        )
    return found


@transaction.atomic
def inspection_create(
    *,
    actor: Actor,
    county_code: str,
    title: str,
    mode: str,
    started_on: dt.date,
    inspectors: str,
    committee_codes: Iterable[str] = (),
    draw_id: int | None = None,
    note: str = "",
) -> Inspection:
    """REQ-094: an inspection and its mode; a special one may take a draw's sample."""
    county = division(county_code, Level.COUNTY, _("县（市、区）"))
    policy.require(actor, INSPECT, county)
    if mode not in InspectionMode.values:
        raise InvalidInput(
            _("督查方式无效"),
            code=SupervisionCode.MODE_INVALID,
            detail={"allowed": list(InspectionMode.values)},
        )
    draw = None
    codes = list(committee_codes)
    if draw_id is not None:
        draw = Draw.objects.filter(pk=draw_id, county=county).first()
        if draw is None:
            raise NotFound(_("抽取记录不存在"), code=SupervisionCode.DRAW_NOT_FOUND)
        codes += [c for group in draw.sample["drawn"].values() for c in group]
    inspection = Inspection.objects.create(
        county=county,
        title=required_text(title, _("督查名称"), SupervisionCode.TEXT_REQUIRED, 200),
        mode=mode,
        started_on=past_date(started_on, _("开始日期")),
        inspectors=required_text(
            inspectors, _("督查人员"), SupervisionCode.TEXT_REQUIRED, 300
        ),
        draw=draw,
        note=optional_text(note, _("说明"), CoreCode.TEXT_TOO_LONG, 4000),
        created_by=person(actor),
        created_at=clock.now(),
    )
    inspection.committees.set(_committees(county, codes))
    audit.record(
        actor=actor,
        event="supervision.inspection_created",
        subject=inspection,
        after={
            "mode": mode,
            "title": inspection.title,
            "draw": draw.pk if draw else None,
            "committees": sorted(set(codes)),
        },
    )
    return inspection


def _by_number(
    committee_code: str, register: str, year: int | None, seqs: Iterable[int]
) -> list[int]:
    """The entries named as the book numbers them: register, year, numbers."""
    seqs = sorted(set(seqs))
    if not seqs:
        return []
    if register not in Register.ALL or year is None:
        raise InvalidInput(
            _("填写登记序号时，请同时选择登记簿和年度"),
            code=SupervisionCode.FINDING_NOT_FOUND,
        )
    found = register_entries(committee_code, register, year, seqs)
    missing = [n for n in seqs if n not in found]
    if missing:
        raise NotFound(
            _("该登记簿没有这些序号：%s") % ", ".join(map(str, missing)),
            code=SupervisionCode.FINDING_NOT_FOUND,
            detail={"missing": missing},
        )
    return list(found.values())


def _linked(
    committee: Division, entry_ids: Iterable[int], usage_ids: Iterable[int]
) -> tuple[list[Entry], list[UsageRequest]]:
    """The register entries and sealing requests named, each of this committee."""
    entry_ids, usage_ids = sorted(set(entry_ids)), sorted(set(usage_ids))
    entries = list(
        Entry.objects.filter(
            pk__in=entry_ids,
            chain__division_id=committee.code,
            chain__kind__startswith="register_",
        )
    )
    usages = list(
        UsageRequest.objects.filter(pk__in=usage_ids, seal__committee=committee)
    )
    if len(entries) != len(entry_ids) or len(usages) != len(usage_ids):
        raise NotFound(
            _("所选登记或用印申请不属于该村（居）委会"),
            code=SupervisionCode.FINDING_NOT_FOUND,
        )
    return entries, usages


@transaction.atomic
def finding_record(
    *,
    actor: Actor,
    committee_code: str,
    kind: str,
    description: str,
    inspection_id: int | None = None,
    entry_ids: Iterable[int] = (),
    usage_ids: Iterable[int] = (),
    deadline: dt.date | None = None,
    criticism_text: str = "",
    register: str = "",
    register_year: int | None = None,
    register_seqs: Iterable[int] = (),
) -> Finding:
    """A problem found at a committee. REQ-092: non-compliant seal use creates the
    circulated criticism and the rectification item (with its deadline) with it."""
    committee = division(committee_code, Level.COMMITTEE, _("村（居）委会"))
    policy.require(actor, INSPECT, committee)
    if kind not in FindingKind.values:
        raise InvalidInput(_("问题类型无效"), code=SupervisionCode.FINDING_KIND_INVALID)
    inspection = None
    if inspection_id is not None:
        inspection = (
            Inspection.objects.visible_to(actor, INSPECT)
            .filter(pk=inspection_id)
            .first()
        )
        if inspection is None or not committee.code.startswith(inspection.county_id):
            raise NotFound(_("督查不存在"), code=SupervisionCode.INSPECTION_NOT_FOUND)
    description = required_text(
        description, _("发现的问题"), SupervisionCode.TEXT_REQUIRED, 4000
    )
    entry_ids = list(entry_ids) + _by_number(
        committee.code, register, register_year, register_seqs
    )
    entries, usages = _linked(committee, entry_ids, usage_ids)
    seal_use = kind == FindingKind.NON_COMPLIANT_SEAL_USE
    if seal_use and deadline is None:
        raise InvalidInput(
            _("违规用印须同时确定整改时限"), code=SupervisionCode.DEADLINE_INVALID
        )
    finding = Finding.objects.create(
        inspection=inspection,
        committee=committee,
        kind=kind,
        description=description,
        recorded_by=person(actor),
        recorded_at=clock.now(),
    )
    finding.register_entries.set(entries)
    finding.usage_requests.set(usages)
    audit.record(
        actor=actor,
        event="supervision.finding_recorded",
        subject=finding,
        after={
            "kind": kind,
            "description": description,
            "inspection": inspection.pk if inspection else None,
            "entries": [e.pk for e in entries],
            "usage_requests": [u.pk for u in usages],
        },
    )
    if seal_use:
        criticism = Criticism.objects.create(
            finding=finding,
            committee=committee,
            text=required_text(
                criticism_text or description,
                _("通报内容"),
                SupervisionCode.TEXT_REQUIRED,
                4000,
            ),
            issued_on=clock.today(),
            issued_by=person(actor),
        )
        audit.record(
            actor=actor,
            event="supervision.criticism_issued",
            subject=criticism,
            after={"finding": finding.pk, "text": criticism.text},
        )
        assert deadline is not None
        open_item(
            actor=actor,
            finding=finding,
            responsible_unit=committee.name,
            division=committee,
            deadline=deadline,
            problem=description,
        )
    return finding
