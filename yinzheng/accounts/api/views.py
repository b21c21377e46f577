"""The accounts' endpoints: grants made and revoked through the services, the signed-in
user."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yinzheng.core.rest.responses import ErrorSerializer

from .. import selectors as account_selectors
from .. import services as account_services
from . import serializers as s

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(summary="可管理范围内的岗位授权"),
    retrieve=extend_schema(summary="岗位授权详情"),
)
class GrantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.GrantListSerializer

    def get_queryset(self):
        qs = account_selectors.grants_manageable(self.request.user)
        under = self.request.query_params.get("division")
        if under:
            qs = qs.filter(division_id=under)
        return qs.order_by("division_id", "role", "id")

    @extend_schema(
        summary="授予岗位",
        request=s.GrantCreateSerializer,
        responses={201: s.GrantListSerializer, 409: ErrorSerializer, **ERRORS},
    )
    def create(self, request):
        data = s.GrantCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grant = account_services.grant_role_by_username(
            actor=request.user, **data.validated_data
        )
        return Response(s.GrantListSerializer(grant).data, status=201)

    @extend_schema(
        summary="撤销岗位授权",
        request=None,
        responses={200: s.GrantListSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        self.get_object()
        grant = account_services.grant_revoke(actor=request.user, grant_id=pk)
        return Response(s.GrantListSerializer(grant).data)


class MeView(generics.RetrieveAPIView):
    serializer_class = s.MeSerializer

    @extend_schema(summary="当前用户及其岗位授权")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        return self.request.user
