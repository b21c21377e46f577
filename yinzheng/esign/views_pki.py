"""Public addresses of the electronic-seal PKI, no login (issue 14): the issuing
certificates at the address the certificates they issued name (Authority Information
Access), and the county's timestamp authority (RFC 3161 over HTTP) for outside
clients. The CRLs and the trust list are in views.py."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from yinzheng.core.web import over_rate
from yinzheng.esign import pki, tsa

TSA_REQUEST_MAX_BYTES = 16 * 1024


@require_GET
@cache_control(public=True, max_age=86400)
def ca_certificate(request, code: str):
    """The certificate of an issuing key (county root or township authority), DER,
    at the address the certificates it issued name (Authority Information Access):
    by kid, or the division's current key by its 6 or 9 digits."""
    issuer = pki.issuer_for_division(code)
    if issuer is None:
        raise Http404
    response = HttpResponse(
        pki.certificate_der(issuer), content_type="application/pkix-cert"
    )
    response["Content-Disposition"] = f'inline; filename="{code}.cer"'
    return response


@csrf_exempt
@require_POST
def timestamp(request, county: str):
    """RFC 3161 over HTTP (§3.4): a DER TimeStampReq in, a TimeStampResp out, from
    the county's timestamp authority, for outside clients (yinzheng's own signing
    stamps in-process). Cheap refusals first: the rate per client, the type, the
    declared size (before the body is read); only a county whose authority already
    exists answers (a request never creates a key: 404 otherwise)."""
    if over_rate(request, "esign:tsa", settings.TSA_RATE_PER_MINUTE):
        return HttpResponse(status=429)
    if request.content_type != "application/timestamp-query":
        return HttpResponse(status=415)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = TSA_REQUEST_MAX_BYTES + 1
    if declared > TSA_REQUEST_MAX_BYTES:
        return HttpResponse(status=413)
    if not pki.has_timestamp_authority(county):
        raise Http404
    body = request.body
    if len(body) > TSA_REQUEST_MAX_BYTES:
        return HttpResponse(status=413)
    answer = tsa.respond(body, tsa.authority(county))
    response = HttpResponse(answer, content_type="application/timestamp-reply")
    response["Cache-Control"] = "no-store"
    return response
