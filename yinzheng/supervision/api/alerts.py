"""Alerts the nightly register scan raises (`yinzheng supervision scan`): each with its
pattern, committee, period and the entries that show it. The township dismisses one
with the reason why, or looks into it: the alert becomes a township check (REQ-093)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.core.rest.responses import ERRORS, validated

from .. import selectors, services
from ..models import Alert
from .checks import TownshipCheckReportSerializer, TownshipCheckSerializer
from .common import (
    ALERT_KIND_HELP,
    ALERT_STATUS_HELP,
    PK,
    CanViewAlerts,
    person,
    str_param,
)

# Serializers ------------------------------------------------------------------------


class AlertSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=ALERT_KIND_HELP)
    kind_display = serializers.CharField(source="get_kind_display")
    committee = serializers.CharField(source="committee_id")
    committee_name = serializers.CharField(source="committee.name")
    status = serializers.CharField(help_text=ALERT_STATUS_HELP)
    evidence = serializers.ListField(
        child=serializers.DictField(),
        help_text="依据：登记簿条目、带离、移交或证明申请（至多 50 条）",
    )
    decided_by = person()
    check_record = TownshipCheckSerializer(
        allow_null=True, read_only=True, help_text="转为的检查"
    )
    allowed_actions = AllowedActionsField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "allowed_actions",
            "kind",
            "kind_display",
            "committee",
            "committee_name",
            "period_start",
            "period_end",
            "summary",
            "evidence",
            "status",
            "raised_at",
            "refreshed_at",
            "decided_by",
            "decided_at",
            "dismiss_reason",
            "check_record",
        ]


class AlertDismissSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="排除理由")


# Views --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="用印预警（登记簿扫描）",
        parameters=[
            str_param("status", ALERT_STATUS_HELP + "；不填为全部"),
            str_param("kind", ALERT_KIND_HELP),
        ],
    ),
    retrieve=extend_schema(
        summary="用印预警及其依据", responses={200: AlertSerializer, **ERRORS}
    ),
)
class AlertViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewAlerts]
    serializer_class = AlertSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        params = self.request.query_params
        if self.action == "list":
            status, kind = params.get("status", ""), params.get("kind", "")
        else:
            status, kind = "", ""
        return selectors.alerts(
            self.request.user, status=status, kind=kind
        ).select_related(
            "decided_by",
            "check_record__committee",
            "check_record__checked_by",
            "check_record__acknowledged_by",
        )

    def _answer(self, alert_id: int) -> Response:
        alert = selectors.alerts(self.request.user, status="").get(pk=alert_id)
        return Response(AlertSerializer(alert, context={"request": self.request}).data)

    @extend_schema(
        summary="排除预警（须说明理由）",
        request=AlertDismissSerializer,
        responses={200: AlertSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        alert = self.get_object()
        v = validated(AlertDismissSerializer, request)
        services.alert_dismiss(
            actor=request.user, alert_id=alert.pk, reason=v["reason"]
        )
        return self._answer(alert.pk)

    @extend_schema(
        summary="转为乡镇（街道）对该村（居）的检查（REQ-093）",
        request=TownshipCheckReportSerializer,
        responses={200: AlertSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="check", url_name="check")
    def to_check(self, request, pk=None):
        alert = self.get_object()
        v = validated(TownshipCheckReportSerializer, request)
        services.alert_to_check(
            actor=request.user,
            alert_id=alert.pk,
            checked_on=v["checked_on"],
            findings=v["findings"],
            feedback=v["feedback"],
        )
        return self._answer(alert.pk)
