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
policy.register(
    policy.Action(
        "catalogue.apply",
        _("提交证明事项准入、退出申请或报备"),
        frozenset({Role.DEPARTMENT, Role.CIVIL_AFFAIRS, Role.ADMIN}),
    )
)
policy.register(
    policy.Action(
        "catalogue.opinion_township",
        _("反馈乡镇（街道）对准入、退出申请的意见"),
        frozenset({Role.TOWNSHIP}),
    )
)
# DIV-14: the requesting or competent department supplies a guide's content (saved as a
# draft); the list owner (catalogue.manage) reviews and publishes it.
policy.register(
    policy.Action(
        "catalogue.guide_propose",
        _("提供办事指南内容（保存草稿，由清单制定机关审核公布）"),
        frozenset({Role.DEPARTMENT, Role.CIVIL_AFFAIRS, Role.ADMIN}),
    )
)
