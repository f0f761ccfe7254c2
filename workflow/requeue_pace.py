"""How often the sweep queues a missing letter again.

The sweep looks two days back for letters and notes still missing an hour after they were
due to be made, and queues them again. One whose generation keeps failing (a template
error, a font missing on a worker) would otherwise be queued at every sweep, every few
minutes for two days, each failing again in the worker's log. The shared cache remembers,
by the sweep's clock, when each case's letter of a kind was last queued again; the next
try waits ``REQUEUE_EVERY``. A lost task is still queued again an hour after the event,
as before. With the cache down every missing letter is queued, as before: generation is
idempotent, so a letter queued twice is made once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.cache import cache

from complaints.models import Document
from workflow.tasks import documents_enqueue

logger = logging.getLogger(__name__)

REQUEUE_EVERY = timedelta(minutes=30)
# Longer than the sweep's two-day look-back: a mark is never forgotten while it matters.
_REMEMBER_SECONDS = int(timedelta(days=3).total_seconds())


def documents_requeue_paced(
    *, complaint_ids: Iterable[int], kind: Document.Kind, now: datetime
) -> int:
    """Queue again the letters of ``kind`` of those cases not queued again in the last
    ``REQUEUE_EVERY``; returns how many were sent to the broker."""
    ids = sorted(set(complaint_ids))
    try:
        last = cache.get_many([_key(kind, complaint_id) for complaint_id in ids])
    except Exception as error:  # the cache is down: queue them all
        logger.warning("Cache unavailable; missing %s letters queued again (%r)", kind.value, error)
        last = {}
    since = now.timestamp() - REQUEUE_EVERY.total_seconds()
    due = [complaint_id for complaint_id in ids if last.get(_key(kind, complaint_id), 0.0) <= since]
    sent = documents_enqueue(complaint_ids=due, kind=kind)
    if sent:
        try:
            cache.set_many(
                {_key(kind, complaint_id): now.timestamp() for complaint_id in due[:sent]},
                _REMEMBER_SECONDS,
            )
        except Exception as error:  # not remembered: the next sweep queues them again
            logger.warning("Cache unavailable; %s re-queues not remembered (%r)", kind.value, error)
    return sent


def _key(kind: Document.Kind, complaint_id: int) -> str:
    return f"requeued:{kind.value}:{complaint_id}"
