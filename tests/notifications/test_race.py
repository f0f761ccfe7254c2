"""Workers racing to deliver the same row (a duplicate message, a dispatcher re-enqueue):
one claims it and sends, the others leave it alone. PostgreSQL claims with
``select_for_update(skip_locked=True)``; SQLite with a conditional UPDATE."""

import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connection

from notifications.models import Notification
from notifications.services import notification_deliver, notification_queue
from notifications.tasks import notifications_deliver_ready_task
from tests.notifications.conftest import NOW

WORKERS = 4


@pytest.mark.django_db(transaction=True)
def test_racing_deliveries_send_one_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    with mock.patch.object(notifications_deliver_ready_task, "delay"):  # the race is below
        notification = notification_queue(
            recipient="asiakas@example.fi", subject="Kerran", body_text="Vain kerran.", now=NOW
        )
    barrier = threading.Barrier(WORKERS)
    results: list[object] = [None] * WORKERS

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = notification_deliver(notification_id=notification.pk, now=NOW)
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a racing worker hung"

    assert results.count("sent") >= 1, results
    assert all(result in {"sent", "sending", "ready"} for result in results), results
    assert len(mail.outbox) == 1
    row = Notification.objects.get()
    assert (row.status, row.attempts, row.redacted) == ("sent", 1, True)
