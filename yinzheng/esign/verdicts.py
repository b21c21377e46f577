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


def _every_language(token: str) -> list[str]:
    return [key(token, code) for code, _name in settings.LANGUAGES]


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
        cache.set(key(token), kept, timeout=seconds)
    return kept


# A page rendered from a kept verdict (portal.views.verification): good while the
# verdict it was rendered from is (same stamp), so forgetting the verdict retires it.


def _page_key(token: str, variant: str) -> str:
    return f"{key(token)}:page:{hashlib.sha256(variant.encode()).hexdigest()[:16]}"


def page(token: str, variant: str) -> str | None:
    return page_from(cache.get_many(page_keys(token, variant)), token, variant)


def page_keys(token: str, variant: str) -> list[str]:
    """The cache entries a kept page is read from (one get_many)."""
    return [key(token), GENERATION, _page_key(token, variant)]


def page_from(found: dict, token: str, variant: str) -> str | None:
    """The kept page, from the entries page_keys named; None unless still good."""
    kept, rendered = found.get(key(token)), found.get(_page_key(token, variant))
    if not isinstance(kept, Kept) or not kept.fresh(found.get(GENERATION, 0)):
        return None
    if rendered is None or rendered[0] != kept.stamp:
        return None
    return str(rendered[1])


def keep_page(token: str, variant: str, kept: Kept, html: str) -> None:
    seconds = kept.seconds_left()
    if seconds > 0:
        cache.set(_page_key(token, variant), (kept.stamp, html), timeout=seconds)


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
