"""The Celery app: the whole beat schedule is declared, and a real worker on real Redis runs it."""

import time
from datetime import date

import pytest
import redis
from celery.contrib.testing.worker import start_worker

from complaints.choices import Status
from complaints.models import Complaint, DeadlineBreach
from config.celery import app
from tests.brokers import private_redis_db, use_broker
from tests.factories import ComplaintFactory, received_on
from workflow.tasks import deadlines_sweep_task


def test_beat_schedule_runs_the_deadline_sweep(settings):
    schedule = app.conf.beat_schedule
    assert schedule["deadlines-sweep"]["task"] == "workflow.deadlines_sweep"
    assert "workflow.deadlines_sweep" in app.tasks
    assert deadlines_sweep_task.name == "workflow.deadlines_sweep"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_worker_on_real_redis_runs_the_sweep(require_redis):
    complaint = ComplaintFactory.in_state(
        Status.IN_HANDLING, received_at=received_on(date(2026, 10, 1))
    )
    previous = app.conf.broker_url
    broker = private_redis_db(require_redis)
    redis.Redis.from_url(broker).flushdb()
    use_broker(broker)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = deadlines_sweep_task.apply_async(
                kwargs={"at": "2026-12-01T08:00:00+02:00"}, ignore_result=False
            )
            # Results are not stored (ignore_result); wait on the database instead.
            for _ in range(100):
                complaint.refresh_from_db()
                if complaint.overdue:
                    break
                time.sleep(0.1)
    finally:
        use_broker(previous)
    assert result.id
    assert Complaint.objects.get(pk=complaint.pk).overdue
    assert DeadlineBreach.objects.filter(complaint=complaint, tier="overdue").count() == 1
