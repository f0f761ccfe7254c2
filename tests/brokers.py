"""Helpers for the few tests that run a real Celery worker on a real broker."""

import os
from urllib.parse import urlsplit, urlunsplit

import kombu.pools

from config.celery import app


def use_broker(url: str) -> None:
    """Point the app at another broker. Kombu keeps its pools in global registries keyed by
    URL; reset them all, so that no closed pool is handed out when a URL comes back."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


def private_redis_db(url: str) -> str:
    """Another database of the same Redis, one per process: a worker of a parallel test
    process must not take this test's messages to its own test database."""
    parts = urlsplit(url)
    given = int(parts.path.strip("/") or 0)
    private = (given + 1 + os.getpid() % 15) % 16
    return urlunsplit(parts._replace(path=f"/{private}"))
