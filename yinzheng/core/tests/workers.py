"""Test helpers for the services around the application (issue 15): `yinzheng
db_worker` as a process of its own on the test database, and whether Redis is up."""

import os
import socket
import subprocess
import sys

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


def redis_up() -> bool:
    """Redis on 127.0.0.1:6379 (CI has it; a bare machine may not)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True
