"""The messages to the government-service platforms (REQ-112): listed for civil affairs
of the counties they went to, with every attempt's outcome; one that gave up is queued
again at `…/{id}/retry/`. Rules live in catalogue.services.platform."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.core.rest.pagination import Pagination
from yinzheng.core.rest.responses import ERRORS

from ..choices import PlatformMessageStatus
from ..models import PlatformMessage
from ..services import platform


class PlatformMessageSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="platform_id")
    schema = serializers.CharField(source="payload.schema", help_text="报文格式")
    status = serializers.ChoiceField(
        choices=PlatformMessageStatus.choices,
        help_text="queued 待发送（含等待重试）、sent 已送达、failed 已停止重试",
    )

    class Meta:
        model = PlatformMessage
        fields = [
            "id",
            "county",
            "subject",
            "schema",
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "response_status",
            "last_error",
            "endpoint",
            "payload_sha256",
            "key_id",
            "created_at",
            "sent_at",
        ]


@extend_schema_view(
    get=extend_schema(
        summary="向政务服务平台的推送及其每次发送结果（REQ-112）",
        responses={200: PlatformMessageSerializer(many=True), **ERRORS},
    )
)
class PlatformMessageListView(generics.ListAPIView):
    serializer_class = PlatformMessageSerializer
    pagination_class = Pagination

    def get_queryset(self):
        return PlatformMessage.objects.visible_to(self.request.user)


class PlatformMessageRetryView(APIView):
    @extend_schema(
        summary="重新发送已停止重试的推送（REQ-112）",
        request=None,
        responses={200: PlatformMessageSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        message = platform.platform_message_retry(actor=request.user, message_id=pk)
        return Response(PlatformMessageSerializer(message).data)
