from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_table(*, using: str = "default", **kwargs: Any) -> None:
    """The database cache's table (the shared store of rate limits and login throttling
    when no Redis is configured), made by every `yinzheng migrate`, so that no deployment
    needs an extra step; nothing happens when it exists or the cache is Redis."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class AccountsConfig(AppConfig):
    name = "yinzheng.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self) -> None:
        post_migrate.connect(
            _create_cache_table, sender=self, dispatch_uid="yinzheng.cache_table"
        )
