"""Catalogue endpoints: the public lists and items (REQ-079, REQ-114), their open-data
exports (REQ-081), each item's published guide (REQ-076), the managers' draft →
approve → publish workflow (REQ-012, -014), the publication channels and dates
(REQ-078, REQ-081) and the clean-up pass (REQ-011).

Reading needs no login and shows only published or superseded versions; a draft is seen
only by someone who may manage it. Every write calls catalogue.services, which checks
the policy ("catalogue.manage") and the list rules; refusals go through the one error
handler (a refused publication is 409 with the problems in `detail`). An item's flags
and texts are changed by PATCH, through catalogue.services.item_update.
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
from yinzheng.catalogue import (
    cleanup,
    exports,
    guides,
    publications,
    selectors,
    services,
)
from yinzheng.catalogue.choices import (
    BasisType,
    Channel,
    CleanupDisposition,
    Complexity,
    GuideStatus,
    ListKind,
    VersionStatus,
)
from yinzheng.catalogue.models import (
    Basis,
    CatalogueList,
    CleanupDecision,
    CleanupReview,
    Guide,
    Item,
    ListEntry,
    ListVersion,
    Publication,
)
from yinzheng.core.codes import Level
from yinzheng.core.errors import InvalidInput, NotFound
from yinzheng.core.rest.responses import ERRORS, ErrorSerializer
from yinzheng.divisions.models import Division

PUBLIC = selectors.IN_FORCE_STATUSES
NUMBER = OpenApiParameter(
    "number", int, OpenApiParameter.PATH, description="版本号（第几版）"
)
# Enums are ChoiceFields on the TextChoices, named in the schema by
# SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] ("kind" and "status" are used by several).
_STATUS_HELP = "版本状态：" + "、".join(VersionStatus.values)
ENTRIES = Prefetch(
    "entries",
    queryset=ListEntry.objects.select_related("item")
    .prefetch_related("item__bases")
    .order_by("number"),
)


# Serializers ------------------------------------------------------------------------


class BasisSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=BasisType.choices, source="basis_type")
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
    status = serializers.ChoiceField(choices=VersionStatus.choices)
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
    kind = serializers.ChoiceField(
        choices=ListKind.choices, source="version.catalogue_list.kind"
    )
    owner = serializers.CharField(source="version.catalogue_list.owner_id")
    version = serializers.IntegerField(source="version.number")
    status = serializers.ChoiceField(
        choices=VersionStatus.choices, source="version.status"
    )
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


def _item_text(label: str, **kw) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, help_text=label, **kw
    )


def _item_lines(label: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(), required=False, help_text=label
    )


def _item_flag(label: str) -> serializers.BooleanField:
    return serializers.BooleanField(required=False, help_text=label)


class ItemUpdateSerializer(serializers.Serializer):
    """The fields to change (PATCH: only those sent). The key and the name are the
    item's identity on published lists and cannot be changed."""

    aliases = _item_lines("别名")
    within_committee_duties = _item_flag("属于村（居）委会职责范围")
    implementing_unit = _item_text("实施单位", max_length=200)
    competent_department = _item_text("主管部门", max_length=200)
    remarks = _item_text("备注")
    route = _item_text("办事途径")
    route_en = _item_text("办事途径（英文）")
    responsible_departments = _item_lines("办理部门")
    exceptions = _item_lines("除外情形")
    clause_notes = _item_lines("条款说明")
    public_interest = _item_flag("涉及公共利益")
    legal_risk = _item_flag("可能涉及法律风险")
    liability_bearing = _item_flag(
        "承担法律或经济连带责任（正面清单列入的事项不能设为是，REQ-041）"
    )
    party_related = _item_flag("涉及党组织、党员")
    commitment_allowed = _item_flag("可告知承诺（REQ-116）")
    data_sharing = _item_flag("可通过信息共享核查（REQ-116）")
    complexity = serializers.ChoiceField(
        choices=Complexity.choices, required=False, help_text="办理类型"
    )
    time_limit_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=365,
        help_text="出具时限（工作日）；当场办结的为空",
    )


class GuideMissingPartSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()


class GuideStateSerializer(GuideSerializer):
    """A guide as its editors see it: drafts too, who saved it last, what it lacks."""

    item = serializers.CharField(source="item.key")
    status = serializers.ChoiceField(choices=GuideStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    updated_by = serializers.CharField(
        source="updated_by.display_name", allow_null=True, help_text="最后编辑人"
    )
    missing = serializers.SerializerMethodField(
        help_text="公布前尚缺的内容（REQ-028、REQ-076）；为空即可公布"
    )

    class Meta(GuideSerializer.Meta):
        fields = [
            "item",
            "status",
            "status_display",
            *GuideSerializer.Meta.fields,
            "updated_by",
            "updated_at",
            "missing",
        ]

    @extend_schema_field(GuideMissingPartSerializer(many=True))
    def get_missing(self, obj: Guide) -> list[dict[str, str]]:
        return guides.guide_missing_parts(obj)


def _guide_text(label: str) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, default="", help_text=label
    )


class GuideSaveSerializer(serializers.Serializer):
    """The whole content of the draft (PUT replaces it); completeness is checked when
    publishing, not here."""

    certificate_format = _guide_text("证明式样")
    procedure = _guide_text("办理程序（由主管部门提供，REQ-028）")
    operating_rules = _guide_text("操作规范")
    time_limit_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="出具时限（工作日，1–365）；当场办结的不填",
    )
    purpose = _guide_text("办理用途")
    basis = _guide_text("依据")
    materials = _guide_text("所需要件")
    sample_form = _guide_text("样表（由主管部门提供，REQ-028）")
    sample = serializers.BooleanField(required=False, default=False)


class GuideWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


_CHANNEL_HELP = "公布渠道：" + "、".join(Channel.values)
_DISPOSITION_HELP = "处理意见：" + "、".join(CleanupDisposition.values)


class PublicationSerializer(serializers.ModelSerializer):
    channel = serializers.ChoiceField(choices=Channel.choices, help_text=_CHANNEL_HELP)
    channel_display = serializers.CharField(source="get_channel_display")

    class Meta:
        model = Publication
        fields = ["channel", "channel_display", "published_on", "location"]


class VersionPublicationsSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="版本号")
    status = serializers.ChoiceField(
        choices=VersionStatus.choices, help_text=_STATUS_HELP
    )
    valid_from = serializers.DateField(allow_null=True)
    publications = PublicationSerializer(many=True)


class PublicationCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices, help_text=_CHANNEL_HELP)
    published_on = serializers.DateField(help_text="在该渠道公布的日期")
    location = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )


class ChannelStatusSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices, help_text=_CHANNEL_HELP)
    label = serializers.CharField()
    version_number = serializers.IntegerField(
        allow_null=True, help_text="该渠道最近公布的版本号"
    )
    published_on = serializers.DateField(allow_null=True)
    location = serializers.CharField()
    in_sync = serializers.BooleanField(help_text="是否为现行版本（同步公布，REQ-081）")


class ListChannelsSerializer(serializers.Serializer):
    list = serializers.IntegerField()
    current_version = serializers.IntegerField(allow_null=True)
    channels = ChannelStatusSerializer(many=True)


class ChannelsSetSerializer(serializers.Serializer):
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices),
        allow_empty=True,
        help_text=_CHANNEL_HELP,
    )


class CleanupDecisionSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.key")
    name = serializers.CharField(source="item.name")
    disposition = serializers.ChoiceField(
        choices=CleanupDisposition.choices, help_text=_DISPOSITION_HELP
    )
    disposition_display = serializers.CharField(source="get_disposition_display")
    confirmed = serializers.SerializerMethodField(
        help_text="false：系统建议，尚未经人确认"
    )
    decided_by = serializers.CharField(
        source="decided_by.display_name", allow_null=True, read_only=True
    )

    class Meta:
        model = CleanupDecision
        fields = [
            "item",
            "name",
            "disposition",
            "disposition_display",
            "reason",
            "confirmed",
            "decided_by",
            "decided_at",
        ]

    def get_confirmed(self, obj: CleanupDecision) -> bool:
        return obj.decided_by_id is not None


