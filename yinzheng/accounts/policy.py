"""The one permission policy: who may do what, where.

Every action is a named scope with the roles that may take it. A user may take an action
on an object when one of their active grants has such a role at a node whose subtree holds
the object's division (objects expose `division_code`). Views, the API and commands all
ask here; nothing else decides.

- `can(user, action, obj)` / `require(...)`: may the user take this action on this
  object (or anywhere, without one)?
- `scope(user, action)`: *where* the user may take it, as a `Scope` (the country, some
  subtrees, nothing). Superusers and the system actor are handled here, once.
- `Model.objects.visible_to(user, action)`: every division-owned model's queryset
  (`ScopedQuerySet`, after NetBox's `RestrictedQuerySet.restrict()`); the model names the
  path to its division code (`scope_field`) and the action that reads it (`view_action`).
- `allowed_actions(user, obj)`: the workflow actions a page or the API may offer on an
  object: those whose policy action the user holds there and whose state condition,
  registered by the object's domain with `offer()`, holds now.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, Self, TypeAlias, TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yinzheng.core.actors import SYSTEM, SystemActor
from yinzheng.core.codes import (
    COUNTRY_CODE,
    Level,
    ancestor_codes,
    covers,
    level_of,
    subtree_q,
)
from yinzheng.core.errors import NotAllowed

from .choices import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

_M = TypeVar("_M", bound=models.Model)

#: Whoever does a write: a signed-in user or the system itself (never "nobody").
Actor: TypeAlias = "User | SystemActor"
#: Whoever asks to read: also the anonymous visitor, who may read nothing here.
Viewer: TypeAlias = "User | SystemActor | AnonymousUser | None"


@dataclass(frozen=True)
class Action:
    code: str
    description: Any
    roles: frozenset[str]
    # Grants at these levels only (None: at any level). REQ-098: the city and the
    # province read what their counties do, but the writes stay with the county.
    levels: frozenset[int] | None = None


ALL_ROLES = frozenset(Role.values)

_ACTIONS = [
    Action("division.view", _("查看行政区划及其数据"), ALL_ROLES),
    Action(
        "division.change_status",
        _("登记村（居）委会合并、撤销"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
    ),
    Action(
        "division.staffing",
        _("查看未配齐主任和印章管理人的村（居）委会"),
        frozenset({Role.TOWNSHIP, Role.CIVIL_AFFAIRS, Role.ADMIN}),
    ),
    Action(
        "grant.manage",
        _("授予、撤销角色"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
    ),
    Action(
        "account.unlock",
        _("解除账号的登录限制"),
        frozenset({Role.CIVIL_AFFAIRS, Role.ADMIN}),
    ),
    Action(
        "audit.view",
        _("查看审计记录、校验台账链"),
        frozenset({Role.CIVIL_AFFAIRS, Role.INSPECTOR, Role.ADMIN}),
    ),
]
_REGISTRY: dict[str, Action] = {a.code: a for a in _ACTIONS}

# Where each role may be granted (REQ-001 roles sit at their natural level).
GRANT_LEVELS: dict[str, frozenset[int]] = {
    Role.CLERK: frozenset({Level.COMMITTEE}),
    Role.HEAD: frozenset({Level.COMMITTEE}),
    Role.CUSTODIAN: frozenset({Level.COMMITTEE}),
    Role.TOWNSHIP: frozenset({Level.TOWNSHIP}),
    Role.CIVIL_AFFAIRS: frozenset(
        {Level.COUNTRY, Level.PROVINCE, Level.PREFECTURE, Level.COUNTY}
    ),
    # A department's offices: the county bureau and above, and its office at a
    # township (派出所, 司法所, 卫生院), which finds the cases referred there (REQ-118).
    Role.DEPARTMENT: frozenset(
        {Level.COUNTRY, Level.PROVINCE, Level.PREFECTURE, Level.COUNTY, Level.TOWNSHIP}
    ),
    Role.INSPECTOR: frozenset(Level.values),
    Role.PARTY: frozenset({Level.COMMITTEE}),
    Role.ADMIN: frozenset(Level.values),
}


def register(action: Action) -> None:
    """Later domains add their actions here, at import of their policy section."""
    if action.code in _REGISTRY and _REGISTRY[action.code] != action:
        raise ValueError(f"action {action.code} registered twice")
    _REGISTRY[action.code] = action


def action(code: str) -> Action:
    """The registered action; KeyError for an unknown code (a programming error)."""
    return _REGISTRY[code]


def actions() -> list[Action]:
    return sorted(_REGISTRY.values(), key=lambda a: a.code)


# Grants ------------------------------------------------------------------------------


def _grants(user: Any) -> list[tuple[str, str, str]]:
    """(role, division code, department) of the user's active grants, cached per user."""
    if user is None or user is SYSTEM or not getattr(user, "is_authenticated", False):
        return []
    if not user.is_active:
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
    """Drop the cached grants and scopes (after a grant changes within one request)."""
    for cached in ("_yz_grants", "_yz_scopes"):
        if hasattr(user, cached):
            delattr(user, cached)


