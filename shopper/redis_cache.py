"""Django's Redis cache backend, with one redis-py client per server instead of one per call.

Django (5.2) builds a new `redis.Redis` for every cache operation (`RedisCacheClient.get_client`),
and redis-py's constructor fills a table of ~170 response callbacks each time: ~0.2 ms of CPU,
paid three times by every API request here (its throttle count, the failed-auth check and the
Kroger budget). A client is only a handle on its connection pool, and redis-py documents it as
safe to share between threads (a command takes a connection from the pool and gives it back), so
one client per pool runs the same commands on the same connections.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangosRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: str | None = None, *, write: bool = False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:  # two threads may both build one: either is as good
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangosRedisCache):
    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
