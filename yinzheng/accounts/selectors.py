"""Grant look-ups through the policy: who holds which role inside a subtree."""

from typing import Any

from django.db.models import QuerySet

from . import policy
from .models import RoleGrant


def grants_manageable(user: Any) -> QuerySet[RoleGrant]:
    """Active grants inside the subtrees where `user` may manage grants."""
    qs = RoleGrant.objects.active().select_related("user", "division")
    if getattr(user, "is_superuser", False):
        return qs
    codes = policy.scope_codes(user, roles=policy.ACTIONS["grant.manage"].roles)
    if not codes:
        return qs.none()
    return qs.filter(policy.data_q_for_codes(codes, "division_id"))
