"""Catalogue lists (REQ-079, REQ-114): the public lists and their published versions,
their open-data exports (REQ-081), the channels each list is published on and whether
they carry the current version (REQ-078, REQ-081); for the managers, new lists and new
draft versions (REQ-012).

Reading needs no login and shows only published or superseded versions. Every write
calls catalogue.services or catalogue.services.publications, which check the policy
("catalogue.manage") and the list rules; refusals go through the one error handler.
"""

from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from yinzheng.accounts import policy
from yinzheng.core.rest.responses import ERRORS, ErrorSerializer

from .. import exports, selectors, services
from ..choices import ListKind
from ..models import CatalogueList, ListVersion
from ..services import publications
from .common import (
    ENTRIES,
    PUBLIC,
    VersionSerializer,
    VersionSummarySerializer,
    _reload,
)
from .publications import (
    ChannelsSetSerializer,
    ListChannelsSerializer,
    VersionPublicationsSerializer,
)

NUMBER = OpenApiParameter(
    "number", int, OpenApiParameter.PATH, description="版本号（第几版）"
)


# Serializers ------------------------------------------------------------------------


class CatalogueListSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner_id")
    owner_name = serializers.CharField(source="owner.name")
    kind = serializers.ChoiceField(choices=ListKind.choices)
    kind_display = serializers.CharField(source="get_kind_display")
    current_version = serializers.SerializerMethodField(
        help_text="现行公布版本的版本号（REQ-081）"
    )

    class Meta:
        model = CatalogueList
        fields = [
            "id",
            "owner",
            "owner_name",
            "kind",
            "kind_display",
            "batch_no",
            "title",
            "sample",
            "current_version",
        ]

    def get_current_version(self, obj: CatalogueList) -> int | None:
        versions = getattr(obj, "public_versions", [])
        current = next((v for v in versions if v.status == "published"), None)
        return current.number if current else None


class CatalogueListDetailSerializer(CatalogueListSerializer):
    versions = VersionSummarySerializer(source="public_versions", many=True)

    class Meta(CatalogueListSerializer.Meta):
        fields = [*CatalogueListSerializer.Meta.fields, "versions"]


class ListCreateSerializer(serializers.Serializer):
    owner = serializers.CharField(max_length=12, help_text="制定机关所在区划代码")
    kind = serializers.ChoiceField(choices=ListKind.choices)
    title = serializers.CharField(max_length=200)
    batch_no = serializers.IntegerField(
        min_value=1, max_value=32767, required=False, allow_null=True
    )


class DraftCreateSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="调整原因（REQ-012）")
    source_document = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )


# Views --------------------------------------------------------------------------------


