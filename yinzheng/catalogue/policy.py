"""The catalogue's actions in the one policy."""

from django.utils.translation import gettext_lazy as _

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role

policy.register(
    policy.Action(
        "catalogue.manage",
        _("起草、批准、公布本级清单"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
    )
)
