"""The statistics dashboard on a province: requests a second, p50 and p99, its floors,
and the exports (issue 12, REQ-103).

    .venv/bin/python benchmarks/stats_dashboard.py                     # 3,000,000 cases
    .venv/bin/python benchmarks/stats_dashboard.py --cases 50000 --committees 2000
    .venv/bin/python benchmarks/stats_dashboard.py --keep              # keep the database
    .venv/bin/python benchmarks/stats_dashboard.py --reuse yinzheng_bench_1a2b3c4d

PostgreSQL only. Creates `yinzheng_bench_<random>` on the server of --database-url
(default $YINZHENG_BENCH_POSTGRES_URL, else postgresql://postgres@127.0.0.1:5432/postgres)
and drops it afterwards, unless --keep; --reuse measures a database kept before (its
parameters are in the database's comment) without generating anything.

1. `yinzheng migrate`, then `yinzheng import-divisions DIR --under 61` (陕西省: 107
   counties, 1,335 townships, 20,356 committees in the 2023 codes), each the real
   command in its own process.
2. Set-up through the services (benchmarks/_stats_data.py): the demo's positive-list
   items on a published provincial list beside the national negative list, the
   decision of every kind of case from `certificates.rules.decide`, a civil-affairs
   officer at the province and one at the measured county, and that county's
   statistics table with every township's and department's return submitted.
3. The bulk rows with COPY, in --jobs worker processes, after the unique constraints
   and secondary indexes of the bulk tables were dropped (primary keys, check
   constraints and foreign keys stay; the workers skip the foreign-key triggers with
   session_replication_role = replica, as pg_restore --disable-triggers does). The
   cases and the seal uses are then rewritten in the order they were received and
   submitted (CLUSTER on a temporary index), as a live database holds them — the
   chunks write committee by committee, which would make a county's rows contiguous.
   Then the indexes and unique constraints are built again exactly as the migrations
   made them (pg_get_indexdef / pg_get_constraintdef), every foreign key is checked
   (one query a table: no orphans, or the run stops), the sequences move on, and
   VACUUM ANALYZE runs (autovacuum may be off, as on the bench server). The longest
   certificate and work chains are verified as `ledger verify` does. The cases span
   the three years up to yesterday; see _stats_data.py for their shares.
4. Measured, in one run, for the county (default: the one with the most committees
   among those generated) and for the province, over the last calendar year:
   - the dashboard, GET /stats/dashboard/?division=CODE&from=…&to=…, as its
     civil-affairs officer (a logged-in session cookie), served by gunicorn with 2 sync
     workers (as `yinzheng serve`, static files collected, no access log) and driven by
     wrk --latency (--connections, for --seconds or, for a slow page, long enough for
     --min-requests, at most --max-seconds); its total is checked against a plain count
     of the cases the same filters select (REQ-103);
   - its floors on the same server and the same way: the same figures as plain SQL,
     one statement per figure (/bench/sql/, benchmarks/_stats_floor.py), and a bare
     Django view returning a constant (/bench/bare/); each floor query is also timed
     alone through the cursor, and its plan kept (EXPLAIN ANALYZE, --explain FILE);
   - the dashboard's exports (?export=CHART&format=csv|xlsx) as single requests, and
     `yinzheng stats export-table --county CODE --format xlsx --output F` (the county's
     consolidated table) as a process: wall time, peak memory.

When `stats:dashboard` does not resolve (or with --placeholder) the dashboard rows
measure the statistics tables page instead and say so, and the exports are skipped.
"""

import argparse
import datetime as dt
import http.client
import json
import multiprocessing
import os
import platform
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import _stats_data as data  # noqa: E402
from benchmarks import _stats_floor as floor  # noqa: E402
from benchmarks import _wrk  # noqa: E402
from benchmarks._scratch import server_url  # noqa: E402
from benchmarks.import_divisions import cpu_model, yinzheng  # noqa: E402

PLACEHOLDER = "/stats/tables/"
BULK = [
    "accounts_user",
    "accounts_rolegrant",
    "seals_seal",
    "seals_custody",
    "ledger_chain",
    "ledger_entry",
    "ledger_confirmation",
    "certificates_serialcounter",
    "seals_usagerequest",
    "certificates_certificaterequest",
    "certificates_commitment",
    "certificates_verificationtask",
    "certificates_exceptionrecord",
    "certificates_consultation",
]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# 1–3. The database ----------------------------------------------------------------------


