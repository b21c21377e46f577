"""The rectification list (整改清单, REQ-096) and its follow-up reviews (回头看, REQ-097).

A finding becomes an item with a responsible unit and a deadline (限时整改). The unit
reports what it has done (`item_evidence`); the inspector closes the item when the
evidence of completion is on it (`item_close`), then sets a follow-up date. At the
follow-up the problem is gone (`item_follow_up(relapse=False)`) or has come back: then
the item reopens as its next round, with a new deadline, and its history keeps both
rounds. Past its deadline an open item is overdue (selectors).
"""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.errors import Conflict, InvalidInput, NotFound
from yinzheng.core.text import required_text
from yinzheng.core.transitions import move_to
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from ..choices import OPEN_ITEM_STATUSES, ItemEventKind, ItemStatus
from ..errors import SupervisionCode
from ..models import Finding, RectificationEvent, RectificationItem

INSPECT = "supervision.inspect"
RECTIFY = "supervision.rectify"


def _deadline(value: dt.date | None) -> dt.date:
    if value is None or value < clock.today():
        raise InvalidInput(
            _("请填写整改时限（不早于今天）"), code=SupervisionCode.DEADLINE_INVALID
        )
    return value


def _event(
    item: RectificationItem,
    actor: Actor,
    kind: str,
    note: str = "",
    on: dt.date | None = None,
) -> None:
    RectificationEvent.objects.create(
        item=item,
        round=item.round,
        kind=kind,
        note=note,
        on=on,
        at=clock.now(),
        by=person(actor),
    )
    audit.record(
        actor=actor,
        event=f"supervision.item_{kind}",
        subject=item,
        after={
            "round": item.round,
            "status": item.status,
            "note": note,
            "on": on.isoformat() if on else None,
        },
    )


def open_item(
    *,
    actor: Actor,
    finding: Finding,
    responsible_unit: str,
    division: Division,
    deadline: dt.date | None,
    problem: str,
) -> RectificationItem:
    """Put a finding on the list (the caller holds the transaction and the policy)."""
    item = RectificationItem.objects.create(
        finding=finding,
        county_id=finding.committee_id[:6],
        division=division,
        responsible_unit=required_text(
            responsible_unit,
            _("责任单位"),
            SupervisionCode.RESPONSIBLE_UNIT_REQUIRED,
            200,
        ),
        problem=required_text(problem, _("问题"), SupervisionCode.TEXT_REQUIRED, 4000),
        deadline=_deadline(deadline),
        created_at=clock.now(),
    )
    _event(item, actor, ItemEventKind.OPENED, item.problem, item.deadline)
    return item


@transaction.atomic
def finding_to_item(
    *,
    actor: Actor,
    finding_id: int,
    responsible_unit: str,
    deadline: dt.date | None,
    problem: str = "",
    responsible_code: str | None = None,
) -> RectificationItem:
    """REQ-096: a finding becomes a list item, which needs a unit and a deadline. The
    unit is the committee unless another (a township, a department) is named."""
    finding = Finding.objects.select_for_update().filter(pk=finding_id).first()
    if finding is None:
        raise NotFound(_("督查发现不存在"), code=SupervisionCode.FINDING_NOT_FOUND)
    policy.require(actor, INSPECT, finding)
    division = finding.committee
    if responsible_code:
        found = Division.objects.filter(code=responsible_code).first()
        county = finding.committee_id[:6]
        if found is None or not found.code.startswith(county):
            raise NotFound(
                _("责任单位不在该县（市、区）"),
                code=SupervisionCode.RESPONSIBLE_UNIT_REQUIRED,
            )
        division = found
    if finding.items.exists():  # a relapse reopens the item; never a second one
        raise Conflict(_("该问题已列入整改清单"), code=SupervisionCode.ITEM_EXISTS)
    policy.require(actor, INSPECT, division)  # the unit must be where one inspects
    return open_item(
        actor=actor,
        finding=finding,
        responsible_unit=responsible_unit,
        division=division,
        deadline=deadline,
        problem=problem or finding.description,
    )


def _lock(item_id: int, actor: Actor, action: str) -> RectificationItem:
    item = RectificationItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("整改清单条目不存在"), code=SupervisionCode.ITEM_NOT_FOUND)
    policy.require(actor, action, item)
    return item