class CleanupReviewSerializer(serializers.ModelSerializer):
    list = serializers.IntegerField(source="catalogue_list_id")
    base_version = serializers.IntegerField(source="base_version.number")
    resulting_version = serializers.SerializerMethodField(
        help_text="完成后形成的草稿版本的 id 与版本号；无取消事项时为 null"
    )
    decisions = serializers.SerializerMethodField()

    class Meta:
        model = CleanupReview
        fields = [
            "id",
            "list",
            "base_version",
            "started_at",
            "completed_at",
            "conclusion",
            "resulting_version",
            "decisions",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"id": {"type": "integer"}, "number": {"type": "integer"}},
        }
    )
    def get_resulting_version(self, obj: CleanupReview) -> dict | None:
        v = obj.resulting_version
        return {"id": v.pk, "number": v.number} if v else None

    @extend_schema_field(CleanupDecisionSerializer(many=True))
    def get_decisions(self, obj: CleanupReview) -> list:
        return CleanupDecisionSerializer(cleanup.review_rows(obj), many=True).data


class CleanupStartSerializer(serializers.Serializer):
    list = serializers.IntegerField(min_value=1, help_text="清单 id")


class CleanupDecideSerializer(serializers.Serializer):
    item = serializers.SlugField(max_length=80, help_text="证明事项标识")
    disposition = serializers.ChoiceField(
        choices=CleanupDisposition.choices, help_text=_DISPOSITION_HELP
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CleanupCompleteSerializer(serializers.Serializer):
    conclusion = serializers.CharField(help_text="清理结论（REQ-011、REQ-013）")


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
                    "publications": publications.version_publications(version),
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
                    "channels": publications.channel_status(catalogue_list, current),
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


def _with_public_entries(qs):
    """Items as ItemSerializer reads them: bases and the public list entries."""
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
    """Items are read without login. Their guide is written by the department that
    supplies it (drafts) and published or withdrawn by the list owner (DIV-14), through
    catalogue.guides; the policy decides, so a refusal is 403 with its code."""

    lookup_field = "key"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,80}"
    GUIDE_ACTIONS = frozenset({"guide", "guide_publish", "guide_withdraw"})
    WRITE_ACTIONS = frozenset({*GUIDE_ACTIONS, "partial_update"})

    def get_permissions(self):
        if self.action in self.WRITE_ACTIONS:
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ItemSerializer
        return ItemListingSerializer

    def get_queryset(self):
        qs = Item.objects.filter(entries__version__status__in=PUBLIC).distinct()
        if self.action == "retrieve":
            return _with_public_entries(qs)
        q = self.request.query_params.get("q", "").strip()[:100]
        if q:
            qs = qs.filter(search_text__contains=q)
        return qs.order_by("name", "key")

    # Not get_object() below: an item on no published list yet needs its guide first
    # (REQ-075); the services look the item up and check the policy.

    @extend_schema(
        summary="修改证明事项的标记和文字（不含标识、名称）",
        description=(
            "一个事项由列入它的所有清单共用：须有权管理每一份列入它的清单"
            "（否则 403 item_shared_elsewhere）；全国负面清单参考数据不能修改"
            "（409 reference_item）；列入正面清单的事项不能设为承担连带责任"
            "（409 liability_on_positive_list，REQ-041）。"
        ),
        request=ItemUpdateSerializer,
        responses={200: ItemSerializer, 409: ErrorSerializer, **ERRORS},
    )
    def partial_update(self, request, key=None):
        data = ItemUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        # DRF drops unknown keys; a client sending "name" must hear it is not changed.
        services.require_editable_item_fields(request.data)
        item = services.item_update(
            actor=request.user, item_key=key, **data.validated_data
        )
        # Not get_queryset(): an item on no published list may be edited too.
        reloaded = _with_public_entries(Item.objects.all()).get(pk=item.pk)
        return Response(ItemSerializer(reloaded).data)

    @extend_schema(
        methods=["GET"],
        summary="办事指南（含草稿；主管部门和民政部门人员）",
        responses={200: GuideStateSerializer, **ERRORS},
    )
    @extend_schema(
        methods=["PUT"],
        summary="保存办事指南草稿（主管部门提供内容，或民政部门编辑；DIV-14、REQ-028）",
        description="已公布的办事指南不能修改（409 guide_published）：须先撤回。",
        request=GuideSaveSerializer,
        responses={200: GuideStateSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "put"])
    def guide(self, request, key=None):
        if request.method == "GET":
            guide = guides.guide_for_editing(actor=request.user, item_key=key)
            return Response(GuideStateSerializer(guide).data)
        data = GuideSaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        guides.guide_save(actor=request.user, item_key=key, **data.validated_data)
        return self._guide_state(key)

    @extend_schema(
        summary="公布办事指南（清单制定机关；内容不全时 400，detail 列出所缺）",
        request=None,
        responses={200: GuideStateSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="guide/publish")
    def guide_publish(self, request, key=None):
        guides.guide_publish(actor=request.user, item_key=key)
        return self._guide_state(key)

    @extend_schema(
        summary="撤回已公布的办事指南（清单制定机关；须写原因）",
        request=GuideWithdrawSerializer,
        responses={200: GuideStateSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="guide/withdraw")
    def guide_withdraw(self, request, key=None):
        data = GuideWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        guides.guide_withdraw(
            actor=request.user, item_key=key, reason=data.validated_data["reason"]
        )
        return self._guide_state(key)

    def _guide_state(self, key: str) -> Response:
        guide = guides.guide_for_editing(actor=self.request.user, item_key=key)
        return Response(GuideStateSerializer(guide).data)


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


@extend_schema_view(
    retrieve=extend_schema(
        summary="清理及每个事项的处理意见（仅限可管理该清单的人员）",
        responses={200: CleanupReviewSerializer, **ERRORS},
    ),
)
class CleanupViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The clean-up pass (REQ-011). A review one may not manage is 404."""

    serializer_class = CleanupReviewSerializer
    lookup_value_regex = r"[0-9]{1,9}"
    queryset = CleanupReview.objects.select_related(
        "catalogue_list", "base_version", "resulting_version"
    )

    def get_object(self):
        review = super().get_object()
        if not policy.can(self.request.user, "catalogue.manage", review):
            raise Http404
        return review

    def _reloaded(self, review_id: int) -> dict:
        return CleanupReviewSerializer(self.queryset.get(pk=review_id)).data

    @extend_schema(
        summary="开始清理清单的现行版本（每个事项预填系统建议）",
        request=CleanupStartSerializer,
        responses={201: CleanupReviewSerializer, 409: ErrorSerializer, **ERRORS},
    )
    def create(self, request):
        data = CleanupStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = cleanup.cleanup_start(
            actor=request.user, list_id=data.validated_data["list"]
        )
        return Response(self._reloaded(review.pk), status=201)

    @extend_schema(
        summary="确认或修改一个事项的处理意见（取消须写理由）",
        request=CleanupDecideSerializer,
        responses={200: CleanupDecisionSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        review = self.get_object()
        data = CleanupDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        decision = cleanup.cleanup_decide(
            actor=request.user,
            review_id=review.pk,
            item_key=v["item"],
            disposition=v["disposition"],
            reason=v["reason"],
        )
        return Response(CleanupDecisionSerializer(decision).data)

    @extend_schema(
        summary="完成清理（取消的事项移出新草稿版本；记录定期清理评估）",
        request=CleanupCompleteSerializer,
        responses={200: CleanupReviewSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        review = self.get_object()
        data = CleanupCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cleanup.cleanup_complete(
            actor=request.user,
            review_id=review.pk,
            conclusion=data.validated_data["conclusion"],
        )
        return Response(self._reloaded(review.pk))
