"""Reads of the case record, always scoped to what the asker may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from complaints.models import AccessLogEntry, CaseEvent, Complaint, ServiceUnit
from complaints.permissions import (
    HANDLING_ROLES,
    can_see_content,
    memberships_of,
    roles_of,
    visible_filter,
)
from complaints.services import tracking_code_hash


def complaint_visible_queryset(*, user: Any) -> QuerySet[Complaint]:
    return Complaint.objects.filter(visible_filter(user))


def complaint_queue_queryset(*, user: Any, unit: str | int | None = None) -> QuerySet[Complaint]:
    """The cases the queue may list: ``complaint_visible_queryset``, written so that the
    queue of one unit (``unit``, as the ``?unit=`` filter gives it) stays fast.

    When the user handles that unit in full, every case of it is visible, so the plain
    ``organisation`` filter (the unit filter adds ``unit = U``) lets PostgreSQL walk the
    (unit, due date, id) index and stop after one page. The generic condition ORs the
    user's units with ``handler = me``; ANDed with the same unit again, the planner
    underestimates the rows by orders of magnitude and sorts every case of the unit
    (60 ms at 100,000 cases, growing with N). A unit reached only in part, or not at all,
    keeps the generic condition.
    """
    try:
        unit_id = int(unit) if unit not in (None, "") else None
    except (TypeError, ValueError):
        unit_id = None
    if unit_id is not None:
        organisation_id = _organisation_handled_in_full(user, unit_id)
        if organisation_id is not None:
            return Complaint.objects.filter(organisation_id=organisation_id)
    return complaint_visible_queryset(user=user)


def _organisation_handled_in_full(user: Any, unit_id: int) -> int | None:
    handling = roles_of(user) & HANDLING_ROLES
    whole_organisations = []
    for organisation_id, reach in memberships_of(user).items():
        if not any(reach.allows(role) for role in handling):
            continue
        if unit_id in reach.units:
            return organisation_id
        if reach.all_units:
            whole_organisations.append(organisation_id)
    if not whole_organisations:
        return None
    return (
        ServiceUnit.objects.filter(pk=unit_id, organisation_id__in=whole_organisations)
        .values_list("organisation_id", flat=True)
        .first()
    )


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


def access_log_of_case(*, complaint: Complaint) -> QuerySet[AccessLogEntry]:
    return complaint.access_log.select_related("complaint", "user").order_by("at", "id")


def access_log_of_subject(
    *, organisation_ids: list[int] | None, email: str = "", name: str = ""
) -> QuerySet[AccessLogEntry]:
    """Every access to the cases of one client (Act 703/2023: the client may ask who looked).

    Matched by the client's email or exact name, case-insensitively; ``organisation_ids``
    limits it to the asker's organisations (``None``: all).
    """
    cases = Complaint.objects.all()
    if organisation_ids is not None:
        cases = cases.filter(organisation_id__in=organisation_ids)
    match = Q(pk__in=[])
    if email.strip():
        match |= Q(client_email__iexact=email.strip())
    if name.strip():
        match |= Q(client_name__iexact=name.strip())
    return (
        AccessLogEntry.objects.filter(complaint__in=cases.filter(match))
        .select_related("complaint", "user")
        .order_by("at", "id")
    )


def complaint_get_with_content(*, user: Any, reference: str) -> Complaint | None:
    """The case if ``user`` may see what the complainant gave; ``None`` as for a missing one."""
    complaint = complaint_get_visible(user=user, reference=reference)
    if complaint is None or not can_see_content(user, complaint):
        return None
    return complaint
