"""Reads of the division tree, through the policy's scope (`Division.objects.visible_to`):
a user reads their subtrees and the chain of nodes above them, never their siblings."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from yinzheng.accounts import policy
from yinzheng.accounts.choices import Role
from yinzheng.accounts.models import RoleGrant

from .choices import CommitteeStatus
from .models import Division


def division_get(user: Any, code: str) -> Division | None:
    if not policy.scope(user, "division.view").covers_chain_of(code):
        return None
    return Division.objects.filter(code=code).first()


def roots_for(user: Any) -> QuerySet[Division]:
    """The top nodes of the user's subtrees (the country for who sees everything)."""
    return Division.objects.filter(code__in=policy.scope(user, "division.view").codes)


def children_visible_to(user: Any, division: Division) -> QuerySet[Division]:
    return Division.objects.visible_to(user).filter(parent=division).order_by("code")


def search(user: Any, text: str, *, within: str | None = None) -> QuerySet[Division]:
    text = text.strip()
    qs = Division.objects.visible_to(user)
    if within:
        qs = qs.subtree(within)
    if text.isdigit():
        qs = qs.filter(code__startswith=text)
    else:
        qs = qs.filter(Q(name__contains=text))
    return qs.order_by("level", "code")


def committees_missing_staff(user: Any) -> QuerySet[Division]:
    """Active committees in the user's township/county scope that lack a head or a
    custodian: without both, no seal can be used (REQ-064, REQ-067, DIV-01)."""

    def holds(role: str) -> Exists:
        return Exists(
            RoleGrant.objects.active().filter(division=OuterRef("code"), role=role)
        )

    return (
        Division.objects.committees()
        .in_scope_of(user, "division.staffing")
        .filter(status=CommitteeStatus.ACTIVE)
        .annotate(has_head=holds(Role.HEAD), has_custodian=holds(Role.CUSTODIAN))
        .filter(Q(has_head=False) | Q(has_custodian=False))
        .order_by("code")
    )


def committees_public(text: str, *, limit: int = 20) -> list[Division]:
    """Active committees a resident finds by name (or by the start of the code) to
    apply to online (issue 16, REQ-113): public names only, with their township and
    county to tell two 新村 apart."""
    text = text.strip()[:50]
    if not text:
        return []
    qs = Division.objects.committees().filter(status=CommitteeStatus.ACTIVE)
    if text.isdigit():
        qs = qs.filter(code__startswith=text)
    else:
        qs = qs.filter(name__contains=text)
    return list(qs.select_related("parent__parent").order_by("code")[:limit])
