"""The Celery app: the whole beat schedule is declared, and a real worker on real Redis runs it."""

import logging
import time
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
import redis
import time_machine
from django.core import mail

from complaints.choices import Status
from complaints.models import Complaint, DeadlineBreach
from config.celery import app
from notifications.choices import NotificationStatus
from notifications.models import Notification
from tests.brokers import private_redis_db, use_broker, worker_running
from tests.factories import ComplaintFactory, received_on
from workflow.tasks import deadlines_sweep_task

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _root_log_level_kept():
    """A test worker may set the root logger's level (to ERROR) for the rest of the process;
    later tests that look for warnings in ``caplog`` would see none."""
    root = logging.getLogger()
    level = root.level
    yield
    root.setLevel(level)


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
        with worker_running():
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


def test_beat_schedule_applies_retention_daily(settings):
    entry = app.conf.beat_schedule["retention-apply"]
    assert entry["task"] == "workflow.retention_apply"
    assert "workflow.retention_apply" in app.tasks
    assert entry["schedule"].hour == {settings.RETENTION_HOUR}
    assert len(entry["schedule"].minute) == 1


@pytest.mark.django_db(transaction=True)
def test_filing_succeeds_with_the_broker_down_and_the_receipt_goes_out_later(
    org, unit, mailoutbox, caplog
):
    """Redis is down at submit time: the muistutus is filed, its receipt waits in the outbox,
    and the dispatcher sends it once the broker is back."""
    from complaints.actors import Actor
    from notifications.services import notifications_dispatch
    from notifications.tasks import notification_deliver_task
    from workflow.intake import Party, Submission, complaint_submit

    previous = app.conf.broker_url
    retry = app.conf.broker_connection_retry, app.conf.broker_connection_max_retries
    use_broker("redis://127.0.0.1:1/0")
    app.conf.broker_connection_retry = False
    app.conf.broker_connection_max_retries = 0
    try:
        filed = complaint_submit(
            organisation=org,
            submission=Submission(
                description="Kohtelu",
                filer_role="client",
                client=Party(name="Maija", email="asiakas@example.fi"),
                language="fi",
                reply_delivery="online",
                service_unit_id=unit.pk,
            ),
            actor=Actor.complainant(),
            now=NOW,
            tracking_link=lambda code: f"https://muistutus.example.fi/track/{code}/",
        )
    finally:
        app.conf.broker_connection_retry, app.conf.broker_connection_max_retries = retry
        use_broker(previous)
    assert Complaint.objects.filter(pk=filed.complaint.pk).exists()
    receipt = Notification.objects.get(recipient="asiakas@example.fi")
    assert receipt.status == NotificationStatus.READY
    assert mailoutbox == []

    later = NOW + timedelta(minutes=1)
    with mock.patch.object(notification_deliver_task, "delay") as delay:
        assert notifications_dispatch(now=later) == 1
    with time_machine.travel(later, tick=False):
        assert notification_deliver_task(**delay.call_args.kwargs) == "sent"
    assert [m.to for m in mailoutbox] == [["asiakas@example.fi"]]
    assert filed.complaint.reference in mailoutbox[0].subject


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_worker_on_real_redis_sends_the_overdue_emails_and_makes_the_note(require_redis, settings):
    """The beat-driven sweep on a real worker: the overdue case's emails are delivered and
    its internal escalation note is generated, by tasks queued after the sweep commits."""
    from complaints.choices import Role
    from complaints.models import Document
    from tests.factories import staff_user

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    handler = staff_user("kasittelija", Role.HANDLER)
    handler.email = "kasittelija@example.fi"
    handler.save()
    complaint = ComplaintFactory.in_state(
        Status.IN_HANDLING,
        handler=handler,
        client_email="asiakas@example.fi",
        received_at=received_on(date(2026, 10, 1)),
    )
    broker = private_redis_db(require_redis)
    redis.Redis.from_url(broker).flushdb()
    previous = app.conf.broker_url
    use_broker(broker)
    try:
        with worker_running():
            deadlines_sweep_task.delay(at="2026-11-10T08:00:00+02:00")
            for _ in range(300):
                note = Document.objects.filter(complaint=complaint, kind="internal_escalation")
                sent = Notification.objects.filter(status=NotificationStatus.SENT).count()
                if note.exists() and sent == 2:
                    break
                time.sleep(0.1)
    finally:
        use_broker(previous)
        redis.Redis.from_url(broker).flushdb()
    assert Document.objects.get(complaint=complaint, kind="internal_escalation").size > 0
    assert sorted(m.to[0] for m in mail.outbox) == ["asiakas@example.fi", "kasittelija@example.fi"]
