"""The statistics actions in the one policy. Higher levels read (REQ-098 in spirit);
the county bureau opens tables; townships and departments fill in their own return."""

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
