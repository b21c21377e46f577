"""Reading from PostgreSQL streaming replicas (issue 15; docs/operations.md).

Only what is marked reads there: a view decorated with `read_replica` (public
verification, dashboards, the statistics API), for GET and HEAD, or code inside
`reading()`. Within that, a read goes to a replica (one per request, chosen at random
among YINZHENG_REPLICA_URLS) unless a transaction is open on the primary — a
transaction reads what it wrote — or the table is one whose freshness matters across
requests (sessions, the cache table, rate counters). Every write goes to the primary,
whatever the context: `db_for_write` has no other answer, and replicas are never
migrated. Without replicas nothing changes."""

import contextvars
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# Off: everything reads the primary (the test suite, but for tests marked `replica`).
ENABLED = True
# Tables read on the primary even while reading from a replica.
PRIMARY_ONLY = frozenset({"sessions", "django_cache", "core"})

_replica: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "yinzheng_replica", default=None
)


def replicas() -> list[str]:
    return sorted(alias for alias in settings.DATABASES if alias != DEFAULT_DB_ALIAS)


@contextmanager
def reading() -> Iterator[str | None]:
    """Reads inside go to one replica (the alias, or None without replicas)."""
    found = replicas() if ENABLED else []
    token = _replica.set(random.choice(found) if found else None)
    try:
        yield _replica.get()
    finally:
        _replica.reset(token)


def read_replica(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view whose GET and HEAD read from a replica."""

    @wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with reading():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        alias = _replica.get()
        if (
            alias is None
            or model._meta.app_label in PRIMARY_ONLY
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