def acts_everywhere(user: Any) -> bool:
    """The system actor and superusers: the one place their reach is decided."""
    if user is SYSTEM:
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "is_superuser", False)
    )


def division_code_of(obj: Any) -> str:
    if isinstance(obj, str):
        return obj
    code = getattr(obj, "division_code", None)
    if not code:
        raise TypeError(f"{type(obj).__name__} has no division_code")
    return str(code)


def roles_at(user: Any, obj: Any) -> set[str]:
    """The roles the user holds over the object's division."""
    code = division_code_of(obj)
    return {role for role, gcode, _dept in _grants(user) if covers(gcode, code)}


def departments_at(user: Any, obj: Any) -> set[str]:
    """The departments the user speaks for over the object's division (Role.DEPARTMENT
    grants carry their department)."""
    code = division_code_of(obj)
    return {
        dept
        for role, gcode, dept in _grants(user)
        if role == Role.DEPARTMENT and dept and covers(gcode, code)
    }


def departments_of(user: Any) -> list[str]:
    """Every department the user speaks for (its Role.DEPARTMENT grants), sorted."""
    return sorted(
        {
            dept
            for role, _code, dept in _grants(user)
            if role == Role.DEPARTMENT and dept
        }
    )


# Scope: where a user may act ------------------------------------------------------


def _top_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """The codes not inside another one's subtree, sorted."""
    unique = sorted(set(codes))
    if COUNTRY_CODE in unique:
        return (COUNTRY_CODE,)
    return tuple(
        c for c in unique if not any(c != o and c.startswith(o) for o in unique)
    )


@dataclass(frozen=True)
class Scope:
    """Where an action may be taken: the subtrees under `codes` (the country's code for
    everywhere, none for nowhere). Built by `scope()`; pure, so it can be tested and
    reused for any field that holds a division code."""

    codes: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, codes: Iterable[str]) -> "Scope":
        return cls(_top_codes(codes))

    @property
    def everywhere(self) -> bool:
        return self.codes == (COUNTRY_CODE,)

    @property
    def nowhere(self) -> bool:
        return not self.codes

    def __bool__(self) -> bool:
        return bool(self.codes)

    def covers(self, code: str) -> bool:
        """Is the division `code` inside the scope?"""
        return any(covers(top, code) for top in self.codes)

    def covers_chain_of(self, code: str) -> bool:
        """Inside the scope, or a node above it (whose name the user may read)."""
        return self.covers(code) or any(
            code in ancestor_codes(top) for top in self.codes
        )

    def q(self, field_name: str) -> Q:
        """Rows whose division code in `field_name` lies inside the scope."""
        if self.everywhere:
            return Q()
        if not self.codes:
            return Q(pk__in=[])
        return reduce(or_, (subtree_q(c, field_name) for c in self.codes))

    def tree_q(self, field_name: str = "code") -> Q:
        """Divisions inside the scope plus the chain of nodes above it: a committee
        sees its own township and county, never its siblings."""
        if self.everywhere or not self.codes:
            return self.q(field_name)
        above = {a for c in self.codes for a in ancestor_codes(c)}
        return self.q(field_name) | Q(**{f"{field_name}__in": sorted(above)})

    def __or__(self, other: "Scope") -> "Scope":
        return Scope.of(self.codes + other.codes)


