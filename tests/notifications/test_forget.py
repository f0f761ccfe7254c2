"""The outbox forgets whom and what it wrote once the keeping period is over; the row stays."""

from datetime import timedelta
from typing import Any

from notifications.choices import NotificationStatus
from notifications.models import Notification
from notifications.services import notifications_forget
from tests.notifications.conftest import NOW


def _finished(queue: Any, status: str, *, created: Any, key: str) -> Notification:
    notification = queue(now=created, dedupe_key=key)
    Notification.objects.filter(pk=notification.pk).update(
        status=status,
        sent_at=created if status == NotificationStatus.SENT else None,
        last_error="550 asiakas@example.fi: no such user" if status == "failed" else "",
    )
    return notification


def test_old_finished_emails_lose_recipient_subject_and_error_but_stay(queue: Any) -> None:
    old = NOW - timedelta(days=800)
    sent = _finished(queue, NotificationStatus.SENT, created=old, key="complaint:1:receipt")
    failed = _finished(queue, NotificationStatus.FAILED, created=old, key="complaint:2:receipt")
    recent = _finished(queue, NotificationStatus.SENT, created=NOW, key="complaint:3:receipt")
    waiting = queue(now=old, dedupe_key="complaint:4:receipt")  # never sent: still to go

    assert notifications_forget(before=NOW - timedelta(days=730), dry_run=True) == 2
    assert Notification.objects.filter(recipient="").count() == 0

    assert notifications_forget(before=NOW - timedelta(days=730)) == 2
    for forgotten in (sent, failed):
        forgotten.refresh_from_db()
        assert (forgotten.recipient, forgotten.subject, forgotten.last_error) == ("", "", "")
        assert (forgotten.body_text, forgotten.body_html, forgotten.redacted) == ("", "", True)
    sent.refresh_from_db()
    assert (sent.status, sent.sent_at, sent.dedupe_key) == ("sent", old, "complaint:1:receipt")
    recent.refresh_from_db()
    waiting.refresh_from_db()
    assert recent.recipient == waiting.recipient == "asiakas@example.fi"
    assert waiting.status == NotificationStatus.READY
    assert waiting.body_text

    # Once forgotten, a second run has nothing left to do.
    assert notifications_forget(before=NOW - timedelta(days=730)) == 0


def test_forgetting_goes_in_batches(queue: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("notifications.services.FORGET_BATCH", 2)
    old = NOW - timedelta(days=800)
    for number in range(5):
        _finished(queue, NotificationStatus.SENT, created=old, key=f"complaint:{number}:status")
    assert notifications_forget(before=NOW) == 5
    assert set(Notification.objects.values_list("recipient", flat=True)) == {""}
