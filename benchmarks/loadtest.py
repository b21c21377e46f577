"""Load test at a county's peak (issue 15): locust against nginx in front of N
`yinzheng serve` processes on PostgreSQL and Redis, N = 1, then N = 2.

    .venv/bin/pip install -e '.[test,bench]'          # locust is in the bench extra
    .venv/bin/python benchmarks/loadtest.py
    .venv/bin/python benchmarks/loadtest.py --users 30 --seconds 20   # a quick look
    .venv/bin/python benchmarks/loadtest.py --apps 1 2 3 --locust-processes 2

1. **The county**, on a fresh PostgreSQL database (`yinzheng_bench_<random>` on
   `--postgres`'s server, dropped afterwards): the demo (`yinzheng demo`'s data: 山丹县's
   128 committees, its published list, the demo accounts), then through the services
   and the tests' factories `--committees` committees across its townships, each with
   a clerk, a second clerk, a head and a custodian, a physical and an electronic seal
   in use, and `--certificates` certificates issued among them (half electronic, every
   one with its QR token) plus as many cases still open (the status page's codes).
   The staff are logged in (a session each, as after a morning login).
2. **The servers**, for each N of `--apps`: N `yinzheng serve` processes with
   `--workers` gunicorn workers of `--threads` threads each, sharing Redis
   (`YINZHENG_REDIS_URL`, `--redis`: cache, sessions, rate counters; flushed before
   each N) and the database, behind nginx running the sample configuration
   (deploy/nginx/yinzheng.conf, HTTPS, as core/tests/test_topology.py runs it).
3. **The load**, locust headless (`benchmarks/_locustfile.py`): `--users` users
   spawned at `--spawn-rate`, residents : departments : committee offices = 10 : 1 : 3
   by weight, for `--seconds` after spawning (statistics reset once every user is
   spawned). `--locust-processes` > 1 runs locust's own workers.

Rate limits are lifted for the run, since every request reaches the application from
nginx's one address: `YINZHENG_VERIFY_RATE`, `YINZHENG_STATUS_RATE`,
`YINZHENG_API_ANON_RATE` and `YINZHENG_API_USER_RATE` at a billion. Login throttling
does not apply (nobody logs in during the run).

It prints, for each N, requests a second, p50 and p99 per request type, failures, and
the CPU each party used (cores: CPU seconds over wall seconds) — the app processes,
nginx, locust, the database's connections to this database, Redis, and the machine.
A failure is a finding: locust's own failure table is printed and the script exits
non-zero.
"""

import argparse
import base64
import contextlib
import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._scratch import run_on, server_url  # noqa: E402

COUNTY = "620725"  # 山丹县, the demo's county
# The demo's own committees keep its stories (an open handover, an abolished seal).
DEMO_COMMITTEES = {"620725101001", "620725101201", "620725101012"}
LIFTED = str(10**9)
TICKS = os.sysconf("SC_CLK_TCK")


# 1. The county -------------------------------------------------------------------------


def _committees(count: int) -> list[str]:
    """`count` active committees of the county, taken in turn from each township."""
    from yinzheng.core.codes import Level
    from yinzheng.divisions.models import Division

    by_township: dict[str, list[str]] = {}
    for code in (
        Division.objects.filter(
            code__startswith=COUNTY, level=Level.COMMITTEE, status="active"
        )
        .exclude(code__in=DEMO_COMMITTEES)
        .order_by("code")
        .values_list("code", flat=True)
    ):
        by_township.setdefault(code[:9], []).append(code)
    chosen: list[str] = []
    while len(chosen) < count and any(by_township.values()):
        for codes in by_township.values():
            if codes and len(chosen) < count:
                chosen.append(codes.pop(0))
    return chosen


