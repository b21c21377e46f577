"""Custody of a committee seal: the custodian, take-outs and handovers (REQ-064,
REQ-066–068).

The head appoints one custodian per seal by a recorded act (REQ-064); the person must
already hold the custodian role at the committee (granted by civil affairs through
accounts.services) and must not be the head (REQ-067, DIV-01). A seal with a custodian
changes hands only through a handover case (REQ-068): opened by the head for a trigger,
due 10 calendar days after the trigger date, with a checklist of the seals and the
registers, confirmed by the outgoing side (the outgoing custodian, or the head for them)
and the incoming custodian, two different people. Completing it moves the custody.

Take-out. A permit is requested, approved or refused by the head, then the leaving and
the return are recorded (REQ-066); while out, the seal cannot be applied. When the
registry retires a seal it lapses the seal's pending permits (`_close_takeouts`) and,
for a merged or abolished committee, cancels its open handover (`_cancel_handover`).
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role
from yinzheng.accounts.models import RoleGrant, User
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import require_person
from yinzheng.core.codes import Level
from yinzheng.core.errors import (
    Conflict,
    CoreCode,
    InvalidInput,
    NotAllowed,
    NotFound,
    SeparationOfDuties,
)
from yinzheng.core.transitions import move_to
from yinzheng.divisions.models import Division
from yinzheng.ledger import audit

from .. import selectors
from ..choices import (
    ACTIVE_STATUSES,
    HANDOVER_DAYS,
    CustodyEnd,
    HandoverCancel,
    HandoverSide,
    HandoverStatus,
    HandoverTrigger,
    SealForm,
    SealStatus,
    TakeOutRefusal,
    TakeOutStatus,
)
from ..errors import SealCode
from ..models import Custody, Handover, HandoverItem, Seal, TakeOut
from .seal import _seal_for, lock_seal, require_usable

# Custody (REQ-064, REQ-067) ---------------------------------------------------------


def _require_head_of(actor: Actor, seal_or_committee: Any) -> None:
    """The act is the head's own (REQ-064: 由主任委托), not an administrator's."""
    policy.require(actor, "seal.custody", seal_or_committee)
    if Role.HEAD not in policy.roles_at(actor, seal_or_committee):
        raise NotAllowed(_("只有本村（居）委会主任可以办理"), code=SealCode.HEAD_ONLY)


def _check_custodian(user: User, committee_code: str) -> None:
    if not user.is_active:
        raise InvalidInput(_("该用户已停用"), code=SealCode.USER_INACTIVE)
    roles = set(
        RoleGrant.objects.active()
        .filter(user=user, division_id=committee_code)
        .values_list("role", flat=True)
    )
    if Role.HEAD in roles:
        # REQ-067, DIV-01: the head approves sealings, so never keeps the seal.
        raise SeparationOfDuties(
            _("主任是用印签批人，不能兼任印章管理人"), code=SealCode.CUSTODIAN_IS_HEAD
        )
    if Role.CUSTODIAN not in roles:
        raise InvalidInput(
            _("该人员没有本村（居）委会“印章管理人”岗位，请先由民政部门授予"),
            code=SealCode.CUSTODIAN_ROLE_REQUIRED,
        )


def _user(user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("用户不存在"), code=CoreCode.USER_NOT_FOUND)
    return user


@transaction.atomic
def custody_appoint(*, actor: Actor, seal_id: int, custodian_id: int) -> Custody:
    """The head entrusts the seal to one person (REQ-064). Refused when the seal already
    has its custodian: a change of custodian is a handover (REQ-068)."""
    seal = lock_seal(seal_id)
    _require_head_of(actor, seal)
    if seal.status not in ACTIVE_STATUSES:
        raise Conflict(_("该印章已停止使用"), code=CoreCode.SEAL_NOT_ACTIVE)
    current = selectors.current_custody(seal)
    if current is not None:
        raise Conflict(
            _("该印章已有印章管理人（%s）；更换印章管理人须办理移交")
            % current.custodian.display_name,
            code=SealCode.CUSTODIAN_EXISTS,
        )
    custodian = _user(custodian_id)
    _check_custodian(custodian, seal.committee_id)
    try:
        with transaction.atomic():
            custody = Custody.objects.create(
                seal=seal,
                custodian=custodian,
                appointed_by=require_person(actor),
                since=clock.now(),
            )
    except IntegrityError as exc:  # the partial unique index (REQ-064)
        raise Conflict(
            _("该印章已有印章管理人"), code=SealCode.CUSTODIAN_EXISTS
        ) from exc
    audit.record(
        actor=actor,
        event="seal.custodian_appointed",
        subject=seal,
        after={
            "custody": custody.pk,
            "custodian": custodian.pk,
            "custodian_name": custodian.display_name,
            "appointed_by": actor.pk,
        },
    )
    return custody


# Take-out (REQ-066) -----------------------------------------------------------------

TAKEOUT_FIELDS = [
    "status",
    "decided_by",
    "decided_at",
    "refusal_code",
    "refusal_reason",
    "out_at",
    "out_recorded_by",
    "returned_at",
    "return_recorded_by",
]


def _takeout_for(actor: Actor, takeout_id: int, action: str) -> TakeOut:
    takeout = (
        TakeOut.objects.select_for_update(of=("self",), no_key=True)
        .select_related("seal")
        .filter(pk=takeout_id)
        .first()
    )
    if takeout is None:
        raise NotFound(code=SealCode.TAKEOUT_NOT_FOUND)
    policy.require(actor, action, takeout)
    return takeout


def _record_takeout(
    takeout: TakeOut, *, actor: Actor, event: str, before: dict[str, Any]
) -> None:
    audit.record(
        actor=actor,
        event=event,
        subject=takeout.seal,
        before=before,
        after={"takeout": takeout.pk, **audit.snapshot(takeout, TAKEOUT_FIELDS)},
    )


@transaction.atomic
def takeout_request(
    *, actor: Actor, seal_id: int, purpose: str, due_back_at: dt.datetime
) -> TakeOut:
    seal = _seal_for(actor, seal_id, "seal.keep")
    if not purpose.strip():
        raise InvalidInput(_("请填写带离事由"), code=CoreCode.PURPOSE_REQUIRED)
    now = clock.now()
    if due_back_at is None or due_back_at <= now:
        raise InvalidInput(_("应归还时间须晚于现在"), code=SealCode.DUE_BACK_INVALID)
    if seal.status != SealStatus.IN_USE:
        raise Conflict(_("只有在用的印章可以申请带离"), code=SealCode.SEAL_NOT_IN_USE)
    if seal.form == SealForm.ELECTRONIC:  # a key, not a thing carried out (issue 16)
        raise Conflict(
            _("电子印章不存在带离办公室的情形"), code=SealCode.ELECTRONIC_NOT_CARRIED
        )
    takeout = TakeOut.objects.create(
        seal=seal,
        purpose=purpose.strip(),
        due_back_at=due_back_at,
        requested_by=require_person(actor),
        requested_at=now,
    )
    audit.record(
        actor=actor,
        event="seal.takeout_requested",
        subject=seal,
        after={
            "takeout": takeout.pk,
            "purpose": takeout.purpose,
            "due_back_at": due_back_at,
        },
    )
    return takeout


@transaction.atomic
def takeout_decide(
    *, actor: Actor, takeout_id: int, approve: bool, reason: str = ""
) -> TakeOut:
    """The head approves or refuses taking the seal out (REQ-066: 经主任批准)."""
    takeout = _takeout_for(actor, takeout_id, "seal.custody")
    _require_head_of(actor, takeout)
    if not approve and not reason.strip():
        raise InvalidInput(_("请填写不批准的理由"), code=CoreCode.REASON_REQUIRED)
    before = audit.snapshot(takeout, TAKEOUT_FIELDS)
    move_to(takeout, TakeOutStatus.APPROVED if approve else TakeOutStatus.REFUSED)
    takeout.decided_by, takeout.decided_at = actor, clock.now()
    takeout.refusal_reason = "" if approve else reason.strip()
    takeout.save(update_fields=TAKEOUT_FIELDS)
    _record_takeout(
        takeout,
        actor=actor,
        event="seal.takeout_approved" if approve else "seal.takeout_refused",
        before=before,
    )
    return takeout


@transaction.atomic
def takeout_leave(*, actor: Actor, takeout_id: int) -> TakeOut:
    """The seal leaves the office: only on an approved permit (REQ-066)."""
    takeout = _takeout_for(actor, takeout_id, "seal.keep")
    seal = lock_seal(takeout.seal_id)
    if takeout.status != TakeOutStatus.APPROVED:
        raise Conflict(
            _("未经主任批准，印章不得带离办公室"), code=SealCode.TAKEOUT_NOT_APPROVED
        )
    require_usable(seal)
    before = audit.snapshot(takeout, TAKEOUT_FIELDS)
    move_to(takeout, TakeOutStatus.OUT)
    takeout.out_at, takeout.out_recorded_by = clock.now(), actor
    try:
        with transaction.atomic():
            takeout.save(update_fields=TAKEOUT_FIELDS)
    except IntegrityError as exc:
        raise Conflict(_("该印章已带离办公室"), code=SealCode.SEAL_ALREADY_OUT) from exc
    _record_takeout(takeout, actor=actor, event="seal.taken_out", before=before)
    return takeout


@transaction.atomic
def takeout_return(*, actor: Actor, takeout_id: int) -> TakeOut:
    takeout = _takeout_for(actor, takeout_id, "seal.keep")
    before = audit.snapshot(takeout, TAKEOUT_FIELDS)
    move_to(takeout, TakeOutStatus.RETURNED)
    takeout.returned_at, takeout.return_recorded_by = clock.now(), actor
    takeout.save(update_fields=TAKEOUT_FIELDS)
    _record_takeout(takeout, actor=actor, event="seal.returned", before=before)
    return takeout


def _close_takeouts(seal: Seal, *, actor: Actor, at: dt.datetime) -> None:
    """A retired seal has no open permits: pending ones lapse as refused; one that is
    out stays on record as out (its return may still be recorded)."""
    for takeout in TakeOut.objects.select_for_update().filter(
        seal=seal, status__in=[TakeOutStatus.REQUESTED, TakeOutStatus.APPROVED]
    ):
        before = audit.snapshot(takeout, TAKEOUT_FIELDS)
        # A lapse, not a decision: outside TakeOut.TRANSITIONS on purpose.
        takeout.status = TakeOutStatus.REFUSED
        takeout.refusal_code = TakeOutRefusal.SEAL_RETIRED
        takeout.decided_at = takeout.decided_at or at
        takeout.save(update_fields=["status", "refusal_code", "decided_at"])
        _record_takeout(
            takeout, actor=actor, event="seal.takeout_lapsed", before=before
        )


# Handover (REQ-068) -----------------------------------------------------------------

HANDOVER_FIELDS = [
    "status",
    "outgoing_confirmed_by",
    "outgoing_confirmed_at",
    "incoming_confirmed_by",
    "incoming_confirmed_at",
    "completed_at",
    "cancelled_at",
    "cancel_code",
    "cancel_reason",
]
REGISTERS_LINE = gettext_lazy("用印登记簿（工作用印登记簿、出具证明事项登记簿）")


def handover_due_on(trigger_date: dt.date) -> dt.date:
    """REQ-068: 10 days after the trigger, counted in calendar days (the seed says
    “10日”, not 工作日; the requirement's test reads T+10)."""
    return trigger_date + dt.timedelta(days=HANDOVER_DAYS)


def _handover_for(actor: Actor, handover_id: int) -> Handover:
    handover = (
        Handover.objects.select_for_update(of=("self",), no_key=True)
        .select_related("committee")
        .filter(pk=handover_id)
        .first()
    )
    if handover is None or not policy.can(actor, "seal.view", handover):
        raise NotFound(code=SealCode.HANDOVER_NOT_FOUND)
    return handover


@transaction.atomic
def handover_open(
    *,
    actor: Actor,
    committee_code: str,
    trigger: str,
    trigger_date: dt.date,
    outgoing_id: int,
    incoming_id: int,
    trigger_note: str = "",
    extra_items: list[str] | tuple[str, ...] = (),
) -> Handover:
    """The head opens a handover of the seals kept by `outgoing` to `incoming`, due 10
    days after the trigger date (REQ-068). Naming the incoming custodian is the head's
    appointment act (REQ-064)."""
    committee = Division.objects.select_for_update().filter(code=committee_code).first()
    if committee is None or committee.level != Level.COMMITTEE:
        raise NotFound(code=CoreCode.COMMITTEE_NOT_FOUND)
    _require_head_of(actor, committee)
    if not committee.is_active:
        raise Conflict(
            _("该村（居）委会已合并或撤销"), code=CoreCode.COMMITTEE_INACTIVE
        )
    if trigger not in HandoverTrigger.values:
        raise InvalidInput(_("移交原因无效"), code=CoreCode.TRIGGER_INVALID)
    if trigger == HandoverTrigger.OTHER and not trigger_note.strip():
        raise InvalidInput(_("请说明移交原因"), code=SealCode.TRIGGER_NOTE_REQUIRED)
    if trigger_date is None or trigger_date > clock.today():
        raise InvalidInput(
            _("起算日期不能晚于今天"), code=SealCode.TRIGGER_DATE_INVALID
        )
    if outgoing_id == incoming_id:
        raise InvalidInput(
            _("移交人与接收人须为两个不同的人"), code=SealCode.SAME_PERSON
        )
    outgoing, incoming = _user(outgoing_id), _user(incoming_id)
    _check_custodian(incoming, committee.code)
    seals = list(
        Seal.objects.select_for_update()
        .filter(
            committee=committee,
            status__in=ACTIVE_STATUSES,
            custodies__custodian=outgoing,
            custodies__until__isnull=True,
        )
        .order_by("pk")
    )
    if not seals:
        raise Conflict(
            _("%s 目前没有保管本村（居）委会的印章") % outgoing.display_name,
            code=SealCode.NOTHING_TO_HAND_OVER,
        )
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                committee=committee,
                trigger=trigger,
                trigger_note=trigger_note.strip(),
                trigger_date=trigger_date,
                due_on=handover_due_on(trigger_date),
                outgoing=outgoing,
                incoming=incoming,
                opened_by=require_person(actor),
                opened_at=clock.now(),
            )
    except IntegrityError as exc:
        raise Conflict(
            _("本村（居）委会已有办理中的印章移交"), code=SealCode.HANDOVER_OPEN_EXISTS
        ) from exc
    lines: list[tuple[str, Seal | None]] = [(str(s), s) for s in seals]
    lines.append((str(REGISTERS_LINE), None))
    lines += [(text.strip(), None) for text in extra_items if text.strip()]
    HandoverItem.objects.bulk_create(
        HandoverItem(handover=handover, position=n, description=text[:300], seal=seal)
        for n, (text, seal) in enumerate(lines, start=1)
    )
    audit.record(
        actor=actor,
        event="seal.handover_opened",
        subject=handover,
        after={
            **audit.snapshot(
                handover,
                [
                    "trigger",
                    "trigger_date",
                    "due_on",
                    "outgoing",
                    "incoming",
                    "trigger_note",
                ],
            ),
            "items": [text for text, _s in lines],
        },
    )
    return handover


