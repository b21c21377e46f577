"""Public electronic-seal addresses, no login: the CRLs and the trust list, stable
because they are written into the certificates and the verifier apps. The page the QR
code opens is the portal's (portal/views/verification.py)."""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from yinzheng.core.web import over_rate
from yinzheng.esign import pki, trustlist

NAME_CHECKS_PER_MINUTE = 10


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


@require_GET
@cache_control(public=True, max_age=300)
def trust_list_signed(request):
    """The trust list signed by the county root (trustlist.signed): ?under= a county
    or anything below it; may be left out where the installation has one root."""
    under = request.GET.get("under", "").strip()
    if under and not (under.isdigit() and 6 <= len(under) <= 12):
        raise Http404
    if over_rate(request, "esign:trust-list", settings.VERIFY_RATE_PER_MINUTE):
        return HttpResponse(status=429)
    # Signed once a minute at most, whoever asks: each signature is a root-key
    # operation (in the HSM where there is one).
    cache_key = f"esign:trust-list.cose:{under or '-'}"
    envelope = cache.get(cache_key)
    if envelope is None:
        try:
            envelope = trustlist.signed(under=under or None)
        except trustlist.NoSigningRoot as exc:
            raise Http404 from exc
        cache.set(cache_key, envelope, timeout=60)
    response = HttpResponse(
        envelope, content_type='application/cose; cose-type="cose-sign1"'
    )
    name = f"trust-list-{under[:6]}.cose" if under else "trust-list.cose"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