class CSVRenderer(BaseRenderer):
    """Lets content negotiation pick CSV; the export view returns finished bytes."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@extend_schema_view(
    list=extend_schema(
        summary="已公布的证明事项清单（无须登录）",
        parameters=[
            OpenApiParameter("owner", str, description="制定机关所在区划代码"),
            OpenApiParameter("kind", str, enum=ListKind.values),
        ],
    ),
    retrieve=extend_schema(
        summary="清单及其已公布的历次版本（无须登录）",
        responses={200: CatalogueListDetailSerializer, 404: ErrorSerializer},
    ),
)
class CatalogueListViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = CatalogueListSerializer
    lookup_value_regex = r"[0-9]{1,9}"

    def get_permissions(self):
        if self.action in {"create", "drafts"}:
            return [IsAuthenticated()]
        if self.action == "channels" and self.request.method != "GET":
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CatalogueListDetailSerializer
        return CatalogueListSerializer

    def get_queryset(self):
        # Everyone sees the lists with a published version; an officer who manages a
        # list also sees it before it has one (the list they just created).
        visible = Q(versions__status__in=PUBLIC)
        user = self.request.user
        if user.is_authenticated and self.action == "retrieve":
            visible |= policy.scope(user, "catalogue.manage").q("owner_id")
        qs = (
            CatalogueList.objects.select_related("owner")
            .filter(visible)
            .distinct()
            .prefetch_related(
                Prefetch(
                    "versions",
                    queryset=ListVersion.objects.filter(status__in=PUBLIC).order_by(
                        "-number"
                    ),
                    to_attr="public_versions",
                )
            )
            .order_by("owner_id", "kind", "batch_no", "id")
        )
        if self.action == "list":
            params = self.request.query_params
            if params.get("owner"):
                qs = qs.filter(owner_id=params["owner"])
            if params.get("kind"):
                qs = qs.filter(kind=params["kind"])
        return qs

    def _public_version(self, number: str) -> ListVersion:
        catalogue_list = self.get_object()
        return get_object_or_404(
            ListVersion.objects.select_related(
                "catalogue_list__owner"
            ).prefetch_related(ENTRIES),
            catalogue_list=catalogue_list,
            number=int(number),
            status__in=PUBLIC,
        )

    @extend_schema(
        summary="清单的一个已公布版本：条目、依据与批准记录（无须登录）",
        parameters=[NUMBER],
        responses={200: VersionSerializer, 404: ErrorSerializer},
    )
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]{1,9})")
    def version(self, request, pk=None, number=None):
        return Response(VersionSerializer(self._public_version(number)).data)

    @extend_schema(
        summary="导出清单版本（开放数据，无须登录）",
        description=(
            "`…/export.json` 与导出文件相同（含版本号、生效日期、批准记录）；"
            "`…/export.csv` 为带 BOM 的 UTF-8，Excel 可直接打开，列为 "
            + "、".join(exports.COLUMNS)
            + "。也可用 `?format=json|csv` 或 Accept 头选择格式。"
        ),
        parameters=[
            NUMBER,
            OpenApiParameter("format", str, enum=["json", "csv"], description="格式"),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            404: ErrorSerializer,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]{1,9})/export",
        renderer_classes=[JSONRenderer, CSVRenderer],
    )
    def export(self, request, pk=None, number=None, format=None):
        version = self._public_version(number)
        fmt = request.accepted_renderer.format
        return _download(
            exports.render(version, fmt),
            f"{request.accepted_renderer.media_type}; charset=utf-8",
            exports.filename(version, fmt),
        )

    @extend_schema(
        summary="清单版本在各渠道的公布日期（REQ-078，无须登录）",
        parameters=[NUMBER],
        responses={200: VersionPublicationsSerializer, 404: ErrorSerializer},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"versions/(?P<number>[0-9]{1,9})/publications",
    )
    def version_publications(self, request, pk=None, number=None):
        version = self._public_version(number)
        return Response(
            VersionPublicationsSerializer(
                {
                    "number": version.number,
                    "status": version.status,
                    "valid_from": version.valid_from,
                    "publications": selectors.version_publications(version),
                }
            ).data
        )

    def _channels_response(self, catalogue_list: CatalogueList) -> Response:
        current = selectors.latest_published(catalogue_list)
        return Response(
            ListChannelsSerializer(
                {
                    "list": catalogue_list.pk,
                    "current_version": current.number if current else None,
                    "channels": selectors.channel_status(catalogue_list, current),
                }
            ).data
        )

    @extend_schema(
        methods=["GET"],
        summary="清单的公布渠道及各渠道是否已同步现行版本（REQ-081，无须登录）",
        responses={200: ListChannelsSerializer, 404: ErrorSerializer},
    )
    @extend_schema(
        methods=["PUT"],
        summary="设定清单须同步公布的渠道（民政部门；REQ-078、DIV-06）",
        request=ChannelsSetSerializer,
        responses={200: ListChannelsSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "put"])
    def channels(self, request, pk=None):
        if request.method == "GET":
            return self._channels_response(self.get_object())
        data = ChannelsSetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Not get_object(): a list not yet published is configured too; the service
        # checks that it exists and that the user may manage it.
        catalogue_list = publications.channels_set(
            actor=request.user,
            list_id=int(pk),
            channels=data.validated_data["channels"],
        )
        return self._channels_response(catalogue_list)

    def handle_exception(self, exc):
        # An export's errors are JSON like every other error, whatever was asked for.
        if getattr(self, "action", None) == "export":
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    @extend_schema(
        summary="新建清单（民政部门）",
        request=ListCreateSerializer,
        responses={201: CatalogueListSerializer, 409: ErrorSerializer, **ERRORS},
    )
    def create(self, request):
        data = ListCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        catalogue_list = services.list_create(
            actor=request.user,
            owner_code=v["owner"],
            kind=v["kind"],
            title=v["title"],
            batch_no=v.get("batch_no"),
        )
        return Response(CatalogueListSerializer(catalogue_list).data, status=201)

    @extend_schema(
        summary="新建草稿版本（从现行版本复制条目）",
        request=DraftCreateSerializer,
        responses={201: VersionSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def drafts(self, request, pk=None):
        data = DraftCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Not get_object(): a new list has no public version yet; the service checks
        # that the list exists and that the user may manage it.
        version = services.version_draft(
            actor=request.user, list_id=int(pk), **data.validated_data
        )
        return Response(VersionSerializer(_reload(version.pk)).data, status=201)
