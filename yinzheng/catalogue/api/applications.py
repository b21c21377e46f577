"""Admission, exit and filing endpoints (REQ-021–030, DIV-03, DIV-14).

`/api/catalogue/applications/` lists and shows the applications the user sees
(Application.objects.visible_to; others are 404), takes a new one as JSON or as
multipart with the justification attachment (REQ-029), and carries the workflow as
actions: open-review, supply-guide, decide, law-amendment, file, withdraw. The review
opinions are recorded through .opinions; the public list of decisions is .decisions.

Every write is one call to catalogue.services.admissions; its refusals reach the client
through the one error handler as {"code", "message", "detail"} (a refused approval is 400
`application_incomplete` with each problem in `detail`).
"""

import builtins
import re
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from yinzheng.accounts import policy
from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.accounts.choices import Department, department_label
from yinzheng.core import masking, uploads
from yinzheng.core.rest.parsers import JSONParser
from yinzheng.core.rest.responses import (
    ERRORS,
    BinaryRenderer,
    ErrorSerializer,
    file_responses,
)

from ..choices import (
    ApplicationKind,
    ApplicationStatus,
    BasisType,
    Complexity,
    ExitGround,
    LawAmendmentStatus,
)
from ..models import Application, ReviewOpinion
from ..services import admissions
from .opinions import ReviewOpinionSerializer

# Plain strings with the allowed values in the help text: enums named by field name
# ("kind", "status") would collide with other components.
_KIND_HELP = "申请类型：" + "、".join(ApplicationKind.values)
_STATUS_HELP = "状态：" + "、".join(ApplicationStatus.values)
_DEPARTMENT_HELP = "申请部门：" + "、".join(Department.values)
_BASIS_HELP = "依据类型：" + "、".join(BasisType.values)
_COMPLEXITY_HELP = "办理复杂程度：" + "、".join(Complexity.values)
_EXIT_GROUND_HELP = "退出理由类型：" + "、".join(ExitGround.values)
_LAW_HELP = "修法进展：" + "、".join(v for v in LawAmendmentStatus.values if v)


# Serializers ------------------------------------------------------------------------


class ApplicationBasisSerializer(serializers.Serializer):
    type = serializers.CharField(help_text=_BASIS_HELP)
    citation = serializers.CharField(help_text="依据名称及条款")


@extend_schema_field(ApplicationBasisSerializer(many=True))
class BasesField(serializers.JSONField):
    """A list of {"type", "citation"}; in a multipart request, that list as JSON text."""

    def to_internal_value(self, data: Any) -> list[dict[str, str]]:
        value = super().to_internal_value(data)
        if not isinstance(value, list) or not all(
            isinstance(b, dict)
            and isinstance(b.get("type", ""), str)
            and isinstance(b.get("citation", ""), str)
            for b in value
        ):
            raise serializers.ValidationError(
                _('须为 [{"type": …, "citation": …}] 形式的列表')
            )
        if any("\x00" in b.get(k, "") for b in value for k in ("type", "citation")):
            # As CharField refuses it: PostgreSQL's jsonb cannot store \u0000.
            raise serializers.ValidationError(_("不能含有空字符"))
        return value


class ProblemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ApplicationSerializer(serializers.ModelSerializer):
    list = serializers.IntegerField(source="catalogue_list_id")
    list_title = serializers.CharField(source="catalogue_list.title")
    kind = serializers.CharField(help_text=_KIND_HELP)
    kind_display = serializers.CharField(source="get_kind_display")
    status = serializers.CharField(help_text=_STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")
    department = serializers.CharField(help_text=_DEPARTMENT_HELP)
    department_display = serializers.SerializerMethodField()
    opinions_pending = serializers.IntegerField(
        read_only=True, help_text="尚未反馈的联审意见数"
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "list",
            "list_title",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "department",
            "department_display",
            "applicant_unit",
            "item_key",
            "item_name",
            "submitted_at",
            "opinions_pending",
        ]

    def get_department_display(self, obj: Application) -> str:
        return department_label(obj.department)


class ApplicationDetailSerializer(ApplicationSerializer):
    owner = serializers.CharField(source="catalogue_list.owner_id")
    contact = serializers.SerializerMethodField(
        help_text="联系人；不是申请部门或本级民政部门的，电话号码打码"
    )
    item_aliases = serializers.ListField(child=serializers.CharField())
    bases = ApplicationBasisSerializer(many=True)
    policy_basis_only = serializers.SerializerMethodField(
        help_text="只有政策依据（DIV-07）：可以申请，但不能获准"
    )
    complexity = serializers.CharField(help_text=_COMPLEXITY_HELP)
    has_justification = serializers.SerializerMethodField(
        help_text="附有研究论证材料（REQ-029），见 …/justification/"
    )
    exit_ground = serializers.CharField(help_text=_EXIT_GROUND_HELP)
    law_amendment_status = serializers.CharField(help_text=_LAW_HELP)
    resulting_version = serializers.IntegerField(
        source="resulting_version.number", allow_null=True, default=None
    )
    opinions = ReviewOpinionSerializer(many=True)
    decision_problems = serializers.SerializerMethodField(
        help_text="联审中、可作决定的人员可见：尚不能批准的原因（空为可以批准）"
    )
    allowed_actions = AllowedActionsField()

    class Meta(ApplicationSerializer.Meta):
        fields = [
            *[f for f in ApplicationSerializer.Meta.fields if f != "opinions_pending"],
            "allowed_actions",
            "owner",
            "contact",
            "reason",
            "item_aliases",
            "bases",
            "policy_basis_only",
            "within_committee_duties",
            "complexity",
            "time_limit_days",
            "work_requirements",
            "procedure",
            "materials",
            "sample_form",
            "cites_new_local_rule",
            "has_justification",
            "justification_sha256",
            "rights_matching",
            "exit_ground",
            "law_amendment",
            "law_amendment_status",
            "meeting_date",
            "meeting_reference",
            "decision_reasons",
            "decided_at",
            "resulting_version",
            "opinions",
            "decision_problems",
        ]

    def _user(self) -> Any:
        request = self.context.get("request")
        return getattr(request, "user", None)

    def get_contact(self, obj: Application) -> str:
        if admissions.may_act_for_applicant(self._user(), obj):
            return obj.contact
        return masking.mask_phones_in(obj.contact)

    def get_policy_basis_only(self, obj: Application) -> bool:
        return admissions.policy_only(obj.bases)

    def get_has_justification(self, obj: Application) -> bool:
        return bool(obj.justification)

    @extend_schema_field(ProblemSerializer(many=True))
    def get_decision_problems(self, obj: Application) -> list[dict[str, str]]:
        if obj.status != ApplicationStatus.IN_REVIEW or not policy.can(
            self._user(), "catalogue.manage", obj.catalogue_list
        ):
            return []
        return admissions.decision_problems(obj)


class ApplicationCreateSerializer(serializers.Serializer):
    """The 准入、退出申请（报备）表; what each type needs is checked by the service."""

    list = serializers.IntegerField(help_text="申请调整的清单 id")
    kind = serializers.CharField(help_text=_KIND_HELP)
    department = serializers.CharField(help_text=_DEPARTMENT_HELP)
    applicant_unit = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True, help_text="申请理由")
    contact = serializers.CharField(required=False, allow_blank=True, default="")
    item_key = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="准入：拟列入事项的标识（已有事项填其标识）；退出：现行清单中的事项",
    )
    item_name = serializers.CharField(required=False, allow_blank=True, default="")
    # `list` above is the field: the builtin is spelled out.
    item_aliases = serializers.ListField(
        child=serializers.CharField(), required=False, default=builtins.list
    )
    bases = BasesField(
        required=False,
        default=builtins.list,  # type: ignore[arg-type]  # JSON: a list; stubs: a dict
        help_text="设定依据（REQ-022）；multipart 请求中为 JSON 文本",
    )
    within_committee_duties = serializers.BooleanField(required=False, default=False)
    complexity = serializers.CharField(
        required=False, default=Complexity.SIMPLE, help_text=_COMPLEXITY_HELP
    )
    time_limit_days = serializers.IntegerField(
        required=False, allow_null=True, default=None
    )
    work_requirements = serializers.CharField(
        required=False, allow_blank=True, default=""
    )
    procedure = serializers.CharField(required=False, allow_blank=True, default="")
    materials = serializers.CharField(required=False, allow_blank=True, default="")
    sample_form = serializers.CharField(required=False, allow_blank=True, default="")
    cites_new_local_rule = serializers.BooleanField(required=False, default=False)
    justification = serializers.FileField(
        required=False,
        allow_null=True,
        default=None,
        help_text="研究论证材料（REQ-029），仅 multipart",
    )
    rights_matching = serializers.CharField(
        required=False, allow_blank=True, default=""
    )
    exit_ground = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_EXIT_GROUND_HELP
    )
    law_amendment = serializers.CharField(required=False, allow_blank=True, default="")


