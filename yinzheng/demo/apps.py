from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo county: loads sample data through every domain's services."""

    name = "yinzheng.demo"
    label = "demo"
    verbose_name = _("演示数据")
