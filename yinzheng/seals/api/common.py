"""What the seal endpoints share: the read permission, a person as {id, name}, the
reason of a refusal or cancellation, and the validation of a request's body.

Reads go through seals.selectors (a seal outside the user's subtrees is 404); every write
calls one seals.services function (registry, custody or usage), which checks the policy
and the rules; refusals come back through the one error handler as {"code", "message",
"detail"}.
"""

from rest_framework import serializers
from rest_framework.permissions import BasePermission

from yinzheng.accounts import policy


class CanViewSeals(BasePermission):
    def has_permission(self, request, view) -> bool:
        return policy.can(request.user, "seal.view")


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=300)
