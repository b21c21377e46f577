"""The announcements of later national batches (REQ-122): read by anyone; acknowledged
by a committee's clerk or head at `/api/catalogue/announcements/{id}/acknowledge/`;
the committees under the caller that have not, at `…/{id}/pending/` (township, civil
affairs, inspectors). Rules live in catalogue.services.announcements."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.accounts import policy
from yinzheng.core.rest.pagination import Pagination
from yinzheng.core.rest.responses import ERRORS

from .. import selectors
from ..models import Acknowledgement, Announcement, ListEntry
from ..services import announcements


class AnnouncementItemSerializer(serializers.ModelSerializer):
    key = serializers.CharField(source="item.key")
    name = serializers.CharField(source="item.name")
    route = serializers.CharField(source="item.route", help_text="办事途径")
    responsible_departments = serializers.ListField(
        source="item.responsible_departments", child=serializers.CharField()
    )

    class Meta:
        model = ListEntry
        fields = ["number", "key", "name", "route", "responsible_departments"]


class AnnouncementSerializer(serializers.ModelSerializer):
    batch_no = serializers.IntegerField(source="version.catalogue_list.batch_no")
    list = serializers.IntegerField(source="version.catalogue_list_id")
    title = serializers.CharField(source="version.catalogue_list.title")
    valid_from = serializers.DateField(source="version.valid_from")
    items = serializers.SerializerMethodField()

    class Meta:
        model = Announcement
        fields = [
            "id",
            "batch_no",
            "list",
            "title",
            "valid_from",
            "published_at",
            "items",
        ]

    @extend_schema_field(AnnouncementItemSerializer(many=True))
    def get_items(self, obj: Announcement) -> Any:
        entries = selectors.announcement_entries(obj)
        return AnnouncementItemSerializer(entries, many=True).data


class AcknowledgeSerializer(serializers.Serializer):
    committee = serializers.CharField(
        max_length=12, help_text="阅知的村（居）委会的统计用区划代码"
    )


class AcknowledgementSerializer(serializers.ModelSerializer):
    committee = serializers.CharField(source="committee_id")
    acknowledged_by = serializers.CharField(source="acknowledged_by.display_name")

    class Meta:
        model = Acknowledgement
        fields = ["announcement", "committee", "acknowledged_at", "acknowledged_by"]


class PendingCommitteeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    township = serializers.CharField(source="parent.name", allow_null=True)


@extend_schema_view(
    get=extend_schema(
        summary="国家负面清单新批次公告（无须登录；REQ-122）",
        responses={200: AnnouncementSerializer(many=True)},
    )
)
class AnnouncementListView(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = AnnouncementSerializer

    def get_queryset(self):
        return selectors.announcements()


class AcknowledgeView(APIView):
    @extend_schema(
        summary="村（居）委会阅知批次公告（经办人或主任，每个村（居）委会一次；REQ-122）",
        request=AcknowledgeSerializer,
        responses={201: AcknowledgementSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        data = AcknowledgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ack = announcements.announcement_acknowledge(
            actor=request.user,
            announcement_id=pk,
            committee_code=data.validated_data["committee"],
        )
        return Response(AcknowledgementSerializer(ack).data, status=201)


class PendingView(generics.ListAPIView):
    serializer_class = PendingCommitteeSerializer
    pagination_class = Pagination

    @extend_schema(
        summary="所辖尚未阅知批次公告的村（居）委会（乡镇、民政、督查；REQ-122）",
        responses={200: PendingCommitteeSerializer(many=True), **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if not policy.can(self.request.user, selectors.PROGRESS_ACTION):
            raise PermissionDenied
        announcement = get_object_or_404(Announcement, pk=self.kwargs["pk"])
        return selectors.announcement_pending(self.request.user, announcement)
