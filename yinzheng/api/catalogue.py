"""Catalogue endpoints: the public lists and items (REQ-079, REQ-114), their open-data
exports (REQ-081), each item's published guide (REQ-076), and the managers' draft →
approve → publish workflow (REQ-012, -014).

Reading needs no login and shows only published or superseded versions; a draft is seen
only by someone who may manage it. Every write calls catalogue.services, which checks
the policy ("catalogue.manage") and the list rules; refusals go through the one error
handler (a refused publication is 409 with the problems in `detail`).
"""

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.accounts import policy
from yinzheng.catalogue import exports, selectors, services
from yinzheng.catalogue.choices import GuideStatus, ListKind, VersionStatus
from yinzheng.catalogue.models import (
    Basis,
    CatalogueList,
    Guide,
    Item,
    ListEntry,
    ListVersion,
)
from yinzheng.core.errors import InvalidInput, NotFound
from yinzheng.divisions.choices import Level
from yinzheng.divisions.models import Division

from .serializers import ErrorSerializer

PUBLIC = selectors.IN_FORCE_STATUSES
ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
}
NUMBER = OpenApiParameter(
    "number", int, OpenApiParameter.PATH, description="版本号（第几版）"
)
# Plain strings in the schema: "kind" and "status" enums would collide with the
# divisions' (drf-spectacular names enums by field name).
_KIND_HELP = "清单类型：" + "、".join(ListKind.values)
_STATUS_HELP = "版本状态：" + "、".join(VersionStatus.values)
ENTRIES = Prefetch(
    "entries",
    queryset=ListEntry.objects.select_related("item")
    .prefetch_related("item__bases")
    .order_by("number"),
)


# Serializers ------------------------------------------------------------------------


class BasisSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="basis_type")
    type_display = serializers.CharField(source="get_basis_type_display")

    class Meta:
        model = Basis
        fields = ["type", "type_display", "citation", "sample"]


class EntrySerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.key")
    name = serializers.CharField(source="item.name")
    aliases = serializers.ListField(
        child=serializers.CharField(), source="item.aliases"
    )
    open_alias_list = serializers.BooleanField(source="item.open_alias_list")
    route = serializers.CharField(source="item.route")
    responsible_departments = serializers.ListField(
        child=serializers.CharField(), source="item.responsible_departments"
    )
    exceptions = serializers.ListField(
        child=serializers.CharField(), source="item.exceptions"
    )
    bases = BasisSerializer(source="item.bases", many=True)

    class Meta:
        model = ListEntry
        fields = [
            "number",
            "item",
            "name",
            "aliases",
            "open_alias_list",
            "route",
            "responsible_departments",
            "exceptions",
            "bases",
            "note",
        ]


class ApprovalSerializer(serializers.Serializer):
    body = serializers.CharField(source="approval_body")
    date = serializers.DateField(source="approval_date", allow_null=True)
    reference = serializers.CharField(source="approval_reference")


class VersionSummarySerializer(serializers.ModelSerializer):
    status = serializers.CharField(help_text=_STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")
    approval = ApprovalSerializer(source="*")

    class Meta:
        model = ListVersion
        fields = [
            "number",
            "status",
            "status_display",
            "valid_from",
            "valid_to",
            "reason",
            "source_document",
            "approval",
            "published_at",
        ]


class VersionSerializer(VersionSummarySerializer):
    list = serializers.IntegerField(source="catalogue_list_id")
    list_title = serializers.CharField(source="catalogue_list.title")
    entries = EntrySerializer(many=True)

    class Meta(VersionSummarySerializer.Meta):
        fields = [
            "id",
            "list",
            "list_title",
            *VersionSummarySerializer.Meta.fields,
            "entries",
        ]


class CatalogueListSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner_id")
    owner_name = serializers.CharField(source="owner.name")
    kind = serializers.CharField(help_text=_KIND_HELP)
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
    kind = serializers.CharField(max_length=20, help_text=_KIND_HELP)
    title = serializers.CharField(max_length=200)
    batch_no = serializers.IntegerField(
        min_value=1, max_value=32767, required=False, allow_null=True
    )


class DraftCreateSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="调整原因（REQ-012）")
    source_document = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )


class EntryCreateSerializer(serializers.Serializer):
    item_key = serializers.SlugField(max_length=80)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveSerializer(serializers.Serializer):
    approval_body = serializers.CharField(max_length=200)
    approval_date = serializers.DateField()
    approval_reference = serializers.CharField(max_length=200)


class PublishSerializer(serializers.Serializer):
    valid_from = serializers.DateField()


class ItemListingSerializer(serializers.ModelSerializer):
    aliases = serializers.ListField(child=serializers.CharField())
    responsible_departments = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Item
        fields = [
            "key",
            "name",
            "aliases",
            "open_alias_list",
            "route",
            "responsible_departments",
        ]


class ItemListEntrySerializer(serializers.ModelSerializer):
    list = serializers.IntegerField(source="version.catalogue_list_id")
    list_title = serializers.CharField(source="version.catalogue_list.title")
    kind = serializers.CharField(
        source="version.catalogue_list.kind", help_text=_KIND_HELP
    )
    owner = serializers.CharField(source="version.catalogue_list.owner_id")
    version = serializers.IntegerField(source="version.number")
    status = serializers.CharField(source="version.status", help_text=_STATUS_HELP)
    valid_from = serializers.DateField(source="version.valid_from")
    valid_to = serializers.DateField(source="version.valid_to", allow_null=True)

    class Meta:
        model = ListEntry
        fields = [
            "list",
            "list_title",
            "kind",
            "owner",
            "version",
            "status",
            "valid_from",
            "valid_to",
            "number",
        ]


