"""Celery tasks: thin, named, idempotent; ids, not payloads, go through the broker."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from celery import shared_task
from kombu.exceptions import OperationalError

from notifications import clock
from notifications.services import notification_deliver, notifications_dispatch

logger = logging.getLogger(__name__)


@shared_task(name="notifications.deliver")  # type: ignore[untyped-decorator]
def notification_deliver_task(*, notification_id: int, **kwargs: Any) -> str:
    return notification_deliver(notification_id=notification_id, now=clock.now())


@shared_task(name="notifications.dispatch")  # type: ignore[untyped-decorator]
def notifications_dispatch_task(**kwargs: Any) -> int:
    return notifications_dispatch(now=clock.now())


def notification_deliver_enqueue(*, notification_ids: Sequence[int]) -> int:
    """Send delivery tasks to the broker; never raises for a broker that is down.

    Runs from ``on_commit``: the transaction that queued the rows has committed, and its
    caller (a submission, say) must succeed whatever the broker does. Rows not enqueued stay
    ``ready`` and the dispatcher picks them up. Returns how many were enqueued.
    """
    for count, notification_id in enumerate(notification_ids):
        try:
            notification_deliver_task.delay(notification_id=notification_id)
        except (OperationalError, OSError) as exc:  # ConnectionError is an OSError
            logger.warning(
                "Broker unavailable; %d notification(s) left for the dispatcher (%r)",
                len(notification_ids) - count,
                exc,
            )
            return count
    return len(notification_ids)
