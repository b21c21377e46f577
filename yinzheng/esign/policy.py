"""The electronic-seal actions in the one policy (REQ-111, REQ-114, REQ-115).

Issuing and revoking a seal's certificate follows the seal itself (seal.issue, the
township). Preparing a certificate's token and signing it follow sealing (usage.request
by the committee's staff, usage.seal by the custodian). Departments — and the offices
that supervise — verify certificates and query them by API, each query with its legal
basis; civil affairs and inspectors read the query log.
"""

from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role

for _action in [
    policy.Action(
        "esign.verify",
        _("核验电子证明、按编号查询证明（须说明法律依据和目的）"),
        frozenset(
            {
                Role.DEPARTMENT,
                Role.CIVIL_AFFAIRS,
                Role.TOWNSHIP,
                Role.INSPECTOR,
                Role.ADMIN,
            }
        ),
    ),
    policy.Action(
        "esign.queries",
        _("查看核验查询记录"),
        frozenset({Role.CIVIL_AFFAIRS, Role.INSPECTOR, Role.ADMIN}),
    ),
    policy.Action(
        "esign.withdraw",
        _("撤回已出具的电子证明"),
        frozenset({Role.HEAD, Role.TOWNSHIP, Role.ADMIN}),
    ),
]:
    policy.register(_action)
