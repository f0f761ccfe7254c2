"""Reads of the case record, always scoped to what the asker may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from complaints.models import CaseEvent, Complaint
from complaints.permissions import visible_filter
from complaints.services import tracking_code_hash


def complaint_visible_queryset(*, user: Any) -> QuerySet[Complaint]:
    return Complaint.objects.filter(visible_filter(user))


def complaint_get_visible(*, user: Any, reference: str) -> Complaint | None:
    """The case if ``user`` may see it; ``None`` when it is absent *or* not theirs."""
    return (
        complaint_visible_queryset(user=user)
        .select_related("organisation", "service_unit", "handler", "merged_into")
        .filter(reference=reference)
        .first()
    )


def complaint_get_by_tracking_code(*, code: str) -> Complaint | None:
    """Look-up by the code's hash only: the code itself is never stored nor compared."""
    if not code or len(code) > 100:
        return None
    return (
        Complaint.objects.select_related("organisation", "merged_into")
        .filter(tracking_code_hash=tracking_code_hash(code))
        .first()
    )


def complaint_timeline(*, complaint: Complaint, public_only: bool) -> QuerySet[CaseEvent]:
    events = complaint.events.select_related("actor").order_by("at", "id")
    return events.filter(public=True) if public_only else events
