"""A statement request left unanswered when its case leaves handling is no longer needed:
marked so in the transition, out of the timers, and said so on the staff page and the API."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from complaints.actors import Actor
from complaints.choices import Status
from complaints.models import StatementRequest
from notifications.models import Notification
from tests.workflow.timeline import at, case, people
from workflow import transitions
from workflow.sweeps import deadlines_sweep

KEYS = ("statements_reminded", "statements_overdue")


@pytest.fixture
def staff(org: Any, unit: Any) -> dict[str, Any]:
    return people(org, unit)


def _statement(complaint: Any, requester: Any, n: int, **fields: Any) -> StatementRequest:
    return StatementRequest.objects.create(
        complaint=complaint,
        respondent_email=f"tyontekija{n}@example.fi",
        question="Mitä tapahtui?",
        due_date=date(2026, 11, 16),
        token_hash=f"{n:064d}",
        requested_by=requester,
        requested_at=at(date(2026, 11, 3)),
        **fields,
    )


def _timers(now: datetime) -> tuple[int, int]:
    """(reminded, flagged late) by one sweep at ``now``."""
    result = deadlines_sweep(now=now)
    return result[KEYS[0]], result[KEYS[1]]


def _withdraw(complaint: Any, staff: dict[str, Any], now: datetime) -> None:
    transitions.complaint_withdraw(complaint_id=complaint.pk, actor=Actor.complainant(), now=now)


def _transfer(complaint: Any, staff: dict[str, Any], now: datetime) -> None:
    transitions.complaint_transfer(
        complaint_id=complaint.pk,
        actor=Actor.staff(staff["handler"]),
        now=now,
        target="Oulun kaupunki",
        reason="Palvelu on Oulun järjestämää.",
    )


def _approve(complaint: Any, staff: dict[str, Any], now: datetime) -> None:
    transitions.complaint_approve_reply(
        complaint_id=complaint.pk, actor=Actor.staff(staff["official"]), now=now
    )


@pytest.mark.parametrize(
    ("state", "leave"),
    [
        (Status.IN_HANDLING, _withdraw),
        (Status.RECEIVED, _transfer),
        (Status.AWAITING_APPROVAL, _approve),
    ],
)
def test_unanswered_requests_are_cancelled_when_the_case_leaves_handling(
    org: Any, unit: Any, staff: dict[str, Any], state: str, leave: Any
) -> None:
    complaint = case(org, unit, day=date(2026, 11, 2), state=state, handler=staff["handler"])
    pending = _statement(complaint, staff["official"], 1)
    answered = _statement(complaint, staff["official"], 2, answered_at=at(date(2026, 11, 9)))
    other = _statement(
        case(org, unit, day=date(2026, 11, 2), handler=staff["handler"]), staff["official"], 3
    )
    left_at = at(date(2026, 11, 10), 14)

    leave(complaint, staff, left_at)

    pending.refresh_from_db()
    answered.refresh_from_db()
    other.refresh_from_db()
    assert (pending.cancelled_at, pending.answered_at) == (left_at, None)
    assert answered.cancelled_at is None
    assert other.cancelled_at is None  # another case's request is still needed
    # Neither reminded nor flagged late afterwards; the open case's request still is.
    assert _timers(at(date(2026, 11, 14))) == (1, 0)
    assert _timers(at(date(2026, 11, 20))) == (0, 1)
    chased = Notification.objects.filter(dedupe_key__startswith="statement:")
    assert {key.split(":")[1] for key in chased.values_list("dedupe_key", flat=True)} == {
        str(other.pk)
    }


def test_extending_the_deadline_keeps_the_requests(
    org: Any, unit: Any, staff: dict[str, Any]
) -> None:
    complaint = case(org, unit, day=date(2026, 11, 2), handler=staff["handler"])
    pending = _statement(complaint, staff["official"], 1)
    transitions.complaint_extend(
        complaint_id=complaint.pk,
        actor=Actor.staff(staff["handler"]),
        now=at(date(2026, 11, 10)),
        reason="Laajempi selvitys.",
    )
    pending.refresh_from_db()
    assert pending.cancelled_at is None


def test_the_staff_page_and_the_api_say_it_is_no_longer_needed(
    client: Any, api: Any, org: Any, unit: Any, staff: dict[str, Any]
) -> None:
    complaint = case(org, unit, day=date(2026, 11, 2), handler=staff["handler"])
    _statement(complaint, staff["official"], 1)
    _withdraw(complaint, staff, at(date(2026, 11, 10), 14))

    client.force_login(staff["handler"])
    page = client.get(reverse("staff:case", args=[complaint.reference])).content.decode()
    assert "ei enää tarpeen 10.11.2026 alkaen (asian käsittely päättyi)" in page
    assert "vastattava viimeistään 16.11.2026" not in page

    api.force_authenticate(staff["handler"])
    listed = api.get(f"/api/v1/complaints/{complaint.reference}/statements/").json()
    assert [(row["answered"], row["cancelled_at"]) for row in listed] == [
        (False, "2026-11-10T14:00:00+02:00")
    ]


def test_the_migration_cancels_requests_already_left_on_closed_cases(
    transactional_db: Any,
) -> None:
    """0014 gives a request left unanswered on a case out of handling the moment of the
    case's exit event (or the migration's own where none says), and nothing else; 0015
    swaps the timers' index (concurrently on PostgreSQL)."""
    executor = MigrationExecutor(connection)
    executor.migrate([("complaints", "0013_fewer_case_indexes")])
    apps = executor.loader.project_state([("complaints", "0013_fewer_case_indexes")]).apps
    Organisation = apps.get_model("complaints", "Organisation")
    Complaint = apps.get_model("complaints", "Complaint")
    CaseEvent = apps.get_model("complaints", "CaseEvent")
    requests_then = apps.get_model("complaints", "StatementRequest")
    User = apps.get_model("auth", "User")
    organisation = Organisation.objects.create(slug="kemi", reference_prefix="KEMI", name_fi="Kemi")
    user = User.objects.create(username="kasittelija")
    received = at(date(2026, 11, 2))

    def complaint(n: int, status: str) -> Any:
        return Complaint.objects.create(
            organisation=organisation,
            reference=f"KEMI-2026-{n:06d}",
            status=status,
            filer_role="client",
            tracking_code_hash=f"{n:064d}",
            service_description="Kotihoito",
            description="Kuvaus",
            received_at=received,
            received_on=received.date(),
            first_received_on=received.date(),
            due_date=date(2026, 12, 2),
        )

    def request(n: int, on: Any, **fields: Any) -> Any:
        return requests_then.objects.create(
            complaint=on,
            respondent_email="tyontekija@example.fi",
            question="?",
            due_date=date(2026, 11, 16),
            token_hash=f"{n:064d}",
            requested_by=user,
            requested_at=received,
            **fields,
        )

    withdrawn = complaint(1, "withdrawn")
    left_at = at(date(2026, 11, 9), 13)
    for moment, kind in ((left_at - timedelta(days=5), "accepted"), (left_at, "withdrawn")):
        CaseEvent.objects.create(complaint=withdrawn, kind=kind, at=moment, actor_label="x")
    on_withdrawn = request(1, withdrawn)
    on_closed_without_event = request(2, complaint(2, "closed"))
    on_open = request(3, complaint(3, "in_handling"))
    answered = request(4, complaint(4, "closed"), answered_at=left_at)

    call_command("migrate", "complaints", verbosity=0)

    found = dict(
        StatementRequest.objects.values_list("pk", "cancelled_at").filter(
            pk__in=[on_withdrawn.pk, on_closed_without_event.pk, on_open.pk, answered.pk]
        )
    )
    assert found[on_withdrawn.pk] == left_at
    assert found[on_closed_without_event.pk] is not None
    assert found[on_open.pk] is None
    assert found[answered.pk] is None
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, StatementRequest._meta.db_table)
    assert "statement_live_idx" in indexes
    assert "statement_pending_idx" not in indexes
