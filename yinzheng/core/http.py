"""One outbound HTTP POST for every message the system sends to another system: the
credit platform (REQ-084, REQ-086), the government-service platform (REQ-112) and the
SMS gateway (issue 16). The caller decides what an answer means; here nothing raises."""

import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class Posted:
    status: int | None  # the HTTP status, None when no answer came
    text: str  # the answer's body (its first 64 KB), "" without one
    error: str  # what went wrong, "" for a 2xx

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, body: bytes, *, headers: dict[str, str], timeout: float) -> Posted:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            text = response.read(65536).decode("utf-8", "replace")
            status = response.status
            error = "" if 200 <= status < 300 else f"HTTP {status}"
            return Posted(status, text, error)
    except urllib.error.HTTPError as exc:
        text = exc.read(4096).decode("utf-8", "replace")
        return Posted(exc.code, text, f"HTTP {exc.code}: {text[:300]}".strip())
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Posted(None, "", f"{type(exc).__name__}: {reason}"[:2000])
