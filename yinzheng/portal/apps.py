from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The web layer's shell: the home page with each role's inbox, the navigation."""

    name = "yinzheng.portal"
    label = "portal"
    verbose_name = _("门户")
