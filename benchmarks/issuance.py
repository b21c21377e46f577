"""End-to-end certificate issuance per second, with PDF rendering alone as the floor.

    .venv/bin/python benchmarks/issuance.py                 # SQLite, then PostgreSQL
    .venv/bin/python benchmarks/issuance.py --no-postgres
    .venv/bin/python benchmarks/issuance.py --postgres URL --count 200

For each database (a scratch one, dropped afterwards) it sets up a committee with a clerk,
a head, a custodian, a physical and an electronic seal and a county positive list, then
issues `--count` certificates of each kind through the real services, one after another:

    verify (render the certificate PDF, open and review the sealing request)
    → approve (the head; binds the PDF's SHA-256)
    → issue (the custodian; sealing, the certificate-register entry, and for the
      electronic seal the PAdES signature)

and reports certificates per second and p50/p99 of that path. In the same run it renders
the same certificates with `documents.render_certificate` alone: the floor no issuance
can beat. Intake (`request_create`, with the decision) is timed separately.
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._scratch import run_on, server_url  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server URL")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--one", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_on(
            lambda: run(args.count),
            postgres=server_url(args.postgres) if args.one == "postgres" else None,
            prefix="yz-bench-issuance-",
        )
        return
    # Settings are read when Django starts: one process per database.
    targets = ["sqlite"] if args.no_postgres else ["sqlite", "postgres"]
    for target in targets:
        command = [
            sys.executable,
            __file__,
            "--one",
            target,
            "--count",
            str(args.count),
        ]
        if args.postgres:
            command += ["--postgres", args.postgres]
        subprocess.run(command, check=True)


def _stats(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return (
        len(samples) / sum(samples),
        statistics.median(ordered) * 1000,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    )


def run(count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from benchmarks.lookup import database_version
    from yinzheng.certificates import documents, services
    from yinzheng.certificates.tests import factories as cf
    from yinzheng.core import clock
    from yinzheng.core.tests.factories import division
    from yinzheng.seals.choices import SealForm
    from yinzheng.seals.tests import factories as seal_factories

    tree = {"A1a": "620725101001", "A1b": "620725101201"}
    for code in tree.values():
        division(code)
    people = cf.committee_people(tree)
    seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=tree["A1a"],
    )
    seal_factories.in_use(
        officer=people.township,
        head=people.head,
        custodian=people.custodian,
        committee=tree["A1a"],
        form=SealForm.ELECTRONIC,
    )
    catalogue = cf.county_catalogue()

    rows = []
    for electronic in (False, True):
        intake, issue, floor = [], [], []
        for _ in range(count):
            t = time.perf_counter()
            req = cf.request(
                actor=people.clerk,
                committee=tree["A1a"],
                item=catalogue.simple,
                electronic=electronic,
            )
            intake.append(time.perf_counter() - t)
            t = time.perf_counter()
            services.request_verify(
                actor=people.clerk, request_id=req.pk, what="居住事实", how="入户查看"
            )
            services.request_approve(actor=people.head, request_id=req.pk)
            req = services.request_issue(actor=people.custodian, request_id=req.pk)
            issue.append(time.perf_counter() - t)
            assert req.status == "issued", req.status
            doc = documents.CertificateDoc(
                serial=req.serial,
                committee_name=req.committee.name,
                committee_code=req.committee_id,
                title=req.item_name,
                body=req.facts,
                resident_name=req.resident_name,
                id_number_masked="620725********1234",
                requiring_unit=req.requiring_unit,
                purpose=req.purpose,
                issue_date=clock.today(),
                electronic=electronic,
            )
            t = time.perf_counter()
            documents.render_certificate(doc)
            floor.append(time.perf_counter() - t)
        kind = "electronic (PAdES)" if electronic else "physical"
        rows.append((f"intake + decide(), {kind}", *_stats(intake)))
        rows.append((f"verify → approve → issue, {kind}", *_stats(issue)))
        rows.append((f"render_certificate alone, {kind}", *_stats(floor)))
    from yinzheng.core.pdf import cjk_font, font_is_embedded

    print(
        f"{database_version()} · {count} certificates per kind · font {cjk_font()}"
        f"{' (embedded)' if font_is_embedded() else ''} · {clock.today()}"
    )
    print("| path | per second | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    for label, rate, p50, p99 in rows:
        print(f"| {label} | {rate:,.1f} | {p50:,.1f} | {p99:,.1f} |")
    print()


if __name__ == "__main__":
    main()
