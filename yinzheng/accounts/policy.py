"""The one permission policy: who may do what, where.

Every action is a named scope with the roles that may take it. A user may take an action
on an object when one of their active grants has such a role at a node whose subtree holds
the object's division (objects expose `division_code`). Views, the API and commands all
ask here; nothing else decides.

`visible_divisions()` and `visible()` are the filters every list uses: a user sees the
data of the subtrees they hold grants in, and the names of the nodes above them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yinzheng.core.errors import NotAllowed
from yinzheng.divisions.choices import COUNTRY_CODE, Level
from yinzheng.divisions.models import ancestor_codes, subtree_q

from .choices import Role


@dataclass(frozen=True)
class Action:
    code: str
    description: Any
    roles: frozenset[str]


ALL_ROLES = frozenset(Role.values)
COMMITTEE_ROLES = frozenset({Role.CLERK, Role.HEAD, Role.CUSTODIAN})

_ACTIONS = [
    Action("division.view", _("查看行政区划及其数据"), ALL_ROLES),
    Action(
        "division.change_status",
        _("登记村（居）委会合并、撤销"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
    ),
    Action(
        "grant.manage",
        _("授予、撤销角色"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
    ),
    Action(
        "audit.view",
        _("查看审计记录、校验台账链"),
        frozenset({Role.CIVIL_AFFAIRS, Role.INSPECTOR, Role.ADMIN}),
    ),
]
ACTIONS: dict[str, Action] = {a.code: a for a in _ACTIONS}

# Where each role may be granted (REQ-001 roles sit at their natural level).
GRANT_LEVELS: dict[str, frozenset[int]] = {
    Role.CLERK: frozenset({Level.COMMITTEE}),
    Role.HEAD: frozenset({Level.COMMITTEE}),
    Role.CUSTODIAN: frozenset({Level.COMMITTEE}),
    Role.TOWNSHIP: frozenset({Level.TOWNSHIP}),
    Role.CIVIL_AFFAIRS: frozenset(
        {Level.COUNTRY, Level.PROVINCE, Level.PREFECTURE, Level.COUNTY}
    ),
    Role.DEPARTMENT: frozenset(
        {Level.COUNTRY, Level.PROVINCE, Level.PREFECTURE, Level.COUNTY}
    ),
    Role.INSPECTOR: frozenset(Level.values),
    Role.ADMIN: frozenset(Level.values),
}


def register(action: Action) -> None:
    """Later domains add their actions here, at import of their policy section."""
    if action.code in ACTIONS and ACTIONS[action.code] != action:
        raise ValueError(f"action {action.code} registered twice")
    ACTIONS[action.code] = action


def _grants(user: Any) -> list[tuple[str, str, str]]:
    """(role, division code, department) of the user's active grants, cached per user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_yz_grants", None)
    if cached is None:
        cached = list(
            user.grants.active().values_list("role", "division_id", "department")
        )
        user._yz_grants = cached
    return cached


def grants_of(user: Any) -> list[tuple[str, str, str]]:
    """(role, division code, department) of the user's active grants."""
    return list(_grants(user))


def forget(user: Any) -> None:
    """Drop the cached grants (after a grant changes within one request)."""
    if hasattr(user, "_yz_grants"):
        del user._yz_grants


def _covers(grant_code: str, code: str) -> bool:
    return grant_code == COUNTRY_CODE or code.startswith(grant_code)


def division_code_of(obj: Any) -> str:
    if isinstance(obj, str):
        return obj
    code = getattr(obj, "division_code", None)
    if not code:
        raise TypeError(f"{type(obj).__name__} has no division_code")
    return code


def roles_at(user: Any, obj: Any) -> set[str]:
    """The roles the user holds over the object's division."""
    code = division_code_of(obj)
    return {role for role, gcode, _dept in _grants(user) if _covers(gcode, code)}


def departments_at(user: Any, obj: Any) -> set[str]:
    """The departments the user speaks for over the object's division (Role.DEPARTMENT
    grants carry their department)."""
    code = division_code_of(obj)
    return {
        dept
        for role, gcode, dept in _grants(user)
        if role == Role.DEPARTMENT and dept and _covers(gcode, code)
    }


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May `user` take `action` on `obj` (or anywhere, when obj is None)?"""
    spec = ACTIONS[action]
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    grants = _grants(user)
    if obj is None:
        return any(role in spec.roles for role, _c, _d in grants)
    code = division_code_of(obj)
    return any(
        role in spec.roles and _covers(gcode, code) for role, gcode, _d in grants
    )


def require(user: Any, action: str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise NotAllowed(detail={"action": action})


def scope_codes(user: Any, roles: Iterable[str] | None = None) -> list[str]:
    """Top codes of the subtrees the user holds grants in (optionally of some roles)."""
    wanted = set(roles) if roles is not None else None
    codes = sorted({c for r, c, _d in _grants(user) if wanted is None or r in wanted})
    if COUNTRY_CODE in codes:
        return [COUNTRY_CODE]
    # Drop codes already inside another granted subtree.
    return [c for c in codes if not any(c != o and c.startswith(o) for o in codes)]


def sees_everything(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or COUNTRY_CODE in scope_codes(
        user
    )


def data_q_for_codes(codes: list[str], field: str) -> Q:
    """Rows whose division `field` (a code) lies in one of the subtrees `codes`."""
    if not codes:
        return Q(pk__in=[])
    return reduce(or_, (subtree_q(c, field) for c in codes))


def data_q(user: Any, field: str) -> Q:
    """Rows whose division `field` (a code) is inside the user's subtrees."""
    if sees_everything(user):
        return Q()
    return data_q_for_codes(scope_codes(user), field)


def visible(qs: QuerySet, user: Any, field: str = "committee") -> QuerySet:
    """Filter any queryset of division-owned rows to what the user may see."""
    return qs.filter(data_q(user, f"{field}_id" if field != "code" else field))


def visible_divisions(qs: QuerySet, user: Any) -> QuerySet:
    """Divisions: the user's subtrees plus the chain of nodes above them."""
    if sees_everything(user):
        return qs
    codes = scope_codes(user)
    if not codes:
        return qs.none()
    above = {a for c in codes for a in ancestor_codes(c)}
    return qs.filter(data_q(user, "code") | Q(code__in=above))


def may_see_division(user: Any, code: str) -> bool:
    if sees_everything(user):
        return True
    codes = scope_codes(user)
    return any(code.startswith(c) for c in codes) or any(
        code in ancestor_codes(c) for c in codes
    )


def may_see_data_of(user: Any, code: str) -> bool:
    """Data owned by the division `code` (below the user's nodes, never beside)."""
    if sees_everything(user):
        return True
    return any(code.startswith(c) for c in scope_codes(user))
