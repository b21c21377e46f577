"""Accounts: users, role grants and login throttling.

Grants are given and revoked only here, each with the policy check and an audit entry in
the same transaction. Login throttling (per account and address, with growing delays,
and per address over many accounts) is described at its section below.
"""

import hashlib
import ipaddress
import math
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from yinzheng.accounts.policy import Actor
from yinzheng.core import clock
from yinzheng.core.actors import person
from yinzheng.core.codes import Level
from yinzheng.core.errors import (
    Conflict,
    CoreCode,
    InvalidInput,
    LoginThrottled,
    NotAllowed,
    NotFound,
)
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


# Login throttling (issue 13) ---------------------------------------------------------
#
# Failures are counted per account *and* client address: a guesser slows only itself,
# never the account's owner signing in from elsewhere. Past LOGIN_FAILURE_LIMIT free
# failures, each one makes that pair wait twice as long as the last, up to a ceiling:
# there is no hard lock to abuse. One address failing on LOGIN_SPRAY_LIMIT different
# accounts within the window (trying many accounts with a few passwords each) waits until
# the oldest of those failures leaves the window. The state lives in the shared cache
# (settings.CACHES), so every server process sees it; each failure is also kept as a
# LoginFailure row, the record an administrator reads. An administrator, or the
# civil-affairs officer over the account's grants, clears an account or an address.


def _username_key(username: str) -> str:
    # Usernames are free text: the key holds a digest, never the name itself.
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]


def _generation(user_key: str) -> int:
    """Bumped by login_unlock: every pair counted under an older one is forgotten."""
    return int(cache.get(f"login:gen:{user_key}", 0))


def _pair_key(username: str, address: str) -> str:
    user_key = _username_key(username)
    return f"login:pair:{user_key}:{_generation(user_key)}:{address or '-'}"


def _spray_key(address: str) -> str:
    return f"login:spray:{address or '-'}"


def login_delay(failures: int) -> int:
    """Seconds a pair waits after its `failures`-th failure in a row: none within the
    free failures, then the first delay doubling at each failure, up to the ceiling."""
    over = failures - settings.LOGIN_FAILURE_LIMIT
    if over < 0:
        return 0
    ceiling = int(settings.LOGIN_DELAY_MAX_SECONDS)
    # Past about forty doublings any delay is over any ceiling: no huge powers.
    return min(int(settings.LOGIN_DELAY_SECONDS) << min(over, 40), ceiling)


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return _("%d 秒") % seconds
    return _("%d 分钟") % math.ceil(seconds / 60)


def _recent(tried: dict[str, float], moment: float) -> dict[str, float]:
    start = moment - settings.LOGIN_SPRAY_WINDOW_SECONDS
    return {user: at for user, at in tried.items() if at > start}


def login_check(*, username: str, address: str) -> None:
    """Refuse an attempt its pair or its address must still wait for (LoginThrottled,
    telling how long); the password is not even checked then."""
    moment = clock.now().timestamp()
    pair = cache.get(_pair_key(username, address))
    if pair and pair["until"] > moment:
        wait = math.ceil(pair["until"] - moment)
        raise LoginThrottled(
            _("登录失败次数过多，请 %(wait)s 后再试。") % {"wait": _wait_text(wait)},
            detail={"wait_seconds": wait},
        )
    tried = _recent(cache.get(_spray_key(address)) or {}, moment)
    if len(tried) >= settings.LOGIN_SPRAY_LIMIT:
        oldest = sorted(tried.values())[len(tried) - settings.LOGIN_SPRAY_LIMIT]
        wait = math.ceil(oldest + settings.LOGIN_SPRAY_WINDOW_SECONDS - moment)
        raise LoginThrottled(
            _("此地址登录失败的账号过多，请 %(wait)s 后再试。")
            % {"wait": _wait_text(wait)},
            detail={"wait_seconds": wait},
        )


def login_failed(*, username: str, address: str) -> None:
    """Count a wrong password (or unknown username) for the pair and the address."""
    now = clock.now()
    moment = now.timestamp()
    LoginFailure.objects.create(
        username=username.strip().lower()[:150], address=address or None, at=now
    )
    key = _pair_key(username, address)
    pair = cache.get(key) or {"failures": 0, "until": 0.0}
    failures = int(pair["failures"]) + 1
    cache.set(
        key,
        {"failures": failures, "until": moment + login_delay(failures)},
        timeout=settings.LOGIN_FORGET_SECONDS,
    )
    tried = _recent(cache.get(_spray_key(address)) or {}, moment)
    tried[_username_key(username)] = moment
    cache.set(_spray_key(address), tried, timeout=settings.LOGIN_SPRAY_WINDOW_SECONDS)


def login_succeeded(*, username: str, address: str) -> None:
    """The pair starts afresh; other addresses' counts for the account stay."""
    cache.delete(_pair_key(username, address))


def _unlockable(actor: Actor, username: str) -> User:
    """The account `actor` may clear: any, for whoever acts everywhere; otherwise one
    with an active grant inside the actor's scope (others look missing)."""
    policy.require(actor, "account.unlock")
    user = User.objects.filter(username__iexact=username.strip()).first()
    if user is None:
        raise NotFound(_("用户不存在"), code=CoreCode.USER_NOT_FOUND)
    if policy.acts_everywhere(actor):
        return user
    where = policy.scope(actor, "account.unlock")
    if user.is_superuser or not any(
        where.covers(code)
        for code in user.grants.active().values_list("division_id", flat=True)
    ):
        raise NotFound(_("用户不存在"), code=CoreCode.USER_NOT_FOUND)
    return user


@transaction.atomic
def login_unlock(*, actor: Actor, username: str) -> User:
    """Clear every address's failures for an account (e.g. its owner cannot wait)."""
    user = _unlockable(actor, username)
    gen_key = f"login:gen:{_username_key(user.username)}"
    cache.add(gen_key, 0, timeout=None)
    try:
        cache.incr(gen_key)
    except ValueError:  # evicted between the two calls: any new value will do
        cache.set(gen_key, 1, timeout=None)
    audit.record(actor=actor, event="user.login_unlocked", subject=user)
    return user


@transaction.atomic
def login_address_unlock(*, actor: Actor, address: str) -> None:
    """Clear an address's many-accounts limit (e.g. an office behind one address); the
    audit entry names the address's latest recorded failure."""
    if not policy.acts_everywhere(actor):
        raise NotAllowed(
            _("只有系统管理员可以解除地址的登录限制"),
            code=AccountCode.SUPERUSER_ONLY,
        )
    try:
        address = str(ipaddress.ip_address(address.strip()))
    except ValueError as exc:
        raise InvalidInput(
            _("“%s”不是 IP 地址") % address, code=AccountCode.ADDRESS_INVALID
        ) from exc
    cache.delete(_spray_key(address))
    latest = (
        LoginFailure.objects.filter(address=address or None).order_by("-at").first()
    )
    if latest is not None:
        audit.record(
            actor=actor,
            event="login_address.unlocked",
            subject=latest,
            after={"address": address},
        )
