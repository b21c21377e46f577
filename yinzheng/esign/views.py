"""Public electronic-seal pages, no login: the CRLs, the trust list and the page the QR
code opens.

The verification page takes the signed token, never a serial, so certificates cannot be
enumerated; it is rate-limited per address, and the name check more tightly, since a
name has little entropy. It shows valid / seal revoked / withdrawn / unknown, the
committee, the item, the date and the masked name; the visitor may type the holder's
name to confirm it matches the token's salted hash.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from yinzheng.core import clock

from . import pki, tokens, trustlist, verification
from .choices import Verdict
from .forms import NameCheckForm, TokenForm

NAME_CHECKS_PER_MINUTE = 10


def _throttled(request, scope: str, limit: int) -> bool:
    address = request.META.get("REMOTE_ADDR", "")
    minute = int(clock.now().timestamp() // 60)
    key = f"esign:{scope}:{address}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:
        count = 1
    return count > limit


def _too_many(request):
    response = render(
        request,
        "core/http_error.html",
        {
            "title": _("请求过于频繁"),
            "message": _("核验过于频繁，请一分钟后再试。"),
        },
        status=429,
    )
    response["Retry-After"] = "60"
    return response


@require_GET
@cache_control(public=True, max_age=300)
def crl(request, code: str):
    """The CRL of the county root (6 digits) or the township's issuing authority
    (9 digits), DER, at the address written in the certificates; a retired issuing
    key's by its kid."""
    issuer = pki.issuer_for_division(code)
    if issuer is None:
        raise Http404
    current = pki.current_crl(issuer)
    response = HttpResponse(bytes(current.der), content_type="application/pkix-crl")
    response["Content-Disposition"] = f'inline; filename="{code}.crl"'
    return response


@require_GET
@cache_control(public=True, max_age=300)
def trust_list(request):
    under = request.GET.get("under", "").strip()
    if under and not (under.isdigit() and len(under) <= 12):
        raise Http404
    return JsonResponse(
        trustlist.build(under=under or None), json_dumps_params={"ensure_ascii": False}
    )


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
    if _throttled(request, "verify", settings.VERIFY_RATE_PER_MINUTE):
        return _too_many(request)
    name_form = NameCheckForm(request.POST or None)
    holder = None
    if request.method == "POST":
        if _throttled(request, "name", NAME_CHECKS_PER_MINUTE):
            return _too_many(request)
        if name_form.is_valid():
            holder = name_form.cleaned_data["name"]
    result = verification.verify_token(token, holder_name=holder)
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
