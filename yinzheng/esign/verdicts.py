"""The cached verdicts on issued certificates (issue 15): keys and invalidation.

A certificate's verdict by its token (`verification.verify_token`) changes only when
the certificate is withdrawn (its token's entry is dropped), when a key of its chain is
revoked (every entry is dropped: the generation moves on), or when it expires (no
entry outlives the token's exp). What else a verdict says — whether a township
checkpoint covers the register entry yet, a register row altered behind the
triggers — is at most SECONDS old. Only verdicts on issued certificates whose token
verified are kept, so made-up tokens cannot fill the cache. An entry and the
generation are read in one cache round trip (get_many).

Each change drops entries at once and again when its transaction commits: a request
that judged the certificate in between saw the data from before the change."""

import hashlib
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from yinzheng.core import clock

SECONDS = 300
GENERATION = "esign:verdict-generation"


def key(token: str, language: str | None = None) -> str:
    """The entry of a verdict in one language (its reasons and checks are worded in
    the language of the request that judged it)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    digest = hashlib.sha256(token.encode()).hexdigest()[:40]
    return f"esign:verdict:{language}:{digest}"


def _mark_key(token: str, language: str | None = None) -> str:
    """The kept verdict's mark (Kept.mark), all a kept page needs to know it is
    still good: a few bytes to read instead of the whole verdict."""
    return f"{key(token, language)}:mark"


def _every_language(token: str) -> list[str]:
    return [
        k
        for code, _name in settings.LANGUAGES
        for k in (key(token, code), _mark_key(token, code))
    ]


@dataclass(frozen=True)
class Kept:
    """A kept verdict: the generation it was judged in, the token's exp, a stamp the
    pages rendered from it carry, and the verdict itself."""

    generation: int
    expires: int | None
    stamp: str
    value: Any

    def fresh(self, generation: int) -> bool:
        return self.generation == generation and (
            self.expires is None or clock.now().timestamp() < self.expires
        )

    def mark(self) -> str:
        """generation:expires:stamp, what `page_from` checks a kept page by."""
        return f"{self.generation}:{self.expires or ''}:{self.stamp}"

    def seconds_left(self) -> int:
        left = SECONDS
        if self.expires is not None:
            left = min(left, int(self.expires - clock.now().timestamp()))
        return max(left, 0)


def read(token: str) -> tuple[Kept | None, int]:
    """The kept verdict on `token` if still good, and the current generation."""
    found = cache.get_many([key(token), GENERATION])
    generation = found.get(GENERATION, 0)
    kept = found.get(key(token))
    if isinstance(kept, Kept) and kept.fresh(generation):
        return kept, generation
    return None, generation


def keep(token: str, value: Any, *, generation: int, expires: int | None) -> Kept:
    kept = Kept(generation, expires, secrets.token_hex(8), value)
    seconds = kept.seconds_left()
    if seconds > 0:
        cache.set_many({key(token): kept, _mark_key(token): kept.mark()}, seconds)
    return kept


# A page rendered from a kept verdict (portal.views.verification): good while the
# verdict it was rendered from is (same stamp), so forgetting the verdict retires it.
# Each process keeps the pages it served (PAGES_KEPT of them, as bytes) and reads only
# the verdict's mark and the generation with the visitor's rate count; the page itself
# comes from the cache only when this process has not got it.

PAGES_KEPT = 1000
_pages: dict[tuple[str, str], tuple[str, bytes]] = {}
_pages_lock = threading.Lock()


def _page_key(token: str, variant: str) -> str:
    return f"{key(token)}:page:{hashlib.sha256(variant.encode()).hexdigest()[:16]}"


def page(token: str, variant: str) -> bytes | None:
    return page_from(cache.get_many(page_keys(token, variant)), token, variant)


def page_keys(token: str, variant: str) -> list[str]:
    """The cache entries a kept page is read from (one get_many)."""
    keys = [_mark_key(token), GENERATION]
    if (token, variant) not in _pages:
        keys.append(_page_key(token, variant))
    return keys


def page_from(found: dict, token: str, variant: str) -> bytes | None:
    """The kept page, from the entries page_keys named; None unless still good."""
    mark = found.get(_mark_key(token))
    if not isinstance(mark, str):
        return None
    generation, expires, stamp = mark.split(":")
    if int(generation) != found.get(GENERATION, 0):
        return None
    if expires and clock.now().timestamp() >= float(expires):
        return None
    here = _pages.get((token, variant))
    if here is not None and here[0] == stamp:
        return here[1]
    rendered = found.get(_page_key(token, variant))
    if not isinstance(rendered, tuple) or rendered[0] != stamp:
        return None
    _keep_here(token, variant, rendered)
    return bytes(rendered[1])


def keep_page(token: str, variant: str, kept: Kept, html: bytes) -> None:
    seconds = kept.seconds_left()
    if seconds > 0:
        cache.set(_page_key(token, variant), (kept.stamp, html), timeout=seconds)
        _keep_here(token, variant, (kept.stamp, html))


def _keep_here(token: str, variant: str, entry: tuple[str, bytes]) -> None:
    with _pages_lock:  # a gthread worker's threads share the pages
        if len(_pages) >= PAGES_KEPT:
            _pages.pop(next(iter(_pages)))  # the oldest kept
        _pages[(token, variant)] = entry


def forget(token: str) -> None:
    """Drop the cached verdict on this token (a withdrawal)."""
    cache.delete_many(_every_language(token))
    transaction.on_commit(lambda: cache.delete_many(_every_language(token)))


def forget_all() -> None:
    """Drop every cached verdict (a key revoked)."""

    def bump() -> None:
        try:
            cache.incr(GENERATION)
        except ValueError:  # no generation yet: any new value retires the entries
            cache.set(GENERATION, secrets.randbits(48), timeout=None)

    bump()
    transaction.on_commit(bump)
