"""Public electronic-seal addresses, no login: the CRLs and the trust list, stable
because they are written into the certificates and the verifier apps. The page the QR
code opens is the portal's (portal/views/verification.py)."""

from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

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
