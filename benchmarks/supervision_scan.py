"""The register scan (supervision alerts) over one county's year, against its floor.

    .venv/bin/python benchmarks/supervision_scan.py                    # SQLite
    .venv/bin/python benchmarks/supervision_scan.py --postgres [URL]   # scratch database
    YINZHENG_DATABASE_URL=postgresql://…/fresh_db \\
        .venv/bin/python benchmarks/supervision_scan.py                # that (empty) database
    .venv/bin/python benchmarks/supervision_scan.py --entries 50000 --profile

Migrates an empty database — SQLite in a temporary data folder by default; the database
of YINZHENG_DATABASE_URL when it is set (it must be fresh); with --postgres a new
`yinzheng_bench_<random>` database on that server (default $YINZHENG_BENCH_POSTGRES_URL,
else postgresql://postgres@127.0.0.1:5432/postgres), dropped afterwards — and writes one
county of the national codes (default 秦安县 620522: its first 10 townships, the first 15
committees of each) with a year (default 2025) of:

- register entries, half work and half certificate register (default 200,000 in all), in
  the chains the registers use (`register:<kind>:<committee>:<year>`, kind
  register_work / register_certificate, event "register.entry"), hashed exactly as
  `ledger.services.append` hashes them and numbered without gaps, so `ledger verify`
  accepts them; sealing in office hours on working days, a few outside;
- for every certificate-register entry its issued certificate request (serial, verifier,
  approver, custodian, the entry: what the database's checks demand of an issued one)
  and, for nearly all, the resident's confirmation;
- refused requests: positive-list refusals at about 2 %, negative-list refusals at 1 %;
- for every entry the sealed seal-use request it records (each names the other), one
  seal per committee, and the head's approval in the county's audit journal
  (`usage.approved`, hash-chained like the service's) before the sealing;
- planted patterns: a few committees sealing off hours often, leaving entries
  unconfirmed, refusing far above the county's median, a resident with six certificates
  in one month, a purpose given 35 times in one month, a negative-list refusal followed
  by another certificate for the same resident, two sealings whose approval the
  journal lacks (REQ-121) in every twelfth committee.

Rows are bulk-inserted (Django `bulk_create`, one committee at a time), as a plain
generator would.
Then it times `supervision.services.scan(county_codes=[county],
since=<year start>, until=<year end>)` — the first run, which raises the alerts, and the
second, which finds them all known — and, in the same run, each pattern alone and the
floor: the same rows read with plain SQL through the DB-API cursor (the register
entries with their chain, the unconfirmed ones, the group-by queries of the bursts and
the refusal rates, the refused-then-issued pairs, the sealings' requests and the
journaled approvals), fetched and nothing else done.
--profile prints where the first run spends its time (cProfile, top functions).
"""

