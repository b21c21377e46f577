"""Register throughput: appends per second and verification of a million entries, each
beside its floor in the same run.

    .venv/bin/python benchmarks/registers.py                  # PostgreSQL (default server)
    .venv/bin/python benchmarks/registers.py --postgres URL
    .venv/bin/python benchmarks/registers.py --sqlite         # SQLite, for comparison
    .venv/bin/python benchmarks/registers.py --entries 200000 # a smaller verify run

Migrates a scratch database (PostgreSQL: a fresh `yinzheng_bench_<random>` database on
the server, dropped afterwards; SQLite: a temporary data folder) and measures:

1. appends through `registers.register_append` (the real service: field checks, the
   one-matter rule, the chain head, hash, insert), each in its own transaction, by
   writer PROCESSES (never threads of one interpreter): one writer on one chain, then
   `--chains` writers each on its own committee's chain. Floors, the same way: the plain
   append (lock the head, insert the entry, move the head, commit) and a bare INSERT of
   a row of the same size, through raw psycopg with the hash computed by hashlib.
2. `ledger verify` of one chain of `--entries` entries against two floors: hashlib over
   exactly the same bytes already in memory, and reading the rows with COPY and hashing
   them in one Python process.

The million entries are written with COPY by a loader that computes the hashes
`services.append` computes (so `verify` accepts them); writing them is not measured.
"""

import argparse
import hashlib
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._scratch import run_on, server_url  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server URL")
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite instead")
    parser.add_argument("--appends", type=int, default=3200, help="appends per row")
    parser.add_argument("--chains", type=int, default=32, help="writer processes")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument(
        "--verify-runs", type=int, default=3, help="ledger verify runs (the median)"
    )
    args = parser.parse_args()
    run_on(
        lambda: run(args),
        postgres=None if args.sqlite else server_url(args.postgres),
        prefix="yz-bench-registers-",
    )


def fields(n: int) -> dict:
    return {
        "sealed_at": "2026-11-22 10:00",
        "content": f"村民代表会议决议第{n}号",
        "copies": 2,
        "approver": "王主任",
        "handler": "李经办",
        "reviewer": "李经办",
        "custodian": "赵保管",
        "category": "W1",
        "seal": "BENCH-01",
        "document_sha256": "a" * 64,
    }


# Writer processes ----------------------------------------------------------------------


def _service_writer(committee: str, count: int, tag: str) -> None:
    from yinzheng.registers.services import books as registers

    for i in range(count):
        registers.register_append(
            actor=None,
            committee_code=committee,
            register="work",
            matter=f"{tag}:{committee}:{i}",
            fields=fields(i),
        )


def _url() -> str:
    from yinzheng.core.db import postgres_url

    return postgres_url()


def _body(n: int, tag: str) -> str:
    from yinzheng.ledger.canonical import canonical

    return canonical(
        {
            "event": "register.entry",
            "subject": f"{tag}:{n}",
            "actor": None,
            "data": {"register": "work", "year": 2026, "fields": fields(n)},
        }
    )


def _raw_append_writer(committee: str, count: int, tag: str) -> None:
    """The plain append through raw psycopg: lock the head, insert, move the head."""
    import datetime as dt

    import psycopg

    from yinzheng.ledger.canonical import entry_hash
    from yinzheng.ledger.services import _at_text

    with psycopg.connect(_url()) as conn:
        key = f"raw:{tag}:{committee}"
        chain_id = conn.execute(
            "INSERT INTO ledger_chain (key, kind, division_id, head_seq, head_hash,"
            " created_at) VALUES (%s, 'register_work', %s, 0, %s, now()) RETURNING id",
            (key, committee, "0" * 64),
        ).fetchone()[0]
        conn.commit()
        for i in range(count):
            seq, prev = conn.execute(
                "SELECT head_seq, head_hash FROM ledger_chain WHERE id = %s FOR UPDATE",
                (chain_id,),
            ).fetchone()
            at = dt.datetime.now(dt.UTC)
            body = _body(i, f"{tag}:{committee}")
            digest = entry_hash(
                chain=key, seq=seq + 1, prev=prev, at=_at_text(at), body=body
            )
            conn.execute(
                "INSERT INTO ledger_entry (chain_id, seq, prev_hash, hash, recorded_at,"
                " event, subject, actor_id, body) VALUES (%s, %s, %s, %s, %s,"
                " 'register.entry', %s, NULL, %s)",
                (chain_id, seq + 1, prev, digest, at, f"{tag}:{committee}:{i}", body),
            )
            conn.execute(
                "UPDATE ledger_chain SET head_seq = %s, head_hash = %s WHERE id = %s",
                (seq + 1, digest, chain_id),
            )
            conn.commit()


