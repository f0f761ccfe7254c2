"""The tasks: thin and named; a broker that is down never breaks the submission that queued a
message, the dispatcher sends it later; a real worker on real Redis delivers."""

import logging
import time
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import redis
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from kombu.exceptions import OperationalError

import notifications.tasks as tasks_module
from config.celery import app
from notifications import clock
from notifications.choices import NotificationStatus
from notifications.models import Notification
from notifications.services import notification_queue, notifications_dispatch
from notifications.tasks import (
    DELIVERIES_PER_TASK,
    notification_deliver_enqueue,
    notification_deliver_task,
    notifications_deliver_ready_task,
    notifications_deliver_soon,
    notifications_deliver_task,
    notifications_dispatch_task,
)
from tests.brokers import private_redis_db, use_broker, worker_running
from tests.notifications.conftest import NOW

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def test_tasks_are_named_and_dispatch_runs_every_minute():
    assert notification_deliver_task.name == "notifications.deliver"
    assert notifications_dispatch_task.name == "notifications.dispatch"
    assert notifications_deliver_task.name == "notifications.deliver_many"
    assert notifications_deliver_ready_task.name == "notifications.deliver_ready"
    assert {
        "notifications.deliver",
        "notifications.deliver_many",
        "notifications.deliver_ready",
        "notifications.dispatch",
    } <= set(app.tasks)
    entry = app.conf.beat_schedule["notifications-dispatch"]
    assert entry["task"] == "notifications.dispatch"
    assert entry["schedule"].minute == set(range(60))


def test_deliver_task_calls_the_service_with_the_clock(queue, mailoutbox):
    notification = queue()
    with time_machine.travel(NOW, tick=False):
        assert notification_deliver_task(notification_id=notification.pk) == "sent"
    assert Notification.objects.get().sent_at == NOW
    assert len(mailoutbox) == 1


def test_a_burst_of_emails_asks_for_one_delivery_task_until_it_starts(
    queue, mailoutbox, django_capture_on_commit_callbacks
):
    with mock.patch.object(notifications_deliver_ready_task, "delay") as ready:
        with django_capture_on_commit_callbacks(execute=True):
            first = queue()
        with django_capture_on_commit_callbacks(execute=True):
            second = queue(recipient="toinen@example.fi")
        assert ready.call_count == 1  # the second found a task already waiting
        with time_machine.travel(NOW + timedelta(seconds=1), tick=False):
            assert notifications_deliver_ready_task() == ["sent", "sent"]
        assert [m.to for m in mailoutbox] == [["asiakas@example.fi"], ["toinen@example.fi"]]
        assert Notification.objects.get(pk=first.pk).status == NotificationStatus.SENT
        assert Notification.objects.get(pk=second.pk).status == NotificationStatus.SENT
        # Once a task has started, the next email asks for another.
        with django_capture_on_commit_callbacks(execute=True):
            queue(recipient="kolmas@example.fi")
        assert ready.call_count == 2


def test_delivering_ready_rows_skips_those_backing_off_and_asks_again_when_full(
    queue, mailoutbox, monkeypatch
):
    monkeypatch.setattr(tasks_module, "READY_PER_TASK", 2)
    waiting = queue(recipient="odottaa@example.fi", now=NOW + timedelta(minutes=5))
    due = [queue(recipient=f"asiakas{i}@example.fi") for i in range(3)]
    with (
        time_machine.travel(NOW + timedelta(seconds=1), tick=False),
        mock.patch.object(notifications_deliver_ready_task, "delay") as ready,
    ):
        assert notifications_deliver_ready_task() == ["sent", "sent"]
        ready.assert_called_once_with()  # two of three taken: ask for the rest
        assert notifications_deliver_ready_task() == ["sent"]
        assert ready.call_count == 1
    assert Notification.objects.get(pk=waiting.pk).status == NotificationStatus.READY
    assert {m.to[0] for m in mailoutbox} == {n.recipient for n in due}


def test_a_broken_full_round_does_not_ask_again(queue, monkeypatch, caplog):
    monkeypatch.setattr(tasks_module, "READY_PER_TASK", 2)
    queue(), queue()

    def broken(*, notification_id, now):
        raise RuntimeError("database gone")

    monkeypatch.setattr(tasks_module, "notification_deliver", broken)
    with (
        time_machine.travel(NOW + timedelta(seconds=1), tick=False),
        mock.patch.object(notifications_deliver_ready_task, "delay") as ready,
    ):
        assert notifications_deliver_ready_task() == ["error", "error"]
    ready.assert_not_called()  # the dispatcher tries them again in a minute
    assert "database gone" in caplog.text


