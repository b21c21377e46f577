"""The resident's public status by tracking code: no login, no ID number, the name
masked."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.core import masking
from yinzheng.core.rest.responses import ErrorSerializer

from .. import selectors
from ..choices import Status
from ..models import CertificateRequest
from .common import STATUS_HELP


class CertificateStatusSerializer(serializers.Serializer):
    item_name = serializers.CharField()
    committee_name = serializers.CharField(source="committee.name")
    resident_name = serializers.SerializerMethodField(help_text="姓名（脱敏）")
    status = serializers.CharField(help_text=STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")
    received_on = serializers.SerializerMethodField()
    due_on = serializers.DateField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    refused_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    route = serializers.SerializerMethodField(help_text="不予出具或转交时的办事途径")
    department = serializers.SerializerMethodField(
        help_text="不予出具或转交时的办理部门"
    )

    def get_resident_name(self, obj: CertificateRequest) -> str:
        return masking.mask_name(obj.resident_name)

    def get_received_on(self, obj: CertificateRequest) -> str:
        return timezone.localtime(obj.received_at).date().isoformat()

    def _closed_decision(self, obj: CertificateRequest) -> dict:
        if obj.status in (Status.REFUSED, Status.TRANSFERRED):
            return obj.decision
        return {}

    def get_route(self, obj: CertificateRequest) -> str:
        if obj.status == Status.REFUSED:
            return obj.refusal_route
        return self._closed_decision(obj).get("route", "")

    def get_department(self, obj: CertificateRequest) -> str:
        if obj.status == Status.REFUSED:
            return obj.refusal_department
        return "、".join(self._closed_decision(obj).get("departments", []))


class PublicStatusView(APIView):
    """The resident's status by tracking code: no login, no ID number, name masked;
    limited by the anonymous throttle like every public endpoint."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="certificates_status",
        summary="居民按查询码查询办理进度（无需登录；不含身份号码，姓名脱敏）",
        parameters=[
            OpenApiParameter(
                "code",
                # A tracking code is short (7KQ-4MX-9RT, or an older 16 characters).
                {"type": "string", "maxLength": 40},
                OpenApiParameter.PATH,
                description="受理时告知的查询码",
            )
        ],
        responses={200: CertificateStatusSerializer, 404: ErrorSerializer},
    )
    def get(self, request, code: str):
        req = selectors.by_tracking_code(code)
        if req is None:
            raise Http404
        return Response(CertificateStatusSerializer(req).data)
