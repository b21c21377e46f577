"""Shared rate-limit counters (core.ratelimit, issue 15): exact across processes, on
the database and on Redis, so a limit of N lets exactly N through however many server
processes answer."""

import datetime as dt
import multiprocessing

import pytest
from django.db import connections
from django.test import RequestFactory

from yinzheng.core import clock, ratelimit
from yinzheng.core.web import over_rate

from .workers import redis_up

REDIS = "redis://127.0.0.1:6379/14"


@pytest.fixture(params=["database", "redis"])
def backend(request, settings):
    if request.param == "redis":
        if not redis_up():
            pytest.skip("needs Redis on 127.0.0.1:6379 (CI has it)")
        settings.CACHES = {
            "default": {
                "BACKEND": "yinzheng.core.cache.RedisCache",
                "LOCATION": REDIS,
                "KEY_PREFIX": f"test-{multiprocessing.current_process().pid}",
            }
        }
        from django.core.cache import cache

        cache.clear()
    return request.param


@pytest.mark.django_db
def test_a_counter_counts_each_hit_and_keys_are_apart(backend):
    assert [ratelimit.hit("t:a", 60) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.hit("t:b", 60) == 1


@pytest.mark.django_db
def test_an_ended_window_starts_again_at_one(backend, clock_at):
    if backend == "redis":
        pytest.skip("Redis expires keys by its own clock")
    clock_at(2026, 5, 1, 9)
    ratelimit.hit("t:w", 60)
    assert ratelimit.hit("t:w", 60) == 2
    clock_at(2026, 5, 1, 10)
    assert ratelimit.hit("t:w", 60) == 1


@pytest.mark.django_db
def test_the_page_limit_lets_exactly_the_limit_through(backend):
    request = RequestFactory().get("/v/x", REMOTE_ADDR="203.0.113.9")
    answers = [over_rate(request, "t:page", 5) for _ in range(8)]
    assert answers == [False] * 5 + [True] * 3


def _count(key: str, times: int, start, out) -> None:
    start.wait()
    out.put([ratelimit.hit(key, 60) for _ in range(times)])
    connections.close_all()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_processes_counting_at_once_lose_no_hit(backend):
    """Two server processes count the same client at the same moment: every count
    from 1 to the total is handed out once, so the limit holds across them."""
    connections.close_all()  # the children open their own connections
    ctx = multiprocessing.get_context("fork")
    start, out = ctx.Barrier(2), ctx.Queue()
    key = f"t:race:{dt.datetime.now().timestamp()}"
    procs = [ctx.Process(target=_count, args=(key, 150, start, out)) for _ in range(2)]
    for proc in procs:
        proc.start()
    counts = out.get(timeout=60) + out.get(timeout=60)
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    assert sorted(counts) == list(range(1, 301))
    assert clock.now()  # the parent's connection still works


@pytest.mark.django_db
def test_clearing_forgets_every_count(backend):
    ratelimit.hit("t:c", 60)
    ratelimit.hit("t:c", 60)
    ratelimit.clear()
    assert ratelimit.hit("t:c", 60) == 1


def test_the_redis_cache_keeps_one_client_per_pool(settings):
    """Django builds a client per operation (a third of a millisecond each): ours
    keeps them, and they still reach the same server."""
    if not redis_up():
        pytest.skip("needs Redis on 127.0.0.1:6379 (CI has it)")
    from django.core.cache import caches

    settings.CACHES = {
        "default": {"BACKEND": "yinzheng.core.cache.RedisCache", "LOCATION": REDIS}
    }
    cache = caches["default"]
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    cache.set("t:kept-client", 7)
    assert cache.get("t:kept-client") == 7


@pytest.mark.django_db
def test_a_hit_reads_cache_entries_with_it_in_one_round_trip(backend, monkeypatch):
    """The public verification page counts its visitor and reads its kept page at
    once: on Redis one round trip for both (issue 15); the answer is get_many's."""
    from django.core.cache import cache

    cache.set_many({"t:kept": ("stamp", "<html>"), "t:generation": 7})
    sent = []
    if backend == "redis":
        from redis.connection import Connection

        ratelimit.hit_reading("t:warm", 60, [])  # the server has the script from now

        original = Connection.send_packed_command

        def counting(self, *args, **kwargs):
            sent.append(1)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Connection, "send_packed_command", counting)
    count, found = ratelimit.hit_reading(
        "t:read", 60, ["t:kept", "t:generation", "t:absent"]
    )
    round_trips = len(sent)
    assert count == 1
    assert found == {"t:kept": ("stamp", "<html>"), "t:generation": 7}
    assert found == cache.get_many(["t:kept", "t:generation", "t:absent"])
    if backend == "redis":
        assert round_trips == 1, sent
        assert len(sent) == 2  # get_many: one more
    assert ratelimit.hit_reading("t:read", 60, [])[0] == 2


@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["redis"], indirect=True)
def test_a_redis_count_expires_with_its_window_and_survives_a_script_flush(backend):
    """The count and its expiry are one script on the server (issue 15): the window's
    first hit sets the expiry, later hits keep it; a server that forgot the script
    (restart, SCRIPT FLUSH) gets it again without losing a count."""
    from django.core.cache import cache

    assert ratelimit.hit_reading("t:ttl", 90, [])[0] == 1
    client = cache._cache.get_client(write=True)
    full = cache.make_key("rate:t:ttl")
    assert 0 < client.ttl(full) <= 90
    client.expire(full, 30)  # a later hit does not push the window on
    assert ratelimit.hit_reading("t:ttl", 90, ["t:none"]) == (2, {})
    assert client.ttl(full) <= 30
    client.script_flush()
    assert ratelimit.hit_reading("t:ttl", 90, [])[0] == 3
