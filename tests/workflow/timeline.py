"""Shared people and cases for the timeline tests: a unit with a responsible official, a
handler, a leading official, and a case whose complainant gave an email."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine

from complaints.choices import Role, Status
from complaints.models import CaseEvent, Complaint, DeadlineBreach, Document
from notifications.models import InboxItem, Notification
from tests.factories import ComplaintFactory, received_on, staff_user
from workflow.tasks import deadlines_sweep_task, document_generate_task, documents_generate_task

HELSINKI = ZoneInfo("Europe/Helsinki")
CLIENT = "asiakas@example.fi"


def at(day: date, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=HELSINKI)


def people(org: Any, unit: Any) -> dict[str, Any]:
    def person(name: str, role: Role) -> Any:
        user = staff_user(name, role, organisation=org, all_units=True)
        user.email = f"{name}@example.fi"
        user.save()
        return user

    result = {
        "handler": person("kasittelija", Role.HANDLER),
        "official": person("vastuuhenkilo", Role.APPROVER),
        "leading": person("johtava", Role.APPROVER),
    }
    unit.responsible_official = result["official"]
    unit.save()
    org.leading_official = result["leading"]
    org.save()
    return result


def case(org: Any, unit: Any, *, day: date, state: str = Status.IN_HANDLING, **fields: Any) -> Any:
    fields.setdefault("client_email", CLIENT)
    return ComplaintFactory.in_state(
        state, organisation=org, service_unit=unit, received_at=received_on(day), **fields
    )


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def sweep_at(moment: datetime, capture: Any) -> tuple[dict[str, Any], list[int]]:
    """Run the periodic task at ``moment`` as beat would; the cases whose internal escalation
    note it queued after commit (the broker is mocked; see ``notes_generate``)."""
    with (
        frozen(moment),
        mock.patch.object(documents_generate_task, "delay") as delay,
        capture(execute=True),
    ):
        result = deadlines_sweep_task()
    return result, [pk for call in delay.call_args_list for pk in call.kwargs["complaint_ids"]]


def notes_generate(complaint_ids: list[int], moment: datetime) -> None:
    """What the worker does with the queued tasks."""
    with frozen(moment):
        for complaint_id in complaint_ids:
            document_generate_task(complaint_id=complaint_id, kind="internal_escalation")


def snapshot(complaint: Complaint) -> dict[str, Any]:
    """Everything the timers write about one case, to compare before and after a rerun."""
    return {
        "flags": Complaint.objects.filter(pk=complaint.pk)
        .values_list("overdue", "very_overdue")
        .get(),
        "breaches": sorted(
            DeadlineBreach.objects.filter(complaint=complaint).values_list("tier", flat=True)
        ),
        "events": sorted(
            CaseEvent.objects.filter(complaint=complaint).values_list("kind", flat=True)
        ),
        "emails": sorted(Notification.objects.values_list("recipient", "dedupe_key")),
        "inbox": sorted(InboxItem.objects.values_list("user__username", "dedupe_key")),
        "documents": sorted(
            Document.objects.filter(complaint=complaint).values_list("kind", "version")
        ),
    }
