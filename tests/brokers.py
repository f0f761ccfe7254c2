"""Helpers for the few tests that run a real Celery worker on a real broker."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import kombu.pools
from celery.contrib.testing.worker import start_worker
from django.db import connection

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


@contextmanager
def worker_running() -> Iterator[None]:
    """A real worker in a thread (solo pool). Its database connection outlives its tasks, as
    in service (ADR 0017), and its thread cannot be asked to close it: on PostgreSQL it is
    ended from here, or the test database could not be dropped at the end of the run."""
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
