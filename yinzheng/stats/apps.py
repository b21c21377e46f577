from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Statistics (统计): the statistics table 《应由基层群众性自治组织出具证明事项
    统计表》 filled in by townships and departments and tracked by the county bureau."""

    name = "yinzheng.stats"
    label = "stats"
    verbose_name = _("统计")

    def ready(self) -> None:
        from yinzheng.core import inbox as inboxes

        from . import (
            inbox,
            policy,  # noqa: F401  (registers the statistics actions)
        )

        for provider in inbox.PROVIDERS:
            inboxes.register(provider)
