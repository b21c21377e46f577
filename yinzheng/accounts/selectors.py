"""Grant look-ups through the policy."""

from typing import Any

from django.db.models import QuerySet

from .models import RoleGrant


def grants_manageable(user: Any) -> QuerySet[RoleGrant]:
    """Active grants inside the subtrees where `user` may manage grants."""
    return (
        RoleGrant.objects.visible_to(user, "grant.manage")
        .active()
        .select_related("user", "division")
    )
