"""Certificate request endpoints (REQ-016, REQ-031–049): requests with their decision,
the records an outcome needs, verify → approve → seal and issue, refusal with its
notice, referral to the responsible department (REQ-118), withdrawal, transfer to the
Party organisation, the resident's confirmation of
the register entry, attachments and the report of a demand outside the list.

Reads go through certificates.selectors (a request outside the user's subtrees is 404);
every write calls one certificates.services function, which checks the policy and the
rules; refusals come back through the one error handler as {"code", "message",
"detail"} (a request the rules do not let through is 409 `not_issuable` with the
decision in `detail`). The ID number and the phone are always masked, the name too in
lists.
"""

from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from yinzheng.core import clock, uploads
from yinzheng.core.rest.parsers import JSONParser
from yinzheng.core.rest.responses import ERRORS, PDFRenderer, validated
from yinzheng.registers.api.books import (
    RegisterConfirmationSerializer,
    RegisterConfirmSerializer,
)

from .. import electronic, selectors, services
from ..models import CertificateRequest
from .common import PDF, STATUS_HELP, CanViewCertificates, file_response
from .reports import DemandReportSerializer
from .request_serializers import (
    CertificateAttachmentSerializer,
    CertificateAttachSerializer,
    CertificateDecisionSerializer,
    CertificateFlagsSerializer,
    CertificateReferSerializer,
    CertificateRefuseSerializer,
    CertificateReportSerializer,
    CertificateRequestCreateSerializer,
    CertificateRequestDetailSerializer,
    CertificateRequestSerializer,
    CertificateTransferSerializer,
    CertificateVerifySerializer,
    CertificateWithdrawSerializer,
    ConsultationInputSerializer,
    ExceptionInputSerializer,
    RiskInputSerializer,
)


def _detail(pk: int, request: Any) -> dict:
    req = CertificateRequest.objects.select_related(
        "committee",
        "item",
        "received_by",
        "verified_by",
        "approved_by",
        "issued_by",
        "refused_by",
        "register_entry",
    ).get(pk=pk)
    return CertificateRequestDetailSerializer(req, context={"request": request}).data


