from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "yinzheng.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.core.signals import request_finished

        from . import checks  # noqa: F401  registers the deployment checks
        from .rest.fields import text_only
        from .storage import sweep_rolled_back

        # The API takes text only where its schema says string (issue 13).
        text_only()

        # A request's rolled-back transactions leave no files (issue 13).
        request_finished.connect(sweep_rolled_back, dispatch_uid="yinzheng_files")
