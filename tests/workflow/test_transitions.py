"""The transition table of docs/api.md, through the services and through the HTTP API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from complaints.actors import Actor
from complaints.choices import OPEN_STATES, BreachTier, DueRule, EventKind, Role, Status
from complaints.models import CaseEvent, ClosureDay, Complaint, DeadlineBreach, Reply
from tests.factories import ComplaintFactory, OrganisationFactory, ServiceUnitFactory, staff_user
from workflow import transitions as services
from workflow.deadlines import due_date_compute
from workflow.errors import InvalidInput, NotPermitted, TransitionNotAllowed

HELSINKI = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 11, 10, 12, 0, tzinfo=HELSINKI)

# docs/api.md, "Transitions": name → (from states, to state, roles that may run it).
TABLE: dict[str, tuple[frozenset[str], str, frozenset[str]]] = {
    "accept": (
        frozenset({Status.RECEIVED}),
        Status.IN_HANDLING,
        frozenset({Role.HANDLER, Role.APPROVER}),
    ),
    "transfer": (
        frozenset({Status.RECEIVED, Status.IN_HANDLING}),
        Status.TRANSFERRED,
        frozenset({Role.HANDLER, Role.APPROVER}),
    ),
    "merge": (
        frozenset({Status.RECEIVED, Status.IN_HANDLING}),
        Status.MERGED,
        frozenset({Role.HANDLER, Role.APPROVER}),
    ),
    "withdraw": (
        frozenset({Status.RECEIVED, Status.IN_HANDLING, Status.AWAITING_APPROVAL}),
        Status.WITHDRAWN,
        frozenset({Role.HANDLER, Role.APPROVER}),
    ),
    "extend": (
        frozenset({Status.IN_HANDLING}),
        Status.IN_HANDLING,
        frozenset({Role.HANDLER, Role.APPROVER}),
    ),
    "submit_reply": (
        frozenset({Status.IN_HANDLING}),
        Status.AWAITING_APPROVAL,
        frozenset({Role.HANDLER}),
    ),
    "return_reply": (
        frozenset({Status.AWAITING_APPROVAL}),
        Status.IN_HANDLING,
        frozenset({Role.APPROVER}),
    ),
    "approve_reply": (
        frozenset({Status.AWAITING_APPROVAL}),
        Status.REPLIED,
        frozenset({Role.APPROVER}),
    ),
    "close": (
        frozenset({Status.REPLIED}),
        Status.CLOSED,
        frozenset({Role.HANDLER, Role.APPROVER}),
    ),
}
EVENT_KIND = {
    "accept": EventKind.ACCEPTED,
    "transfer": EventKind.TRANSFERRED,
    "merge": EventKind.MERGED,
    "withdraw": EventKind.WITHDRAWN,
    "extend": EventKind.EXTENDED,
    "submit_reply": EventKind.REPLY_SUBMITTED,
    "return_reply": EventKind.REPLY_RETURNED,
    "approve_reply": EventKind.REPLY_APPROVED,
    "close": EventKind.CLOSED,
}
ALLOWED = [
    (state, name, role)
    for name, (sources, _target, roles) in TABLE.items()
    for state in sorted(sources)
    for role in sorted(roles)
]
FORBIDDEN = [
    (state, name)
    for name, (sources, _, _) in TABLE.items()
    for state in Status
    if state not in sources
]


def test_the_model_and_the_api_implement_exactly_the_documented_table() -> None:
    from workflow.api.transitions import TRANSITIONS

    field = Complaint._meta.get_field("status")
    implemented = {(t.name, t.source, t.target) for t in field.get_all_transitions(Complaint)}
    documented = {
        (name, source, target) for name, (sources, target, _) in TABLE.items() for source in sources
    }
    assert implemented == documented
    assert set(TRANSITIONS) == set(TABLE)
    assert len({(s, n) for s, n, _ in ALLOWED}) + len(FORBIDDEN) == len(Status) * len(TABLE)


def _case(org: Any, unit: Any, state: str, **kwargs: Any) -> Complaint:
    return ComplaintFactory.in_state(state, organisation=org, service_unit=unit, **kwargs)


def _run(name: str, complaint: Complaint, actor: Actor, **overrides: Any) -> Complaint:
    """Call the service of ``name`` with valid input unless ``overrides`` say otherwise."""
    service: Callable[..., Complaint] = getattr(services, f"complaint_{name}")
    defaults: dict[str, Any] = {
        "transfer": {"target": "Potilasasiavastaava", "reason": "Terveydenhuollon asia"},
        "merge": {},  # into_reference is always given by the caller
        "withdraw": {"reason": "Asia ratkesi"},
        "extend": {"reason": "Laaja selvitys"},
        "submit_reply": {"text": "Perusteltu vastaus."},
        "return_reply": {"comment": "Täydennä perustelut."},
    }.get(name, {})
    return service(complaint_id=complaint.pk, actor=actor, now=NOW, **{**defaults, **overrides})


def _merge_target(complaint: Complaint) -> dict[str, Any]:
    other = ComplaintFactory(organisation=complaint.organisation)
    return {"into_reference": other.reference}


def _events(complaint: Complaint) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(complaint=complaint).order_by("id"))


# --- every allowed pair ---------------------------------------------------------------------


@pytest.mark.parametrize(("state", "name", "role"), ALLOWED)
def test_allowed_transition(org: Any, unit: Any, state: str, name: str, role: str) -> None:
    user = staff_user(f"{role}-user", role, organisation=org, all_units=True)
    complaint = _case(org, unit, state)
    events_before = _events(complaint)
    extra = _merge_target(complaint) if name == "merge" else {}

    returned = _run(name, complaint, Actor.staff(user), **extra)

    complaint.refresh_from_db()
    assert returned.pk == complaint.pk
    assert returned.status == complaint.status == TABLE[name][1]
    new_events = _events(complaint)[len(events_before) :]
    assert len(new_events) == 1
    event = new_events[0]
    assert event.kind == EVENT_KIND[name]
    assert event.actor_id == user.pk
    assert event.actor_label == user.get_username()
    assert event.at == NOW
    assert (event.from_state, event.to_state) == (state, TABLE[name][1])
    _check_effects(name, complaint, user, extra)


def _check_effects(name: str, complaint: Complaint, user: Any, extra: dict[str, Any]) -> None:
    replies = list(complaint.replies.order_by("version"))
    if name == "accept":
        assert complaint.handler_id == user.pk
    elif name == "transfer":
        assert complaint.transfer_target == "Potilasasiavastaava"
        assert complaint.transfer_reason == "Terveydenhuollon asia"
    elif name == "merge":
        assert complaint.merged_into is not None
        assert complaint.merged_into.reference == extra["into_reference"]
    elif name == "withdraw":
        assert complaint.withdrawal_reason == "Asia ratkesi"
        assert not [r for r in replies if r.decision == Reply.Decision.PENDING]
    elif name == "extend":
        expected = due_date_compute(received_on=complaint.received_on, extended=True)
        assert complaint.extended is True
        assert complaint.extension_reason == "Laaja selvitys"
        assert complaint.due_date == expected.due_date
        assert complaint.due_rule == DueRule.TWO_MONTHS
    elif name == "submit_reply":
        assert [(r.version, r.decision, r.submitted_by_id) for r in replies] == [
            (1, Reply.Decision.PENDING, user.pk)
        ]
    elif name == "return_reply":
        assert [(r.decision, r.decided_by_id, r.comment) for r in replies] == [
            (Reply.Decision.RETURNED, user.pk, "Täydennä perustelut.")
        ]
    elif name == "approve_reply":
        assert [(r.decision, r.decided_by_id) for r in replies] == [
            (Reply.Decision.APPROVED, user.pk)
        ]
        assert complaint.replied_at == NOW
    elif name == "close":
        assert complaint.closed_at == NOW


# --- every forbidden pair -------------------------------------------------------------------


@pytest.mark.parametrize(("state", "name"), FORBIDDEN)
def test_forbidden_transition(org: Any, unit: Any, state: str, name: str) -> None:
    # A user holding every staff role: only the state can stop them.
    boss = staff_user(
        "boss", Role.HANDLER, Role.APPROVER, Role.REGISTRY, organisation=org, all_units=True
    )
    complaint = _case(org, unit, state)
    snapshot = Complaint.objects.filter(pk=complaint.pk).values().get()
    events_before = len(_events(complaint))
    extra = _merge_target(complaint) if name == "merge" else {}

    with pytest.raises(TransitionNotAllowed) as caught:
        _run(name, complaint, Actor.staff(boss), **extra)

    assert caught.value.state == state
    assert caught.value.message
    assert Complaint.objects.filter(pk=complaint.pk).values().get() == snapshot
    assert len(_events(complaint)) == events_before


@pytest.mark.parametrize("state", [s for s in Status if s not in OPEN_STATES])
def test_the_complainant_cannot_withdraw_a_finished_case(org: Any, unit: Any, state: str) -> None:
    complaint = _case(org, unit, state)

    with pytest.raises(TransitionNotAllowed):
        _run("withdraw", complaint, Actor.complainant())

    assert not _events(complaint)


# --- guards ---------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   \n"])
@pytest.mark.parametrize("state", [Status.RECEIVED, Status.IN_HANDLING])
def test_transfer_requires_a_reason(
    org: Any, unit: Any, handler: Any, state: str, reason: str
) -> None:
    complaint = _case(org, unit, state)

    with pytest.raises(InvalidInput) as caught:
        _run("transfer", complaint, Actor.staff(handler), reason=reason)

    assert caught.value.field == "reason"
    complaint.refresh_from_db()
    assert complaint.status == state
    assert not _events(complaint)


def test_transfer_requires_a_target(org: Any, unit: Any, handler: Any) -> None:
    complaint = _case(org, unit, Status.RECEIVED)

    with pytest.raises(InvalidInput) as caught:
        _run("transfer", complaint, Actor.staff(handler), target=" ")

    assert caught.value.field == "target"
    assert not _events(complaint)


@pytest.mark.parametrize("reason", ["", "  "])
def test_extend_requires_a_reason(org: Any, unit: Any, handler: Any, reason: str) -> None:
    complaint = _case(org, unit, Status.IN_HANDLING)
    due_before = complaint.due_date

    with pytest.raises(InvalidInput) as caught:
        _run("extend", complaint, Actor.staff(handler), reason=reason)

    assert caught.value.field == "reason"
    complaint.refresh_from_db()
    assert (complaint.extended, complaint.due_date, complaint.due_rule) == (
        False,
        due_before,
        DueRule.ONE_MONTH,
    )
    assert not _events(complaint)


def test_extend_only_once_and_to_received_plus_two_months(
    org: Any, unit: Any, handler: Any, approver: Any
) -> None:
    received = datetime(2026, 11, 24, 9, 0, tzinfo=HELSINKI)
    complaint = _case(org, unit, Status.IN_HANDLING, received_at=received)
    assert complaint.due_date == date(2026, 12, 28)
    expected = due_date_compute(received_on=date(2026, 11, 24), extended=True)
    assert expected.due_date == date(2027, 1, 25)  # 24.1.2027 is a Sunday

    _run("extend", complaint, Actor.staff(handler))
    complaint.refresh_from_db()

    assert complaint.extended is True
    assert complaint.due_date == expected.due_date
    assert complaint.due_rule == "two_months"
    assert complaint.status == Status.IN_HANDLING
    assert [e.data.get("due_date") for e in _events(complaint)] == ["2027-01-25"]

    with pytest.raises(TransitionNotAllowed) as caught:
        _run("extend", complaint, Actor.staff(approver), reason="Vielä lisää aikaa")

    assert caught.value.state == Status.IN_HANDLING
    complaint.refresh_from_db()
    assert complaint.due_date == expected.due_date
    assert complaint.extension_reason == "Laaja selvitys"
    assert len(_events(complaint)) == 1


def test_extend_uses_the_organisations_closure_days(org: Any, unit: Any, handler: Any) -> None:
    ClosureDay.objects.create(organisation=org, date=date(2027, 1, 25), description="Muutto")
    received = datetime(2026, 11, 24, 9, 0, tzinfo=HELSINKI)
    complaint = _case(org, unit, Status.IN_HANDLING, received_at=received)

    _run("extend", complaint, Actor.staff(handler))

    complaint.refresh_from_db()
    assert (
        complaint.due_date
        == due_date_compute(
            received_on=date(2026, 11, 24), extended=True, closure_days={date(2027, 1, 25)}
        ).due_date
    )
    assert complaint.due_date == date(2027, 1, 26)


def test_a_case_extended_after_a_return_cannot_be_extended_again(
    org: Any, unit: Any, handler: Any, approver: Any
) -> None:
    complaint = _case(org, unit, Status.IN_HANDLING)
    _run("extend", complaint, Actor.staff(handler))
    _run("submit_reply", complaint, Actor.staff(handler))
    _run("return_reply", complaint, Actor.staff(approver))

    with pytest.raises(TransitionNotAllowed):
        _run("extend", complaint, Actor.staff(handler))


def test_the_drafter_cannot_approve_their_own_reply(org: Any, unit: Any, approver2: Any) -> None:
    both = staff_user("both", Role.HANDLER, Role.APPROVER, organisation=org, all_units=True)
    complaint = _case(org, unit, Status.IN_HANDLING)
    _run("submit_reply", complaint, Actor.staff(both))
    events_before = len(_events(complaint))

    with translation.override("en"), pytest.raises(NotPermitted) as caught:
        _run("approve_reply", complaint, Actor.staff(both))

    assert "another approver" in caught.value.message
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    assert len(_events(complaint)) == events_before
    assert complaint.replies.get().decision == Reply.Decision.PENDING

    _run("approve_reply", complaint, Actor.staff(approver2))

    complaint.refresh_from_db()
    assert complaint.status == Status.REPLIED
    reply = complaint.replies.get()
    assert (reply.decision, reply.submitted_by_id, reply.decided_by_id) == (
        Reply.Decision.APPROVED,
        both.pk,
        approver2.pk,
    )


def test_a_handler_cannot_approve(org: Any, unit: Any, handler: Any) -> None:
    complaint = _case(org, unit, Status.AWAITING_APPROVAL)

    with pytest.raises(NotPermitted):
        _run("approve_reply", complaint, Actor.staff(handler))

    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    assert not _events(complaint)


def test_an_approver_cannot_submit_a_reply(org: Any, unit: Any, approver: Any) -> None:
    complaint = _case(org, unit, Status.IN_HANDLING)

    with pytest.raises(NotPermitted):
        _run("submit_reply", complaint, Actor.staff(approver))

    assert not complaint.replies.exists()
    assert not _events(complaint)


@pytest.mark.parametrize(("state", "name"), sorted({(state, name) for state, name, _ in ALLOWED}))
def test_a_user_of_another_organisation_is_not_permitted(
    org: Any, unit: Any, state: str, name: str
) -> None:
    other = OrganisationFactory(slug="kajaani", reference_prefix="KAJ")
    outsider = staff_user(
        "outsider", Role.HANDLER, Role.APPROVER, organisation=other, all_units=True
    )
    complaint = _case(org, unit, state)
    extra = _merge_target(complaint) if name == "merge" else {}

    with pytest.raises(NotPermitted):
        _run(name, complaint, Actor.staff(outsider), **extra)

    complaint.refresh_from_db()
    assert complaint.status == state
    assert not _events(complaint)


def test_unit_scope_and_assignment(org: Any, unit: Any) -> None:
    other_unit = ServiceUnitFactory(organisation=org)
    scoped = staff_user("scoped", Role.HANDLER, organisation=org, units=[other_unit])
    complaint = _case(org, unit, Status.IN_HANDLING)

    with pytest.raises(NotPermitted):
        _run("extend", complaint, Actor.staff(scoped))

    Complaint.objects.filter(pk=complaint.pk).update(handler=scoped)
    _run("extend", complaint, Actor.staff(scoped))  # the assigned handler reaches the case

    complaint.refresh_from_db()
    assert complaint.extended


def test_a_user_without_roles_is_not_permitted(org: Any, unit: Any) -> None:
    nobody = staff_user("nobody", organisation=org, all_units=True)
    complaint = _case(org, unit, Status.RECEIVED)

    with pytest.raises(NotPermitted):
        _run("accept", complaint, Actor.staff(nobody))


@pytest.mark.parametrize(
    ("state", "name"),
    sorted({(state, name) for state, name, _ in ALLOWED if name != "withdraw"}),
)
def test_the_complainant_may_only_withdraw(org: Any, unit: Any, state: str, name: str) -> None:
    """docs/api.md: the complainant (via tracking) may withdraw; every other move is staff's."""
    complaint = _case(org, unit, state)
    extra = _merge_target(complaint) if name == "merge" else {}

    with pytest.raises(NotPermitted):
        _run(name, complaint, Actor.complainant(), **extra)

    complaint.refresh_from_db()
    assert complaint.status == state
    assert not _events(complaint)


