"""What the supervision endpoints share: who may read them, a person as {id, name}, a
division as its code and name, the help texts that list a choice's values, and the
reading of the list filters.

Reads go through supervision.selectors (or a model's `visible_to`): a row outside the
user's subtrees is 404. Every write calls one supervision.services function, which
checks the policy (REQ-098: the city and the province read, never write) and the rules;
refusals come back through the one error handler as {"code", "message", "detail"}.
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.permissions import BasePermission

from yinzheng.accounts import policy

from ..choices import (
    AlertKind,
    AlertStatus,
    CaseStatus,
    Channel,
    FindingKind,
    InspectionMode,
    ItemEventKind,
    ItemStatus,
    ReporterType,
    ResponseStatus,
    UnitKind,
)

# Plain strings with the values listed: enums named by field name ("status", "kind",
# "channel") would collide with the other domains' in the schema.
CASE_STATUS_HELP = "投诉状态：" + "、".join(CaseStatus.values)
CHANNEL_HELP = "反映渠道：" + "、".join(Channel.values)
REPORTER_HELP = "反映人类型：" + "、".join(ReporterType.values)
UNIT_KIND_HELP = "单位类型：" + "、".join(UnitKind.values)
RESPONSE_HELP = "整改情况：" + "、".join(ResponseStatus.values)
MODE_HELP = "督查方式：" + "、".join(InspectionMode.values)
FINDING_KIND_HELP = "问题类型：" + "、".join(FindingKind.values)
ITEM_STATUS_HELP = "整改状态：" + "、".join(ItemStatus.values)
ITEM_EVENT_HELP = "整改记录事项：" + "、".join(ItemEventKind.values)
ALERT_KIND_HELP = "预警类型：" + "、".join(AlertKind.values)
ALERT_STATUS_HELP = "预警状态：" + "、".join(AlertStatus.values)

PK = r"[0-9]{1,12}"


class _Can(BasePermission):
    action = ""

    def has_permission(self, request, view) -> bool:
        return policy.can(request.user, self.action)


class CanViewSupervision(_Can):
    """Cases, inspections, draws, findings, settings: overseers and townships."""

    action = "supervision.view"


class CanViewRectification(_Can):
    """Rectification items and township checks: their committees too."""

    action = "supervision.view_rectification"


class CanViewAlerts(_Can):
    action = "supervision.alert"


class SupervisionPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")


class SupervisionDivisionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


def person(**kwargs: Any) -> SupervisionPersonSerializer:
    """Who did a step; null where the system or the public did it, or not yet."""
    return SupervisionPersonSerializer(allow_null=True, read_only=True, **kwargs)


def flag(params: Any, name: str) -> bool:
    return params.get(name) in {"1", "true", "yes"}


def bool_param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, bool, description=description)


def str_param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, description=description)