class GuideSerializer(serializers.ModelSerializer):
    class Meta:
        model = Guide
        fields = [
            "certificate_format",
            "procedure",
            "operating_rules",
            "time_limit_days",
            "purpose",
            "basis",
            "materials",
            "sample_form",
            "sample",
            "published_at",
        ]


class ItemSerializer(ItemListingSerializer):
    aliases_en = serializers.ListField(child=serializers.CharField())
    exceptions = serializers.ListField(child=serializers.CharField())
    clause_notes = serializers.ListField(child=serializers.CharField())
    policy_basis_only = serializers.BooleanField(
        read_only=True, help_text="只有政策依据（REQ-020）"
    )
    bases = BasisSerializer(many=True)
    lists = ItemListEntrySerializer(source="public_entries", many=True)
    guide = serializers.SerializerMethodField(
        help_text="已公布的办事指南（REQ-076）；负面清单事项以办事途径和办理部门为指南"
    )

    class Meta(ItemListingSerializer.Meta):
        fields = [
            *ItemListingSerializer.Meta.fields,
            "name_en",
            "aliases_en",
            "route_en",
            "exceptions",
            "clause_notes",
            "within_committee_duties",
            "implementing_unit",
            "competent_department",
            "remarks",
            "no_prior_certificate",
            "data_sharing",
            "public_interest",
            "legal_risk",
            "liability_bearing",
            "party_related",
            "commitment_allowed",
            "complexity",
            "time_limit_days",
            "policy_basis_only",
            "bases",
            "lists",
            "guide",
        ]

    @extend_schema_field(GuideSerializer(allow_null=True))
    def get_guide(self, obj: Item) -> dict | None:
        guide = Guide.objects.filter(item=obj, status=GuideStatus.PUBLISHED).first()
        return GuideSerializer(guide).data if guide else None


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
        return [AllowAny()]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CatalogueListDetailSerializer
        return CatalogueListSerializer

    def get_queryset(self):
        qs = (
            CatalogueList.objects.select_related("owner")
            .filter(versions__status__in=PUBLIC)
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


def _reload(version_id: int) -> ListVersion:
    return (
        ListVersion.objects.select_related("catalogue_list")
        .prefetch_related(ENTRIES)
        .get(pk=version_id)
    )


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


@extend_schema_view(
    list=extend_schema(
        summary="已公布清单中的证明事项（无须登录）",
        parameters=[OpenApiParameter("q", str, description="名称或别名包含")],
    ),
    retrieve=extend_schema(
        summary="证明事项：办事途径、办理部门、依据及所在清单（无须登录）",
        responses={200: ItemSerializer, 404: ErrorSerializer},
    ),
)
class ItemViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    lookup_field = "key"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,80}"

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ItemSerializer
        return ItemListingSerializer

    def get_queryset(self):
        qs = Item.objects.filter(entries__version__status__in=PUBLIC).distinct()
        if self.action == "retrieve":
            return qs.prefetch_related(
                "bases",
                Prefetch(
                    "entries",
                    queryset=selectors.public_entries().select_related(
                        "version__catalogue_list"
                    ),
                    to_attr="public_entries",
                ),
            )
        q = self.request.query_params.get("q", "").strip()[:100]
        if q:
            qs = qs.filter(search_text__contains=q)
        return qs.order_by("name", "key")


class LookupResultSerializer(serializers.Serializer):
    name = serializers.CharField(source="item.name")
    key = serializers.CharField(source="item.key")
    list = serializers.ChoiceField(choices=["negative", "positive", "none"])
    score = serializers.FloatField()
    route = serializers.SerializerMethodField()
    responsible_departments = serializers.ListField(
        source="item.responsible_departments", child=serializers.CharField()
    )

    def get_route(self, obj) -> str:
        return obj.item.route if obj.list != "positive" else ""


class LookupSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = LookupResultSerializer(many=True)


class LookupView(APIView):
    """“I was asked for …”: colloquial text to ranked items with the decision."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="按口语查找证明事项（能否由村（居）委会出具、办事途径）",
        parameters=[
            OpenApiParameter("q", str, required=True, description="口语描述"),
            OpenApiParameter("committee", str, description="村（居）委会代码"),
            OpenApiParameter("limit", int, description="1–20，默认 5"),
        ],
        responses={200: LookupSerializer, 400: ErrorSerializer},
    )
    def get(self, request):
        q = request.query_params.get("q", "").strip()[:100]
        committee = request.query_params.get("committee") or None
        limit = request.query_params.get("limit", "5")
        if not q:
            raise InvalidInput(code="query_required")
        if not (limit.isascii() and limit.isdigit() and 1 <= int(limit) <= 20):
            raise InvalidInput(code="limit_invalid")
        if (
            committee
            and not Division.objects.filter(
                code=committee, level=Level.COMMITTEE
            ).exists()
        ):
            raise NotFound(code="committee_not_found")
        results = selectors.lookup_items(q, committee_code=committee, limit=int(limit))
        return Response(LookupSerializer({"query": q, "results": results}).data)
