"""Verification over HTTP on PostgreSQL, driven by wrk, beside its floor in the same run.

    .venv/bin/python benchmarks/verification.py                 # default server, Redis
    .venv/bin/python benchmarks/verification.py --seconds 20 --connections 8
    .venv/bin/python benchmarks/verification.py --no-redis      # the database cache

A fresh PostgreSQL database (`yinzheng_bench_<random>`, dropped afterwards): a county
root → township → electronic seal, one certificate PDF prepared, approved and signed
through the services (benchmarks/esign.py's set-up), a department account with an API
token. Then gunicorn with 2 sync workers (`--threads N`: gthread workers with N threads,
as `yinzheng serve` runs them with 8) serves the project plus
a bare Django JSON view (benchmarks/esign_server.py), and wrk (`--latency`, its own
threads, not Python) drives, each after a warm-up:

1. the floor: the bare view, through the same middleware;
2. the public page the QR code opens, `GET /v/<token>`;
3. the departments' API, `POST /api/esign/verifications/` (token, legal basis,
   purpose; each query is recorded and journaled, REQ-111).

The shared cache (rate limits, the verification cache) is Redis on
`--redis` (default redis://127.0.0.1:6379/15) as in a multi-node deployment, or the
database table with `--no-redis`. Rate limits are lifted so that one client address
can drive the server.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import _wrk  # noqa: E402
from benchmarks._scratch import run_on, server_url  # noqa: E402


def wrk(port: int, path: str, *, seconds: int, connections: int, script: str = ""):
    return _wrk.run(
        f"http://127.0.0.1:{port}{path}",
        connections=connections,
        seconds=seconds,
        script=script,
    )


def post_script(body: dict, token: str) -> str:
    """A wrk Lua script sending the API's POST."""
    path = Path(tempfile.mkstemp(prefix="yz-wrk-", suffix=".lua")[1])
    text = json.dumps(body, ensure_ascii=True)
    path.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(text)}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Token {token}"\n'
    )
    return str(path)


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from rest_framework.authtoken.models import Token

    from benchmarks.esign import bench_signing, start_server, world
    from benchmarks.lookup import database_version
    from yinzheng.esign import tokens

    load = os.getloadavg()  # other work on the machine, printed with the figures
    call_command("migrate", interactive=False, verbosity=0)
    seal, people = world()
    _rows, doc = bench_signing(seal, people, 2)
    api_token = Token.objects.create(user=people["department"]).key
    connections.close_all()
    port = 18500 + os.getpid() % 400
    proc = start_server(port, dict(os.environ), threads=args.threads)
    page = tokens.url_path(doc.token)
    script = post_script(
        {
            "token": doc.token,
            "legal_basis": "《社会保险法》第五十九条",
            "purpose": "核实居住情况",
        },
        api_token,
    )
    paths = [
        ("floor: bare Django JSON view", "/bench/bare/", ""),
        ("public page GET /v/<token>", page, ""),
        ("API POST /api/esign/verifications/", "/api/esign/verifications/", script),
    ]
    rows = []
    try:
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}{page}") as response:
            if 'data-verdict="valid"' not in response.read().decode():
                raise SystemExit("the benchmark certificate does not verify as valid")
        for label, path, lua in paths:
            wrk(port, path, seconds=2, connections=args.connections, script=lua)
            found = wrk(
                port,
                path,
                seconds=args.seconds,
                connections=args.connections,
                script=lua,
            )
            rows.append((label, found))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    cache = os.environ.get("YINZHENG_CACHE_URL") or "the database table"
    server = "sync workers"
    if args.threads > 1:
        server = f"gthread workers × {args.threads} threads"
    print(
        f"{database_version()} · {os.cpu_count()} cores · gunicorn 2 {server} · "
        f"wrk {args.connections} connections, {args.seconds} s · cache {cache} · "
        f"load average at the start {load[0]:.2f}, at the end "
        f"{os.getloadavg()[0]:.2f}"
    )
    print("| request | requests | per second | % of floor | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|")
    floor = rows[0][1]["per_second"]
    for label, r in rows:
        print(
            f"| {label} | {r['requests']:,} | {r['per_second']:,.0f} | "
            f"{100 * r['per_second'] / floor:.0f} % | {r['p50']:.2f} | "
            f"{r['p99']:.2f} | {r['errors']} |"
        )
    if any(r["errors"] for _label, r in rows):
        raise SystemExit("some requests failed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server URL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--no-redis", action="store_true")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per worker: 1 sync workers (default), more gthread workers "
        "as yinzheng serve runs them (8)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    os.environ["YINZHENG_VERIFY_RATE"] = str(10**9)  # one client address drives it
    os.environ["YINZHENG_API_USER_RATE"] = "100000000/min"
    os.environ.pop("YINZHENG_TSA_URL", None)
    if not args.no_redis:
        os.environ["YINZHENG_CACHE_URL"] = args.redis
    started = time.perf_counter()
    run_on(lambda: run(args), postgres=server_url(args.postgres), prefix="yz-bench-v-")
    print(f"({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
