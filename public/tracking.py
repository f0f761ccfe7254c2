"""What the complainant sees behind the tracking code: no internal notes, no staff names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from complaints.actors import Actor
from complaints.choices import EventKind, Status
from complaints.clock import now as clock_now
from complaints.models import Attachment, Complaint, Document
from complaints.selectors import complaint_get_by_tracking_code, complaint_timeline
from complaints.services import access_record
from workflow.calendar import complaint_due_date_explanation
from workflow.escalation import escalation_allowed

# Letters to the complainant; the rest (internal escalation, letters to the supervisory
# authority) are staff's and never reachable through the tracking code.
COMPLAINANT_DOCUMENT_KINDS = frozenset(
    {
        Document.Kind.RECEIPT,
        Document.Kind.REPLY,
        Document.Kind.EXTENSION_NOTICE,
        Document.Kind.TRANSFER_NOTICE,
        Document.Kind.ESCALATION_NOTE,
        Document.Kind.DELAY_NOTICE,
    }
)


def complainant_document_kinds(complaint: Complaint) -> frozenset[str]:
    """The letters this case's tracking link reaches: not the reply when it is the client's
    and the link the filer's (``Complaint.reply_shown_to_tracker``)."""
    if complaint.reply_shown_to_tracker:
        return COMPLAINANT_DOCUMENT_KINDS
    return COMPLAINANT_DOCUMENT_KINDS - {Document.Kind.REPLY}


def complainant_attachments(complaint: Complaint) -> QuerySet[Attachment]:
    """The files the complainant may see: their own and staff's, not those that came with
    an employee's statement (the employee sees only what they need; the complainant is
    not shown who was asked)."""
    return complaint.attachments.filter(statement__isnull=True)


def tracked_complaint(*, code: str, what: str) -> Complaint | None:
    """The case behind ``code``, with the read logged; ``None`` for an unknown code."""
    complaint = complaint_get_by_tracking_code(code=code)
    if complaint is not None:
        access_record(complaint=complaint, actor=Actor.complainant(), at=clock_now(), what=what)
    return complaint


def tracked_complaint_or_404(*, code: str, what: str) -> Complaint:
    complaint = tracked_complaint(code=code, what=what)
    if complaint is None:
        raise Http404
    return complaint


def document_link(*, code: str, kind: str, absolute: Callable[[str], str] = str) -> str:
    """Where the complainant downloads the latest version of a letter of ``kind``."""
    return absolute(reverse("public:document", kwargs={"code": code, "kind": kind}))


def tracking_view(
    complaint: Complaint,
    *,
    code: str,
    language: str,
    absolute: Callable[[str], str] = str,
) -> dict[str, Any]:
    """The complainant's view of the case; document and attachment links carry ``code``."""
    kinds = complainant_document_kinds(complaint)
    documents = [
        {
            "kind": kind,
            "url": document_link(code=code, kind=kind, absolute=absolute),
            "label": str(Document.Kind(kind).label),
        }
        for kind in [
            Document.Kind.RECEIPT,
            *dict.fromkeys(
                kind
                for kind in complaint.documents.values_list("kind", flat=True)
                if kind != Document.Kind.RECEIPT and kind in kinds
            ),
        ]
    ]
    return {
        "reference": complaint.reference,
        "status": complaint.status,
        "status_label": str(Status(complaint.status).label),
        "received_at": complaint.received_at,
        "received_on": complaint.received_on,
        "due_date": complaint.due_date,
        "due_date_explanation": complaint_due_date_explanation(
            complaint=complaint, language=language
        ),
        "extended": complaint.extended,
        "overdue": complaint.overdue,
        "replied_at": complaint.replied_at,
        "reply_visible": complaint.reply_shown_to_tracker,
        "merged_into": complaint.merged_into.reference if complaint.merged_into else None,
        "escalation_allowed": escalation_allowed(complaint),
        "timeline": [
            {"at": event.at, "event": event.kind, "label": str(EventKind(event.kind).label)}
            for event in complaint_timeline(complaint=complaint, public_only=True)
        ],
        "documents": documents,
        "attachments": [
            {
                "name": attachment.original_name,
                "size": attachment.size,
                "url": absolute(
                    reverse(
                        "public:attachment",
                        kwargs={"code": code, "attachment_id": attachment.pk},
                    )
                ),
            }
            for attachment in complainant_attachments(complaint)
        ],
    }