def _may_confirm(actor: Actor, handover: Handover, side: str) -> bool:
    if side == HandoverSide.INCOMING:
        return bool(actor.pk == handover.incoming_id)
    # The outgoing custodian, or the head for them (who may have left the committee).
    return actor.pk == handover.outgoing_id or (
        Role.HEAD in policy.roles_at(actor, handover)
    )


@transaction.atomic
def handover_check_item(
    *, actor: Actor, item_id: int, checked: bool = True
) -> HandoverItem:
    item = HandoverItem.objects.filter(pk=item_id).first()
    if item is None:
        raise NotFound(code=SealCode.HANDOVER_ITEM_NOT_FOUND)
    handover = _handover_for(actor, item.handover_id)
    item = HandoverItem.objects.select_for_update().get(pk=item_id)
    if handover.status != HandoverStatus.OPEN:
        raise Conflict(_("该移交已结束"), code=SealCode.HANDOVER_CLOSED)
    if not any(_may_confirm(actor, handover, side) for side in HandoverSide.values):
        raise NotAllowed(code=SealCode.NOT_A_HANDOVER_PARTY)
    if handover.outgoing_confirmed_at or handover.incoming_confirmed_at:
        raise Conflict(
            _("已有一方确认，清单不能再改动"), code=SealCode.HANDOVER_CONFIRMED
        )
    item.checked = checked
    item.checked_by = actor if checked else None
    item.checked_at = clock.now() if checked else None
    item.save(update_fields=["checked", "checked_by", "checked_at"])
    audit.record(
        actor=actor,
        event="seal.handover_item_checked"
        if checked
        else "seal.handover_item_unchecked",
        subject=handover,
        after={"item": item.pk, "description": item.description},
    )
    return item