import argparse
import datetime as dt
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._scratch import run_on, server_url  # noqa: E402
from benchmarks._supervision_data import (  # noqa: E402
    Generator,
    county_committees,
    make_divisions,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", nargs="?", const="", metavar="URL")
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--county", default="620522")
    parser.add_argument("--townships", type=int, default=10)
    parser.add_argument("--committees", type=int, default=15, help="per township")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--seed", type=int, default=20251231)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if os.environ.get("YINZHENG_DATABASE_URL") and args.postgres is None:
        import tempfile

        os.environ["YINZHENG_DATA_DIR"] = tempfile.mkdtemp(prefix="yz-bench-scan-")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yinzheng.settings")
        run(args)
        return
    postgres = None if args.postgres is None else server_url(args.postgres or None)
    run_on(lambda: run(args), postgres=postgres, prefix="yz-bench-scan-")


# The floor ----------------------------------------------------------------------------


def floor_queries(county: str, start: dt.datetime, end: dt.datetime, cutoff):
    """The scan's reads as plain SQL: (label, sql, params)."""
    from django.db import connection

    low, high = county, county.ljust(12, "9")
    kinds = ("register_work", "register_certificate")
    pg = connection.vendor == "postgresql"
    month = (
        "date_trunc('month', {col} AT TIME ZONE 'Asia/Shanghai')"
        if pg
        else "strftime('%%Y-%%m', datetime({col}, '+8 hours'))"
    )
    entries = (
        "FROM ledger_entry e JOIN ledger_chain c ON c.id = e.chain_id "
        "WHERE c.division_id >= %s AND c.division_id <= %s AND c.kind IN (%s, %s) "
        "AND e.event = 'register.entry'"
    )
    requests = (
        "FROM certificates_certificaterequest r "
        "WHERE r.committee_id >= %s AND r.committee_id <= %s"
    )
    return [
        (
            "register entries of the year (off hours)",
            "SELECT e.id, c.division_id, c.key, e.seq, e.recorded_at "
            f"{entries} AND e.recorded_at >= %s AND e.recorded_at < %s",
            [low, high, *kinds, start, end],
        ),
        (
            "certificate entries unconfirmed",
            "SELECT e.id, c.division_id, c.key, e.seq, e.recorded_at "
            "FROM ledger_entry e JOIN ledger_chain c ON c.id = e.chain_id "
            "LEFT JOIN ledger_confirmation f ON f.entry_id = e.id "
            "WHERE c.division_id >= %s AND c.division_id <= %s "
            "AND c.kind = 'register_certificate' AND e.event = 'register.entry' "
            "AND f.id IS NULL AND e.recorded_at < %s",
            [low, high, cutoff],
        ),
        *(
            (
                f"issued per committee, {column}, month (bursts)",
                f"SELECT r.committee_id, r.{column}, "
                f"{month.format(col='r.issued_at')} AS m, COUNT(*) {requests} "
                f"AND r.issued_at >= %s AND r.issued_at < %s AND r.{column} <> '' "
                f"GROUP BY r.committee_id, r.{column}, m HAVING COUNT(*) >= %s",
                [low, high, start, end, threshold],
            )
            for column, threshold in (("id_number", 5), ("purpose", 30))
        ),
        (
            "negative-list refusals, then issues to them",
            "SELECT r.id, r.committee_id, r.id_number, r.item_id, r.refused_at, "
            "i.id, i.item_id, i.issued_at FROM certificates_certificaterequest r "
            "JOIN certificates_certificaterequest i ON i.committee_id = r.committee_id "
            "AND i.id_number = r.id_number AND i.issued_at >= %s "
            "WHERE r.committee_id >= %s AND r.committee_id <= %s "
            "AND r.status = 'refused' AND r.intake_class = 'negative' "
            "AND r.refused_at >= %s AND r.refused_at < %s",
            [start, low, high, start, end],
        ),
        (
            "sealings' seal-use requests (REQ-121)",
            "SELECT u.id, u.register_entry_id, u.approver_id FROM seals_usagerequest u "
            "WHERE u.committee_id >= %s AND u.committee_id <= %s",
            [low, high],
        ),
        (
            "the head's journaled approvals (REQ-121)",
            "SELECT a.subject, a.recorded_at, a.body FROM ledger_entry a "
            "JOIN ledger_chain c ON c.id = a.chain_id "
            "WHERE c.key = %s AND a.event = 'usage.approved'",
            [f"audit:{county}"],
        ),
        (
            "positive-list requests and refusals per committee, month",
            f"SELECT r.committee_id, {month.format(col='r.received_at')} AS m, "
            "COUNT(*), SUM(CASE WHEN r.status = 'refused' THEN 1 ELSE 0 END) "
            f"{requests} AND r.intake_class = 'positive' "
            "AND r.received_at >= %s AND r.received_at < %s GROUP BY r.committee_id, m",
            [low, high, start, end],
        ),
    ]


def run_floor(county, start, end, cutoff) -> list[tuple[str, int, float]]:
    from django.db import connection

    out = []
    for label, sql, params in floor_queries(county, start, end, cutoff):
        # As the ORM passes them: SQLite stores UTC text, PostgreSQL takes them as they are.
        params = [
            connection.ops.adapt_datetimefield_value(p)
            if isinstance(p, dt.datetime)
            else p
            for p in params
        ]
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        out.append((label, len(rows), time.perf_counter() - t0))
    return out


# The run ------------------------------------------------------------------------------


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from benchmarks.lookup import database_version
    from yinzheng.core import clock
    from yinzheng.core.codes import subtree_q
    from yinzheng.ledger import services as ledger
    from yinzheng.ledger.models import Chain, Entry
    from yinzheng.supervision.models import Alert
    from yinzheng.supervision.services import alerts, settings_for

    if Entry.objects.filter(event="register.entry").exists():
        raise SystemExit("the database is not empty: give a fresh one")
    townships, committees = county_committees(
        args.county, args.townships, args.committees
    )
    t0 = time.perf_counter()
    with transaction.atomic():
        make_divisions(args.county, townships, committees)
        generator = Generator(args, committees)
        for index, (code, _name) in enumerate(committees):
            generator.committee(index, code)
    generated = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    some = Chain.objects.filter(kind="register_certificate").first()
    assert some is not None and ledger.verify_chain(some).ok

    since, until = dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)
    scanned = (
        Entry.objects.filter(subtree_q(args.county, "chain__division_id"))
        .filter(event="register.entry")
        .count()
    )
    print(
        f"{database_version()} · {os.cpu_count()} cores · county {args.county}: "
        f"{len(committees)} committees in {args.townships} townships · "
        f"generated in {generated:.1f} s"
    )
    print("  " + ", ".join(f"{k} {v:,}" for k, v in generator.counts.items()))

    def scan():
        return alerts.scan(county_codes=[args.county], since=since, until=until)

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t0 = time.perf_counter()
    first = scan()
    first_s = time.perf_counter() - t0
    if profiler is not None:
        profiler.disable()
    t0 = time.perf_counter()
    second = scan()
    second_s = time.perf_counter() - t0
    assert second.raised == 0, second

    window = alerts.Window(
        args.county, since, until, clock.now(), settings_for(args.county)
    )
    patterns = []
    for pattern in alerts.PATTERNS:
        t0 = time.perf_counter()
        hits = pattern(window)
        patterns.append((pattern.__name__, len(hits), time.perf_counter() - t0))
    start, end = window.datetimes()
    cutoff = window.now - dt.timedelta(days=window.setting.unconfirmed_days)
    floor = run_floor(args.county, start, end, cutoff)
    floor_s = sum(s for _l, _n, s in floor)

    print()
    print(f"scan of {scanned:,} register entries ({since} – {until})")
    print("| run | seconds | entries per second | × floor | alerts |")
    print("|---|---|---|---|---|")
    for label, secs, result in (
        ("scan, first run (raises)", first_s, first),
        ("scan, second run (all known)", second_s, second),
    ):
        print(
            f"| {label} | {secs:.2f} | {scanned / secs:,.0f} | "
            f"{secs / floor_s:.1f} | raised {result.raised:,}, "
            f"refreshed {result.refreshed:,}, unchanged {result.unchanged:,} |"
        )
    print(
        f"| floor: the same reads in plain SQL | {floor_s:.2f} | "
        f"{scanned / floor_s:,.0f} | 1.0 | |"
    )
    print()
    print("| pattern alone (read-only) | hits | seconds |")
    print("|---|---|---|")
    for name, hits, secs in patterns:
        print(f"| {name} | {hits:,} | {secs:.3f} |")
    print()
    print("| floor query | rows | seconds |")
    print("|---|---|---|")
    for label, rows, secs in floor:
        print(f"| {label} | {rows:,} | {secs:.3f} |")
    print()
    counts = defaultdict(int)
    for kind in Alert.objects.values_list("kind", flat=True):
        counts[kind] += 1
    print(
        "alerts by kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
    )
    if profiler is not None:
        import pstats

        print()
        print("first run, cProfile (cumulative):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        print("first run, cProfile (own time):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
