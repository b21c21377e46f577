"""Time the national division import (REQ-001: the whole country in under 60 s).

For SQLite (in a temporary data folder) and, when the server answers, PostgreSQL (in a
fresh database that is dropped afterwards) this migrates an empty database, imports the
whole dataset, imports it again unchanged, then once more with every committee renamed
(the update path), and prints rows, seconds and rows per second.

Settings are read from the environment when Django starts, so every step runs the real
`yinzheng` command in its own process (`python -m yinzheng`) with its own environment.

    .venv/bin/python benchmarks/import_divisions.py
    .venv/bin/python benchmarks/import_divisions.py --dir ../shared/data/divisions \\
        --database-url postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/import_divisions.py --no-postgres

See benchmarks/README.md for the figures measured so far.
"""

import argparse
import csv
import json
import os
import platform
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT.parent / "shared" / "data" / "divisions"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
LIMIT_SECONDS = 60


@dataclass
class Run:
    database: str
    step: str
    read: int
    created: int
    updated: int
    command_seconds: float
    wall_seconds: float
    peak_mib: float

    @property
    def rows_per_second(self) -> float:
        return self.read / self.wall_seconds if self.wall_seconds else 0.0


def yinzheng(args: list[str], env: dict[str, str]) -> tuple[str, float, float]:
    """Run `python -m yinzheng ARGS`; return its stdout, wall seconds, peak MiB."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "yinzheng", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
        )
        # wait4 gives this child's own resource usage (peak memory included).
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode()
        if process.returncode != 0:
            sys.stderr.write(err.read().decode())
            raise SystemExit(f"yinzheng {' '.join(args)} failed ({process.returncode})")
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    scale = 1 if sys.platform == "darwin" else 1024
    return stdout, wall, usage.ru_maxrss * scale / 2**20


def renamed_copy(directory: Path, target: Path) -> Path:
    """The dataset with every committee renamed ("新" in front): the update path."""
    target.mkdir()
    for name in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv"):
        shutil.copyfile(directory / name, target / name)
    with (
        (directory / "villages.csv").open(encoding="utf-8-sig", newline="") as src,
        (target / "villages.csv").open("w", encoding="utf-8", newline="") as dst,
    ):
        reader, writer = csv.reader(src), csv.writer(dst)
        header = next(reader)
        writer.writerow(header)
        at_name = header.index("name")
        for record in reader:
            record[at_name] = "新" + record[at_name]
            writer.writerow(record)
    return target


def bench(
    database: str, env: dict[str, str], directory: Path, renamed: Path | None
) -> list[Run]:
    print(f"[{database}] migrate", file=sys.stderr)
    yinzheng(["migrate", "-v0"], env)
    runs = []
    steps = [("first import", directory), ("re-import", directory)]
    if renamed is not None:
        steps.append(("all committees renamed", renamed))
    for step, source in steps:
        print(f"[{database}] {step}", file=sys.stderr)
        out, wall, peak = yinzheng(["import-divisions", str(source), "--json"], env)
        summary = json.loads(out.strip().splitlines()[-1])
        runs.append(
            Run(
                database=database,
                step=step,
                read=summary["read"],
                created=summary["created"],
                updated=summary["updated"],
                command_seconds=summary["seconds"],
                wall_seconds=wall,
                peak_mib=peak,
            )
        )
    return runs


def base_env(data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YINZHENG_")}
    env["YINZHENG_DATA_DIR"] = data_dir
    return env


def bench_sqlite(directory: Path, renamed: Path | None) -> list[Run]:
    with tempfile.TemporaryDirectory(prefix="yinzheng-bench-") as data_dir:
        return bench("SQLite", base_env(data_dir), directory, renamed)


def bench_postgresql(
    server_url: str, directory: Path, renamed: Path | None
) -> tuple[list[Run], str]:
    """Runs on a fresh database on `server_url`'s server; it is dropped afterwards."""
    import psycopg

    try:
        admin = psycopg.connect(server_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL not reachable, skipped: {exc}".strip(), file=sys.stderr)
        return [], ""
    name = f"yinzheng_bench_{secrets.token_hex(4)}"
    parts = urlsplit(server_url)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    with admin:
        version = admin.execute("SHOW server_version").fetchone()[0]
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            with tempfile.TemporaryDirectory(prefix="yinzheng-bench-") as data_dir:
                env = base_env(data_dir) | {"YINZHENG_DATABASE_URL": url}
                return bench("PostgreSQL", env, directory, renamed), version
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def table(runs: list[Run]) -> str:
    header = [
        "database",
        "run",
        "rows",
        "created",
        "updated",
        "wall s",
        "import s",
        "rows/s",
        "peak MiB",
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in runs:
        cells = [
            r.database,
            r.step,
            f"{r.read:,}",
            f"{r.created:,}",
            f"{r.updated:,}",
            f"{r.wall_seconds:.1f}",
            f"{r.command_seconds:.1f}",
            f"{r.rows_per_second:,.0f}",
            f"{r.peak_mib:,.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--dir",
        type=Path,
        default=DEFAULT_DIR,
        help=f"the five division CSVs (default {DEFAULT_DIR})",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("YINZHENG_BENCH_POSTGRES_URL", DEFAULT_SERVER),
        help="a PostgreSQL server to create the scratch database on "
        f"(default $YINZHENG_BENCH_POSTGRES_URL or {DEFAULT_SERVER})",
    )
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--no-renamed",
        action="store_true",
        help="skip the third run, which renames every committee (the update path)",
    )
    args = parser.parse_args()
    directory = args.dir.resolve()
    if not (directory / "villages.csv").is_file():
        parser.error(f"no villages.csv in {directory}")

    runs: list[Run] = []
    pg_version = ""
    with tempfile.TemporaryDirectory(prefix="yinzheng-bench-data-") as scratch:
        renamed = None
        if not args.no_renamed:
            renamed = renamed_copy(directory, Path(scratch) / "renamed")
        if not args.no_sqlite:
            runs += bench_sqlite(directory, renamed)
        if not args.no_postgres:
            pg_runs, pg_version = bench_postgresql(
                args.database_url, directory, renamed
            )
            runs += pg_runs

    print(
        f"{time.strftime('%Y-%m-%d')} · {os.cpu_count()} cores · {cpu_model()} · "
        f"Python {platform.python_version()} · SQLite {sqlite3.sqlite_version}"
        + (f" · PostgreSQL {pg_version}" if pg_version else "")
    )
    print(f"data: {directory}")
    print()
    print(table(runs))
    slow = [r for r in runs if r.wall_seconds >= LIMIT_SECONDS]
    if slow:
        raise SystemExit(f"over the {LIMIT_SECONDS} s limit: {len(slow)} run(s)")


if __name__ == "__main__":
    main()
