"""Lookup throughput: colloquial queries per second on a county's effective catalogue.

    .venv/bin/python benchmarks/lookup.py [--seconds 3]
    .venv/bin/python benchmarks/lookup.py --postgres [URL]

Migrates a scratch database (the national negative list, batch 1, comes with every
installation; the demo adds sample county lists) — SQLite in a temporary data folder, or
with --postgres a fresh database on that PostgreSQL server (default
$YINZHENG_BENCH_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/postgres),
dropped afterwards — then times two paths over the evaluation queries of the test suite (both
halves; the segmenter's dictionary loaded before timing, as a serving process has it),
in one run:

- the matcher alone (`lookup.Index.search`) on the committee's effective catalogue;
- the whole request path (`selectors.lookup_items` with a committee), database included.

Prints the floor (1,000 a second on the whole path) and exits 1 below it.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
FLOOR = 1_000  # lookups a second, the whole request path (issue 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=os.environ.get("YINZHENG_BENCH_POSTGRES_URL", DEFAULT_SERVER),
        metavar="URL",
        help="run on a scratch database on this PostgreSQL server "
        f"(default $YINZHENG_BENCH_POSTGRES_URL or {DEFAULT_SERVER})",
    )
    args = parser.parse_args()
    os.environ["YINZHENG_DATA_DIR"] = tempfile.mkdtemp(prefix="yz-bench-lookup-")
    os.environ.pop("YINZHENG_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yinzheng.settings")
    if not args.postgres:
        run(args.seconds)
        return
    import psycopg

    admin = psycopg.connect(args.postgres, autocommit=True, connect_timeout=5)
    name = f"yinzheng_bench_{secrets.token_hex(4)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = urlunsplit(urlsplit(args.postgres)._replace(path=f"/{name}"))
            os.environ["YINZHENG_DATABASE_URL"] = url
            run(args.seconds)
        finally:
            from django.db import connections

            connections.close_all()
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def database_version() -> str:
    import sqlite3

    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"


def run(seconds: float) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from yinzheng.catalogue import lookup, selectors
    from yinzheng.catalogue.tests.lookup_eval import EVAL
    from yinzheng.core import clock
    from yinzheng.demo.loader import load_demo

    load_demo()
    committee = "620725101001"
    catalogue = selectors.effective_catalogue(committee, clock.today())
    index = lookup.Index(
        (e.item.key, e.item.name, e.item.aliases) for e in catalogue.values()
    )
    queries = [q for q, _ in EVAL]
    selectors.lookup_items(queries[0], committee_code=committee)  # loads jieba once
    rows = []
    for label, fn in [
        ("matcher (Index.search)", lambda q: index.search(q)),
        (
            "lookup_items, committee",
            lambda q: selectors.lookup_items(q, committee_code=committee),
        ),
    ]:
        samples = []
        count = 0
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            for q in queries:
                t = time.perf_counter()
                fn(q)
                samples.append(time.perf_counter() - t)
                count += 1
        total = sum(samples)
        samples.sort()
        rows.append(
            (
                label,
                count,
                count / total,
                statistics.median(samples) * 1e6,
                samples[int(len(samples) * 0.99)] * 1e6,
            )
        )
    print(
        f"{database_version()} · "
        f"catalogue of committee {committee}: {len(catalogue)} items; "
        f"{len(queries)} distinct queries, {os.cpu_count()} cores"
    )
    print("| path | lookups | per second | p50 µs | p99 µs |")
    print("|---|---|---|---|---|")
    for label, count, rate, p50, p99 in rows:
        print(f"| {label} | {count:,} | {rate:,.0f} | {p50:,.0f} | {p99:,.0f} |")
    whole = rows[-1][2]
    print(
        f"floor (issue 3): {FLOOR:,} lookups a second on the whole path — "
        f"{'met' if whole >= FLOOR else 'NOT MET'} ({whole:,.0f})"
    )
    if whole < FLOOR:
        sys.exit(1)


if __name__ == "__main__":
    main()
