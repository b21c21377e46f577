"""The division tree's endpoints: reads through the policy's scope, merge and abolish
through the division services."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yinzheng.core.codes import Level
from yinzheng.core.rest.responses import ErrorSerializer

from .. import selectors, services
from ..models import Division
from . import serializers as s

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(
        summary="行政区划列表",
        parameters=[
            OpenApiParameter("q", str, description="名称包含或代码前缀"),
            OpenApiParameter("parent", str, description="上级区划代码"),
            OpenApiParameter(
                "level",
                {"type": "integer", "minimum": 0, "maximum": 5},
                description="层级 0–5",
            ),
        ],
    ),
    retrieve=extend_schema(
        summary="行政区划详情", responses={200: s.DivisionSerializer, **ERRORS}
    ),
)
class DivisionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.DivisionSerializer
    lookup_field = "code"
    lookup_value_regex = r"[0-9A-Z]{2,12}"

    def get_queryset(self):
        user = self.request.user
        params = self.request.query_params
        qs = (
            selectors.search(user, params["q"])
            if params.get("q", "").strip()
            else Division.objects.visible_to(user)
        )
        if params.get("parent"):
            qs = qs.filter(parent_id=params["parent"])
        level = params.get("level")
        if level is not None:
            if level not in {str(v) for v in Level.values}:
                qs = qs.none()
            else:
                qs = qs.filter(level=int(level))
        return qs.order_by("code")


@extend_schema_view(
    list=extend_schema(
        summary="村（居）委会列表",
        parameters=[
            OpenApiParameter("under", str, description="只列出此区划之下的"),
            OpenApiParameter("status", str, enum=["active", "merged", "abolished"]),
        ],
    ),
    retrieve=extend_schema(summary="村（居）委会详情（含完整所属关系）"),
)
class CommitteeViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{12}"

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.CommitteeDetailSerializer
        return s.CommitteeSerializer

    def get_queryset(self):
        user = self.request.user
        qs = Division.objects.committees().visible_to(user)
        under = self.request.query_params.get("under")
        if under:
            qs = qs.subtree(under)
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        return qs.order_by("code")

    @extend_schema(
        summary="登记合并",
        request=s.MergeSerializer,
        responses={200: s.CommitteeSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, code=None):
        self.get_object()
        data = s.MergeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        committee = services.committee_merge(
            actor=request.user, code=code, **data.validated_data
        )
        return Response(s.CommitteeSerializer(committee).data)

    @extend_schema(
        summary="登记撤销",
        request=s.AbolishSerializer,
        responses={200: s.CommitteeSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def abolish(self, request, code=None):
        self.get_object()
        data = s.AbolishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        committee = services.committee_abolish(
            actor=request.user, code=code, **data.validated_data
        )
        return Response(s.CommitteeSerializer(committee).data)
