"""Electronic-seal endpoints: departments verify certificates and query them (REQ-111,
REQ-114).

POST a QR token, a signed PDF or a certificate serial (with the check code printed
beside it, a serial outside the asker's jurisdiction too: issue 14) with the legal basis
and purpose of the query; the answer is the verdict with every check and what the public page shows
(masked name). A query without a legal basis is refused (400, `legal_basis_required`);
every query is kept with requester, department, basis, purpose and time, and journaled
(sealed into the audit chain in batches, esign.journal).
GET lists the query log: civil affairs and inspectors see the queries about their
subtree, everyone else their own. Rules live in esign.services; nothing is decided here.
"""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from yinzheng.core.rest.parsers import JSONParser
from yinzheng.core.rest.responses import ErrorSerializer

from .. import selectors, services
from ..choices import QueryKind, Verdict
from ..models import VerificationQuery

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer}


class EsignVerificationRequestSerializer(serializers.Serializer):
    legal_basis = serializers.CharField(
        max_length=500, allow_blank=True, help_text="查询的法律依据（必填，REQ-111）"
    )
    purpose = serializers.CharField(
        max_length=500, allow_blank=True, help_text="查询目的（必填）"
    )
    token = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="二维码内容：YZ2:（或早期的 YZ1:）开头的凭据或核验网址",
    )
    serial = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="证明编号"
    )
    check_code = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="证明编号旁的核验码（如 7K3M-Q9XD）：与编号一起提供时，"
        "辖区外的证明也可核验；核验码不符时按编号在辖区内核验",
    )
    pdf = serializers.FileField(
        required=False, help_text="电子证明 PDF 文件（multipart/form-data）"
    )
    holder_name = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        help_text="持有人姓名：与凭据中的加盐摘要比对，不保存",
    )
    department = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="代表的部门（有多个部门授权时）",
    )


class EsignCheckSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="核验项目")
    ok = serializers.BooleanField(allow_null=True, help_text="null：仅作说明")
    message = serializers.CharField()


class EsignResultSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    verdict_label = serializers.CharField()
    reason = serializers.CharField()
    serial = serializers.CharField(allow_blank=True)
    committee_code = serializers.CharField(required=False)
    committee_name = serializers.CharField(required=False)
    item = serializers.CharField(required=False)
    issue_date = serializers.DateField(required=False)
    form = serializers.ChoiceField(
        choices=["electronic", "paper"],
        required=False,
        help_text="electronic 电子证明；paper 纸质证明（加盖实物印章）",
    )
    holder = serializers.CharField(required=False, help_text="持有人（脱敏）")
    signed_at = serializers.DateTimeField(required=False, allow_null=True)
    withdrawn_at = serializers.DateTimeField(required=False, allow_null=True)
    seal_revoked_at = serializers.DateTimeField(allow_null=True)
    name_matches = serializers.BooleanField(allow_null=True)
    level = serializers.CharField(required=False, help_text="B-B 或 B-T")
    seal_serial = serializers.CharField(required=False)
    checks = EsignCheckSerializer(many=True)


class EsignQuerySerializer(serializers.ModelSerializer):
    requester = serializers.CharField(source="requester.display_name")
    kind = serializers.ChoiceField(choices=QueryKind.choices)
    verdict = serializers.ChoiceField(choices=Verdict.choices)

    class Meta:
        model = VerificationQuery
        fields = [
            "id",
            "asked_at",
            "requester",
            "department",
            "legal_basis",
            "purpose",
            "kind",
            "subject",
            "verdict",
            "name_matches",
        ]


class EsignVerificationResponseSerializer(serializers.Serializer):
    query = EsignQuerySerializer()
    result = EsignResultSerializer()