@transaction.atomic
def handover_confirm(*, actor: Actor, handover_id: int, side: str) -> Handover:
    """One side confirms the handover; when both have, it completes and the incoming
    custodian keeps the seals (REQ-068). The two confirmations are by two people."""
    handover = _handover_for(actor, handover_id)
    if side not in HandoverSide.values:
        raise InvalidInput(code=SealCode.SIDE_INVALID)
    if handover.status != HandoverStatus.OPEN:
        raise Conflict(_("该移交已结束"), code=SealCode.HANDOVER_CLOSED)
    if not _may_confirm(actor, handover, side):
        raise NotAllowed(
            _("只有接收人本人可以确认接收；移交方由原印章管理人或主任确认"),
            code=SealCode.NOT_THIS_SIDE,
        )
    if handover.items.filter(checked=False).exists():
        raise Conflict(
            _("移交清单尚有未清点的条目"), code=SealCode.CHECKLIST_INCOMPLETE
        )
    other_by = (
        handover.incoming_confirmed_by_id
        if side == HandoverSide.OUTGOING
        else handover.outgoing_confirmed_by_id
    )
    if other_by == actor.pk:
        raise SeparationOfDuties(
            _("移交方和接收方须由两个不同的人确认"), code=SealCode.SAME_PERSON_CONFIRMS
        )
    if getattr(handover, f"{side}_confirmed_at") is not None:
        raise Conflict(_("该方已确认"), code=CoreCode.ALREADY_CONFIRMED)
    now = clock.now()
    with audit.recorded(
        actor=actor,
        event=f"seal.handover_confirmed_{side}",
        subject=handover,
        fields=HANDOVER_FIELDS,
    ):
        setattr(handover, f"{side}_confirmed_by", actor)
        setattr(handover, f"{side}_confirmed_at", now)
    if handover.outgoing_confirmed_at and handover.incoming_confirmed_at:
        _complete_handover(handover, actor=actor, at=now)
    return handover


