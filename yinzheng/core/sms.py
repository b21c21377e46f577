"""Text messages to a resident's phone: one small port, the gateway chosen by setting
(issue 16: the one-time code of the online application, REQ-113).

`send(phone, text)` hands the message to the backend that YINZHENG_SMS_BACKEND names
(a dotted path to a class with `send(phone, text)`):

- `yinzheng.core.sms.ConsoleBackend` (the default, and what the demo uses): writes the
  message to the server's console and log, nothing leaves the machine;
- `yinzheng.core.sms.HttpBackend`: posts JSON ``{"phone", "text"}`` to
  YINZHENG_SMS_URL with the bearer token YINZHENG_SMS_TOKEN, for a gateway or an
  adapter in front of the operator's SMS service;
- `yinzheng.core.sms.MemoryBackend`: keeps the messages in `sms.outbox` (the tests).

A failing gateway raises `SmsFailed`, a DomainError the pages and the API show.
"""

import json
import logging
import sys
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from . import http
from .errors import CoreCode, DomainError

log = logging.getLogger("yinzheng.sms")


class SmsFailed(DomainError):
    code = CoreCode.SMS_FAILED
    message = _("短信发送失败，请稍后再试")
    status = 503


class Backend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleBackend:
    """Prints the message: the demo and a machine without a gateway."""

    def send(self, phone: str, text: str) -> None:
        line = f"[短信 SMS → {phone}] {text}"
        print(line, file=sys.stderr, flush=True)
        log.info("%s", line)


class MemoryBackend:
    """Keeps every message in `outbox` (phone, text), for the tests."""

    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))


outbox: list[tuple[str, str]] = []


class HttpBackend:
    """POSTs ``{"phone": …, "text": …}`` as JSON to YINZHENG_SMS_URL."""

    def send(self, phone: str, text: str) -> None:
        url = settings.SMS_URL
        if not url:
            raise SmsFailed(detail={"reason": "YINZHENG_SMS_URL is not set"})
        body = json.dumps({"phone": phone, "text": text}).encode()
        headers = {"Content-Type": "application/json"}
        if settings.SMS_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SMS_TOKEN}"
        posted = http.post(url, body, headers=headers, timeout=10)
        if not posted.ok:
            raise SmsFailed(
                detail={"status": posted.status, "reason": posted.error[:200]}
            )


def backend() -> Backend:
    backend_class = import_string(settings.SMS_BACKEND)
    instance: Backend = backend_class()
    return instance


def send(phone: str, text: str) -> None:
    backend().send(phone, text)