# --- merge ----------------------------------------------------------------------------------


def test_merge_into_another_case_of_the_same_organisation(
    org: Any, unit: Any, handler: Any
) -> None:
    complaint = _case(org, unit, Status.RECEIVED)
    target = _case(org, unit, Status.IN_HANDLING)

    _run("merge", complaint, Actor.staff(handler), into_reference=target.reference)

    complaint.refresh_from_db()
    assert complaint.status == Status.MERGED
    assert complaint.merged_into_id == target.pk
    assert _events(complaint)[0].data == {"into": target.reference}
    assert not _events(target)


@pytest.mark.parametrize("into", ["self", "other_org", "unknown", "", "merged", "closed"])
def test_merge_requires_another_case_of_the_same_organisation(
    org: Any, unit: Any, handler: Any, into: str
) -> None:
    complaint = _case(org, unit, Status.IN_HANDLING)
    if into == "self":
        reference = complaint.reference
    elif into == "other_org":
        foreign = ComplaintFactory(
            organisation=OrganisationFactory(slug="oulu", reference_prefix="OULU")
        )
        reference = foreign.reference
    elif into == "merged":
        reference = _case(org, unit, Status.MERGED).reference
    elif into == "closed":
        reference = _case(org, unit, Status.CLOSED).reference
    elif into == "unknown":
        reference = "KEMI-2026-999999"
    else:
        reference = ""

    with pytest.raises(InvalidInput) as caught:
        _run("merge", complaint, Actor.staff(handler), into_reference=reference)

    assert caught.value.field == "into"
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_HANDLING
    assert complaint.merged_into_id is None
    assert not _events(complaint)