def _complete_handover(handover: Handover, *, actor: Actor, at: dt.datetime) -> None:
    _check_custodian(handover.incoming, handover.committee_id)
    seal_ids = [
        i.seal_id
        for i in handover.items.filter(seal__isnull=False).order_by("seal_id")
        if i.seal_id is not None
    ]
    for seal in Seal.objects.select_for_update().filter(pk__in=seal_ids).order_by("pk"):
        if seal.status not in ACTIVE_STATUSES:
            continue
        current = selectors.current_custody(seal)
        if current is not None:
            current.until, current.end_reason = at, CustodyEnd.HANDOVER
            current.handover = handover
            current.save(update_fields=["until", "end_reason", "handover"])
        custody = Custody.objects.create(
            seal=seal,
            custodian=handover.incoming,
            appointed_by=handover.opened_by,
            since=at,
            handover=handover,
        )
        audit.record(
            actor=actor,
            event="seal.custody_handed_over",
            subject=seal,
            before={"custodian": current.custodian_id if current else None},
            after={
                "custody": custody.pk,
                "custodian": handover.incoming_id,
                "custodian_name": handover.incoming.display_name,
                "handover": handover.pk,
            },
        )
    with audit.recorded(
        actor=actor,
        event="seal.handover_completed",
        subject=handover,
        fields=HANDOVER_FIELDS,
    ):
        move_to(handover, HandoverStatus.COMPLETED)
        handover.completed_at = at


