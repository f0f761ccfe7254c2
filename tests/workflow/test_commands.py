"""The management commands of docs/api.md: sweep_deadlines and seed_demo."""

from __future__ import annotations

import json
from datetime import date, datetime
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from complaints.choices import EventKind
from complaints.clock import HELSINKI
from complaints.models import (
    CaseEvent,
    Complaint,
    DeadlineBreach,
    Organisation,
    ServiceUnit,
    StaffMembership,
)
from tests.factories import ComplaintFactory, received_on

DEMO_USERS = ["handler", "approver", "ombudsman", "registry", "admin"]


def sweep(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("sweep_deadlines", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1, out.getvalue()
    result = json.loads(lines[0])
    assert isinstance(result, dict)
    return result


@pytest.fixture
def due_case(org: Any, unit: Any) -> Complaint:
    complaint = ComplaintFactory(
        organisation=org, service_unit=unit, received_at=received_on(date(2026, 11, 24))
    )
    assert complaint.due_date == date(2026, 12, 28)
    return complaint


# --- sweep_deadlines ---------------------------------------------------------------------------


def test_sweep_dry_run_prints_the_counts_and_changes_nothing(due_case: Complaint) -> None:
    result = sweep("--at", "2026-12-29T08:00:00+02:00", "--dry-run")
    assert result["flagged_overdue"] == 1
    assert result["flagged_very_overdue"] == 0
    assert result["dry_run"] is True
    due_case.refresh_from_db()
    assert not due_case.overdue
    assert not DeadlineBreach.objects.exists()
    assert not CaseEvent.objects.filter(kind=EventKind.OVERDUE).exists()


def test_sweep_flags_once_as_of_the_given_moment(due_case: Complaint) -> None:
    assert sweep("--at", "2026-12-28T23:59:00+02:00")["flagged_overdue"] == 0
    first = sweep("--at", "2026-12-28T22:00:00Z")  # midnight in Helsinki
    assert (first["flagged_overdue"], first["flagged_very_overdue"]) == (1, 0)
    assert first["dry_run"] is False
    due_case.refresh_from_db()
    assert due_case.overdue
    again = sweep("--at", "2026-12-28T22:00:00Z")
    assert (again["flagged_overdue"], again["flagged_very_overdue"]) == (0, 0)
    assert DeadlineBreach.objects.count() == 1
    assert CaseEvent.objects.filter(kind=EventKind.OVERDUE).count() == 1


def test_sweep_without_at_uses_the_clock(due_case: Complaint) -> None:
    with time_machine.travel(datetime(2027, 2, 1, 8, 0, tzinfo=HELSINKI), tick=False):
        result = sweep()
    assert (result["flagged_overdue"], result["flagged_very_overdue"]) == (1, 1)


@pytest.mark.parametrize("at", ["2026-12-29T08:00:00", "2026-12-29", "tomorrow"])
def test_sweep_refuses_an_at_without_offset(due_case: Complaint, at: str) -> None:
    with pytest.raises(CommandError):
        sweep("--at", at)
    due_case.refresh_from_db()
    assert not due_case.overdue
    assert not DeadlineBreach.objects.exists()


def test_sweep_refuses_an_impossible_date_cleanly(due_case: Complaint) -> None:
    """Well-formed but impossible: a CommandError with a message, not a ValueError traceback."""
    with pytest.raises(CommandError):
        sweep("--at", "2026-02-30T08:00:00+02:00")


@pytest.mark.parametrize("days", ["0", "-3", "367", "99999999999"])
def test_sweep_refuses_a_look_back_of_no_days_or_past_a_year(
    due_case: Complaint, days: str
) -> None:
    with pytest.raises(CommandError):
        sweep("--look-back-days", days)


# --- seed_demo -----------------------------------------------------------------------------------


def _totals() -> dict[str, int]:
    return {
        "users": get_user_model().objects.count(),
        "organisations": Organisation.objects.count(),
        "units": ServiceUnit.objects.count(),
        "memberships": StaffMembership.objects.count(),
        "cases": Complaint.objects.count(),
        "events": CaseEvent.objects.count(),
    }


SEED_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=HELSINKI)


def test_seed_demo_is_idempotent_and_users_can_log_in(db: Any, settings: Any) -> None:
    settings.DEBUG = True
    with time_machine.travel(SEED_NOW, tick=False):
        call_command("seed_demo", stdout=StringIO())
        first = _totals()
        call_command("seed_demo", stdout=StringIO())
    assert _totals() == first
    assert first["organisations"] == 1
    assert first["cases"] > 0
    assert first["users"] >= len(DEMO_USERS)
    for username in DEMO_USERS:
        user = authenticate(username=username, password="demo")
        assert user is not None, username
        assert user.groups.filter(name=username).exists(), username
        assert authenticate(username=username, password="wrong") is None
    assert get_user_model().objects.get(username="admin").is_superuser


def test_seeded_handler_can_log_in_and_sees_the_demo_cases(
    db: Any, settings: Any, client: Any
) -> None:
    settings.DEBUG = True
    settings.SECURE_SSL_REDIRECT = False
    with time_machine.travel(SEED_NOW, tick=False):
        call_command("seed_demo", stdout=StringIO())
    assert client.login(username="handler", password="demo")
    response = client.get("/api/v1/complaints/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == Complaint.objects.count()


def test_seed_demo_refuses_with_debug_off(db: Any, settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert get_user_model().objects.count() == 0
    assert Organisation.objects.count() == 0
