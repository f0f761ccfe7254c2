"""The deadline sweep: overdue from the Helsinki day after the due date, once, set-based."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.actors import Actor
from complaints.choices import OPEN_STATES, BreachTier, EventKind, Status
from complaints.clock import HELSINKI
from complaints.models import CaseEvent, Complaint, DeadlineBreach
from tests.factories import ComplaintFactory, received_on
from workflow.sweeps import deadlines_sweep
from workflow.tasks import deadlines_sweep_task
from workflow.transitions import (
    complaint_accept,
    complaint_approve_reply,
    complaint_close,
    complaint_submit_reply,
)

DUE = date(2026, 12, 28)  # received 24.11.2026: Christmas Eve → Mon 28.12.2026
LAST_MINUTE = datetime(2026, 12, 28, 23, 59, tzinfo=HELSINKI)
NEXT_DAY = datetime(2026, 12, 29, 0, 0, tzinfo=HELSINKI)


def _due_case(org: Any, unit: Any, *, state: str = Status.RECEIVED, **fields: Any) -> Complaint:
    complaint = ComplaintFactory.in_state(
        state,
        organisation=org,
        service_unit=unit,
        received_at=received_on(date(2026, 11, 24)),
        **fields,
    )
    assert complaint.due_date == DUE
    return complaint


def _counts(result: dict[str, Any]) -> tuple[int, int]:
    return result["flagged_overdue"], result["flagged_very_overdue"]


def _writes(complaint: Complaint) -> tuple[int, int]:
    return (
        DeadlineBreach.objects.filter(complaint=complaint).count(),
        CaseEvent.objects.filter(
            complaint=complaint, kind__in=[EventKind.OVERDUE, EventKind.VERY_OVERDUE]
        ).count(),
    )


@pytest.fixture
def due_case(org: Any, unit: Any) -> Complaint:
    return _due_case(org, unit)


@pytest.mark.parametrize(
    "moment",
    [
        LAST_MINUTE,
        datetime(2026, 12, 28, 21, 59, tzinfo=UTC),
        datetime(2026, 12, 28, 9, 0, tzinfo=HELSINKI),
    ],
    ids=["23:59-helsinki", "21:59Z", "morning"],
)
def test_not_overdue_on_the_due_date(due_case: Complaint, moment: datetime) -> None:
    assert _counts(deadlines_sweep(now=moment)) == (0, 0)
    due_case.refresh_from_db()
    assert not due_case.overdue
    assert _writes(due_case) == (0, 0)


@pytest.mark.parametrize(
    "moment",
    [NEXT_DAY, datetime(2026, 12, 28, 22, 0, tzinfo=UTC)],
    ids=["00:00-helsinki", "22:00Z"],
)
def test_overdue_from_the_next_helsinki_day(due_case: Complaint, moment: datetime) -> None:
    result = deadlines_sweep(now=moment)
    assert _counts(result) == (1, 0)
    due_case.refresh_from_db()
    assert due_case.overdue
    assert not due_case.very_overdue

    breach = DeadlineBreach.objects.get(complaint=due_case)
    assert breach.tier == BreachTier.OVERDUE
    assert breach.due_date == DUE
    assert breach.recorded_at == moment
    event = CaseEvent.objects.get(complaint=due_case, kind=EventKind.OVERDUE)
    assert event.at == moment
    assert event.public  # the complainant is told the reply is late
    assert event.actor is None
    assert event.actor_label == Actor.system().label
    assert event.data == {"due_date": DUE.isoformat()}
    assert (event.from_state, event.to_state) == ("", "")


def test_a_second_sweep_at_the_same_moment_does_nothing(due_case: Complaint) -> None:
    assert _counts(deadlines_sweep(now=NEXT_DAY)) == (1, 0)
    assert _writes(due_case) == (1, 1)
    updated_at = Complaint.objects.get(pk=due_case.pk).updated_at
    total_events = CaseEvent.objects.count()

    again = deadlines_sweep(now=NEXT_DAY)
    assert _counts(again) == (0, 0)
    assert _writes(due_case) == (1, 1)
    assert CaseEvent.objects.count() == total_events
    assert DeadlineBreach.objects.count() == 1
    assert Complaint.objects.get(pk=due_case.pk).updated_at == updated_at
    # A later sweep, still within the first tier, adds nothing either.
    assert _counts(deadlines_sweep(now=datetime(2027, 1, 10, 8, 0, tzinfo=HELSINKI))) == (0, 0)
    assert _writes(due_case) == (1, 1)


def test_dry_run_counts_and_changes_nothing(org: Any, unit: Any) -> None:
    cases = [_due_case(org, unit) for _ in range(3)]
    moment = datetime(2027, 2, 1, 8, 0, tzinfo=HELSINKI)  # overdue and very overdue
    result = deadlines_sweep(now=moment, dry_run=True)
    assert result["dry_run"] is True
    assert _counts(result) == (3, 3)
    assert not Complaint.objects.filter(overdue=True).exists()
    assert not Complaint.objects.filter(very_overdue=True).exists()
    assert not DeadlineBreach.objects.exists()
    assert not CaseEvent.objects.filter(
        kind__in=[EventKind.OVERDUE, EventKind.VERY_OVERDUE]
    ).exists()
    # The real run does what the dry run counted.
    assert _counts(deadlines_sweep(now=moment)) == (3, 3)
    assert all(_writes(c) == (2, 2) for c in cases)


def test_very_overdue_a_month_past_the_due_date(due_case: Complaint) -> None:
    assert _counts(deadlines_sweep(now=NEXT_DAY)) == (1, 0)
    # 28.1.2027 is exactly one month past the due date: not yet very overdue.
    assert _counts(deadlines_sweep(now=datetime(2027, 1, 28, 23, 59, tzinfo=HELSINKI))) == (0, 0)
    due_case.refresh_from_db()
    assert not due_case.very_overdue

    moment = datetime(2027, 1, 29, 0, 0, tzinfo=HELSINKI)
    assert _counts(deadlines_sweep(now=moment)) == (0, 1)
    due_case.refresh_from_db()
    assert due_case.overdue
    assert due_case.very_overdue
    breach = DeadlineBreach.objects.get(complaint=due_case, tier=BreachTier.VERY_OVERDUE)
    assert breach.due_date == DUE
    assert breach.recorded_at == moment
    event = CaseEvent.objects.get(complaint=due_case, kind=EventKind.VERY_OVERDUE)
    assert event.data == {"due_date": DUE.isoformat()}
    assert not event.public
    assert _counts(deadlines_sweep(now=moment)) == (0, 0)


def test_a_first_sweep_long_after_flags_both_tiers(due_case: Complaint) -> None:
    assert _counts(deadlines_sweep(now=datetime(2027, 3, 1, 8, 0, tzinfo=HELSINKI))) == (1, 1)
    assert set(DeadlineBreach.objects.values_list("tier", flat=True)) == {
        BreachTier.OVERDUE,
        BreachTier.VERY_OVERDUE,
    }


@pytest.mark.parametrize(
    "state",
    [Status.REPLIED, Status.CLOSED, Status.WITHDRAWN, Status.TRANSFERRED, Status.MERGED],
)
def test_cases_that_are_not_open_are_ignored(org: Any, unit: Any, state: str) -> None:
    complaint = _due_case(org, unit, state=state)
    # The factory gives a merged case an open target (due 2.12.2026); it is swept, ours not.
    others = Complaint.objects.filter(status__in=OPEN_STATES).count()
    assert others == (1 if state == Status.MERGED else 0)
    moment = datetime(2027, 3, 1, 8, 0, tzinfo=HELSINKI)
    assert _counts(deadlines_sweep(now=moment, dry_run=True)) == (others, others)
    assert _counts(deadlines_sweep(now=moment)) == (others, others)
    complaint.refresh_from_db()
    assert not complaint.overdue
    assert not complaint.very_overdue
    assert _writes(complaint) == (0, 0)


@pytest.mark.parametrize("state", [Status.IN_HANDLING, Status.AWAITING_APPROVAL])
def test_every_open_state_is_swept(org: Any, unit: Any, state: str) -> None:
    complaint = _due_case(org, unit, state=state)
    assert _counts(deadlines_sweep(now=NEXT_DAY)) == (1, 0)
    assert _writes(complaint) == (1, 1)


def test_the_breach_outlives_the_reply_and_the_closing(
    due_case: Complaint, handler: Any, approver: Any
) -> None:
    assert _counts(deadlines_sweep(now=NEXT_DAY)) == (1, 0)

    when = datetime(2027, 1, 4, 10, 0, tzinfo=HELSINKI)
    complaint_accept(complaint_id=due_case.pk, actor=Actor.staff(handler), now=when)
    complaint_submit_reply(
        complaint_id=due_case.pk, actor=Actor.staff(handler), now=when, text="Vastaus."
    )
    due_case.refresh_from_db()
    assert due_case.overdue  # still late while the reply waits for approval

    replied = complaint_approve_reply(
        complaint_id=due_case.pk, actor=Actor.staff(approver), now=when
    )
    assert replied.status == Status.REPLIED
    replied.refresh_from_db()
    assert not replied.overdue
    assert not replied.very_overdue
    approval = CaseEvent.objects.get(complaint=due_case, kind=EventKind.REPLY_APPROVED)
    assert approval.data.get("late") is True

    closed = complaint_close(complaint_id=due_case.pk, actor=Actor.staff(handler), now=when)
    assert closed.status == Status.CLOSED
    breach = DeadlineBreach.objects.get(complaint=due_case)
    assert (breach.tier, breach.due_date) == (BreachTier.OVERDUE, DUE)

    # Later sweeps neither re-flag the closed case nor add a very-overdue breach to it.
    assert _counts(deadlines_sweep(now=datetime(2027, 3, 1, 8, 0, tzinfo=HELSINKI))) == (0, 0)
    assert list(DeadlineBreach.objects.filter(complaint=due_case)) == [breach]
    closed.refresh_from_db()
    assert not closed.overdue


def test_sweep_statement_count_does_not_depend_on_how_many_cases_it_flags(
    org: Any, unit: Any
) -> None:
    def batch(n: int, day: date) -> None:
        for _ in range(n):
            ComplaintFactory(organisation=org, service_unit=unit, received_at=received_on(day))

    # 3 cases received 1.9.2026, due 1.10.2026: at 1.12.2026 overdue and very overdue.
    batch(3, date(2026, 9, 1))
    with CaptureQueriesContext(connection) as few:
        assert _counts(deadlines_sweep(now=datetime(2026, 12, 1, 8, 0, tzinfo=HELSINKI))) == (3, 3)

    # 30 cases received 1.10.2026, due 2.11.2026: at 15.1.2027 both tiers again, 30 each;
    # the first three are flagged already and not touched.
    batch(30, date(2026, 10, 1))
    with CaptureQueriesContext(connection) as many:
        assert _counts(deadlines_sweep(now=datetime(2027, 1, 15, 8, 0, tzinfo=HELSINKI))) == (
            30,
            30,
        )
    assert len(many.captured_queries) == len(few.captured_queries), (
        [q["sql"][:80] for q in few.captured_queries],
        [q["sql"][:80] for q in many.captured_queries],
    )
    assert DeadlineBreach.objects.count() == 66
    assert CaseEvent.objects.filter(kind=EventKind.OVERDUE).count() == 33


def test_the_task_returns_the_same_counts(org: Any, unit: Any) -> None:
    for _ in range(2):
        _due_case(org, unit)
    _due_case(org, unit, state=Status.CLOSED)
    at = "2026-12-29T00:00:00+02:00"
    expected = _counts(deadlines_sweep(now=datetime.fromisoformat(at), dry_run=True))
    assert expected == (2, 0)

    result = deadlines_sweep_task(at=at)
    assert _counts(result) == expected
    assert result["dry_run"] is False
    assert Complaint.objects.filter(overdue=True).count() == 2
    assert DeadlineBreach.objects.count() == 2
    # Retried (as Celery may): nothing new.
    assert _counts(deadlines_sweep_task(at=at)) == (0, 0)
    assert DeadlineBreach.objects.count() == 2
