"""Regression guard for issue 6: SQL statements per request and per sweep do not grow with N.

Counts, not times: a new N+1 (a serializer field, a missing ``select_related``, a sweep that
loops per case) shows here as a count that changes between a small and a larger database.
The larger database is 3,000 cases (bulk-created in one batch, about a second on SQLite):
large enough that any per-row statement shows, small enough for every CI run. The real
sizes (100,000 and 1,000,000 cases) are measured by ``make bench`` (docs/performance.md).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from complaints.choices import OPEN_STATES, Role, Status
from complaints.models import Complaint
from tests.factories import HELSINKI, ServiceUnitFactory, staff_user
from workflow.intake_settings import intake_settings_reload
from workflow.sweeps import deadlines_sweep

SMALL, LARGE = 30, 3000
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=HELSINKI)
TODAY = NOW.date()
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False


def _statements(queries: CaptureQueriesContext) -> list[str]:
    """What was sent to the database, without transaction control.

    One ``bulk_create`` is one INSERT on PostgreSQL but is cut into several on SQLite (at
    most 999 parameters a statement): consecutive INSERTs into one table count once, so
    that the guard means the same on both.
    """
    statements: list[str] = []
    for query in queries.captured_queries:
        sql = query["sql"].lstrip()
        if sql.upper().startswith(TRANSACTION_CONTROL):
            continue
        if statements and sql.startswith("INSERT") and _target(sql) == _target(statements[-1]):
            continue
        statements.append(sql)
    return statements


def _target(sql: str) -> str:
    return sql.split("(", 1)[0] if sql.startswith("INSERT") else sql


def _count(call: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(_statements(queries))


_serial = iter(range(1, 10**9))


def _add_cases(org: Any, units: list[Any], count: int, **fields: Any) -> list[Complaint]:
    """``count`` cases in one INSERT: a mix of units, states and due dates."""
    states = [*OPEN_STATES, Status.CLOSED, Status.CLOSED]
    rows = []
    for i in range(count):
        n = next(_serial)
        received = TODAY - timedelta(days=n * 37 % 400)
        values: dict[str, Any] = {
            "organisation": org,
            "service_unit": units[n % len(units)],
            "reference": f"{org.reference_prefix}-2026-{n:07d}",
            "tracking_code_hash": f"{n:064d}",
            "status": states[i % len(states)],
            "channel": "web",
            "received_at": datetime(received.year, received.month, received.day, tzinfo=HELSINKI),
            "received_on": received,
            "filer_role": "client",
            "client_name": f"Asiakas {n}",
            "description": "Kohtelu oli epäasiallista.",
            "language": "fi",
            "reply_delivery": "online",
            "due_date": received + timedelta(days=30),
            "due_rule": "one_month",
            # Open cases already past their due date were flagged by an earlier sweep.
            "overdue": received + timedelta(days=30) < TODAY,
            "very_overdue": received + timedelta(days=60) < TODAY,
        }
        values.update(fields)
        rows.append(Complaint(**values))
    return Complaint.objects.bulk_create(rows, batch_size=1000)


@pytest.fixture
def world(org: Any, unit: Any) -> dict[str, Any]:
    units = [unit, *(ServiceUnitFactory(organisation=org) for _ in range(4))]
    unit_handler = staff_user("unit-handler", Role.HANDLER, organisation=org, units=[unit])
    county = staff_user("county", Role.HANDLER, Role.APPROVER, organisation=org, all_units=True)
    _add_cases(org, units, SMALL)
    return {"org": org, "units": units, "unit_handler": unit_handler, "county": county}


def _grow(world: dict[str, Any]) -> None:
    _add_cases(world["org"], world["units"], LARGE - SMALL)


def _client(user: Any) -> APIClient:
    """Token authentication, as API clients do: every request loads its user afresh (no
    roles cached on a user object from an earlier request)."""
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
    return client


def _queue_requests(world: dict[str, Any]) -> dict[str, Any]:
    unit = world["units"][0].pk
    handler, county = _client(world["unit_handler"]), _client(world["county"])
    reference = Complaint.objects.filter(service_unit_id=unit).values_list("reference", flat=True)

    def get(client: APIClient, path: str) -> Any:
        def call() -> None:
            response = client.get(path)
            assert response.status_code == 200, response.content

        return call

    def deep_page() -> None:
        response = handler.get(f"/api/v1/complaints/?unit={unit}&page_size=1")
        for _ in range(3):
            response = handler.get(response.json()["next"])
        assert response.status_code == 200

    return {
        "unit queue (unit handler)": get(handler, f"/api/v1/complaints/?unit={unit}"),
        "unit queue (county handler)": get(county, f"/api/v1/complaints/?unit={unit}"),
        "open cases": get(county, "/api/v1/complaints/?status=received&status=in_handling"),
        "overdue": get(county, "/api/v1/complaints/?overdue=true"),
        "whole queue": get(county, "/api/v1/complaints/"),
        "deep cursor page": deep_page,
        "search by name": get(county, "/api/v1/complaints/?q=virtanen"),
        "by handler": get(county, f"/api/v1/complaints/?handler={world['county'].username}"),
        "search by reference": lambda: get(
            county, f"/api/v1/complaints/?q={reference[0].lower()}"
        )(),
        "case detail": lambda: get(county, f"/api/v1/complaints/{reference[0]}/")(),
    }


def test_queue_and_detail_statements_do_not_grow_with_the_number_of_cases(
    world: dict[str, Any],
) -> None:
    before = {name: _count(call) for name, call in _queue_requests(world).items()}
    _grow(world)
    after = {name: _count(call) for name, call in _queue_requests(world).items()}
    assert Complaint.objects.count() == LARGE
    assert after == before
    # A page is a constant handful: user, roles, memberships, the page, the access log.
    assert before["unit queue (unit handler)"] <= 8


def _submit(world: dict[str, Any]) -> Any:
    key = uuid.uuid4().hex
    payload = {
        "organisation": world["org"].slug,
        "description": "Kotihoidon käynti jäi väliin.",
        "filer_role": "client",
        "client": {"name": "Aino Asiakas", "email": "aino@example.invalid"},
        "language": "fi",
        "reply_delivery": "online",
        "service_unit": world["units"][1].pk,
    }
    response = APIClient().post(
        "/api/v1/complaints/", payload, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 201, response.content
    return response


def test_a_submission_takes_six_statements_however_many_cases_exist(
    world: dict[str, Any],
) -> None:
    _submit(world)  # the first one of the year creates the reference counter row
    before = _count(lambda: _submit(world))
    _grow(world)
    after = _count(lambda: _submit(world))
    assert before == after
    # Closure days, counter, case, event, access log, receipt: the organisation and its
    # units were read by the first submission and are kept (workflow/intake_settings.py).
    assert after == 6
    intake_settings_reload()
    assert _count(lambda: _submit(world)) == 8  # the first after a change reads them again


def test_a_retried_submission_returns_the_first_case_without_a_second_row(
    world: dict[str, Any],
) -> None:
    # The retry is recognised by the unique key when its INSERT fails (no look-up first).
    key = "same-key"
    payload = {
        "organisation": world["org"].slug,
        "description": "Kotihoidon käynti jäi väliin.",
        "filer_role": "client",
        "client": {"name": "Aino Asiakas"},
        "language": "fi",
        "reply_delivery": "online",
        "service_unit": world["units"][1].pk,
    }
    first = APIClient().post(
        "/api/v1/complaints/", payload, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    again = APIClient().post(
        "/api/v1/complaints/", payload, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["reference"] == first.json()["reference"]
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert Complaint.objects.filter(submission_key=f"api:{key}").count() == 1


def test_the_unit_queue_shows_what_the_visibility_rules_show(world: dict[str, Any]) -> None:
    """The unit queue skips the generic visibility condition only where it changes nothing."""
    from complaints.permissions import can_see

    other_handler = staff_user("other", Role.HANDLER, organisation=world["org"], units=[])
    mine = world["units"][2]
    Complaint.objects.filter(service_unit=mine).update(handler=None)
    assigned = Complaint.objects.filter(service_unit=mine).first()
    assert assigned is not None
    Complaint.objects.filter(pk=assigned.pk).update(handler=other_handler)
    for user, unit in [
        (world["unit_handler"], world["units"][0]),  # a unit of theirs: all its cases
        (world["county"], mine),  # all units: all its cases
        (other_handler, mine),  # not their unit: only the case assigned to them
    ]:
        response = _client(user).get(f"/api/v1/complaints/?unit={unit.pk}&page_size=200")
        shown = {item["reference"] for item in response.json()["results"]}
        expected = {
            case.reference
            for case in Complaint.objects.filter(service_unit=unit)
            if can_see(user, case)
        }
        assert shown == expected
        assert shown
        # The staff queue page starts from the same cases (its first page, open states).
        from workflow.queue import PAGE_SIZE

        page = Client()
        page.force_login(user)
        html = page.get("/staff/cases/", {"unit": unit.pk}).content.decode()
        listed = set(re.findall(r'href="/staff/cases/([^"/?]+)/"', html))
        first_page = [
            case.reference
            for case in Complaint.objects.filter(
                service_unit=unit, status__in=OPEN_STATES
            ).order_by("due_date", "id")
            if can_see(user, case)
        ][:PAGE_SIZE]
        assert listed == set(first_page)


def _make_newly_overdue(world: dict[str, Any], count: int) -> list[int]:
    due = TODAY - timedelta(days=2)
    cases = _add_cases(
        world["org"],
        world["units"],
        count,
        status=Status.IN_HANDLING,
        received_on=due - timedelta(days=30),
        received_at=datetime(due.year, due.month, due.day, tzinfo=HELSINKI) - timedelta(days=30),
        due_date=due,
        overdue=False,
        very_overdue=False,
    )
    return [case.pk for case in cases]


def test_the_sweep_takes_the_same_statements_however_many_cases_exist_or_change(
    world: dict[str, Any],
) -> None:
    # SQLite probes its JSON support once per connection, the first time an event is made.
    assert connection.features.has_json_object_function
    deadlines_sweep(now=NOW)  # reminders and flags of the seeded cases
    nothing_small = _count(lambda: deadlines_sweep(now=NOW))
    changed = _make_newly_overdue(world, 10)
    few = _count(lambda: deadlines_sweep(now=NOW))
    _grow(world)
    deadlines_sweep(now=NOW)
    nothing_large = _count(lambda: deadlines_sweep(now=NOW))
    changed += _make_newly_overdue(world, 1000)
    many = _count(lambda: deadlines_sweep(now=NOW))
    assert Complaint.objects.filter(pk__in=changed, overdue=True).count() == 1010
    assert nothing_large == nothing_small
    assert many == few


def test_a_sweep_with_nothing_due_opens_no_transaction(world: dict[str, Any]) -> None:
    """Each timer looks with a plain query first; only work found opens a transaction."""
    deadlines_sweep(now=NOW)  # reminders and flags of the seeded cases
    with CaptureQueriesContext(connection) as queries:
        deadlines_sweep(now=NOW)
    sent = [query["sql"].lstrip().upper() for query in queries.captured_queries]
    # Inside the test's own transaction an atomic block is a SAVEPOINT.
    assert not [sql for sql in sent if sql.startswith(("SAVEPOINT", "BEGIN"))]
    assert all(sql.startswith("SELECT") for sql in sent)
