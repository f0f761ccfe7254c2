"""Celery tasks: thin, named, idempotent; each loads ids and calls one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from complaints import clock
from workflow.sweeps import deadlines_sweep, moment_parse


@shared_task(name="workflow.deadlines_sweep")  # type: ignore[untyped-decorator]
def deadlines_sweep_task(*, at: str | None = None, **kwargs: Any) -> dict[str, object]:
    return deadlines_sweep(now=moment_parse(at) if at else clock.now())
