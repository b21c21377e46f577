"""Register throughput: appends per second and verification of a million entries.

    .venv/bin/python benchmarks/registers.py                  # PostgreSQL (default server)
    .venv/bin/python benchmarks/registers.py --postgres URL
    .venv/bin/python benchmarks/registers.py --sqlite         # SQLite, for comparison
    .venv/bin/python benchmarks/registers.py --entries 200000 # a smaller verify run

Migrates a scratch database (PostgreSQL: a fresh `yinzheng_bench_<random>` database on
the server, dropped afterwards; SQLite: a temporary data folder) and measures, in one run:

1. appends to ONE register chain through `registers.register_append` (the real service:
   validation, one-matter check, row lock on the chain head, hash, insert), from one
   writer, then from 8 concurrent writers queueing on the same head;
2. appends to MANY chains: 8 concurrent writers, each on its own committee's register;
3. `ledger verify` of one chain of N entries (default 1,000,000) — rows read from the
   database, every hash recomputed and compared — against the floor: raw `hashlib.sha256`
   over exactly the same bytes in a Python loop, no database, timed in the same run.

The million entries are written by a bulk loader that computes the same hashes as
`services.append` (so `verify` accepts them); writing them is not part of any figure.
"""

import argparse
import hashlib
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._scratch import run_on, server_url  # noqa: E402

WRITERS = 8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server URL")
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite instead")
    parser.add_argument("--appends", type=int, default=2000, help="appends per run")
    parser.add_argument("--entries", type=int, default=1_000_000)
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


def timed_appends(committees: list[str], per_writer: int, tag: str) -> float:
    """Writers (one per entry of `committees`, repeats allowed) append concurrently;
    returns the wall-clock seconds."""
    from django.db import connection

    from yinzheng.registers.services import books as registers

    errors: list[BaseException] = []
    barrier = threading.Barrier(len(committees))

    def writer(w: int, committee: str) -> None:
        try:
            barrier.wait()
            for i in range(per_writer):
                registers.register_append(
                    actor=None,
                    committee_code=committee,
                    register="work",
                    matter=f"{tag}:{w}:{i}",
                    fields=fields(i),
                )
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=writer, args=(w, c)) for w, c in enumerate(committees)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return elapsed


def bulk_chain(key: str, committee: str, n: int) -> list[bytes]:
    """Write n entries with the hashes services.append would compute; return the hash
    inputs (the bytes the floor hashes)."""
    import datetime as dt

    from yinzheng.ledger.canonical import canonical
    from yinzheng.ledger.models import GENESIS_HASH, Chain, Entry
    from yinzheng.ledger.services import _at_text

    chain = Chain.objects.create(key=key, kind="register_work", division_id=committee)
    prev = GENESIS_HASH
    at0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    materials: list[bytes] = []
    batch: list[Entry] = []
    for seq in range(1, n + 1):
        at = at0 + dt.timedelta(seconds=seq)
        body = canonical(
            {
                "event": "register.entry",
                "subject": f"bench:{seq}",
                "actor": None,
                "data": {"register": "work", "year": 2026, "fields": fields(seq)},
            }
        )
        material = canonical(
            {"chain": key, "seq": seq, "prev": prev, "at": _at_text(at), "body": body}
        ).encode("utf-8")
        digest = hashlib.sha256(material).hexdigest()
        materials.append(material)
        batch.append(
            Entry(
                chain=chain,
                seq=seq,
                prev_hash=prev,
                hash=digest,
                recorded_at=at,
                event="register.entry",
                subject=f"bench:{seq}",
                actor_id=None,
                body=body,
            )
        )
        prev = digest
        if len(batch) == 5000:
            Entry.objects.bulk_create(batch)
            batch = []
    if batch:
        Entry.objects.bulk_create(batch)
    Chain.objects.filter(pk=chain.pk).update(head_seq=n, head_hash=prev)
    return materials


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from benchmarks.lookup import database_version
    from yinzheng.core.tests.factories import division
    from yinzheng.ledger import services
    from yinzheng.ledger.models import Chain

    committees = [f"620725101{n:03d}" for n in range(1, WRITERS + 2)]
    for code in committees:
        division(code)
    rows = []
    n = args.appends
    t = timed_appends([committees[0]], n, "one")
    rows.append(("one chain, 1 writer", n, t))
    t = timed_appends([committees[0]] * WRITERS, n // WRITERS, "contended")
    rows.append((f"one chain, {WRITERS} concurrent writers", n // WRITERS * WRITERS, t))
    t = timed_appends(committees[1 : WRITERS + 1], n // WRITERS, "many")
    rows.append(
        (f"{WRITERS} chains, {WRITERS} concurrent writers", n // WRITERS * WRITERS, t)
    )
    for key in Chain.objects.filter(kind="register_work").values_list("key", flat=True):
        (report,) = services.verify(chain_key=key)
        assert report.ok, report.breaks

    print(f"{database_version()} · {os.cpu_count()} cores · register_append")
    print("| appends | entries | seconds | per second |")
    print("|---|---|---|---|")
    for label, count, secs in rows:
        print(f"| {label} | {count:,} | {secs:.2f} | {count / secs:,.0f} |")

    load_start = time.perf_counter()
    materials = bulk_chain("bench:verify", committees[-1], args.entries)
    load = time.perf_counter() - load_start
    chain = Chain.objects.get(key="bench:verify")
    start = time.perf_counter()
    report = services.verify_chain(chain)
    verify = time.perf_counter() - start
    assert report.ok and report.entries == args.entries, report.breaks
    start = time.perf_counter()
    for material in materials:
        hashlib.sha256(material).hexdigest()
    floor = time.perf_counter() - start
    print()
    print(f"verify one chain of {args.entries:,} entries (bulk-loaded in {load:.1f} s)")
    print("| path | seconds | entries per second | × floor |")
    print("|---|---|---|---|")
    print(
        f"| ledger verify (read + recompute + compare) | {verify:.2f} | "
        f"{args.entries / verify:,.0f} | {verify / floor:.1f} |"
    )
    print(
        f"| raw hashlib.sha256, same bytes, no database | {floor:.2f} | "
        f"{args.entries / floor:,.0f} | 1.0 |"
    )


if __name__ == "__main__":
    main()