def test_a_broker_that_is_down_leaves_the_next_email_free_to_ask(queue, caplog):
    down = OperationalError("Error 111 connecting")
    with mock.patch.object(notifications_deliver_ready_task, "delay", side_effect=down) as ready:
        assert notifications_deliver_soon() is False
        assert notifications_deliver_soon() is False
    assert ready.call_count == 2  # the failed ask did not block the next one
    assert "ready notifications left for the dispatcher" in caplog.text


def test_an_email_committed_while_the_task_reads_asks_for_the_next_one(queue, monkeypatch):
    queue()
    real = tasks_module.notifications_due
    asked = []

    def due_while_another_commits(*, now, limit):
        # Another filing commits its receipt while this task looks for rows.
        asked.append(notifications_deliver_soon())
        return real(now=now, limit=limit)

    monkeypatch.setattr(tasks_module, "notifications_due", due_while_another_commits)
    with (
        time_machine.travel(NOW, tick=False),
        mock.patch.object(notifications_deliver_ready_task, "delay") as ready,
    ):
        notifications_deliver_ready_task()
    assert asked == [True]  # the key was gone before the look-up: a task was asked for
    ready.assert_called_once_with()


def test_a_worker_whose_clock_is_a_little_behind_still_sends_at_once(queue, mailoutbox):
    queue(now=NOW)
    with time_machine.travel(NOW - timedelta(seconds=5), tick=False):
        assert notifications_deliver_ready_task() == ["sent"]
    assert len(mailoutbox) == 1


def test_an_unexpected_error_asking_for_the_task_frees_the_next_ask():
    bug = RuntimeError("Acquire on closed pool")
    with mock.patch.object(notifications_deliver_ready_task, "delay", side_effect=bug) as ready:
        with pytest.raises(RuntimeError):
            notifications_deliver_soon()
        with pytest.raises(RuntimeError):
            notifications_deliver_soon()
    assert ready.call_count == 2


def test_a_lost_task_stops_holding_up_new_asks_when_its_key_expires():
    with mock.patch.object(notifications_deliver_ready_task, "delay") as ready:
        assert notifications_deliver_soon() is True
        assert notifications_deliver_soon() is False  # one is waiting
        with time_machine.travel(
            datetime.now(UTC) + timedelta(seconds=tasks_module.DELIVER_SOON_SECONDS + 1)
        ):
            assert notifications_deliver_soon() is True  # it was lost: ask again
    assert ready.call_count == 2


