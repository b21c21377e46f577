"""Demand reports (REQ-016): a requiring unit that asked for a certificate outside the
lists, recorded by the committee and listed within the user's subtrees."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from yinzheng.core.rest.responses import ERRORS, validated

from .. import services
from ..models import DemandReport
from .common import CanViewCertificates


class DemandReportSerializer(serializers.ModelSerializer):
    committee = serializers.CharField(source="committee_id")
    item = serializers.SerializerMethodField()
    request = serializers.IntegerField(source="request_id", allow_null=True)

    class Meta:
        model = DemandReport
        fields = [
            "id",
            "committee",
            "item",
            "item_text",
            "demanding_organisation",
            "request",
            "note",
            "reported_at",
        ]

    def get_item(self, obj: DemandReport) -> str | None:
        return obj.item.key if obj.item is not None else None


class DemandReportCreateSerializer(serializers.Serializer):
    committee = serializers.CharField(max_length=12)
    item = serializers.CharField(max_length=80, required=False, allow_blank=True)
    item_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    demanding_organisation = serializers.CharField(max_length=200)
    request = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )


@extend_schema_view(
    list=extend_schema(summary="可见范围内的不合理证明要求反映（REQ-016）"),
)
class DemandReportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanViewCertificates]
    serializer_class = DemandReportSerializer

    def get_queryset(self):
        return (
            DemandReport.objects.visible_to(self.request.user)
            .select_related("item")
            .order_by("-reported_at", "-pk")
        )

    @extend_schema(
        summary="登记不合理证明要求（需要单位要求出具清单以外的证明，REQ-016）",
        request=DemandReportCreateSerializer,
        responses={201: DemandReportSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(DemandReportCreateSerializer, request)
        report = services.demand_report(
            actor=request.user,
            committee_code=v["committee"],
            item_text=v.get("item_text", ""),
            demanding_organisation=v["demanding_organisation"],
            item_key=v.get("item") or None,
            request_id=v.get("request"),
            note=v["note"],
        )
        return Response(DemandReportSerializer(report).data, status=201)
