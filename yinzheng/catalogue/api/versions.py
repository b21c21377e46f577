"""List versions by id, for the people who manage them: the draft → approve → publish
workflow (REQ-012, -014) and the date a published version appeared on each channel
(REQ-078).

Every write calls catalogue.services or catalogue.services.publications, which check the
policy ("catalogue.manage") and the list rules; refusals go through the one error handler
(a refused publication is 409 with the problems in `detail`).
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yinzheng.accounts import policy
from yinzheng.core.rest.responses import ERRORS, ErrorSerializer

from .. import services
from ..models import ListVersion
from ..services import publications
from .common import ENTRIES, PUBLIC, EntrySerializer, VersionSerializer, _reload
from .publications import PublicationCreateSerializer, PublicationSerializer

# Serializers ------------------------------------------------------------------------


class EntryCreateSerializer(serializers.Serializer):
    item_key = serializers.SlugField(max_length=80)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveSerializer(serializers.Serializer):
    approval_body = serializers.CharField(max_length=200)
    approval_date = serializers.DateField()
    approval_reference = serializers.CharField(max_length=200)


class PublishSerializer(serializers.Serializer):
    valid_from = serializers.DateField()


# Views --------------------------------------------------------------------------------


@extend_schema_view(
    retrieve=extend_schema(
        summary="清单版本（含草稿，仅限可管理该清单的人员）",
        responses={200: VersionSerializer, **ERRORS},
    ),
)
class VersionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Versions by id, for the people who manage them. A version nobody may see
    (a draft outside one's lists) is 404; one that is public but not one's to manage
    is 403 on writes."""

    serializer_class = VersionSerializer
    lookup_value_regex = r"[0-9]{1,9}"
    queryset = ListVersion.objects.select_related("catalogue_list").prefetch_related(
        ENTRIES
    )

    def get_object(self):
        version = super().get_object()
        if self.action == "retrieve" or version.status not in PUBLIC:
            if not policy.can(self.request.user, "catalogue.manage", version):
                raise Http404
        return version

    @extend_schema(
        summary="向草稿加入证明事项",
        request=EntryCreateSerializer,
        responses={201: EntrySerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="items")
    def add_item(self, request, pk=None):
        version = self.get_object()
        data = EntryCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.version_add_item(
            actor=request.user, version_id=version.pk, **data.validated_data
        )
        return Response(EntrySerializer(entry).data, status=201)

    @extend_schema(
        summary="从草稿移出证明事项",
        parameters=[
            OpenApiParameter("item_key", str, OpenApiParameter.PATH, description="标识")
        ],
        request=None,
        responses={204: None, 409: ErrorSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"items/(?P<item_key>[-a-zA-Z0-9_]{1,80})",
    )
    def remove_item(self, request, pk=None, item_key=None):
        version = self.get_object()
        services.version_remove_item(
            actor=request.user, version_id=version.pk, item_key=item_key
        )
        return Response(status=204)

    @extend_schema(
        summary="记录批准（批准机关、日期、文号或会议；REQ-014）",
        request=ApproveSerializer,
        responses={200: VersionSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        version = self.get_object()
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.version_approve(
            actor=request.user, version_id=version.pk, **data.validated_data
        )
        return Response(VersionSerializer(_reload(version.pk)).data)

    @extend_schema(
        summary="公布（不符合清单规则时 409，detail 列出每个问题）",
        request=PublishSerializer,
        responses={200: VersionSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        version = self.get_object()
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.version_publish(
            actor=request.user,
            version_id=version.pk,
            valid_from=data.validated_data["valid_from"],
        )
        return Response(VersionSerializer(_reload(version.pk)).data)

    @extend_schema(
        summary="登记已公布版本在一个渠道的公布日期（REQ-078）",
        request=PublicationCreateSerializer,
        responses={201: PublicationSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="publications")
    def record_publication(self, request, pk=None):
        version = self.get_object()
        data = PublicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        publication = publications.publication_record(
            actor=request.user, version_id=version.pk, **data.validated_data
        )
        return Response(PublicationSerializer(publication).data, status=201)
