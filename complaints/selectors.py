"""Reads of the case record, always scoped to what the asker may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

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


def complaint_queue(
    *,
    user: Any,
    statuses: list[str] | None = None,
    unit_id: int | None = None,
    handler_username: str | None = None,
    overdue: bool | None = None,
    due_before: Any = None,
    q: str = "",
) -> QuerySet[Complaint]:
    queryset = complaint_visible_queryset(user=user).select_related(
        "organisation", "service_unit", "handler"
    )
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if unit_id is not None:
        queryset = queryset.filter(service_unit_id=unit_id)
    if handler_username:
        queryset = queryset.filter(handler__username=handler_username)
    if overdue is not None:
        queryset = queryset.filter(overdue=overdue)
    if due_before is not None:
        queryset = queryset.filter(due_date__lt=due_before)
    if q := q.strip():
        queryset = queryset.filter(
            Q(reference__iexact=q) | Q(client_name__icontains=q) | Q(filer_name__icontains=q)
        )
    return queryset


def complaint_timeline(*, complaint: Complaint, public_only: bool) -> QuerySet[CaseEvent]:
    events = complaint.events.select_related("actor").order_by("at", "id")
    return events.filter(public=True) if public_only else events
