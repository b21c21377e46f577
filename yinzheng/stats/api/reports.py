"""Reports upward (REQ-105, REQ-108) and each county's reporting line: the reports a
user sees (received, sent, or all those in their scope), one report with its body or
its five sections, a township's or the county's draft (JSON, or multipart with an
attachment), its changes, its submission to the recipient the line names, the
recipient signing for it, and the county compiling its townships' summaries into one
consolidated report to its superior."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.core import uploads
from yinzheng.core.codes import Level
from yinzheng.core.errors import NotFound
from yinzheng.core.rest.parsers import JSONParser
from yinzheng.core.rest.responses import (
    ERRORS,
    BinaryRenderer,
    file_responses,
    validated,
)

from .. import report_selectors as selectors
from .. import services
from ..choices import ReportKind, ReportStatus
from ..models import ReportingLine, UpwardReport
from ..models.reports import SECTIONS
from ..services.reports import ATTACHMENT_TYPES, empty_sections
from .common import PK, CanViewStats, person

# Plain strings with the values listed (see common.py): no enums named by field name.
REPORT_KIND_HELP = "报告类型：" + "、".join(ReportKind.values)
REPORT_STATUS_HELP = "报告状态：" + "、".join(ReportStatus.values)
BOX_HELP = (
    "received（收到的，默认给接收单位）、sent（本单位报送的）、all（可查看的全部）"
)
SECTION_HELP = {
    "implementation": "工作落实",
    "results": "取得成效",
    "problems": "存在问题",
    "next_steps": "下步打算",
    "suggestions": "意见建议",
}
COUNTY = r"[0-9]{6}"

# Serializers ------------------------------------------------------------------------


class StatsReportSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=REPORT_KIND_HELP)
    kind_display = serializers.CharField(source="get_kind_display")
    sender = serializers.CharField(source="sender_id", help_text="报送单位区划代码")
    sender_name = serializers.CharField(source="sender.name")
    recipient = serializers.CharField(
        source="recipient_id", help_text="接收单位区划代码（报送单位的上级）"
    )
    recipient_name = serializers.CharField(help_text="接收机构（按报送关系）")
    campaign = serializers.IntegerField(
        source="campaign_id", allow_null=True, help_text="所属专项工作"
    )
    status = serializers.CharField(help_text=REPORT_STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")
    has_attachment = serializers.SerializerMethodField()
    created_by = person()
    submitted_by = person()
    received_by = person()

    class Meta:
        model = UpwardReport
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "sender",
            "sender_name",
            "recipient",
            "recipient_name",
            "campaign",
            "status",
            "status_display",
            "has_attachment",
            "created_by",
            "created_at",
            "submitted_by",
            "submitted_at",
            "received_by",
            "received_at",
        ]

    def get_has_attachment(self, obj: UpwardReport) -> bool:
        return bool(obj.attachment)


class StatsReportDetailSerializer(StatsReportSerializer):
    body = serializers.CharField(help_text="正文（总结报告、汇总报告为空）")
    implementation = serializers.CharField(help_text="一、工作落实（REQ-105）")
    results = serializers.CharField(help_text="二、取得成效")
    problems = serializers.CharField(help_text="三、存在问题")
    next_steps = serializers.CharField(help_text="四、下步打算")
    suggestions = serializers.CharField(help_text="五、意见建议")
    empty_sections = serializers.SerializerMethodField(
        help_text="总结报告、汇总报告尚未填写的部分（为空方可报送）"
    )
    attachment_name = serializers.CharField(help_text="附件名称")
    attachment_sha256 = serializers.CharField(help_text="附件 SHA-256")
    sources = serializers.SerializerMethodField(
        help_text="汇总报告所汇总的总结报告编号"
    )
    allowed_actions = AllowedActionsField()

    class Meta(StatsReportSerializer.Meta):
        fields = [
            *StatsReportSerializer.Meta.fields,
            "body",
            *SECTIONS,
            "empty_sections",
            "attachment_name",
            "attachment_sha256",
            "sources",
            "allowed_actions",
        ]

    def get_sources(self, obj: UpwardReport) -> list[int]:
        return sorted(obj.sources.values_list("pk", flat=True))

    def get_empty_sections(self, obj: UpwardReport) -> list[str]:
        if obj.kind not in (ReportKind.SUMMARY, ReportKind.CONSOLIDATED):
            return []
        return empty_sections(obj)


def _text(help_text: str) -> serializers.CharField:
    # Trimmed, bounded and checked for control characters by the service.
    return serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text=help_text,
    )


class StatsReportCreateSerializer(serializers.Serializer):
    """A draft; JSON, or multipart with the attachment."""

    sender = serializers.CharField(
        max_length=12, help_text="报送单位：本乡镇（街道）或本县（市、区）的代码"
    )
    kind = serializers.CharField(
        max_length=20, help_text="报告类型（汇总报告用 compile）：" + REPORT_KIND_HELP
    )
    title = serializers.CharField(allow_blank=True, help_text="标题")
    body = _text("正文（总结报告不填）")
    implementation = _text("工作落实（总结报告）")
    results = _text("取得成效（总结报告）")
    problems = _text("存在问题（总结报告）")
    next_steps = _text("下步打算（总结报告）")
    suggestions = _text("意见建议（总结报告）")
    campaign = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="所属专项工作"
    )
    attachment = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text="附件（multipart）：PDF、Word、OFD 或图片，按内容识别，不超过 20 MB",
    )


class StatsReportUpdateSerializer(serializers.Serializer):
    """The fields to change in a draft; those left out keep their values."""

    title = serializers.CharField(required=False, allow_blank=True)
    body = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False
    )
    implementation = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False
    )
    results = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False
    )
    problems = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False
    )
    next_steps = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False
    )
    suggestions = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False
    )
    campaign = serializers.IntegerField(
        required=False, allow_null=True, help_text="所属专项工作（null 为不属于）"
    )
    attachment = serializers.FileField(
        required=False, help_text="新附件（multipart），替换原附件"
    )
    remove_attachment = serializers.BooleanField(
        required=False, default=False, help_text="删除原附件"
    )


class StatsReportSectionsSerializer(serializers.Serializer):
    implementation = _text(SECTION_HELP["implementation"])
    results = _text(SECTION_HELP["results"])
    problems = _text(SECTION_HELP["problems"])
    next_steps = _text(SECTION_HELP["next_steps"])
    suggestions = _text(SECTION_HELP["suggestions"])


class StatsReportCompileSerializer(serializers.Serializer):
    """REQ-105: the county's consolidated report from its townships' summaries."""

    county = serializers.CharField(max_length=6, help_text="县（市、区）代码")
    title = serializers.CharField(allow_blank=True, help_text="标题")
    summaries = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=True,
        help_text="所汇总的乡镇（街道）已报送的总结报告编号",
    )
    sections = StatsReportSectionsSerializer(
        required=False,
        help_text="五个部分；未给出或为空的按各乡镇（街道）的内容依次汇总",
    )
    campaign = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="所属专项工作"
    )


class StatsReportingLineSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county_id")
    county_name = serializers.CharField(source="county.name")
    bureau_name = serializers.CharField(help_text="接收各乡镇（街道）报告的机构")
    superior = serializers.CharField(
        source="superior_id", help_text="接收本县报告的上级区划（市或省）"
    )
    superior_division_name = serializers.CharField(source="superior.name")
    superior_name = serializers.CharField(help_text="上级接收机构")
    configured = serializers.SerializerMethodField(
        help_text="已由县民政设置（否则为默认：本县民政局、上级市民政局）"
    )
    updated_by = person()
    updated_at = serializers.DateTimeField(
        allow_null=True, help_text="设置时间；未设置（默认的报送关系）时为空"
    )

    class Meta:
        model = ReportingLine
        fields = [
            "county",
            "county_name",
            "bureau_name",
            "superior",
            "superior_division_name",
            "superior_name",
            "configured",
            "updated_by",
            "updated_at",
        ]

    def get_configured(self, obj: ReportingLine) -> bool:
        return obj.updated_at is not None


class StatsReportingLineSetSerializer(serializers.Serializer):
    bureau_name = serializers.CharField(
        allow_blank=True, help_text="本级接收机构，如“区民政局基层政权和社区建设股”"
    )
    superior = serializers.CharField(
        max_length=12, help_text="上级区划代码（本县所属的市或省）"
    )
    superior_name = serializers.CharField(
        allow_blank=True, help_text="上级接收机构，如“市民政局”“省民政厅”"
    )


# Views --------------------------------------------------------------------------------


def report_answer(request: Any, report_id: int, status: int = 200) -> Response:
    report = selectors.reports(request.user).get(pk=report_id)
    data = StatsReportDetailSerializer(report, context={"request": request}).data
    return Response(data, status=status)


def _box(user: Any, box: str) -> QuerySet[UpwardReport]:
    if box == "received":
        return selectors.received(user)
    if box == "sent":
        return selectors.sent(user)
    return selectors.reports(user)


@extend_schema_view(
    list=extend_schema(
        summary="报送报告（收到的、本单位报送的或可查看的全部，REQ-108）",
        parameters=[
            OpenApiParameter("box", str, description=BOX_HELP),
            OpenApiParameter("kind", str, description=REPORT_KIND_HELP),
            OpenApiParameter("status", str, description=REPORT_STATUS_HELP),
        ],
    ),
    retrieve=extend_schema(
        summary="一份报告：正文或五个部分（REQ-105）、附件、可办理的操作",
        responses={200: StatsReportDetailSerializer, **ERRORS},
    ),
)
class ReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewStats]
    serializer_class = StatsReportSerializer
    lookup_value_regex = PK
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if self.action != "list":
            return selectors.reports(self.request.user)
        params = self.request.query_params
        found = _box(self.request.user, params.get("box", "all"))
        if params.get("kind") in ReportKind.values:
            found = found.filter(kind=params["kind"])
        if params.get("status") in ReportStatus.values:
            found = found.filter(status=params["status"])
        return found

    def get_serializer_class(self):
        if self.action == "list":
            return StatsReportSerializer
        return StatsReportDetailSerializer

    @extend_schema(
        summary="起草报告（乡镇或县；JSON，或 multipart 附附件；REQ-108）",
        request={
            "application/json": StatsReportCreateSerializer,
            "multipart/form-data": StatsReportCreateSerializer,
        },
        responses={201: StatsReportDetailSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(StatsReportCreateSerializer, request)
        report = services.report_draft(
            actor=request.user,
            sender_code=v["sender"],
            kind=v["kind"],
            title=v["title"],
            body=v["body"],
            campaign_id=v["campaign"],
            attachment=v["attachment"],
            **{name: v[name] for name in SECTIONS},
        )
        return report_answer(request, report.pk, status=201)

    @extend_schema(
        summary="修改草稿（报送前；未给出的栏目不变）",
        request={
            "application/json": StatsReportUpdateSerializer,
            "multipart/form-data": StatsReportUpdateSerializer,
        },
        responses={200: StatsReportDetailSerializer, **ERRORS},
    )
    def partial_update(self, request, pk=None):
        report = self.get_object()
        v = dict(validated(StatsReportUpdateSerializer, request))
        attachment = v.pop("attachment", None)
        remove = v.pop("remove_attachment", False)
        services.report_update(
            actor=request.user,
            report_id=report.pk,
            values=v,
            attachment=attachment,
            remove_attachment=remove,
        )
        return report_answer(request, report.pk)

    @extend_schema(
        summary="报送（总结报告五个部分均须填写，REQ-105；报送后不能再修改）",
        request=None,
        responses={200: StatsReportDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        services.report_submit(actor=request.user, report_id=report.pk)
        return report_answer(request, report.pk)

    @extend_schema(
        summary="签收（接收单位的民政工作人员）",
        request=None,
        responses={200: StatsReportDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        report = self.get_object()
        services.report_receive(actor=request.user, report_id=report.pk)
        return report_answer(request, report.pk)

    @extend_schema(
        summary="县汇总各乡镇（街道）的总结报告，生成报上级的汇总报告草稿（REQ-105）",
        request=StatsReportCompileSerializer,
        responses={201: StatsReportDetailSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def compile(self, request):
        v = validated(StatsReportCompileSerializer, request)
        report = services.report_compile(
            actor=request.user,
            county_code=v["county"],
            title=v["title"],
            summary_ids=v["summaries"],
            sections=v.get("sections") or None,
            campaign_id=v["campaign"],
        )
        return report_answer(request, report.pk, status=201)

    @extend_schema(
        summary="报告的附件",
        responses={
            **file_responses(ATTACHMENT_TYPES),
            **ERRORS,
        },
    )
    @action(
        detail=True, methods=["get"], renderer_classes=[JSONRenderer, BinaryRenderer]
    )
    def attachment(self, request, pk=None):
        report = self.get_object()
        return uploads.serve(
            report.attachment, filename=report.attachment_name, inline=False
        )

    def handle_exception(self, exc):
        # A download's errors are JSON like every other error, whatever was asked for.
        if getattr(self, "action", None) == "attachment":
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


@extend_schema_view(
    list=extend_schema(
        summary="可查看的各县（市、区）的报送关系（未设置的为默认，REQ-108）",
        responses={200: StatsReportingLineSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="一个县（市、区）的报送关系",
        responses={200: StatsReportingLineSerializer, **ERRORS},
    ),
    update=extend_schema(
        summary="县民政设置报送关系（REQ-108）",
        request=StatsReportingLineSetSerializer,
        responses={200: StatsReportingLineSerializer, **ERRORS},
    ),
)
class ReportingLineViewSet(viewsets.ViewSet):
    permission_classes = [CanViewStats]
    lookup_value_regex = COUNTY

    def _county(self, pk: str) -> str:
        found = (
            selectors.counties_seen(self.request.user)
            .filter(code=pk, level=Level.COUNTY)
            .first()
        )
        if found is None:
            raise NotFound()
        return found.code

    def list(self, request):
        counties = selectors.counties_seen(request.user)[:200]
        lines = [services.reporting_line_for(c.code) for c in counties]
        return Response(StatsReportingLineSerializer(lines, many=True).data)

    def retrieve(self, request, pk=None):
        line = services.reporting_line_for(self._county(pk or ""))
        return Response(StatsReportingLineSerializer(line).data)

    def update(self, request, pk=None):
        county = self._county(pk or "")
        v = validated(StatsReportingLineSetSerializer, request)
        line = services.reporting_line_set(
            actor=request.user,
            county_code=county,
            bureau_name=v["bureau_name"],
            superior_code=v["superior"],
            superior_name=v["superior_name"],
        )
        return Response(StatsReportingLineSerializer(line).data)
