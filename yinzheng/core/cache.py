"""Django's Redis cache, with its client objects kept (issue 15).

Django's RedisCacheClient builds a new `redis.Redis` for every operation; building one
copies redis-py's table of ~170 response callbacks, about a third of a millisecond —
more than the round trip to Redis, and most of a rate-limited, cached page's time
(measured on /v/). A `redis.Redis` is safe to share between threads (it takes a
connection from its pool for each command), so one per pool is kept instead."""

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django_client: Any = self  # its private helpers are not in the type stubs
        index = django_client._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = django_client._get_connection_pool(write)
            client = self._clients.setdefault(
                index, django_client._client(connection_pool=pool)
            )
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
