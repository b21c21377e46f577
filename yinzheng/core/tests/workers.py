"""Test helper: run `yinzheng db_worker` as a process of its own on the test database
until the queue is empty (YINZHENG_TASKS=database; issue 15)."""

import os
import subprocess
import sys

from django.db import connection


def run_db_worker() -> subprocess.CompletedProcess[str]:
    s = connection.settings_dict
    url = (
        f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        f"/{s['NAME']}"
    )
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "yinzheng",
            "db_worker",
            "--batch",
            "--no-startup-delay",
        ],
        env={**os.environ, "YINZHENG_DATABASE_URL": url, "YINZHENG_TASKS": "database"},
        capture_output=True,
        text=True,
        timeout=120,
    )
