"""What waits in the seal registry.

The township (the issuing authority): loss reports with their reissue applications
(REQ-061), collection tasks of merged or abolished committees (REQ-063), overdue
handovers (REQ-068) and seals out of the office past their due-back time (REQ-066).
The committee: handovers waiting for the user's confirmation, take-outs waiting for the
head, and a committee with fewer than two active staff, where approving and keeping
cannot be separated (DIV-01). Sealing: requests to review, to sign and to seal.
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.inbox import InboxItem

from . import selectors

# The committee's own staff (clerk, head, custodian): those who may file a sealing.
STAFF = "usage.request"


def township_items(user: Any) -> list[InboxItem]:
    if not policy.can(user, "seal.issue"):
        return []
    url = reverse("seals:index")
    return [
        InboxItem(
            _("印章遗失报告及补发申请"),
            selectors.loss_reports_open(user).count(),
            url + "#loss-reports",
        ),
        InboxItem(
            _("待收缴印章的村（居）委会（合并、撤销）"),
            selectors.collection_tasks_open(user).count(),
            url + "#collection-tasks",
        ),
        InboxItem(
            _("逾期未完成的印章移交"),
            selectors.handovers_overdue(user, clock.today()).count(),
            url + "#handovers",
        ),
        InboxItem(
            _("逾期未归还的带离印章"),
            selectors.takeouts_overdue(user, clock.now()).count(),
            url + "#takeouts",
        ),
    ]


def committee_items(user: Any) -> list[InboxItem]:
    staff = policy.scope(user, STAFF)
    if not staff:
        return []
    url = reverse("seals:index")
    return [
        InboxItem(
            _("待您确认的印章移交"),
            selectors.handovers_waiting_for(user).count(),
            url + "#handovers",
        ),
        InboxItem(
            _("待主任批准的印章带离申请"),
            selectors.takeouts_to_decide(user).count(),
            url + "#takeouts",
        ),
        InboxItem(
            _("在岗人员少于两人的村（居）委会：审批与保管无法分离"),
            selectors.committees_short_staffed(user).filter(staff.q("code")).count(),
            url + "#staffing",
        ),
    ]


def usage_items(user: Any) -> list[InboxItem]:
    """Sealing (REQ-053–058): matters to review (clerk, head — never on a seal the user
    keeps, REQ-067), to sign (head) and to register and seal (the seal's custodian)."""
    if not policy.can(user, STAFF):
        return []
    url = reverse("seals:usage_index")
    return [
        InboxItem(
            _("待审核用印"),
            selectors.usage_to_review(user).count(),
            url + "?queue=review",
        ),
        InboxItem(
            _("待签批用印"),
            selectors.usage_to_approve(user).count(),
            url + "?queue=approve",
        ),
        InboxItem(
            _("待登记用印"),
            selectors.usage_to_seal(user).count(),
            url + "?queue=seal",
        ),
    ]
