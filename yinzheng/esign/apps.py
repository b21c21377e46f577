from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EsignConfig(AppConfig):
    name = "yinzheng.esign"
    label = "esign"
    verbose_name = _("电子印章与签名")

    def ready(self) -> None:
        from yinzheng.core import events

        from . import policy  # noqa: F401  (registers the esign actions)
        from .choices import EVENT_LABELS

        events.register_labels(EVENT_LABELS)
