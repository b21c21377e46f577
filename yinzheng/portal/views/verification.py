"""The page a certificate's QR code opens, no login (REQ-111, REQ-114): valid / seal
revoked / withdrawn / unknown, the committee, the item, the date, the masked name and
every check. It takes the signed token, never a serial, so certificates cannot be
enumerated; it is rate-limited per address. The visitor may type the holder's name to
confirm it: the token carries nothing of the name (issue 14), so the check is online
only, against the server's keyed HMAC, limited per address and per certificate (a name
has little entropy) and journaled (esign.verification.public_name_check).

The QR holds the address in upper case (/V/YZ2:…, all in the QR alphanumeric
alphabet); /v/ serves the same page."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from yinzheng.core.clients import client_address
from yinzheng.core.web import over_rate, too_many
from yinzheng.esign import tokens, verification
from yinzheng.esign.choices import Verdict
from yinzheng.esign.forms import NameCheckForm, TokenForm

NAME_CHECKS_PER_MINUTE = 10
BADGES: dict[str, str] = {
    Verdict.VALID: "ok",
    Verdict.SEAL_REVOKED: "bad",
    Verdict.WITHDRAWN: "bad",
    Verdict.INVALID: "bad",
    Verdict.UNKNOWN: "warn",
}


@require_GET
def verify_form(request):
    """Type or paste a token (or the address in the QR code)."""
    form = TokenForm(request.GET or None)
    if request.GET and form.is_valid():
        token = tokens.from_text(form.cleaned_data["t"])
        return redirect(tokens.url_path(token))
    return render(request, "esign/verify.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify(request, token: str):
    if over_rate(request, "portal:verify", settings.VERIFY_RATE_PER_MINUTE):
        return too_many(request, _("核验过于频繁，请一分钟后再试。"))
    name_form = NameCheckForm(request.POST or None)
    holder = None
    if request.method == "POST":
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
    return render(
        request,
        "esign/verify.html",
        {
            "form": TokenForm(),
            "result": result,
            "public": result.public(),
            "badge": BADGES.get(result.verdict, "warn"),
            "name_form": name_form,
            "checked": holder is not None,
        },
        status=200,
    )