def county(committees: int, certificates: int) -> dict:
    """Make the county; the plan the locust users read."""
    from types import SimpleNamespace

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from yinzheng.accounts.choices import Role
    from yinzheng.accounts.models import User
    from yinzheng.catalogue.models import Item
    from yinzheng.certificates.tests import factories as cf
    from yinzheng.core.tests import factories as f
    from yinzheng.core.tests.files import pdf_bytes
    from yinzheng.demo.loader import load_demo
    from yinzheng.esign import tokens
    from yinzheng.esign.models import SignedDocument
    from yinzheng.seals.choices import SealForm
    from yinzheng.seals.tests import factories as seal_factories

    call_command("migrate", interactive=False, verbosity=0)
    load_demo()
    items = [
        Item.objects.get(key=key)
        for key in [
            "sample_actual_residence",
            "sample_land_contract",
            "sample_collective_membership",
            "sample_dispute_mediation",
        ]
    ]

    def session(user: User) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    offices, staff, townships = [], [], {}
    for code in _committees(committees):
        if code[:9] not in townships:
            townships[code[:9]] = f.user(
                f"lt{code[:9]}", role=Role.TOWNSHIP, at=code[:9]
            )
        township = townships[code[:9]]
        people = SimpleNamespace(
            clerk=f.user(f"lt{code}c", role=Role.CLERK, at=code),
            reviewer=f.user(f"lt{code}r", role=Role.CLERK, at=code),
            head=f.user(f"lt{code}h", role=Role.HEAD, at=code),
            custodian=f.user(f"lt{code}k", role=Role.CUSTODIAN, at=code),
        )
        seal = seal_factories.in_use(
            officer=township,
            head=people.head,
            custodian=people.custodian,
            committee=code,
        )
        seal_factories.in_use(
            officer=township,
            head=people.head,
            custodian=people.custodian,
            committee=code,
            form=SealForm.ELECTRONIC,
        )
        staff.append((code, people))
        offices.append(
            {
                "committee": code,
                "seal": seal.pk,
                **{
                    role: session(getattr(people, role))
                    for role in ["clerk", "reviewer", "head", "custodian"]
                },
            }
        )
    serials, codes = [], []
    for n in range(certificates):
        code, people = staff[n % len(staff)]
        req = cf.issued(people, code, items[n % len(items)], electronic=n % 2 == 0)
        serials.append(req.serial)
        codes.append(req.tracking_code)
        opened = cf.request(actor=people.clerk, committee=code, item=items[0])
        codes.append(opened.tracking_code)
    raw = list(
        SignedDocument.objects.filter(serial__in=serials).values_list(
            "token", flat=True
        )
    )
    assert len(raw) == len(serials), "an issued certificate has no token"
    department = User.objects.get(username="gongan")  # the demo's 县公安局
    return {
        "offices": offices,
        "raw_tokens": raw,
        "tokens": [tokens.url_path(token) for token in raw],
        "codes": codes,
        "items": [{"key": item.key, "name": item.name} for item in items],
        "id_numbers": [
            cf.id_number(f"{2002 + n % 7}0{1 + n % 9}15") for n in range(50)
        ],
        "api_token": Token.objects.get_or_create(user=department)[0].key,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "document": base64.b64encode(
            pdf_bytes("Notice: residents' representatives meeting")
        ).decode(),
    }


# 2. CPU --------------------------------------------------------------------------------


