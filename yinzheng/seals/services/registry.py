"""The seal registry: the life of a committee seal from issue to destruction (REQ-059–063,
REQ-065).

The committee's township, and only it, registers a seal as its issuing authority
(REQ-060), with its fixed storage place (REQ-065); the seal is ISSUED and becomes IN_USE
when the township activates it, which needs a custodian (REQ-064). A loss report makes
the seal unusable at once and lands in the township's queue as the application for a
reissue; the reissued seal names the lost one (REQ-061). A replacement is registered
first and activated only by `seal_replace`, in the transaction that records the
collection of the old seal (REQ-062). When a committee is merged or abolished, the
`committee_deactivated` signal blocks all its seals and opens a collection task that
stays open until the township confirms the collection (REQ-063). Revoked and collected
seals are destroyed at the end. No state after IN_USE leads back to it: once unusable,
a seal is never usable again; retiring it ends its custody and its pending take-outs and
revokes an electronic seal's certificate (REQ-115).
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person, require_person
from yinzheng.core.codes import Level
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.core.text import bracket_inner
from yinzheng.core.transitions import move_to
from yinzheng.divisions.models import Division
from yinzheng.divisions.services import committee_deactivated
from yinzheng.esign import services as esign
from yinzheng.esign.choices import RevocationReason
from yinzheng.ledger import audit

from .. import selectors
from ..choices import (
    ACTIVE_STATUSES,
    TO_COLLECT_STATUSES,
    CollectionReason,
    CustodyEnd,
    HandoverCancel,
    HandoverStatus,
    SealForm,
    SealKind,
    SealStatus,
)
from ..errors import SealCode
from ..models import CollectionTask, Custody, Handover, LossReport, Seal
from .custody import _cancel_handover, _close_takeouts
from .seal import _seal_for, lock_seal

SEAL_FIELDS = [
    "status",
    "storage_location",
    "activated_at",
    "unusable_since",
    "revoked_at",
    "collected_at",
    "destroyed_at",
]


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


def _retire(seal: Seal, *, actor: Actor, at: dt.datetime) -> None:
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
        raise NotFound(
            _("村（居）委会 %s 不存在") % code, code=CoreCode.COMMITTEE_NOT_FOUND
        )
    return committee


def _create_seal(
    *,
    actor: Actor,
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
            code=SealCode.ISSUER_NOT_TOWNSHIP,
            detail={"issuer": issuer_code, "township": committee.parent_id},
        )
    if not committee.is_active:
        raise Conflict(
            _("该村（居）委会已合并或撤销"), code=CoreCode.COMMITTEE_INACTIVE
        )
    serial, imprint = serial.strip(), imprint.strip()
    storage_location = storage_location.strip()
    if not storage_location:
        raise InvalidInput(
            _("请填写印章的固定存放地点"), code=SealCode.STORAGE_LOCATION_REQUIRED
        )  # REQ-065
    if not serial:
        raise InvalidInput(_("请填写印章编号"), code=CoreCode.SERIAL_REQUIRED)
    if not imprint:
        raise InvalidInput(_("请填写印文"), code=SealCode.IMPRINT_REQUIRED)
    if form not in SealForm.values:
        raise InvalidInput(_("印章形式无效"), code=SealCode.FORM_INVALID)
    if kind not in SealKind.values:
        raise InvalidInput(_("印章类别无效"), code=CoreCode.KIND_INVALID)
    if issued_on is None or issued_on > clock.today():
        raise InvalidInput(_("制发日期不能晚于今天"), code=SealCode.ISSUED_ON_INVALID)
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
        raise Conflict(
            _("印章编号 %s 已存在") % serial, code=CoreCode.SERIAL_TAKEN
        ) from exc
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
    actor: Actor,
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
                _("被替换的印章不属于该村（居）委会"),
                code=SealCode.REPLACES_OTHER_COMMITTEE,
            )
        if replaces.status not in ACTIVE_STATUSES:
            raise Conflict(
                _("只能替换在用或未启用的印章；遗失的印章请通过补发办理"),
                code=SealCode.REPLACES_NOT_ACTIVE,
            )
        if replaces.successors.filter(status__in=ACTIVE_STATUSES).exists():
            raise Conflict(
                _("该印章已有待启用的替换印章"), code=SealCode.REPLACEMENT_EXISTS
            )
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


def _activate(seal: Seal, *, actor: Actor, at: dt.datetime) -> None:
    if selectors.current_custody(seal) is None:
        # REQ-064: every seal in use has its one custodian.
        raise Conflict(
            _("启用前须由主任委托印章管理人"), code=SealCode.CUSTODIAN_REQUIRED
        )
    with audit.recorded(
        actor=actor, event="seal.activated", subject=seal, fields=SEAL_FIELDS
    ):
        move_to(seal, SealStatus.IN_USE)
        seal.activated_at = at


@transaction.atomic
def seal_activate(*, actor: Actor, seal_id: int) -> Seal:
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
            code=SealCode.REPLACEMENT_NEEDS_COLLECTION,
        )
    _activate(seal, actor=actor, at=clock.now())
    return seal


@transaction.atomic
def seal_replace(
    *, actor: Actor, old_seal_id: int, new_seal_id: int, note: str = ""
) -> Seal:
    """Collect the old seal and activate its replacement, in this one transaction
    (REQ-062: 颁发新印章的同时收缴其旧印章). Returns the new seal."""
    ids = sorted([old_seal_id, new_seal_id])
    locked = {pk: lock_seal(pk) for pk in ids}  # key order: no deadlock
    old, new = locked[old_seal_id], locked[new_seal_id]
    policy.require(actor, "seal.issue", old)
    if new.replaces_id != old.pk:
        raise InvalidInput(
            _("新印章登记时须注明替换的是该旧印章"), code=SealCode.NOT_A_REPLACEMENT
        )
    if new.status != SealStatus.ISSUED:
        raise Conflict(_("新印章不是待启用状态"), code=SealCode.REPLACEMENT_NOT_ISSUED)
    now = clock.now()
    _collect(old, actor=actor, at=now, note=note or _("更换印章，收缴旧章"))
    _activate(new, actor=actor, at=now)
    return new


# Storage, loss and reissue --------------------------------------------------------


@transaction.atomic
def seal_move_storage(*, actor: Actor, seal_id: int, storage_location: str) -> Seal:
    """Change the fixed storage place; the change is journaled (REQ-065)."""
    seal = _seal_for(actor, seal_id, "seal.keep")
    storage_location = storage_location.strip()
    if not storage_location:
        raise InvalidInput(
            _("请填写印章的固定存放地点"), code=SealCode.STORAGE_LOCATION_REQUIRED
        )
    if seal.status not in ACTIVE_STATUSES:
        raise Conflict(_("该印章已停止使用"), code=CoreCode.SEAL_NOT_ACTIVE)
    if storage_location == seal.storage_location:
        return seal
    with audit.recorded(
        actor=actor, event="seal.storage_moved", subject=seal, fields=SEAL_FIELDS
    ):
        seal.storage_location = storage_location
    return seal


@transaction.atomic
def seal_report_loss(
    *, actor: Actor, seal_id: int, lost_on: dt.date, circumstances: str
) -> LossReport:
    """The seal is lost: unusable at once, reported to the issuing authority, and the
    reissue applied for (REQ-061)."""
    seal = _seal_for(actor, seal_id, "seal.keep")
    if not circumstances.strip():
        raise InvalidInput(_("请说明遗失经过"), code=SealCode.CIRCUMSTANCES_REQUIRED)
    if lost_on is None or lost_on > clock.today():
        raise InvalidInput(_("遗失日期不能晚于今天"), code=SealCode.LOST_ON_INVALID)
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
        reported_by=require_person(actor),
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
    actor: Actor,
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
        LossReport.objects.select_for_update(of=("self",), no_key=True)
        .select_related("seal__committee")
        .filter(pk=loss_report_id)
        .first()
    )
    if report is None:
        raise NotFound(code=SealCode.LOSS_REPORT_NOT_FOUND)
    policy.require(actor, "seal.issue", report)
    if report.closed_at is not None:
        raise Conflict(_("该遗失报告已办结"), code=SealCode.LOSS_REPORT_CLOSED)
    lost = report.seal
    seal = _create_seal(
        actor=actor,
        committee=lost.committee,
        issuer_code=lost.committee.parent_id or "",
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


def _collect(seal: Seal, *, actor: Actor, at: dt.datetime, note: str) -> None:
    with audit.recorded(
        actor=actor, event="seal.collected", subject=seal, fields=SEAL_FIELDS
    ):
        move_to(seal, SealStatus.COLLECTED)
        seal.collected_at = at
        _retire(seal, actor=actor, at=at)
    if note:
        audit.record(actor=actor, event="seal.collection_note", subject=seal, note=note)


@transaction.atomic
def seal_collect(*, actor: Actor, seal_id: int, note: str = "") -> Seal:
    """The issuing authority takes the seal back (收缴)."""
    seal = _seal_for(actor, seal_id, "seal.issue")
    _collect(seal, actor=actor, at=clock.now(), note=note.strip())
    return seal


@transaction.atomic
def seal_revoke(*, actor: Actor, seal_id: int, reason: str) -> Seal:
    """Declare the seal void (撤销): unusable from now; it is then collected or, for an
    electronic seal, its key destroyed."""
    seal = _seal_for(actor, seal_id, "seal.issue")
    if not reason.strip():
        raise InvalidInput(_("请填写撤销原因"), code=CoreCode.REASON_REQUIRED)
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
def seal_destroy(*, actor: Actor, seal_id: int, note: str = "") -> Seal:
    """Destroy a collected seal (or the key of a revoked electronic seal): an
    electronic seal's private key is erased with it (esign.seal_key_destroy)."""
    seal = _seal_for(actor, seal_id, "seal.issue")
    if seal.status == SealStatus.REVOKED and seal.form == SealForm.PHYSICAL:
        raise Conflict(
            _("实物印章须先收缴再销毁"), code=SealCode.COLLECT_BEFORE_DESTROYING
        )
    with audit.recorded(
        actor=actor, event="seal.destroyed", subject=seal, fields=SEAL_FIELDS
    ):
        move_to(seal, SealStatus.DESTROYED)
        seal.destroyed_at = clock.now()
    esign.seal_key_destroy(actor=actor, seal=seal)  # an electronic seal's private key
    if note.strip():
        audit.record(
            actor=actor, event="seal.destruction_note", subject=seal, note=note.strip()
        )
    return seal


