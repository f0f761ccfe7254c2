"""Writes on the case record itself: reference numbers, tracking codes, events, access log.

Process decisions (intake, transitions, deadlines) live in ``workflow``; these are the
building blocks it calls inside its transactions.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import DateTimeField, F, IntegerField, Value

from complaints.actors import Actor
from complaints.bulk import insert_from_select
from complaints.choices import PUBLIC_EVENT_KINDS, AccessAction, EventKind
from complaints.models import AccessLogEntry, CaseEvent, Complaint, Organisation, ReferenceCounter

# What ``reference_allocate`` hands out: the organisation's prefix (capitals and digits,
# ``Organisation.reference_prefix``), the year and the number; any case, as typed.
REFERENCE_SHAPE = re.compile(r"[A-Z0-9]+-[0-9]{4}-[0-9]+", re.IGNORECASE)


def reference_allocate(*, organisation: Organisation, year: int) -> str:
    """The next diary number for the organisation and year, e.g. ``KEMI-2026-000123``.

    One atomic upsert: concurrent callers serialise on the counter row (PostgreSQL row
    lock; SQLite's single writer), and a number is never handed out twice. Must run inside
    the transaction that creates the case, so a rolled-back case gives its number back
    instead of leaving a gap.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reference_allocate must run inside the case's transaction")
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, year, last_number) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (organisation_id, year) DO UPDATE "
            f"SET last_number = {table}.last_number + 1 RETURNING last_number",
            [organisation.pk, year],
        )
        row = cursor.fetchone()
    if row is None:  # pragma: no cover - RETURNING always yields the row
        raise RuntimeError("reference counter upsert returned nothing")
    return f"{organisation.reference_prefix}-{year}-{row[0]:06d}"


def tracking_code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def tracking_code_new() -> tuple[str, str]:
    """A new unguessable tracking code (192 random bits) and the hash that is stored."""
    code = secrets.token_urlsafe(24)
    return code, tracking_code_hash(code)


def event_record(
    *,
    complaint: Complaint,
    kind: EventKind,
    actor: Actor,
    at: datetime,
    from_state: str = "",
    to_state: str = "",
    data: dict[str, Any] | None = None,
    public: bool | None = None,
) -> CaseEvent:
    """Append one event to the case's log (the audit trail of writes)."""
    event = CaseEvent.objects.create(
        complaint=complaint,
        kind=kind,
        actor=actor.user,
        actor_label=actor.label,
        at=at,
        public=kind in PUBLIC_EVENT_KINDS if public is None else public,
        from_state=from_state,
        to_state=to_state,
        data=data or {},
    )
    _access_log(complaint, actor, at, AccessAction.WRITE, f"event:{kind}")
    return event


def access_record(*, complaint: Complaint, actor: Actor, at: datetime, what: str) -> None:
    """Record that ``actor`` read the case through ``what``."""
    _access_log(complaint, actor, at, AccessAction.READ, what)


def access_record_many(
    *, complaint_ids: Sequence[int], actor: Actor, at: datetime, what: str
) -> None:
    """Record that ``actor`` read each of the cases (a queue page): one INSERT, its rows
    made by the database (no model instances built for a log line)."""
    if not complaint_ids:
        return
    insert_from_select(
        AccessLogEntry,
        Complaint.objects.filter(id__in=complaint_ids),
        {
            "complaint": F("id"),
            "at": Value(at, output_field=DateTimeField()),
            "user": Value(actor.user.pk if actor.user else None, output_field=IntegerField()),
            "actor_label": Value(actor.label),
            "action": Value(AccessAction.READ.value),
            "what": Value(what),
        },
    )


def _access_log(
    complaint: Complaint, actor: Actor, at: datetime, action: AccessAction, what: str
) -> None:
    AccessLogEntry.objects.create(
        complaint=complaint,
        at=at,
        user=actor.user,
        actor_label=actor.label,
        action=action,
        what=what,
    )
