"""`/api/certificates/referrals/`: the department's queue of referred cases (一门式,
REQ-118) — the cases referred to the departments the caller speaks for, in the
jurisdictions its grants cover, the resident's name masked; open ones by default,
`?all=1` with the closed ones — and `…/{id}/acknowledge/`, `…/{id}/close/` (with the
answer the committee then reads on the case). Only referral.handle may call these; a
referral outside the caller's queue is 404, another department's step 403.
"""

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from yinzheng.accounts import policy
from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.core.rest.responses import ERRORS, validated

from .. import selectors, services
from ..choices import ReferralStatus
from ..models import Referral
from .common import HandedOnCaseSerializer

_STATUS_HELP = "转交状态：" + "、".join(ReferralStatus.values)


class CanHandleReferrals(BasePermission):
    def has_permission(self, request, view) -> bool:
        return policy.can(request.user, services.REFERRAL_HANDLE)


class ReferralSerializer(serializers.ModelSerializer):
    """A referral as the committee and the department read it (REQ-118)."""

    department_label = serializers.CharField(source="get_department_display")
    jurisdiction_name = serializers.CharField(source="jurisdiction.name")
    status = serializers.CharField(help_text=_STATUS_HELP)
    referred_at = serializers.DateTimeField(source="recorded_at")
    answer = serializers.CharField(help_text="部门办理结果")

    class Meta:
        model = Referral
        fields = [
            "id",
            "department",
            "department_label",
            "department_name",
            "jurisdiction",
            "jurisdiction_name",
            "note",
            "status",
            "referred_at",
            "acknowledged_at",
            "answered_at",
            "answer",
        ]


class ReferralCaseSerializer(ReferralSerializer):
    """A referral in the department's queue: with the case and the route the resident
    was given, and what the caller may do next."""

    case = HandedOnCaseSerializer(source="request")
    route = serializers.CharField(source="request.refusal_route")
    allowed_actions = AllowedActionsField()

    class Meta(ReferralSerializer.Meta):
        fields = [
            *ReferralSerializer.Meta.fields,
            "case",
            "route",
            "allowed_actions",
        ]


class ReferralCloseSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000, help_text="部门办理结果")


@extend_schema_view(
    list=extend_schema(
        summary="转交本部门办理的证明事项（REQ-118；姓名脱敏）",
        parameters=[
            OpenApiParameter(
                "all", bool, description="包括已办结的（默认只列待签收、办理中的）"
            )
        ],
    ),
    retrieve=extend_schema(summary="转交本部门的一件证明事项（REQ-118）"),
)
class ReferralViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanHandleReferrals]
    serializer_class = ReferralCaseSerializer
    lookup_value_regex = r"[0-9]{1,12}"

    def get_queryset(self):
        everything = self.action != "list" or self.request.query_params.get("all") in {
            "1",
            "true",
        }
        return selectors.referral_queue(self.request.user, open_only=not everything)

    def _done(self, pk: int) -> Response:
        referral = selectors.referral_queue(self.request.user, open_only=False).get(
            pk=pk
        )
        return Response(
            ReferralCaseSerializer(referral, context={"request": self.request}).data
        )

    @extend_schema(
        summary="部门签收（REQ-118）",
        request=None,
        responses={200: ReferralCaseSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        referral = self.get_object()
        services.referral_acknowledge(actor=request.user, referral_id=referral.pk)
        return self._done(referral.pk)

    @extend_schema(
        summary="部门办结并登记办理结果（REQ-118）",
        request=ReferralCloseSerializer,
        responses={200: ReferralCaseSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        referral = self.get_object()
        v = validated(ReferralCloseSerializer, request)
        services.referral_close(
            actor=request.user, referral_id=referral.pk, answer=v["answer"]
        )
        return self._done(referral.pk)