def _require_open(item: RectificationItem) -> None:
    if item.status not in OPEN_ITEM_STATUSES:
        raise Conflict(_("该条目已销号"), code=SupervisionCode.ITEM_CLOSED)


@transaction.atomic
def item_evidence(*, actor: Actor, item_id: int, evidence: str) -> RectificationItem:
    """The responsible unit reports what it has done."""
    item = _lock(item_id, actor, RECTIFY)
    _require_open(item)
    item.evidence = required_text(
        evidence, _("整改完成情况"), SupervisionCode.EVIDENCE_REQUIRED, 4000
    )
    item.save(update_fields=["evidence"])
    _event(item, actor, ItemEventKind.EVIDENCE, item.evidence)
    return item


@transaction.atomic
def item_close(
    *,
    actor: Actor,
    item_id: int,
    evidence: str = "",
    follow_up_on: dt.date | None = None,
) -> RectificationItem:
    """Close (销号) with the evidence of completion on the item; optionally set the
    follow-up review's date at once (REQ-097)."""
    item = _lock(item_id, actor, INSPECT)
    _require_open(item)
    if evidence.strip():
        item.evidence = required_text(
            evidence, _("整改完成情况"), SupervisionCode.EVIDENCE_REQUIRED, 4000
        )
    if not item.evidence:
        raise InvalidInput(
            _("请先登记整改完成情况，再销号"), code=SupervisionCode.EVIDENCE_REQUIRED
        )
    move_to(item, ItemStatus.CLOSED)
    item.closed_on = clock.today()
    item.save(update_fields=["status", "closed_on", "evidence"])
    _event(item, actor, ItemEventKind.CLOSED, item.evidence, item.closed_on)
    if follow_up_on is not None:
        _schedule(item, actor, follow_up_on)
    return item


def _schedule(item: RectificationItem, actor: Actor, on: dt.date) -> None:
    if item.closed_on is None or on < item.closed_on:
        raise InvalidInput(
            _("回头看日期不能早于销号日期"), code=SupervisionCode.FOLLOW_UP_INVALID
        )
    item.follow_up_on = on
    item.save(update_fields=["follow_up_on"])
    _event(item, actor, ItemEventKind.FOLLOW_UP_SCHEDULED, on=on)


@transaction.atomic
def item_schedule_follow_up(
    *, actor: Actor, item_id: int, on: dt.date
) -> RectificationItem:
    """REQ-097: a closed item gets its follow-up review date."""
    item = _lock(item_id, actor, INSPECT)
    if item.status != ItemStatus.CLOSED:
        raise Conflict(
            _("只有已销号的条目才能安排回头看"), code=SupervisionCode.FOLLOW_UP_INVALID
        )
    _schedule(item, actor, on)
    return item


@transaction.atomic
def item_follow_up(
    *,
    actor: Actor,
    item_id: int,
    relapse: bool,
    note: str,
    deadline: dt.date | None = None,
) -> RectificationItem:
    """REQ-097: the follow-up review's result. A relapse reopens the item as its next
    round with a new deadline; the history keeps both rounds (防止问题回潮反弹). The
    review may come before its planned date (an unannounced 回头看); its result is
    dated the day it is recorded."""
    item = _lock(item_id, actor, INSPECT)
    if item.status != ItemStatus.CLOSED or item.follow_up_on is None:
        raise Conflict(
            _("该条目没有待进行的回头看"), code=SupervisionCode.FOLLOW_UP_INVALID
        )
    note = required_text(note, _("回头看情况"), SupervisionCode.TEXT_REQUIRED, 4000)
    if not relapse:
        item.follow_up_on = None
        item.save(update_fields=["follow_up_on"])
        _event(item, actor, ItemEventKind.FOLLOW_UP_CLEAN, note, clock.today())
        return item
    new_deadline = _deadline(deadline)
    move_to(item, ItemStatus.REOPENED)
    item.round += 1
    item.deadline = new_deadline
    item.evidence = ""
    item.closed_on = None
    item.follow_up_on = None
    item.save()
    _event(item, actor, ItemEventKind.RELAPSE, note, new_deadline)
    return item
