"""Writes of the outbox: queue a message in the caller's transaction, deliver it after commit,
and sweep up what the broker lost or a dead worker left half-done.

Delivery is at-least-once towards the mail server and exactly-once in the database: a row is
claimed (ready → sending) by one worker only; a second deliver of the same row does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from notifications.choices import FINAL_STATES, NotificationStatus
from notifications.copy_insert import copy_available, copy_insert_new
from notifications.models import Notification

logger = logging.getLogger(__name__)

# Back-off after a failed attempt n (1-based): 1, 2, 4, … minutes, at most this many.
BACKOFF_CAP_MINUTES = 60
# A row claimed this long ago and still "sending" belongs to a worker that died.
CLAIM_TIMEOUT = timedelta(minutes=10)
ERROR_MAX_LENGTH = 2000
# Rows blanked per UPDATE by the retention run (notifications_forget).
FORGET_BATCH = 5000


def notification_queue(
    *,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    language: str = "fi",
    dedupe_key: str | None = None,
    now: datetime,
) -> Notification | None:
    """Write a ready row in the caller's transaction and have it delivered once that
    commits (``notifications_deliver_soon``).

    Returns ``None`` (and writes nothing) when a row with ``dedupe_key`` already exists, also
    when a concurrent transaction inserts the same key first. Raises ``ValidationError`` for a
    malformed recipient address.
    """
    validate_email(recipient)
    fields = {
        "recipient": recipient,
        "subject": subject,
        "body_text": body_text,
        "body_html": body_html,
        "language": language,
        "dedupe_key": dedupe_key or None,
        "status": NotificationStatus.READY,
        "created_at": now,
        "next_attempt_at": now,
    }
    if fields["dedupe_key"] is None:
        notification = Notification.objects.create(**fields)
    else:
        try:
            # A savepoint: a duplicate key must not poison the caller's transaction.
            with transaction.atomic():
                notification = Notification.objects.create(**fields)
        except IntegrityError:
            if Notification.objects.filter(dedupe_key=fields["dedupe_key"]).exists():
                return None
            raise
    # robust: whatever the broker raises after the commit is logged, never the caller's problem.
    transaction.on_commit(_deliver_soon, robust=True)
    return notification


@dataclass(frozen=True)
class Message:
    """One email to queue with ``notifications_queue_many``."""

    recipient: str
    subject: str
    body_text: str
    dedupe_key: str
    body_html: str = ""
    language: str = "fi"


def notifications_queue_many(*, messages: Sequence[Message], now: datetime) -> int:
    """Queue many messages in the caller's transaction with a fixed number of statements
    (on PostgreSQL a ``COPY`` and one INSERT, ``copy_insert``; elsewhere a SELECT of the
    keys that exist, one INSERT, a SELECT of the new rows' ids), and deliver them once that
    commits.

    Set-based counterpart of ``notification_queue`` for timers that notify thousands at once.
    A message whose ``dedupe_key`` exists already is skipped, as is a malformed recipient
    (logged). Returns how many rows were written.
    """
    rows: dict[str, dict[str, Any]] = {}
    checked: dict[str, bool] = {}  # a timer writes to the same staff address many times
    for message in messages:
        if not _address_valid(message.recipient, checked):
            logger.warning("Not queued: malformed recipient for %s", message.dedupe_key)
            continue
        rows[message.dedupe_key] = {
            "recipient": message.recipient,
            "subject": message.subject,
            "body_text": message.body_text,
            "body_html": message.body_html,
            "language": message.language,
            "dedupe_key": message.dedupe_key,
            "status": NotificationStatus.READY.value,
            "created_at": now,
            "next_attempt_at": now,
        }
    if not rows:
        return 0
    # Keys queued before (a retried timer) are left alone, and not enqueued again.
    if copy_available():
        ids = copy_insert_new(Notification, rows.values())
    else:
        for key in Notification.objects.filter(dedupe_key__in=list(rows)).values_list(
            "dedupe_key", flat=True
        ):
            rows.pop(str(key), None)
        if not rows:
            return 0
        Notification.objects.bulk_create(
            [Notification(**row) for row in rows.values()], ignore_conflicts=True
        )
        ids = list(
            Notification.objects.filter(
                dedupe_key__in=list(rows), status=NotificationStatus.READY
            ).values_list("pk", flat=True)
        )
    if ids:
        transaction.on_commit(lambda: _deliver_enqueue(notification_ids=ids), robust=True)
    return len(ids)


def _address_valid(recipient: str, checked: dict[str, bool]) -> bool:
    if recipient not in checked:
        try:
            validate_email(recipient)
            checked[recipient] = True
        except ValidationError:
            checked[recipient] = False
    return checked[recipient]


def notification_deliver(*, notification_id: int, now: datetime) -> str:
    """Send one queued message. Idempotent: only a ``ready`` row is claimed and sent.

    Returns what happened: ``"sent"``, ``"retry"`` (back to ready with back-off),
    ``"failed"`` (gave up after ``NOTIFICATION_MAX_ATTEMPTS``), or, leaving the row alone,
    ``"missing"`` or the row's current status (``"sending"``, ``"sent"``, ``"failed"``).
    """
    attempt = _claim(notification_id=notification_id, now=now)
    if attempt is None:
        return _status_of(notification_id=notification_id)
    notification = Notification.objects.get(pk=notification_id)
    try:
        _email_send(notification)
    except Exception as exc:  # Whatever the backend raises: SMTP, socket, TLS, …
        logger.warning("Notification %s: attempt %s failed: %r", notification_id, attempt, exc)
        return _attempt_fail(notification_id=notification_id, attempt=attempt, error=exc, now=now)
    # Whatever the dispatcher did to an expired claim meanwhile, the message has gone.
    Notification.objects.filter(pk=notification_id).exclude(status=NotificationStatus.SENT).update(
        status=NotificationStatus.SENT,
        sent_at=now,
        body_text="",
        body_html="",
        redacted=True,
        last_error="",
    )
    return "sent"


def notifications_dispatch(*, now: datetime, limit: int = 100) -> int:
    """Enqueue delivery of ready rows that are due (the broker lost the message, it was down
    at submit time, or a back-off has passed), after putting back rows whose ``sending`` claim
    expired. Returns how many rows were enqueued."""
    with transaction.atomic():
        _expired_claims_recover(now=now)
        ids = notifications_due(now=now, limit=limit)
        if ids:
            transaction.on_commit(lambda: _deliver_enqueue(notification_ids=ids), robust=True)
    return len(ids)


def notifications_due(*, now: datetime, limit: int) -> list[int]:
    """Ids of ready rows due at ``now``, oldest first: new ones, and retries whose back-off
    has passed."""
    return list(
        Notification.objects.filter(status=NotificationStatus.READY, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def backoff(*, attempt: int) -> timedelta:
    """The wait after failed attempt ``attempt`` (1-based): 1, 2, 4, … minutes, capped."""
    return timedelta(minutes=min(2 ** max(attempt - 1, 0), BACKOFF_CAP_MINUTES))


def _claim(*, notification_id: int, now: datetime) -> int | None:
    """ready → sending, counting the attempt; the number of this attempt, or None if the row
    is not ready (sent, failed, or being sent by another worker)."""
    lease = now + CLAIM_TIMEOUT
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            row = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(pk=notification_id, status=NotificationStatus.READY)
                .values_list("attempts", flat=True)
                .first()
            )
            if row is None:
                return None
            Notification.objects.filter(pk=notification_id).update(
                status=NotificationStatus.SENDING, attempts=row + 1, next_attempt_at=lease
            )
            return row + 1
        # SQLite: one writer at a time, so a conditional UPDATE is the claim.
        claimed = Notification.objects.filter(
            pk=notification_id, status=NotificationStatus.READY
        ).update(
            status=NotificationStatus.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=lease,
        )
        if not claimed:
            return None
        return int(
            Notification.objects.filter(pk=notification_id).values_list("attempts", flat=True).get()
        )


def _attempt_fail(*, notification_id: int, attempt: int, error: Exception, now: datetime) -> str:
    message = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
    # Only this attempt's claim: if the dispatcher recovered it meanwhile, leave the row be.
    claim = Notification.objects.filter(
        pk=notification_id, status=NotificationStatus.SENDING, attempts=attempt
    )
    if attempt >= settings.NOTIFICATION_MAX_ATTEMPTS:
        changed = claim.update(status=NotificationStatus.FAILED, last_error=message)
        outcome = "failed"
    else:
        changed = claim.update(
            status=NotificationStatus.READY,
            next_attempt_at=now + backoff(attempt=attempt),
            last_error=message,
        )
        outcome = "retry"
    return outcome if changed else _status_of(notification_id=notification_id)


def _status_of(*, notification_id: int) -> str:
    current = (
        Notification.objects.filter(pk=notification_id).values_list("status", flat=True).first()
    )
    return "missing" if current is None else str(current)


def _expired_claims_recover(*, now: datetime) -> None:
    expired = Notification.objects.filter(
        status=NotificationStatus.SENDING, next_attempt_at__lte=now
    )
    for notification_id in expired.values_list("pk", flat=True):
        logger.warning("Notification %s: sending claim expired; recovering it", notification_id)
    expired.filter(attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS).update(
        status=NotificationStatus.FAILED, last_error="The worker sending it was lost."
    )
    expired.update(status=NotificationStatus.READY, next_attempt_at=now)


def _email_send(notification: Notification) -> None:
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    message.send()


def _deliver_enqueue(*, notification_ids: Sequence[int]) -> None:
    # Imported here: the tasks module imports this one.
    from notifications.tasks import notification_deliver_enqueue

    notification_deliver_enqueue(notification_ids=notification_ids)


def _deliver_soon() -> None:
    from notifications.tasks import notifications_deliver_soon

    notifications_deliver_soon()


def notifications_forget(*, before: datetime, dry_run: bool = False) -> int:
    """Blank whom and what finished messages created before ``before`` were about:
    recipient, subject, bodies and error text (an SMTP error may quote the address). The
    row stays as a count (status, times, attempts, deduplication key). Messages still to be
    sent are left alone. Batched; returns how many rows were (or would be) blanked."""
    remembered = Notification.objects.filter(
        status__in=FINAL_STATES, created_at__lt=before
    ).exclude(recipient="", subject="", last_error="")
    if dry_run:
        return remembered.count()
    forgotten = 0
    while ids := list(remembered.order_by().values_list("pk", flat=True)[:FORGET_BATCH]):
        forgotten += Notification.objects.filter(pk__in=ids).update(
            recipient="", subject="", body_text="", body_html="", last_error="", redacted=True
        )
    return forgotten