EVERYWHERE = Scope((COUNTRY_CODE,))
NOWHERE = Scope(())


def scope(user: Any, action_code: str) -> Scope:
    """Where `user` may take `action_code`: the top nodes of their grants with a role
    the action allows. Superusers and the system act everywhere; anonymous or inactive
    users nowhere."""
    spec = _REGISTRY[action_code]
    if acts_everywhere(user):
        return EVERYWHERE
    grants = _grants(user)
    if not grants:
        return NOWHERE
    # A page asks `can` for every action it might offer: work each scope out once per
    # user object, as the grants are (forget() drops both).
    scopes: dict[str, Scope] = user.__dict__.setdefault("_yz_scopes", {})
    if action_code not in scopes:
        scopes[action_code] = Scope.of(
            code
            for role, code, _d in grants
            if role in spec.roles
            and (spec.levels is None or level_of(code) in spec.levels)
        )
    return scopes[action_code]


def can(user: Any, action_code: str, obj: Any = None) -> bool:
    """May `user` take `action_code` on `obj` (or anywhere, when obj is None)?"""
    where = scope(user, action_code)
    if obj is None:
        return not where.nowhere
    return where.covers(division_code_of(obj))


def require(user: Any, action_code: str, obj: Any = None) -> None:
    if not can(user, action_code, obj):
        raise NotAllowed(detail={"action": action_code})


class ScopedQuerySet(models.QuerySet[_M]):
    """A queryset of division-owned rows that knows who may see which.

    The model names the path to its division code (`scope_field`, e.g.
    "committee_id" or "seal__committee_id") and the action that reads it
    (`view_action`); `visible_to(user)` keeps the rows inside that action's scope,
    `visible_to(user, action)` those where the user may take another action.
    """

    def visible_to(self, user: Any, action_code: str | None = None) -> Self:
        model: Any = self.model
        where = scope(user, action_code or model.view_action)
        return self.filter(where.q(model.scope_field))


# Workflow actions a page may offer -------------------------------------------------


@dataclass(frozen=True)
class ObjectAction:
    """An action on one kind of object: its name (as pages and the API know it), the
    policy action it needs, and the state the object must be in (the domain's rule,
    asked with the viewer, since some steps are for one person only)."""

    name: str
    # One of them suffices; None when `when` asks the policy itself about another
    # division than the object's (a township's opinion on a county's list).
    action: str | tuple[str, ...] | None
    when: Callable[[Any, Any], bool] | None = None


_OFFERS: dict[type, list[ObjectAction]] = {}


def offer(model: type, *object_actions: ObjectAction) -> None:
    """A domain names the actions its objects offer (at import of its policy section)."""
    known = {a.name for a in _OFFERS.get(model, [])}
    for oa in object_actions:
        if oa.name in known:
            raise ValueError(f"{model.__name__}.{oa.name} offered twice")
        known.add(oa.name)
    _OFFERS.setdefault(model, []).extend(object_actions)


class Allowed(frozenset[str]):
    """The names of the allowed actions; `allowed["approve"]` reads as a flag, so a
    template can write `{% if allowed.approve %}`."""

    def __getitem__(self, name: str) -> bool:
        return name in self


def allowed_actions(user: Any, obj: Any) -> Allowed:
    """The workflow actions `user` may take on `obj` now."""
    offers = next((_OFFERS[cls] for cls in type(obj).__mro__ if cls in _OFFERS), ())
    names = set()
    for oa in offers:
        needed = (oa.action,) if isinstance(oa.action, str) else oa.action
        if needed is not None and not any(can(user, a, obj) for a in needed):
            continue
        if oa.when is not None and not oa.when(obj, user):
            continue
        names.add(oa.name)
    return Allowed(names)
