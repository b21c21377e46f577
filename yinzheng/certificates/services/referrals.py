"""The responsible department's queue of referred cases (一门式, REQ-118).

The clerk refers a case the committee does not issue (`closing.request_refer`); the
department it went to — an officer with a Role.DEPARTMENT grant for that department
over the jurisdiction (`policy.speaks_for`) — finds it in its queue
(`selectors.referral_queue`), acknowledges receipt (`referral_acknowledge`) and closes
it with what it did (`referral_close`); the committee reads the answer on the case.

    referred ─department─▶ acknowledged ─department─▶ closed (with the answer)

Like the Party organisation's queue (services.party, REQ-043), nothing here seals or
issues: the request stays refused, its referral records the department's steps.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.errors import CoreCode, NotAllowed, NotFound
from yinzheng.core.text import required_text
from yinzheng.core.transitions import move_to
from yinzheng.ledger import audit

from ..choices import ReferralStatus
from ..errors import CertificateCode
from ..models import Referral
from ..policy import speaks_for

REFERRAL_HANDLE = "referral.handle"
# What the audit trail keeps of a referral.
REFERRAL_FIELDS = [
    "status",
    "acknowledged_by",
    "acknowledged_at",
    "answered_by",
    "answered_at",
    "answer",
]


def _lock_referral(referral_id: int, actor: Actor) -> Referral:
    """The referral, locked, once the actor may act for its department there."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("request", "jurisdiction")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise NotFound(_("转交记录不存在"), code=CertificateCode.REFERRAL_NOT_FOUND)
    policy.require(actor, REFERRAL_HANDLE, referral)  # a department, over it
    if not speaks_for(actor, referral):  # REQ-118: and the one it went to
        raise NotAllowed(
            _("该事项转交的不是您所在的部门"),
            code=CertificateCode.NOT_THE_DEPARTMENT,
        )
    return referral


@transaction.atomic
def referral_acknowledge(*, actor: Actor, referral_id: int) -> Referral:
    """The department acknowledges receipt of a referred case."""
    referral = _lock_referral(referral_id, actor)
    with audit.recorded(
        actor=actor,
        event="certificate_referral.acknowledged",
        subject=referral,
        fields=REFERRAL_FIELDS,
    ):
        move_to(referral, ReferralStatus.ACKNOWLEDGED)
        referral.acknowledged_by, referral.acknowledged_at = person(actor), clock.now()
    return referral


@transaction.atomic
def referral_close(*, actor: Actor, referral_id: int, answer: str) -> Referral:
    """The department closes the case with what it did (the committee reads it)."""
    referral = _lock_referral(referral_id, actor)
    text = required_text(answer, _("部门办理结果"), CoreCode.NOTE_REQUIRED, 4000)
    with audit.recorded(
        actor=actor,
        event="certificate_referral.closed",
        subject=referral,
        fields=REFERRAL_FIELDS,
    ):
        move_to(referral, ReferralStatus.CLOSED)
        referral.answered_by, referral.answered_at = person(actor), clock.now()
        referral.answer = text
    return referral
