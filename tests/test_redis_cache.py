import itertools
from typing import Any
from unittest import mock

import redis
from django.core.cache.backends import redis as django_redis

from config.redis_cache import RedisCache


def test_one_client_per_pool_serves_every_call(require_redis: str) -> None:
    cache = RedisCache(require_redis, {"KEY_PREFIX": "test-shared-client"})
    built = mock.Mock(wraps=redis.Redis)
    with mock.patch.object(cache._cache, "_client", built):
        cache.set("a", 1)
        cache.add("b", 2)
        assert cache.get("a") == 1
        assert cache.get("b") == 2
        cache.delete_many(["a", "b"])
        assert cache.get("a") is None
    # One for writes; reads go to the same (only) server, so the same pool and client.
    assert built.call_count == 1


def test_each_replica_read_goes_through_its_own_pool_and_client(require_redis: str) -> None:
    # Three servers: writes go to the first, each read to a replica Django picks at random
    # (here a fixed draw, so that the test is the same every run).
    servers = ",".join([require_redis] * 3)
    cache = RedisCache(servers, {"KEY_PREFIX": "test-shared-client"})
    client: Any = cache._cache
    writer = client.get_client(write=True)
    assert writer is client.get_client(write=True)
    assert writer.connection_pool is client._pools[0]
    readers = {}
    draws = itertools.cycle([1, 1, 2, 1, 2, 2])
    with mock.patch.object(django_redis.random, "randint", side_effect=draws):
        for _ in range(6):
            reader = client.get_client(write=False)
            index = next(i for i, pool in client._pools.items() if pool is reader.connection_pool)
            assert readers.setdefault(index, reader) is reader  # one client per pool
    assert set(readers) == {1, 2}  # both replicas served reads
