"""Rate limits are counted in a store every server process shares (issue 13, finding 3:
with two workers `/v/` allowed 120 of 150 at a limit of 60).

Two Django test clients share one process, so they cannot show it: each "worker" here is
a separate Python process that starts Django from the project's settings and counts its
requests against the same limit."""

import os
import socket
import subprocess
import sys
import textwrap
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.db import connection

WORKER = textwrap.dedent(
    """
    import datetime as dt
    import sys

    import django

    django.setup()
    from django.core.management import call_command
    from django.test import RequestFactory

    from yinzheng.core import clock, web

    # The counters' and the cache's tables, as `yinzheng migrate` leaves them.
    call_command("migrate", "core", verbosity=0)
    call_command("createcachetable", verbosity=0)
    moment = dt.datetime(2026, 3, 2, 10, 0, 30, tzinfo=dt.timezone.utc)
    clock.now = lambda: moment  # one minute's counter, whenever the test runs
    scope, limit, tries = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    request = RequestFactory().get("/v/", REMOTE_ADDR="203.0.113.9")
    print(sum(not web.over_rate(request, scope, limit) for _ in range(tries)))
    """
)


def run_worker(env: dict[str, str], scope: str, limit: int, tries: int) -> int:
    """One server process's share: how many of its `tries` the limit let through."""
    done = subprocess.run(
        [sys.executable, "-c", WORKER, scope, str(limit), str(tries)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


def worker_env(tmp_path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "YINZHENG_DATABASE_URL",
            "YINZHENG_CACHE_URL",
            "YINZHENG_REDIS_URL",
            "YINZHENG_REPLICA_URLS",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="yinzheng.settings",
        YINZHENG_DATA_DIR=str(tmp_path),
        **extra,
    )
    return env


def test_the_cache_is_shared_by_every_process():
    """A local-memory cache is one per process: never the default."""
    backend = django_settings.CACHES["default"]["BACKEND"]
    assert backend in {
        "django.core.cache.backends.db.DatabaseCache",
        "yinzheng.core.cache.RedisCache",
    }


@pytest.mark.django_db
def test_migrate_leaves_the_cache_table_in_place():
    """The database cache needs no extra step after `yinzheng migrate`."""
    table = django_settings.CACHES["default"].get("LOCATION")
    if django_settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        assert table in connection.introspection.table_names()


def test_a_count_made_in_another_process_is_seen_with_the_database_cache(tmp_path):
    # Given two server processes on one database (SQLite in a data folder) and a limit
    # of 5 a minute, when the first serves 4 requests and the second 4 more
    first = run_worker(worker_env(tmp_path), "t:shared-db", 5, 4)
    second = run_worker(worker_env(tmp_path), "t:shared-db", 5, 4)
    # then the second saw the first's count: 5 let through in all, not 8
    assert (first, second) == (4, 1)


def _redis_reachable(url: str) -> bool:
    parts = urlparse(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1
        ):
            return True
    except OSError:
        return False


REDIS_URL = os.environ.get("YINZHENG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.skipif(
    not _redis_reachable(REDIS_URL),
    reason=f"Redis is not reachable at {REDIS_URL} (set YINZHENG_TEST_REDIS_URL)",
)
def test_a_count_made_in_another_process_is_seen_with_redis(tmp_path):
    scope = f"t:shared-redis:{os.getpid()}:{tmp_path.name}"
    env = worker_env(tmp_path, YINZHENG_CACHE_URL=REDIS_URL)
    first = run_worker(env, scope, 5, 4)
    second = run_worker(env, scope, 5, 4)
    assert (first, second) == (4, 1)


def test_the_redis_cache_is_chosen_when_a_url_is_configured(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['default']['BACKEND'])",
        ],
        env=worker_env(tmp_path, YINZHENG_CACHE_URL="redis://127.0.0.1:6379/15"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "yinzheng.core.cache.RedisCache"


def test_an_unknown_cache_url_is_refused(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=worker_env(tmp_path, YINZHENG_CACHE_URL="memcached://127.0.0.1:11211"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "YINZHENG_CACHE_URL must be a Redis URL" in done.stderr


def test_the_redis_url_is_read_under_its_issue_15_name_too(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.CACHES['default']['LOCATION'], settings.SESSION_ENGINE)",
        ],
        env=worker_env(tmp_path, YINZHENG_REDIS_URL="redis://127.0.0.1:6379/15"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "redis://127.0.0.1:6379/15",
        "django.contrib.sessions.backends.cached_db",
    ]
