"""The departments' verification API in process: statements a query, CPU a query, and
a cProfile of the whole request.

    .venv/bin/python benchmarks/api_profile.py                 # PostgreSQL + Redis
    .venv/bin/python benchmarks/api_profile.py -n 1000 --no-profile

A fresh PostgreSQL database (`yinzheng_bench_<random>`, dropped afterwards) with the
certificate of benchmarks/verification.py, and Django's test client posting the same
query as its wrk script (token, legal basis, purpose) with the department's API token:
after 20 warm-ups, the SQL statements of one query (CaptureQueriesContext), then
wall and CPU time (`time.process_time`) a query over `-n` queries, three times, then
(unless --no-profile) cProfile over `-n` more, sorted by cumulative and by own time.
Sealings of the query journal (esign.journal, every 100th query) fall inside the
measured queries as they do in a server.
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks._scratch import run_on, server_url  # noqa: E402


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from benchmarks.esign import bench_signing, world

    call_command("migrate", interactive=False, verbosity=0)
    seal, people = world()
    _rows, doc = bench_signing(seal, people, 2)
    key = Token.objects.create(user=people["department"]).key
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    body = json.dumps(
        {
            "token": doc.token,
            "legal_basis": "《社会保险法》第五十九条",
            "purpose": "核实居住情况",
        }
    )

    def one() -> None:
        response = client.post(
            "/api/esign/verifications/", body, content_type="application/json"
        )
        assert response.status_code == 201, response.content

    for _ in range(20):
        one()
    with CaptureQueriesContext(connection) as queries:
        one()
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"statements in one query: {len(queries.captured_queries)}")
    for q in queries.captured_queries:
        print(f"  {float(q['time']) * 1000:6.2f} ms  {q['sql'][:110]}")
    for _round in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.n):
            one()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"a query: wall {wall / args.n * 1000:.2f} ms, "
            f"CPU {cpu / args.n * 1000:.2f} ms"
        )
    if args.no_profile:
        return
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.n):
        one()
    profile.disable()
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(50)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server URL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("-n", type=int, default=300, help="queries a round")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    os.environ["YINZHENG_VERIFY_RATE"] = str(10**9)
    os.environ["YINZHENG_API_USER_RATE"] = "100000000/min"
    os.environ.pop("YINZHENG_TSA_URL", None)
    if not args.no_redis:
        os.environ["YINZHENG_CACHE_URL"] = args.redis
    run_on(lambda: run(args), postgres=server_url(args.postgres), prefix="yz-prof-")


if __name__ == "__main__":
    main()
