"""The seal registry's actions in the one policy (REQ-059–068).

The township is the issuing authority (REQ-060): it issues, activates, reissues,
replaces, collects, revokes and destroys seals. The committee keeps them: the head
appoints the custodian, approves taking a seal out and opens handovers; head and
custodian move the storage place, report a loss and record a take-out and its return.
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import COMMITTEE_WORK_READERS, Role

for _action in [
    policy.Action(
        "seal.view", _("查看印章登记、保管与移交记录"), COMMITTEE_WORK_READERS
    ),
    policy.Action(
        "seal.issue",
        _("制发、启用、补发、更换、收缴、撤销、销毁印章（制发机关）"),
        frozenset({Role.TOWNSHIP, Role.ADMIN}),
    ),
    policy.Action(
        "seal.custody",
        _("委托印章管理人、批准印章带离、发起印章移交（主任）"),
        frozenset({Role.HEAD}),
    ),
    policy.Action(
        "seal.keep",
        _("变更印章存放地点、报告遗失、登记印章带离与归还"),
        frozenset({Role.HEAD, Role.CUSTODIAN, Role.TOWNSHIP, Role.ADMIN}),
    ),
    # Sealing (REQ-053–058, DIV-01, DIV-12): the clerk files and may review, the head
    # approves (and may review), the custodian registers and applies the seal.
    policy.Action(
        "usage.request",
        _("提出用印申请、登记公示与表决情况"),
        frozenset({Role.CLERK, Role.HEAD, Role.CUSTODIAN}),
    ),
    policy.Action(
        "usage.review",
        _("审核用印申请（先审核、后用印）"),
        frozenset({Role.CLERK, Role.HEAD}),
    ),
    policy.Action("usage.approve", _("签批用印（主任）"), frozenset({Role.HEAD})),
    policy.Action(
        "usage.seal", _("登记并加盖印章（印章管理人）"), frozenset({Role.CUSTODIAN})
    ),
]:
    policy.register(_action)


# What the seal pages and the API offer (policy.allowed_actions) --------------------
#
# The action at the seal's committee (above) and the state the service accepts; the
# services check both again, and the separation of duties (REQ-067, DIV-01) there too.


def _offers() -> None:
    from yinzheng.divisions.models import Division

    from .choices import (
        ACTIVE_STATUSES,
        OPEN_USE_STATUSES,
        HandoverStatus,
        MajorMatter,
        SealForm,
        SealStatus,
        TakeOutStatus,
        UseStatus,
        VoteResult,
    )
    from .models import Handover, Seal, TakeOut, UsageRequest
    from .selectors import current_custody

    def status_in(*statuses: str) -> Callable[[Any, Any], bool]:
        return lambda obj, _user: obj.status in statuses

    def keeps(usage: Any, user: Any) -> bool:
        custody = current_custody(usage.seal)
        return custody is not None and custody.custodian_id == user.pk

    def active(seal: Any, _user: Any) -> bool:
        return seal.status in ACTIVE_STATUSES

    issue, keep, custody = "seal.issue", "seal.keep", "seal.custody"
    policy.offer(
        Seal,
        policy.ObjectAction("activate", issue, status_in(SealStatus.ISSUED)),
        policy.ObjectAction(
            "replace",
            issue,
            lambda s, u: (
                s.status == SealStatus.IN_USE
                and s.successors.filter(status=SealStatus.ISSUED).exists()
            ),
        ),
        policy.ObjectAction(
            "collect",
            issue,
            lambda s, u: SealStatus.COLLECTED in Seal.TRANSITIONS.get(s.status, ()),
        ),
        policy.ObjectAction(
            "revoke", issue, status_in(SealStatus.ISSUED, SealStatus.IN_USE)
        ),
        policy.ObjectAction(
            "destroy",
            issue,
            lambda s, u: (
                s.status == SealStatus.COLLECTED
                or (s.status == SealStatus.REVOKED and s.form == SealForm.ELECTRONIC)
            ),
        ),
        policy.ObjectAction("storage", keep, active),
        policy.ObjectAction("report_loss", keep, active),
        # An electronic seal is a key: it never leaves the office (issue 16).
        policy.ObjectAction(
            "take_out",
            keep,
            lambda s, u: (
                s.status == SealStatus.IN_USE and s.form != SealForm.ELECTRONIC
            ),
        ),
        policy.ObjectAction(
            "appoint_custodian",
            custody,
            lambda s, u: active(s, u) and current_custody(s) is None,
        ),
    )
    policy.offer(
        TakeOut,
        policy.ObjectAction("decide", custody, status_in(TakeOutStatus.REQUESTED)),
        policy.ObjectAction("leave", keep, status_in(TakeOutStatus.APPROVED)),
        policy.ObjectAction("return", keep, status_in(TakeOutStatus.OUT)),
    )

    def handover_open(h: Any) -> bool:
        return h.status == HandoverStatus.OPEN

    def outgoing_side(h: Any, user: Any) -> bool:
        # The outgoing custodian, or the head for them (REQ-068).
        return user.pk == h.outgoing_id or policy.can(user, custody, h)

    def unconfirmed(h: Any) -> bool:
        return not (h.outgoing_confirmed_at or h.incoming_confirmed_at)

    policy.offer(
        Handover,
        policy.ObjectAction(
            "check",
            "seal.view",
            lambda h, u: (
                handover_open(h)
                and unconfirmed(h)
                and (outgoing_side(h, u) or u.pk == h.incoming_id)
            ),
        ),
        policy.ObjectAction(
            "confirm_outgoing",
            "seal.view",
            lambda h, u: (
                handover_open(h) and not h.outgoing_confirmed_at and outgoing_side(h, u)
            ),
        ),
        policy.ObjectAction(
            "confirm_incoming",
            "seal.view",
            lambda h, u: (
                handover_open(h)
                and not h.incoming_confirmed_at
                and u.pk == h.incoming_id
            ),
        ),
        policy.ObjectAction("cancel", (custody, issue), lambda h, u: handover_open(h)),
    )

    policy.offer(
        UsageRequest,
        # A custodian never reviews or approves a matter on the seal they keep
        # (REQ-067, DIV-01); only the seal's current custodian seals (REQ-070).
        policy.ObjectAction(
            "review",
            "usage.review",
            lambda r, u: r.status == UseStatus.SUBMITTED and not keeps(r, u),
        ),
        policy.ObjectAction(
            "approve",
            "usage.approve",
            lambda r, u: r.status == UseStatus.REVIEWED and not keeps(r, u),
        ),
        policy.ObjectAction(
            "seal",
            "usage.seal",
            lambda r, u: r.status == UseStatus.APPROVED and keeps(r, u),
        ),
        policy.ObjectAction(
            "notice",
            "usage.request",
            lambda r, u: (
                r.status in OPEN_USE_STATUSES and r.major_matter == MajorMatter.NOTICE
            ),
        ),
        policy.ObjectAction(
            "vote",
            "usage.request",
            lambda r, u: (
                r.status in OPEN_USE_STATUSES
                and r.major_matter == MajorMatter.VOTE
                and r.vote_result != VoteResult.PASSED
            ),
        ),
        policy.ObjectAction(
            "withdraw",
            "usage.request",
            lambda r, u: (
                r.status in OPEN_USE_STATUSES
                and (u.pk == r.handler_id or policy.can(u, "usage.approve", r))
            ),
        ),
    )

    def no_open_handover(committee: Any) -> bool:
        return not Handover.objects.filter(
            committee=committee, status=HandoverStatus.OPEN
        ).exists()

    policy.offer(
        Division,
        policy.ObjectAction(
            "open_handover",
            custody,
            lambda d, u: d.is_committee and d.is_active and no_open_handover(d),
        ),
        policy.ObjectAction(
            "issue_seal", issue, lambda d, u: d.is_committee and d.is_active
        ),
    )


_offers()