class OpenReviewSerializer(serializers.Serializer):
    township_codes = serializers.ListField(
        child=serializers.CharField(max_length=12),
        required=False,
        allow_null=True,
        default=None,
        help_text="征求意见的乡镇（街道）代码；不填为该县全部乡镇（街道）",
    )


class SupplyGuideSerializer(serializers.Serializer):
    work_requirements = serializers.CharField(allow_blank=True)
    procedure = serializers.CharField(allow_blank=True)
    materials = serializers.CharField(allow_blank=True)
    sample_form = serializers.CharField(allow_blank=True)
    time_limit_days = serializers.IntegerField(
        required=False, allow_null=True, default=None
    )
    rights_matching = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=None
    )


class DecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true 通过，false 不通过")
    meeting_date = serializers.DateField()
    meeting_reference = serializers.CharField(allow_blank=True)
    reasons = serializers.CharField(allow_blank=True)


class LawAmendmentSerializer(serializers.Serializer):
    status = serializers.CharField(help_text=_LAW_HELP)
    note = serializers.CharField(allow_blank=True, help_text="进展说明（如文号）")


class FileSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, help_text="备案意见")


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="撤回原因")


# Views --------------------------------------------------------------------------------


OPINIONS = Prefetch(
    "opinions",
    queryset=ReviewOpinion.objects.select_related("township", "recorded_by"),
)


def _applications_of(user: Any):
    return Application.objects.visible_to(user).select_related(
        "catalogue_list__owner", "item", "resulting_version"
    )


