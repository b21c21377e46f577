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

from django.core.cache import cache
from django.db import transaction

SECONDS = 300
GENERATION = "esign:verdict-generation"


def key(token: str) -> str:
    return "esign:verdict:" + hashlib.sha256(token.encode()).hexdigest()[:40]


def forget(token: str) -> None:
    """Drop the cached verdict on this token (a withdrawal)."""
    cache.delete(key(token))
    transaction.on_commit(lambda: cache.delete(key(token)))


def forget_all() -> None:
    """Drop every cached verdict (a key revoked)."""

    def bump() -> None:
        try:
            cache.incr(GENERATION)
        except ValueError:  # no generation yet: any new value retires the entries
            cache.set(GENERATION, secrets.randbits(48), timeout=None)

    bump()
    transaction.on_commit(bump)
