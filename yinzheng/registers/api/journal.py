"""The journal's verification by API: the chains the user may audit, and the
checkpoint sequences of their signers (a gap is a deleted checkpoint), and the
personal data their register entries refer to."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.accounts import policy
from yinzheng.core.rest.responses import ErrorSerializer

from .. import selectors as ledger_selectors
from ..services import integrity


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
        report = integrity.verify_chains(list(chains[:50]))
        return Response(
            {
                "ok": report.ok,
                "reports": [r.as_dict() for r in report.chains],
                "checkpoint_series": {
                    label: [b.__dict__ for b in found]
                    for label, found in report.series.items()
                },
                "personal": [b.__dict__ for b in report.personal],
            }
        )
