"""The supervision actions in the one policy.

REQ-098: the city and the province read everything their counties supervise; every
write is for grants at the county or below (`levels`), so a provincial officer's pages
show no buttons and the server refuses their writes.
"""

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
