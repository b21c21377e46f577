"""Register endpoints: the committees' seal-use registers (REQ-069–074).

A committee's registers and their years, each year's book in the register's columns
(phone numbers masked), the resident's confirmation of a certificate entry (REQ-073:
the page of the printed book, or a PNG signature uploaded as multipart), the year-end
archive and its signed PDF and xlsx (REQ-074), and the township's checkpoints. Reading
needs "register.view" on the committee; a committee outside the user's subtrees is 404.
Every write calls ledger.registers, ledger.archives or ledger.checkpoints, which check
the policy; refusals come back through the one error handler.
"""

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.accounts import policy
from yinzheng.core import clock, uploads
from yinzheng.core.rest.parsers import JSONParser
from yinzheng.core.rest.responses import (
    ERRORS,
    ErrorSerializer,
    PDFRenderer,
    XLSXRenderer,
)
from yinzheng.divisions.models import Division
from yinzheng.ledger.models import Archive, Checkpoint, Confirmation, Entry

from .. import selectors
from ..forms import (
    SIGNATURE_MAX_BYTES,
    signature_png_problem,
)
from ..services import archives, checkpoints
from ..services import books as registers
from ..services.books import Register

COMMITTEE = OpenApiParameter(
    "committee", str, OpenApiParameter.PATH, description="村（居）委会代码（12 位）"
)
REGISTER = OpenApiParameter(
    "register",
    str,
    OpenApiParameter.PATH,
    enum=list(Register.ALL),
    description="work：工作用印登记簿；certificate：出具证明事项登记簿",
)
YEAR = OpenApiParameter("year", int, OpenApiParameter.PATH, description="年度")
BOOK = [COMMITTEE, REGISTER, YEAR]


# Serializers ------------------------------------------------------------------------


class RegisterColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    required = serializers.BooleanField()  # type: ignore[assignment]


class RegisterCheckpointSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="签署时的最新序号")
    head_hash = serializers.CharField()
    signed_at = serializers.DateTimeField()
    signer = serializers.CharField(source="signer_id", help_text="签署的乡镇（街道）")
    closing = serializers.BooleanField(help_text="是否为年终归档检查点")


class RegisterArchiveSerializer(serializers.Serializer):
    closed_at = serializers.DateTimeField()
    entries = serializers.IntegerField()
    unconfirmed_note = serializers.CharField()
    pdf_sha256 = serializers.CharField(source="checkpoint.pdf_sha256")
    xlsx_sha256 = serializers.CharField(source="checkpoint.xlsx_sha256")
    pdf_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()
    anchor_url = serializers.SerializerMethodField(
        help_text="归档时各链已签署检查点的锚定（JSON），供乡镇在数据库之外留存；"
        "早于锚定功能的归档为空"
    )

    def _url(self, archive: Archive, fmt: str) -> str:
        _r, register, code, year = archive.chain.key.split(":")
        path = reverse("api:register-archive-file", args=[code, register, year, fmt])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_pdf_url(self, obj: Archive) -> str:
        return self._url(obj, "pdf")

    def get_xlsx_url(self, obj: Archive) -> str:
        return self._url(obj, "xlsx")

    def get_anchor_url(self, obj: Archive) -> str:
        return self._url(obj, "anchor") if obj.anchor else ""


class RegisterYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    entries = serializers.IntegerField()
    unconfirmed = serializers.IntegerField(
        help_text="未经居民签字确认的条数（REQ-073）"
    )
    unsigned = serializers.IntegerField(help_text="最近检查点之后登记的条数")
    last_checkpoint = RegisterCheckpointSerializer(source="checkpoint", allow_null=True)
    archive = RegisterArchiveSerializer(
        allow_null=True, help_text="年终归档（REQ-074）"
    )


class RegisterYearsSerializer(serializers.Serializer):
    register = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    years = RegisterYearSerializer(many=True)


class CommitteeRegistersSerializer(serializers.Serializer):
    committee = serializers.CharField()
    name = serializers.CharField()
    keeper = serializers.CharField(help_text="印章管理人（最近一条登记所记）")
    registers = RegisterYearsSerializer(many=True)


class RegisterEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text="序号")
    recorded_at = serializers.DateTimeField()
    fields = serializers.DictField(  # type: ignore[assignment]  # a column
        child=serializers.JSONField(),
        help_text="各栏内容；联系电话和身份证号码已隐去中间部分",
    )
    confirmed = serializers.BooleanField(
        allow_null=True, help_text="居民是否已签字确认；工作用印登记簿为 null"
    )
    sealed = serializers.ListField(
        child=serializers.CharField(),
        help_text="完整内容加密保存的栏目；有权限者可经 personal/ 说明原因后查看",
    )


class RegisterRevealRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=200, help_text="查看原因（如：回电核实），记入审计"
    )


class RegisterRevealSerializer(serializers.Serializer):
    entry = serializers.IntegerField(help_text="登记条目 id")
    fields = serializers.DictField(  # type: ignore[assignment]  # a column
        child=serializers.CharField(), help_text="加密保存的各栏的完整内容"
    )


class RegisterBookSerializer(serializers.Serializer):
    committee = serializers.CharField()
    register = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    year = serializers.IntegerField()
    keeper = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    last_checkpoint = RegisterCheckpointSerializer(allow_null=True)
    columns = RegisterColumnSerializer(many=True)
    entries = RegisterEntrySerializer(many=True)


class RegisterConfirmSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=[("paper", "纸质登记簿签字"), ("screen", "屏幕手写签名")],
        help_text="paper：登记纸质页码；screen：上传居民手写签名 PNG",
    )
    paper_reference = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="纸质登记簿页码"
    )
    signature = serializers.FileField(
        required=False, help_text="签名图像（PNG，不超过 2 MB）"
    )

    def validate_signature(self, value):
        if value.size > SIGNATURE_MAX_BYTES:
            raise serializers.ValidationError(_("签名图像过大（不超过 2 MB）"))
        _name, data = uploads.read(value)
        problem = signature_png_problem(data)
        if problem:
            raise serializers.ValidationError(problem)
        return value


class RegisterConfirmationSerializer(serializers.ModelSerializer):
    number = serializers.IntegerField(source="entry.seq")

    class Meta:
        model = Confirmation
        fields = [
            "entry",
            "number",
            "method",
            "paper_reference",
            "signature_sha256",
            "recorded_at",
        ]


class RegisterArchiveRequestSerializer(serializers.Serializer):
    unconfirmed_note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="尚有未经居民确认的条目时必填：说明原因，随登记簿归档",
    )


class RegisterArchiveTaskSerializer(serializers.Serializer):
    """An archive queued for a worker (YINZHENG_TASKS=database; issue 15)."""

    task = serializers.CharField(help_text="任务编号")
    status = serializers.ChoiceField(
        choices=["waiting", "failed"],
        help_text="waiting：已排队或生成中；failed：生成失败（见 error），可再次提交",
    )
    error = serializers.CharField(help_text="失败原因；否则为空")


class RegisterCheckpointsRequestSerializer(serializers.Serializer):
    # A division code as sent: not trimmed, so a control character in front is a
    # 400, not a code that fits after trimming (found by schemathesis).
    under = serializers.RegexField(
        r"^[0-9]{2,12}$",
        required=False,
        allow_blank=True,
        max_length=12,
        trim_whitespace=False,
        help_text="只签署此区划代码之下的登记簿；默认为本人所在的全部乡镇（街道）",
    )


class RegisterMadeCheckpointSerializer(RegisterCheckpointSerializer):
    chain = serializers.CharField(source="chain.key")


class RegisterCheckpointsResultSerializer(serializers.Serializer):
    signed = serializers.IntegerField()
    checkpoints = RegisterMadeCheckpointSerializer(many=True)


# Views --------------------------------------------------------------------------------


def _committee(user: Any, code: str) -> Division:
    committee = selectors.register_committee(user, code)
    if committee is None:
        raise Http404
    policy.require(user, "register.view", committee)
    return committee


def _check_book(register: str, year: int) -> None:
    if register not in Register.ALL or not 2000 <= year <= clock.today().year:
        raise Http404


def _entry(user: Any, code: str, register: str, year: int, entry_id: int) -> Entry:
    """An entry of the committee's book for that year (404 outside it)."""
    division = _committee(user, code)
    _check_book(register, year)
    entry = Entry.objects.filter(
        pk=entry_id, chain__key=registers.chain_key(register, division.code, year)
    ).first()
    if entry is None:
        raise Http404
    return entry


class CommitteeRegistersView(APIView):
    @extend_schema(
        operation_id="registers_committee",
        summary="村（居）委会的两本用印登记簿及其各年度（REQ-069）",
        parameters=[COMMITTEE],
        responses={200: CommitteeRegistersSerializer, **ERRORS},
    )
    def get(self, request, committee: str):
        division = _committee(request.user, committee)
        data = {
            "committee": division.code,
            "name": division.name,
            "keeper": selectors.keeper(division.code),
            "registers": [
                {
                    "register": register,
                    "label": str(Register.LABELS[register]),
                    "years": selectors.year_states(division.code, register),
                }
                for register in Register.ALL
            ],
        }
        return Response(
            CommitteeRegistersSerializer(data, context={"request": request}).data
        )


