"""Catalogue items (REQ-079, REQ-114) and the lookup.

Items are read without login; their flags and texts are changed by PATCH, through
catalogue.services.item_update. Each item's guide (REQ-076) is read and written by
actions of `ItemViewSet` through catalogue.services.guides; their serializers live in
.guides. The lookup turns colloquial text into ranked items with the decision.
"""

from django.db.models import Prefetch
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from yinzheng.core.codes import Level
from yinzheng.core.errors import CoreCode, InvalidInput, NotFound
from yinzheng.core.rest.responses import ERRORS, ErrorSerializer
from yinzheng.divisions.models import Division

from .. import selectors, services
from ..choices import Complexity, GuideStatus, ListKind, VersionStatus
from ..errors import CatalogueCode
from ..models import Guide, Item, ListEntry
from ..services import guides
from .common import PUBLIC, BasisSerializer
from .guides import (
    GuideSaveSerializer,
    GuideSerializer,
    GuideStateSerializer,
    GuideWithdrawSerializer,
)

# Serializers ------------------------------------------------------------------------


class ItemListingSerializer(serializers.ModelSerializer):
    aliases = serializers.ListField(child=serializers.CharField())
    responsible_departments = serializers.ListField(child=serializers.CharField())
    sharing_departments = serializers.ListField(
        child=serializers.CharField(),
        help_text="信息共享核查部门：办理部门向其查询核对，不是办理部门（REQ-117）",
    )

    class Meta:
        model = Item
        fields = [
            "key",
            "name",
            "aliases",
            "open_alias_list",
            "route",
            "responsible_departments",
            "sharing_departments",
        ]


class ItemListEntrySerializer(serializers.ModelSerializer):
    list = serializers.IntegerField(source="version.catalogue_list_id")
    list_title = serializers.CharField(source="version.catalogue_list.title")
    kind = serializers.ChoiceField(
        choices=ListKind.choices, source="version.catalogue_list.kind"
    )
    owner = serializers.CharField(source="version.catalogue_list.owner_id")
    version = serializers.IntegerField(source="version.number")
    status = serializers.ChoiceField(
        choices=VersionStatus.choices, source="version.status"
    )
    valid_from = serializers.DateField(source="version.valid_from")
    valid_to = serializers.DateField(source="version.valid_to", allow_null=True)

    class Meta:
        model = ListEntry
        fields = [
            "list",
            "list_title",
            "kind",
            "owner",
            "version",
            "status",
            "valid_from",
            "valid_to",
            "number",
        ]


class ItemSerializer(ItemListingSerializer):
    aliases_en = serializers.ListField(child=serializers.CharField())
    exceptions = serializers.ListField(child=serializers.CharField())
    clause_notes = serializers.ListField(child=serializers.CharField())
    policy_basis_only = serializers.BooleanField(
        read_only=True, help_text="只有政策依据（REQ-020）"
    )
    bases = BasisSerializer(many=True)
    lists = ItemListEntrySerializer(source="public_entries", many=True)
    guide = serializers.SerializerMethodField(
        help_text="已公布的办事指南（REQ-076）；负面清单事项以办事途径和办理部门为指南"
    )

    class Meta(ItemListingSerializer.Meta):
        fields = [
            *ItemListingSerializer.Meta.fields,
            "name_en",
            "aliases_en",
            "route_en",
            "exceptions",
            "clause_notes",
            "within_committee_duties",
            "implementing_unit",
            "competent_department",
            "remarks",
            "no_prior_certificate",
            "data_sharing",
            "public_interest",
            "legal_risk",
            "liability_bearing",
            "party_related",
            "commitment_allowed",
            "complexity",
            "time_limit_days",
            "policy_basis_only",
            "bases",
            "lists",
            "guide",
        ]

    @extend_schema_field(GuideSerializer(allow_null=True))
    def get_guide(self, obj: Item) -> dict | None:
        guide = Guide.objects.filter(item=obj, status=GuideStatus.PUBLISHED).first()
        return GuideSerializer(guide).data if guide else None


def _item_text(label: str, **kw) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, help_text=label, **kw
    )


def _item_lines(label: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(), required=False, help_text=label
    )


def _item_flag(label: str) -> serializers.BooleanField:
    return serializers.BooleanField(required=False, help_text=label)


