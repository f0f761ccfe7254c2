"""Celery tasks: thin, named, idempotent; each loads ids and calls one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import transaction

from complaints import clock
from workflow.documents import document_generate
from workflow.sweeps import deadlines_sweep, moment_parse


@shared_task(name="workflow.deadlines_sweep")  # type: ignore[untyped-decorator]
def deadlines_sweep_task(*, at: str | None = None, **kwargs: Any) -> dict[str, object]:
    return deadlines_sweep(now=moment_parse(at) if at else clock.now())


@shared_task(name="workflow.document_generate")  # type: ignore[untyped-decorator]
def document_generate_task(*, complaint_id: int, kind: str, **kwargs: Any) -> None:
    document_generate(complaint_id=complaint_id, kind=kind, now=clock.now())


def document_generate_on_commit(*, complaint_id: int, kind: str) -> None:
    """Generate the letter in the worker once the transition that causes it has committed."""
    transaction.on_commit(
        lambda: document_generate_task.delay(complaint_id=complaint_id, kind=kind), robust=True
    )
