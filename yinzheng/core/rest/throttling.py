"""The API's throttles, counted per client as core.clients.client_address names it.

DRF's own throttles take X-Forwarded-For from anybody (unless NUM_PROXIES is set), so a
client could start a fresh count with every request by writing a new address there
(issue 13). And they keep each client's history as a list read and written back in the
cache, so two server processes answering at once can each let a request through that
together go over the rate. These count a fixed window (the rate's second, minute, hour
or day) with core.ratelimit's atomic counter: across all processes, exactly the rate
passes in each window (issue 15)."""

from rest_framework import throttling
from rest_framework.request import Request

from yinzheng.core import clock, ratelimit
from yinzheng.core.clients import client_address


class _ClientKeyed(throttling.SimpleRateThrottle):
    num_requests: int
    duration: int

    def get_ident(self, request: Request) -> str:
        return client_address(request)

    def allow_request(self, request: Request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = clock.now().timestamp()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        count = ratelimit.hit(f"{self.key}:{window}", 2 * int(self.duration))
        return count <= self.num_requests

    def wait(self) -> float:
        return max(self.window_end - self.now, 0.0)


class AnonRateThrottle(_ClientKeyed, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_ClientKeyed, throttling.UserRateThrottle):
    pass
