"""What the pages of every app share: one service call with its refusal shown, a bound
form's errors as one line, a refusal put on the field it concerns, and the per-client
rate limit of the public pages."""

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import clock, ratelimit
from .clients import client_address
from .errors import DomainError, NotAllowed, SeparationOfDuties


def form_errors(form: forms.Form) -> str:
    """A bound form's errors as one line: "label：message；label：message"."""
    return "；".join(
        f"{form.fields[name].label or name}：{'、'.join(map(str, errors))}"
        if name in form.fields
        else "、".join(map(str, errors))
        for name, errors in form.errors.items()
    )


def attempt(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    """Run one service call and show its refusal, or `success`; None when refused.

    A refusal of the action itself is a 403; separation of duties (the user may act
    in general, not on this matter) and every other rule are shown as a message.
    """
    try:
        result = call()
    except SeparationOfDuties as exc:
        messages.error(request, exc.message)
        return None
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result if result is not None else True


def show_error(form: forms.Form, exc: DomainError, fields: Mapping[str, str]) -> None:
    """Put a refusal on the form field its code concerns (`fields`: code → field), or
    on the form as a whole."""
    field = fields.get(exc.code)
    form.add_error(field if field in form.fields else None, str(exc.message))


def over_rate(request: HttpRequest, scope: str, limit: int) -> bool:
    """Count this request against `limit` a minute for its client (core.clients: behind
    a trusted proxy, the forwarded address); True once it is over.

    The counter is shared by every server process and counted atomically
    (core.ratelimit: Redis, or one row of the database), so the limit holds exactly
    however many processes serve."""
    over, _found = over_rate_reading(request, scope, limit, [])
    return over


def over_rate_reading(
    request: HttpRequest, scope: str, limit: int, reads: list[str]
) -> tuple[bool, dict]:
    """`over_rate`, reading the cache entries `reads` in the same round trip
    (ratelimit.hit_reading)."""
    minute = int(clock.now().timestamp() // 60)
    key = f"{scope}:{client_address(request) or '-'}:{minute}"
    count, found = ratelimit.hit_reading(key, 120, reads)
    return count > limit, found


def same_origin(request: HttpRequest) -> bool:
    """Whether a POST comes from this site's own pages, by the browser's word: its
    Sec-Fetch-Site, else its Origin (this host, or one of CSRF_TRUSTED_ORIGINS).

    For a form without a session and without a CSRF token (the public verification
    page, kept as the same bytes for everyone). A forged cross-site post needs a
    browser, and browsers send one of the two headers with every POST; a client that
    sends neither is not a browser on another site."""
    site = request.META.get("HTTP_SEC_FETCH_SITE")
    if site:
        return site in ("same-origin", "none")
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return True
    own = f"{request.scheme}://{request.get_host()}"
    return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS


def too_many(request: HttpRequest, message: str) -> HttpResponse:
    """The 429 page, asking to come back in a minute."""
    response = render(
        request,
        "core/http_error.html",
        {"title": _("请求过于频繁"), "message": message},
        status=429,
    )
    response["Retry-After"] = "60"
    return response
