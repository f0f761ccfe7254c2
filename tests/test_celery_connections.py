"""A worker's database connection lasts from task to task, by Django's rule for requests."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection, connections

from config.celery import app
from tests.brokers import use_broker

seen: list[object] = []


@app.task(name="tests.connection_note")  # type: ignore[untyped-decorator]
def connection_note(*, break_it: bool = False) -> None:
    connection.ensure_connection()
    seen.append(connection.connection)  # the object itself: its id cannot be reused
    if break_it:
        connection.errors_occurred = True
        connection.is_usable = lambda: False  # as a connection the server has dropped


def notes_after(count: int) -> list[object]:
    for _ in range(100):
        if len(seen) >= count:
            break
        time.sleep(0.05)
    return list(seen)


@pytest.fixture
def worker(monkeypatch):
    """A real worker (solo pool, its own thread, so its own connection) on an in-memory
    broker; its connections live for a minute, as in service."""
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 60)
    seen.clear()
    previous = app.conf.broker_url
    use_broker("memory://")
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        use_broker(previous)


@pytest.mark.django_db(transaction=True)
def test_tasks_in_a_row_share_one_database_connection(worker):
    for _ in range(3):
        connection_note.delay()
    notes = notes_after(3)
    assert len(notes) == 3
    assert notes[0] is notes[1] is notes[2]


@pytest.mark.django_db(transaction=True)
def test_a_broken_connection_is_replaced_before_the_next_task(worker):
    connection_note.delay(break_it=True)
    connection_note.delay()
    notes = notes_after(2)
    assert len(notes) == 2
    assert notes[0] is not notes[1]
