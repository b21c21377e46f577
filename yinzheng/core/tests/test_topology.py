"""The multi-node topology of docs/operations.md, run for real (issue 15): a PostgreSQL
primary and a streaming replica on ports of their own (clusters this test makes with
initdb and pg_basebackup), Redis on loopback, two `yinzheng serve` processes behind
the sample nginx configuration.

It shows what the unit tests cannot: the public page read from the real replica, a
write (the holder's-name check, journaled) made on the primary and streamed to the
replica, and a rate limit holding across the two app processes the balancer spreads
requests over. It skips, saying why, where PostgreSQL's server programs, nginx or
Redis are missing (.ci/run has them)."""

import contextlib
import glob
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .test_serving import ROOT, free_port, nginx_in_front, running, self_signed_ok
from .workers import redis_up

REDIS_DB = "redis://127.0.0.1:6379/11"
RATE = 25  # public verification pages a minute per address


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _why_not() -> str:
    if _pg_bin() is None:
        return "PostgreSQL's server programs (initdb) are not installed"
    if shutil.which("nginx") is None:
        return "nginx is not installed (.ci/run installs it)"
    if not redis_up():
        return "Redis is not on 127.0.0.1:6379"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser to start PostgreSQL as postgres"
    return ""


pytestmark = [
    pytest.mark.postgres,  # in the PostgreSQL run only: it makes clusters of its own
    pytest.mark.skipif(bool(_why_not()), reason=_why_not() or "-"),
]


def _as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=True, **kwargs)