def test_merge_target_must_be_within_the_users_reach(org: Any, unit: Any) -> None:
    other_unit = ServiceUnitFactory(organisation=org)
    scoped = staff_user("scoped", Role.HANDLER, organisation=org, units=[unit])
    complaint = _case(org, unit, Status.IN_HANDLING)
    hidden = _case(org, other_unit, Status.IN_HANDLING)

    with pytest.raises(InvalidInput):
        _run("merge", complaint, Actor.staff(scoped), into_reference=hidden.reference)
    complaint.refresh_from_db()
    assert complaint.merged_into_id is None


# --- withdraw by the complainant --------------------------------------------------------------


@pytest.mark.parametrize("state", OPEN_STATES)
def test_the_complainant_may_withdraw_from_every_open_state(
    org: Any, unit: Any, state: str
) -> None:
    complaint = _case(org, unit, state)

    _run("withdraw", complaint, Actor.complainant(), reason="  Ei enää ajankohtainen ")

    complaint.refresh_from_db()
    assert complaint.status == Status.WITHDRAWN
    assert complaint.withdrawal_reason == "Ei enää ajankohtainen"
    [event] = _events(complaint)
    assert event.kind == EventKind.WITHDRAWN
    assert event.actor_id is None
    assert event.actor_label == "complainant"
    assert event.data == {"by": "complainant"}
    assert not complaint.replies.filter(decision=Reply.Decision.PENDING).exists()


