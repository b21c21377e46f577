"""Guides and related rules on the publication channels (REQ-078), for civil affairs:
`catalogue/guide-publications/` lists each published guide of the jurisdictions the
caller manages with the state of each channel and records one; `catalogue/rules/`
lists and registers related rules (相关制度), `…/rules/{id}/publications/` records one
channel. Every write calls catalogue.services.publications, which checks the policy."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.core.rest.responses import ERRORS

from .. import selectors
from ..choices import Channel
from ..models import GuidePublication, RelatedRule, RulePublication
from ..services import publications
from .publications import PublicationCreateSerializer

_CHANNEL_HELP = "公布渠道：" + "、".join(Channel.values)


class RecordStatusSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices, help_text=_CHANNEL_HELP)
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    published_on = serializers.DateField(
        allow_null=True, help_text="该渠道最近一次公布的日期"
    )
    location = serializers.CharField()
    in_sync = serializers.BooleanField(
        help_text="该渠道是否已公布现行内容（办事指南重新公布后须重新登记）"
    )


class GuideRowSerializer(serializers.Serializer):
    item = serializers.CharField(source="guide.item.key")
    item_name = serializers.CharField(source="guide.item.name")
    division = serializers.CharField(source="owner_code", help_text="公布机关区划代码")
    division_name = serializers.CharField(source="owner_name")
    guide_published_at = serializers.DateTimeField(source="guide.published_at")
    sample = serializers.BooleanField(source="guide.sample")
    channels = RecordStatusSerializer(many=True)


class GuidePublicationCreateSerializer(PublicationCreateSerializer):
    item = serializers.CharField(max_length=80, help_text="事项标识")
    division = serializers.CharField(max_length=12, help_text="公布机关区划代码")


class GuidePublicationSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="guide.item.key")
    division = serializers.CharField(source="division_id")
    channel_display = serializers.CharField(source="get_channel_display")

    class Meta:
        model = GuidePublication
        fields = [
            "item",
            "division",
            "guide_published_at",
            "channel",
            "channel_display",
            "published_on",
            "location",
        ]


class RuleSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner_id", help_text="制定机关区划代码")
    channels = serializers.SerializerMethodField()

    class Meta:
        model = RelatedRule
        fields = [
            "id",
            "owner",
            "title",
            "reference",
            "issued_on",
            "text",
            "sample",
            "created_at",
            "channels",
        ]

    @extend_schema_field(RecordStatusSerializer(many=True))
    def get_channels(self, obj: RelatedRule) -> Any:
        return RecordStatusSerializer(
            selectors.rule_channel_status(obj), many=True
        ).data


class RuleCreateSerializer(serializers.Serializer):
    owner = serializers.CharField(max_length=12, help_text="制定机关区划代码")
    title = serializers.CharField(
        max_length=200, help_text="制度名称，如社区印章管理使用办法"
    )
    reference = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    issued_on = serializers.DateField(help_text="印发日期")
    text = serializers.CharField(help_text="正文或内容摘要")


class RulePublicationSerializer(serializers.ModelSerializer):
    rule = serializers.IntegerField(source="rule_id")
    channel_display = serializers.CharField(source="get_channel_display")

    class Meta:
        model = RulePublication
        fields = ["rule", "channel", "channel_display", "published_on", "location"]


class GuidePublicationsView(APIView):
    @extend_schema(
        summary="本级及下级现行清单所列事项的办事指南在各渠道的公布情况（REQ-078）",
        responses={200: GuideRowSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        return Response(
            GuideRowSerializer(selectors.guide_rows(request.user), many=True).data
        )

    @extend_schema(
        summary="登记办事指南在某一渠道的公布日期（民政部门；REQ-078）",
        request=GuidePublicationCreateSerializer,
        responses={201: GuidePublicationSerializer, **ERRORS},
    )
    def post(self, request):
        data = GuidePublicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        publication = publications.guide_publication_record(
            actor=request.user,
            item_key=v["item"],
            division_code=v["division"],
            channel=v["channel"],
            published_on=v["published_on"],
            location=v["location"],
        )
        return Response(GuidePublicationSerializer(publication).data, status=201)


class RulesView(APIView):
    @extend_schema(
        summary="本级及下级的相关制度及其各渠道公布情况（REQ-078）",
        responses={200: RuleSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        return Response(
            RuleSerializer(selectors.rules_manageable(request.user), many=True).data
        )

    @extend_schema(
        summary="登记与清单一并公布的相关制度（民政部门；REQ-078）",
        request=RuleCreateSerializer,
        responses={201: RuleSerializer, **ERRORS},
    )
    def post(self, request):
        data = RuleCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        rule = publications.rule_create(
            actor=request.user,
            owner_code=v["owner"],
            title=v["title"],
            reference=v["reference"],
            issued_on=v["issued_on"],
            text=v["text"],
        )
        return Response(RuleSerializer(rule).data, status=201)


class RulePublicationView(APIView):
    @extend_schema(
        summary="登记相关制度在某一渠道的公布日期（民政部门；REQ-078）",
        request=PublicationCreateSerializer,
        responses={201: RulePublicationSerializer, **ERRORS},
    )
    def post(self, request, pk: int):
        data = PublicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        publication = publications.rule_publication_record(
            actor=request.user,
            rule_id=pk,
            channel=v["channel"],
            published_on=v["published_on"],
            location=v["location"],
        )
        return Response(RulePublicationSerializer(publication).data, status=201)