def _processes() -> list[tuple[int, int, str, int]]:
    """(pid, session id, command line, CPU ticks) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        ticks = int(fields[11]) + int(fields[12])  # utime + stime
        found.append((int(entry.name), int(fields[3]), cmdline, ticks))
    return found


def _machine_busy() -> float:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / TICKS


class CPU:
    """CPU seconds per party between start() and stop(), from /proc (processes that
    were alive at both ends)."""

    def __init__(self, parties):
        self.parties = parties  # name → predicate(session, cmdline)

    def _sample(self) -> dict[str, dict[int, int]]:
        sample: dict[str, dict[int, int]] = {name: {} for name in self.parties}
        for pid, session, cmdline, ticks in _processes():
            for name, belongs in self.parties.items():
                if belongs(session, cmdline):
                    sample[name][pid] = ticks
        return sample

    def start(self) -> None:
        self.began, self.busy, self.first = (
            time.monotonic(),
            _machine_busy(),
            self._sample(),
        )

    def stop(self) -> dict[str, float]:
        last, wall = self._sample(), time.monotonic() - self.began
        cores = {
            name: sum(
                ticks - self.first[name].get(pid, 0)
                for pid, ticks in last[name].items()
            )
            / TICKS
            / wall
            for name in self.parties
        }
        cores["machine"] = (_machine_busy() - self.busy) / wall
        return cores


# 3. A run ------------------------------------------------------------------------------


def _stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as rows:
        return list(csv.DictReader(rows))


def _rows(path: str) -> list[dict]:
    with contextlib.suppress(FileNotFoundError):
        with open(path, newline="") as rows:
            return list(csv.DictReader(rows))
    return []


def one_run(apps: int, plan_path: Path, args, work: Path) -> dict:
    import redis

    from yinzheng.core.tests.test_serving import free_port, nginx_in_front, running
    from yinzheng.core.tests.test_topology import _status

    redis.Redis.from_url(args.redis).flushdb()
    data = Path(os.environ["YINZHENG_DATA_DIR"])
    prefix = work / f"apps{apps}"
    prefix.mkdir()
    https = free_port()
    host = f"https://127.0.0.1:{https}"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("YINZHENG_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        YINZHENG_DATA_DIR=str(data),
        YINZHENG_DATABASE_URL=os.environ["YINZHENG_DATABASE_URL"],
        YINZHENG_REDIS_URL=args.redis,
        YINZHENG_TRUSTED_PROXIES="127.0.0.1",
        YINZHENG_ALLOWED_HOSTS="127.0.0.1,localhost",
        YINZHENG_HTTPS="1",
        YINZHENG_CSRF_TRUSTED_ORIGINS=host,
        YINZHENG_VERIFY_RATE=LIFTED,
        YINZHENG_STATUS_RATE=LIFTED,
        YINZHENG_API_ANON_RATE=f"{LIFTED}/min",
        YINZHENG_API_USER_RATE=f"{LIFTED}/min",
        PYTHONUNBUFFERED="1",
    )
    ports = [free_port() for _ in range(apps)]
    nginx = nginx_in_front(
        prefix, ports, https, data, log_format="$upstream_addr $status $request_time"
    )
    with contextlib.ExitStack() as stack:
        servers = []
        for port in ports:
            command = [sys.executable, "-m", "yinzheng.cli", "serve", "--no-migrate"]
            command += ["--bind", f"127.0.0.1:{port}"]
            command += ["--workers", str(args.workers), "--threads", str(args.threads)]
            servers.append(
                stack.enter_context(
                    running(
                        command,
                        env=env,
                        ready=lambda port=port: (
                            _status(port, "/verify/", tls=False) == 200
                        ),
                        log=prefix / f"serve-{port}.log",
                    )
                )
            )
        web = stack.enter_context(
            running(
                [*nginx, "-g", "daemon off;"],
                env=dict(os.environ),
                ready=lambda: _status(https, "/verify/") == 200,
                log=prefix / "nginx.out",
            )
        )
        plan = json.loads(plan_path.read_text())
        for path in plan["tokens"][:4] * 4:  # every worker past its first request
            _status(https, path)
        app_sessions = {server.pid for server in servers}
        database = urlsplit(os.environ["YINZHENG_DATABASE_URL"]).path.lstrip("/")
        locust = [
            sys.executable, "-m", "locust",
            "-f", str(ROOT / "benchmarks" / "_locustfile.py"),
            "--headless", "--only-summary", "--reset-stats",
            "-u", str(args.users), "-r", str(args.spawn_rate),
            "-t", f"{args.seconds + args.users // args.spawn_rate + 1}s",
            "--stop-timeout", "10",
            "--host", host,
            "--csv", str(prefix / "locust"),
        ]  # fmt: skip
        if args.locust_processes > 1:
            locust += ["--processes", str(args.locust_processes)]
        with (prefix / "locust.log").open("wb") as log:
            load = subprocess.Popen(
                locust,
                env={**os.environ, "YINZHENG_LOADTEST_PLAN": str(plan_path)},
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        cpu = CPU(
            {
                "app": lambda session, _cmd: session in app_sessions,
                "nginx": lambda session, _cmd: session == web.pid,
                "locust": lambda session, _cmd: session == load.pid,
                # The connections to this database (…: user database host(port)).
                "postgres": lambda _s, cmd: (
                    cmd.startswith("postgres: ") and f" {database} " in cmd
                ),
                "redis": lambda _s, cmd: cmd.startswith("redis-server"),
            }
        )
        time.sleep(args.users / args.spawn_rate + 1)  # spawning; statistics reset
        cpu.start()
        time.sleep(args.seconds - 1)  # every party still running at both ends
        cores = cpu.stop()
        load.wait(timeout=120)
    return {
        "stats": _stats(prefix / "locust"),
        "failures": _rows(f"{prefix / 'locust'}_failures.csv"),
        # Errors of the users' own code, counted nowhere else.
        "exceptions": _rows(f"{prefix / 'locust'}_exceptions.csv"),
        "cores": cores,
        "dir": prefix,
    }


# 4. The report -------------------------------------------------------------------------


def report(runs: dict[int, dict], args) -> bool:
    from benchmarks.lookup import database_version

    print(
        f"{database_version()} · {os.cpu_count()} cores · nginx (sample configuration, "
        f"HTTPS) → N × `yinzheng serve --workers {args.workers} --threads "
        f"{args.threads}` · Redis {args.redis} · locust {args.users} users "
        f"({args.locust_processes} process{'es' if args.locust_processes > 1 else ''}),"
        f" {args.seconds} s after spawning"
    )
    print()
    print("| N | requests | req/s | failures | p50 ms | p99 ms | app cores | nginx | "
          "locust | postgres | redis | machine |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    ok = True
    for apps, run in runs.items():
        total = next(r for r in run["stats"] if r["Name"] == "Aggregated")
        c = run["cores"]
        print(
            f"| {apps} | {int(total['Request Count']):,} | "
            f"{float(total['Requests/s']):,.1f} | {total['Failure Count']} | "
            f"{total['50%']} | {total['99%']} | {c['app']:.2f} | {c['nginx']:.2f} | "
            f"{c['locust']:.2f} | {c['postgres']:.2f} | {c['redis']:.2f} | "
            f"{c['machine']:.2f} |"
        )
        ok = ok and int(total["Failure Count"]) == 0
    print()
    names = [
        r["Name"]
        for r in next(iter(runs.values()))["stats"]
        if r["Name"] != "Aggregated"
    ]
    header = " | ".join(f"N={apps} req/s | p50 / p99 ms | fail" for apps in runs)
    print(f"| request | {header} |")
    print("|---|" + "---|---|---|" * len(runs))
    for name in sorted(names, key=_order):
        cells = []
        for run in runs.values():
            row = next((r for r in run["stats"] if r["Name"] == name), None)
            if row is None:
                cells.append("– | – | –")
                continue
            cells.append(
                f"{float(row['Requests/s']):,.1f} | {row['50%']} / {row['99%']} | "
                f"{row['Failure Count']}"
            )
        print(f"| {name} | {' | '.join(cells)} |")
    for apps, run in runs.items():
        if run["failures"]:
            print(f"\nFailures with N={apps} (logs in {run['dir']}):")
            for row in run["failures"]:
                print(
                    f"  {row['Occurrences']} × {row['Method']} {row['Name']}: {row['Error']}"
                )
        if run["exceptions"]:
            ok = False
            print(f"\nErrors in the locust users with N={apps}:")
            for row in run["exceptions"]:
                print(f"  {row['Count']} × {row['Message']}")
    return ok


def _order(name: str) -> tuple[int, str]:
    who = name.split(":")[0]
    ranks = ["resident", "department", "clerk", "reviewer", "head", "custodian"]
    return (ranks.index(who) if who in ranks else len(ranks), name)


def run(args) -> None:
    import django

    django.setup()
    from django.db import connections

    started = time.perf_counter()
    plan = county(args.committees, args.certificates)
    connections.close_all()
    work = Path(tempfile.mkdtemp(prefix="yz-loadtest-"))
    plan_path = work / "plan.json"
    plan_path.write_text(json.dumps(plan))
    print(
        f"(set-up: {time.perf_counter() - started:.0f} s; {len(plan['offices'])} "
        f"offices, {len(plan['tokens'])} certificates, {len(plan['codes'])} cases; "
        f"logs in {work})",
        flush=True,
    )
    runs = {apps: one_run(apps, plan_path, args, work) for apps in args.apps}
    if not report(runs, args):
        raise SystemExit("some requests failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server URL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--apps", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--workers", type=int, default=1, help="per app process")
    parser.add_argument("--threads", type=int, default=8, help="per worker")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--locust-processes", type=int, default=1)
    parser.add_argument("--committees", type=int, default=12)
    parser.add_argument("--certificates", type=int, default=120)
    args = parser.parse_args()
    if shutil.which("nginx") is None:
        raise SystemExit("nginx is not installed (apt-get install nginx)")
    if importlib.util.find_spec("locust") is None:
        raise SystemExit("locust is not installed: pip install -e '.[test,bench]'")
    os.environ.pop("YINZHENG_TSA_URL", None)
    os.environ.pop("YINZHENG_REPLICA_URLS", None)
    os.environ["YINZHENG_REDIS_URL"] = args.redis  # the set-up's sessions too
    run_on(
        lambda: run(args), postgres=server_url(args.postgres), prefix="yz-bench-load-"
    )


if __name__ == "__main__":
    main()