class BookView(APIView):
    @extend_schema(
        operation_id="registers_book",
        summary="一个年度的登记簿：各栏与全部条目（联系电话已隐去）",
        parameters=BOOK,
        responses={200: RegisterBookSerializer, **ERRORS},
    )
    def get(self, request, committee: str, register: str, year: int):
        division = _committee(request.user, committee)
        _check_book(register, year)
        state = selectors.year_state(division.code, register, year)
        rows = registers.rows(state.chain) if state.chain else []
        data = {
            "committee": division.code,
            "register": register,
            "label": str(Register.LABELS[register]),
            "year": year,
            "keeper": selectors.keeper(division.code, state.chain)
            if state.chain
            else selectors.keeper(division.code),
            "closed_at": state.closed_at,
            "last_checkpoint": state.checkpoint,
            "columns": [
                {"key": c.key, "label": str(c.label), "required": c.required}
                for c in registers.COLUMNS[register]
            ],
            "entries": [
                {
                    "id": row.entry.pk,
                    "number": row.number,
                    "recorded_at": row.entry.recorded_at,
                    "fields": row.fields,
                    "confirmed": row.confirmed,
                    "sealed": list(row.sealed),
                }
                for row in rows
            ],
        }
        return Response(RegisterBookSerializer(data).data)


class ConfirmView(APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="registers_entry_confirm",
        summary="登记居民签字确认（REQ-073）",
        description=(
            "`method=paper` 时填写 `paper_reference`（纸质登记簿页码）；"
            "`method=screen` 时以 multipart/form-data 上传 `signature`（PNG）。"
            "已确认或年度已归档的条目为 409。"
        ),
        parameters=[
            *BOOK,
            OpenApiParameter(
                "entry_id", int, OpenApiParameter.PATH, description="登记条目 id"
            ),
        ],
        request={
            "multipart/form-data": RegisterConfirmSerializer,
            "application/json": RegisterConfirmSerializer,
        },
        responses={201: RegisterConfirmationSerializer, 409: ErrorSerializer, **ERRORS},
    )
    def post(self, request, committee: str, register: str, year: int, entry_id: int):
        if register != Register.CERTIFICATE:
            raise Http404
        entry = _entry(request.user, committee, register, year, entry_id)
        data = RegisterConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        confirmation = registers.confirm(
            actor=request.user,
            entry_id=entry.pk,
            method=data.validated_data["method"],
            signature=data.validated_data.get("signature"),
            paper_reference=data.validated_data.get("paper_reference", ""),
        )
        return Response(RegisterConfirmationSerializer(confirmation).data, status=201)


class RevealView(APIView):
    @extend_schema(
        operation_id="registers_entry_personal",
        summary="查看登记条目中的完整个人信息（须说明原因，记入审计）",
        description=(
            "联系电话、身份证号码在登记簿中加密保存，页面和导出只显示隐去中间部分的号码。"
            "村（居）委会工作人员、乡镇（街道）工作人员和督查人员可说明原因后查看完整内容；"
            "每次查看写入审计链（只记栏目与原因，不记号码）。"
        ),
        parameters=[
            *BOOK,
            OpenApiParameter(
                "entry_id", int, OpenApiParameter.PATH, description="登记条目 id"
            ),
        ],
        request=RegisterRevealRequestSerializer,
        responses={200: RegisterRevealSerializer, 409: ErrorSerializer, **ERRORS},
    )
    def post(self, request, committee: str, register: str, year: int, entry_id: int):
        entry = _entry(request.user, committee, register, year, entry_id)
        data = RegisterRevealRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = registers.reveal_personal(
            actor=request.user,
            entry_id=entry.pk,
            reason=data.validated_data["reason"],
        )
        return Response(
            RegisterRevealSerializer({"entry": entry.pk, "fields": fields}).data
        )