class VerificationView(ListAPIView):
    serializer_class = EsignQuerySerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        # Civil affairs and inspectors: the queries about their subtree's certificates;
        # everyone: their own.
        return selectors.query_log(self.request.user)

    @extend_schema(
        operation_id="esign_verifications_list",
        summary="核验查询记录（REQ-111）",
        description="民政、督查人员看到辖区内证明的查询记录；其他人看到自己的查询。",
        responses={200: EsignQuerySerializer(many=True), **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="esign_verifications_create",
        summary="核验电子证明（部门，须说明法律依据，REQ-111）",
        description=(
            "提供 `token`（二维码内容）、`pdf`（multipart）或 `serial`（证明编号，"
            "可附 `check_code` 核验码）中的一项，以及 `legal_basis` 和 `purpose`。"
            "结论 `verdict`：valid 有效、"
            "seal_revoked 印章在盖章前已撤销、withdrawn 已撤回、unknown 无法核验、"
            "invalid 签名无效或内容被改动；`checks` 逐项说明。每次查询都记录在案。"
        ),
        request={
            "multipart/form-data": EsignVerificationRequestSerializer,
            "application/json": EsignVerificationRequestSerializer,
        },
        responses={201: EsignVerificationResponseSerializer, **ERRORS},
    )
    def post(self, request):
        v: dict[str, Any] | None = plain_request(request.data)
        if v is None:
            data = EsignVerificationRequestSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            v = data.validated_data
        pdf = v.get("pdf")
        query, result = services.verification_query_with_code(
            actor=request.user,
            legal_basis=v["legal_basis"],
            purpose=v["purpose"],
            token=v.get("token", ""),
            serial=v.get("serial", ""),
            check_code=v.get("check_code", ""),
            pdf=pdf.read() if pdf is not None else None,
            holder_name=v.get("holder_name", ""),
            department=v.get("department", ""),
        )
        return Response(answer(query, result.as_dict()), status=201)


# The usual request — a JSON object of short printable strings, legal basis and purpose
# given — read without building the request serializer (issue 15: its fields are built
# anew for every request, which cost as much as the rest of the view's own Python).
# Anything else (a file, a missing field, a number, a control character, something too
# long) goes through EsignVerificationRequestSerializer, which answers the error; for
# what is read here it gives the same values (test_api checks).
_REQUEST_FIELDS = {
    name: field.max_length
    for name, field in EsignVerificationRequestSerializer().fields.items()
    if isinstance(field, serializers.CharField)
}
_REQUIRED = ("legal_basis", "purpose")


def plain_request(data: object) -> dict[str, str] | None:
    if not isinstance(data, dict) or any(name not in data for name in _REQUIRED):
        return None
    out = {}
    for name, value in data.items():
        if name not in _REQUEST_FIELDS:
            if name == "pdf":
                return None
            continue  # as DRF: fields it does not know are ignored
        if not isinstance(value, str) or not value.isprintable():
            return None
        value = value.strip()
        limit = _REQUEST_FIELDS[name]
        if limit is not None and len(value) > limit:
            return None
        out[name] = value
    return out


# The answer to a query, as EsignVerificationResponseSerializer describes it, written
# out directly (issue 15): building the two serializers' 27 fields anew for every
# query cost more than the rest of the view's Python. test_api checks that both give
# the same JSON.
_ASKED_AT = serializers.DateTimeField()
# (name, allow_null): a field that may be null is null when the result lacks it, one
# that may not is left out, as DRF does.
_RESULT_FIELDS = [
    (name, field.allow_null)
    for name, field in EsignResultSerializer().fields.items()
    if name != "checks"
]


def answer(query: VerificationQuery, result: dict) -> dict:
    out = {
        name: result.get(name)
        for name, allow_null in _RESULT_FIELDS
        if name in result or allow_null
    }
    out["checks"] = [
        {"name": str(c["name"]), "ok": c["ok"], "message": str(c["message"])}
        for c in result["checks"]
    ]
    return {
        "query": {
            "id": query.pk,
            "asked_at": _ASKED_AT.to_representation(query.asked_at),
            "requester": query.requester.display_name,
            "department": query.department,
            "legal_basis": query.legal_basis,
            "purpose": query.purpose,
            "kind": query.kind,
            "subject": query.subject,
            "verdict": query.verdict,
            "name_matches": query.name_matches,
        },
        "result": out,
    }
