"""The API's throttles, counted per client as core.clients.client_address names it.

DRF's own throttles take X-Forwarded-For from anybody (unless NUM_PROXIES is set), so a
client could start a fresh count with every request by writing a new address there
(issue 13). Their counters live in the shared cache (settings.CACHES)."""

from rest_framework import throttling
from rest_framework.request import Request

from yinzheng.core.clients import client_address


class _ClientKeyed(throttling.SimpleRateThrottle):
    def get_ident(self, request: Request) -> str:
        return client_address(request)


class AnonRateThrottle(_ClientKeyed, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_ClientKeyed, throttling.UserRateThrottle):
    pass
