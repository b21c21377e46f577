"""The seal row every sealing and registry act starts from: lock it, and refuse it unless
it may be applied now.

A transaction that changes a seal or applies it first takes the row lock (`lock_seal`,
or `_seal_for`, which also asks the policy for the act). `require_usable(seal)` raises
SealUnusable, whose message says why: the seal is out of the office on a take-out
(REQ-066) or it has stopped being usable — lost, blocked, revoked, collected or
destroyed (REQ-061–063). The registry, custody and the sealing work (usage) share these;
electronic sealing reaches them through `seals/esign_port.py`.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yinzheng.accounts import policy
from yinzheng.accounts.policy import Actor
from yinzheng.core.db import unique_row
from yinzheng.core.errors import Conflict, CoreCode, NotFound

from .. import selectors
from ..errors import SealCode
from ..models import Seal


class SealUnusable(Conflict):
    code = SealCode.SEAL_UNUSABLE
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
        state = str(REASON_MESSAGES[reason])
    else:
        state = _("印章状态为“%s”") % seal.get_status_display()
    raise SealUnusable(
        _("印章 %(serial)s 不能使用：%(state)s")
        % {"serial": seal.serial, "state": state},
        detail={"seal": seal.pk, "status": seal.status, "reason": reason},
    )


def lock_seal(seal_id: int) -> Seal:
    # The seal's row only, and FOR NO KEY UPDATE: a plain FOR UPDATE over the join
    # locked the committee's and the township's rows too, and any FOR UPDATE makes
    # every insert naming the row (its foreign-key check) wait to the commit, which
    # deadlocked intakes, verifications and sealings on the county's audit chain
    # (issue 15). Sealings of one seal still queue on it.
    seal = unique_row(
        Seal.objects.select_for_update(of=("self",), no_key=True)
        .select_related("committee", "issuer")
        .filter(pk=seal_id)
    )
    if seal is None:
        raise NotFound(_("印章不存在"), code=CoreCode.SEAL_NOT_FOUND)
    return seal


def _seal_for(actor: Actor, seal_id: int, action: str) -> Seal:
    seal = lock_seal(seal_id)
    policy.require(actor, action, seal)
    return seal
