"""The Celery app and its whole beat schedule (django-celery-beat stores it in the database)."""

import os

from celery import Celery
from celery.schedules import crontab

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
