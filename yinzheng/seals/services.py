"""The life of a committee seal, its custody, take-outs and handovers (REQ-059–068).

Lifecycle. The committee's township, and only it, registers a seal as its issuing
authority (REQ-060), with its fixed storage place (REQ-065); the seal is ISSUED and
becomes IN_USE when the township activates it, which needs a custodian (REQ-064). A loss
report makes the seal unusable at once and lands in the township's queue as the
application for a reissue; the reissued seal names the lost one (REQ-061). A replacement
is registered first and activated only by `seal_replace`, in the transaction that records
the collection of the old seal (REQ-062). When a committee is merged or abolished, the
`committee_deactivated` signal blocks all its seals and opens a collection task that
stays open until the township confirms the collection (REQ-063). Revoked and collected
seals are destroyed at the end. No state after IN_USE leads back to it: once unusable,
a seal is never usable again.

Custody. The head appoints one custodian per seal by a recorded act (REQ-064); the person
must already hold the custodian role at the committee (granted by civil affairs through
accounts.services) and must not be the head (REQ-067, DIV-01). A seal with a custodian
changes hands only through a handover case (REQ-068): opened by the head for a trigger,
due 10 calendar days after the trigger date, with a checklist of the seals and the
registers, confirmed by the outgoing side (the outgoing custodian, or the head for them)
and the incoming custodian, two different people. Completing it moves the custody.

Take-out. A permit is requested, approved or refused by the head, then the leaving and
the return are recorded (REQ-066); while out, the seal cannot be applied.

For the sealing work: `require_usable(seal)` raises SealUnusable, and `lock_seal()` takes
the row lock a sealing transaction should hold while it checks and applies the seal.
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role
from yinzheng.accounts.models import RoleGrant, User
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import Level
from yinzheng.core.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    SeparationOfDuties,
)
from yinzheng.core.transitions import move_to
from yinzheng.divisions.models import Division
from yinzheng.divisions.services import committee_deactivated
from yinzheng.esign import services as esign
from yinzheng.esign.choices import RevocationReason
from yinzheng.ledger import audit

from . import selectors
from .choices import (
    ACTIVE_STATUSES,
    HANDOVER_DAYS,
    TO_COLLECT_STATUSES,
    CustodyEnd,
    HandoverSide,
    HandoverStatus,
    HandoverTrigger,
    SealForm,
    SealKind,
    SealStatus,
    TakeOutStatus,
)
from .models import (
    CollectionTask,
    Custody,
    Handover,
    HandoverItem,
    LossReport,
    Seal,
    TakeOut,
)

SEAL_FIELDS = [
    "status",
    "storage_location",
    "activated_at",
    "unusable_since",
    "revoked_at",
    "collected_at",
    "destroyed_at",
]
REGISTERS_LINE = gettext_lazy("用印登记簿（工作用印登记簿、出具证明事项登记簿）")


class SealUnusable(Conflict):
    code = "seal_unusable"
    message = gettext_lazy("该印章当前不能使用")


REASON_MESSAGES = {
    "out_of_office": gettext_lazy("印章已带离办公室，归还登记前不能使用"),
    "retired": gettext_lazy("印章已停止使用"),
}


def require_usable(seal: Seal) -> None:
    """Refuse unless the seal may be applied now (REQ-061–063, REQ-066). Call it on a
    row locked with `lock_seal()` inside the sealing transaction."""
    reason = selectors.unusable_reason(seal)
    if reason is None:
        return
    if reason in REASON_MESSAGES:
        state = REASON_MESSAGES[reason]
    else:
        state = _("印章状态为“%s”") % seal.get_status_display()
    raise SealUnusable(
        _("印章 %(serial)s 不能使用：%(state)s")
        % {"serial": seal.serial, "state": state},
        detail={"seal": seal.pk, "status": seal.status, "reason": reason},
    )


def lock_seal(seal_id: int) -> Seal:
    seal = (
        Seal.objects.select_for_update()
        .select_related("committee", "issuer")
        .filter(pk=seal_id)
        .first()
    )
    if seal is None:
        raise NotFound(_("印章不存在"), code="seal_not_found")
    return seal


def _seal_for(actor: Any, seal_id: int, action: str) -> Seal:
    seal = lock_seal(seal_id)
    policy.require(actor, action, seal)
    return seal


def revocation_reason(seal: Seal) -> str:
    """The CRL reason an electronic seal's certificate gets from the seal's fate."""
    if seal.status == SealStatus.LOST:
        return RevocationReason.KEY_COMPROMISE
    if seal.status == SealStatus.REVOKED:
        return RevocationReason.PRIVILEGE_WITHDRAWN
    if seal.status == SealStatus.COLLECTED and seal.successors.exists():
        return RevocationReason.SUPERSEDED
    if seal.status in (SealStatus.COLLECTED, SealStatus.BLOCKED):
        return RevocationReason.CESSATION
    return RevocationReason.UNSPECIFIED


def _retire(seal: Seal, *, actor: Any, at: dt.datetime) -> None:
    """The seal has stopped being usable for good: stamp the time (once), end its
    custody and its pending take-out permits; the first time, its electronic
    certificate is revoked from that moment (REQ-115)."""
    first = seal.unusable_since is None
    if first:
        seal.unusable_since = at
    ended = Custody.objects.filter(seal=seal, until__isnull=True)
    for custody in ended:
        custody.until, custody.end_reason = at, CustodyEnd.SEAL_RETIRED
        custody.save(update_fields=["until", "end_reason"])
    _close_takeouts(seal, actor=actor, at=at)
    if first:
        esign.seal_certificate_revoke(
            actor=actor, seal=seal, at=at, reason=revocation_reason(seal)
        )


# Issue and activation -------------------------------------------------------------


def _committee(code: str) -> Division:
    committee = Division.objects.filter(code=code).first()
    if committee is None or committee.level != Level.COMMITTEE:
        raise NotFound(_("村（居）委会 %s 不存在") % code, code="committee_not_found")
    return committee


def _create_seal(
    *,
    actor: Any,
    committee: Division,
    issuer_code: str,
    serial: str,
    imprint: str,
    form: str,
    storage_location: str,
    issued_on: dt.date,
    kind: str,
    replaces: Seal | None,
    note: str,
) -> Seal:
    policy.require(actor, "seal.issue", committee)
    if issuer_code != committee.parent_id:
        # REQ-060: the committee's own township, no other body, makes its seal.
        raise InvalidInput(
            _("制发机关须为该村（居）委会所属的乡镇（街道）：%s")
            % (committee.parent.name if committee.parent else ""),
            code="issuer_not_township",
            detail={"issuer": issuer_code, "township": committee.parent_id},
        )
    if not committee.is_active:
        raise Conflict(_("该村（居）委会已合并或撤销"), code="committee_inactive")
    serial, imprint = serial.strip(), imprint.strip()
    storage_location = storage_location.strip()
    if not storage_location:
        raise InvalidInput(
            _("请填写印章的固定存放地点"), code="storage_location_required"
        )  # REQ-065
    if not serial:
        raise InvalidInput(_("请填写印章编号"), code="serial_required")
    if not imprint:
        raise InvalidInput(_("请填写印文"), code="imprint_required")
    if form not in SealForm.values:
        raise InvalidInput(_("印章形式无效"), code="form_invalid")
    if kind not in SealKind.values:
        raise InvalidInput(_("印章类别无效"), code="kind_invalid")
    if issued_on is None or issued_on > clock.today():
        raise InvalidInput(_("制发日期不能晚于今天"), code="issued_on_invalid")
    try:
        with transaction.atomic():
            seal = Seal.objects.create(
                committee=committee,
                issuer_id=issuer_code,
                kind=kind,
                form=form,
                serial=serial,
                imprint=imprint,
                issued_on=issued_on,
                storage_location=storage_location,
                replaces=replaces,
                note=note.strip(),
                issued_by=person(actor),
            )
    except IntegrityError as exc:
        raise Conflict(_("印章编号 %s 已存在") % serial, code="serial_taken") from exc
    audit.record(
        actor=actor,
        event="seal.issued",
        subject=seal,
        after={
            **audit.snapshot(
                seal,
                [
                    "committee",
                    "issuer",
                    "kind",
                    "form",
                    "serial",
                    "imprint",
                    "issued_on",
                    "storage_location",
                    "status",
                    "replaces",
                ],
            )
        },
        note=note.strip(),
    )
    if seal.form == SealForm.ELECTRONIC:
        esign.seal_certify(seal, actor=actor)  # its key and certificate (REQ-115)
    return seal


@transaction.atomic
def seal_issue(
    *,
    actor: Any,
    committee_code: str,
    issuer_code: str,
    serial: str,
    imprint: str,
    form: str,
    storage_location: str,
    issued_on: dt.date,
    kind: str = SealKind.OFFICIAL,
    replaces_id: int | None = None,
    note: str = "",
) -> Seal:
    """Register a seal the township has made (REQ-060). With `replaces_id` it is the
    replacement of a seal still held; it starts being used only through
    `seal_replace()`, which collects the old one (REQ-062)."""
    committee = _committee(committee_code)
    replaces = None
    if replaces_id is not None:
        replaces = lock_seal(replaces_id)
        if replaces.committee_id != committee.code:
            raise InvalidInput(
                _("被替换的印章不属于该村（居）委会"), code="replaces_other_committee"
            )
        if replaces.status not in ACTIVE_STATUSES:
            raise Conflict(
                _("只能替换在用或未启用的印章；遗失的印章请通过补发办理"),
                code="replaces_not_active",
            )
        if replaces.successors.filter(status__in=ACTIVE_STATUSES).exists():
            raise Conflict(_("该印章已有待启用的替换印章"), code="replacement_exists")
    return _create_seal(
        actor=actor,
        committee=committee,
        issuer_code=issuer_code,
        serial=serial,
        imprint=imprint,
        form=form,
        storage_location=storage_location,
        issued_on=issued_on,
        kind=kind,
        replaces=replaces,
        note=note,
    )


def _activate(seal: Seal, *, actor: Any, at: dt.datetime) -> None:
    if selectors.current_custody(seal) is None:
        # REQ-064: every seal in use has its one custodian.
        raise Conflict(_("启用前须由主任委托印章管理人"), code="custodian_required")
    with audit.recorded(
        actor=actor, event="seal.activated", subject=seal, fields=SEAL_FIELDS
    ):
        move_to(seal, SealStatus.IN_USE)
        seal.activated_at = at


@transaction.atomic
def seal_activate(*, actor: Any, seal_id: int) -> Seal:
    """Start using an issued seal. A replacement of a seal not yet collected cannot be
    activated here: `seal_replace()` does both in one transaction (REQ-062)."""
    seal = _seal_for(actor, seal_id, "seal.issue")
    old = seal.replaces
    if old is not None and old.status not in (
        SealStatus.LOST,
        SealStatus.COLLECTED,
        SealStatus.DESTROYED,
    ):
        raise Conflict(
            _("须在收缴旧印章 %s 的同时启用新印章（更换印章）") % old.serial,
            code="replacement_needs_collection",
        )
    _activate(seal, actor=actor, at=clock.now())
    return seal


@transaction.atomic
def seal_replace(
    *, actor: Any, old_seal_id: int, new_seal_id: int, note: str = ""
) -> Seal:
    """Collect the old seal and activate its replacement, in this one transaction
    (REQ-062: 颁发新印章的同时收缴其旧印章). Returns the new seal."""
    ids = sorted([old_seal_id, new_seal_id])
    locked = {pk: lock_seal(pk) for pk in ids}  # key order: no deadlock
    old, new = locked[old_seal_id], locked[new_seal_id]
    policy.require(actor, "seal.issue", old)
    if new.replaces_id != old.pk:
        raise InvalidInput(
            _("新印章登记时须注明替换的是该旧印章"), code="not_a_replacement"
        )
    if new.status != SealStatus.ISSUED:
        raise Conflict(_("新印章不是待启用状态"), code="replacement_not_issued")
    now = clock.now()
    _collect(old, actor=actor, at=now, note=note or _("更换印章，收缴旧章"))
    _activate(new, actor=actor, at=now)
    return new


# Storage, loss and reissue --------------------------------------------------------


@transaction.atomic
def seal_move_storage(*, actor: Any, seal_id: int, storage_location: str) -> Seal:
    """Change the fixed storage place; the change is journaled (REQ-065)."""
    seal = _seal_for(actor, seal_id, "seal.keep")
    storage_location = storage_location.strip()
    if not storage_location:
        raise InvalidInput(
            _("请填写印章的固定存放地点"), code="storage_location_required"
        )
    if seal.status not in ACTIVE_STATUSES:
        raise Conflict(_("该印章已停止使用"), code="seal_not_active")
    if storage_location == seal.storage_location:
        return seal
    with audit.recorded(
        actor=actor, event="seal.storage_moved", subject=seal, fields=SEAL_FIELDS
    ):
        seal.storage_location = storage_location
    return seal


@transaction.atomic
def seal_report_loss(
    *, actor: Any, seal_id: int, lost_on: dt.date, circumstances: str
) -> LossReport:
    """The seal is lost: unusable at once, reported to the issuing authority, and the
    reissue applied for (REQ-061)."""
    seal = _seal_for(actor, seal_id, "seal.keep")
    if not circumstances.strip():
        raise InvalidInput(_("请说明遗失经过"), code="circumstances_required")
    if lost_on is None or lost_on > clock.today():
        raise InvalidInput(_("遗失日期不能晚于今天"), code="lost_on_invalid")
    now = clock.now()
    with audit.recorded(
        actor=actor, event="seal.lost", subject=seal, fields=SEAL_FIELDS
    ):
        move_to(seal, SealStatus.LOST)
        _retire(seal, actor=actor, at=now)
    report = LossReport.objects.create(
        seal=seal,
        lost_on=lost_on,
        circumstances=circumstances.strip(),
        reported_by=actor,
        reported_at=now,
    )
    audit.record(
        actor=actor,
        event="seal.loss_reported",
        subject=seal,
        after={"loss_report": report.pk, "lost_on": lost_on},
        note=report.circumstances,
    )
    return report


@transaction.atomic
def seal_reissue(
    *,
    actor: Any,
    loss_report_id: int,
    serial: str,
    imprint: str,
    storage_location: str,
    issued_on: dt.date,
    form: str | None = None,
    note: str = "",
) -> Seal:
    """Issue the new seal for a reported loss; it names the lost seal (REQ-061)."""
    report = (
        LossReport.objects.select_for_update()
        .select_related("seal__committee")
        .filter(pk=loss_report_id)
        .first()
    )
    if report is None:
        raise NotFound(code="loss_report_not_found")
    policy.require(actor, "seal.issue", report)
    if report.closed_at is not None:
        raise Conflict(_("该遗失报告已办结"), code="loss_report_closed")
    lost = report.seal
    seal = _create_seal(
        actor=actor,
        committee=lost.committee,
        issuer_code=lost.committee.parent_id,
        serial=serial,
        imprint=imprint,
        form=form or lost.form,
        storage_location=storage_location,
        issued_on=issued_on,
        kind=lost.kind,
        replaces=lost,
        note=note,
    )
    report.reissued_seal = seal
    report.closed_at, report.closed_by = clock.now(), actor
    report.save(update_fields=["reissued_seal", "closed_at", "closed_by"])
    audit.record(
        actor=actor,
        event="seal.reissued",
        subject=lost,
        after={"loss_report": report.pk, "reissued_seal": seal.pk},
    )
    return seal


# Collection, revocation, destruction ----------------------------------------------


def _collect(seal: Seal, *, actor: Any, at: dt.datetime, note: str) -> None:
    with audit.recorded(
        actor=actor, event="seal.collected", subject=seal, fields=SEAL_FIELDS
    ):
        move_to(seal, SealStatus.COLLECTED)
        seal.collected_at = at
        _retire(seal, actor=actor, at=at)
    if note:
        audit.record(actor=actor, event="seal.collection_note", subject=seal, note=note)


@transaction.atomic
def seal_collect(*, actor: Any, seal_id: int, note: str = "") -> Seal:
    """The issuing authority takes the seal back (收缴)."""
    seal = _seal_for(actor, seal_id, "seal.issue")
    _collect(seal, actor=actor, at=clock.now(), note=note.strip())
    return seal


@transaction.atomic
def seal_revoke(*, actor: Any, seal_id: int, reason: str) -> Seal:
    """Declare the seal void (撤销): unusable from now; it is then collected or, for an
    electronic seal, its key destroyed."""
    seal = _seal_for(actor, seal_id, "seal.issue")
    if not reason.strip():
        raise InvalidInput(_("请填写撤销原因"), code="reason_required")
    now = clock.now()
    with audit.recorded(
        actor=actor, event="seal.revoked", subject=seal, fields=SEAL_FIELDS
    ):
        move_to(seal, SealStatus.REVOKED)
        seal.revoked_at = now
        _retire(seal, actor=actor, at=now)
    audit.record(actor=actor, event="seal.revoke_reason", subject=seal, note=reason)
    return seal


@transaction.atomic
def seal_destroy(*, actor: Any, seal_id: int, note: str = "") -> Seal:
    """Destroy a collected seal (or the key of a revoked electronic seal)."""
    seal = _seal_for(actor, seal_id, "seal.issue")
    if seal.status == SealStatus.REVOKED and seal.form == SealForm.PHYSICAL:
        raise Conflict(_("实物印章须先收缴再销毁"), code="collect_before_destroying")
    with audit.recorded(
        actor=actor, event="seal.destroyed", subject=seal, fields=SEAL_FIELDS
    ):
        move_to(seal, SealStatus.DESTROYED)
        seal.destroyed_at = clock.now()
    if note.strip():
        audit.record(
            actor=actor, event="seal.destruction_note", subject=seal, note=note.strip()
        )
    return seal


# Abolition and merger (REQ-063) ---------------------------------------------------


@receiver(committee_deactivated, dispatch_uid="seals.block_committee_seals")
def _on_committee_deactivated(sender, committee: Division, actor: Any, **kwargs):
    seals_block_for_committee(committee=committee, actor=actor)


def seals_block_for_committee(*, committee: Division, actor: Any) -> CollectionTask:
    """Block every seal of a merged or abolished committee at once and open the
    township's collection task (REQ-063). Runs inside the transaction that changes the
    committee, whose service has already checked the policy."""
    now = clock.now()
    seals = list(
        Seal.objects.select_for_update()
        .filter(committee=committee, status__in=ACTIVE_STATUSES)
        .order_by("pk")
    )
    for seal in seals:
        with audit.recorded(
            actor=actor, event="seal.blocked", subject=seal, fields=SEAL_FIELDS
        ):
            move_to(seal, SealStatus.BLOCKED)
            _retire(seal, actor=actor, at=now)
    for handover in Handover.objects.select_for_update().filter(
        committee=committee, status=HandoverStatus.OPEN
    ):
        _cancel_handover(
            handover, actor=actor, at=now, reason=_("村（居）委会已合并或撤销")
        )
    reason = _("%(status)s（%(reference)s）") % {
        "status": committee.get_status_display(),
        "reference": committee.status_reference,
    }
    task = CollectionTask.objects.filter(
        committee=committee, closed_at__isnull=True
    ).first()
    if task is None:
        task = CollectionTask.objects.create(
            committee=committee, reason=reason, opened_at=now, opened_by=person(actor)
        )
        audit.record(
            actor=actor,
            event="seal.collection_task_opened",
            subject=task,
            after={"committee": committee.code, "seals": [s.pk for s in seals]},
            note=reason,
        )
    return task


@transaction.atomic
def collection_task_confirm(
    *, actor: Any, task_id: int, note: str = ""
) -> CollectionTask:
    """The township confirms it has taken back the committee's seals: every one still to
    be collected is recorded collected now, and the task closes. A lost seal stays
    lost (it cannot be collected until found); the note should say so."""
    task = (
        CollectionTask.objects.select_for_update()
        .select_related("committee")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound(code="collection_task_not_found")
    policy.require(actor, "seal.issue", task)
    if task.closed_at is not None:
        raise Conflict(_("该收缴任务已确认"), code="collection_task_closed")
    now = clock.now()
    seals = list(
        Seal.objects.select_for_update()
        .filter(committee=task.committee, status__in=TO_COLLECT_STATUSES)
        .order_by("pk")
    )
    for seal in seals:
        _collect(seal, actor=actor, at=now, note="")
    with audit.recorded(
        actor=actor,
        event="seal.collection_task_confirmed",
        subject=task,
        fields=["closed_at", "closed_by", "note"],
    ):
        task.closed_at, task.closed_by, task.note = now, actor, note.strip()
    return task


# Custody (REQ-064, REQ-067) ---------------------------------------------------------


def _require_head_of(actor: Any, seal_or_committee: Any) -> None:
    """The act is the head's own (REQ-064: 由主任委托), not an administrator's."""
    policy.require(actor, "seal.custody", seal_or_committee)
    if Role.HEAD not in policy.roles_at(actor, seal_or_committee):
        raise NotAllowed(_("只有本村（居）委会主任可以办理"), code="head_only")


def _check_custodian(user: User, committee_code: str) -> None:
    if not user.is_active:
        raise InvalidInput(_("该用户已停用"), code="user_inactive")
    roles = set(
        RoleGrant.objects.active()
        .filter(user=user, division_id=committee_code)
        .values_list("role", flat=True)
    )
    if Role.HEAD in roles:
        # REQ-067, DIV-01: the head approves sealings, so never keeps the seal.
        raise SeparationOfDuties(
            _("主任是用印签批人，不能兼任印章管理人"), code="custodian_is_head"
        )
    if Role.CUSTODIAN not in roles:
        raise InvalidInput(
            _("该人员没有本村（居）委会“印章管理人”岗位，请先由民政部门授予"),
            code="custodian_role_required",
        )


def _user(user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("用户不存在"), code="user_not_found")
    return user


@transaction.atomic
def custody_appoint(*, actor: Any, seal_id: int, custodian_id: int) -> Custody:
    """The head entrusts the seal to one person (REQ-064). Refused when the seal already
    has its custodian: a change of custodian is a handover (REQ-068)."""
    seal = lock_seal(seal_id)
    _require_head_of(actor, seal)
    if seal.status not in ACTIVE_STATUSES:
        raise Conflict(_("该印章已停止使用"), code="seal_not_active")
    current = selectors.current_custody(seal)
    if current is not None:
        raise Conflict(
            _("该印章已有印章管理人（%s）；更换印章管理人须办理移交")
            % current.custodian.display_name,
            code="custodian_exists",
        )
    custodian = _user(custodian_id)
    _check_custodian(custodian, seal.committee_id)
    try:
        with transaction.atomic():
            custody = Custody.objects.create(
                seal=seal, custodian=custodian, appointed_by=actor, since=clock.now()
            )
    except IntegrityError as exc:  # the partial unique index (REQ-064)
        raise Conflict(_("该印章已有印章管理人"), code="custodian_exists") from exc
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
    "refusal_reason",
    "out_at",
    "out_recorded_by",
    "returned_at",
    "return_recorded_by",
]


def _takeout_for(actor: Any, takeout_id: int, action: str) -> TakeOut:
    takeout = (
        TakeOut.objects.select_for_update()
        .select_related("seal")
        .filter(pk=takeout_id)
        .first()
    )
    if takeout is None:
        raise NotFound(code="takeout_not_found")
    policy.require(actor, action, takeout)
    return takeout


def _record_takeout(takeout: TakeOut, *, actor: Any, event: str, before: dict) -> None:
    audit.record(
        actor=actor,
        event=event,
        subject=takeout.seal,
        before=before,
        after={"takeout": takeout.pk, **audit.snapshot(takeout, TAKEOUT_FIELDS)},
    )


@transaction.atomic
def takeout_request(
    *, actor: Any, seal_id: int, purpose: str, due_back_at: dt.datetime
) -> TakeOut:
    seal = _seal_for(actor, seal_id, "seal.keep")
    if not purpose.strip():
        raise InvalidInput(_("请填写带离事由"), code="purpose_required")
    now = clock.now()
    if due_back_at is None or due_back_at <= now:
        raise InvalidInput(_("应归还时间须晚于现在"), code="due_back_invalid")
    if seal.status != SealStatus.IN_USE:
        raise Conflict(_("只有在用的印章可以申请带离"), code="seal_not_in_use")
    takeout = TakeOut.objects.create(
        seal=seal,
        purpose=purpose.strip(),
        due_back_at=due_back_at,
        requested_by=actor,
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
    *, actor: Any, takeout_id: int, approve: bool, reason: str = ""
) -> TakeOut:
    """The head approves or refuses taking the seal out (REQ-066: 经主任批准)."""
    takeout = _takeout_for(actor, takeout_id, "seal.custody")
    _require_head_of(actor, takeout)
    if not approve and not reason.strip():
        raise InvalidInput(_("请填写不批准的理由"), code="reason_required")
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
def takeout_leave(*, actor: Any, takeout_id: int) -> TakeOut:
    """The seal leaves the office: only on an approved permit (REQ-066)."""
    takeout = _takeout_for(actor, takeout_id, "seal.keep")
    seal = lock_seal(takeout.seal_id)
    if takeout.status != TakeOutStatus.APPROVED:
        raise Conflict(
            _("未经主任批准，印章不得带离办公室"), code="takeout_not_approved"
        )
    require_usable(seal)
    before = audit.snapshot(takeout, TAKEOUT_FIELDS)
    move_to(takeout, TakeOutStatus.OUT)
    takeout.out_at, takeout.out_recorded_by = clock.now(), actor
    try:
        with transaction.atomic():
            takeout.save(update_fields=TAKEOUT_FIELDS)
    except IntegrityError as exc:
        raise Conflict(_("该印章已带离办公室"), code="seal_already_out") from exc
    _record_takeout(takeout, actor=actor, event="seal.taken_out", before=before)
    return takeout


@transaction.atomic
def takeout_return(*, actor: Any, takeout_id: int) -> TakeOut:
    takeout = _takeout_for(actor, takeout_id, "seal.keep")
    before = audit.snapshot(takeout, TAKEOUT_FIELDS)
    move_to(takeout, TakeOutStatus.RETURNED)
    takeout.returned_at, takeout.return_recorded_by = clock.now(), actor
    takeout.save(update_fields=TAKEOUT_FIELDS)
    _record_takeout(takeout, actor=actor, event="seal.returned", before=before)
    return takeout


def _close_takeouts(seal: Seal, *, actor: Any, at: dt.datetime) -> None:
    """A retired seal has no open permits: pending ones lapse as refused; one that is
    out stays on record as out (its return may still be recorded)."""
    for takeout in TakeOut.objects.select_for_update().filter(
        seal=seal, status__in=[TakeOutStatus.REQUESTED, TakeOutStatus.APPROVED]
    ):
        before = audit.snapshot(takeout, TAKEOUT_FIELDS)
        # A lapse, not a decision: outside TakeOut.TRANSITIONS on purpose.
        takeout.status = TakeOutStatus.REFUSED
        takeout.refusal_reason = _("印章已停止使用")
        takeout.decided_at = takeout.decided_at or at
        takeout.save(update_fields=["status", "refusal_reason", "decided_at"])
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
    "cancel_reason",
]


def handover_due_on(trigger_date: dt.date) -> dt.date:
    """REQ-068: 10 days after the trigger, counted in calendar days (the seed says
    “10日”, not 工作日; the requirement's test reads T+10)."""
    return trigger_date + dt.timedelta(days=HANDOVER_DAYS)


def _handover_for(actor: Any, handover_id: int) -> Handover:
    handover = (
        Handover.objects.select_for_update()
        .select_related("committee")
        .filter(pk=handover_id)
        .first()
    )
    if handover is None or not policy.can(actor, "seal.view", handover):
        raise NotFound(code="handover_not_found")
    return handover


@transaction.atomic
def handover_open(
    *,
    actor: Any,
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
        raise NotFound(code="committee_not_found")
    _require_head_of(actor, committee)
    if not committee.is_active:
        raise Conflict(_("该村（居）委会已合并或撤销"), code="committee_inactive")
    if trigger not in HandoverTrigger.values:
        raise InvalidInput(_("移交原因无效"), code="trigger_invalid")
    if trigger == HandoverTrigger.OTHER and not trigger_note.strip():
        raise InvalidInput(_("请说明移交原因"), code="trigger_note_required")
    if trigger_date is None or trigger_date > clock.today():
        raise InvalidInput(_("起算日期不能晚于今天"), code="trigger_date_invalid")
    if outgoing_id == incoming_id:
        raise InvalidInput(_("移交人与接收人须为两个不同的人"), code="same_person")
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
            code="nothing_to_hand_over",
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
                opened_by=actor,
                opened_at=clock.now(),
            )
    except IntegrityError as exc:
        raise Conflict(
            _("本村（居）委会已有办理中的印章移交"), code="handover_open_exists"
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


def _may_confirm(actor: Any, handover: Handover, side: str) -> bool:
    if side == HandoverSide.INCOMING:
        return actor.pk == handover.incoming_id
    # The outgoing custodian, or the head for them (who may have left the committee).
    return actor.pk == handover.outgoing_id or (
        Role.HEAD in policy.roles_at(actor, handover)
    )


@transaction.atomic
def handover_check_item(
    *, actor: Any, item_id: int, checked: bool = True
) -> HandoverItem:
    item = HandoverItem.objects.filter(pk=item_id).first()
    if item is None:
        raise NotFound(code="handover_item_not_found")
    handover = _handover_for(actor, item.handover_id)
    item = HandoverItem.objects.select_for_update().get(pk=item_id)
    if handover.status != HandoverStatus.OPEN:
        raise Conflict(_("该移交已结束"), code="handover_closed")
    if not any(_may_confirm(actor, handover, side) for side in HandoverSide.values):
        raise NotAllowed(code="not_a_handover_party")
    if handover.outgoing_confirmed_at or handover.incoming_confirmed_at:
        raise Conflict(_("已有一方确认，清单不能再改动"), code="handover_confirmed")
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
def handover_confirm(*, actor: Any, handover_id: int, side: str) -> Handover:
    """One side confirms the handover; when both have, it completes and the incoming
    custodian keeps the seals (REQ-068). The two confirmations are by two people."""
    handover = _handover_for(actor, handover_id)
    if side not in HandoverSide.values:
        raise InvalidInput(code="side_invalid")
    if handover.status != HandoverStatus.OPEN:
        raise Conflict(_("该移交已结束"), code="handover_closed")
    if not _may_confirm(actor, handover, side):
        raise NotAllowed(
            _("只有接收人本人可以确认接收；移交方由原印章管理人或主任确认"),
            code="not_this_side",
        )
    if handover.items.filter(checked=False).exists():
        raise Conflict(_("移交清单尚有未清点的条目"), code="checklist_incomplete")
    other_by = (
        handover.incoming_confirmed_by_id
        if side == HandoverSide.OUTGOING
        else handover.outgoing_confirmed_by_id
    )
    if other_by == actor.pk:
        raise SeparationOfDuties(
            _("移交方和接收方须由两个不同的人确认"), code="same_person_confirms"
        )
    if getattr(handover, f"{side}_confirmed_at") is not None:
        raise Conflict(_("该方已确认"), code="already_confirmed")
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


def _complete_handover(handover: Handover, *, actor: Any, at: dt.datetime) -> None:
    _check_custodian(handover.incoming, handover.committee_id)
    seal_ids = [
        i.seal_id for i in handover.items.filter(seal__isnull=False).order_by("seal_id")
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
    handover: Handover, *, actor: Any, at: dt.datetime, reason: str
) -> None:
    with audit.recorded(
        actor=actor,
        event="seal.handover_cancelled",
        subject=handover,
        fields=HANDOVER_FIELDS,
    ):
        move_to(handover, HandoverStatus.CANCELLED)
        handover.cancelled_at, handover.cancel_reason = at, reason[:300]


@transaction.atomic
def handover_cancel(*, actor: Any, handover_id: int, reason: str) -> Handover:
    """The head, or the township, withdraws a handover opened in error."""
    handover = _handover_for(actor, handover_id)
    if not (
        policy.can(actor, "seal.issue", handover)
        or Role.HEAD in policy.roles_at(actor, handover)
    ):
        raise NotAllowed(code="not_allowed")
    if not reason.strip():
        raise InvalidInput(_("请填写取消原因"), code="reason_required")
    if handover.status != HandoverStatus.OPEN:
        raise Conflict(_("该移交已结束"), code="handover_closed")
    _cancel_handover(handover, actor=actor, at=clock.now(), reason=reason.strip())
    return handover
