"""Divisions: a committee's merger into another, or its abolition (REQ-001, REQ-063).

Both are final for the committee. `committee_deactivated` is sent inside the same
transaction so the seal registry can block and collect the committee's seals (REQ-063).
"""

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.codes import COUNTRY_CODE, Level
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotFound
from yinzheng.ledger import audit

from .choices import CommitteeStatus
from .errors import DivisionCode
from .models import Division

# Sent with sender=Division, committee=<Division>, actor=<User> inside the transaction.
committee_deactivated = Signal()

COUNTRY_NAME = "中华人民共和国"
STATUS_FIELDS = ["status", "merged_into", "status_changed_at", "status_reference"]


def ensure_country_root() -> Division:
    """The root of the tree; a migration creates it, this brings it back after a flush."""
    root, _created = Division.objects.get_or_create(
        code=COUNTRY_CODE, defaults={"name": COUNTRY_NAME, "level": Level.COUNTRY}
    )
    return root


def _committee_for_update(code: str, actor: Actor) -> Division:
    """Lock the committee row, check the policy, then the committee's own state."""
    division = Division.objects.select_for_update().filter(code=code).first()
    if division is None:
        raise NotFound(_("区划 %s 不存在") % code, code=CoreCode.DIVISION_NOT_FOUND)
    policy.require(actor, "division.change_status", division)
    if division.level != Level.COMMITTEE:
        raise InvalidInput(
            _("只有村（居）委会可以合并或撤销"), code=DivisionCode.NOT_A_COMMITTEE
        )
    if not division.is_active:
        raise Conflict(
            _("%s 已合并或撤销，不能再变更") % division.name,
            code=CoreCode.COMMITTEE_INACTIVE,
        )
    return division


def _deactivate(
    committee: Division,
    *,
    actor: Actor,
    status: str,
    reference: str,
    merged_into: Division | None = None,
) -> Division:
    with audit.recorded(
        actor=actor,
        event=f"committee.{status}",
        subject=committee,
        fields=STATUS_FIELDS,
    ):
        committee.status = status
        committee.merged_into = merged_into
        committee.status_changed_at = clock.now()
        committee.status_reference = reference.strip()
    committee_deactivated.send(sender=Division, committee=committee, actor=actor)
    return committee


@transaction.atomic
def committee_merge(
    *, actor: Actor, code: str, into_code: str, reference: str
) -> Division:
    if not reference.strip():
        raise InvalidInput(
            _("请填写合并依据（文号）"), code=DivisionCode.REFERENCE_REQUIRED
        )
    if code == into_code:
        raise InvalidInput(_("不能并入自身"), code=DivisionCode.MERGE_INTO_SELF)
    # Lock both rows in key order so two opposite merges cannot deadlock.
    locked = {c: _committee_for_update(c, actor) for c in sorted([code, into_code])}
    return _deactivate(
        locked[code],
        actor=actor,
        status=CommitteeStatus.MERGED,
        reference=reference,
        merged_into=locked[into_code],
    )


@transaction.atomic
def committee_abolish(*, actor: Actor, code: str, reference: str) -> Division:
    if not reference.strip():
        raise InvalidInput(
            _("请填写撤销依据（文号）"), code=DivisionCode.REFERENCE_REQUIRED
        )
    committee = _committee_for_update(code, actor)
    return _deactivate(
        committee, actor=actor, status=CommitteeStatus.ABOLISHED, reference=reference
    )
