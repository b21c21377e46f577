from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "yinzheng.api"
    label = "api"
    verbose_name = "API"
