from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "yinzheng.ledger"
    label = "ledger"
    verbose_name = _("台账与审计")

    def ready(self) -> None:
        from yinzheng.core import inbox

        from . import policy  # noqa: F401  (registers the registers' actions)
        from .inbox import archives_due, unconfirmed_entries

        inbox.register(unconfirmed_entries)
        inbox.register(archives_due)
