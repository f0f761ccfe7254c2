from typing import Any
from unittest import mock

import redis

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


def test_clients_follow_the_pool_chosen_for_reads_and_writes(require_redis: str) -> None:
    # Two servers: writes go to the first, reads to a replica; each pool keeps its client.
    cache = RedisCache(f"{require_redis},{require_redis}", {"KEY_PREFIX": "test-shared-client"})
    client: Any = cache._cache
    writer = client.get_client(write=True)
    reader = client.get_client(write=False)
    assert writer is client.get_client(write=True)
    assert reader is client.get_client(write=False)
    assert writer is not reader
    assert writer.connection_pool is client._get_connection_pool(True)
    assert reader.connection_pool is client._get_connection_pool(False)
