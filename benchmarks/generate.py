"""A province-sized dataset on PostgreSQL, and the staff pages, public verification,
year-end archive and `ledger verify` measured on it (issue 15, deliverable 2).

    .venv/bin/python benchmarks/generate.py                   # 陕西: ≥ 3M cases, ≥ 10M entries
    .venv/bin/python benchmarks/generate.py --scale 0.01      # a quick run
    .venv/bin/python benchmarks/generate.py --keep --no-measure   # load it, keep it
    .venv/bin/python benchmarks/generate.py --reuse yinzheng_prov_1a2b3c4d --explain plans.txt

The load is the statistics-dashboard province (benchmarks/stats_dashboard.py `build`,
benchmarks/_stats_data.py: the real divisions, the set-up through the services, the
bulk rows written with COPY by worker processes, the indexes dropped and rebuilt, every
foreign key checked, VACUUM ANALYZE), here over five years and with

- about 2.9 work-category seal uses (W1–W3) per certificate case, so the registers
  hold over 10,000,000 entries at --scale 1;
- a few busy urban communities (--busy N, --busy-factor F: N residents' committees
  with F times the work of their peers), whose year chains run to thousands of entries;
- the checkpoints the townships sign as the running system does (one every
  `CHECKPOINT_EVERY` entries, and the head by the nightly `ledger checkpoint`), each
  township's numbered and hash-linked in one sequence, signed with its real
  issuing-authority key (made through `esign.pki.authority`);
- the QR tokens of the paper certificates sealed in the last --token-days days (issue
  14: `SignedDocument` rows, signed with the township's authority key, the holder's
  name as the installation's keyed HMAC), so `/v/<token>` finds them;
- the register entries rewritten in the order they were recorded (a live database
  interleaves every committee's), as the cases and seal uses already are.

Then (unless --no-measure), for the committee with the most register entries: its
staff pages (case list, search, inbox, the register pages, the seal use list) with the
clerk's or the custodian's session, its county's case list with the township officer's
session, and public verification of one of its certificates, each through gunicorn
(2 sync workers, as `yinzheng serve`) driven by wrk, beside a bare Django view in the
same run; the year-end archive of its busiest year that is still open (`yinzheng
ledger archive`, a process, timed); and the verification of its county's register
chains (the service `ledger verify` and the staff audit page run, a process, timed)
and of its longest chain (`yinzheng ledger verify --chain KEY`). --explain FILE writes
EXPLAIN (ANALYZE, BUFFERS) of each page's slowest statements.
"""

import argparse
import base64
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import _stats_data as data  # noqa: E402
from benchmarks import stats_dashboard as dash  # noqa: E402
from benchmarks.import_divisions import cpu_model, yinzheng  # noqa: E402

log = dash.log
# The bulk tables of the province: the dashboard's, with the checkpoints, the
# checkpoint sequences' heads and the paper certificates' QR records.
TABLES = [
    *dash.BULK,
    "ledger_checkpoint",
    "ledger_checkpointseries",
    "esign_signeddocument",
]
BY_TIME = [*data.BY_TIME, ("ledger_entry", "recorded_at")]
COMMITTEES = 20356  # 陕西's, for --scale below 0.1
DAY = 86400


# The load -------------------------------------------------------------------------------


def signing(args):
    """The township keys the workers sign with, made through the services (each
    township's issuing authority, certified by its county's root), and the name
    HMAC key of the installation's verification secret."""

    def make(codes: list[str]) -> data.Signing:
        from yinzheng.esign import keys, pki, qr

        townships = sorted({c[:9] for c in codes})
        log(f"issuing-authority keys of {len(townships):,} townships")
        t0 = time.perf_counter()
        found = {}
        for code in townships:
            row = pki.authority(code)
            found[code] = (row.pk, keys.private_key_der(row), qr.cert_kid(row))
        log(f"  {time.perf_counter() - t0:.1f} s")
        name_key, secret_id = qr._derived(qr._NAME_INFO)
        since = int(time.time()) - args.token_days * DAY if args.token_days else 0
        return data.Signing(found, qr.TAG_PREFIX + secret_id, name_key, since)

    return make


