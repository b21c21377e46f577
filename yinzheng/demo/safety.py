"""Which databases the demo may fill (issue 13).

The demo adds a superuser and an account for every role, all with the password printed
in the README, so it must never write into a database that holds real work. It may fill
a database that

1. holds nothing yet: no user and no division below the national root (migrations make
   the root and the national negative list, nothing a person entered), or
2. carries the marker the loader leaves (DemoMarker), or
3. was filled by a demo from before the marker: its superuser `admin` still has the
   published demo password (whoever reads the README owns such a database already).

Anything else is in use and refused. The reads are plain SQL on the tables that exist,
so the answer comes before `migrate` touches a database of an older schema.
"""

from collections.abc import Sequence
from enum import Enum
from typing import Any

from django.contrib.auth.hashers import check_password
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yinzheng.accounts.models import User
from yinzheng.divisions.models import Division

from .models import DemoMarker

# Demo only: every demo account has this password; never use it on a real system.
DEMO_PASSWORD = "yinzheng-demo"
DEMO_ADMIN = "admin"


class State(Enum):
    EMPTY = "empty"
    DEMO = "demo"
    DEMO_BEFORE_MARKER = "demo_before_marker"
    IN_USE = "in_use"


class NotADemoDatabase(Exception):
    """The database holds data the demo did not make."""


REFUSAL = _(
    "数据库 %(database)s 中已有不是演示程序建立的数据（用户或行政区划）。"
    "演示程序会添加密码公开的超级用户，因此不在此运行，也未作任何修改。"
    "请为演示另用一个数据目录，例如：YINZHENG_DATA_DIR=/tmp/yinzheng-demo yinzheng demo"
    "（不设 YINZHENG_DATABASE_URL，或让它指向一个空数据库）。"
)


def database_state(using: str = DEFAULT_DB_ALIAS) -> State:
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name

    def first(sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    marker = DemoMarker._meta.db_table
    if marker in tables and first(f"SELECT 1 FROM {quote(marker)}"):
        return State.DEMO
    users = User._meta.db_table
    divisions = Division._meta.db_table
    has_users = users in tables and first(f"SELECT 1 FROM {quote(users)}")
    has_divisions = divisions in tables and first(
        f"SELECT 1 FROM {quote(divisions)} WHERE {quote('parent_id')} IS NOT NULL"
    )
    if not has_users and not has_divisions:
        return State.EMPTY
    if has_users:
        admin = first(
            f"SELECT {quote('password')} FROM {quote(users)} "
            f"WHERE {quote('username')} = %s AND {quote('is_superuser')} = %s",
            [DEMO_ADMIN, True],
        )
        if admin and check_password(DEMO_PASSWORD, admin[0]):
            return State.DEMO_BEFORE_MARKER
    return State.IN_USE


def refusal_message(using: str = DEFAULT_DB_ALIAS) -> str:
    """The refusal in Chinese and, once translated, in English too: an operator reading
    either can act on it."""
    name = str(connections[using].settings_dict["NAME"])
    texts = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            text = str(REFUSAL) % {"database": name}
        if text not in texts:
            texts.append(text)
    return "\n".join(texts)


def require_demo_database(using: str = DEFAULT_DB_ALIAS) -> State:
    """Raise NotADemoDatabase unless the demo may fill the database."""
    state = database_state(using)
    if state is State.IN_USE:
        raise NotADemoDatabase(refusal_message(using))
    return state


def mark_demo_database(using: str = DEFAULT_DB_ALIAS) -> None:
    if not DemoMarker.objects.using(using).exists():
        DemoMarker.objects.using(using).create()
