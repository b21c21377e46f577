"""Test helper: step behind the append-only triggers, as someone with database access."""

from contextlib import contextmanager

from django.db import connection

from yinzheng.ledger.migrations import _triggers


@contextmanager
def triggers_disabled():
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")
        else:
            for sql in _triggers.SQLITE_DOWN + _triggers.RECORDS_SQLITE_DOWN:
                cur.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute("SET session_replication_role = origin")
            else:
                for sql in _triggers.SQLITE_UP + _triggers.RECORDS_SQLITE_UP:
                    cur.execute(sql)


def sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cur:
        cur.execute(statement, params or [])