def generate(args, url: str) -> dict:
    meta = dash.build(args, url, signing=signing(args), tables=TABLES, by_time=BY_TIME)
    meta.update(
        kind="province",
        years=args.years,
        scale=args.scale,
        busy=list(args.busy),
        token_days=args.token_days,
    )
    print("load, seconds:")
    for name, seconds in meta["seconds"].items():
        print(f"  {name}: {seconds:,.1f}")
    print(f"  total: {sum(meta['seconds'].values()):,.1f}")
    print("rows:")
    for name, n in meta["counts"].items():
        print(f"  {name}: {n:,}")
    return meta


# Measurements -----------------------------------------------------------------------------


def _one(sql: str, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def subjects(meta: dict) -> dict:
    """What is measured: the committee with the most register entries, its county and
    township, its people, one of its serials and QR tokens, its busiest open year."""
    from yinzheng.accounts.choices import Role
    from yinzheng.core.tests.factories import user

    code, entries = _one(
        "SELECT division_id, SUM(head_seq) FROM ledger_chain "
        "WHERE kind LIKE 'register_%%' GROUP BY division_id ORDER BY 2 DESC LIMIT 1"
    )
    year = _one(
        "SELECT split_part(key, ':', 4)::int FROM ledger_chain c "
        "WHERE division_id = %s AND kind LIKE 'register_%%' AND closed_at IS NULL "
        "AND split_part(key, ':', 4)::int < extract(year FROM now())::int "
        "GROUP BY 1 ORDER BY SUM(head_seq) DESC LIMIT 1",
        [code],
    )
    serial, token = _one(
        "SELECT serial, token FROM esign_signeddocument WHERE committee_id = %s "
        "ORDER BY id DESC LIMIT 1",
        [code],
    ) or ("", "")
    longest = _one(
        "SELECT key, head_seq FROM ledger_chain WHERE division_id = %s "
        "ORDER BY head_seq DESC LIMIT 1",
        [code],
    )
    township, county = code[:9], code[:6]
    from yinzheng.accounts.models import User

    officer = User.objects.filter(username=f"bench-xz-{township}").first() or user(
        f"bench-xz-{township}", role=Role.TOWNSHIP, at=township
    )
    return {
        "committee": code,
        "entries": int(entries),
        "township": township,
        "county": county,
        "year": year[0] if year else None,
        "serial": serial,
        "token": token,
        "longest": longest,
        "users": {
            "clerk": f"b{code}c",
            "custodian": f"b{code}k",
            "township": officer.username,
        },
    }


def cookie(username: str) -> str:
    from django.test import Client

    from yinzheng.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies["sessionid"].value


def pages(s: dict) -> list[tuple[str, str, str]]:
    """(label, who, path) of each page measured."""
    code, year = s["committee"], s["year"]
    book = f"/ledger/registers/{code}/work/{year}/"
    out = [
        ("inbox and home page", "custodian", "/"),
        ("case list", "clerk", "/certificates/"),
        ("case list, open cases", "clerk", "/certificates/?status=received"),
        ("case list, page 20", "clerk", "/certificates/?page=20"),
        ("search by serial", "clerk", "/certificates/?" + urlencode({"q": s["serial"]})),
        ("search by item words", "clerk", "/certificates/?" + urlencode({"q": "居住"})),
        ("case list (township)", "township", "/certificates/"),
        ("search by serial (township)", "township",
         "/certificates/?" + urlencode({"q": s["serial"]})),
        ("overdue cases", "clerk", "/certificates/overdue/"),
        ("register committee page", "custodian", f"/ledger/registers/{code}/"),
        ("work register book, first page", "custodian", book),
        ("work register book, page 10", "custodian", f"{book}?page=10"),
        ("certificate register book", "custodian",
         f"/ledger/registers/{code}/certificate/{year}/"),
        ("seal use list", "clerk", "/seals/usage/"),
        ("seal list", "custodian", "/seals/"),
        ("registers (township)", "township", "/ledger/registers/"),
    ]  # fmt: skip
    if s["token"]:
        out.append(("public verification /v/<token>", "-", "/v/" + quote(s["token"])))
    return out


def explain(page_list, s: dict, target: Path, top: int) -> list[str]:
    """Each page requested once in-process; its `top` slowest statements run again
    under EXPLAIN (ANALYZE, BUFFERS) into `target`. Returns a one-line summary each."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from yinzheng.accounts.models import User

    out, summary = [], []
    for label, who, path in page_list:
        client = Client(SERVER_NAME="127.0.0.1")
        if who != "-":
            client.force_login(User.objects.get(username=s["users"][who]))
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = client.get(path)
            wall = (time.perf_counter() - t0) * 1000
        queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        total = sum(float(q["time"]) for q in queries) * 1000
        out.append(
            f"===== {label} ({who}) GET {path}: HTTP {response.status_code}, "
            f"{wall:.0f} ms, {len(queries)} statements, {total:.1f} ms in SQL"
        )
        for q in queries[:top]:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(r[0] for r in cursor.fetchall())
            out.append(f"-- {float(q['time']) * 1000:.1f} ms\n{sql}\n{plan}\n")
        summary.append(
            f"{label}: {len(queries)} statements, {total:.1f} ms SQL, slowest "
            f"{float(queries[0]['time']) * 1000 if queries else 0:.1f} ms"
        )
    target.write_text("\n".join(out), encoding="utf-8")
    return summary


def verify_county(code: str) -> None:
    """The county's register chains verified as `ledger verify` and the staff audit
    page do (registers.services.integrity.verify_chains: each chain walked, its
    checkpoints' signatures, its signers' sequences, its personal data), in this
    process; prints chains, entries and whether all is well, as JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yinzheng.settings")
    django.setup()
    from yinzheng.core.codes import subtree_q
    from yinzheng.ledger.models import Chain
    from yinzheng.registers.services import integrity
    from yinzheng.registers.services.checkpoints import REGISTER_KINDS

    chains = list(
        Chain.objects.filter(subtree_q(code, "division_id"), kind__in=REGISTER_KINDS)
    )
    report = integrity.verify_chains(chains)
    print(
        json.dumps(
            {
                "chains": len(report.chains),
                "entries": sum(r.entries for r in report.chains),
                "ok": report.ok,
                "breaks": [b.__dict__ for b in report.breaks][:5],
            }
        )
    )


def timed(label: str, command: list[str], env: dict, runs: int) -> dict:
    times, out = [], ""
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        times.append(time.perf_counter() - t0)
        out = (done.stdout.strip().splitlines() or [""])[-1]
        if done.returncode != 0:
            out = f"exit {done.returncode}: {out} {done.stderr.strip()[-300:]}"
            break
    return {"label": label, "median": statistics.median(times), "runs": len(times),
            "min": min(times), "out": out}  # fmt: skip


def measure(args, meta: dict, env: dict) -> None:
    from django.db import connections

    from benchmarks.lookup import database_version

    env = {**env, "YINZHENG_VERIFY_RATE": str(10**9)}  # one client address drives it
    s = subjects(meta)
    log(f"measured committee {s['committee']} ({s['entries']:,} register entries)")
    page_list = pages(s)
    cookies = {who: cookie(name) for who, name in s["users"].items()}
    cookies["-"] = ""
    summary = []
    if args.explain:
        log(f"EXPLAIN of each page's slowest statements into {args.explain}")
        summary = explain(page_list, s, args.explain, args.top)
    version = database_version()
    county_entries = _one(
        "SELECT COUNT(*), COALESCE(SUM(head_seq), 0) FROM ledger_chain "
        "WHERE division_id LIKE %s AND kind LIKE 'register_%%'",
        [s["county"] + "%"],
    )
    size = _one("SELECT pg_size_pretty(pg_database_size(current_database()))")[0]
    connections.close_all()

    log("collectstatic, gunicorn")
    yinzheng(["collectstatic", "--noinput", "-v0"], env)
    port = 18000 + os.getpid() % 1000
    proc = dash.start_server(port, env)
    rows = []
    try:

        def run(label: str, who: str, path: str) -> None:
            for _ in range(3):  # warm-up: both workers connect, import, cache
                status, body, _secs = dash.get(port, path, cookies[who])
            if status != 200:
                rows.append({"label": label, "who": who, "status": status})
                log(f"  {label}: HTTP {status}, not measured")
                return
            log(f"wrk {label} ({args.seconds} s): {path[:80]}")
            result = dash.wrk(port, path, cookies[who], args, args.seconds)
            result.update(label=label, who=who, size=len(body), status=status)
            rows.append(result)

        run("bare Django view (constant JSON)", "-", "/bench/bare/")
        for label, who, path in page_list:
            run(label, who, path)
    finally:
        proc.terminate()
        proc.wait(timeout=60)

    processes: list[dict] = []
    if args.pages_only:
        report(args, meta, s, version, size, rows, processes, summary)
        return
    longest_key = s["longest"][0]
    processes.append(
        timed(
            f"yinzheng ledger verify --chain {longest_key} ({s['longest'][1]:,} "
            "entries)",
            [sys.executable, "-m", "yinzheng", "ledger", "verify", "--chain",
             longest_key],
            env,
            args.runs,
        )
    )  # fmt: skip
    processes.append(
        timed(
            f"county {s['county']} register chains verified ({county_entries[0]:,} "
            f"chains, {county_entries[1]:,} entries)",
            [sys.executable, __file__, "--verify-county", s["county"]],
            env,
            1,
        )
    )
    if s["year"] is not None:
        processes.append(
            timed(
                f"yinzheng ledger archive --year {s['year']} --committee "
                f"{s['committee']} (both registers)",
                [sys.executable, "-m", "yinzheng", "ledger", "archive", "--year",
                 str(s["year"]), "--committee", s["committee"], "--note",
                 "（基准数据）"],
                env,
                1,
            )
        )  # fmt: skip
    if args.full_verify:
        processes.append(
            timed(
                "yinzheng ledger verify (everything)",
                [sys.executable, "-m", "yinzheng", "ledger", "verify"],
                env,
                1,
            )
        )
    report(args, meta, s, version, size, rows, processes, summary)


def report(args, meta, s, version, size, rows, processes, summary) -> None:
    counts = meta["counts"]
    print()
    print(
        f"{time.strftime('%Y-%m-%d')} · {os.cpu_count()} cores · {cpu_model()} · "
        f"Python {platform.python_version()} · {version} · database {size}"
    )
    print(
        f"data: province {meta['province']}, scale {meta.get('scale')}, "
        f"{meta['committees']:,} committees, {meta['cases']:,} cases "
        f"{meta['first']} – {meta['last']}; seal uses "
        f"{counts.get('rows seals_usagerequest', 0):,}, register entries "
        f"{counts.get('register entries', 0):,} in {counts.get('chains', 0):,} chains, "
        f"checkpoints {counts.get('checkpoints', 0):,}, QR tokens "
        f"{counts.get('QR tokens (paper certificates)', 0):,}, commitments "
        f"{counts.get('commitments', 0):,}, seals {counts.get('seals', 0):,}"
    )
    total = sum(meta["seconds"].values())
    print(
        "load: "
        + ", ".join(f"{k} {v:,.1f} s" for k, v in meta["seconds"].items())
        + f"; total {total:,.0f} s (plus migrate and import-divisions)"
    )
    print(
        f"measured: committee {s['committee']} ({s['entries']:,} entries), township "
        f"{s['township']}, county {s['county']}, archive year {s['year']}"
    )
    print()
    print(
        f"HTTP, gunicorn 2 sync workers, wrk {args.connections} connections, "
        f"{args.seconds} s each"
    )
    print("| page | as | requests | req/s | p50 ms | p99 ms | bytes | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "requests" not in r:
            print(f"| {r['label']} | {r['who']} | HTTP {r['status']} | | | | | |")
            continue
        print(
            f"| {r['label']} | {r['who']} | {r['requests']:,} | "
            f"{r['per_second']:,.1f} | {r['p50']:,.1f} | {r['p99']:,.1f} | "
            f"{r['size']:,} | {r['errors']} |"
        )
    print()
    print("| process | runs | median s | min s | output |")
    print("|---|---|---|---|---|")
    for p in processes:
        print(
            f"| {p['label']} | {p['runs']} | {p['median']:.2f} | {p['min']:.2f} | "
            f"{p['out'][:160]} |"
        )
    if summary:
        print(f"\nplans: {args.explain}")
        for line in summary:
            print(f"  {line}")


# The run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verify-county", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--cases", type=int, default=0, help="default 3M × scale")
    parser.add_argument(
        "--committees", type=int, default=0, help="default: all (fewer below 0.1)"
    )
    parser.add_argument("--province", default="61")
    parser.add_argument("--county", default="", help="default: the largest generated")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--work-share", type=float, default=2.9)
    parser.add_argument("--busy", type=int, default=40, help="busy communities")
    parser.add_argument("--busy-factor", type=float, default=25.0)
    parser.add_argument("--token-days", type=int, default=365, help="0: all")
    parser.add_argument("--seed", type=int, default=20261206)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", metavar="DATABASE")
    parser.add_argument("--no-measure", action="store_true")
    parser.add_argument(
        "--verify", action="store_true", help="run `yinzheng ledger verify` first"
    )
    parser.add_argument("--seconds", type=int, default=10, help="wrk per page")
    parser.add_argument("--connections", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="per timed process")
    parser.add_argument("--full-verify", action="store_true")
    parser.add_argument(
        "--pages-only", action="store_true", help="no archive, no ledger verify"
    )
    parser.add_argument("--explain", type=Path, help="write the plans here")
    parser.add_argument("--top", type=int, default=3, help="statements per page")
    args = parser.parse_args()
    if args.verify_county:
        verify_county(args.verify_county)
        return
    fraction = min(1.0, args.scale * 10)
    args.cases = args.cases or round(3_000_000 * args.scale)
    if not args.committees and fraction < 1:
        args.committees = max(20, round(COMMITTEES * fraction))
    args.busy = (max(1, round(args.busy * fraction)), args.busy_factor)
    # A fixed master key: the township keys made at load time still open on --reuse.
    os.environ.setdefault(
        "YINZHENG_MASTER_KEY",
        base64.urlsafe_b64encode(
            hashlib.sha256(b"yinzheng benchmark province").digest()
        ).decode(),
    )

    def measured(meta: dict, env: dict) -> None:
        if args.verify:
            log("yinzheng ledger verify")
            out, wall, _peak = yinzheng(["ledger", "verify", "--json"], env)
            found = json.loads(out)
            log(
                f"  {found['chains']:,} chains, {found['entries']:,} entries: "
                f"{'ok' if found['ok'] else 'BROKEN'} ({wall:.1f} s)"
            )
            if not found["ok"]:
                raise SystemExit("ledger verify found problems in the generated data")
        if not args.no_measure:
            measure(args, meta, env)

    dash.run(
        args,
        generate=lambda url: generate(args, url),
        measure=measured,
        prefix="yinzheng_prov_",
        wrk=not args.no_measure,
    )


if __name__ == "__main__":
    main()
