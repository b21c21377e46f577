"""What waits in the certificate work: requests to verify (clerk), to approve (head),
to seal and issue (custodian), and overdue complex requests for the committee and its
township (REQ-045); open post-verification tasks of commitments, the sampled ones apart
(township, civil affairs, REQ-083), and credit submissions queued or failed (REQ-084,
REQ-086); Party matters transferred to the Party organisation (REQ-043); cases
referred to a department, to acknowledge and to answer (REQ-118)."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.inbox import InboxItem

from . import selectors
from .choices import OPEN_STATUSES, ReferralStatus, Status, SubmissionStatus
from .models import CertificateRequest, CreditSubmission

OVERDUE = "certificate.overdue"


def committee_items(user: Any) -> list[InboxItem]:
    if not policy.can(user, "certificate.view"):
        return []
    url = reverse("certificates:index")
    items = []
    for status, action, label in (
        (Status.RECEIVED, "certificate.handle", _("已受理、待办理的证明申请")),
        (Status.VERIFIED, "certificate.approve", _("待主任签批的证明")),
        (Status.APPROVED, "certificate.seal", _("待盖章出具的证明")),
    ):
        if policy.can(user, action):
            count = selectors.waiting(user, status, action).count()
            items.append(InboxItem(label, count, f"{url}?status={status}"))
    return items


def party_items(user: Any) -> list[InboxItem]:
    """REQ-043: Party matters transferred to the user's Party organisation."""
    if not policy.can(user, "party.handle"):
        return []
    return [
        InboxItem(
            _("转交党组织、待办理的涉党证明事项"),
            selectors.party_queue(user).count(),
            reverse("certificates:party_queue"),
        )
    ]


def referral_items(user: Any) -> list[InboxItem]:
    """REQ-118: cases referred to the user's departments, to acknowledge or answer."""
    if not policy.can(user, "referral.handle"):
        return []
    queue = selectors.referral_queue(user)
    url = reverse("certificates:referral_queue")
    return [
        InboxItem(
            _("转交本部门、待签收的证明事项"),
            queue.filter(status=ReferralStatus.REFERRED).count(),
            url,
        ),
        InboxItem(
            _("本部门已签收、待办结的证明事项"),
            queue.filter(status=ReferralStatus.ACKNOWLEDGED).count(),
            url,
        ),
    ]


def overdue_items(user: Any) -> list[InboxItem]:
    """REQ-045: complex requests past their due date."""
    if not policy.can(user, OVERDUE):
        return []
    qs = CertificateRequest.objects.visible_to(user, OVERDUE).filter(
        status__in=OPEN_STATUSES, due_on__lt=clock.today()
    )
    return [
        InboxItem(
            _("逾期未办结的证明申请"), qs.count(), reverse("certificates:overdue")
        )
    ]


def commitment_items(user: Any) -> list[InboxItem]:
    """REQ-083: open post-verification tasks (sampled first); REQ-084, REQ-086:
    submissions to the credit platform still queued or failed."""
    items = []
    if policy.can(user, "commitment.verify"):
        tasks = selectors.tasks_to_verify(user)
        url = reverse("certificates:commitment_tasks")
        items += [
            InboxItem(
                _("抽中、待优先核查的告知承诺"),
                tasks.filter(sampled=True).count(),
                f"{url}?sampled=1",
            ),
            InboxItem(_("待事后核查的告知承诺"), tasks.count(), url),
        ]
    if policy.can(user, "credit.view"):
        subs = CreditSubmission.objects.visible_to(user)
        url = reverse("certificates:credit_records")
        items += [
            InboxItem(
                _("待报送信用信息共享平台的信用记录"),
                subs.filter(status=SubmissionStatus.QUEUED).count(),
                url,
            ),
            InboxItem(
                _("报送信用信息共享平台失败"),
                subs.filter(status=SubmissionStatus.FAILED).count(),
                url,
            ),
        ]
    return items
