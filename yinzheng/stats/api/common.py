"""What the statistics endpoints share: who may read them, a person as {id, name}, the
help texts that list a choice's values, and the id pattern of the routes.

Reads go through stats.selectors (or a model's `visible_to`): a table or return outside
the user's subtrees is 404. Every write calls one stats.services function, which checks
the policy (the city and the province read, never write; a unit fills only its own
return) and the rules; refusals come back through the one error handler as
{"code", "message", "detail"}.
"""

from typing import Any

from rest_framework import serializers
from rest_framework.permissions import BasePermission

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Department

from ..choices import ReturnStatus, UnitStatus

# Plain strings with the values listed: enums named by field name ("status",
# "department") would collide with the other domains' in the schema.
DEPARTMENT_HELP = "部门：" + "、".join(Department.values)
RETURN_STATUS_HELP = "填报状态：" + "、".join(ReturnStatus.values)
UNIT_STATUS_HELP = "报送情况：" + "、".join(UnitStatus.values)

PK = r"[0-9]{1,12}"


class CanViewStats(BasePermission):
    """Tables, returns and rows: the county bureau, its townships and departments, and
    the levels above that read them."""

    def has_permission(self, request, view) -> bool:
        return policy.can(request.user, "stats.view")


class StatsPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")


def person(**kwargs: Any) -> StatsPersonSerializer:
    """Who did a step; null where nobody has yet."""
    return StatsPersonSerializer(allow_null=True, read_only=True, **kwargs)
