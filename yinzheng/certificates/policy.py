"""The certificate actions in the one policy.

The clerk (or the head) takes requests in, records the facts and the records an outcome
needs, verifies and refuses; the head approves and signs public-interest consultations;
the custodian seals and issues; civil affairs sets the jurisdiction's switch (REQ-039).
The community (village) Party organisation handles the Party matters transferred to it
(party.handle, REQ-043) and reads nothing else of the committee's certificate work.
A department's officer acknowledges and answers the cases referred to its department in
a jurisdiction its grant covers (referral.handle and `speaks_for`, REQ-118), and reads
nothing else of the committee's work either.

Notification-commitment (REQ-082–086): the clerk records the commitment (certificate.handle);
the township and civil affairs post-verify and draw samples; civil affairs and inspectors
read the credit records, civil affairs records their disclosure and penalty and
configures the credit platform of its jurisdiction.
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import COMMITTEE_WORK_READERS, Role

for _action in [
    policy.Action(
        "certificate.view", _("查看证明申请及办理情况"), COMMITTEE_WORK_READERS
    ),
    policy.Action(
        "certificate.handle",
        _("受理证明申请、登记核实及相关记录、不予出具、撤回、转交"),
        frozenset({Role.CLERK, Role.HEAD}),
    ),
    policy.Action(
        "certificate.overdue",
        _("督办逾期未办结的证明申请"),  # REQ-045
        frozenset({Role.CLERK, Role.HEAD, Role.TOWNSHIP}),
    ),
    policy.Action(
        "certificate.approve",
        _("签批证明、签字确认议事协商结果（主任）"),
        frozenset({Role.HEAD}),
    ),
    policy.Action(
        "certificate.seal",
        _("加盖印章并出具证明（印章管理人）"),
        frozenset({Role.CUSTODIAN}),
    ),
    # REQ-043: the Party organisation's own queue of transferred matters.
    policy.Action(
        "party.handle",
        _("办理转交村（社区）党组织的涉党证明事项"),
        frozenset({Role.PARTY}),
    ),
    # REQ-118: the responsible department's own queue of referred cases; the grant's
    # department must be the one the case went to (`speaks_for`).
    policy.Action(
        "referral.handle",
        _("签收、办结转交本部门的证明事项"),
        frozenset({Role.DEPARTMENT}),
    ),
    policy.Action(
        "certificate.configure",
        _("设置本辖区负面清单事项例外通道"),  # REQ-039
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
    ),
    policy.Action(
        "commitment.verify",
        _("告知承诺事后核查：登记核查结果、随机抽查"),  # REQ-083
        frozenset({Role.TOWNSHIP, Role.CIVIL_AFFAIRS, Role.ADMIN}),
    ),
    policy.Action(
        "credit.view",
        _("查看不实承诺的信用记录及报送情况"),  # REQ-084
        frozenset({Role.TOWNSHIP, Role.CIVIL_AFFAIRS, Role.INSPECTOR, Role.ADMIN}),
    ),
    policy.Action(
        "credit.manage",
        _("登记信用记录的公示和处罚"),  # REQ-085
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
    ),
    policy.Action(
        "credit.configure",
        _("设置本辖区报送的信用信息共享平台"),  # REQ-086
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
    ),
]:
    policy.register(_action)


def speaks_for(user: Any, referral: Any) -> bool:
    """REQ-118: may the user act for the department a case was referred to, there? A
    Role.DEPARTMENT grant covering the referral's jurisdiction, for that department."""
    return policy.acts_everywhere(user) or (
        referral.department in policy.departments_at(user, referral)
    )


# What a request's page and the API offer (policy.allowed_actions) --------------------
#
# Each step needs its action at the request's committee (above) and the request in the
# state its service accepts; the services check both again.


def _offers() -> None:
    from .choices import ConsultationResult, Outcome, Status
    from .models import CertificateRequest
    from .selectors import decision_shown, reportable

    def received(req: Any, _user: Any) -> bool:
        return bool(req.status == Status.RECEIVED)

    def outcome(req: Any) -> Any:
        return decision_shown(req).get("outcome")

    def public_interest(req: Any) -> bool:
        return bool(req.public_interest or (req.item and req.item.public_interest))

    def legal_risk(req: Any) -> bool:
        return bool(req.legal_risk or (req.item and req.item.legal_risk))

    def consultation_to_sign(req: Any) -> bool:
        con = getattr(req, "consultation", None)
        return bool(
            con is not None
            and con.result == ConsultationResult.AGREED
            and con.head_signed_by_id is None
        )

    def when(test: Callable[[Any], Any]) -> Callable[[Any, Any], bool]:
        return lambda req, user: received(req, user) and bool(test(req))

    def in_status(status: str) -> Callable[[Any, Any], bool]:
        return lambda req, _user: bool(req.status == status)

    def still_open(req: Any, _user: Any) -> bool:
        return bool(req.is_open)

    def referable(req: Any, _user: Any) -> bool:
        """REQ-118: what the committee does not issue goes to the department."""
        return bool(
            req.is_open
            and outcome(req) in (Outcome.REFUSE, Outcome.NOT_ISSUED, Outcome.MANUAL)
        )

    from .choices import ReferralStatus, TaskStatus
    from .models import Referral, VerificationTask

    def referral_in(status: str) -> Callable[[Any, Any], bool]:
        return lambda r, user: bool(r.status == status and speaks_for(user, r))

    policy.offer(
        Referral,
        policy.ObjectAction(
            "acknowledge", "referral.handle", referral_in(ReferralStatus.REFERRED)
        ),
        policy.ObjectAction(
            "close", "referral.handle", referral_in(ReferralStatus.ACKNOWLEDGED)
        ),
    )

    policy.offer(
        VerificationTask,
        policy.ObjectAction(
            "close", "commitment.verify", lambda t, u: t.status == TaskStatus.OPEN
        ),
    )

    handle, approve = "certificate.handle", "certificate.approve"
    policy.offer(
        CertificateRequest,
        policy.ObjectAction("flags", handle, received),
        policy.ObjectAction(
            "exception",
            handle,
            when(lambda r: decision_shown(r).get("exception_available")),
        ),
        policy.ObjectAction("consultation", handle, when(public_interest)),
        policy.ObjectAction("sign", approve, when(consultation_to_sign)),
        policy.ObjectAction("risk", handle, when(legal_risk)),
        policy.ObjectAction(
            "verify", handle, when(lambda r: outcome(r) == Outcome.ISSUE)
        ),
        policy.ObjectAction(
            "transfer", handle, when(lambda r: outcome(r) == Outcome.TRANSFER_PARTY)
        ),
        policy.ObjectAction("approve", approve, in_status(Status.VERIFIED)),
        policy.ObjectAction("issue", "certificate.seal", in_status(Status.APPROVED)),
        policy.ObjectAction(
            "refuse",
            handle,
            lambda r, u: bool(r.is_open and outcome(r) != Outcome.TRANSFER_PARTY),
        ),
        policy.ObjectAction("refer", handle, referable),
        policy.ObjectAction("withdraw", handle, still_open),
        policy.ObjectAction("annul", approve, in_status(Status.ISSUED)),
        policy.ObjectAction(
            "report",
            handle,
            lambda r, u: bool(
                r.is_open and reportable(r) and not r.demand_reports.exists()
            ),
        ),
        policy.ObjectAction("attach", handle, still_open),
        policy.ObjectAction(
            "commitment",
            handle,
            when(lambda r: decision_shown(r).get("commitment_available")),
        ),
    )


_offers()