def test_dispatch_task_enqueues_what_is_due(queue, django_capture_on_commit_callbacks):
    notification = queue(now=NOW - timedelta(minutes=2))
    with (
        time_machine.travel(NOW, tick=False),
        mock.patch.object(notification_deliver_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert notifications_dispatch_task() == 1
    delay.assert_called_once_with(notification_id=notification.pk)


@pytest.mark.parametrize(
    "error",
    [OperationalError("Error 111 connecting"), ConnectionRefusedError(111, "refused"), OSError()],
    ids=["kombu", "connection", "os"],
)
def test_enqueue_never_raises_for_a_broker_that_is_down(error, caplog):
    ids = list(range(1, 2 * DELIVERIES_PER_TASK + 2))
    with (
        mock.patch.object(notifications_deliver_task, "delay", side_effect=error) as delay,
        caplog.at_level(logging.WARNING, logger="notifications.tasks"),
    ):
        assert notification_deliver_enqueue(notification_ids=ids) == 0
    # The first failure stops the batch: the others would only wait on the same timeout.
    assert delay.call_count == 1
    assert f"{len(ids)} notification(s) left for the dispatcher" in caplog.text


def test_many_messages_go_to_the_broker_a_batch_per_task():
    ids = list(range(1, 2 * DELIVERIES_PER_TASK + 2))
    with (
        mock.patch.object(notifications_deliver_task, "delay") as many,
        mock.patch.object(notification_deliver_task, "delay") as one,
    ):
        assert notification_deliver_enqueue(notification_ids=ids) == len(ids)
    assert [call.kwargs for call in many.call_args_list] == [
        {"notification_ids": ids[:DELIVERIES_PER_TASK]},
        {"notification_ids": ids[DELIVERIES_PER_TASK : 2 * DELIVERIES_PER_TASK]},
    ]
    # The last one alone goes as a single delivery.
    one.assert_called_once_with(notification_id=ids[-1])


def test_one_failure_in_a_batch_does_not_stop_the_others(queue, mailoutbox, caplog):
    first, second = queue(), queue(recipient="toinen@example.fi")
    real = tasks_module.notification_deliver

    def flaky(*, notification_id, now):
        if notification_id == first.pk:
            raise RuntimeError("connection lost")
        return real(notification_id=notification_id, now=now)

    with (
        time_machine.travel(NOW, tick=False),
        mock.patch.object(tasks_module, "notification_deliver", flaky),
    ):
        outcomes = notifications_deliver_task(notification_ids=[first.pk, second.pk])
    assert outcomes == ["error", "sent"]
    assert [m.to for m in mailoutbox] == [["toinen@example.fi"]]
    assert Notification.objects.get(pk=first.pk).status == NotificationStatus.READY
    assert "connection lost" in caplog.text


def test_the_batch_task_delivers_each_message_once(queue, mailoutbox):
    first, second = queue(), queue(recipient="toinen@example.fi")
    with time_machine.travel(NOW, tick=False):
        ids = [first.pk, second.pk, first.pk]
        assert notifications_deliver_task(notification_ids=ids) == ["sent", "sent", "sent"]
    assert len(mailoutbox) == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_an_unexpected_enqueue_error_after_commit_is_logged_not_raised(
    queue, caplog, django_capture_on_commit_callbacks
):
    bug = RuntimeError("Acquire on closed pool")
    with (
        mock.patch.object(notifications_deliver_ready_task, "delay", side_effect=bug),
        django_capture_on_commit_callbacks(execute=True),
    ):
        queue()
    assert "Acquire on closed pool" in caplog.text
    assert Notification.objects.get().status == NotificationStatus.READY


def test_submission_commits_when_the_broker_is_down_and_dispatch_sends_later(
    queue, mailoutbox, django_capture_on_commit_callbacks
):
    down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(notifications_deliver_ready_task, "delay", side_effect=down) as delay,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        notification = queue()
    assert delay.call_count == 1
    assert Notification.objects.get().status == NotificationStatus.READY

    with (
        mock.patch.object(notification_deliver_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert notifications_dispatch(now=NOW + timedelta(minutes=1)) == 1
    delay.assert_called_once_with(notification_id=notification.pk)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert notification_deliver_task(**delay.call_args.kwargs) == "sent"
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_real_commit_with_an_unreachable_redis_still_succeeds(mailoutbox, caplog):
    previous = app.conf.broker_url
    retry = app.conf.broker_connection_retry, app.conf.broker_connection_max_retries
    use_broker(UNREACHABLE_REDIS)
    app.conf.broker_connection_retry = False
    app.conf.broker_connection_max_retries = 0
    try:
        with transaction.atomic():
            # The caller's own write, e.g. the submission itself.
            get_user_model().objects.create(username="submission")
            notification = notification_queue(
                recipient="asiakas@example.fi",
                subject="Vastaanotettu",
                body_text="Kiitos.",
                now=NOW,
            )
    finally:
        app.conf.broker_connection_retry, app.conf.broker_connection_max_retries = retry
        use_broker(previous)

    assert "Broker unavailable" in caplog.text
    assert get_user_model().objects.filter(username="submission").exists()
    assert Notification.objects.get().status == NotificationStatus.READY

    with mock.patch.object(notification_deliver_task, "delay") as delay:
        assert notifications_dispatch(now=NOW + timedelta(minutes=1)) == 1
    delay.assert_called_once_with(notification_id=notification.pk)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert notification_deliver_task(notification_id=notification.pk) == "sent"
    assert len(mailoutbox) == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_worker_on_real_redis_delivers_a_queued_notification(require_redis, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    broker = private_redis_db(require_redis)
    redis.Redis.from_url(broker).flushdb()
    previous = app.conf.broker_url
    use_broker(broker)
    try:
        with worker_running():
            with transaction.atomic():
                notification = notification_queue(
                    recipient="asiakas@example.fi",
                    subject="Muistutuksesi on vastaanotettu",
                    body_text="Seuraa: https://example.fi/seuraa/SECRET",
                    now=clock.now(),  # due when the worker looks
                )
            for _ in range(100):
                notification.refresh_from_db()
                if notification.status == NotificationStatus.SENT:
                    break
                time.sleep(0.1)
    finally:
        use_broker(previous)
        redis.Redis.from_url(broker).flushdb()
    notification.refresh_from_db()
    assert (notification.status, notification.redacted, notification.attempts) == ("sent", True, 1)
    assert [message.subject for message in mail.outbox] == ["Muistutuksesi on vastaanotettu"]
