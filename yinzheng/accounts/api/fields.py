"""Fields every app's API may use that need the policy."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yinzheng.accounts import policy


@extend_schema_field(
    serializers.ListField(
        child=serializers.CharField(),
        help_text="当前用户此时可办理的操作（policy.allowed_actions）；服务端仍会再次检查",
    )
)
class AllowedActionsField(serializers.Field):
    """The workflow actions the requesting user may take on the object now, as the
    pages offer them (`policy.allowed_actions`); the serializer needs the request in
    its context."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> list[str]:
        request = self.context.get("request")
        return sorted(policy.allowed_actions(getattr(request, "user", None), value))
