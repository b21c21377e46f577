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


def tiny_province(folder: Path) -> Path:
    """The division files of a small 陕西 (61): two counties, four townships, twelve
    committees, residents' and villagers' (no need of the national data here)."""
    rows = {
        "provinces.csv": ["code,name", '61,"陕西省"'],
        "cities.csv": ["code,name,provinceCode", '6109,"安康市",61'],
        "areas.csv": [
            "code,name,cityCode,provinceCode",
            '610902,"汉滨区",6109,61',
            '610921,"汉阴县",6109,61',
        ],
        "streets.csv": ["code,name,areaCode,provinceCode,cityCode"],
        "villages.csv": ["code,name,streetCode,provinceCode,cityCode,areaCode"],
    }
    for area in ("610902", "610921"):
        for t in (1, 2):
            street = f"{area}{t:03d}"
            rows["streets.csv"].append(f'{street},"第{t}街道",{area},61,6109')
            for c in (1, 2, 3):
                kind = "社区居民委员会" if c < 3 else "村民委员会"
                rows["villages.csv"].append(
                    f'{street}{c:03d},"第{t}{c}{kind}",{street},61,6109,{area}'
                )
    for name, lines in rows.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.postgres
def test_a_tiny_generated_province_passes_ledger_verify(tmp_path):
    server = urlunsplit(urlsplit(postgres_url())._replace(path="/postgres"))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("YINZHENG_DATABASE", "YINZHENG_REPLICA"))
    }
    env["YINZHENG_BENCH_DIVISIONS"] = str(tiny_province(tmp_path))
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