def _step(summary: str, request_serializer=None, status: int = 200):
    return extend_schema(
        summary=summary,
        request=request_serializer,
        responses={status: CertificateRequestDetailSerializer, **ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary="可见范围内的证明申请（姓名、身份号码、电话均脱敏）",
        parameters=[
            OpenApiParameter("committee", str, description="村（居）委会代码"),
            OpenApiParameter("status", str, description=STATUS_HELP),
            OpenApiParameter(
                "overdue", bool, description="只列出逾期未办结的（REQ-045）"
            ),
        ],
    ),
    retrieve=extend_schema(
        summary="证明申请：判断及理由（含 REQ 编号）、各项记录、办理经过",
        responses={200: CertificateRequestDetailSerializer, **ERRORS},
    ),
)
class CertificateRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewCertificates]
    lookup_value_regex = r"[0-9]{1,12}"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CertificateRequestDetailSerializer
        return CertificateRequestSerializer

    def get_queryset(self):
        user = self.request.user
        if self.action == "list" and self.request.query_params.get("overdue") in {
            "1",
            "true",
        }:
            qs = selectors.overdue(user, clock.today())
        else:
            qs = selectors.requests_visible_to(user)
        if self.action == "list":
            params = self.request.query_params
            if params.get("committee"):
                qs = qs.filter(committee_id=params["committee"])
            if params.get("status"):
                qs = qs.filter(status=params["status"])
        return qs.order_by("-received_at", "-pk")

    def _done(self, pk: int, status: int = 200) -> Response:
        return Response(_detail(pk, self.request), status=status)

    @extend_schema(
        summary="受理证明申请并作出判断（REQ-031；身份号码须通过校验）",
        request=CertificateRequestCreateSerializer,
        responses={201: CertificateRequestDetailSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(CertificateRequestCreateSerializer, request)
        req = services.request_create(
            actor=request.user,
            committee_code=v["committee"],
            resident_name=v["resident_name"],
            id_number=v["id_number"],
            phone=v["phone"],
            item_key=v.get("item") or None,
            item_text=v.get("item_text", ""),
            purpose=v["purpose"],
            requiring_unit=v["requiring_unit"],
            facts=v["facts"],
            category=v["category"],
            copies=v["copies"],
            electronic=v["electronic"],
            public_interest=v["public_interest"],
            party_related=v["party_related"],
            legal_risk=v["legal_risk"],
            carries_liability=v["carries_liability"],
            exception_claimed=v["exception_claimed"],
        )
        return self._done(req.pk, status=201)

    @extend_schema(
        summary="当前判断：分类、结果、理由（REQ 编号）、尚缺的记录、办事途径",
        responses={200: CertificateDecisionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def decision(self, request, pk=None):
        req = self.get_object()
        if req.is_open:
            return Response(selectors.decision_for(req).as_dict())
        return Response(req.decision)

    @_step(
        "更正事项情况（公共利益、党务、法律风险、连带责任、除外情形）并重新判断",
        CertificateFlagsSerializer,
    )
    @action(detail=True, methods=["post"])
    def flags(self, request, pk=None):
        req = self.get_object()
        v = validated(CertificateFlagsSerializer, request)
        services.request_flags_set(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step(
        "登记负面清单事项据实出具的例外条件及留存资料（REQ-037、REQ-038、REQ-039）",
        {
            "multipart/form-data": ExceptionInputSerializer,
            "application/json": ExceptionInputSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    def exception(self, request, pk=None):
        req = self.get_object()
        v = validated(ExceptionInputSerializer, request)
        services.exception_record(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step(
        "登记议事协商记录（REQ-034）；重新登记须主任重新签字",
        ConsultationInputSerializer,
    )
    @action(detail=True, methods=["post"])
    def consultation(self, request, pk=None):
        req = self.get_object()
        v = validated(ConsultationInputSerializer, request)
        services.consultation_record(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step("主任签字确认议事协商结果（REQ-034）")
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        req = self.get_object()
        services.consultation_sign(actor=request.user, request_id=req.pk)
        return self._done(req.pk)

    @_step(
        "登记法律风险评估：调查核实、议事协商、评估及防范措施（REQ-040）",
        RiskInputSerializer,
    )
    @action(detail=True, methods=["post"])
    def risk(self, request, pk=None):
        req = self.get_object()
        v = validated(RiskInputSerializer, request)
        services.risk_record(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step(
        "核实并生成证明：编号、按式样生成 PDF、提交用印并审核（REQ-046、REQ-047）",
        CertificateVerifySerializer,
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        req = self.get_object()
        v = validated(CertificateVerifySerializer, request)
        services.request_verify(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step("主任签批：绑定证明 PDF 的 SHA-256（REQ-054、REQ-057）")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        req = self.get_object()
        services.request_approve(actor=request.user, request_id=req.pk)
        return self._done(req.pk)

    @_step("印章管理人盖章出具，同时记入出具证明事项登记簿（REQ-056、REQ-070）")
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        req = self.get_object()
        services.request_issue(actor=request.user, request_id=req.pk)
        return self._done(req.pk)

    @_step(
        "不予出具并生成告知书（REQ-032、REQ-036、REQ-049）", CertificateRefuseSerializer
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        req = self.get_object()
        v = validated(CertificateRefuseSerializer, request)
        services.request_refuse(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step(
        "转交相关部门办理并生成告知书（REQ-118、REQ-049）", CertificateReferSerializer
    )
    @action(detail=True, methods=["post"])
    def refer(self, request, pk=None):
        req = self.get_object()
        v = validated(CertificateReferSerializer, request)
        services.request_refer(
            actor=request.user,
            request_id=req.pk,
            department=v["to_department"],
            jurisdiction_code=v["jurisdiction"],
            reason=v["reason"],
            route=v["route"],
            department_name=v["department"],
            basis=v["basis"],
            note=v["note"],
        )
        return self._done(req.pk)

    @_step("申请人撤回（已给的证明编号作废，不再使用）", CertificateWithdrawSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        req = self.get_object()
        v = validated(CertificateWithdrawSerializer, request)
        services.request_withdraw(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step(
        "作废已出具的证明（主任；电子证明核验显示已撤回）",
        CertificateWithdrawSerializer,
    )
    @action(detail=True, methods=["post"])
    def annul(self, request, pk=None):
        req = self.get_object()
        v = validated(CertificateWithdrawSerializer, request)
        services.request_annul(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @_step("转交社区（村）党组织办理，不用印（REQ-043）", CertificateTransferSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        req = self.get_object()
        v = validated(CertificateTransferSerializer, request)
        services.request_transfer(actor=request.user, request_id=req.pk, **v)
        return self._done(req.pk)

    @extend_schema(
        summary="居民签字确认登记簿条目（REQ-073）",
        request={
            "multipart/form-data": RegisterConfirmSerializer,
            "application/json": RegisterConfirmSerializer,
        },
        responses={201: RegisterConfirmationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        req = self.get_object()
        v = validated(RegisterConfirmSerializer, request)
        confirmation = services.request_confirm(
            actor=request.user,
            request_id=req.pk,
            method=v["method"],
            signature=v.get("signature"),
            paper_reference=v.get("paper_reference", ""),
        )
        return Response(RegisterConfirmationSerializer(confirmation).data, status=201)

    @extend_schema(
        summary="添加申请材料（随办件留存，REQ-038）",
        request={"multipart/form-data": CertificateAttachSerializer},
        responses={201: CertificateAttachmentSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        req = self.get_object()
        v = validated(CertificateAttachSerializer, request)
        attachment = services.request_attach(
            actor=request.user, request_id=req.pk, file=v["file"]
        )
        return Response(CertificateAttachmentSerializer(attachment).data, status=201)

    @extend_schema(
        summary="反映需要单位要求出具清单以外证明（REQ-016）",
        request=CertificateReportSerializer,
        responses={201: DemandReportSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        req = self.get_object()
        v = validated(CertificateReportSerializer, request)
        report = services.demand_report(
            actor=request.user,
            committee_code=req.committee_id,
            item_text=req.item_text,
            demanding_organisation=v["demanding_organisation"],
            request_id=req.pk,
            note=v["note"],
        )
        return Response(DemandReportSerializer(report).data, status=201)

    @extend_schema(
        summary="证明文件（PDF）",
        responses={**PDF, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, PDFRenderer],
        url_path="certificate",
    )
    def certificate(self, request, pk=None):
        req = self.get_object()
        # Issued: the certificate (signed, for an electronic one); before: the draft.
        field, name = electronic.certificate_file(req)
        return file_response(field, name, uploads.PDF)

    @extend_schema(
        summary="不予出具告知书（PDF）",
        responses={**PDF, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, PDFRenderer],
        url_path="notice",
    )
    def notice(self, request, pk=None):
        req = self.get_object()
        return file_response(
            req.refusal_notice, f"{req.refusal_notice_no}.pdf", uploads.PDF
        )
