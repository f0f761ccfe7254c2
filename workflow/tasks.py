"""Celery tasks: thin, named, idempotent; each loads ids and calls one service.

The services are imported inside the tasks: the sweep and the transitions import this module
to queue work, and the services import the sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from complaints import clock
from complaints.models import Document

logger = logging.getLogger(__name__)
LETTERS_PER_TASK = 100


@shared_task(name="workflow.deadlines_sweep")  # type: ignore[untyped-decorator]
def deadlines_sweep_task(*, at: str | None = None, **kwargs: Any) -> dict[str, object]:
    from workflow.sweeps import deadlines_sweep, moment_parse  # the sweep queues tasks below

    return deadlines_sweep(now=moment_parse(at) if at else clock.now())


@shared_task(name="workflow.retention_apply")  # type: ignore[untyped-decorator]
def retention_apply_task(*, at: str | None = None, **kwargs: Any) -> dict[str, object]:
    from workflow.retention import retention_apply
    from workflow.sweeps import moment_parse

    return retention_apply(now=moment_parse(at) if at else clock.now())


@shared_task(name="workflow.document_generate")  # type: ignore[untyped-decorator]
def document_generate_task(*, complaint_id: int, kind: str, **kwargs: Any) -> None:
    from workflow.documents import document_generate  # imports the deadline calendar

    document_generate(complaint_id=complaint_id, kind=kind, now=clock.now())


@shared_task(name="workflow.documents_generate")  # type: ignore[untyped-decorator]
def documents_generate_task(*, complaint_ids: list[int], kind: str, **kwargs: Any) -> None:
    """One letter of ``kind`` for each case: a batch per task, not a task per case. A case
    that fails is logged and left to the sweep's re-queue; the others are still made."""
    from workflow.documents import document_generate

    for complaint_id in complaint_ids:
        try:
            document_generate(complaint_id=complaint_id, kind=kind, now=clock.now())
        except Exception:
            logger.exception(
                "Case %s: the %s letter was not made; left for a later try", complaint_id, kind
            )


def document_generate_on_commit(*, complaint_id: int, kind: str) -> None:
    """Generate the letter in the worker once the transition that causes it has committed."""
    transaction.on_commit(
        lambda: document_generate_task.delay(complaint_id=complaint_id, kind=kind), robust=True
    )


def breach_letters_generate_on_commit(
    *, complaint_ids: Sequence[int], posted_ids: Sequence[int]
) -> None:
    """After the sweep's batch commits, the newly overdue cases' internal escalation notes,
    and the delay letters of those among them (``posted_ids``) whose letters go by post."""
    letters = [
        (Document.Kind.INTERNAL_ESCALATION, list(complaint_ids)),
        (Document.Kind.DELAY_NOTICE, list(posted_ids)),
    ]

    def enqueue() -> None:
        for kind, ids in letters:
            documents_enqueue(complaint_ids=ids, kind=kind)

    if complaint_ids:
        transaction.on_commit(enqueue, robust=True)


def documents_enqueue(*, complaint_ids: Sequence[int], kind: Document.Kind) -> int:
    """Send generation tasks to the broker, ``LETTERS_PER_TASK`` cases each (10,000 newly
    overdue cases make 100 messages, not 10,000); never raises for a broker that is down
    (the sweep re-queues letters still missing an hour later). Returns how many were sent."""
    ids = list(complaint_ids)
    for start in range(0, len(ids), LETTERS_PER_TASK):
        chunk = ids[start : start + LETTERS_PER_TASK]
        try:
            documents_generate_task.delay(complaint_ids=chunk, kind=kind.value)
        except (OperationalError, OSError) as exc:
            logger.warning(
                "Broker unavailable; %d %s letter(s) left for a later sweep (%r)",
                len(ids) - start,
                kind.value,
                exc,
            )
            return start
    return len(ids)
