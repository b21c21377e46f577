"""The province dataset of benchmarks/generate.py, tiny: what it writes with COPY —
register chains, the townships' signed checkpoint sequences, paper certificates' QR
records — is what `yinzheng ledger verify` accepts (issue 15)."""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from yinzheng.core.db import postgres_url

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.postgres
def test_a_tiny_generated_province_passes_ledger_verify():
    server = urlunsplit(urlsplit(postgres_url())._replace(path="/postgres"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("YINZHENG_DATABASE", "YINZHENG_REPLICA"))
    }
    done = subprocess.run(
        [
            sys.executable,
            "benchmarks/generate.py",
            "--database-url",
            server,
            "--scale",
            "0.0003",
            "--committees",
            "12",
            "--token-days",
            "0",
            "--jobs",
            "2",
            "--no-measure",
            "--verify",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # The load's summary, then the ledger verify summary generate.py logs.
    counts = {
        name: int(n.replace(",", ""))
        for name, n in re.findall(r"^  ([a-zA-Z ()]+): ([\d,]+)$", done.stdout, re.M)
    }
    assert counts["register entries"] > 900, done.stdout
    assert counts["checkpoints"] > 0
    assert counts["QR tokens (paper certificates)"] > 0
    found = re.search(r"([\d,]+) chains, ([\d,]+) entries: ok", done.stderr)
    assert found, done.stderr[-3000:]
    # Every register entry, and the audit trail of the set-up through the services.
    assert int(found.group(2).replace(",", "")) > counts["register entries"]
