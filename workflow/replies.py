"""The handler's reply draft: start from a template, edit, preview as the letter, submit.

The draft lives on the case (``reply_draft``) until ``submit_reply`` freezes it into a
numbered ``Reply`` for the approver; a returned draft comes back for editing.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from complaints.actors import Actor
from complaints.choices import EventKind, Status
from complaints.models import Complaint, ReplyTemplate
from complaints.permissions import can_handle
from complaints.services import event_record
from workflow.errors import InvalidInput, NotPermitted, TransitionNotAllowed

PLACEHOLDER = re.compile(r"\{(\w+)\}")


# About fifteen pages: the same limit for the page, the API and the service.
REPLY_MAX_LENGTH = 50_000


def reply_templates_for(*, complaint: Complaint) -> QuerySet[ReplyTemplate]:
    """The organisation's templates in the case's language."""
    return ReplyTemplate.objects.filter(
        organisation_id=complaint.organisation_id, language=complaint.language, active=True
    )


def reply_template_fill(*, template: ReplyTemplate, complaint: Complaint) -> str:
    """The template's parts with ``{placeholder}``s filled in; unknown names stay as typed."""
    language = complaint.language
    to_filer = complaint.reply_to_filer
    unit = (
        complaint.service_unit.name_in(language)
        if complaint.service_unit
        else complaint.service_description
    )
    values = {
        "reference": complaint.reference,
        "received_on": _finnish_date(complaint.received_on),
        "client_name": complaint.client_name,
        "recipient_name": complaint.filer_name if to_filer else complaint.client_name,
        "unit": unit,
        "organisation": complaint.organisation.name_in(language),
        "event_date": _finnish_date(complaint.event_date) if complaint.event_date else "",
        "summary": complaint.description,
    }
    parts = [part.strip() for part in template.parts() if part.strip()]
    return "\n\n".join(
        PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), part)
        for part in parts
    )


def _finnish_date(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def reply_draft_save(*, complaint_id: int, actor: Actor, now: datetime, text: str) -> Complaint:
    """Keep the handler's working text; only while the case is in handling."""
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
        if actor.user is None or not can_handle(actor.user, complaint):
            raise NotPermitted(_("You may not do this on this case."))
        if complaint.status != Status.IN_HANDLING:
            raise TransitionNotAllowed(
                _("The reply can be edited only while the case is in handling."),
                state=complaint.status,
            )
        if len(text) > REPLY_MAX_LENGTH:
            raise InvalidInput("text", _("The reply is too long."))
        if text == complaint.reply_draft:
            return complaint
        complaint.reply_draft = text
        complaint.save(update_fields=["reply_draft", "updated_at"])
        event_record(
            complaint=complaint,
            kind=EventKind.REPLY_DRAFTED,
            actor=actor,
            at=now,
            data={"length": len(text)},
        )
    return complaint
