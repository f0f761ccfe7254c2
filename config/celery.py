"""The Celery app and its whole beat schedule (django-celery-beat stores it in the database)."""

import os
from typing import Any

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _every_minutes(minutes: int) -> crontab:
    return crontab(minute=f"*/{minutes}")


def _beat_schedule() -> dict[str, dict[str, object]]:
    from django.conf import settings

    return {
        "deadlines-sweep": {
            "task": "workflow.deadlines_sweep",
            "schedule": _every_minutes(settings.DEADLINE_SWEEP_MINUTES),
        },
        "notifications-dispatch": {
            "task": "notifications.dispatch",
            "schedule": crontab(),  # every minute
        },
        "retention-apply": {
            "task": "workflow.retention_apply",
            "schedule": crontab(hour=settings.RETENTION_HOUR, minute=30),  # daily
        },
    }


@app.on_after_configure.connect  # type: ignore[untyped-decorator]
def _install_beat_schedule(sender: Celery, **kwargs: object) -> None:
    sender.conf.beat_schedule = _beat_schedule()


@task_prerun.connect  # type: ignore[untyped-decorator]
@task_postrun.connect  # type: ignore[untyped-decorator]
def _database_connections_tidy(sender: Task, **kwargs: Any) -> None:
    """A worker keeps its database connection from task to task by the rule a web process
    follows between requests: closed once older than ``CONN_MAX_AGE``, left in a transaction,
    or broken, and checked before reuse (``CONN_HEALTH_CHECKS``). Celery would close it after
    every task (``CELERY_DB_REUSE_MAX`` in settings turns that off), and a new PostgreSQL
    connection cost each letter ~20 ms of database CPU (ADR 0017). An eager task runs inside
    its caller's request or test, whose connection is not the task's to close."""
    if not getattr(sender.request, "is_eager", False):
        close_old_connections()
