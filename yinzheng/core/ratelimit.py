"""Rate-limit counters that every server process shares, counted exactly (issue 15).

`hit(key, seconds)` counts one event under `key` and returns the count so far, this one
included; the key lives `seconds` from its first event (callers put the window, such
as the minute, in the key). One round trip, atomic whichever process or machine
counts, so a limit of N lets exactly N through across all of them:

- with Redis as the cache (YINZHENG_REDIS_URL / YINZHENG_CACHE_URL): INCR, and EXPIRE
  when the window starts, in one Lua script (EVALSHA);
- otherwise a row of core_ratecounter: INSERT … ON CONFLICT DO UPDATE … RETURNING, on
  PostgreSQL and SQLite alike; expired rows are removed when a new key starts.

The views count before any transaction of theirs opens, so a count stands whatever the
request does next: a limit counts attempts. (Counted inside a transaction, the
database's count is that transaction's and goes if it rolls back.)"""

import datetime as dt
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from yinzheng.core import clock

_UPSERT = """
INSERT INTO core_ratecounter (key, count, expires_at) VALUES (%s, 1, %s)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN core_ratecounter.expires_at <= %s THEN 1
                 ELSE core_ratecounter.count + 1 END,
    expires_at = CASE WHEN core_ratecounter.expires_at <= %s THEN excluded.expires_at
                      ELSE core_ratecounter.expires_at END
RETURNING count
"""


def _on_redis() -> bool:
    from django.core.cache import caches

    return isinstance(caches["default"], RedisCache)


def hit(key: str, seconds: int) -> int:
    if _on_redis():
        return _redis_hit(key, seconds)
    now = clock.now()
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, now + dt.timedelta(seconds=seconds), now, now])
        (count,) = cursor.fetchone()
        if count == 1:  # a new window: clear the ones that ended
            cursor.execute("DELETE FROM core_ratecounter WHERE expires_at <= %s", [now])
    return int(count)


def _redis_hit(key: str, seconds: int) -> int:
    count, _found = _redis_hit_reading(key, seconds, [])
    return count


def hit_reading(key: str, seconds: int, reads: list[str]) -> tuple[int, dict]:
    """`hit`, and the cache entries `reads` (cache.get_many's answer) with it: on Redis
    in the same round trip (issue 15: the public verification page counts its visitor
    and reads its kept page at once), otherwise one after the other."""
    if _on_redis():
        return _redis_hit_reading(key, seconds, reads)
    return hit(key, seconds), cache.get_many(reads) if reads else {}


# One command, not a pipeline of three (issue 15): the count, its expiry when the window
# starts, and the entries read with it. Atomic on the server, so the expiry is never
# missed; and half the client's work of a pipeline (one command packed, one answer).
_HIT_READING = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if #KEYS == 1 then return {count, {}} end
return {count, redis.call('MGET', unpack(KEYS, 2))}
"""
_script: list[Any] = []  # redis-py's Script, made with the first client


def _redis_hit_reading(key: str, seconds: int, reads: list[str]) -> tuple[int, dict]:
    full = cache.make_key(f"rate:{key}")
    backend = cache._cache  # type: ignore[attr-defined]
    # Django's Redis cache writes and reads on one server (the first of
    # YINZHENG_REDIS_URL's), so the counter and the entries share a connection.
    client = backend.get_client(full, write=True)
    if not _script:
        _script.append(client.register_script(_HIT_READING))
    names = [cache.make_key(name) for name in reads]
    # EVALSHA on this request's client; the script loads itself if the server
    # forgot it (a restart, SCRIPT FLUSH).
    count, values = _script[0](keys=[full, *names], args=[seconds], client=client)
    found = {}
    for name, value in zip(reads, values, strict=True):
        if value is not None:
            found[name] = backend._serializer.loads(value)
    return int(count), found


def clear() -> None:
    """Forget every count (the tests; an administrator after a false alarm)."""
    if _on_redis():
        pattern = cache.make_key("rate:*")
        client = cache._cache.get_client(pattern, write=True)  # type: ignore[attr-defined]
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_ratecounter")