@extend_schema_view(
    list=extend_schema(
        summary="可见的准入、退出申请（报备）",
        parameters=[
            OpenApiParameter("status", str, description=_STATUS_HELP),
            OpenApiParameter("kind", str, description=_KIND_HELP),
            OpenApiParameter("list", int, description="清单 id"),
        ],
        responses={200: ApplicationSerializer(many=True), 401: ErrorSerializer},
    ),
    retrieve=extend_schema(
        summary="申请详情：依据、办事指南内容、联审意见、决定",
        responses={200: ApplicationDetailSerializer, **ERRORS},
    ),
)
class ApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    lookup_value_regex = r"[0-9]{1,9}"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        if self.action == "list":
            return ApplicationSerializer
        return ApplicationDetailSerializer

    def get_queryset(self):
        qs = _applications_of(self.request.user)
        if self.action == "list":
            params = self.request.query_params
            if params.get("status"):
                qs = qs.filter(status=params["status"])
            if params.get("kind"):
                qs = qs.filter(kind=params["kind"])
            if re.fullmatch(r"[0-9]{1,12}", params.get("list", "")):
                qs = qs.filter(catalogue_list_id=int(params["list"]))
            qs = qs.annotate(
                opinions_pending=Count("opinions", filter=Q(opinions__opinion=""))
            )
        else:
            qs = qs.prefetch_related(OPINIONS)
        return qs.order_by("-submitted_at", "-id")

    def _detail(self, application_id: int, status: int = 200) -> Response:
        application = _applications_of(self.request.user).prefetch_related(OPINIONS)
        data = ApplicationDetailSerializer(
            application.get(pk=application_id), context=self.get_serializer_context()
        ).data
        return Response(data, status=status)

    @extend_schema(
        summary="提交申请（JSON，或 multipart 附研究论证材料）",
        request={
            "application/json": ApplicationCreateSerializer,
            "multipart/form-data": ApplicationCreateSerializer,
        },
        responses={201: ApplicationDetailSerializer, **ERRORS},
    )
    def create(self, request):
        data = ApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        application = admissions.application_submit(
            actor=request.user, list_id=values.pop("list"), **values
        )
        return self._detail(application.pk, status=201)

    @extend_schema(
        summary="启动联审：向五个部门和乡镇（街道）征求意见（民政部门；REQ-023）",
        request=OpenReviewSerializer,
        responses={200: ApplicationDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="open-review")
    def open_review(self, request, pk=None):
        application = self.get_object()
        data = OpenReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admissions.application_open_review(
            actor=request.user,
            application_id=application.pk,
            township_codes=data.validated_data["township_codes"],
        )
        return self._detail(application.pk)

    @extend_schema(
        summary="补充办事指南内容和权责匹配措施（申请部门，决定前；REQ-028、REQ-030）",
        request=SupplyGuideSerializer,
        responses={200: ApplicationDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="supply-guide")
    def supply_guide(self, request, pk=None):
        application = self.get_object()
        data = SupplyGuideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admissions.application_supply_guide(
            actor=request.user, application_id=application.pk, **data.validated_data
        )
        return self._detail(application.pk)

    @extend_schema(
        summary="记录会议决定（民政部门；REQ-023–025）",
        description="批准前的每个问题见 400 `application_incomplete` 的 detail。",
        request=DecideSerializer,
        responses={200: ApplicationDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        application = self.get_object()
        data = DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admissions.application_decide(
            actor=request.user, application_id=application.pk, **data.validated_data
        )
        return self._detail(application.pk)

    @extend_schema(
        summary="记录修法进展（拟退出事项；REQ-027）",
        request=LawAmendmentSerializer,
        responses={200: ApplicationDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="law-amendment")
    def law_amendment(self, request, pk=None):
        application = self.get_object()
        data = LawAmendmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admissions.application_law_amendment(
            actor=request.user, application_id=application.pk, **data.validated_data
        )
        return self._detail(application.pk)

    @extend_schema(
        summary="报备备案（民政部门）",
        request=FileSerializer,
        responses={200: ApplicationDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="file")
    def file(self, request, pk=None):
        application = self.get_object()
        data = FileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admissions.application_file(
            actor=request.user,
            application_id=application.pk,
            note=data.validated_data["note"],
        )
        return self._detail(application.pk)

    @extend_schema(
        summary="撤回申请（申请部门，决定前）",
        request=WithdrawSerializer,
        responses={200: ApplicationDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = self.get_object()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        admissions.application_withdraw(
            actor=request.user,
            application_id=application.pk,
            reason=data.validated_data["reason"],
        )
        return self._detail(application.pk)

    @extend_schema(
        summary="下载研究论证材料（REQ-029；可见该申请的人员）",
        responses={
            **file_responses(uploads.DOCUMENTS),
            401: ErrorSerializer,
            404: ErrorSerializer,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[JSONRenderer, BinaryRenderer],
    )
    def justification(self, request, pk=None):
        application = self.get_object()
        return uploads.serve(
            application.justification,
            filename=f"{_('研究论证材料')}-{application.pk}",
            fallback=f"justification-{application.pk}",
        )

    def handle_exception(self, exc):
        # A download's errors are JSON like every other error, whatever was asked for.
        if getattr(self, "action", None) == "justification":
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)
