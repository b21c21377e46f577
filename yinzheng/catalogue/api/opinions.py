"""The review opinions on an application (REQ-023): recorded at
`/api/catalogue/opinions/{id}/record/` by the department or township asked, or by civil
affairs entering one received on paper, through
catalogue.services.admissions.opinion_record. An opinion on an application one does not
see is 404.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.accounts.api.fields import AllowedActionsField
from yinzheng.core.rest.responses import ERRORS

from ..choices import Opinion
from ..models import Application, ReviewOpinion
from ..services import admissions

_OPINION_HELP = "意见：" + "、".join(v for v in Opinion.values if v) + "；空为待反馈"


class ReviewOpinionSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer_name")
    township = serializers.CharField(source="township_id", allow_null=True)
    opinion = serializers.CharField(help_text=_OPINION_HELP)
    opinion_display = serializers.CharField(source="get_opinion_display")
    recorded_by = serializers.SerializerMethodField(help_text="登记人")
    allowed_actions = AllowedActionsField()

    class Meta:
        model = ReviewOpinion
        fields = [
            "id",
            "allowed_actions",
            "reviewer",
            "department",
            "township",
            "opinion",
            "opinion_display",
            "comments",
            "requested_at",
            "recorded_by",
            "recorded_at",
        ]

    def get_recorded_by(self, obj: ReviewOpinion) -> str | None:
        # The recorder only when its id is set; the None test narrows the type.
        recorder = obj.recorded_by if obj.recorded_by_id else None
        return recorder.display_name if recorder is not None else None


class OpinionRecordSerializer(serializers.Serializer):
    opinion = serializers.CharField(help_text=_OPINION_HELP)
    comments = serializers.CharField(required=False, allow_blank=True, default="")


class OpinionRecordView(APIView):
    """The reviewer's own opinion, or civil affairs entering one received on paper."""

    @extend_schema(
        summary="登记联审意见（被征求意见的部门、乡镇，或民政部门代录；REQ-023）",
        request=OpinionRecordSerializer,
        responses={200: ReviewOpinionSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        opinion = ReviewOpinion.objects.filter(pk=pk).first()
        if (
            opinion is None
            or not Application.objects.visible_to(request.user)
            .filter(pk=opinion.application_id)
            .exists()
        ):
            raise Http404
        data = OpinionRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = admissions.opinion_record(
            actor=request.user, opinion_id=opinion.pk, **data.validated_data
        )
        return Response(ReviewOpinionSerializer(row, context={"request": request}).data)
