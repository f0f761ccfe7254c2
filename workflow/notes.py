"""Internal notes on a case: staff-only, append-only entries of the case's timeline."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from complaints.actors import Actor
from complaints.choices import EventKind
from complaints.models import CaseEvent, Complaint
from complaints.permissions import can_handle
from complaints.services import event_record
from workflow.errors import InvalidInput, NotPermitted


def note_add(*, complaint_id: int, actor: Actor, now: datetime, text: str) -> CaseEvent:
    text = text.strip()
    if not text:
        raise InvalidInput("text", _("Write the note."))
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
        if actor.user is None or not can_handle(actor.user, complaint):
            raise NotPermitted(_("You may not do this on this case."))
        return event_record(
            complaint=complaint,
            kind=EventKind.NOTE,
            actor=actor,
            at=now,
            data={"text": text[:5000]},
            public=False,
        )
