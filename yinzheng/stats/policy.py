"""The statistics actions in the one policy. Higher levels read (REQ-098 in spirit);
the county bureau opens tables; townships and departments fill in their own return. The
dashboard's figures (REQ-103) are for the bureau, townships, committee heads and
inspectors within their subtree; departments read them through the API (REQ-114)."""

from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role
from yinzheng.core.codes import Level

COUNTY_AND_BELOW = frozenset({Level.COUNTY, Level.TOWNSHIP, Level.COMMITTEE})

for spec in (
    policy.Action(
        "stats.view",
        _("查看证明事项统计表"),
        frozenset(
            {
                Role.CIVIL_AFFAIRS,
                Role.TOWNSHIP,
                Role.DEPARTMENT,
                Role.INSPECTOR,
                Role.ADMIN,
            }
        ),
    ),
    policy.Action(
        "stats.table_manage",
        _("发布证明事项统计表、查看各单位报送情况"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
        COUNTY_AND_BELOW,
    ),
    policy.Action(
        "stats.fill",
        _("填报本单位证明事项统计表"),
        frozenset({Role.TOWNSHIP, Role.DEPARTMENT, Role.ADMIN}),
        COUNTY_AND_BELOW,
    ),
    # REQ-103: the dashboard of accumulated figures, for the node's own subtree; a
    # committee's head sees their committee's (departments read through the API).
    policy.Action(
        "stats.dashboard",
        _("查看统计分析（证明办理、用印、监督情况）"),
        frozenset(
            {
                Role.CIVIL_AFFAIRS,
                Role.TOWNSHIP,
                Role.HEAD,
                Role.INSPECTOR,
                Role.ADMIN,
            }
        ),
    ),
    # REQ-114: aggregate figures and the lists in force, for departments' systems.
    policy.Action(
        "stats.api",
        _("通过接口获取现行清单版本和汇总统计（部门数据共享）"),
        frozenset({Role.DEPARTMENT, Role.CIVIL_AFFAIRS, Role.INSPECTOR, Role.ADMIN}),
    ),
):
    policy.register(spec)


# Reports upward, liaisons and assessments (REQ-105, REQ-108–110). A township's own
# officers and the county bureau send (the services check that the sender is the
# user's own unit); the recipient's civil-affairs officers sign for what is addressed
# to them, and for the city and the province that is the one write here (REQ-098).
ABOVE_TOWNSHIP = frozenset(
    {Level.COUNTRY, Level.PROVINCE, Level.PREFECTURE, Level.COUNTY}
)

for spec in (
    policy.Action(
        "stats.report",
        _("向上级报送工作进展、问题、经验做法、本地文件和总结报告"),
        frozenset({Role.TOWNSHIP, Role.CIVIL_AFFAIRS, Role.ADMIN}),
        COUNTY_AND_BELOW,
    ),
    policy.Action(
        "stats.report_receive",
        _("签收下级报送的报告"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
        ABOVE_TOWNSHIP,
    ),
    policy.Action(
        "stats.reporting_line",
        _("设置本县（市、区）的报送关系"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
        frozenset({Level.COUNTY}),
    ),
    policy.Action(
        "stats.liaison_manage",
        _("登记乡镇（街道）联络人"),
        frozenset({Role.TOWNSHIP, Role.CIVIL_AFFAIRS, Role.ADMIN}),
        COUNTY_AND_BELOW,
    ),
    policy.Action(
        "stats.assess",
        _("评估乡镇（街道）工作进展"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
        frozenset({Level.COUNTY}),
    ),
):
    policy.register(spec)

# What the pages and the API offer on a return now (policy.allowed_actions): filling it
# in (rows, submission) while it is a draft, for the unit's own officers.


def _offers() -> None:
    from .choices import ReturnStatus
    from .models import TableReturn
    from .services.tables import speaks_for

    policy.offer(
        TableReturn,
        policy.ObjectAction(
            "fill",
            "stats.fill",
            lambda ret, user: (
                ret.status == ReturnStatus.DRAFT
                and speaks_for(user, ret.division, ret.department)
            ),
        ),
    )


_offers()


# A report offers editing and submission while it is a draft, to its sender's own
# officers, and signing for it once submitted, to its recipient's (the recipient is
# another division than the report's own, so `receive` asks the policy itself).


def _report_offers() -> None:
    from .choices import ReportStatus
    from .models import UpwardReport
    from .report_selectors import receives_for, sends_for

    def drafting(report: UpwardReport, user: object) -> bool:
        return report.status == ReportStatus.DRAFT and sends_for(user, report.sender_id)

    policy.offer(
        UpwardReport,
        policy.ObjectAction("edit", "stats.report", drafting),
        policy.ObjectAction("submit", "stats.report", drafting),
        policy.ObjectAction(
            "receive",
            None,
            lambda report, user: (
                report.status == ReportStatus.SUBMITTED
                and receives_for(user, report.recipient_id)
            ),
        ),
    )


_report_offers()


# Campaigns (REQ-104–107): the lead bureau starts and runs its campaign (a county's,
# or a province's for the provincial plan); the units record their completions, and
# the lead records for them. The higher levels only read (stats.view, REQ-098): the
# services also ask that the grant sit at the lead's or the unit's own division.
for spec in (
    policy.Action(
        "stats.campaign_manage",
        _("发起专项工作、调整阶段和任务时限"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
        frozenset({Level.PROVINCE, Level.COUNTY}),
    ),
    policy.Action(
        "stats.campaign_report",
        _("登记、撤回专项工作任务完成情况"),
        frozenset({Role.TOWNSHIP, Role.CIVIL_AFFAIRS, Role.ADMIN}),
        frozenset({Level.PROVINCE, Level.COUNTY, Level.TOWNSHIP}),
    ),
):
    policy.register(spec)


def _campaign_offers() -> None:
    from .models import Campaign, Completion
    from .services.campaigns import leads, speaks_for_unit

    policy.offer(
        Campaign,
        policy.ObjectAction(
            "manage",
            "stats.campaign_manage",
            lambda campaign, user: leads(user, campaign.division_id),
        ),
    )
    policy.offer(
        Completion,
        policy.ObjectAction(
            "withdraw",
            "stats.campaign_report",
            lambda completion, user: speaks_for_unit(
                user, completion.deliverable.phase.campaign, completion.unit_id
            ),
        ),
    )


_campaign_offers()
