"""A scratch database for a benchmark: SQLite in a temporary data folder, or a fresh
PostgreSQL database `yinzheng_bench_<random>` on a server, dropped afterwards."""

import os
import secrets
import tempfile
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def run_on(run: Callable[[], None], *, postgres: str | None, prefix: str) -> None:
    """Call `run` with Django settings pointing at a scratch database."""
    os.environ["YINZHENG_DATA_DIR"] = tempfile.mkdtemp(prefix=prefix)
    os.environ.pop("YINZHENG_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yinzheng.settings")
    if not postgres:
        run()
        return
    import psycopg

    admin = psycopg.connect(postgres, autocommit=True, connect_timeout=5)
    name = f"yinzheng_bench_{secrets.token_hex(4)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = urlunsplit(urlsplit(postgres)._replace(path=f"/{name}"))
            os.environ["YINZHENG_DATABASE_URL"] = url
            run()
        finally:
            from django.db import connections

            connections.close_all()
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def server_url(given: str | None) -> str:
    return given or os.environ.get("YINZHENG_BENCH_POSTGRES_URL", DEFAULT_SERVER)
