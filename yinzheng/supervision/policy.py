"""The supervision actions in the one policy.

REQ-098: the city and the province read everything their counties supervise; every
write is for grants at the county or below (`levels`), so a provincial officer's pages
show no buttons and the server refuses their writes.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import COMMITTEE_STAFF, Role
from yinzheng.core.codes import Level

COUNTY_AND_BELOW = frozenset({Level.COUNTY, Level.TOWNSHIP, Level.COMMITTEE})
OVERSEERS = frozenset({Role.CIVIL_AFFAIRS, Role.INSPECTOR, Role.ADMIN})

for spec in (
    policy.Action(
        "supervision.view",
        _("查看投诉、督查和整改"),
        OVERSEERS | {Role.TOWNSHIP},
    ),
    # A committee sees what concerns it: its rectification items, criticisms, checks.
    policy.Action(
        "supervision.view_rectification",
        _("查看本村（居）的整改和检查"),
        OVERSEERS | {Role.TOWNSHIP} | COMMITTEE_STAFF,
    ),
    policy.Action(
        "supervision.case",
        _("登记和办理不合理证明要求投诉"),
        OVERSEERS,
        COUNTY_AND_BELOW,
    ),
    policy.Action(
        "supervision.inspect",
        _("督查、抽取、记录问题、管理整改清单"),
        OVERSEERS,
        COUNTY_AND_BELOW,
    ),
    policy.Action(
        "supervision.rectify",
        _("提交本单位整改情况"),
        frozenset({Role.HEAD, Role.CLERK, Role.TOWNSHIP, Role.ADMIN}),
        COUNTY_AND_BELOW,
    ),
    policy.Action(
        "supervision.check",
        _("乡镇检查村（居）用印"),
        frozenset({Role.TOWNSHIP, Role.ADMIN}),
        COUNTY_AND_BELOW,
    ),
    policy.Action(
        "supervision.acknowledge",
        _("确认收到乡镇检查反馈"),
        COMMITTEE_STAFF | {Role.ADMIN},
        COUNTY_AND_BELOW,
    ),
    policy.Action(
        "supervision.alert",
        _("查看和处理用印预警"),
        frozenset({Role.TOWNSHIP}) | OVERSEERS,
    ),
    policy.Action(
        "supervision.alert_decide",
        _("排除用印预警或转为检查"),
        frozenset({Role.TOWNSHIP}) | OVERSEERS,
        COUNTY_AND_BELOW,
    ),
    policy.Action(
        "supervision.settings",
        _("设置监督电话和预警阈值"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
        COUNTY_AND_BELOW,
    ),
):
    policy.register(spec)


# What the pages and the API offer on each object now (policy.allowed_actions) -------
#
# Each step needs its action where the object is and the object in the state its
# service accepts; the services check both again.


def _offers() -> None:
    from .choices import OPEN_ITEM_STATUSES, AlertStatus, CaseStatus, ItemStatus
    from .models import Alert, Case, RectificationItem, TownshipCheck

    def case_to(target: str) -> Any:
        return lambda case, _user: target in Case.TRANSITIONS.get(case.status, set())

    handle = "supervision.case"
    policy.offer(
        Case,
        policy.ObjectAction("verify", handle, case_to(CaseStatus.VERIFIED)),
        policy.ObjectAction("notify", handle, case_to(CaseStatus.NOTIFIED)),
        policy.ObjectAction("feedback", handle, case_to(CaseStatus.FEEDBACK_SENT)),
        policy.ObjectAction("response", handle, case_to(CaseStatus.RESPONDED)),
        policy.ObjectAction("correct", handle, case_to(CaseStatus.CORRECTED)),
        policy.ObjectAction("close", handle, case_to(CaseStatus.CLOSED)),
    )
    policy.offer(
        RectificationItem,
        policy.ObjectAction(
            "evidence",
            "supervision.rectify",
            lambda item, _u: item.status in OPEN_ITEM_STATUSES,
        ),
        policy.ObjectAction(
            "close",
            "supervision.inspect",
            lambda item, _u: item.status in OPEN_ITEM_STATUSES,
        ),
        policy.ObjectAction(
            "schedule",
            "supervision.inspect",
            lambda item, _u: item.status == ItemStatus.CLOSED,
        ),
        policy.ObjectAction(
            "follow_up",
            "supervision.inspect",
            lambda item, _u: (
                item.status == ItemStatus.CLOSED and item.follow_up_on is not None
            ),
        ),
    )
    policy.offer(
        Alert,
        policy.ObjectAction(
            "dismiss",
            "supervision.alert_decide",
            lambda alert, _u: alert.status == AlertStatus.OPEN,
        ),
        policy.ObjectAction(
            "check",
            "supervision.alert_decide",
            lambda alert, _u: alert.status == AlertStatus.OPEN,
        ),
        # What the alert shows may become an inspection finding (REQ-092).
        policy.ObjectAction("finding", "supervision.inspect"),
    )
    policy.offer(
        TownshipCheck,
        policy.ObjectAction(
            "acknowledge",
            "supervision.acknowledge",
            lambda check, _u: check.acknowledged_at is None,
        ),
    )


_offers()
