"""Random sequences of transitions and deadline sweeps keep the case record's invariants.

A hypothesis ``RuleBasedStateMachine`` drives the nine transition services and the deadline
sweep (with a clock that only moves forward) over three cases, two handlers, two approvers,
one user who is both, and the complainant. A small model predicts each call's outcome
(success, 409, 403 or 400); the invariants of docs/style.md are checked after every step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from complaints.actors import Actor
from complaints.choices import OPEN_STATES, TERMINAL_STATES, BreachTier, Role, Status
from complaints.clock import helsinki_date
from complaints.models import CaseEvent, Complaint, DeadlineBreach, Reply
from tests.factories import ComplaintFactory, OrganisationFactory, ServiceUnitFactory, staff_user
from workflow import transitions as services
from workflow.deadlines import due_date_compute
from workflow.errors import DomainError, InvalidInput, NotPermitted, TransitionNotAllowed
from workflow.sweeps import deadlines_sweep

HELSINKI = ZoneInfo("Europe/Helsinki")
START = datetime(2026, 11, 2, 12, 0, tzinfo=HELSINKI)
CASES = 3

# docs/api.md: name → (from states, to state, staff roles that may run it).
TABLE: dict[str, tuple[frozenset[str], str, frozenset[str]]] = {
    "accept": (
        frozenset({Status.RECEIVED}),
        Status.IN_HANDLING,
        frozenset({"handler", "approver"}),
    ),
    "transfer": (
        frozenset({Status.RECEIVED, Status.IN_HANDLING}),
        Status.TRANSFERRED,
        frozenset({"handler", "approver"}),
    ),
    "merge": (
        frozenset({Status.RECEIVED, Status.IN_HANDLING}),
        Status.MERGED,
        frozenset({"handler", "approver"}),
    ),
    "withdraw": (frozenset(OPEN_STATES), Status.WITHDRAWN, frozenset({"handler", "approver"})),
    "extend": (
        frozenset({Status.IN_HANDLING}),
        Status.IN_HANDLING,
        frozenset({"handler", "approver"}),
    ),
    "submit_reply": (
        frozenset({Status.IN_HANDLING}),
        Status.AWAITING_APPROVAL,
        frozenset({"handler"}),
    ),
    "return_reply": (
        frozenset({Status.AWAITING_APPROVAL}),
        Status.IN_HANDLING,
        frozenset({"approver"}),
    ),
    "approve_reply": (
        frozenset({Status.AWAITING_APPROVAL}),
        Status.REPLIED,
        frozenset({"approver"}),
    ),
    "close": (frozenset({Status.REPLIED}), Status.CLOSED, frozenset({"handler", "approver"})),
}
STAFF = {
    "h1": (Role.HANDLER,),
    "h2": (Role.HANDLER,),
    "a1": (Role.APPROVER,),
    "a2": (Role.APPROVER,),
    "both": (Role.HANDLER, Role.APPROVER),
}
# Input the service checks before it looks at the case (blank → InvalidInput).
REQUIRED_INPUT = {
    "transfer": "reason",
    "extend": "reason",
    "submit_reply": "text",
    "return_reply": "comment",
}


@dataclass
class CaseModel:
    pk: int
    status: str
    extended: bool = False
    pending_by: str | None = None
    replies: int = 0


class WorkflowMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # Each run is one savepoint, rolled back in teardown: runs do not see each other.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.now = START
        self.org = OrganisationFactory(slug="sm", reference_prefix="SM")
        self.unit = ServiceUnitFactory(organisation=self.org)
        self.users = {
            key: staff_user(key, *roles, organisation=self.org, all_units=True)
            for key, roles in STAFF.items()
        }
        self.cases: list[CaseModel] = []
        self.breaches: dict[int, tuple[int, str, Any, Any]] = {}
        self.events: dict[int, int] = {}
        self.statuses: dict[int, str] = {}

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- setup ------------------------------------------------------------------------------

    @initialize(days_back=st.lists(st.integers(0, 70), min_size=CASES, max_size=CASES))
    def file_cases(self, days_back: list[int]) -> None:
        for back in days_back:
            complaint = ComplaintFactory(
                organisation=self.org,
                service_unit=self.unit,
                received_at=START - timedelta(days=back),
            )
            self.cases.append(CaseModel(pk=complaint.pk, status=Status.RECEIVED))
        self._snapshot()

    # --- rules ------------------------------------------------------------------------------

    @rule(
        index=st.integers(0, CASES - 1),
        name=st.sampled_from(sorted(TABLE)),
        who=st.sampled_from(sorted(STAFF)),
        into=st.integers(0, CASES - 1),
        blank=st.integers(0, 5).map(lambda n: n == 0),
    )
    def staff_transition(self, index: int, name: str, who: str, into: int, blank: bool) -> None:
        self._transition(index, name, who, into=into, blank=blank)

    @rule(index=st.integers(0, CASES - 1))
    def complainant_withdraws(self, index: int) -> None:
        self._transition(index, "withdraw", None, into=0, blank=False)

    @rule(days=st.integers(0, 45), hours=st.integers(0, 23))
    def sweep(self, days: int, hours: int) -> None:
        self.now += timedelta(days=days, hours=hours)
        today = helsinki_date(self.now)

        deadlines_sweep(now=self.now)

        cutoff = today - relativedelta(months=django_settings.VERY_OVERDUE_MONTHS_PAST_DUE)
        for complaint in Complaint.objects.filter(status__in=OPEN_STATES):
            tiers = set(complaint.breaches.values_list("tier", flat=True))
            if complaint.due_date < today:
                assert complaint.overdue, complaint
                assert BreachTier.OVERDUE in tiers
            if complaint.due_date < cutoff:
                assert complaint.very_overdue, complaint
                assert BreachTier.VERY_OVERDUE in tiers
        # A second run at the same moment does nothing new.
        again = deadlines_sweep(now=self.now)
        assert (again["flagged_overdue"], again["flagged_very_overdue"]) == (0, 0)

    # --- the model --------------------------------------------------------------------------

    def _expected(
        self, case: CaseModel, name: str, who: str | None, target: CaseModel, blank: bool
    ) -> type[DomainError] | None:
        if blank and name in REQUIRED_INPUT:
            return InvalidInput
        sources, _, roles = TABLE[name]
        if case.status not in sources or (name == "extend" and case.extended):
            return TransitionNotAllowed
        if who is None:
            return None if name == "withdraw" else NotPermitted
        if not roles & set(STAFF[who]):
            return NotPermitted
        if name == "approve_reply" and case.pending_by == who:
            return NotPermitted
        if name == "merge" and (target is case or target.status not in OPEN_STATES):
            return InvalidInput  # only into another open case
        return None

    def _transition(
        self, index: int, name: str, who: str | None, *, into: int, blank: bool
    ) -> None:
        case, target = self.cases[index], self.cases[into]
        actor = Actor.complainant() if who is None else Actor.staff(self.users[who])
        value = "" if blank else "Perusteltu teksti"
        kwargs: dict[str, Any] = {
            "transfer": {"target": "Potilasasiavastaava", "reason": value},
            "merge": {"into_reference": Complaint.objects.get(pk=target.pk).reference},
            "withdraw": {"reason": "Ei enää tarpeen"},
            "extend": {"reason": value},
            "submit_reply": {"text": value},
            "return_reply": {"comment": value},
        }.get(name, {})
        expected = self._expected(case, name, who, target, blank)
        events_before = CaseEvent.objects.filter(complaint_id=case.pk).count()
        service = getattr(services, f"complaint_{name}")

        error: DomainError | None = None
        try:
            service(complaint_id=case.pk, actor=actor, now=self.now, **kwargs)
        except DomainError as raised:
            error = raised
        events_after = CaseEvent.objects.filter(complaint_id=case.pk).count()
        where = f"{name} by {who} on {case}"
        if expected is None:
            assert error is None, f"{where}: unexpected {error!r}"
            assert events_after == events_before + 1, where
        else:
            assert type(error) is expected, f"{where}: expected {expected.__name__}, got {error!r}"
            assert events_after == events_before, where
            return

        case.status = TABLE[name][1]
        if name == "extend":
            case.extended = True
        elif name == "submit_reply":
            case.pending_by = who
            case.replies += 1
        elif name in ("return_reply", "approve_reply", "withdraw"):
            case.pending_by = None

    def _snapshot(self) -> None:
        self.breaches = {
            b.pk: (b.complaint_id, b.tier, b.due_date, b.recorded_at)
            for b in DeadlineBreach.objects.filter(complaint__organisation=self.org)
        }
        self.events = {
            case.pk: CaseEvent.objects.filter(complaint_id=case.pk).count() for case in self.cases
        }
        self.statuses = dict(
            Complaint.objects.filter(organisation=self.org).values_list("pk", "status")
        )

    # --- invariants -------------------------------------------------------------------------

    @invariant()
    def invariants_hold(self) -> None:
        complaints = {c.pk: c for c in Complaint.objects.filter(pk__in=[m.pk for m in self.cases])}
        for model in self.cases:
            complaint = complaints[model.pk]
            # The database agrees with the model.
            assert complaint.status == model.status
            assert complaint.extended == model.extended
            # The deadline is never earlier than the day of receipt, and is the legal one.
            assert complaint.due_date >= complaint.received_on
            legal = due_date_compute(received_on=complaint.received_on, extended=complaint.extended)
            assert complaint.due_date == legal.due_date
            assert complaint.due_rule == legal.rule
            # One reply at most is approved; versions run 1..n; at most one is pending.
            replies = list(complaint.replies.order_by("version"))
            assert [r.version for r in replies] == list(range(1, model.replies + 1))
            approved = [r for r in replies if r.decision == Reply.Decision.APPROVED]
            assert len(approved) <= 1
            assert len(approved) == (1 if model.status in (Status.REPLIED, Status.CLOSED) else 0)
            assert all(r.decided_by_id != r.submitted_by_id for r in approved)
            pending = [r for r in replies if r.decision == Reply.Decision.PENDING]
            assert len(pending) == (1 if model.status == Status.AWAITING_APPROVAL else 0)
            # An open case flagged overdue has the breach on record.
            if complaint.is_open and complaint.overdue:
                assert complaint.breaches.filter(tier=BreachTier.OVERDUE).exists()
        # A terminal state stays terminal.
        for pk, before in self.statuses.items():
            if before in TERMINAL_STATES:
                assert complaints[pk].status == before
        # A breach once recorded is never lost nor changed.
        breaches = {
            b.pk: (b.complaint_id, b.tier, b.due_date, b.recorded_at)
            for b in DeadlineBreach.objects.filter(complaint__organisation=self.org)
        }
        assert set(self.breaches) <= set(breaches)
        assert all(breaches[pk] == row for pk, row in self.breaches.items())
        # Events are only ever added.
        for model in self.cases:
            assert CaseEvent.objects.filter(complaint_id=model.pk).count() >= self.events[model.pk]
        self._snapshot()


@pytest.mark.django_db
def test_random_transition_sequences_keep_the_invariants() -> None:
    run_state_machine_as_test(
        WorkflowMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
