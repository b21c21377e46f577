"""Accounts: users, role grants and login throttling.

Grants are given and revoked only here, each with the policy check and an audit entry in
the same transaction. Failed logins are counted in the database, so every server process
sees the same count.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import Level
from yinzheng.core.errors import Conflict, CoreCode, InvalidInput, NotAllowed, NotFound
from yinzheng.ledger import audit

from . import policy
from .choices import Department, Role
from .errors import AccountCode
from .models import LoginFailure, RoleGrant, User


def _node(code: str) -> Any:
    """The division a grant is made at, or None. accounts stands below divisions
    (docs/architecture.md): it reaches the tree through the grant's own foreign key."""
    divisions = RoleGrant._meta.get_field("division").related_model._default_manager
    return divisions.filter(code=code).first()


GRANT_FIELDS = ["user", "role", "division", "department", "revoked_at"]


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str | None,
    full_name: str = "",
    is_superuser: bool = False,
) -> User:
    username = username.strip()
    if not username:
        raise InvalidInput(_("用户名不能为空"), code=AccountCode.USERNAME_REQUIRED)
    if User.objects.filter(username=username).exists():
        raise Conflict(
            _("用户名 %s 已存在") % username, code=AccountCode.USERNAME_TAKEN
        )
    if is_superuser and not policy.acts_everywhere(actor):
        raise NotAllowed(
            _("只有系统管理员可以创建系统管理员"), code=AccountCode.SUPERUSER_ONLY
        )
    user = User(
        username=username,
        full_name=full_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(
        actor=actor,
        event="user.created",
        subject=user,
        after={"username": username, "full_name": full_name, "superuser": is_superuser},
    )
    return user


@transaction.atomic
def grant_role(
    *,
    actor: Actor,
    user: User,
    role: str,
    division_code: str,
    department: str = "",
) -> RoleGrant:
    if role not in Role.values:
        raise InvalidInput(_("角色“%s”无效") % role, code=AccountCode.ROLE_INVALID)
    division = _node(division_code)
    if division is None:
        raise NotFound(
            _("区划 %s 不存在") % division_code, code=CoreCode.DIVISION_NOT_FOUND
        )
    policy.require(actor, "grant.manage", division)
    if actor.pk == user.pk:
        raise NotAllowed(_("不能给自己授予岗位"), code=AccountCode.SELF_GRANT)
    if role == Role.ADMIN and not policy.acts_everywhere(actor):
        raise NotAllowed(
            _("只有系统管理员可以授予系统管理员岗位"), code=AccountCode.ADMIN_GRANT
        )
    if division.level not in policy.GRANT_LEVELS[role]:
        raise InvalidInput(
            _("不能在“%(level)s”层级授予“%(role)s”")
            % {"role": Role(role).label, "level": Level(division.level).label},
            code=AccountCode.ROLE_LEVEL_INVALID,
        )
    if role == Role.DEPARTMENT:
        if department not in Department.values:
            raise InvalidInput(_("请选择所属部门"), code=CoreCode.DEPARTMENT_REQUIRED)
    else:
        department = ""
    if division.level == Level.COMMITTEE and not division.is_active:
        raise Conflict(
            _("该村（居）委会已合并或撤销"), code=CoreCode.COMMITTEE_INACTIVE
        )
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(
                user=user,
                role=role,
                division=division,
                department=department,
                granted_by=person(actor),
                granted_at=clock.now(),
            )
    except IntegrityError as exc:
        raise Conflict(_("该用户已有此授权"), code=AccountCode.GRANT_EXISTS) from exc
    audit.record(
        actor=actor,
        event="grant.created",
        subject=grant,
        after=audit.snapshot(grant, GRANT_FIELDS),
    )
    policy.forget(user)
    return grant


@transaction.atomic
def grant_role_by_username(
    *, actor: Actor, username: str, role: str, division_code: str, department: str = ""
) -> RoleGrant:
    """As grant_role, naming the user; the policy is asked before the user is looked up,
    so nobody learns which usernames exist outside their own subtrees."""
    division = _node(division_code)
    if division is None:
        raise NotFound(
            _("区划 %s 不存在") % division_code, code=CoreCode.DIVISION_NOT_FOUND
        )
    policy.require(actor, "grant.manage", division)
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise NotFound(_("用户不存在或已停用"), code=CoreCode.USER_NOT_FOUND)
    return grant_role(
        actor=actor,
        user=user,
        role=role,
        division_code=division_code,
        department=department,
    )


@transaction.atomic
def grant_revoke(*, actor: Actor, grant_id: int) -> RoleGrant:
    grant = RoleGrant.objects.select_for_update().filter(pk=grant_id).first()
    if grant is None or (not policy.can(actor, "grant.manage", grant)):
        # Out of scope looks the same as missing: grant ids reveal nothing.
        raise NotFound(code=AccountCode.GRANT_NOT_FOUND)
    if grant.revoked_at is not None:
        raise Conflict(_("该授权已撤销"), code=AccountCode.GRANT_ALREADY_REVOKED)
    with audit.recorded(
        actor=actor, event="grant.revoked", subject=grant, fields=GRANT_FIELDS
    ):
        grant.revoked_at = clock.now()
    policy.forget(grant.user)
    return grant


def _window_start() -> dt.datetime:
    return clock.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_throttled(*, username: str, address: str | None) -> bool:
    """Too many recent failures for this username. Failures are not pooled by address:
    behind a proxy every user shares one, and one guesser could lock everybody out."""
    recent = LoginFailure.objects.filter(
        at__gte=_window_start(), username=username.strip().lower()
    )
    return recent.count() >= settings.LOGIN_FAILURE_LIMIT


def login_failure_record(*, username: str, address: str | None) -> None:
    LoginFailure.objects.create(
        username=username.strip().lower(), address=address or None, at=clock.now()
    )


def login_failures_clear(*, username: str) -> None:
    LoginFailure.objects.filter(username=username.strip().lower()).delete()
