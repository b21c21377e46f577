"""Cases of unreasonable certificate demands (REQ-087–091, DIV-08): the list with its
filters (status, channel, reporter type, county, overdue), a case with every step on
record, the staff registration of a hotline call, petition or online inquiry (REQ-088),
and the steps as actions: verify → notify (circular notice and/or public exposure,
REQ-090) → feedback → response → correct → close (never with a step missing).

The reporter's contact is shown in full only to the staff who handle the case
(`selectors.sees_contact`); everyone else reads it masked.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.core import clock
from yinzheng.core.masking import mask_name, mask_phone
from yinzheng.core.rest.responses import ERRORS, validated

from .. import selectors, services
from ..models import Case
from .common import (
    CASE_STATUS_HELP,
    CHANNEL_HELP,
    PK,
    REPORTER_HELP,
    RESPONSE_HELP,
    UNIT_KIND_HELP,
    CanViewSupervision,
    bool_param,
    flag,
    person,
    str_param,
)

# Serializers ------------------------------------------------------------------------


class CaseSerializer(serializers.ModelSerializer):
    """A case with its steps; the contact masked unless the viewer handles it."""

    county = serializers.CharField(source="county_id")
    county_name = serializers.CharField(source="county.name")
    division = serializers.CharField(
        source="division_id", help_text="所涉区划（村（居）委会，否则县）"
    )
    committee = serializers.CharField(source="committee_id", allow_null=True)
    committee_name = serializers.CharField(source="committee.name", allow_null=True)
    channel = serializers.CharField(help_text=CHANNEL_HELP)
    reporter_type = serializers.CharField(help_text=REPORTER_HELP)
    unit_kind = serializers.CharField(help_text=UNIT_KIND_HELP)
    item = serializers.SerializerMethodField(help_text="清单事项标识（如有）")
    status = serializers.CharField(help_text=CASE_STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")
    contact_name = serializers.SerializerMethodField(
        help_text="联系人；非承办人员看到的是脱敏后的"
    )
    contact_phone = serializers.SerializerMethodField(
        help_text="联系电话；非承办人员看到的是脱敏后的"
    )
    overdue = serializers.SerializerMethodField(help_text="本环节已超过办理期限")
    missing_steps = serializers.SerializerMethodField(
        help_text="办结前尚缺的环节（REQ-089）"
    )
    response_status = serializers.CharField(help_text="空，或" + RESPONSE_HELP)
    demand_report = serializers.IntegerField(
        source="demand_report_id", allow_null=True, help_text="受理窗口的反映记录"
    )
    registered_by = person()
    verified_by = person()
    notified_by = person()
    feedback_by = person()
    response_by = person()
    correction_by = person()
    closed_by = person()
    allowed_actions = AllowedActionsField()

    class Meta:
        model = Case
        fields = [
            "id",
            "allowed_actions",
            "tracking_no",
            "status",
            "status_display",
            "step_due_on",
            "overdue",
            "missing_steps",
            "county",
            "county_name",
            "division",
            "committee",
            "committee_name",
            "channel",
            "reporter_type",
            "demanding_unit",
            "unit_kind",
            "item",
            "item_text",
            "account",
            "demanded_on",
            "contact_name",
            "contact_phone",
            "demand_report",
            "received_at",
            "registered_by",
            "verified_at",
            "verified_by",
            "verification_note",
            "notice_no",
            "notice_text",
            "notice_on",
            "exposure_platform",
            "exposed_on",
            "exposure_reason",
            "notified_by",
            "feedback_recipient",
            "feedback_sent_on",
            "feedback_text",
            "feedback_by",
            "response_status",
            "response_text",
            "response_on",
            "response_by",
            "correction_authority",
            "correction_text",
            "corrected_on",
            "correction_by",
            "closed_at",
            "closed_by",
        ]

    def _sees_contact(self, case: Case) -> bool:
        request = self.context.get("request")
        return selectors.sees_contact(getattr(request, "user", None), case)

    def get_contact_name(self, obj: Case) -> str:
        if self._sees_contact(obj):
            return obj.contact_name
        return mask_name(obj.contact_name)

    def get_contact_phone(self, obj: Case) -> str:
        if self._sees_contact(obj):
            return obj.contact_phone
        return mask_phone(obj.contact_phone)

    def get_item(self, obj: Case) -> str | None:
        return obj.item.key if obj.item is not None else None

    def get_overdue(self, obj: Case) -> bool:
        return obj.overdue_on(clock.today())

    def get_missing_steps(self, obj: Case) -> list[str]:
        return [str(step) for step in services.missing_steps(obj)]


class CaseRegisterSerializer(serializers.Serializer):
    county = serializers.CharField(max_length=6, help_text="受理县（市、区）代码")
    committee = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        default="",
        help_text="所涉村（居）委会代码（如知道）",
    )
    channel = serializers.CharField(max_length=20, help_text=CHANNEL_HELP)
    reporter_type = serializers.CharField(max_length=20, help_text=REPORTER_HELP)
    demanding_unit = serializers.CharField(
        max_length=200, allow_blank=True, help_text="要求开具证明的单位"
    )
    unit_kind = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text=UNIT_KIND_HELP,
    )
    item = serializers.CharField(
        max_length=80,
        required=False,
        allow_blank=True,
        default="",
        help_text="清单事项标识（如有）",
    )
    item_text = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="被要求的证明；选了清单事项时可空",
    )
    account = serializers.CharField(allow_blank=True, help_text="情况说明")
    demanded_on = serializers.DateField(required=False, allow_null=True, default=None)
    contact_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    contact_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )


class CaseVerifySerializer(serializers.Serializer):
    founded = serializers.BooleanField(help_text="属实；否则经核实不属实并结案")
    note = serializers.CharField(allow_blank=True, help_text="核实情况")


class CaseNotifySerializer(serializers.Serializer):
    """A circular notice, a public exposure, or both (REQ-090: an exposure needs its
    platform, date and reason)."""

    notice_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="通报日期"
    )
    notice_no = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="通报文号"
    )
    notice_text = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="通报内容"
    )
    exposed_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="曝光日期"
    )
    exposure_platform = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="曝光媒体平台"
    )
    exposure_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="曝光理由"
    )


class CaseFeedbackSerializer(serializers.Serializer):
    recipient = serializers.CharField(
        allow_blank=True, help_text="反馈对象（主管部门、公共事业单位或服务机构）"
    )
    sent_on = serializers.DateField(help_text="反馈日期")
    text = serializers.CharField(allow_blank=True, help_text="反馈内容")


class CaseResponseSerializer(serializers.Serializer):
    status = serializers.CharField(max_length=20, help_text=RESPONSE_HELP)
    text = serializers.CharField(allow_blank=True, help_text="整改答复")
    on = serializers.DateField(help_text="答复日期")


class CaseCorrectSerializer(serializers.Serializer):
    authority = serializers.CharField(allow_blank=True, help_text="纠正的上级主管部门")
    text = serializers.CharField(allow_blank=True, help_text="纠正情况")
    on = serializers.DateField(help_text="纠正日期")


class CaseCloseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


# Views --------------------------------------------------------------------------------


# The item and everyone who did a step, read with the case.
CASE_ROWS = (
    "item",
    "registered_by",
    "verified_by",
    "notified_by",
    "feedback_by",
    "response_by",
    "correction_by",
    "closed_by",
)


def _step(summary: str, body: type[serializers.Serializer] | None):
    return extend_schema(
        summary=summary, request=body, responses={200: CaseSerializer, **ERRORS}
    )


@extend_schema_view(
    list=extend_schema(
        summary="不合理证明要求投诉（REQ-088：可按渠道、反映人类型筛选）",
        parameters=[
            str_param("status", CASE_STATUS_HELP),
            str_param("channel", CHANNEL_HELP),
            str_param("reporter_type", REPORTER_HELP),
            str_param("unit_kind", UNIT_KIND_HELP),
            str_param("county", "受理县（市、区）代码"),
            bool_param("overdue", "只列出本环节已超过办理期限的"),
        ],
    ),
    retrieve=extend_schema(
        summary="投诉及其各环节", responses={200: CaseSerializer, **ERRORS}
    ),
)
class CaseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanViewSupervision]
    serializer_class = CaseSerializer
    lookup_value_regex = PK

    def get_queryset(self):
        user = self.request.user
        if self.action != "list":
            return selectors.cases(user).select_related(*CASE_ROWS)
        params = self.request.query_params
        filters = {
            name: params.get(name, "")
            for name in ("status", "channel", "reporter_type", "unit_kind", "county")
        }
        rows = selectors.cases(user, filters).select_related(*CASE_ROWS)
        if flag(params, "overdue"):
            late = selectors.cases_overdue(user, clock.today())
            rows = rows.filter(pk__in=late.values("pk"))
        return rows

    def _answer(self, case: Case, status: int = 200) -> Response:
        case = self.get_queryset().get(pk=case.pk)
        data = CaseSerializer(case, context={"request": self.request}).data
        return Response(data, status=status)

    @extend_schema(
        summary="登记电话、信访、网络问政等渠道反映的不合理证明要求（REQ-088）",
        request=CaseRegisterSerializer,
        responses={201: CaseSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(CaseRegisterSerializer, request)
        case = services.case_register(
            actor=request.user,
            county_code=v["county"],
            committee_code=v["committee"] or None,
            channel=v["channel"],
            reporter_type=v["reporter_type"],
            demanding_unit=v["demanding_unit"],
            unit_kind=v["unit_kind"],
            item_key=v["item"] or None,
            item_text=v["item_text"],
            account=v["account"],
            demanded_on=v["demanded_on"],
            contact_name=v["contact_name"],
            contact_phone=v["contact_phone"],
        )
        return self._answer(case, status=201)

    @_step("核实：属实，或经核实不属实（结案）", CaseVerifySerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        case = self.get_object()
        v = validated(CaseVerifySerializer, request)
        case = services.case_verify(
            case_id=case.pk, actor=request.user, founded=v["founded"], note=v["note"]
        )
        return self._answer(case)

    @_step(
        "通报或公开曝光（至少一项；曝光须登记平台、日期和理由，REQ-090）",
        CaseNotifySerializer,
    )
    @action(detail=True, methods=["post"])
    def notify(self, request, pk=None):
        case = self.get_object()
        v = validated(CaseNotifySerializer, request)
        case = services.case_notify(case_id=case.pk, actor=request.user, **v)
        return self._answer(case)

    @_step("向主管部门、公共事业单位或服务机构反馈（REQ-091）", CaseFeedbackSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        case = self.get_object()
        v = validated(CaseFeedbackSerializer, request)
        case = services.case_feedback(
            case_id=case.pk,
            actor=request.user,
            recipient=v["recipient"],
            sent_on=v["sent_on"],
            text=v["text"],
        )
        return self._answer(case)

    @_step("登记整改答复（可随整改进展再次登记，REQ-091）", CaseResponseSerializer)
    @action(detail=True, methods=["post"], url_path="response")
    def respond(self, request, pk=None):
        case = self.get_object()
        v = validated(CaseResponseSerializer, request)
        case = services.case_response(
            case_id=case.pk,
            actor=request.user,
            status=v["status"],
            text=v["text"],
            on=v["on"],
        )
        return self._answer(case)

    @_step("登记上级主管部门的纠正（REQ-089）", CaseCorrectSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        case = self.get_object()
        v = validated(CaseCorrectSerializer, request)
        case = services.case_correct(
            case_id=case.pk,
            actor=request.user,
            authority=v["authority"],
            text=v["text"],
            on=v["on"],
        )
        return self._answer(case)

    @_step("办结（各环节齐全方可，REQ-089）", CaseCloseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        case = self.get_object()
        v = validated(CaseCloseSerializer, request)
        case = services.case_close(case_id=case.pk, actor=request.user, note=v["note"])
        return self._answer(case)
