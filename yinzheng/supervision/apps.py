from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Supervision (监督): reports of unreasonable certificate demands and their cases,
    inspections with the special-inspection draw, findings, rectification lists with
    follow-up reviews, township checks, and alerts mined from the registers."""

    name = "yinzheng.supervision"
    label = "supervision"
    verbose_name = _("监督")

    def ready(self) -> None:
        from yinzheng.certificates import ports
        from yinzheng.core import events
        from yinzheng.core import inbox as inboxes

        from . import (
            inbox,
            policy,  # noqa: F401  (registers the supervision actions)
        )
        from .services.cases import case_from_demand_report
        from .views.common import EVENT_LABELS

        ports.listen_demand_reports(case_from_demand_report)
        events.register_labels(EVENT_LABELS)
        for provider in inbox.PROVIDERS:
            inboxes.register(provider)
