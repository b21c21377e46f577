"""Test helpers for the services around the application (issue 15): `yinzheng
db_worker` as a process of its own on the test database, and whether Redis is up."""

import io
import os
import socket
import subprocess
import sys

from django.core.management import call_command
from django.db import connection

from yinzheng.core.db import postgres_url


def run_db_worker() -> subprocess.CompletedProcess[str]:
    url = postgres_url()
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "yinzheng",
            "db_worker",
            "--batch",
            "--no-startup-delay",
        ],
        env={
            **{k: v for k, v in os.environ.items() if k != "YINZHENG_REPLICA_URLS"},
            "YINZHENG_DATABASE_URL": url,
            "YINZHENG_TASKS": "database",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def run_worker() -> subprocess.CompletedProcess[str]:
    """One worker's pass over the queued tasks: a `yinzheng db_worker` process of its
    own on PostgreSQL; on SQLite, whose test database lives in this process's memory,
    the same command in this process (the same worker code over the same rows)."""
    if connection.vendor == "postgresql":
        return run_db_worker()
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", stdout=out, stderr=err
        )
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return subprocess.CompletedProcess(
        ["db_worker"], code, out.getvalue(), err.getvalue()
    )


def redis_up() -> bool:
    """Redis on 127.0.0.1:6379 (CI has it; a bare machine may not)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True
