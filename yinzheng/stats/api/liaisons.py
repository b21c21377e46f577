"""Township liaisons (REQ-109) and the county bureau's assessments of its townships
(REQ-110): the contact list of a county (every township with its one liaison, or none
yet; the phone in full only for the bureau and the township itself), naming a
township's liaison, the assessments per township over time, and recording one (never
changed afterwards: a correction is a new assessment)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from yinzheng.core.codes import Level
from yinzheng.core.errors import NotFound
from yinzheng.core.rest.responses import ERRORS, validated
from yinzheng.divisions.models import Division

from .. import report_selectors as selectors
from .. import services
from ..choices import Rating
from ..models import Assessment
from ..report_selectors import ContactRow
from .common import PK, CanViewStats, person

RATING_HELP = "评估等次：" + "、".join(Rating.values)
TOWNSHIP = r"[0-9]{9}"

# Serializers ------------------------------------------------------------------------


class StatsLiaisonPersonSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="联络人姓名")
    position = serializers.CharField(help_text="职务")
    phone = serializers.CharField(
        help_text="联系电话：县民政和本乡镇（街道）看到全号，其他人看到遮蔽的号码"
    )
    updated_at = serializers.DateTimeField(help_text="登记时间")


class StatsLiaisonSerializer(serializers.Serializer):
    """A township on the contact list, with its liaison or none (未指定)."""

    township = serializers.CharField(source="township.code")
    township_name = serializers.CharField(source="township.name")
    assigned = serializers.SerializerMethodField(help_text="已指定联络人")
    liaison = serializers.SerializerMethodField(help_text="联络人（未指定为空）")
    editable = serializers.BooleanField(help_text="当前用户可指定、更换联络人")

    def get_assigned(self, obj: ContactRow) -> bool:
        return not obj.gap

    @extend_schema_field(StatsLiaisonPersonSerializer(allow_null=True))
    def get_liaison(self, obj: ContactRow) -> Any:
        if obj.liaison is None:
            return None
        return StatsLiaisonPersonSerializer(
            {
                "name": obj.liaison.name,
                "position": obj.liaison.position,
                "phone": obj.phone,
                "updated_at": obj.liaison.updated_at,
            }
        ).data


class StatsLiaisonSetSerializer(serializers.Serializer):
    township = serializers.CharField(max_length=9, help_text="乡镇（街道）代码")
    name = serializers.CharField(allow_blank=True, help_text="联络人姓名（必填）")
    position = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="职务"
    )
    phone = serializers.CharField(
        allow_blank=True,
        help_text="联系电话（必填）：11 位手机号码，或带区号的固定电话",
    )


class StatsAssessmentSerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="township_id")
    township_name = serializers.CharField(source="township.name")
    rating = serializers.CharField(help_text=RATING_HELP)
    rating_display = serializers.CharField(source="get_rating_display")
    campaign = serializers.IntegerField(
        source="campaign_id", allow_null=True, help_text="所属专项工作"
    )
    recorded_by = person()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "township",
            "township_name",
            "assessed_on",
            "rating",
            "rating_display",
            "notes",
            "campaign",
            "recorded_by",
            "recorded_at",
        ]


class StatsAssessmentCreateSerializer(serializers.Serializer):
    township = serializers.CharField(max_length=9, help_text="乡镇（街道）代码")
    assessed_on = serializers.DateField(help_text="评估日期（不晚于今天）")
    rating = serializers.CharField(max_length=10, help_text=RATING_HELP)
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text="评估意见",
    )
    campaign = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="所属专项工作"
    )


# Views --------------------------------------------------------------------------------


def _county(user: Any, code: str | None) -> Division | None:
    """The county asked for (404 outside the user's sight), else the user's first."""
    counties = selectors.counties_seen(user)
    if code:
        found = counties.filter(code=code).first()
        if found is None:
            raise NotFound()
        return found
    return counties.first()


def _row(user: Any, township_code: str) -> ContactRow:
    found = [
        r
        for r in selectors.contact_list(user, township_code[:6])
        if r.township.code == township_code
    ]
    if not found:
        raise NotFound()
    return found[0]


COUNTY_PARAM = OpenApiParameter(
    "county", str, description="县（市、区）代码；不填为可查看的第一个县"
)


@extend_schema_view(
    list=extend_schema(
        summary="县民政的联络人名单：每个乡镇（街道）一名联络人，或未指定（REQ-109）",
        parameters=[COUNTY_PARAM],
        responses={200: StatsLiaisonSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="一个乡镇（街道）的联络人",
        responses={200: StatsLiaisonSerializer, **ERRORS},
    ),
    create=extend_schema(
        summary="指定或更换乡镇（街道）的联络人（姓名、电话必填，REQ-109）",
        request=StatsLiaisonSetSerializer,
        responses={200: StatsLiaisonSerializer, **ERRORS},
    ),
)
class LiaisonViewSet(viewsets.ViewSet):
    permission_classes = [CanViewStats]
    lookup_value_regex = TOWNSHIP

    def list(self, request):
        county = _county(request.user, request.query_params.get("county"))
        rows = selectors.contact_list(request.user, county.code) if county else []
        return Response(StatsLiaisonSerializer(rows, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(StatsLiaisonSerializer(_row(request.user, pk or "")).data)

    def create(self, request):
        v = validated(StatsLiaisonSetSerializer, request)
        services.liaison_set(
            actor=request.user,
            township_code=v["township"],
            name=v["name"],
            position=v["position"],
            phone=v["phone"],
        )
        return Response(StatsLiaisonSerializer(_row(request.user, v["township"])).data)


@extend_schema_view(
    list=extend_schema(
        summary="各乡镇（街道）的进展评估，按乡镇、日期先后（REQ-110）",
        parameters=[
            OpenApiParameter("county", str, description="县（市、区）代码"),
            OpenApiParameter("township", str, description="乡镇（街道）代码"),
        ],
    ),
    retrieve=extend_schema(
        summary="一次进展评估", responses={200: StatsAssessmentSerializer, **ERRORS}
    ),
)
class AssessmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Append-only: no change, no deletion; a correction is a new assessment."""

    permission_classes = [CanViewStats]
    serializer_class = StatsAssessmentSerializer
    lookup_value_regex = PK

    def get_queryset(self) -> QuerySet[Assessment]:
        found = (
            Assessment.objects.visible_to(self.request.user)
            .select_related("township", "recorded_by")
            .order_by("township_id", "assessed_on", "id")
        )
        if self.action == "list":
            params = self.request.query_params
            county, township = params.get("county", ""), params.get("township", "")
            if county:
                found = found.filter(
                    township__parent_id=county, township__level=Level.TOWNSHIP
                )
            if township:
                found = found.filter(township_id=township)
        return found

    @extend_schema(
        summary="县民政登记一次进展评估（登记后不再修改，REQ-110）",
        request=StatsAssessmentCreateSerializer,
        responses={201: StatsAssessmentSerializer, **ERRORS},
    )
    def create(self, request):
        v = validated(StatsAssessmentCreateSerializer, request)
        assessment = services.assessment_record(
            actor=request.user,
            township_code=v["township"],
            assessed_on=v["assessed_on"],
            rating=v["rating"],
            notes=v["notes"],
            campaign_id=v["campaign"],
        )
        return Response(
            StatsAssessmentSerializer(self.get_queryset().get(pk=assessment.pk)).data,
            status=201,
        )
