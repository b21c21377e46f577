from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistersConfig(AppConfig):
    """The committees' seal-use registers on the journal: books, residents'
    confirmations, township checkpoints, year-end archives, and the journal's pages."""

    name = "yinzheng.registers"
    label = "registers"
    verbose_name = _("用印登记簿")

    def ready(self) -> None:
        from yinzheng.core import inbox
        from yinzheng.ledger import services as ledger

        from . import policy  # noqa: F401  (registers the registers' actions)
        from .inbox import archives_due, unconfirmed_entries
        from .services.archives import verify_archive
        from .services.checkpoints import (
            REGISTER_KINDS,
            SIGNED_KINDS,
            checkpoint_due,
            verify_checkpoints,
        )

        inbox.register(unconfirmed_entries)
        inbox.register(archives_due)
        # Registers and audit chains are checkpointed as they grow, and verified
        # against the signatures of their checkpoints; a register chain against its
        # year-end archive as well (ledger verify, the pages, the API).
        ledger.set_checkpoint_trigger(checkpoint_due)
        for kind in SIGNED_KINDS:
            ledger.add_chain_check(kind, verify_checkpoints)
        for kind in REGISTER_KINDS:
            ledger.add_chain_check(kind, verify_archive)
