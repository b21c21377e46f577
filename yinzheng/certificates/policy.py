"""The certificate actions in the one policy.

The clerk (or the head) takes requests in, records the facts and the records an outcome
needs, verifies and refuses; the head approves and signs public-interest consultations;
the custodian seals and issues; civil affairs sets the jurisdiction's switch (REQ-039).
"""

from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role

VIEW_ROLES = frozenset(
    {
        Role.CLERK,
        Role.HEAD,
        Role.CUSTODIAN,
        Role.TOWNSHIP,
        Role.CIVIL_AFFAIRS,
        Role.INSPECTOR,
        Role.ADMIN,
    }
)

for _action in [
    policy.Action("certificate.view", _("查看证明申请及办理情况"), VIEW_ROLES),
    policy.Action(
        "certificate.handle",
        _("受理证明申请、登记核实及相关记录、不予出具、撤回、转交"),
        frozenset({Role.CLERK, Role.HEAD}),
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
    policy.Action(
        "certificate.configure",
        _("设置本辖区负面清单事项例外通道（REQ-039）"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
    ),
]:
    policy.register(_action)
