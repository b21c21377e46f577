"""wrk, the HTTP load tool the benchmarks drive servers with (its own threads, not
Python, so the client is never the bottleneck): run it and read its figures."""

import re
import subprocess

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if match is None:
        raise ValueError(text)
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def _found(pattern: str, out: str) -> str:
    match = re.search(pattern, out)
    if match is None:
        raise ValueError(f"wrk printed no {pattern!r}:\n{out}")
    return match.group(1)


def run(
    url: str,
    *,
    connections: int,
    seconds: int,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    script: str = "",
    timeout: str = "30s",
) -> dict:
    """requests, per_second, p50 and p99 (ms) and errors (non-2xx/3xx answers and
    socket errors) of one wrk run against `url`."""
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s"]
    command += ["--timeout", timeout, "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script:
        command += ["-s", script]
    command.append(url)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = {
        "requests": int(_found(r"(\d+) requests in", out)),
        "per_second": float(_found(r"Requests/sec:\s+([\d.]+)", out)),
        "p50": _ms(_found(r"\s50%\s+(\S+)", out)),
        "p99": _ms(_found(r"\s99%\s+(\S+)", out)),
        "errors": 0,
    }
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        found["errors"] += int(bad.group(1))
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    if socket:
        found["errors"] += sum(int(x) for x in socket.groups())
    return found
