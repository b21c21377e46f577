"""Factories for tests: a tree shaped like the real one, users granted through services."""

import itertools

from yinzheng.accounts import services as accounts
from yinzheng.accounts.models import User
from yinzheng.core.actors import SYSTEM
from yinzheng.core.codes import COUNTRY_CODE, Level
from yinzheng.divisions.models import Division, kind_from_name

_names = itertools.count(1)


def division(code: str, name: str | None = None) -> Division:
    """Create `code` and every missing ancestor (levels from the code's length)."""
    levels = {
        2: Level.PROVINCE,
        4: Level.PREFECTURE,
        6: Level.COUNTY,
        9: Level.TOWNSHIP,
        12: Level.COMMITTEE,
    }
    parent = COUNTRY_CODE
    node = None
    for length, level in levels.items():
        if length > len(code):
            break
        part = code[:length]
        default = name if part == code and name else f"区划{part}"
        if level == Level.COMMITTEE and not (name and part == code):
            default = f"测试{next(_names)}村村民委员会"
        node, _ = Division.objects.get_or_create(
            code=part,
            defaults={
                "name": default,
                "level": level,
                "parent_id": parent,
                "kind": kind_from_name(default) if level == Level.COMMITTEE else "",
            },
        )
        parent = part
    assert node is not None
    return node


def user(
    username: str,
    *,
    role: str | None = None,
    at: str | None = None,
    department: str = "",
    superuser: bool = False,
) -> User:
    u = User.objects.filter(username=username).first() or accounts.user_create(
        actor=SYSTEM,
        username=username,
        password="test-pass-123",
        full_name=username,
        is_superuser=superuser,
    )
    if role and at:
        division(at)
        accounts.grant_role(
            actor=SYSTEM, user=u, role=role, division_code=at, department=department
        )
    return u