def _raw_insert_writer(committee: str, count: int, tag: str) -> None:
    """A bare INSERT of a row the size of an entry, one per transaction."""
    import psycopg

    with psycopg.connect(_url()) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY,"
            " k text, h text, at timestamptz, body text)"
        )
        conn.commit()
        for i in range(count):
            body = _body(i, tag)
            conn.execute(
                "INSERT INTO bench_insert (k, h, at, body) VALUES (%s, %s, now(), %s)",
                (committee, hashlib.sha256(body.encode()).hexdigest(), body),
            )
            conn.commit()


WRITERS = {
    "service": _service_writer,
    "raw_append": _raw_append_writer,
    "raw_insert": _raw_insert_writer,
}


def _child(kind, committee, count, tag, barrier, times) -> None:
    import django

    django.setup()
    barrier.wait()
    start = time.perf_counter()
    WRITERS[kind](committee, count, tag)
    times.put((start, time.perf_counter()))


def timed(kind: str, committees: list[str], per_writer: int, tag: str) -> float:
    """Writer processes (one per committee) append at the same time; returns the
    wall-clock seconds from the first start to the last finish."""
    from django.db import connections

    connections.close_all()  # never share a connection with a forked child
    ctx = multiprocessing.get_context("fork")
    barrier, times = ctx.Barrier(len(committees)), ctx.Queue()
    procs = [
        ctx.Process(target=_child, args=(kind, code, per_writer, tag, barrier, times))
        for code in committees
    ]
    for proc in procs:
        proc.start()
    spans = [times.get() for _ in procs]
    for proc in procs:
        proc.join()
        if proc.exitcode:
            raise SystemExit(f"a {kind} writer failed ({proc.exitcode})")
    return max(end for _start, end in spans) - min(start for start, _end in spans)


# Verification --------------------------------------------------------------------------


