"""Celery tasks: thin, named, idempotent; each loads ids and calls one service."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils.dateparse import parse_datetime

from complaints import clock
from workflow.sweeps import deadlines_sweep


@shared_task(name="workflow.deadlines_sweep")  # type: ignore[untyped-decorator]
def deadlines_sweep_task(*, at: str | None = None, **kwargs: Any) -> dict[str, object]:
    now = parse_datetime(at) if at else None
    return deadlines_sweep(now=now or clock.now())
