"""The seal registry's actions in the one policy (REQ-059–068).

The township is the issuing authority (REQ-060): it issues, activates, reissues,
replaces, collects, revokes and destroys seals. The committee keeps them: the head
appoints the custodian, approves taking a seal out and opens handovers; head and
custodian move the storage place, report a loss and record a take-out and its return.
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
    policy.Action("seal.view", _("查看印章登记、保管与移交记录"), VIEW_ROLES),
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