# Abolition and merger (REQ-063) ---------------------------------------------------


@receiver(committee_deactivated, dispatch_uid="seals.block_committee_seals")
def _on_committee_deactivated(
    sender: Any, committee: Division, actor: Actor, **kwargs: Any
) -> None:
    seals_block_for_committee(committee=committee, actor=actor)


def seals_block_for_committee(*, committee: Division, actor: Actor) -> CollectionTask:
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
            handover, actor=actor, at=now, code=HandoverCancel.COMMITTEE_CLOSED
        )
    # The committee's fate as a code, the reference as given (issue 16): read in
    # the reader's language (CollectionTask.reason_text).
    code = CollectionReason(committee.status)
    reason = bracket_inner(committee.status_reference)[:200]
    task = CollectionTask.objects.filter(
        committee=committee, closed_at__isnull=True
    ).first()
    if task is None:
        task = CollectionTask.objects.create(
            committee=committee,
            reason_code=code,
            reason=reason,
            opened_at=now,
            opened_by=person(actor),
        )
        audit.record(
            actor=actor,
            event="seal.collection_task_opened",
            subject=task,
            after={
                "committee": committee.code,
                "seals": [s.pk for s in seals],
                "reason_code": code.value,
            },
            note=reason,
        )
    return task


@transaction.atomic
def collection_task_confirm(
    *, actor: Actor, task_id: int, note: str = ""
) -> CollectionTask:
    """The township confirms it has taken back the committee's seals: every one still to
    be collected is recorded collected now, and the task closes. A lost seal stays
    lost (it cannot be collected until found); the note should say so."""
    task = (
        CollectionTask.objects.select_for_update(of=("self",), no_key=True)
        .select_related("committee")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFound(code=SealCode.COLLECTION_TASK_NOT_FOUND)
    policy.require(actor, "seal.issue", task)
    if task.closed_at is not None:
        raise Conflict(_("该收缴任务已确认"), code=SealCode.COLLECTION_TASK_CLOSED)
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
