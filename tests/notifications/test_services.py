"""The outbox services: queue in the caller's transaction, deliver once, back off, dispatch."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from notifications.choices import NotificationStatus
from notifications.models import Notification
from notifications.services import (
    CLAIM_TIMEOUT,
    backoff,
    notification_deliver,
    notifications_dispatch,
)
from notifications.tasks import (
    notification_deliver_task,
    notifications_deliver_ready_task,
    notifications_deliver_task,
)
from tests.notifications.conftest import NOW

FAILING_BACKEND = "tests.notifications.test_services.FailingBackend"


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every connection."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server refused the connection")


def _enqueued(callbacks) -> list[int]:
    """Run captured on-commit callbacks with the broker replaced; the ids sent to it."""
    with (
        mock.patch.object(notification_deliver_task, "delay") as one,
        mock.patch.object(notifications_deliver_task, "delay") as many,
    ):
        for callback in callbacks:
            callback()
    return [call.kwargs["notification_id"] for call in one.call_args_list] + [
        notification_id
        for call in many.call_args_list
        for notification_id in call.kwargs["notification_ids"]
    ]


# --- queue ---------------------------------------------------------------------------------


def test_queue_writes_a_ready_row_and_schedules_delivery_on_commit(
    queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = queue(language="sv")

    assert notification is not None
    row = Notification.objects.get()
    assert (row.status, row.attempts, row.language, row.redacted) == ("ready", 0, "sv", False)
    assert row.created_at == row.next_attempt_at == NOW
    assert row.sent_at is None
    assert "SECRET" in row.body_text
    assert len(callbacks) == 1
    with mock.patch.object(notifications_deliver_ready_task, "delay") as ready:
        callbacks[0]()
    ready.assert_called_once_with()  # the task delivers every due row, this one included


def test_nothing_is_enqueued_when_the_callers_transaction_rolls_back(
    queue, django_capture_on_commit_callbacks
):
    def submission_that_fails():
        with transaction.atomic():
            queue()
            raise RuntimeError("the submission failed")

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(RuntimeError),
    ):
        submission_that_fails()

    assert callbacks == []
    assert not Notification.objects.exists()


def test_dedupe_key_makes_the_second_queue_a_no_op(queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        first = queue(dedupe_key="complaint:7:overdue")
        second = queue(dedupe_key="complaint:7:overdue", subject="Again")
        # The duplicate rolled back to a savepoint: the caller's transaction goes on.
        third = queue(dedupe_key="complaint:7:very_overdue")

    assert first is not None
    assert second is None
    assert third is not None
    assert Notification.objects.count() == 2
    assert len(callbacks) == 2


def test_without_a_dedupe_key_every_queue_writes_a_row(queue):
    queue()
    queue(dedupe_key="")
    assert Notification.objects.count() == 2
    assert not Notification.objects.exclude(dedupe_key=None).exists()


def test_queue_refuses_a_malformed_address(queue):
    with pytest.raises(ValidationError):
        queue(recipient="not an address")
    assert not Notification.objects.exists()


# --- deliver -------------------------------------------------------------------------------


def test_deliver_sends_one_email_and_redacts_the_bodies(queue, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "muistutus@kemi.example.fi"
    notification = queue()

    assert notification_deliver(notification_id=notification.pk, now=NOW) == "sent"

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["asiakas@example.fi"]
    assert email.from_email == "muistutus@kemi.example.fi"
    assert email.subject == "Muistutuksesi on vastaanotettu"
    assert "SECRET" in email.body
    assert email.alternatives[0][1] == "text/html"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.sent_at) == ("sent", 1, NOW)
    assert (notification.body_text, notification.body_html, notification.redacted) == ("", "", True)
    # The audit trail stays.
    assert notification.recipient == "asiakas@example.fi"
    assert notification.subject == "Muistutuksesi on vastaanotettu"


def test_a_second_deliver_sends_nothing(queue, mailoutbox):
    notification = queue()
    notification_deliver(notification_id=notification.pk, now=NOW)

    assert notification_deliver(notification_id=notification.pk, now=NOW) == "sent"
    assert len(mailoutbox) == 1
    assert Notification.objects.get().attempts == 1


def test_text_only_message_has_no_html_part(queue, mailoutbox):
    notification = queue(body_html="")
    notification_deliver(notification_id=notification.pk, now=NOW)
    assert mailoutbox[0].alternatives == []


def test_deliver_leaves_a_row_being_sent_alone(queue, mailoutbox):
    notification = queue()
    Notification.objects.filter(pk=notification.pk).update(status=NotificationStatus.SENDING)

    assert notification_deliver(notification_id=notification.pk, now=NOW) == "sending"
    assert mailoutbox == []


def test_deliver_of_an_unknown_id_is_harmless(db, mailoutbox):
    assert notification_deliver(notification_id=12345, now=NOW) == "missing"
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("attempt", "minutes"), [(1, 1), (2, 2), (3, 4), (4, 8), (6, 32), (7, 60), (20, 60)]
)
def test_backoff_doubles_up_to_an_hour(attempt, minutes):
    assert backoff(attempt=attempt) == timedelta(minutes=minutes)


def test_failed_send_backs_off_then_gives_up(queue, settings, mailoutbox):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    notification = queue()

    assert notification_deliver(notification_id=notification.pk, now=NOW) == "retry"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("ready", 1)
    assert notification.next_attempt_at == NOW + timedelta(minutes=1)
    assert "ConnectionRefusedError: SMTP server refused" in notification.last_error
    assert "SECRET" in notification.body_text  # not sent, so not redacted
    assert not notification.redacted

    later = NOW + timedelta(minutes=1)
    assert notification_deliver(notification_id=notification.pk, now=later) == "retry"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("ready", 2)
    assert notification.next_attempt_at == later + timedelta(minutes=2)

    last = later + timedelta(minutes=2)
    assert notification_deliver(notification_id=notification.pk, now=last) == "failed"
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("failed", 3)
    assert notification.last_error

    # Failed is final: no more attempts.
    assert notification_deliver(notification_id=notification.pk, now=last) == "failed"
    assert Notification.objects.get().attempts == 3
    assert mailoutbox == []


def test_a_retry_after_a_failure_sends_and_clears_the_error(queue, settings, mailoutbox):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    notification = queue()
    notification_deliver(notification_id=notification.pk, now=NOW)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = NOW + timedelta(minutes=1)
    assert notification_deliver(notification_id=notification.pk, now=later) == "sent"

    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == ("sent", 2, "")
    assert len(mailoutbox) == 1


# --- dispatch ------------------------------------------------------------------------------


def _worker_dies_while_sending(notification, *, now):
    """The claim is taken, then the process is gone before the row is updated."""
    with (
        mock.patch("notifications.services._email_send", side_effect=SystemExit),
        pytest.raises(SystemExit),
    ):
        notification_deliver(notification_id=notification.pk, now=now)
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENDING


def test_dispatch_enqueues_due_rows_only(
    queue, settings, mailoutbox, django_capture_on_commit_callbacks
):
    due = queue(now=NOW - timedelta(minutes=5))
    not_yet_due = queue(now=NOW + timedelta(minutes=1))
    sent = queue(now=NOW - timedelta(minutes=5))
    notification_deliver(notification_id=sent.pk, now=NOW - timedelta(minutes=5))
    settings.EMAIL_BACKEND = FAILING_BACKEND
    backing_off = queue(now=NOW - timedelta(minutes=5))
    notification_deliver(notification_id=backing_off.pk, now=NOW - timedelta(seconds=30))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert notifications_dispatch(now=NOW) == 1

    assert _enqueued(callbacks) == [due.pk]
    assert Notification.objects.get(pk=not_yet_due.pk).status == NotificationStatus.READY


def test_dispatch_recovers_rows_stuck_in_sending(
    queue, mailoutbox, django_capture_on_commit_callbacks
):
    stuck = queue(now=NOW)
    _worker_dies_while_sending(stuck, now=NOW)

    # Still within the claim: another worker may be sending it right now.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert notifications_dispatch(now=NOW + CLAIM_TIMEOUT - timedelta(seconds=1)) == 0
    assert callbacks == []
    assert Notification.objects.get().status == NotificationStatus.SENDING

    later = NOW + CLAIM_TIMEOUT + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert notifications_dispatch(now=later) == 1
    assert _enqueued(callbacks) == [stuck.pk]
    assert Notification.objects.get().status == NotificationStatus.READY

    assert notification_deliver(notification_id=stuck.pk, now=later) == "sent"
    assert Notification.objects.get().attempts == 2
    assert len(mailoutbox) == 1


def test_a_row_whose_worker_keeps_dying_fails_in_the_end(queue, settings, mailoutbox):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    stuck = queue(now=NOW)
    _worker_dies_while_sending(stuck, now=NOW)

    assert notifications_dispatch(now=NOW + CLAIM_TIMEOUT) == 0

    stuck.refresh_from_db()
    assert stuck.status == NotificationStatus.FAILED
    assert "lost" in stuck.last_error


def test_dispatch_takes_the_oldest_first_up_to_the_limit(queue, django_capture_on_commit_callbacks):
    rows = [queue(now=NOW - timedelta(minutes=minutes)) for minutes in (1, 3, 2)]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert notifications_dispatch(now=NOW, limit=2) == 2

    assert _enqueued(callbacks) == [rows[1].pk, rows[2].pk]


def test_a_late_stale_worker_does_not_undo_a_sent_row(queue):
    """A worker slower than its claim fails after another worker has already sent the row."""
    notification = queue()

    def slow_failure(message):
        # Meanwhile the claim expired, was recovered, and another worker sent the message.
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENT,
            attempts=2,
            sent_at=NOW + CLAIM_TIMEOUT,
            body_text="",
            body_html="",
            redacted=True,
        )
        raise ConnectionResetError("too late")

    with mock.patch("notifications.services._email_send", side_effect=slow_failure):
        assert notification_deliver(notification_id=notification.pk, now=NOW) == "sent"

    notification.refresh_from_db()
    assert (notification.status, notification.redacted, notification.last_error) == (
        "sent",
        True,
        "",
    )


def test_queue_many_writes_once_per_key_and_enqueues_after_commit(
    db, django_capture_on_commit_callbacks
):
    from notifications.services import Message, notifications_queue_many

    messages = [
        Message(recipient=f"h{n}@example.fi", subject="S", body_text="B", dedupe_key=f"k{n}")
        for n in range(3)
    ]
    malformed = Message(recipient="not an address", subject="S", body_text="B", dedupe_key="bad")
    with django_capture_on_commit_callbacks(execute=False) as first:
        assert notifications_queue_many(messages=[*messages, malformed], now=NOW) == 3
    with django_capture_on_commit_callbacks(execute=False) as again:
        # Again, with one new key: only it is written and enqueued.
        extra = Message(recipient="x@example.fi", subject="S", body_text="B", dedupe_key="k9")
        assert notifications_queue_many(messages=[*messages, extra], now=NOW) == 1
    assert Notification.objects.count() == 4
    keys = dict(Notification.objects.values_list("pk", "dedupe_key"))
    assert sorted(keys[pk] for pk in _enqueued(first)) == ["k0", "k1", "k2"]
    assert [keys[pk] for pk in _enqueued(again)] == ["k9"]
    assert notifications_queue_many(messages=[], now=NOW) == 0