class ItemUpdateSerializer(serializers.Serializer):
    """The fields to change (PATCH: only those sent). The key and the name are the
    item's identity on published lists and cannot be changed."""

    aliases = _item_lines("别名")
    within_committee_duties = _item_flag("属于村（居）委会职责范围")
    implementing_unit = _item_text("实施单位", max_length=200)
    competent_department = _item_text("主管部门", max_length=200)
    remarks = _item_text("备注")
    route = _item_text("办事途径")
    route_en = _item_text("办事途径（英文）")
    responsible_departments = _item_lines("办理部门")
    sharing_departments = _item_lines("信息共享核查部门（REQ-117）")
    exceptions = _item_lines("除外情形")
    clause_notes = _item_lines("条款说明")
    public_interest = _item_flag("涉及公共利益")
    legal_risk = _item_flag("可能涉及法律风险")
    liability_bearing = _item_flag(
        "承担法律或经济连带责任（正面清单列入的事项不能设为是，REQ-041）"
    )
    party_related = _item_flag("涉及党组织、党员")
    commitment_allowed = _item_flag("可告知承诺（REQ-116）")
    data_sharing = _item_flag("可通过信息共享核查（REQ-116）")
    complexity = serializers.ChoiceField(
        choices=Complexity.choices, required=False, help_text="办理类型"
    )
    time_limit_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=365,
        help_text="出具时限（工作日）；当场办结的为空",
    )


# Views --------------------------------------------------------------------------------


def _with_public_entries(qs):
    """Items as ItemSerializer reads them: bases and the public list entries."""
    return qs.prefetch_related(
        "bases",
        Prefetch(
            "entries",
            queryset=selectors.public_entries().select_related(
                "version__catalogue_list"
            ),
            to_attr="public_entries",
        ),
    )


