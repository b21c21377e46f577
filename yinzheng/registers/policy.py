"""The registers' actions in the one policy."""

from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import COMMITTEE_STAFF, COMMITTEE_WORK_READERS, Role

policy.register(
    policy.Action(
        "register.view",
        _("查看用印登记簿"),
        COMMITTEE_WORK_READERS,
    )
)
policy.register(
    policy.Action(
        "register.confirm",
        _("登记居民签字确认"),
        frozenset({Role.CUSTODIAN, Role.CLERK, Role.ADMIN}),
    )
)
policy.register(
    policy.Action(
        "register.archive",
        _("登记簿年终归档"),
        frozenset({Role.CUSTODIAN, Role.TOWNSHIP, Role.ADMIN}),
    )
)
policy.register(
    policy.Action(
        "register.checkpoint",
        _("签署登记簿检查点"),
        frozenset({Role.TOWNSHIP, Role.ADMIN}),
    )
)
policy.register(
    policy.Action(
        "register.reveal",
        _("查看登记簿中的完整个人信息"),
        # Issue 13: those who may need to call the resident back (the committee's
        # staff, who keep the paper book anyway), the township that keeps the
        # registers, and inspectors checking a complaint; each time audited.
        COMMITTEE_STAFF | {Role.TOWNSHIP, Role.INSPECTOR},
    )
)
