""" "Still dissatisfied": the complainant's way on to the supervisory authority (kantelu).

After the reply, or while the reply is late, the complainant may say they are still
dissatisfied. The case is flagged ``escalated``, the event logged once, and they get the
escalation note: a pre-filled kantelu to the supervisory authority (templates/pdf/
escalation_note.html). A note made while the reply was late is made again, as a new
version, once the reply has been given: the new one states what was answered.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from complaints.actors import Actor
from complaints.choices import OPEN_STATES, EventKind, Status
from complaints.models import Complaint, Document
from complaints.services import event_record
from workflow.documents import document_latest, document_new_version
from workflow.errors import TransitionNotAllowed

REPLIED_STATES = (Status.REPLIED, Status.CLOSED)


def escalation_allowed(complaint: Complaint) -> bool:
    """After the reply, or while an open case is past its due date."""
    return complaint.status in REPLIED_STATES or (
        complaint.status in OPEN_STATES and complaint.overdue
    )


def _note_outdated(complaint: Complaint, note: Document) -> bool:
    return complaint.replied_at is not None and note.created_at < complaint.replied_at


def complaint_dissatisfied(*, complaint_id: int, actor: Actor, now: datetime) -> Document:
    """Record that the complainant is still dissatisfied; the escalation note for them.

    Idempotent: a double click (or a retried request) finds the row locked, then the note
    and the event the first one made, and makes neither again.
    """
    with transaction.atomic():
        complaint = (
            # of=self: PostgreSQL cannot lock the nullable side of the unit's outer join.
            Complaint.objects.select_for_update(of=("self",))
            .select_related("organisation", "service_unit")
            .get(pk=complaint_id)
        )
        if not escalation_allowed(complaint):
            raise TransitionNotAllowed(
                _(
                    "You can ask for the escalation note after the reply, or when the reply "
                    "is late. The case is %(state)s."
                )
                % {"state": Status(complaint.status).label},
                state=complaint.status,
            )
        note = document_latest(complaint=complaint, kind=Document.Kind.ESCALATION_NOTE)
        new_note = note is None or _note_outdated(complaint, note)
        first_time = complaint.dissatisfied_at is None
        if first_time or not complaint.escalated:
            complaint.dissatisfied_at = complaint.dissatisfied_at or now
            complaint.escalated = True
            complaint.save(update_fields=["dissatisfied_at", "escalated", "updated_at"])
        if note is None or new_note:  # none yet (version 1), or one made before the reply
            note = document_new_version(
                complaint=complaint, kind=Document.Kind.ESCALATION_NOTE, now=now
            )
        if first_time or new_note:
            event_record(
                complaint=complaint,
                kind=EventKind.DISSATISFIED,
                actor=actor,
                at=now,
                data={
                    "document_version": note.version,
                    "replied": complaint.replied_at is not None,
                },
            )
    return note
