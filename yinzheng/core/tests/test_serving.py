"""Serving under slow clients (issue 13, finding 5): `yinzheng serve` and the sample
nginx configuration, run for real.

`yinzheng serve` starts once for the module (real gunicorn on a free port, a temporary
YINZHENG_DATA_DIR whose SQLite database the command migrates itself). Slow clients open
a connection, send the start of a request header and then one byte every 0.1 s, never
finishing it. The nginx tests skip, saying why, when nginx is not installed; .ci/run
installs it.
"""

import contextlib
import datetime as dt
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from yinzheng.core.management.commands import serve

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "deploy" / "nginx" / "yinzheng.conf"
WORKERS = 2
# What a visitor may wait for /verify/ while others crawl.
ANSWER_WITHIN = 3.0
STARTUP = 240.0  # migrating a fresh database on a loaded machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_ok() -> ssl.SSLContext:
    """TLS that accepts the test's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def get(
    port: int, path: str = "/verify/", *, timeout: float = ANSWER_WITHIN, tls=False
) -> tuple[int | None, float, http.client.HTTPResponse | None]:
    """GET on a fresh connection: the status (None when nothing came in time), the
    seconds it took, and the response."""
    if tls:
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", port, timeout=timeout, context=self_signed_ok()
        )
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.monotonic()
    try:
        conn.request("GET", path, headers={"Host": "localhost"})
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started, response
    except (OSError, http.client.HTTPException):  # OSError covers the timeout
        return None, time.monotonic() - started, None
    finally:
        conn.close()


class SlowClients:
    """Connections that send a request header one byte at a time and never end it."""

    START = b"GET /verify/ HTTP/1.1\r\nHost: localhost\r\nX-Slow: "

    def __init__(self, port: int, count: int, *, tls: bool = False):
        self.port, self.count, self.tls = port, count, tls
        self.sockets: list[socket.socket] = []
        self._stop = threading.Event()
        self._dripper = threading.Thread(target=self._drip, daemon=True)

    def __enter__(self) -> "SlowClients":
        context = self_signed_ok()
        for _ in range(self.count):
            raw = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            sock = context.wrap_socket(raw) if self.tls else raw
            sock.sendall(self.START)
            self.sockets.append(sock)
        self._dripper.start()
        time.sleep(0.5)  # every one of them is now being read, a byte at a time
        return self

    def _drip(self) -> None:
        while not self._stop.wait(0.1):
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.send(b"a")

    def still_waiting(self) -> int:
        """Stop dripping; how many of them the server had neither answered nor closed."""
        self._stop.set()
        self._dripper.join(timeout=2)
        waiting = 0
        for sock in self.sockets:
            sock.setblocking(False)
            try:
                # TLS sockets cannot peek; nothing more is read from them anyway.
                sock.recv(1) if self.tls else sock.recv(1, socket.MSG_PEEK)
            except (BlockingIOError, ssl.SSLWantReadError):
                waiting += 1  # neither an answer (400, 408) nor the end of stream
            except OSError:
                pass
            finally:
                sock.setblocking(True)
        return waiting

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._dripper.join(timeout=2)
        for sock in self.sockets:
            sock.close()


def server_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # A SQLite database of its own, so none of the test run's database services.
    for name in [
        "YINZHENG_DATABASE_URL",
        "YINZHENG_REPLICA_URLS",
        "YINZHENG_PGBOUNCER",
    ]:
        env.pop(name, None)
    for name in ["YINZHENG_WORKERS", "YINZHENG_THREADS", "YINZHENG_BIND"]:
        env.pop(name, None)  # serve's own defaults
    env.update(
        YINZHENG_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="yinzheng.settings",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextlib.contextmanager
def running(
    command: list[str], *, env: dict[str, str], ready, log: Path
) -> Iterator[subprocess.Popen]:
    """Start a server in its own process group, wait until `ready()`, stop it after."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP
        while not ready():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{command[:4]} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def answers(port: int, *, tls: bool = False) -> bool:
    return get(port, timeout=2, tls=tls)[0] == 200


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("serve-data")