def _psql(port: int, sql: str, database: str = "yinzheng") -> str:
    done = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database]
        + ["-Atc", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[int, int]]:
    """(primary port, replica port): two clusters of their own, streaming."""
    pg = _pg_bin()
    assert pg is not None
    base = Path(tempfile.mkdtemp(prefix="yz-topology-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    primary, replica = base / "primary", base / "replica"
    p1, p2 = free_port(), free_port()
    try:
        _as_postgres(
            [str(pg / "initdb"), "-D", str(primary), "-U", "postgres"]
            + ["-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]
        )
        settings = (
            f"port = {p1}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{base}'\nwal_level = replica\n"
            "max_wal_senders = 4\nfsync = off\nshared_buffers = 32MB\n"
        )
        _as_postgres(["sh", "-c", f"cat >> {primary}/postgresql.conf"], input=settings)
        _as_postgres(
            ["sh", "-c", f"cat >> {primary}/pg_hba.conf"],
            input="host replication all 127.0.0.1/32 trust\n",
        )
        ctl = str(pg / "pg_ctl")
        _as_postgres(
            [ctl, "-D", str(primary), "-l", f"{base}/primary.log", "-w", "start"]
        )
        _as_postgres(
            [str(pg / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(p1)]
            + ["-U", "postgres", "-D", str(replica), "-R", "-X", "stream"]
        )
        _as_postgres(
            ["sh", "-c", f"cat >> {replica}/postgresql.conf"], input=f"port = {p2}\n"
        )
        _as_postgres(
            [ctl, "-D", str(replica), "-l", f"{base}/replica.log", "-w", "start"]
        )
        _psql(p1, "CREATE DATABASE yinzheng", database="postgres")
        yield p1, p2
    finally:
        for cluster in (replica, primary):
            if (cluster / "postmaster.pid").exists():
                with contextlib.suppress(subprocess.CalledProcessError):
                    _as_postgres(
                        [str(pg / "pg_ctl"), "-D", str(cluster), "-m", "fast", "stop"]
                    )
        shutil.rmtree(base, ignore_errors=True)


def _env(data: Path, p1: int, p2: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("YINZHENG_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        YINZHENG_DATA_DIR=str(data),
        YINZHENG_DATABASE_URL=f"postgresql://postgres@127.0.0.1:{p1}/yinzheng",
        YINZHENG_REPLICA_URLS=f"postgresql://postgres@127.0.0.1:{p2}/yinzheng",
        YINZHENG_REDIS_URL=REDIS_DB,
        YINZHENG_TRUSTED_PROXIES="127.0.0.1",
        YINZHENG_VERIFY_RATE=str(RATE),
        YINZHENG_ALLOWED_HOSTS="localhost",
        PYTHONUNBUFFERED="1",
    )
    return env


SET_UP = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
import sys
sys.path.insert(0, {root!r})
from benchmarks.esign import bench_signing, world
seal, people = world()
_rows, doc = bench_signing(seal, people, 1)
print("TOKEN", doc.token)
"""


@pytest.fixture(scope="module")
def site(clusters, tmp_path_factory) -> Iterator[dict]:
    """Two app processes behind nginx on the two clusters: nginx's HTTPS port, the
    certificate's token, and the clusters' ports."""
    p1, p2 = clusters
    data = tmp_path_factory.mktemp("topology-data")
    env = _env(data, p1, p2)
    import redis

    redis.Redis.from_url(REDIS_DB).flushdb()
    made = subprocess.run(
        [sys.executable, "-c", SET_UP.format(root=str(ROOT))],
        env={**env, "DJANGO_SETTINGS_MODULE": "yinzheng.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert made.returncode == 0, made.stderr[-3000:]
    found = re.search(r"^TOKEN (.+)$", made.stdout, re.M)
    assert found, (made.stdout[-2000:], made.stderr[-2000:])
    token = found.group(1)
    apps = [free_port(), free_port()]
    prefix = tmp_path_factory.mktemp("topology-nginx")
    https = free_port()
    nginx = nginx_in_front(
        prefix, apps, https, data, log_format="$upstream_addr $status"
    )
    with contextlib.ExitStack() as stack:
        for port in apps:
            command = [sys.executable, "-m", "yinzheng.cli", "serve"]
            command += ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
            stack.enter_context(
                running(
                    command,
                    env=env,
                    ready=lambda port=port: _status(port, "/verify/", tls=False) == 200,
                    log=prefix / f"serve-{port}.log",
                )
            )
        stack.enter_context(
            running(
                [*nginx, "-g", "daemon off;"],
                env=dict(os.environ),
                ready=lambda: _status(https, "/verify/") == 200,
                log=prefix / "nginx.out",
            )
        )
        yield {
            "https": https,
            "token": token,
            "primary": p1,
            "replica": p2,
            "log": prefix / "access.log",
        }


def _request(
    port: int, path: str, *, method: str = "GET", body: str = "", headers=None, tls=True
) -> tuple[int, dict[str, str], str]:
    conn: http.client.HTTPConnection
    if tls:
        conn = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=30, context=self_signed_ok()
        )
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            method,
            path,
            body=body or None,
            headers={"Host": "localhost", **(headers or {})},
        )
        response = conn.getresponse()
        headers: dict[str, str] = {}
        for name, value in response.getheaders():  # cookies: every one, joined
            name = name.lower()
            if name == "set-cookie":
                value = "; ".join(
                    filter(None, [headers.get(name), value.split(";")[0]])
                )
            headers[name] = value
        return response.status, headers, response.read().decode(errors="replace")
    finally:
        conn.close()


def _status(port: int, path: str, *, tls: bool = True) -> int | None:
    try:
        return _request(port, path, tls=tls)[0]
    except OSError:
        return None


def _page(site: dict) -> str:
    from yinzheng.esign import tokens

    return tokens.url_path(site["token"])


def _reads_on(port: int) -> int:
    return int(
        _psql(
            port,
            "SELECT coalesce(sum(idx_scan + seq_scan), 0) FROM pg_stat_user_tables"
            " WHERE relname = 'esign_signeddocument'",
        )
    )


def _eventually(check, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def test_the_public_page_is_read_from_the_replica(site):
    before_replica = _reads_on(site["replica"])
    before_primary = _reads_on(site["primary"])
    status, _headers, body = _request(site["https"], _page(site))
    assert status == 200 and 'data-verdict="valid"' in body
    assert _eventually(lambda: _reads_on(site["replica"]) > before_replica)
    assert _reads_on(site["primary"]) == before_primary


def test_a_name_check_is_written_on_the_primary_and_streamed_to_the_replica(site):
    status, _headers, body = _request(site["https"], _page(site))
    assert status == 200 and 'id="name-check"' in body
    count = "SELECT count(*) FROM ledger_entry WHERE event = 'esign.public_name_check'"
    before = int(_psql(site["primary"], count))
    status, _headers, body = _request(
        site["https"],
        _page(site),
        method="POST",
        body="name=%E5%BC%A0%E4%B8%89%E4%B8%B0",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            # The browser's: the page's own origin (nginx passes Host without port).
            "Origin": "https://localhost",
            "Referer": f"https://localhost{_page(site)}",
        },
    )
    assert status == 200, body[-2000:]
    assert "您输入的姓名与证明持有人一致" in body
    assert int(_psql(site["primary"], count)) == before + 1
    assert _eventually(lambda: int(_psql(site["replica"], count)) == before + 1)


def test_the_rate_limit_holds_across_both_app_processes(site):
    """nginx spreads the requests over the two processes; together they let exactly
    RATE a minute through (Redis counts), not RATE each."""
    for _attempt in range(3):
        minute = int(time.time() // 60)
        if time.time() % 60 > 45:  # too near the next minute: wait for it
            time.sleep(61 - time.time() % 60)
            continue
        seen = site["log"].read_text().count("\n")
        codes = [
            _request(site["https"], _page(site) + f"?n={n}")[0]
            for n in range(RATE + 10)
        ]
        if int(time.time() // 60) != minute:
            continue  # the burst crossed a minute: count again
        assert codes.count(429) >= 10 and codes.count(200) <= RATE
        assert codes == sorted(codes)  # every 429 after every 200
        served = site["log"].read_text().splitlines()[seen:]
        upstreams = {line.split()[0] for line in served if line.split()[-1] == "200"}
        assert len(upstreams) == 2, served  # both app processes answered
        return
    pytest.fail("could not fit the burst into one minute")


def test_the_app_nodes_share_their_sessions_and_cache_through_redis(site):
    import redis

    keys = redis.Redis.from_url(REDIS_DB).keys("yinzheng:*")
    names = {k.decode() for k in keys}
    assert any(":esign:verdict:" in n for n in names), names
    assert any(":rate:" in n for n in names), names
    assert json.dumps(sorted(names))  # readable in the failure message above