# --- replies ----------------------------------------------------------------------------------


def test_return_then_resubmit_creates_version_2_and_one_approved_reply(
    org: Any, unit: Any, handler: Any, approver: Any
) -> None:
    complaint = _case(org, unit, Status.RECEIVED)
    _run("accept", complaint, Actor.staff(handler))
    _run("submit_reply", complaint, Actor.staff(handler), text="Luonnos 1")
    _run("return_reply", complaint, Actor.staff(approver), comment="Perustele tarkemmin.")

    complaint.refresh_from_db()
    assert complaint.status == Status.IN_HANDLING
    first = complaint.replies.get(version=1)
    assert (first.decision, first.comment, first.decided_by_id) == (
        Reply.Decision.RETURNED,
        "Perustele tarkemmin.",
        approver.pk,
    )

    _run("submit_reply", complaint, Actor.staff(handler), text="Luonnos 2")
    second = complaint.replies.get(version=2)
    assert (second.text, second.decision) == ("Luonnos 2", Reply.Decision.PENDING)

    _run("approve_reply", complaint, Actor.staff(approver))

    complaint.refresh_from_db()
    assert complaint.status == Status.REPLIED
    approved = complaint.replies.filter(decision=Reply.Decision.APPROVED)
    assert approved.count() == 1
    assert approved.get().version == 2
    assert complaint.replies.get(version=1).decision == Reply.Decision.RETURNED
    assert [e.kind for e in _events(complaint)] == [
        EventKind.ACCEPTED,
        EventKind.REPLY_SUBMITTED,
        EventKind.REPLY_RETURNED,
        EventKind.REPLY_SUBMITTED,
        EventKind.REPLY_APPROVED,
    ]
    assert [e.actor_label for e in _events(complaint)] == [
        "handler",
        "handler",
        "approver",
        "handler",
        "approver",
    ]


