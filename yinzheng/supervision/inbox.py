"""What waits in supervision: for the county's case handlers, open and overdue cases;
for inspectors, overdue rectification items and follow-up reviews due; for a
responsible unit, its open items (REQ-092); for a committee, the township's checks to
acknowledge (REQ-093); for the township, the scan's open alerts."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.core import clock
from yinzheng.core.inbox import InboxItem

from . import selectors
from .choices import OPEN_CASE_STATUSES, OPEN_ITEM_STATUSES, AlertStatus
from .models import Alert, Case, RectificationItem


def cases(user: Any) -> list[InboxItem]:
    where = policy.scope(user, "supervision.case")
    if not where:
        return []
    rows = Case.objects.filter(where.q("division_id"), status__in=OPEN_CASE_STATUSES)
    url = reverse("supervision:cases")
    return [
        InboxItem(_("待办理的不合理证明要求投诉"), rows.count(), url),
        InboxItem(
            _("办理逾期的投诉"),
            rows.filter(step_due_on__lt=clock.today()).count(),
            url + "?overdue=1",
        ),
    ]


def rectification(user: Any) -> list[InboxItem]:
    today = clock.today()
    found = []
    mine = policy.scope(user, "supervision.rectify")
    if mine:
        count = RectificationItem.objects.filter(
            mine.q("division_id"), status__in=OPEN_ITEM_STATUSES
        ).count()
        found.append(
            InboxItem(_("本单位待整改事项"), count, reverse("supervision:items"))
        )
    if policy.scope(user, "supervision.inspect"):
        url = reverse("supervision:items")
        found.append(
            InboxItem(
                _("逾期未整改事项"),
                selectors.items_overdue(user, today).count(),
                url + "?overdue=1",
            )
        )
        found.append(
            InboxItem(
                _("到期的回头看"),
                selectors.follow_ups_due(user, today).count(),
                url + "?follow_up=1",
            )
        )
    return found


def checks(user: Any) -> list[InboxItem]:
    if not policy.scope(user, "supervision.acknowledge"):
        return []
    return [
        InboxItem(
            _("乡镇检查反馈待确认"),
            selectors.checks_to_acknowledge(user).count(),
            reverse("supervision:checks"),
        )
    ]


def alerts(user: Any) -> list[InboxItem]:
    where = policy.scope(user, "supervision.alert_decide")
    if not where:
        return []
    count = Alert.objects.filter(
        where.q("committee_id"), status=AlertStatus.OPEN
    ).count()
    return [InboxItem(_("待处理的用印预警"), count, reverse("supervision:alerts"))]


PROVIDERS = (cases, rectification, checks, alerts)
