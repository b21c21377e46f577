"""The clean-up pass of a list (REQ-011, REQ-013): started on its current version with
a suggested disposition for each item, each disposition confirmed or changed, then
completed. Every step calls catalogue.services.cleanup; a review one may not manage is
404.
"""

import builtins
from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from yinzheng.accounts import policy
from yinzheng.core.rest.responses import ERRORS, ErrorSerializer

from .. import selectors
from ..choices import CleanupDisposition
from ..models import CleanupDecision, CleanupReview
from ..services import cleanup

_DISPOSITION_HELP = "处理意见：" + "、".join(CleanupDisposition.values)


# Serializers ------------------------------------------------------------------------


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

    # `list` above is the field: the builtin is spelled out.
    @extend_schema_field(CleanupDecisionSerializer(many=True))
    def get_decisions(self, obj: CleanupReview) -> builtins.list[dict[str, Any]]:
        rows = CleanupDecisionSerializer(selectors.review_rows(obj), many=True)
        return rows.data  # type: ignore[return-value]  # many=True: a ListSerializer


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
