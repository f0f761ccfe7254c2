"""A worker's database connection lasts from task to task, by Django's rule for requests.

Around each task a worker runs Celery's own Django hooks (``DjangoWorkerFixup``, which a
worker installs as it starts) and the signal handlers of ``config/celery.py``; here they
are run in the same order around a plain function, on this test's connection.
"""

from collections.abc import Callable

import pytest
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_postrun, task_prerun
from django.db import connection

from config.celery import app
from workflow.tasks import deadlines_sweep_task as a_task


@pytest.fixture
def as_in_a_worker(monkeypatch) -> Callable[[Callable[[], None]], None]:
    """Run a function as a worker runs a task; connections live for a minute, as in service."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    connection.close()  # the next connection takes the setting
    fixup = DjangoWorkerFixup(app)

    def run(work: Callable[[], None]) -> None:
        task_prerun.send(sender=a_task, task_id="t", task=a_task)
        fixup.on_task_prerun(sender=a_task)
        work()
        fixup.on_task_postrun(sender=a_task)
        task_postrun.send(sender=a_task, task_id="t", task=a_task)

    return run


def _used() -> object:
    connection.ensure_connection()
    return connection.connection


@pytest.mark.django_db(transaction=True)
def test_tasks_in_a_row_share_one_database_connection(as_in_a_worker) -> None:
    seen = []
    for _ in range(3):
        as_in_a_worker(lambda: seen.append(_used()))

    assert seen[0] is seen[1] is seen[2]


@pytest.mark.django_db(transaction=True)
def test_a_broken_connection_is_replaced_before_the_next_task(as_in_a_worker, monkeypatch):
    seen = []

    def break_it() -> None:
        seen.append(_used())
        connection.errors_occurred = True
        monkeypatch.setattr(connection, "is_usable", lambda: False)  # the server dropped it

    as_in_a_worker(break_it)
    as_in_a_worker(lambda: seen.append(_used()))

    assert seen[0] is not seen[1]
