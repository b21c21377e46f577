"""`/api/certificates/party-cases/`: the Party organisation's queue (REQ-043) — the
Party matters transferred to it, the resident's name masked — and `…/{id}/close/`
to record that it handled one (services.party_case_close). Only party.handle may call
these; a case outside the caller's committee is 404.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from yinzheng.accounts import policy
from yinzheng.core.rest.responses import ERRORS, validated

from .. import selectors, services
from ..models import CertificateRequest
from .common import HandedOnCaseSerializer


class CanHandleParty(BasePermission):
    def has_permission(self, request, view) -> bool:
        return policy.can(request.user, services.PARTY_HANDLE)


class PartyCaseSerializer(HandedOnCaseSerializer):
    transferred_at = serializers.DateTimeField(source="closed_at")
    party_note = serializers.SerializerMethodField(help_text="党组织办理情况")
    party_recorded_at = serializers.SerializerMethodField()

    class Meta(HandedOnCaseSerializer.Meta):
        fields = [
            *HandedOnCaseSerializer.Meta.fields,
            "transferred_at",
            "party_note",
            "party_recorded_at",
        ]

    def _record(self, obj: CertificateRequest):
        return getattr(obj, "partycaserecord", None)

    def get_party_note(self, obj: CertificateRequest) -> str:
        record = self._record(obj)
        return record.note if record else ""

    def get_party_recorded_at(self, obj: CertificateRequest) -> str | None:
        record = self._record(obj)
        return record.recorded_at.isoformat() if record else None


class PartyCloseSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000, help_text="党组织办理情况")


@extend_schema_view(
    list=extend_schema(
        summary="党组织待办的涉党证明事项（REQ-043；姓名脱敏）",
    ),
)
class PartyCaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanHandleParty]
    serializer_class = PartyCaseSerializer
    lookup_value_regex = r"[0-9]{1,12}"

    def get_queryset(self):
        return selectors.party_queue(self.request.user)

    @extend_schema(
        summary="党组织登记已办理（REQ-043）",
        request=PartyCloseSerializer,
        responses={200: PartyCaseSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        req = self.get_object()
        v = validated(PartyCloseSerializer, request)
        services.party_case_close(actor=request.user, request_id=req.pk, note=v["note"])
        closed = CertificateRequest.objects.select_related(
            "committee", "partycaserecord"
        ).get(pk=req.pk)
        return Response(PartyCaseSerializer(closed).data)