@extend_schema_view(
    list=extend_schema(
        summary="已公布清单中的证明事项（无须登录）",
        parameters=[OpenApiParameter("q", str, description="名称或别名包含")],
    ),
    retrieve=extend_schema(
        summary="证明事项：办事途径、办理部门、依据及所在清单（无须登录）",
        responses={200: ItemSerializer, 404: ErrorSerializer},
    ),
)
class ItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Items are read without login. Their guide is written by the department that
    supplies it (drafts) and published or withdrawn by the list owner (DIV-14), through
    catalogue.services.guides; the policy decides, so a refusal is 403 with its code."""

    lookup_field = "key"
    lookup_value_regex = r"[-a-zA-Z0-9_]{1,80}"
    GUIDE_ACTIONS = frozenset({"guide", "guide_publish", "guide_withdraw"})
    WRITE_ACTIONS = frozenset({*GUIDE_ACTIONS, "partial_update"})

    def get_permissions(self):
        if self.action in self.WRITE_ACTIONS:
            return [IsAuthenticated()]
        return [AllowAny()]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ItemSerializer
        return ItemListingSerializer

    def get_queryset(self):
        qs = Item.objects.filter(entries__version__status__in=PUBLIC).distinct()
        if self.action == "retrieve":
            return _with_public_entries(qs)
        q = self.request.query_params.get("q", "").strip()[:100]
        if q:
            qs = qs.filter(search_text__contains=q)
        return qs.order_by("name", "key")

    # Not get_object() below: an item on no published list yet needs its guide first
    # (REQ-075); the services look the item up and check the policy.

    @extend_schema(
        summary="修改证明事项的标记和文字（不含标识、名称）",
        description=(
            "一个事项由列入它的所有清单共用：须有权管理每一份列入它的清单"
            "（否则 403 item_shared_elsewhere）；全国负面清单参考数据不能修改"
            "（409 reference_item）；列入正面清单的事项不能设为承担连带责任"
            "（409 liability_on_positive_list，REQ-041）。"
        ),
        request=ItemUpdateSerializer,
        responses={200: ItemSerializer, 409: ErrorSerializer, **ERRORS},
    )
    def partial_update(self, request, key=None):
        data = ItemUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        # DRF drops unknown keys; a client sending "name" must hear it is not changed.
        services.require_editable_item_fields(request.data)
        item = services.item_update(
            actor=request.user, item_key=key, **data.validated_data
        )
        # Not get_queryset(): an item on no published list may be edited too.
        reloaded = _with_public_entries(Item.objects.all()).get(pk=item.pk)
        return Response(ItemSerializer(reloaded).data)

    @extend_schema(
        methods=["GET"],
        summary="办事指南（含草稿；主管部门和民政部门人员）",
        responses={200: GuideStateSerializer, **ERRORS},
    )
    @extend_schema(
        methods=["PUT"],
        summary="保存办事指南草稿（主管部门提供内容，或民政部门编辑；DIV-14、REQ-028）",
        description="已公布的办事指南不能修改（409 guide_published）：须先撤回。",
        request=GuideSaveSerializer,
        responses={200: GuideStateSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "put"])
    def guide(self, request, key=None):
        if request.method == "GET":
            guide = guides.guide_for_editing(actor=request.user, item_key=key)
            return Response(GuideStateSerializer(guide).data)
        data = GuideSaveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        guides.guide_save(actor=request.user, item_key=key, **data.validated_data)
        return self._guide_state(key)

    @extend_schema(
        summary="公布办事指南（清单制定机关；内容不全时 400，detail 列出所缺）",
        request=None,
        responses={200: GuideStateSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="guide/publish")
    def guide_publish(self, request, key=None):
        guides.guide_publish(actor=request.user, item_key=key)
        return self._guide_state(key)

    @extend_schema(
        summary="撤回已公布的办事指南（清单制定机关；须写原因）",
        request=GuideWithdrawSerializer,
        responses={200: GuideStateSerializer, 409: ErrorSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="guide/withdraw")
    def guide_withdraw(self, request, key=None):
        data = GuideWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        guides.guide_withdraw(
            actor=request.user, item_key=key, reason=data.validated_data["reason"]
        )
        return self._guide_state(key)

    def _guide_state(self, key: str) -> Response:
        guide = guides.guide_for_editing(actor=self.request.user, item_key=key)
        return Response(GuideStateSerializer(guide).data)


class LookupResultSerializer(serializers.Serializer):
    name = serializers.CharField(source="item.name")
    key = serializers.CharField(source="item.key")
    list = serializers.ChoiceField(
        choices=["negative", "department", "positive", "none"],
        help_text="negative 负面清单、department 应由相关部门出具（REQ-123）、"
        "positive 出具证明事项清单、none 未列入",
    )
    score = serializers.FloatField()
    confidence = serializers.ChoiceField(
        choices=["high", "medium", "low"],
        help_text="与查询相符的把握：high 高、medium 中、low 低（低的只作提示）",
    )
    route = serializers.SerializerMethodField()
    responsible_departments = serializers.ListField(
        source="item.responsible_departments", child=serializers.CharField()
    )

    def get_route(self, obj) -> str:
        return obj.item.route if obj.list != "positive" else ""


class LookupSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = LookupResultSerializer(many=True)
    confidence = serializers.ChoiceField(
        choices=["high", "medium", "low", "none"],
        help_text="最佳结果的把握；none：没有找到",
    )
    unsure = serializers.BooleanField(
        help_text="为 true 时应向查询人确认（“您是不是要找……”），见 message"
    )
    message = serializers.CharField(help_text="给查询人的一句话（按请求语言）")


class LookupView(APIView):
    """“I was asked for …”: colloquial text to ranked items with the decision."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="按口语查找证明事项（能否由村（居）委会出具、办事途径）",
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=True,
                allow_blank=False,
                pattern=r"^[^\x00]*[^\s\x00][^\x00]*$",
                description="口语描述（必填，不能只有空白）",
            ),
            OpenApiParameter("committee", str, description="村（居）委会代码"),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": 20, "default": 5},
                description="1–20，默认 5",
            ),
        ],
        responses={200: LookupSerializer, 400: ErrorSerializer},
    )
    def get(self, request):
        q = request.query_params.get("q", "").strip()[:100]
        committee = request.query_params.get("committee") or None
        limit = request.query_params.get("limit", "5")
        if not q:
            raise InvalidInput(code=CatalogueCode.QUERY_REQUIRED)
        if not (limit.isascii() and limit.isdigit() and 1 <= int(limit) <= 20):
            raise InvalidInput(code=CatalogueCode.LIMIT_INVALID)
        if (
            committee
            and not Division.objects.filter(
                code=committee, level=Level.COMMITTEE
            ).exists()
        ):
            raise NotFound(code=CoreCode.COMMITTEE_NOT_FOUND)
        results = selectors.lookup_items(q, committee_code=committee, limit=int(limit))
        advice = selectors.lookup_advice(results)
        return Response(
            LookupSerializer(
                {
                    "query": q,
                    "results": results,
                    "confidence": advice.confidence,
                    "unsure": advice.unsure,
                    "message": advice.message,
                }
            ).data
        )
