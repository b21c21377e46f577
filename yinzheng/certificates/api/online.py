"""The resident's online application over the API (issue 16, REQ-113), no login:

1. `POST /api/portal/phone-codes/` sends a one-time code to a mobile number and
   answers the challenge token (accounts.phone_codes; counted per number and address);
2. `POST /api/portal/phone-codes/confirm/` checks the code (five tries);
3. `POST /api/portal/applications/` (JSON or multipart with `evidence`) makes the case
   the window continues (certificates.services.application_submit) and answers the
   receipt; a request the rules refuse at once is a 409 `refused_at_once` whose
   detail carries the route and the department;
4. `POST /api/certificates/status/{code}/certificate/` hands the signed PDF of an issued
   electronic certificate to who confirms the holder's name and the last 4 ID digits.

Nothing personal comes back unmasked. Every refusal is {"code", "message", "detail"}.
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.accounts import phone_codes
from yinzheng.core import uploads
from yinzheng.core.clients import client_address
from yinzheng.core.rest.parsers import JSONParser
from yinzheng.core.rest.responses import ERRORS, ErrorSerializer, PDFRenderer, validated

from .. import services
from .common import PDF

THROTTLED = {429: ErrorSerializer}


class PhoneCodeInputSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20, help_text="接收验证码的 11 位手机号码")


class PhoneCodeSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="本次验证的凭据，确认和提交申请时带上")
    phone = serializers.CharField(source="phone_masked", help_text="手机号码（脱敏）")
    expires_at = serializers.DateTimeField(help_text="验证码失效时间（10 分钟）")


class PhoneCodeConfirmInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=64)
    code = serializers.CharField(max_length=8, help_text="短信中的 6 位验证码")


class PhoneCodeConfirmedSerializer(serializers.Serializer):
    verified = serializers.BooleanField()
    valid_minutes = serializers.IntegerField(help_text="验证后多少分钟内须提交申请")


class ApplicationInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=64, help_text="已确认的短信验证凭据")
    committee = serializers.CharField(max_length=12, help_text="村（居）委会区划代码")
    item = serializers.CharField(max_length=100, help_text="证明事项键（查找所得）")
    resident_name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(
        max_length=18, help_text="18 位公民身份号码（校验位）"
    )
    phone = serializers.CharField(max_length=20, help_text="与接收验证码的号码一致")
    purpose = serializers.CharField(max_length=300, help_text="用途")
    requiring_unit = serializers.CharField(max_length=200, help_text="需要单位")
    facts = serializers.CharField(max_length=4000, help_text="拟证明的事实")
    electronic = serializers.BooleanField(
        default=False, help_text="出具电子证明（出具后可在查询页下载）"
    )
    evidence = serializers.FileField(
        required=False, help_text="证明材料（PDF 或图片，multipart 上传）"
    )
    commitment_signature = serializers.FileField(
        required=False,
        help_text="以告知承诺代替证明（仅限实行告知承诺制的事项，REQ-082）："
        "申请人在屏幕上的签名（PNG，multipart 上传）；办结且不出具证明",
    )


class ReceiptSerializer(serializers.Serializer):
    tracking_code = serializers.CharField(
        help_text="查询码：三组三位，不含 l、1、I、0、O，不区分大小写"
    )
    item_name = serializers.CharField()
    committee_name = serializers.CharField()
    received_at = serializers.DateTimeField()
    time_limit_days = serializers.IntegerField(
        allow_null=True, help_text="办理时限（工作日）"
    )
    due_on = serializers.DateField(allow_null=True, help_text="办结期限")
    resident_name = serializers.CharField(help_text="姓名（脱敏）")
    id_number = serializers.CharField(help_text="公民身份号码（脱敏）")
    phone = serializers.CharField(help_text="联系电话（脱敏）")
    electronic = serializers.BooleanField()
    attachments = serializers.ListField(child=serializers.CharField())
    status_display = serializers.CharField()
    commitment_number = serializers.CharField(
        help_text="网上签署告知承诺的承诺书编号（未签署为空）"
    )


class HolderInputSerializer(serializers.Serializer):
    resident_name = serializers.CharField(max_length=50, help_text="申请人全名")
    id_last = serializers.CharField(
        min_length=4, max_length=4, help_text="公民身份号码后 4 位"
    )


class PhoneCodeView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="portal_phone_codes_create",
        summary="网上申请：向手机发送验证码（按号码、地址限次；REQ-113）",
        request=PhoneCodeInputSerializer,
        responses={201: PhoneCodeSerializer, **ERRORS, **THROTTLED},
    )
    def post(self, request):
        v = validated(PhoneCodeInputSerializer, request)
        challenge = phone_codes.phone_code_send(
            phone=v["phone"], address=client_address(request)
        )
        return Response(PhoneCodeSerializer(challenge).data, status=201)


class PhoneCodeConfirmView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="portal_phone_codes_confirm",
        summary="网上申请：确认短信验证码（最多 5 次）",
        request=PhoneCodeConfirmInputSerializer,
        responses={200: PhoneCodeConfirmedSerializer, **ERRORS, **THROTTLED},
    )
    def post(self, request):
        v = validated(PhoneCodeConfirmInputSerializer, request)
        phone_codes.phone_code_confirm(
            token=v["token"], code=v["code"], address=client_address(request)
        )
        minutes = int(phone_codes.VERIFIED_TTL.total_seconds() // 60)
        return Response({"verified": True, "valid_minutes": minutes})


class ApplicationView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="portal_applications_create",
        summary="网上申请证明：姓名、公民身份号码和已确认的短信验证码确认身份，"
        "生成与窗口受理相同的申请并返回回执（REQ-113）",
        request={
            "application/json": ApplicationInputSerializer,
            "multipart/form-data": ApplicationInputSerializer,
        },
        responses={201: ReceiptSerializer, **ERRORS},
    )
    def post(self, request):
        v = validated(ApplicationInputSerializer, request)
        req = services.application_submit(
            phone_token=v["token"],
            committee_code=v["committee"],
            item_key=v["item"],
            resident_name=v["resident_name"],
            id_number=v["id_number"],
            phone=v["phone"],
            purpose=v["purpose"],
            requiring_unit=v["requiring_unit"],
            facts=v["facts"],
            electronic=v["electronic"],
            attachments=[v["evidence"]] if v.get("evidence") else [],
            commitment_signature=v.get("commitment_signature"),
        )
        receipt: Any = services.receipt(req)
        return Response(ReceiptSerializer(receipt).data, status=201)


class CertificateDownloadView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser]
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(
        operation_id="certificates_status_certificate",
        summary="下载已出具的电子证明（PDF）：须填写申请人全名和公民身份号码后 4 位"
        "（限次、记入审计）",
        parameters=[
            OpenApiParameter(
                "code",
                # A tracking code is short (7KQ-4MX-9RT, or an older 16 characters).
                {"type": "string", "maxLength": 40},
                OpenApiParameter.PATH,
                description="受理时告知的查询码",
            )
        ],
        request=HolderInputSerializer,
        responses={**PDF, **ERRORS, **THROTTLED},
    )
    def post(self, request, code: str):
        v = validated(HolderInputSerializer, request)
        field, name = services.certificate_for_holder(
            code=code,
            resident_name=v["resident_name"],
            id_last=v["id_last"],
            address=client_address(request),
        )
        response = uploads.serve(field, filename=name, file_type=uploads.PDF)
        response["Cache-Control"] = "no-store"
        return response
