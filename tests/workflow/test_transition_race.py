"""Two users racing the same case: one wins, the other gets 409, and one event is written.

The services lock the row (``select_for_update``) on PostgreSQL; on SQLite the test
database is a file in WAL mode whose transactions are IMMEDIATE, so writers queue at BEGIN.
Either way the loser re-reads the case in its new state and is refused.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from complaints.actors import Actor
from complaints.choices import EventKind, Role, Status
from complaints.models import CaseEvent, Complaint, Reply
from tests.factories import ComplaintFactory, staff_user
from workflow import transitions as services
from workflow.errors import TransitionNotAllowed

HELSINKI = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 11, 10, 12, 0, tzinfo=HELSINKI)
ROUNDS = 4


def _race(*calls: Callable[[], Complaint]) -> list[tuple[str, Any]]:
    """Run ``calls`` in threads released together; each result is ("ok"|"error", value)."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, Any]] = [("missing", None)] * len(calls)

    def worker(index: int, call: Callable[[], Complaint]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", call())
        except Exception as error:
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive(), "a racing thread hung"
    return results


def _one_winner(results: list[tuple[str, Any]]) -> int:
    winners = [i for i, (outcome, _) in enumerate(results) if outcome == "ok"]
    losers = [value for outcome, value in results if outcome != "ok"]
    assert len(winners) == 1, results
    assert len(losers) == len(results) - 1
    for error in losers:
        assert isinstance(error, TransitionNotAllowed), repr(error)
    return winners[0]


def _two_handlers_accept(org: Any, unit: Any) -> None:
    first = staff_user("racer1", Role.HANDLER, organisation=org, all_units=True)
    second = staff_user("racer2", Role.HANDLER, organisation=org, all_units=True)
    for _ in range(ROUNDS):
        complaint = ComplaintFactory(organisation=org, service_unit=unit)

        results = _race(
            *(
                lambda user=user, complaint=complaint: services.complaint_accept(
                    complaint_id=complaint.pk, actor=Actor.staff(user), now=NOW
                )
                for user in (first, second)
            )
        )

        winner = (first, second)[_one_winner(results)]
        for outcome, value in results:
            if outcome == "error":
                assert value.state == Status.IN_HANDLING
        complaint.refresh_from_db()
        assert complaint.status == Status.IN_HANDLING
        assert complaint.handler_id == winner.pk
        events = list(CaseEvent.objects.filter(complaint=complaint))
        assert [(e.kind, e.actor_id) for e in events] == [(EventKind.ACCEPTED, winner.pk)]


def _two_approvers_approve(org: Any, unit: Any, approver: Any, approver2: Any) -> None:
    for _ in range(ROUNDS):
        complaint = ComplaintFactory.in_state(
            Status.AWAITING_APPROVAL, organisation=org, service_unit=unit
        )

        results = _race(
            *(
                lambda user=user, complaint=complaint: services.complaint_approve_reply(
                    complaint_id=complaint.pk, actor=Actor.staff(user), now=NOW
                )
                for user in (approver, approver2)
            )
        )

        winner = (approver, approver2)[_one_winner(results)]
        complaint.refresh_from_db()
        assert complaint.status == Status.REPLIED
        events = list(CaseEvent.objects.filter(complaint=complaint))
        assert [(e.kind, e.actor_id) for e in events] == [(EventKind.REPLY_APPROVED, winner.pk)]
        approved = Reply.objects.filter(complaint=complaint, decision=Reply.Decision.APPROVED)
        assert [r.decided_by_id for r in approved] == [winner.pk]


def _withdraw_against_approve(org: Any, unit: Any, approver: Any) -> None:
    for _ in range(ROUNDS):
        complaint = ComplaintFactory.in_state(
            Status.AWAITING_APPROVAL, organisation=org, service_unit=unit
        )

        results = _race(
            lambda complaint=complaint: services.complaint_withdraw(
                complaint_id=complaint.pk, actor=Actor.complainant(), now=NOW
            ),
            lambda complaint=complaint: services.complaint_approve_reply(
                complaint_id=complaint.pk, actor=Actor.staff(approver), now=NOW
            ),
        )

        winner = _one_winner(results)
        complaint.refresh_from_db()
        expected_state, expected_kind = (
            (Status.WITHDRAWN, EventKind.WITHDRAWN)
            if winner == 0
            else (Status.REPLIED, EventKind.REPLY_APPROVED)
        )
        assert complaint.status == expected_state
        assert [e.kind for e in CaseEvent.objects.filter(complaint=complaint)] == [expected_kind]
        approved = Reply.objects.filter(complaint=complaint, decision=Reply.Decision.APPROVED)
        assert approved.count() == (0 if winner == 0 else 1)


# --- PostgreSQL ---------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_handlers_race_accept_on_postgresql(
    require_postgres: None, org: Any, unit: Any
) -> None:
    _two_handlers_accept(org, unit)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_approvers_race_approve_reply_on_postgresql(
    require_postgres: None, org: Any, unit: Any, approver: Any, approver2: Any
) -> None:
    _two_approvers_approve(org, unit, approver, approver2)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_withdraw_races_approve_on_postgresql(
    require_postgres: None, org: Any, unit: Any, approver: Any
) -> None:
    _withdraw_against_approve(org, unit, approver)


# --- SQLite (file database, WAL, IMMEDIATE transactions) -----------------------------------


@pytest.fixture
def require_sqlite() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite variant; PostgreSQL runs its own")
    if connection.vendor != "sqlite":
        pytest.skip(f"not written for {connection.vendor}")
    assert not connection.is_in_memory_db(), "threads need a file database to share"


@pytest.mark.django_db(transaction=True)
def test_two_handlers_race_accept_on_sqlite(require_sqlite: None, org: Any, unit: Any) -> None:
    _two_handlers_accept(org, unit)


@pytest.mark.django_db(transaction=True)
def test_two_approvers_race_approve_reply_on_sqlite(
    require_sqlite: None, org: Any, unit: Any, approver: Any, approver2: Any
) -> None:
    _two_approvers_approve(org, unit, approver, approver2)


@pytest.mark.django_db(transaction=True)
def test_withdraw_races_approve_on_sqlite(
    require_sqlite: None, org: Any, unit: Any, approver: Any
) -> None:
    _withdraw_against_approve(org, unit, approver)