class ArchiveView(APIView):
    def _archive(self, committee: str, register: str, year: int) -> Archive | None:
        return (
            Archive.objects.select_related("chain", "checkpoint")
            .filter(chain__key=registers.chain_key(register, committee, year))
            .first()
        )

    @extend_schema(
        operation_id="registers_archive_retrieve",
        summary="年度登记簿的归档信息",
        parameters=BOOK,
        description="尚未归档而归档任务已排队或失败时（YINZHENG_TASKS=database）"
        "返回 202 与任务状态。",
        responses={
            200: RegisterArchiveSerializer,
            202: RegisterArchiveTaskSerializer,
            **ERRORS,
        },
    )
    def get(self, request, committee: str, register: str, year: int):
        division = _committee(request.user, committee)
        _check_book(register, year)
        archive = self._archive(division.code, register, year)
        if archive is None:
            queued = archives.archive_task(division.code, register, year)
            if queued is None:
                raise Http404
            return Response(
                {
                    "task": queued.task_id,
                    "status": "waiting" if queued.waiting else "failed",
                    "error": queued.error,
                },
                status=202,
            )
        return Response(
            RegisterArchiveSerializer(archive, context={"request": request}).data
        )

    @extend_schema(
        operation_id="registers_archive_create",
        summary="年终归档（REQ-074）",
        description="年度结束后由印章管理人或乡镇（街道）归档：生成 PDF 与 xlsx，"
        "签署年终检查点，此后该年度不能再登记或确认。YINZHENG_TASKS=database 时"
        "检查后排队，由后台任务生成，返回 202 与任务编号（重复提交返回同一任务）。",
        parameters=BOOK,
        request=RegisterArchiveRequestSerializer,
        responses={
            201: RegisterArchiveSerializer,
            202: RegisterArchiveTaskSerializer,
            409: ErrorSerializer,
            **ERRORS,
        },
    )
    def post(self, request, committee: str, register: str, year: int):
        division = _committee(request.user, committee)
        _check_book(register, year)
        data = RegisterArchiveRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        asked = archives.register_archive_request(
            actor=request.user,
            committee_code=division.code,
            register=register,
            year=year,
            unconfirmed_note=data.validated_data.get("unconfirmed_note", ""),
        )
        if asked.archive is None:
            return Response(
                {"task": asked.task_id, "status": "waiting", "error": ""}, status=202
            )
        archive = self._archive(division.code, register, year)
        return Response(
            RegisterArchiveSerializer(archive, context={"request": request}).data,
            status=201,
        )


class ArchiveFileView(APIView):
    renderer_classes = [JSONRenderer, PDFRenderer, XLSXRenderer]

    @extend_schema(
        operation_id="registers_archive_file",
        summary="下载归档的登记簿 PDF 或 xlsx（其 SHA-256 已由年终检查点签署），"
        "或归档时的检查点锚定（JSON）",
        parameters=[
            *BOOK,
            OpenApiParameter(
                "fmt",
                str,
                OpenApiParameter.PATH,
                enum=list(archives.ARCHIVE_FILES),
                description="pdf、xlsx，或 anchor（检查点锚定）",
            ),
        ],
        responses={
            (200, PDFRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY),
            (200, XLSXRenderer.media_type): OpenApiResponse(OpenApiTypes.BINARY),
            (200, JSONRenderer.media_type): OpenApiResponse(OpenApiTypes.OBJECT),
            **ERRORS,
        },
    )
    def get(self, request, committee: str, register: str, year: int, fmt: str):
        division = _committee(request.user, committee)
        _check_book(register, year)
        archive = Archive.objects.filter(
            chain__key=registers.chain_key(register, division.code, year)
        ).first()
        if archive is None or fmt not in archives.ARCHIVE_FILES:
            raise Http404
        return archives.serve_file(archive, fmt)

    def handle_exception(self, exc):
        # Errors are JSON like every other error, whatever file was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class CheckpointsView(APIView):
    # JSON only: every field is optional, so an unparsable form would sign as an
    # empty request (issue 13, found by schemathesis).
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="registers_checkpoints_sign",
        summary="乡镇（街道）签署登记簿检查点",
        description="用乡镇（街道）的制发机关密钥签署辖区内自上次签署后有新登记的登记簿"
        "链头；`yinzheng ledger checkpoint` 每日定时做同样的事。",
        request=RegisterCheckpointsRequestSerializer,
        responses={200: RegisterCheckpointsResultSerializer, **ERRORS},
    )
    def post(self, request):
        user = request.user
        data = RegisterCheckpointsRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        under = data.validated_data.get("under", "").strip()
        if under:
            policy.require(user, "register.checkpoint", under)
            scopes: list[str | None] = [under]
        else:
            policy.require(user, "register.checkpoint")
            scopes = selectors.checkpoint_scopes(user)
        made: list[Checkpoint] = []
        for scope in scopes:
            made += checkpoints.checkpoint_all(actor=user, under=scope)
        return Response(
            RegisterCheckpointsResultSerializer(
                {"signed": len(made), "checkpoints": made}
            ).data
        )
