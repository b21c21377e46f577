"""REST endpoints. No rules here: reads go through the policy's filters, writes through
the domain services, errors through the one handler."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.accounts import policy
from yinzheng.accounts import selectors as account_selectors
from yinzheng.accounts import services as account_services
from yinzheng.core.codes import Level
from yinzheng.core.rest.responses import ErrorSerializer
from yinzheng.divisions import selectors, services
from yinzheng.divisions.models import Division
from yinzheng.ledger import services as ledger_services
from yinzheng.registers import selectors as ledger_selectors

from . import serializers as s

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(
        summary="行政区划列表",
        parameters=[
            OpenApiParameter("q", str, description="名称包含或代码前缀"),
            OpenApiParameter("parent", str, description="上级区划代码"),
            OpenApiParameter("level", int, description="层级 0–5"),
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


class LedgerVerifyView(APIView):
    @extend_schema(
        summary="校验可见范围内的台账链",
        parameters=[OpenApiParameter("chain", str, description="链标识")],
        responses={200: OpenApiTypes.OBJECT, 403: ErrorSerializer},
    )
    def get(self, request):
        policy.require(request.user, "audit.view")
        chains = ledger_selectors.chains_for_audit(request.user)
        key = request.query_params.get("chain")
        if key:
            chains = chains.filter(key=key)
            if not chains.exists():
                raise Http404
        reports = [ledger_services.verify_chain(c) for c in chains[:50]]
        return Response(
            {
                "ok": all(r.ok for r in reports),
                "reports": [r.as_dict() for r in reports],
            }
        )