@pytest.mark.parametrize(
    ("approved_at", "late"),
    [
        # Due Wed 2.12.2026 (received 2.11.2026): the last minute of the due day is in time.
        (datetime(2026, 12, 2, 23, 59, tzinfo=HELSINKI), False),
        # 00:01 Helsinki on 3.12 (22:01 UTC on 2.12) is late, even before any sweep ran.
        (datetime(2026, 12, 3, 0, 1, tzinfo=HELSINKI), True),
        (datetime(2026, 12, 20, 12, 0, tzinfo=HELSINKI), True),
    ],
)
def test_a_reply_approved_after_the_due_date_is_counted_late(
    org: Any, unit: Any, approver: Any, approved_at: datetime, late: bool
) -> None:
    """docs/domain.md: "a case closed late stays counted as late (never lose the breach)";
    ADR 0004: the breach row is what counts. The sweep is periodic, so a reply approved
    between the due date and the next sweep must leave the breach itself."""
    complaint = _case(org, unit, Status.AWAITING_APPROVAL)
    assert complaint.due_date == date(2026, 12, 2)

    services.complaint_approve_reply(
        complaint_id=complaint.pk, actor=Actor.staff(approver), now=approved_at
    )

    complaint.refresh_from_db()
    assert complaint.status == Status.REPLIED
    assert _events(complaint)[-1].data["late"] is late
    breaches = DeadlineBreach.objects.filter(complaint=complaint, tier=BreachTier.OVERDUE)
    assert [b.due_date for b in breaches] == ([date(2026, 12, 2)] if late else [])


