"""Deadlines of stored cases: the pure engine fed with the organisation's closure days."""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date, datetime

from django.db import connection, transaction

from complaints.actors import Actor
from complaints.choices import OPEN_STATES, EventKind
from complaints.clock import helsinki_date
from complaints.models import CaseEvent, ClosureDay, Complaint, Organisation
from workflow.deadlines import (
    Deadline,
    deadline_basis,
    deadline_from_basis,
    due_date_compute,
    due_date_explain,
)
from workflow.sweeps import late_flags_to_clear


def closure_days_of(*, organisation_id: int) -> dict[date, str]:
    """The organisation's closure days and their descriptions.

    Every filing reads them (never from a kept copy: ADR 0011). The statement is written
    here, not built by the ORM: building it cost more than running it, about 7 % of a
    submission's instructions (docs/performance.md)."""
    with connection.cursor() as cursor:
        cursor.execute(_closure_days_sql(), [organisation_id])
        return dict(cursor.fetchall())


@functools.cache
def _closure_days_sql() -> str:
    quote = connection.ops.quote_name
    meta = ClosureDay._meta
    column = {field.name: str(field.column) for field in meta.concrete_fields}
    day, description, organisation = (
        quote(column[name]) for name in ("date", "description", "organisation")
    )
    return f"SELECT {day}, {description} FROM {quote(meta.db_table)} WHERE {organisation} = %s"  # noqa: S608


def complaint_deadline(
    *, complaint: Complaint, closure_days: dict[date, str] | None = None
) -> Deadline:
    if closure_days is None:
        closure_days = closure_days_of(organisation_id=complaint.organisation_id)
    return due_date_compute(
        received_on=complaint.received_on, extended=complaint.extended, closure_days=closure_days
    )


def complaint_due_date_explanation(*, complaint: Complaint, language: str) -> str:
    """How the stored due date was computed; from the stored basis, so it never disagrees."""
    if complaint.due_basis:
        deadline = deadline_from_basis(
            received_on=complaint.received_on,
            rule=complaint.due_rule,
            due_date=complaint.due_date,
            basis=complaint.due_basis,
        )
    else:  # a case stored before the basis was kept
        deadline = complaint_deadline(complaint=complaint)
    return due_date_explain(deadline, language=language)


def due_dates_recompute(*, organisation: Organisation, actor: Actor, now: datetime) -> int:
    """Recompute the due dates of the organisation's open cases after its closure days changed.

    One computation and one UPDATE per distinct (received day, extended) pair whose due date
    changed, and one bulk insert of events. Returns how many cases got a new due date.
    """
    closure_days = closure_days_of(organisation_id=organisation.pk)
    today = helsinki_date(now)
    with transaction.atomic():
        rows = (
            Complaint.objects.select_for_update()
            .filter(organisation=organisation, status__in=OPEN_STATES)
            .values_list("id", "received_on", "extended", "due_date")
        )
        deadlines: dict[tuple[date, bool], Deadline] = {}
        changed: dict[tuple[date, bool], list[int]] = defaultdict(list)
        for complaint_id, received_on, extended, due_date in rows:
            key = (received_on, extended)
            if key not in deadlines:
                deadlines[key] = due_date_compute(
                    received_on=received_on, extended=extended, closure_days=closure_days
                )
            if deadlines[key].due_date != due_date:
                changed[key].append(complaint_id)
        events: list[CaseEvent] = []
        for key, ids in changed.items():
            deadline = deadlines[key]
            Complaint.objects.filter(id__any=ids).update(
                due_date=deadline.due_date,
                due_basis=deadline_basis(deadline),
                **late_flags_to_clear(due_date=deadline.due_date, today=today),
            )
            events.extend(
                CaseEvent(
                    complaint_id=complaint_id,
                    kind=EventKind.DUE_DATE_CHANGED,
                    actor=actor.user,
                    actor_label=actor.label,
                    at=now,
                    public=True,
                    data={"due_date": deadline.due_date.isoformat(), "reason": "closure_days"},
                )
                for complaint_id in ids
            )
        CaseEvent.objects.bulk_create(events)
    return len(events)
