from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "yinzheng.certificates"
    label = "certificates"
    verbose_name = _("出具证明")

    def ready(self) -> None:
        from yinzheng.core import inbox

        from . import policy  # noqa: F401  (registers the certificate actions)
        from .inbox import (
            commitment_items,
            committee_items,
            overdue_items,
            party_items,
            referral_items,
        )

        inbox.register(committee_items)
        inbox.register(overdue_items)
        inbox.register(commitment_items)
        inbox.register(party_items)
        inbox.register(referral_items)
        # The registers' cross-check: every issued certificate has its entry.
        from yinzheng.registers.services import matters

        from .registers_port import issued_matters

        matters.add_source("certificates", issued_matters)