@pytest.fixture(scope="module")
def served(data_dir, tmp_path_factory) -> Iterator[int]:
    """`yinzheng serve` with its defaults but the address: the port it answers on."""
    port = free_port()
    command = [sys.executable, "-m", "yinzheng.cli", "serve"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
    log = tmp_path_factory.mktemp("serve-log") / "serve.log"
    with running(
        command, env=server_env(data_dir), ready=lambda: answers(port), log=log
    ):
        for _ in range(4 * WORKERS):  # every worker past its first, slower, request
            get(port, timeout=10)
        yield port


def test_serve_runs_threaded_workers():
    argv = serve.gunicorn_argv(bind="127.0.0.1:1", workers=2, threads=8)
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert argv[argv.index("--threads") + 1] == "8"


def test_slow_header_clients_do_not_starve_verify(served):
    """Issue 13: three slow-header connections made /verify/ wait 18 s with 2 sync
    workers. Three times as many as there are workers now leave it answering. They are
    fewer than one worker's threads: a worker goes on accepting when its threads are
    all taken, so only that many are sure to leave room wherever they land."""
    assert 3 * WORKERS < serve.DEFAULT_THREADS
    with SlowClients(served, 3 * WORKERS) as slow:
        status, seconds, _ = get(served)
        assert status == 200, f"/verify/ did not answer within {ANSWER_WITHIN} s"
        assert slow.still_waiting() == 3 * WORKERS  # they did hold connections open


def test_slow_header_clients_starve_sync_workers(served, data_dir, tmp_path):
    """Issue 13, the finding itself: the same slow clients against the sync workers
    `serve` used to run, on the data `served` migrated, leave /verify/ unanswered. This
    shows the slow clients above do hold a server up."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(WORKERS), "--worker-class", "sync"]
    command += ["--graceful-timeout", "1", "yinzheng.wsgi:application"]
    with running(
        command,
        env=server_env(data_dir),
        ready=lambda: answers(port),
        log=tmp_path / "sync.log",
    ):
        with SlowClients(port, 3 * WORKERS):
            status, seconds, _ = get(port)
        assert status is None and seconds >= ANSWER_WITHIN - 0.1


# The nginx sample ---------------------------------------------------------------------

needs_nginx = pytest.mark.skipif(
    shutil.which("nginx") is None,
    reason="nginx is not installed (apt-get install nginx; .ci/run installs it)",
)


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def render_sample(text: str, swaps: dict[str, str]) -> str:
    """The sample with each of its placeholders swapped; each must occur, so a changed
    sample fails here instead of being tested half."""
    for old, new in swaps.items():
        assert old in text, f"{old!r} is no longer in {SAMPLE.name}"
        text = text.replace(old, new)
    return text


def nginx_command(prefix: Path, site: str, *, log_format: str = "") -> list[str]:
    """nginx running from `prefix` with `site` (the rendered sample) as its only
    configuration; `log_format` for the access log, else nginx's own."""
    (prefix / "yinzheng.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    )
    user = "user root root;\n" if os.geteuid() == 0 else ""  # read the 0700 temp dir
    logs = f"    log_format chosen '{log_format}';\n" if log_format else ""
    (prefix / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} warn;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        "    types { text/html html; text/css css; text/plain txt; }\n"
        f"{logs}    access_log {prefix / 'access.log'}{' chosen' if logs else ''};\n"
        f"{temp}\n"
        f"    include {prefix / 'yinzheng.conf'};\n"
        "}\n"
    )
    return ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")]


def nginx_in_front(
    prefix: Path, ports: list[int], https: int, data: Path, *, log_format: str = ""
) -> list[str]:
    """nginx with the sample configuration in front of the app servers on `ports`:
    HTTPS on `https` with a self-signed certificate made in `prefix`, the static files
    from the data folder `data` (the topology test and the load test)."""
    cert, key = self_signed(prefix)
    return nginx_command(
        prefix,
        render_sample(
            SAMPLE.read_text(),
            {
                "server 127.0.0.1:8000;": "\n    ".join(
                    f"server 127.0.0.1:{port};" for port in ports
                ),
                "listen 80;": f"listen 127.0.0.1:{free_port()};",
                "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
                "/etc/ssl/yinzheng/fullchain.pem": str(cert),
                "/etc/ssl/yinzheng/privkey.pem": str(key),
                "alias /srv/yinzheng/static/;": f"alias {data / 'static'}/;",
            },
        ),
        log_format=log_format,
    )


@pytest.fixture(scope="module")
def nginx(served, data_dir, tmp_path_factory) -> Iterator[dict[str, int]]:
    """nginx on the sample configuration in front of `served`: its two ports."""
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed")
    prefix = tmp_path_factory.mktemp("nginx")
    https_port, http_port = free_port(), free_port()
    cert, key = self_signed(prefix)
    site = render_sample(
        SAMPLE.read_text(),
        {
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{served};",
            "listen 80;": f"listen 127.0.0.1:{http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
            "/etc/ssl/yinzheng/fullchain.pem": str(cert),
            "/etc/ssl/yinzheng/privkey.pem": str(key),
            "alias /srv/yinzheng/static/;": f"alias {data_dir / 'static'}/;",
        },
    )
    command = nginx_command(prefix, site)
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    with running(
        [*command, "-g", "daemon off;"],
        env=dict(os.environ),
        ready=lambda: answers(https_port, tls=True),
        log=prefix / "nginx.out",
    ):
        yield {"https": https_port, "http": http_port}


@needs_nginx
def test_the_sample_nginx_proxies_to_serve_and_serves_static_itself(nginx, data_dir):
    status, _, response = get(nginx["https"], tls=True)
    assert status == 200 and response is not None
    assert "default-src" in (response.getheader("Content-Security-Policy") or "")
    # A file gunicorn's whitenoise never indexed (it appeared after start): only nginx
    # can answer it, from STATIC_ROOT.
    (data_dir / "static" / "probe-nginx.txt").write_text("static from nginx")
    status, _, response = get(nginx["https"], "/static/probe-nginx.txt", tls=True)
    assert status == 200 and response is not None
    assert response.getheader("Server", "").startswith("nginx")
    # Hashed names are cached for good (the nested location keeps the alias).
    manifest = json.loads((data_dir / "static" / "staticfiles.json").read_text())
    hashed = next(name for name in manifest["paths"].values() if name.endswith(".css"))
    status, _, response = get(nginx["https"], f"/static/{hashed}", tls=True)
    assert status == 200 and response is not None
    assert "immutable" in response.getheader("Cache-Control", "")
    status, _, response = get(nginx["http"], "/verify/?q=1")
    assert status == 301 and response is not None
    assert response.getheader("Location") == "https://localhost/verify/?q=1"


@needs_nginx
def test_slow_clients_wait_in_nginx_not_in_gunicorn(nginx):
    """Issue 13: behind the sample nginx, more slow clients than gunicorn has threads
    in all its workers still leave /verify/ answering, since nginx reads each header in
    full before it passes the request on."""
    crowd = WORKERS * serve.DEFAULT_THREADS + 4
    with SlowClients(nginx["https"], crowd, tls=True) as slow:
        status, _, _ = get(nginx["https"], tls=True)
        assert status == 200, f"/verify/ did not answer within {ANSWER_WITHIN} s"
        assert slow.still_waiting() == crowd