def test_submit_reply_requires_text(org: Any, unit: Any, handler: Any) -> None:
    complaint = _case(org, unit, Status.IN_HANDLING)

    with pytest.raises(InvalidInput) as caught:
        _run("submit_reply", complaint, Actor.staff(handler), text=" ")

    assert caught.value.field == "text"
    assert not complaint.replies.exists()


def test_accept_assigns_the_named_handler(org: Any, unit: Any, handler: Any, approver: Any) -> None:
    complaint = _case(org, unit, Status.RECEIVED)

    _run("accept", complaint, Actor.staff(approver), handler_username="handler")

    complaint.refresh_from_db()
    assert complaint.handler_id == handler.pk
    [event] = _events(complaint)
    assert event.actor_label == "approver"
    assert event.data == {"handler": "handler"}


def test_accept_rejects_a_handler_or_unit_of_another_organisation(
    org: Any, unit: Any, approver: Any
) -> None:
    other = OrganisationFactory(slug="rovaniemi", reference_prefix="ROI")
    staff_user("foreign", Role.HANDLER, organisation=other, all_units=True)
    foreign_unit = ServiceUnitFactory(organisation=other)
    complaint = _case(org, unit, Status.RECEIVED)

    with pytest.raises(InvalidInput) as caught:
        _run("accept", complaint, Actor.staff(approver), handler_username="foreign")
    assert caught.value.field == "handler"

    with pytest.raises(InvalidInput) as caught:
        _run("accept", complaint, Actor.staff(approver), unit_id=foreign_unit.pk)
    assert caught.value.field == "unit"

    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED
    assert complaint.service_unit_id == unit.pk
    assert not _events(complaint)


