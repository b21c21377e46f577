"""The journal's verification by API: the chains the user may audit."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.accounts import policy
from yinzheng.core.rest.responses import ErrorSerializer
from yinzheng.ledger import services as ledger_services

from .. import selectors as ledger_selectors


class LedgerVerifyView(APIView):
    @extend_schema(
        summary="校验可见范围内的台账链",
        parameters=[OpenApiParameter("chain", str, description="链标识")],
        responses={200: OpenApiTypes.OBJECT, 403: ErrorSerializer},
    )
    def get(self, request):
        policy.require(request.user, "audit.view")
        chains = ledger_selectors.chains_for_audit(request.user)
        key = request.query_params.get("chain")
        if key:
            chains = chains.filter(key=key)
            if not chains.exists():
                raise Http404
        reports = [ledger_services.verify_chain(c) for c in chains[:50]]
        return Response(
            {
                "ok": all(r.ok for r in reports),
                "reports": [r.as_dict() for r in reports],
            }
        )