def build(args, url: str, *, signing=None, tables=BULK, by_time=data.BY_TIME) -> dict:
    """Steps 2 and 3; returns what the database's comment records. `signing` (for
    benchmarks/generate.py), called with the committees' codes after the set-up,
    returns what the workers sign checkpoints and QR tokens with (data.Signing);
    `tables` are the bulk tables (their indexes dropped during the load)."""
    from django.db import connections

    from yinzheng.core import clock
    from yinzheng.core.codes import Level
    from yinzheng.divisions.models import Division

    committees = list(
        Division.objects.filter(level=Level.COMMITTEE, code__startswith=args.province)
        .order_by("code")
        .values_list("code", "name", "kind")
    )
    if args.committees:
        committees = committees[: args.committees]
    if not committees:
        raise SystemExit(f"no committees under {args.province}")
    today = clock.today()
    last = today - dt.timedelta(days=1)
    first = last.replace(year=last.year - args.years, day=min(last.day, 28))
    first += dt.timedelta(days=1)
    county = args.county or _largest_county([c for c, _n, _k in committees])

    t0 = time.perf_counter()
    log("catalogue, decisions, civil-affairs officers, the county's statistics table")
    catalogue = data.prepare_catalogue(
        args.province, first - dt.timedelta(days=30), committees[0][0]
    )
    data.civil_affairs("bench-sheng", args.province)
    data.civil_affairs(f"bench-xian-{county}", county)
    table_rows = data.statistics_table(county, random.Random(args.seed))
    signed = signing([c for c, _n, _k in committees]) if signing else None
    setup_s = time.perf_counter() - t0
    connections.close_all()

    import psycopg

    with psycopg.connect(url) as conn:
        bases = data.next_ids(
            conn, [t for t in tables if t != "ledger_checkpointseries"]
        )
        log("dropping the unique constraints and indexes of the bulk tables")
        statements = data.schema_drop(conn, tables)
    plan = data.Plan(
        seed=args.seed,
        first=first,
        last=last,
        now=int(time.time()),
        decline=0.08,
        total_cases=args.cases,
        first_year=first.year,
        bases=data.Bases(
            user=bases["accounts_user"],
            grant=bases["accounts_rolegrant"],
            seal=bases["seals_seal"],
            custody=bases["seals_custody"],
            chain=bases["ledger_chain"],
            counter=bases["certificates_serialcounter"],
            case=bases["certificates_certificaterequest"],
            usage=bases["seals_usagerequest"],
            entry=bases["ledger_entry"],
            confirmation=bases["ledger_confirmation"],
            commitment=bases["certificates_commitment"],
            task=bases["certificates_verificationtask"],
            exception=bases["certificates_exceptionrecord"],
            consultation=bases["certificates_consultation"],
            checkpoint=bases.get("ledger_checkpoint", 0),
            document=bases.get("esign_signeddocument", 0),
        ),
        catalogue=catalogue,
        database_url=url,
        work_share=args.work_share,
        span=today.year - first.year + 1,
        signing=signed,
    )
    planned = data.plan_committees(
        committees,
        args.cases,
        args.work_share,
        args.seed,
        busy=getattr(args, "busy", (0, 1.0)),
    )
    chunks = _chunks(planned, 40)
    log(
        f"generating {args.cases:,} cases for {len(planned):,} committees "
        f"({first} – {last}) in {len(chunks)} chunks, {args.jobs} workers"
    )
    t0 = time.perf_counter()
    counts: dict[str, int] = {}
    done = 0
    context = multiprocessing.get_context("fork")
    with context.Pool(args.jobs) as pool:
        for found in pool.imap_unordered(
            data.generate_chunk, [(plan, chunk) for chunk in chunks]
        ):
            for key, value in found.items():
                counts[key] = counts.get(key, 0) + value
            done += 1
            if done % max(1, len(chunks) // 10) == 0 or done == len(chunks):
                log(
                    f"  {done}/{len(chunks)} chunks, {counts.get('cases', 0):,} cases, "
                    f"{time.perf_counter() - t0:.0f} s"
                )
    copy_s = time.perf_counter() - t0

    log("ordering the cases and seal uses by time")
    t0 = time.perf_counter()
    with psycopg.connect(url) as conn:
        data.order_by_time(conn, by_time, progress=log)
    order_s = time.perf_counter() - t0
    log("putting the constraints and indexes back")
    t0 = time.perf_counter()
    with psycopg.connect(url) as conn:
        data.schema_restore(conn, statements, progress=log)
        data.reset_sequences(
            conn, [t for t in tables if t != "ledger_checkpointseries"]
        )
    restore_s = time.perf_counter() - t0
    log("checking the foreign keys")
    t0 = time.perf_counter()
    with psycopg.connect(url) as conn:
        data.check_foreign_keys(conn, tables, progress=log)
    foreign_s = time.perf_counter() - t0
    log("VACUUM ANALYZE")
    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        for table in tables:
            conn.execute(f"VACUUM (ANALYZE) {table}")
        conn.execute("ANALYZE")
    analyze_s = time.perf_counter() - t0
    _verify_some_chains()

    meta = {
        "province": args.province,
        "county": county,
        "cases": args.cases,
        "committees": len(planned),
        "first": first.isoformat(),
        "last": last.isoformat(),
        "seed": args.seed,
        "work_share": args.work_share,
        "generated_on": today.isoformat(),
        "statistics_table_rows": table_rows,
        "seconds": {
            "set-up (services)": round(setup_s, 1),
            "COPY (generation included)": round(copy_s, 1),
            "ordered by time (CLUSTER)": round(order_s, 1),
            "unique constraints and indexes": round(restore_s, 1),
            "foreign keys checked": round(foreign_s, 1),
            "VACUUM ANALYZE": round(analyze_s, 1),
        },
        "counts": dict(sorted(counts.items())),
    }
    return meta


def _chunks(planned: list, size: int) -> list[list]:
    """Committees in chunks of about `size`, a township never split (its checkpoints
    are one sequence, numbered by the worker that writes its chains)."""
    chunks: list[list] = [[]]
    for c in planned:
        last = chunks[-1]
        if len(last) >= size and last[-1].code[:9] != c.code[:9]:
            chunks.append(last := [])
        last.append(c)
    return [c for c in chunks if c]


def _largest_county(codes: list[str]) -> str:
    by_county: dict[str, int] = {}
    for code in codes:
        by_county[code[:6]] = by_county.get(code[:6], 0) + 1
    return max(sorted(by_county), key=lambda c: by_county[c])


def _verify_some_chains() -> None:
    from yinzheng.ledger import services as ledger
    from yinzheng.ledger.models import Chain

    for kind in ("register_certificate", "register_work"):
        chain = Chain.objects.filter(kind=kind).order_by("-head_seq").first()
        if chain is None:
            continue
        result = ledger.verify_chain(chain)
        if not result.ok:
            raise SystemExit(f"{chain.key}: the generated chain does not verify")
        log(f"verified {chain.key} ({chain.head_seq} entries)")


# 4. Measurements ------------------------------------------------------------------------


def session_cookie(username: str, code: str) -> str:
    from django.test import Client

    client = Client()
    client.force_login(data.civil_affairs(username, code))
    return client.cookies["sessionid"].value


def dashboard_path() -> tuple[str, bool]:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("stats:dashboard"), True
    except NoReverseMatch:
        return PLACEHOLDER, False


def time_floor(scopes, first, last, today, repeat: int, explain: Path | None):
    """Each floor query alone through the cursor: median ms of `repeat` runs, rows;
    with `explain`, its EXPLAIN (ANALYZE, BUFFERS) at every scope into that file."""
    from django.db import connection

    rows = []
    plans = []
    with connection.cursor() as cursor:
        for scope, code, _cookie in scopes:
            for label, sql, params in floor.queries(code, first, last, today):
                times = []
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    cursor.execute(sql, params)
                    found = cursor.fetchall()
                    times.append(time.perf_counter() - t0)
                rows.append((scope, label, len(found), statistics.median(times) * 1000))
                if explain is not None:
                    cursor.execute(
                        f"EXPLAIN (ANALYZE, BUFFERS, SETTINGS) {sql}", params
                    )
                    plan = "\n".join(r[0] for r in cursor.fetchall())
                    plans.append(f"-- {scope} {code}: {label}\n{plan}\n")
    if explain is not None:
        explain.write_text("\n".join(plans), encoding="utf-8")
    return rows


def start_server(port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--timeout",
            "300",
            "--pythonpath",
            str(ROOT),
            "--log-level",
            "warning",
            "benchmarks.stats_server:application",
        ],
        env=env,
        cwd=str(ROOT),
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            status, _b, _s = get(port, "/bench/bare/", None)
            if status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("the benchmark server did not start")


def get(port: int, path: str, cookie: str | None) -> tuple[int, bytes, float]:
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t0 = time.perf_counter()
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - t0
    finally:
        conn.close()


def wrk(port: int, path: str, cookie: str | None, args, seconds: int) -> dict:
    return _wrk.run(
        f"http://127.0.0.1:{port}{path}",
        connections=args.connections,
        seconds=seconds,
        threads=min(args.connections, 2),
        headers={"Cookie": f"sessionid={cookie}"} if cookie else None,
        timeout="300s",
    )


def measure(args, meta: dict, env: dict) -> None:
    from django.db import connection, connections

    from benchmarks.lookup import database_version
    from yinzheng.certificates.models import CertificateRequest
    from yinzheng.core import clock
    from yinzheng.core.codes import subtree_q

    province, county = meta["province"], args.county or meta["county"]
    year = args.year or clock.today().year - 1
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    today = clock.today()
    if county != meta["county"]:
        data.statistics_table(county, random.Random(args.seed))
    scopes = [
        ("county", county, session_cookie(f"bench-xian-{county}", county)),
        ("province", province, session_cookie("bench-sheng", province)),
    ]
    path, built = (PLACEHOLDER, False) if args.placeholder else dashboard_path()
    start, end = floor.period(first, last)
    sizes = {}
    for scope, code, _c in scopes:
        sizes[scope] = (
            CertificateRequest.objects.filter(subtree_q(code, "committee_id"))
            .filter(received_at__gte=start, received_at__lt=end)
            .count()
        )
    version = database_version()
    log(f"floor queries alone (median of {args.repeat})")
    floor_rows = time_floor(scopes, first, last, today, args.repeat, args.explain)
    connections.close_all()

    log("collectstatic, gunicorn")
    yinzheng(["collectstatic", "--noinput", "-v0"], env)
    port = 18000 + os.getpid() % 1000
    proc = start_server(port, env)
    http_rows = []
    export_rows = []
    checks: list[tuple[str, int | None, int]] = []
    try:
        period = {"from": first.isoformat(), "to": last.isoformat()}

        def run(label: str, scope: str, url: str, cookie: str | None) -> None:
            slowest = 0.0
            for _ in range(3):  # warm-up: both workers connect, import, cache
                status, body, secs = get(port, url, cookie)
                if status != 200:
                    raise SystemExit(f"{label} {scope}: HTTP {status} for {url}")
                slowest = max(slowest, secs)
            # A slow page still gets --min-requests samples (up to --max-seconds); the
            # connections share two cores, so they are not counted as parallel.
            seconds = max(
                args.seconds, min(args.max_seconds, round(args.min_requests * slowest))
            )
            log(f"wrk {label} {scope} ({seconds} s): {url}")
            result = wrk(port, url, cookie, args, seconds)
            result.update(label=label, scope=scope, size=len(body), seconds=seconds)
            http_rows.append(result)

        run("bare Django view (constant JSON)", "–", "/bench/bare/", None)
        for scope, code, cookie in scopes:
            query = urlencode({"division": code, **period, "today": today.isoformat()})
            run("floor: the figures in plain SQL", scope, f"/bench/sql/?{query}", None)
            query = urlencode({"division": code, **period})
            label = (
                "dashboard" if built else f"placeholder {PLACEHOLDER} (no dashboard)"
            )
            run(label, scope, f"{path}?{query}", cookie)
        if built:
            # REQ-103: the dashboard's total is the number of cases the same filters
            # select (the outcomes chart's 合计 against a plain count).
            for scope, code, cookie in scopes:
                query = urlencode(
                    {"division": code, **period, "export": "outcomes", "format": "csv"}
                )
                status, body, _s = get(port, f"{path}?{query}", cookie)
                total = re.search(r"^合计,(\d+)", body.decode("utf-8-sig"), re.M)
                shown = int(total.group(1)) if total else None
                checks.append((scope, shown, sizes[scope]))
                if shown != sizes[scope]:
                    log(f"MISMATCH {scope}: dashboard {shown}, count {sizes[scope]}")
            for scope, code, cookie in scopes:
                for fmt in ("csv", "xlsx"):
                    query = urlencode(
                        {
                            "division": code,
                            **period,
                            "export": args.chart,
                            "format": fmt,
                        }
                    )
                    times = []
                    for _ in range(args.exports):
                        status, body, secs = get(port, f"{path}?{query}", cookie)
                        if status != 200:
                            raise SystemExit(f"export {fmt} {scope}: HTTP {status}")
                        times.append(secs)
                    export_rows.append(
                        (
                            f"dashboard export {args.chart}.{fmt}",
                            scope,
                            statistics.median(times),
                            min(times),
                            len(body),
                            "",
                        )
                    )
    finally:
        proc.terminate()
        proc.wait(timeout=60)

    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "table.xlsx"
        times, peaks = [], []
        for _ in range(args.exports):
            out, wall, peak = yinzheng(
                [
                    "stats",
                    "export-table",
                    "--county",
                    county,
                    "--format",
                    "xlsx",
                    "--output",
                    str(target),
                ],
                env,
            )
            times.append(wall)
            peaks.append(peak)
        export_rows.append(
            (
                "yinzheng stats export-table (process)",
                "county",
                statistics.median(times),
                min(times),
                target.stat().st_size,
                f"{out.strip()}; peak {max(peaks):.0f} MiB",
            )
        )

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        db_size = cursor.fetchone()[0]
    connections.close_all()
    report(args, meta, version, db_size, county, first, last, sizes, http_rows,
           export_rows, floor_rows, built, checks)  # fmt: skip


def report(args, meta, version, db_size, county, first, last, sizes, http_rows,
           export_rows, floor_rows, built, checks) -> None:  # fmt: skip
    counts = meta["counts"]
    print()
    print(
        f"{time.strftime('%Y-%m-%d')} · {os.cpu_count()} cores · {cpu_model()} · "
        f"Python {platform.python_version()} · {version} · database {db_size}"
    )
    print(
        f"data: province {meta['province']}, {meta['committees']:,} committees, "
        f"{meta['cases']:,} cases {meta['first']} – {meta['last']} "
        f"(issued {counts.get('cases issued', 0):,}, refused "
        f"{counts.get('cases refused', 0):,}, committed "
        f"{counts.get('cases committed', 0):,}, withdrawn "
        f"{counts.get('cases withdrawn', 0):,}, transferred "
        f"{counts.get('cases transferred', 0):,}, open "
        f"{sum(v for k, v in counts.items() if k in _OPEN_KEYS):,}); "
        f"register entries {counts.get('register entries', 0):,}, seal uses "
        f"{counts.get('rows seals_usagerequest', 0):,}"
    )
    print(
        "generation: "
        + ", ".join(f"{k} {v:,.1f} s" for k, v in meta["seconds"].items())
        + f"; measured county {county}: {sizes['county']:,} cases in {first.year}, "
        f"province: {sizes['province']:,}"
    )
    if not built:
        print(f"NOTE: stats:dashboard does not resolve yet; measured {PLACEHOLDER}")
    for scope, shown, counted in checks:
        verdict = "equal" if shown == counted else "MISMATCH"
        print(
            f"dashboard total, {scope}: {shown} shown, {counted:,} counted: {verdict}"
        )
    print()
    print(
        f"HTTP, gunicorn 2 sync workers, wrk {args.connections} connections for "
        f"{args.seconds} s or long enough for {args.min_requests} requests (at most "
        f"{args.max_seconds} s), period {first} – {last}"
    )
    print(
        "| request | scope | s | requests | req/s | p50 ms | p99 ms | bytes | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in http_rows:
        print(
            f"| {r['label']} | {r['scope']} | {r['seconds']} | {r['requests']:,} | "
            f"{r['per_second']:,.1f} | {r['p50']:,.1f} | {r['p99']:,.1f} | "
            f"{r['size']:,} | {r['errors']} |"
        )
    print()
    print(f"exports ({args.exports} runs each)")
    print("| export | scope | median s | min s | bytes | note |")
    print("|---|---|---|---|---|---|")
    for label, scope, median, fastest, size, note in export_rows:
        print(
            f"| {label} | {scope} | {median:.2f} | {fastest:.2f} | {size:,} | {note} |"
        )
    print()
    print(f"floor queries alone, through the cursor (median of {args.repeat})")
    print("| scope | figure | rows | ms |")
    print("|---|---|---|---|")
    for scope, label, n, ms in floor_rows:
        print(f"| {scope} | {label} | {n:,} | {ms:,.1f} |")
    totals = {}
    for scope, _l, _n, ms in floor_rows:
        totals[scope] = totals.get(scope, 0) + ms
    print(
        "| " + " | ".join(f"{s}: all figures {ms:,.0f} ms" for s, ms in totals.items())
    )
    if args.explain:
        print(f"\nplans: {args.explain}")


_OPEN_KEYS = {"cases received", "cases verified", "cases approved"}


# The run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server")
    parser.add_argument("--cases", type=int, default=3_000_000)
    parser.add_argument("--committees", type=int, default=0, help="0: all")
    parser.add_argument("--province", default="61")
    parser.add_argument("--county", default="", help="default: the largest generated")
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--year", type=int, default=0, help="measured; default: last")
    parser.add_argument("--work-share", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", metavar="DATABASE")
    parser.add_argument("--seconds", type=int, default=30, help="wrk duration")
    parser.add_argument("--min-requests", type=int, default=12)
    parser.add_argument("--max-seconds", type=int, default=600)
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5, help="floor query runs")
    parser.add_argument("--exports", type=int, default=3, help="runs per export")
    parser.add_argument(
        "--chart", default="all", help="the chart exported (all: every one)"
    )
    parser.add_argument(
        "--placeholder", action="store_true", help=f"measure {PLACEHOLDER} instead"
    )
    parser.add_argument("--explain", type=Path, help="write the floor's plans here")
    args = parser.parse_args()
    run(
        args,
        generate=lambda url: build(args, url),
        measure=lambda meta, env: measure(args, meta, env),
    )


def run(
    args, *, generate, measure, prefix: str = "yinzheng_bench_", wrk: bool = True
) -> None:
    """The database's life: a fresh one on --database-url's server (migrated, the
    province's divisions imported, then `generate(url)`, whose result is kept as the
    database's comment), or the one --reuse names (its comment read back); then
    `measure(meta, env)`; dropped afterwards unless --keep or --reuse."""
    if wrk and shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    import psycopg

    server = server_url(args.database_url)
    admin = psycopg.connect(server, autocommit=True, connect_timeout=5)
    meta = None
    if args.reuse:
        name = args.reuse
        found = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = %s",
            [name],
        ).fetchone()
        if found is None or not found[0]:
            raise SystemExit(f"{name}: no such benchmark database")
        meta = json.loads(found[0])
    else:
        name = f"{prefix}{secrets.token_hex(4)}"
        admin.execute(f'CREATE DATABASE "{name}"')
        log(f"created {name}")
    url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    data_dir = tempfile.mkdtemp(prefix="yz-bench-stats-")
    os.environ["YINZHENG_DATA_DIR"] = data_dir
    os.environ["YINZHENG_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "yinzheng.settings"
    env = dict(os.environ)
    try:
        log("migrate")
        yinzheng(["migrate", "-v0"], env)
        if meta is None:
            log(f"import-divisions --under {args.province}")
            out, wall, _peak = yinzheng(
                [
                    "import-divisions",
                    str(data.DIVISIONS),
                    "--under",
                    args.province,
                    "--json",
                ],
                env,
            )
            log(f"  {out.strip().splitlines()[-1]} ({wall:.1f} s)")
        import django

        django.setup()
        if meta is None:
            meta = generate(url)
            admin.execute(
                f'COMMENT ON DATABASE "{name}" IS {_literal(json.dumps(meta))}'
            )
        measure(meta, env)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep or args.reuse:
            print(f"\nkept: {name} (--reuse {name}; drop it with DROP DATABASE)")
        else:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            log(f"dropped {name}")
        admin.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


if __name__ == "__main__":
    main()
