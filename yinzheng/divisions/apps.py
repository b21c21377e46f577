from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DivisionsConfig(AppConfig):
    name = "yinzheng.divisions"
    label = "divisions"
    verbose_name = _("行政区划")

    def ready(self) -> None:
        from yinzheng.core import inbox

        from .inbox import missing_staff

        inbox.register(missing_staff)
