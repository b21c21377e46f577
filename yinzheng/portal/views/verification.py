"""The page a certificate's QR code opens, no login (REQ-111, REQ-114): valid / seal
revoked / withdrawn / unknown, the committee, the item, the date, the masked name and
every check. It takes the signed token, never a serial, so certificates cannot be
enumerated; it is rate-limited per address. The visitor may type the holder's name to
confirm it: the token carries nothing of the name (issue 14), so the check is online
only, against the server's keyed HMAC, limited per address and per certificate (a name
has little entropy) and journaled (esign.verification.public_name_check).

The QR holds the address in upper case (/V/YZ2:…, all in the QR alphanumeric
alphabet); /v/ serves the same page.

A paper certificate's QR (issue 14) opens the same page, which says 纸质证明. Without
the QR, /verify/ takes the serial with the check code printed beside it (two fields,
or one text "serial code"): the pair is as good as the token, and a wrong code gets
the very answer a serial never issued gets (esign.verification.verify_check_code);
the serial alone answers nothing. Rate-limited like the token page."""

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from yinzheng.core.clients import client_address
from yinzheng.core.replicas import read_replica
from yinzheng.core.web import over_rate, over_rate_reading, same_origin, too_many
from yinzheng.esign import tokens, verdicts, verification
from yinzheng.esign.choices import verdict_badge
from yinzheng.esign.forms import NameCheckForm, TokenForm

NAME_CHECKS_PER_MINUTE = 10


class SerialCodeForm(forms.Form):
    serial = forms.CharField(label=gettext_lazy("证明编号"), max_length=40)
    code = forms.CharField(label=gettext_lazy("核验码"), max_length=20)


# The labels a person may copy with the two texts: 编号：… 核验码：…
_LABELS = re.compile(r"编号|核验码|[:：,，;；]")


def serial_and_code(text: str) -> tuple[str, str] | None:
    """(serial, check code) from one text, "serial code" with or without the printed
    labels; None when it is not that."""
    parts = _LABELS.sub(" ", text or "").split()
    if len(parts) < 2 or not any(ch.isdigit() for ch in parts[0]):
        return None
    return parts[0], "".join(parts[1:])


@require_GET
@read_replica
def verify_form(request):
    """Type or paste a token (or the address in the QR code), or give the serial and
    the check code."""
    form = TokenForm(request.GET if "t" in request.GET else None)
    code_form = SerialCodeForm(request.GET if "serial" in request.GET else None)
    pair = None
    if code_form.is_bound:
        if code_form.is_valid():
            pair = (code_form.cleaned_data["serial"], code_form.cleaned_data["code"])
    elif form.is_bound and form.is_valid():
        token = tokens.from_text(form.cleaned_data["t"])
        if not token.startswith(tokens.PREFIXES):
            pair = serial_and_code(token)
        if pair is None:
            return redirect(tokens.url_path(token))
    context: dict[str, Any] = {"form": form, "code_form": code_form}
    if pair is None:
        return render(request, "esign/verify.html", context)
    if over_rate(request, "portal:verify", settings.VERIFY_RATE_PER_MINUTE):
        return too_many(request, _("核验过于频繁，请一分钟后再试。"))
    result = verification.verify_check_code(*pair)
    context.update(
        form=TokenForm(),
        result=result,
        public=result.public(),
        badge=verdict_badge(result.verdict),
    )
    return render(request, "esign/verify.html", context)


# The page a QR scan opens, as anybody sees it, is kept with its verdict
# (esign.verdicts): the same bytes for every visitor without a session, at an address
# without a query string (so nobody fills the cache with variants); staff see their own
# navigation, rendered afresh. The name check on it carries no CSRF token, which would
# make each visitor's page different: it needs no session, and a post from another
# site is refused by the browser's own Sec-Fetch-Site or Origin (core.web.same_origin).


def _public_variant(request) -> str | None:
    if (
        request.method != "GET"
        or request.GET
        or settings.SESSION_COOKIE_NAME in request.COOKIES
    ):
        return None
    return f"{request.LANGUAGE_CODE}|{request.path}"


@csrf_exempt  # the name check: same_origin instead (above)
@require_http_methods(["GET", "POST"])
@read_replica  # the GET; a name check (POST) is journaled on the primary
def verify(request, token: str):
    variant = _public_variant(request)
    try:
        plain = tokens.from_text(token)
    except tokens.TokenError:
        variant = None  # judged (and refused) afresh
    # The visitor is counted and the kept page read in one round trip to the cache.
    reads = verdicts.page_keys(plain, variant) if variant is not None else []
    over, found = over_rate_reading(
        request, "portal:verify", settings.VERIFY_RATE_PER_MINUTE, reads
    )
    if over:
        return too_many(request, _("核验过于频繁，请一分钟后再试。"))
    if variant is not None:
        kept = verdicts.page_from(found, plain, variant)
        if kept is not None:
            return HttpResponse(kept)
    name_form = NameCheckForm(request.POST or None)
    holder = None
    if request.method == "POST":
        if not same_origin(request):
            raise PermissionDenied(_("请在本页核对姓名"))
        if over_rate(request, "esign:name", NAME_CHECKS_PER_MINUTE):
            return too_many(request, _("核验过于频繁，请一分钟后再试。"))
        if name_form.is_valid():
            holder = name_form.cleaned_data["name"]
    result = verification.verify_token(token)
    if holder is not None:
        try:
            verification.public_name_check(
                result, name=holder, client=client_address(request)
            )
        except verification.NameChecksExhausted as exc:
            return too_many(request, str(exc.message))
    context = {
        "form": TokenForm(),
        "code_form": SerialCodeForm(),
        "result": result,
        "public": result.public(),
        "badge": verdict_badge(result.verdict),
        "name_form": name_form,
        "checked": holder is not None,
    }
    if variant is None or result.kept is None:
        return render(request, "esign/verify.html", context)
    html = render_to_string("esign/verify.html", context, request=request).encode()
    verdicts.keep_page(plain, variant, result.kept, html)
    return HttpResponse(html)
