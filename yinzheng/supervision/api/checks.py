"""The township's checks of its committees' seal use (REQ-093): the checks with their
findings and feedback, which the committee sees and acknowledges (定期检查、定期梳理、
及时反馈)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.core.rest.responses import ERRORS, validated

from .. import services
from ..models import TownshipCheck
from .common import (
    PK,
    CanViewRectification,
    bool_param,
    flag,
    person,
    str_param,
)

# Serializers ------------------------------------------------------------------------


class TownshipCheckSerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="township_id")
    committee = serializers.CharField(source="committee_id")
    committee_name = serializers.CharField(source="committee.name")
    checked_by = person()
    acknowledged_by = person()
    alert = serializers.SerializerMethodField(help_text="由哪条用印预警转来（如有）")
    allowed_actions = AllowedActionsField()

    class Meta:
        model = TownshipCheck
        fields = [
            "id",
            "allowed_actions",
            "township",
            "committee",
            "committee_name",
            "checked_on",
            "findings",
            "feedback",
            "checked_by",
            "recorded_at",
            "acknowledged_at",
            "acknowledged_by",
            "alert",
        ]

    def get_alert(self, obj: TownshipCheck) -> int | None:
        alert = getattr(obj, "alert", None)
        return alert.pk if alert is not None else None


class TownshipCheckReportSerializer(serializers.Serializer):
    checked_on = serializers.DateField(help_text="检查日期")
    findings = serializers.CharField(allow_blank=True, help_text="检查发现")
    feedback = serializers.CharField(allow_blank=True, help_text="反馈意见")


class TownshipCheckCreateSerializer(TownshipCheckReportSerializer):
    committee = serializers.CharField(max_length=12, help_text="村（居）委会代码")


# Views --------------------------------------------------------------------------------


def check_queryset(user):
    return TownshipCheck.objects.visible_to(user).select_related(
        "committee", "checked_by", "acknowledged_by", "alert"
    )


@extend_schema_view(
    list=extend_schema(
        summary="乡镇（街道）对村（居）用印的检查（REQ-093）",
        parameters=[
            str_param("committee", "村（居）委会代码"),
            bool_param("pending", "只列出村（居）委会尚未确认收到的"),
        ],
    ),
    retrieve=extend_schema(
        summary="检查记录", responses={200: TownshipCheckSerializer, **ERRORS}
    ),
)
class TownshipCheckViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewRectification]
    serializer_class = TownshipCheckSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        rows = check_queryset(self.request.user)
        if self.action == "list":
            params = self.request.query_params
            if params.get("committee"):
                rows = rows.filter(committee_id=params["committee"])
            if flag(params, "pending"):
                rows = rows.filter(acknowledged_at__isnull=True)
        return rows

    @extend_schema(
        summary="乡镇（街道）登记对村（居）的用印检查和反馈意见",
        request=TownshipCheckCreateSerializer,
        responses={201: TownshipCheckSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(TownshipCheckCreateSerializer, request)
        check = services.check_record(
            actor=request.user,
            committee_code=v["committee"],
            checked_on=v["checked_on"],
            findings=v["findings"],
            feedback=v["feedback"],
        )
        check = check_queryset(request.user).get(pk=check.pk)
        return Response(
            TownshipCheckSerializer(check, context={"request": request}).data,
            status=201,
        )

    @extend_schema(
        summary="村（居）委会确认收到检查反馈",
        request=None,
        responses={200: TownshipCheckSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        check = self.get_object()
        services.check_acknowledge(actor=request.user, check_id=check.pk)
        check = check_queryset(request.user).get(pk=check.pk)
        return Response(
            TownshipCheckSerializer(check, context={"request": request}).data
        )
