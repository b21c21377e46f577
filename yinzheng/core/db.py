"""Database helpers shared by the hot paths (issue 15)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


@contextmanager
def bound_cursor(using: str = DEFAULT_DB_ALIAS) -> Iterator[Any]:
    """A cursor on Django's connection, in its transaction, whose parameters the
    server binds on PostgreSQL (psycopg's own cursor: the values travel apart from
    the statement instead of being spelt into it and parsed back, a third of a
    one-statement append's time with an entry's text). Django's cursor elsewhere; on
    both, the statement goes through Django's wrappers (query logging, tests that
    count queries). No prepared statements: PgBouncer in transaction mode is fine."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    import psycopg

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    with connection._prepare_cursor(raw) as cursor:  # type: ignore[attr-defined]
        yield cursor


def postgres_url(using: str = DEFAULT_DB_ALIAS) -> str:
    """The PostgreSQL URL of a configured database, as its NAME is now (the test
    database during the tests), for another process or a raw connection."""
    s = connections[using].settings_dict
    user = f"{s['USER']}@" if s.get("USER") else ""
    return (
        f"postgresql://{user}{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    )


def unique_row(queryset: QuerySet[M]) -> M | None:
    """The one row a lookup by a unique key finds, or None: `.first()` without an
    ORDER BY. `.first()` orders by the model's ordering (or the primary key), and
    Django compiles an ORDER BY by comparing it with every column selected — about a
    millisecond for a locked row with its joins, several times in each step of an
    issuance (issue 15). Only for a filter that matches one row at most."""
    rows = list(queryset.order_by()[:1])
    return rows[0] if rows else None
