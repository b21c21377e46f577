from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    """The append-only, hash-chained journal: chains, entries, the audit trail."""

    name = "yinzheng.ledger"
    label = "ledger"
    verbose_name = _("台账与审计")
