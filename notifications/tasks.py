"""Celery tasks: thin, named, idempotent; ids, not payloads, go through the broker."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.core.cache import cache
from kombu.exceptions import OperationalError

from notifications import clock
from notifications.services import notification_deliver, notifications_dispatch, notifications_due

logger = logging.getLogger(__name__)
DELIVERIES_PER_TASK = 50
# Set while a notifications.deliver_ready task waits in the broker; expires in case the
# broker loses it, so that a later email asks again (the dispatcher covers the gap).
DELIVER_SOON_KEY = "notifications:deliver-ready-waiting"
DELIVER_SOON_SECONDS = 30
# Rows one deliver_ready task takes; when it takes this many it asks for another.
READY_PER_TASK = 200
# A row is due from the filing's clock reading; a worker whose clock is behind the web's by
# up to this much still sends it at once. A retry waits a minute at least, so it is never
# sent early by more than this.
CLOCK_MARGIN = timedelta(seconds=10)


@shared_task(name="notifications.deliver")  # type: ignore[untyped-decorator]
def notification_deliver_task(*, notification_id: int, **kwargs: Any) -> str:
    return notification_deliver(notification_id=notification_id, now=clock.now())


@shared_task(name="notifications.deliver_many")  # type: ignore[untyped-decorator]
def notifications_deliver_task(*, notification_ids: list[int], **kwargs: Any) -> list[str]:
    """Several queued messages in one task, each claimed and sent on its own (a timer that
    notifies thousands sends one broker message per batch, not one per email). One that
    fails unexpectedly is logged and left to the dispatcher; the others are still sent."""
    return _deliver_each(notification_ids)


@shared_task(name="notifications.deliver_ready")  # type: ignore[untyped-decorator]
def notifications_deliver_ready_task(**kwargs: Any) -> list[str]:
    """Deliver every ready message that is due, each claimed on its own: the task that
    ``notifications_deliver_soon`` asks for. Emails queued from now on ask for the next one."""
    cache.delete(DELIVER_SOON_KEY)  # before the look-up: a row committed later asks again
    ids = notifications_due(now=clock.now() + CLOCK_MARGIN, limit=READY_PER_TASK)
    outcomes = _deliver_each(ids)
    if len(ids) == READY_PER_TASK and outcomes.count("error") < len(ids):
        notifications_deliver_soon()  # more are waiting (unless all of these broke)
    return outcomes


def _deliver_each(notification_ids: Sequence[int]) -> list[str]:
    outcomes = []
    for notification_id in notification_ids:
        try:
            outcome = notification_deliver(notification_id=notification_id, now=clock.now())
        except Exception:  # a database error, say: the row stays for the dispatcher
            logger.exception(
                "Notification %s: not delivered; left to the dispatcher", notification_id
            )
            outcome = "error"
        outcomes.append(outcome)
    return outcomes


@shared_task(name="notifications.dispatch")  # type: ignore[untyped-decorator]
def notifications_dispatch_task(**kwargs: Any) -> int:
    return notifications_dispatch(now=clock.now())


def notifications_deliver_soon() -> bool:
    """Ask the broker for one ``notifications.deliver_ready`` task, unless one is waiting
    there already: the email just queued will be among the rows it delivers. So a burst of
    filings, each with its receipt, costs one broker message per worker round, not one per
    email. Never raises for a broker that is down: the rows stay ``ready`` and the
    dispatcher picks them up. Any failure frees the key for the next email's ask.
    Returns whether a task was sent."""
    if not cache.add(DELIVER_SOON_KEY, 1, DELIVER_SOON_SECONDS):
        return False
    try:
        notifications_deliver_ready_task.delay()
    except Exception as exc:
        cache.delete(DELIVER_SOON_KEY)  # no task is waiting: the next email must ask again
        if not isinstance(exc, (OperationalError, OSError)):  # ConnectionError is an OSError
            raise
        logger.warning("Broker unavailable; ready notifications left for the dispatcher (%r)", exc)
        return False
    return True


def notification_deliver_enqueue(*, notification_ids: Sequence[int]) -> int:
    """Send delivery tasks to the broker; never raises for a broker that is down.

    One message is one ``notifications.deliver`` task; more go ``DELIVERIES_PER_TASK`` to a
    ``notifications.deliver_many`` task (a publish costs about as much as a cheap SQL
    statement, so 30,000 emails of a sweep must not make 30,000 of them).

    Runs from ``on_commit``: the transaction that queued the rows has committed, and its
    caller (a submission, say) must succeed whatever the broker does. Rows not enqueued stay
    ``ready`` and the dispatcher picks them up. Returns how many were enqueued.
    """
    ids = list(notification_ids)
    for start in range(0, len(ids), DELIVERIES_PER_TASK):
        chunk = ids[start : start + DELIVERIES_PER_TASK]
        try:
            if len(chunk) == 1:
                notification_deliver_task.delay(notification_id=chunk[0])
            else:
                notifications_deliver_task.delay(notification_ids=chunk)
        except (OperationalError, OSError) as exc:  # ConnectionError is an OSError
            logger.warning(
                "Broker unavailable; %d notification(s) left for the dispatcher (%r)",
                len(ids) - start,
                exc,
            )
            return start
    return len(ids)
