"""Project-wide test set-up: PostgreSQL-only tests, a fast password hasher, and the
journal's append-only triggers around transactional tests. Domain fixtures (the small
division tree) live in yinzheng/conftest.py."""

import os

import pytest
from django.db import connection


def pytest_collection_modifyitems(config, items):
    on_postgres = connection.vendor == "postgresql"
    if os.environ.get("YINZHENG_REQUIRE_POSTGRES") and not on_postgres:
        raise pytest.UsageError(
            "YINZHENG_REQUIRE_POSTGRES is set but the database is not PostgreSQL"
        )
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: set YINZHENG_DATABASE_URL=postgresql://… (CI does)"
    )
    from yinzheng.core import replicas

    no_replica = pytest.mark.skip(
        reason="needs a read replica: set YINZHENG_REPLICA_URLS=postgresql://… "
        "(CI points one at the test database through a read-only connection)"
    )
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)
        if "replica" in item.keywords and not (on_postgres and replicas.replicas()):
            item.add_marker(no_replica)


@pytest.fixture(autouse=True)
def _replicas_only_where_asked(request, monkeypatch):
    """Views read from the replicas only in tests marked `replica` (which may query
    them); elsewhere everything reads the default database, as without replicas."""
    from yinzheng.core import replicas

    if request.node.get_closest_marker("replica") is None:
        monkeypatch.setattr(replicas, "ENABLED", False)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (zh-hans): a request read in English
    leaves English active in the thread (LocaleMiddleware activates, nothing resets),
    and the next test's service messages would be English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Tests need a password, not a slow hash of it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_triggers_dropped = False


@pytest.fixture(autouse=True)
def _append_only_triggers(request):
    """Keep the journal's triggers around transactional tests.

    Django empties the database after a transactional test (live server, threads): with
    DELETE on SQLite, which the append-only row triggers refuse, and with TRUNCATE on
    PostgreSQL, which the statement triggers refuse. Such a test drops those triggers
    just before that flush, and the next database test puts them back before it starts.
    """
    global _triggers_dropped
    from yinzheng.esign.migrations._triggers import APPEND_ONLY as esign
    from yinzheng.ledger.migrations import _triggers
    from yinzheng.supervision.migrations._triggers import APPEND_ONLY as supervision

    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    transactional = bool({"transactional_db", "live_server"} & names) or bool(
        marker and marker.kwargs.get("transaction")
    )
    uses_db = marker is not None or transactional or "db" in names
    if not uses_db:
        yield
        return
    if connection.vendor == "sqlite":
        up = [
            sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS")
            for sql in _triggers.SQLITE_UP
            + _triggers.RECORDS_SQLITE_UP
            + supervision["sqlite_up"]
            + esign["sqlite_up"]
        ]
        down = (
            _triggers.SQLITE_DOWN
            + _triggers.RECORDS_SQLITE_DOWN
            + supervision["sqlite_down"]
            + esign["sqlite_down"]
        )
    else:
        up = (
            _triggers.POSTGRES_TRUNCATE_UP
            + _triggers.RECORDS_POSTGRES_TRUNCATE_UP
            + supervision["postgres_truncate_up"]
            + esign["postgres_truncate_up"]
        )
        down = (
            _triggers.POSTGRES_TRUNCATE_DOWN
            + _triggers.RECORDS_POSTGRES_TRUNCATE_DOWN
            + supervision["postgres_truncate_down"]
            + esign["postgres_truncate_down"]
        )
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    if _triggers_dropped:
        with blocker.unblock(), connection.cursor() as cur:
            for sql in up:
                cur.execute(sql)
        _triggers_dropped = False
    yield
    if transactional:
        with blocker.unblock(), connection.cursor() as cur:
            for sql in down:
                cur.execute(sql)
        _triggers_dropped = True


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Rate limits, API throttles and login throttling count in the cache; every test
    starts from zero. The default cache is a database table (settings.CACHES): a test
    that cannot reach the database cannot have counted there, and its rows written inside
    a test's transaction roll back with it; transactional tests leave theirs, so the
    table is emptied before each database test."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    cache = caches["default"]
    if not isinstance(cache, DatabaseCache):
        cache.clear()
        return
    names = set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None and not (
        {"db", "transactional_db", "live_server"} & names
    ):
        return
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        cache.clear()
