"""The journal's verification by API: the chains the user may audit, and the
checkpoint sequences of their signers (a gap is a deleted checkpoint)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.accounts import policy
from yinzheng.core.rest.responses import ErrorSerializer
from yinzheng.ledger import checkpoints as journal_checkpoints
from yinzheng.ledger import services as ledger_services

from .. import selectors as ledger_selectors
from ..services.checkpoints import signer_of


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
        shown = list(chains[:50])
        reports = [ledger_services.verify_chain(c) for c in shown]
        signers = {s for s in map(signer_of, shown) if s is not None}
        series = journal_checkpoints.verify_series(signers=sorted(signers))
        return Response(
            {
                "ok": all(r.ok for r in reports) and not any(series.values()),
                "reports": [r.as_dict() for r in reports],
                "checkpoint_series": {
                    label: [b.__dict__ for b in found]
                    for label, found in series.items()
                },
            }
        )