# --- the HTTP API -----------------------------------------------------------------------------


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _post(user: Any, complaint: Complaint, name: str, body: dict[str, Any] | None = None) -> Any:
    url = f"/api/v1/complaints/{complaint.reference}/transitions/{name}/"
    return _client(user).post(url, body or {}, format="json", secure=True)


def test_http_forbidden_transition_is_409(org: Any, unit: Any, handler: Any) -> None:
    complaint = _case(org, unit, Status.RECEIVED)

    response = _post(handler, complaint, "close")

    assert response.status_code == 409
    body = response.json()
    assert set(body) == {"detail", "state"}
    assert body["state"] == "received"
    assert body["detail"]
    assert not _events(complaint)


@pytest.mark.parametrize(
    ("state", "name", "body"),
    [
        (Status.IN_HANDLING, "extend", {}),
        (Status.IN_HANDLING, "extend", {"reason": "   "}),
        (Status.RECEIVED, "transfer", {"target": "Potilasasiavastaava"}),
    ],
)
def test_http_missing_reason_is_400_with_field_errors(
    org: Any, unit: Any, handler: Any, state: str, name: str, body: dict[str, Any]
) -> None:
    complaint = _case(org, unit, state)

    response = _post(handler, complaint, name, body)

    assert response.status_code == 400
    errors = response.json()
    assert isinstance(errors["reason"], list)
    assert errors["reason"]
    complaint.refresh_from_db()
    assert complaint.status == state
    assert not _events(complaint)


def test_http_four_eyes_is_403_and_another_approver_gets_200(
    org: Any, unit: Any, approver: Any, approver2: Any
) -> None:
    complaint = _case(org, unit, Status.AWAITING_APPROVAL, drafter=approver)

    refused = _post(approver, complaint, "approve_reply")

    assert refused.status_code == 403
    assert refused.json()["detail"]
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL

    approved = _post(approver2, complaint, "approve_reply")

    assert approved.status_code == 200
    assert approved.json()["status"] == "replied"
    assert approved.json()["reference"] == complaint.reference


def test_http_unknown_transition_is_404(org: Any, unit: Any, handler: Any) -> None:
    complaint = _case(org, unit, Status.RECEIVED)

    response = _post(handler, complaint, "reopen")

    assert response.status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED


def test_http_a_case_of_another_organisation_is_404(org: Any, unit: Any) -> None:
    other = OrganisationFactory(slug="kainuu", reference_prefix="KAI")
    outsider = staff_user("outsider", Role.HANDLER, organisation=other, all_units=True)
    complaint = _case(org, unit, Status.RECEIVED)

    assert _post(outsider, complaint, "accept").status_code == 404
    listing = _client(outsider).get(
        f"/api/v1/complaints/{complaint.reference}/transitions/", secure=True
    )
    assert listing.status_code == 404
    assert not _events(complaint)