def bulk_chain(key: str, committee: str, n: int) -> list[bytes]:
    """Write n entries with COPY, with the hashes services.append would compute;
    return the hash inputs (the bytes the floor hashes)."""
    import datetime as dt

    from django.db import connection, transaction

    from yinzheng.ledger.canonical import entry_material
    from yinzheng.ledger.models import GENESIS_HASH, Chain
    from yinzheng.ledger.services import _at_text

    chain = Chain.objects.create(key=key, kind="register_work", division_id=committee)
    prev = GENESIS_HASH
    at0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    materials: list[bytes] = []
    rows = []
    for seq in range(1, n + 1):
        at = _at_text(at0 + dt.timedelta(seconds=seq))
        body = _body(seq, "bench")
        material = entry_material(chain=key, seq=seq, prev=prev, at=at, body=body)
        digest = hashlib.sha256(material).hexdigest()
        materials.append(material)
        rows.append((chain.pk, seq, prev, digest, at, f"bench:{seq}", body))
        prev = digest
    columns = "chain_id, seq, prev_hash, hash, recorded_at, subject, body, event"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.connection.cursor().copy(
                f"COPY ledger_entry ({columns}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row((*row, "register.entry"))
        else:  # SQLite has no COPY
            cursor.executemany(
                f"INSERT INTO ledger_entry ({columns}) VALUES"
                " (%s, %s, %s, %s, %s, %s, %s, 'register.entry')",
                rows,
            )
    Chain.objects.filter(pk=chain.pk).update(head_seq=n, head_hash=prev)
    return materials


def copy_and_hash(chain_id: int) -> int:
    """The second floor: the rows read with COPY (text) and hashed in one process."""
    import psycopg

    from yinzheng.ledger.canonical import entry_material

    count = 0
    with psycopg.connect(_url()) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY (SELECT seq, prev_hash, hash, to_char(recorded_at AT TIME ZONE"
            " 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'), body FROM ledger_entry"
            f" WHERE chain_id = {int(chain_id)} ORDER BY seq) TO STDOUT"
        ) as copy:
            for seq, prev, stored, at, body in copy.rows():
                material = entry_material(
                    chain="bench:verify", seq=int(seq), prev=prev, at=at, body=body
                )
                if hashlib.sha256(material).hexdigest() != stored:
                    raise SystemExit(f"floor: entry {seq} does not hash")
                count += 1
    return count


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from benchmarks.lookup import database_version
    from yinzheng.core.tests.factories import division
    from yinzheng.ledger import services
    from yinzheng.ledger.models import Chain

    postgres = connection.vendor == "postgresql"
    committees = [f"620725101{n:03d}" for n in range(1, args.chains + 3)]
    for code in committees:
        division(code)
    n, many = args.appends, committees[1 : args.chains + 1]
    per = max(1, n // args.chains)
    rows = [
        (
            "register_append, one chain, 1 writer",
            n,
            timed("service", [committees[0]], n, "one"),
        )
    ]
    if postgres:
        rows.append(
            (
                "floor: plain append, raw psycopg, 1 writer",
                n,
                timed("raw_append", [committees[0]], n, "rawone"),
            )
        )
        rows.append(
            (
                "floor: bare INSERT, raw psycopg, 1 writer",
                n,
                timed("raw_insert", [committees[0]], n, "ins1"),
            )
        )
    rows.append(
        (
            f"register_append, {args.chains} chains, {args.chains} processes",
            per * args.chains,
            timed("service", many, per, "many"),
        )
    )
    if postgres:
        rows.append(
            (
                f"floor: plain append, raw psycopg, {args.chains} chains",
                per * args.chains,
                timed("raw_append", many, per, "rawmany"),
            )
        )
        rows.append(
            (
                f"floor: bare INSERT, raw psycopg, {args.chains} processes",
                per * args.chains,
                timed("raw_insert", many, per, "insmany"),
            )
        )
    for key in Chain.objects.filter(kind="register_work").values_list("key", flat=True):
        (report,) = services.verify(chain_key=key)
        assert report.ok, (key, report.breaks)

    print(
        f"{database_version()} · {os.cpu_count()} cores · writers are processes · "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print("| appends | entries | seconds | per second |")
    print("|---|---|---|---|")
    for label, count, secs in rows:
        print(f"| {label} | {count:,} | {secs:.2f} | {count / secs:,.0f} |")

    load_start = time.perf_counter()
    materials = bulk_chain("bench:verify", committees[-1], args.entries)
    load = time.perf_counter() - load_start
    chain = Chain.objects.get(key="bench:verify")
    connection.close()
    runs = []
    for _run in range(args.verify_runs):  # the median: the machine may be shared
        start = time.perf_counter()
        (report,) = services.verify(chain_key=chain.key)
        runs.append(time.perf_counter() - start)
        assert report.ok and report.entries == args.entries, report.breaks
    verify = sorted(runs)[len(runs) // 2]
    start = time.perf_counter()
    for material in materials:
        hashlib.sha256(material).hexdigest()
    floor = time.perf_counter() - start
    rows = [
        (f"ledger verify (every check), median of {len(runs)}", verify),
        ("floor: hashlib over the same bytes, in memory", floor),
    ]
    if postgres:
        start = time.perf_counter()
        assert copy_and_hash(chain.pk) == args.entries
        rows.append(
            (
                "floor: COPY the rows out and hash them, one process",
                time.perf_counter() - start,
            )
        )
    print()
    print(
        f"verify one chain of {args.entries:,} entries (COPY-loaded in {load:.1f} s) · "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print("| path | seconds | entries per second | × in-memory floor |")
    print("|---|---|---|---|")
    for label, secs in rows:
        print(
            f"| {label} | {secs:.2f} | {args.entries / secs:,.0f} | {secs / floor:.1f} |"
        )


if __name__ == "__main__":
    main()
