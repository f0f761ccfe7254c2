"""Statement requests have their own timers: a reminder N days before the due date and an
overdue flag the day after, each once, to the requester (or the handler)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from complaints.choices import EventKind, Status
from complaints.models import AuthorityRequest, CaseEvent, StatementRequest
from notifications.models import InboxItem, Notification
from tests.workflow.timeline import at, case, people
from workflow.sweeps import deadlines_sweep

KEYS = ("statements_reminded", "statements_overdue")
AUTHORITY_KEYS = ("authority_requests_reminded", "authority_requests_overdue")


@pytest.fixture
def staff(org: Any, unit: Any) -> dict[str, Any]:
    return people(org, unit)


def _statement(complaint: Any, requester: Any, due: date, n: int = 1) -> StatementRequest:
    return StatementRequest.objects.create(
        complaint=complaint,
        respondent_email=f"tyontekija{n}@example.fi",
        question="Mitä tapahtui?",
        due_date=due,
        token_hash=f"{n:064d}",
        requested_by=requester,
        requested_at=at(date(2026, 11, 3)),
    )


def _counts(result: dict[str, Any], keys: tuple[str, str] = KEYS) -> tuple[int, int]:
    return result[keys[0]], result[keys[1]]


def test_statement_reminded_then_flagged_once_each(org, unit, staff):
    complaint = case(org, unit, day=date(2026, 11, 2), handler=staff["handler"])
    statement = _statement(complaint, staff["official"], date(2026, 11, 16))

    assert _counts(deadlines_sweep(now=at(date(2026, 11, 13)))) == (0, 0)  # 3 days before
    assert _counts(deadlines_sweep(now=at(date(2026, 11, 14), 0, 0))) == (1, 0)  # 2 days
    assert _counts(deadlines_sweep(now=at(date(2026, 11, 15)))) == (0, 0)
    assert _counts(deadlines_sweep(now=at(date(2026, 11, 16), 23, 59))) == (0, 0)
    assert _counts(deadlines_sweep(now=at(date(2026, 11, 17), 0, 0))) == (0, 1)
    assert _counts(deadlines_sweep(now=at(date(2026, 11, 20)))) == (0, 0)

    statement.refresh_from_db()
    assert statement.reminder_sent_at == at(date(2026, 11, 14), 0, 0)
    assert statement.overdue_flagged_at == at(date(2026, 11, 17), 0, 0)
    event = CaseEvent.objects.get(kind=EventKind.STATEMENT_OVERDUE)
    assert (event.complaint_id, event.public) == (complaint.pk, False)
    assert event.data["id"] == statement.pk
    # To the one who asked, not to the respondent (whose link only they have).
    mails = Notification.objects.filter(dedupe_key__startswith="statement:")
    assert sorted(mails.values_list("recipient", flat=True)) == ["vastuuhenkilo@example.fi"] * 2
    assert all(complaint.reference in m.subject for m in mails)
    assert InboxItem.objects.filter(user=staff["official"]).count() == 2


def test_answered_or_closed_cases_are_not_chased(org, unit, staff):
    answered = _statement(
        case(org, unit, day=date(2026, 11, 2)), staff["handler"], date(2026, 11, 16), 1
    )
    answered.answered_at = at(date(2026, 11, 10))
    answered.save()
    _statement(
        case(org, unit, day=date(2026, 11, 2), state=Status.WITHDRAWN),
        staff["handler"],
        date(2026, 11, 16),
        2,
    )
    assert _counts(deadlines_sweep(now=at(date(2026, 11, 14)))) == (0, 0)
    assert _counts(deadlines_sweep(now=at(date(2026, 11, 20)))) == (0, 0)
    assert not Notification.objects.exists()


def test_a_request_first_seen_late_is_flagged_not_reminded(org, unit, staff):
    _statement(case(org, unit, day=date(2026, 11, 2)), staff["handler"], date(2026, 11, 5))
    result = deadlines_sweep(now=at(date(2026, 11, 20)), dry_run=True)
    assert _counts(result) == (0, 1)
    assert not StatementRequest.objects.filter(overdue_flagged_at__isnull=False).exists()
    assert _counts(deadlines_sweep(now=at(date(2026, 11, 20)))) == (0, 1)


def test_the_authoritys_request_is_timed_even_on_a_closed_case(org, unit, staff):
    complaint = case(org, unit, day=date(2026, 9, 1), state=Status.CLOSED, handler=staff["handler"])
    request = AuthorityRequest.objects.create(
        complaint=complaint,
        diary_number="LVV/123/2026",
        received_on=date(2026, 11, 2),
        due_date=date(2026, 12, 2),
        created_at=at(date(2026, 11, 2)),
    )
    assert _counts(deadlines_sweep(now=at(date(2026, 11, 30))), AUTHORITY_KEYS) == (1, 0)
    assert _counts(deadlines_sweep(now=at(date(2026, 12, 3))), AUTHORITY_KEYS) == (0, 1)
    assert _counts(deadlines_sweep(now=at(date(2026, 12, 3), 9)), AUTHORITY_KEYS) == (0, 0)
    request.refresh_from_db()
    assert request.reminder_sent_at == at(date(2026, 11, 30))
    assert request.overdue_flagged_at == at(date(2026, 12, 3))
    mails = Notification.objects.filter(dedupe_key__startswith="authority_request:")
    assert sorted(mails.values_list("recipient", flat=True)) == ["kasittelija@example.fi"] * 2
    assert all("LVV/123/2026" in m.body_text for m in mails)
    assert CaseEvent.objects.get(kind=EventKind.STATEMENT_OVERDUE).data["request"] == (
        "authority_request"
    )


def test_the_lead_time_is_a_setting(org, unit, staff, settings):
    settings.STATEMENT_REMINDER_DAYS_BEFORE = 5
    _statement(case(org, unit, day=date(2026, 11, 2)), staff["handler"], date(2026, 11, 16))
    assert _counts(deadlines_sweep(now=at(date(2026, 11, 10)))) == (0, 0)
    assert _counts(deadlines_sweep(now=at(date(2026, 11, 11)))) == (1, 0)
