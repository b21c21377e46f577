from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SealsConfig(AppConfig):
    name = "yinzheng.seals"
    label = "seals"
    verbose_name = _("印章管理")

    def ready(self) -> None:
        from yinzheng.core import events, inbox
        from yinzheng.esign import ports

        from . import (
            policy,  # noqa: F401  (registers the seal actions)
            services,  # noqa: F401  (connects committee_deactivated, REQ-063)
        )
        from .choices import EVENT_LABELS
        from .esign_port import SealsForEsign

        ports.install(SealsForEsign())
        events.register_labels(EVENT_LABELS)
        # The registers' cross-check: every sealing has its register entry.
        from yinzheng.registers.services import matters

        from .registers_port import PREFIX, sealed_matters

        matters.add_source("seals", sealed_matters, owns_prefix=PREFIX)
        from .inbox import committee_items, township_items, usage_items

        inbox.register(township_items)
        inbox.register(committee_items)
        inbox.register(usage_items)
