"""Grant look-ups through the policy: who holds which role inside a subtree."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from . import policy
from .choices import Role
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


STAFFING_ROLES = frozenset({Role.TOWNSHIP, Role.CIVIL_AFFAIRS, Role.ADMIN})


def committees_missing_staff(user: Any) -> QuerySet:
    """Active committees in the user's township/county scope that lack a head or a
    custodian: without both, no seal can be used (REQ-064, REQ-067, DIV-01)."""
    from yinzheng.divisions.choices import CommitteeStatus
    from yinzheng.divisions.models import Division

    if getattr(user, "is_superuser", False):
        codes = ["CN"]
    else:
        codes = policy.scope_codes(user, roles=STAFFING_ROLES)
    if not codes:
        return Division.objects.none()

    def holds(role: str) -> Exists:
        return Exists(
            RoleGrant.objects.active().filter(division=OuterRef("code"), role=role)
        )

    return (
        Division.objects.committees()
        .filter(status=CommitteeStatus.ACTIVE)
        .filter(policy.data_q_for_codes(codes, "code"))
        .annotate(has_head=holds(Role.HEAD), has_custodian=holds(Role.CUSTODIAN))
        .filter(Q(has_head=False) | Q(has_custodian=False))
        .order_by("code")
    )