def test_http_allowed_transition_returns_the_updated_case(
    org: Any, unit: Any, handler: Any
) -> None:
    complaint = _case(org, unit, Status.RECEIVED)

    response = _post(handler, complaint, "accept", {})

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == complaint.reference
    assert body["status"] == "in_handling"
    assert body["handler"] == "handler"
    assert [entry["event"] for entry in body["timeline"]] == ["accepted"]
    assert body["timeline"][0]["actor"] == "handler"


def test_http_extend_returns_the_new_due_date(org: Any, unit: Any, approver: Any) -> None:
    complaint = _case(org, unit, Status.IN_HANDLING)

    response = _post(approver, complaint, "extend", {"reason": "Laaja selvitys"})

    assert response.status_code == 200
    body = response.json()
    expected = due_date_compute(received_on=complaint.received_on, extended=True)
    assert body["due_date"] == expected.due_date.isoformat()
    assert body["extended"] is True
    assert body["due_rule"] == "two_months"


def test_http_unauthenticated_is_refused(org: Any, unit: Any) -> None:
    complaint = _case(org, unit, Status.RECEIVED)
    url = f"/api/v1/complaints/{complaint.reference}/transitions/accept/"

    response = APIClient().post(url, {}, format="json", secure=True)

    assert response.status_code in (401, 403)
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED


def _expected_names(state: str, roles: set[str], *, extended: bool, drafter: bool) -> set[str]:
    names = {name for name, (sources, _, who) in TABLE.items() if state in sources and who & roles}
    if extended:
        names.discard("extend")
    if drafter:
        names.discard("approve_reply")
    return names


@pytest.mark.parametrize("state", list(Status))
@pytest.mark.parametrize("who", ["handler", "approver", "drafter_approver", "both"])
def test_http_transition_list_is_exactly_what_this_user_may_run(
    org: Any, unit: Any, handler: Any, approver: Any, state: str, who: str
) -> None:
    both = staff_user("both", Role.HANDLER, Role.APPROVER, organisation=org, all_units=True)
    user = {"handler": handler, "approver": approver, "drafter_approver": approver, "both": both}[
        who
    ]
    roles = {
        "handler": {Role.HANDLER},
        "approver": {Role.APPROVER},
        "drafter_approver": {Role.APPROVER},
        "both": {Role.HANDLER, Role.APPROVER},
    }[who]
    drafter = who == "drafter_approver" and state == Status.AWAITING_APPROVAL
    complaint = _case(org, unit, state, **({"drafter": approver} if drafter else {}))

    response = _client(user).get(
        f"/api/v1/complaints/{complaint.reference}/transitions/", secure=True
    )

    assert response.status_code == 200
    listed = response.json()
    names = [entry["name"] for entry in listed]
    assert len(names) == len(set(names))
    assert set(names) == _expected_names(state, roles, extended=False, drafter=drafter)
    for entry in listed:
        assert entry["label"]
        assert isinstance(entry["fields"], list)
    fields = {entry["name"]: entry["fields"] for entry in listed}
    if "extend" in fields:
        assert fields["extend"] == ["reason"]
    if "transfer" in fields:
        assert set(fields["transfer"]) == {"target", "reason"}


def test_http_transition_list_omits_extend_once_extended(org: Any, unit: Any, handler: Any) -> None:
    complaint = _case(org, unit, Status.IN_HANDLING)
    _run("extend", complaint, Actor.staff(handler))

    response = _client(handler).get(
        f"/api/v1/complaints/{complaint.reference}/transitions/", secure=True
    )

    names = {entry["name"] for entry in response.json()}
    assert names == _expected_names(
        Status.IN_HANDLING, {Role.HANDLER}, extended=True, drafter=False
    )
    assert "extend" not in names
    assert _post(handler, complaint, "extend", {"reason": "Taas"}).status_code == 409