def _cancel_handover(
    handover: Handover,
    *,
    actor: Actor,
    at: dt.datetime,
    reason: str = "",
    code: str = "",
) -> None:
    """Cancel, with a person's reason or the system's (HandoverCancel, issue 16)."""
    with audit.recorded(
        actor=actor,
        event="seal.handover_cancelled",
        subject=handover,
        fields=HANDOVER_FIELDS,
    ):
        move_to(handover, HandoverStatus.CANCELLED)
        handover.cancelled_at, handover.cancel_reason = at, reason[:300]
        handover.cancel_code = HandoverCancel(code) if code else ""


@transaction.atomic
def handover_cancel(*, actor: Actor, handover_id: int, reason: str) -> Handover:
    """The head, or the township, withdraws a handover opened in error."""
    handover = _handover_for(actor, handover_id)
    if not (
        policy.can(actor, "seal.issue", handover)
        or Role.HEAD in policy.roles_at(actor, handover)
    ):
        raise NotAllowed(code=CoreCode.NOT_ALLOWED)
    if not reason.strip():
        raise InvalidInput(_("请填写取消原因"), code=CoreCode.REASON_REQUIRED)
    if handover.status != HandoverStatus.OPEN:
        raise Conflict(_("该移交已结束"), code=SealCode.HANDOVER_CLOSED)
    _cancel_handover(handover, actor=actor, at=clock.now(), reason=reason.strip())
    return handover
