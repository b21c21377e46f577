"""Credit endpoints (REQ-084–086): the credit records of false commitments with their
disclosure and penalty, their submissions to the credit platform, and the platform of
each jurisdiction.

Reads see only the user's subtrees (rows outside them are 404); every write is one
certificates.services call, whose refusals come back as {"code", "message",
"detail"}. The resident's name and ID number are masked in every answer; the ID number
is never sent out here.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from yinzheng.accounts import policy
from yinzheng.core.rest.responses import ERRORS, validated

from .. import services
from ..choices import SubmissionStatus
from ..models import CreditPlatform, CreditRecord, CreditSubmission
from .common import _Masked

_SUBMISSION_HELP = "报送状态：" + "、".join(SubmissionStatus.values)


class CanViewCredit(BasePermission):
    def has_permission(self, request, view) -> bool:
        return policy.can(request.user, services.CREDIT_VIEW)


# Serializers ------------------------------------------------------------------------


class CreditSubmissionSerializer(serializers.ModelSerializer):
    record = serializers.IntegerField(source="record_id")
    status = serializers.CharField(help_text=_SUBMISSION_HELP)

    class Meta:
        model = CreditSubmission
        fields = [
            "id",
            "record",
            "status",
            "platform_name",
            "endpoint",
            "attempts",
            "last_error",
            "last_attempt_at",
            "response_status",
            "remote_reference",
            "payload_sha256",
            "sent_at",
            "acknowledged_at",
            "created_at",
        ]


class CreditRecordSerializer(_Masked, serializers.ModelSerializer):
    commitment = serializers.IntegerField(source="commitment_id")
    commitment_number = serializers.CharField(source="commitment.number")
    request = serializers.IntegerField(source="commitment.request_id")
    item_name = serializers.CharField(source="commitment.request.item_name")
    task = serializers.IntegerField(source="task_id")
    committee = serializers.CharField(source="committee_id")
    submissions = CreditSubmissionSerializer(many=True)

    class Meta:
        model = CreditRecord
        fields = [
            "id",
            "commitment",
            "commitment_number",
            "request",
            "item_name",
            "task",
            "committee",
            "resident_name",
            "id_number",
            "finding",
            "recorded_on",
            "disclosure_site",
            "disclosed_on",
            "penalty_decision",
            "penalty_on",
            "penalty_published",
            "created_at",
            "updated_at",
            "submissions",
        ]

    request_path = "commitment.request"


class CreditDisclosureSerializer(serializers.Serializer):
    disclosure_site = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="公示网站，如 信用中国（天津）",
    )
    disclosed_on = serializers.DateField(required=False, allow_null=True, default=None)
    penalty_decision = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    penalty_on = serializers.DateField(required=False, allow_null=True, default=None)
    penalty_published = serializers.BooleanField(required=False, default=False)


class CreditAcknowledgeSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class CreditPlatformSerializer(serializers.ModelSerializer):
    division = serializers.CharField(source="division_id")
    division_name = serializers.CharField(source="division.name")

    class Meta:
        model = CreditPlatform
        fields = [
            "division",
            "division_name",
            "name",
            "endpoint",
            "enabled",
            "note",
            "updated_at",
        ]


class CreditPlatformSetSerializer(serializers.Serializer):
    division = serializers.CharField(max_length=12)
    name = serializers.CharField(max_length=200)
    endpoint = serializers.CharField(
        max_length=500, help_text="接收地址（http:// 或 https://）"
    )
    enabled = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )


# Views --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="不实承诺的信用记录（承诺人脱敏；REQ-084）"),
    retrieve=extend_schema(summary="信用记录：不实情况、公示、处罚和报送"),
)
class CreditRecordViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewCredit]
    serializer_class = CreditRecordSerializer
    lookup_value_regex = r"[0-9]{1,12}"

    def get_queryset(self):
        return (
            CreditRecord.objects.visible_to(self.request.user)
            .select_related("committee", "commitment", "commitment__request", "task")
            .prefetch_related("submissions")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(
        summary="登记公示（网站、日期）和处罚（决定、日期、是否公开；REQ-085）",
        request=CreditDisclosureSerializer,
        responses={200: CreditRecordSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def disclosure(self, request, pk=None):
        record = self.get_object()
        v = validated(CreditDisclosureSerializer, request)
        services.credit_disclosure_set(actor=request.user, record_id=record.pk, **v)
        return Response(CreditRecordSerializer(self.get_queryset().get(pk=pk)).data)


@extend_schema_view(
    list=extend_schema(
        summary="报送信用信息共享平台的记录（REQ-084、REQ-086）",
        parameters=[OpenApiParameter("status", str, description=_SUBMISSION_HELP)],
    ),
)
class CreditSubmissionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanViewCredit]
    serializer_class = CreditSubmissionSerializer
    lookup_value_regex = r"[0-9]{1,12}"

    def get_queryset(self):
        qs = CreditSubmission.objects.visible_to(self.request.user).select_related(
            "record", "record__commitment"
        )
        if self.action == "list" and self.request.query_params.get("status"):
            qs = qs.filter(status=self.request.query_params["status"])
        return qs.order_by("-created_at", "-pk")

    @extend_schema(
        summary="登记平台事后确认（已报送的记录）",
        request=CreditAcknowledgeSerializer,
        responses={200: CreditSubmissionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        submission = self.get_object()
        v = validated(CreditAcknowledgeSerializer, request)
        submission = services.credit_submission_acknowledge(
            actor=request.user, submission_id=submission.pk, **v
        )
        return Response(CreditSubmissionSerializer(submission).data)


@extend_schema_view(
    list=extend_schema(summary="各辖区配置的信用信息共享平台（REQ-086）"),
)
class CreditPlatformViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanViewCredit]
    serializer_class = CreditPlatformSerializer
    pagination_class = None

    def get_queryset(self):
        return (
            CreditPlatform.objects.visible_to(self.request.user)
            .select_related("division", "updated_by")
            .order_by("division_id")
        )

    @extend_schema(
        summary="设置辖区的信用信息共享平台（民政；对下级区划有效，下一次报送即用新地址）",
        request=CreditPlatformSetSerializer,
        responses={200: CreditPlatformSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(CreditPlatformSetSerializer, request)
        platform = services.credit_platform_set(
            actor=request.user,
            division_code=v["division"],
            name=v["name"],
            endpoint=v["endpoint"],
            enabled=v["enabled"],
            note=v["note"],
        )
        return Response(CreditPlatformSerializer(platform).data)
