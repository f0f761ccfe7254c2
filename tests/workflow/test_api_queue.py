"""The staff queue ``GET /api/v1/complaints/``: filters, ordering, cursor pages, query count."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.test import APIClient

from complaints.choices import Role, Status
from complaints.models import Complaint
from tests.factories import ComplaintFactory, OrganisationFactory, ServiceUnitFactory, staff_user
from workflow.api.filters import QueueFilter

LIST = "/api/v1/complaints/"


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    # The test settings keep production's HTTPS redirect (DEBUG is off).
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def client(handler: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(handler)
    return client


def _case(org: Any, unit: Any, due: date, **fields: Any) -> Any:
    status = fields.pop("status", Status.RECEIVED)
    return ComplaintFactory.in_state(
        status, organisation=org, service_unit=unit, due_date=due, **fields
    )


def _references(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["reference"] for item in response.json()["results"]]


@pytest.fixture
def queue(org: Any, unit: Any, handler: Any) -> dict[str, Any]:
    other_unit = ServiceUnitFactory(organisation=org, name_fi="Vammaispalvelut")
    colleague = staff_user("colleague", Role.HANDLER, organisation=org, all_units=True)
    return {
        "other_unit": other_unit,
        "colleague": colleague,
        "a": _case(org, unit, date(2026, 12, 10), client_name="Aino Virtanen"),
        "b": _case(
            org,
            other_unit,
            date(2026, 12, 3),
            status=Status.IN_HANDLING,
            handler=handler,
            client_name="Bertta Korhonen",
        ),
        "c": _case(
            org,
            unit,
            date(2026, 12, 3),
            status=Status.IN_HANDLING,
            handler=colleague,
            overdue=True,
            client_name="Cecilia Nieminen",
        ),
        "d": _case(org, other_unit, date(2026, 12, 20), status=Status.CLOSED),
        # Another organisation's case never shows, whatever the filter.
        "foreign": _case(
            OrganisationFactory(slug="kainuu"), None, date(2026, 12, 1), client_name="Aino Muu"
        ),
    }


def test_default_ordering_is_due_date_then_id(client: APIClient, queue: dict[str, Any]) -> None:
    refs = _references(client.get(LIST))
    b, c = sorted([queue["b"], queue["c"]], key=lambda x: x.pk)  # same due date: by id
    assert refs == [b.reference, c.reference, queue["a"].reference, queue["d"].reference]


def test_ordering_descending_due_date(client: APIClient, queue: dict[str, Any]) -> None:
    refs = _references(client.get(LIST, {"ordering": "-due_date"}))
    b, c = sorted([queue["b"], queue["c"]], key=lambda x: x.pk, reverse=True)
    assert refs == [queue["d"].reference, queue["a"].reference, b.reference, c.reference]


@pytest.mark.parametrize("ordering", ["client_name", "due", "id;drop", "-reference"])
def test_invalid_ordering_is_400(client: APIClient, queue: dict[str, Any], ordering: str) -> None:
    response = client.get(LIST, {"ordering": ordering})
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_status_filter_is_repeatable(client: APIClient, queue: dict[str, Any]) -> None:
    only_received = _references(client.get(LIST, {"status": "received"}))
    assert only_received == [queue["a"].reference]
    both = set(_references(client.get(LIST, {"status": ["received", "closed"]})))
    assert both == {queue["a"].reference, queue["d"].reference}
    in_handling = set(_references(client.get(f"{LIST}?status=in_handling")))
    assert in_handling == {queue["b"].reference, queue["c"].reference}


def test_unit_filter(client: APIClient, queue: dict[str, Any], unit: Any) -> None:
    refs = set(_references(client.get(LIST, {"unit": unit.pk})))
    assert refs == {queue["a"].reference, queue["c"].reference}
    refs = set(_references(client.get(LIST, {"unit": queue["other_unit"].pk})))
    assert refs == {queue["b"].reference, queue["d"].reference}


def test_unit_filter_rejects_a_non_number(client: APIClient, queue: dict[str, Any]) -> None:
    response = client.get(LIST, {"unit": "abc"})
    assert response.status_code == 400
    assert "unit" in response.json()


def test_handler_filter_by_username(client: APIClient, queue: dict[str, Any]) -> None:
    assert _references(client.get(LIST, {"handler": "handler"})) == [queue["b"].reference]
    assert _references(client.get(LIST, {"handler": "colleague"})) == [queue["c"].reference]
    assert _references(client.get(LIST, {"handler": "nobody"})) == []


def test_the_handler_filter_reads_the_queue_by_the_handlers_id(queue: dict[str, Any]) -> None:
    # Joined to the user table, PostgreSQL walked the whole organisation for a handler
    # with few cases; by id, the handler's index answers.
    cases = QueueFilter({"handler": "colleague"}, queryset=Complaint.objects.all()).qs
    sql = str(cases.query)
    assert "auth_user" not in sql
    assert f'"handler_id" = {queue["colleague"].pk}' in sql


def test_overdue_filter(client: APIClient, queue: dict[str, Any]) -> None:
    assert _references(client.get(LIST, {"overdue": "true"})) == [queue["c"].reference]
    not_overdue = set(_references(client.get(LIST, {"overdue": "false"})))
    assert not_overdue == {queue["a"].reference, queue["b"].reference, queue["d"].reference}


def test_overdue_filter_rejects_garbage(client: APIClient, queue: dict[str, Any]) -> None:
    """An unreadable flag is a field error, not silently "no filter" (which lists everything)."""
    response = client.get(LIST, {"overdue": "maybe"})
    assert response.status_code == 400
    assert "overdue" in response.json()


def test_due_before_filter_is_strictly_before(client: APIClient, queue: dict[str, Any]) -> None:
    refs = set(_references(client.get(LIST, {"due_before": "2026-12-10"})))
    assert refs == {queue["b"].reference, queue["c"].reference}
    assert _references(client.get(LIST, {"due_before": "2026-12-03"})) == []


@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "tomorrow"])
def test_invalid_due_before_is_400(client: APIClient, queue: dict[str, Any], value: str) -> None:
    response = client.get(LIST, {"due_before": value})
    assert response.status_code == 400
    assert "due_before" in response.json()


def test_q_matches_the_reference_exactly(client: APIClient, queue: dict[str, Any]) -> None:
    reference = queue["a"].reference
    assert _references(client.get(LIST, {"q": reference})) == [reference]
    assert _references(client.get(LIST, {"q": reference.lower()})) == [reference]
    assert _references(client.get(LIST, {"q": f"  {reference}\t"})) == [reference]
    # A prefix of a reference is not a reference: no partial matches on it.
    assert _references(client.get(LIST, {"q": reference[:-1]})) == []


def test_a_reference_shaped_search_reads_the_reference_alone(queue: dict[str, Any]) -> None:
    reference = queue["a"].reference
    cases = QueueFilter().search(Complaint.objects.all(), "q", f" {reference.lower()} ")
    where = str(cases.query).split("WHERE", 1)[1]
    # The unique index answers it: no name is read, the reference is not upper-cased.
    assert '"reference" = ' in where
    assert "LIKE" not in where
    assert "UPPER" not in where
    assert [case.reference for case in cases] == [reference]
    names = QueueFilter().search(Complaint.objects.all(), "q", "Virtanen")
    assert '"reference"' not in str(names.query).split("WHERE", 1)[1]


def test_q_matches_part_of_the_client_name(client: APIClient, queue: dict[str, Any]) -> None:
    assert _references(client.get(LIST, {"q": "korhon"})) == [queue["b"].reference]
    # "Aino" also names the other organisation's client, who must not appear.
    assert _references(client.get(LIST, {"q": "Aino"})) == [queue["a"].reference]


def test_filters_combine(client: APIClient, queue: dict[str, Any], unit: Any) -> None:
    refs = _references(client.get(LIST, {"unit": unit.pk, "status": "in_handling", "overdue": "1"}))
    assert refs == [queue["c"].reference]


def test_queue_items_carry_the_documented_fields(client: APIClient, queue: dict[str, Any]) -> None:
    item = client.get(LIST, {"q": queue["b"].reference}).json()["results"][0]
    assert item["status"] == Status.IN_HANDLING
    assert item["due_date"] == "2026-12-03"
    assert item["handler"] == "handler"
    assert item["service_unit"]["id"] == queue["other_unit"].pk
    for flag in ("extended", "overdue", "very_overdue", "escalated"):
        assert isinstance(item[flag], bool)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_queue_rows_are_what_the_queue_item_serializer_gives(
    client: APIClient, queue: dict[str, Any], org: Any, language: str
) -> None:
    """The queue shapes ``values()`` rows itself (speed); they must stay the serializer's."""
    from complaints.models import Complaint
    from workflow.api.serializers import QueueItemSerializer

    _case(org, None, date(2026, 12, 20))  # no unit, no handler
    queue["other_unit"].name_sv = "Handikappservice"
    queue["other_unit"].save()
    response = client.get(LIST, {"page_size": 200}, HTTP_ACCEPT_LANGUAGE=language)
    items = response.json()["results"]
    cases = Complaint.objects.filter(reference__in=[item["reference"] for item in items])
    with translation.override(language):
        expected = QueueItemSerializer(cases.order_by("due_date", "id"), many=True).data
    assert items == json.loads(json.dumps(expected, cls=DjangoJSONEncoder))
    assert len(items) >= 4
    assert {item["service_unit"] is None for item in items} == {True, False}


def test_scope_my_units_follows_the_membership(
    client: APIClient, queue: dict[str, Any], org: Any, unit: Any
) -> None:
    """ "My units": every case of the organisation for an all-units membership; a unit
    handler's units and the cases assigned to them otherwise; no other organisation."""
    everything = set(_references(client.get(LIST)))
    assert set(_references(client.get(LIST, {"scope": "unit"}))) == everything
    assert everything  # the handler (all units) sees the cases of every unit

    unit_handler = staff_user("unit-only", Role.HANDLER, organisation=org, units=[unit])
    assigned_elsewhere = _case(org, queue["other_unit"], date(2026, 12, 15), handler=unit_handler)
    mine = APIClient()
    mine.force_authenticate(unit_handler)
    expected = {
        case.reference
        for case in Complaint.objects.filter(organisation=org)
        if case.service_unit_id == unit.pk or case.handler_id == unit_handler.pk
    }
    assert set(_references(mine.get(LIST, {"scope": "unit", "page_size": 200}))) == expected
    assert assigned_elsewhere.reference in expected


def test_my_units_leaves_out_what_a_user_sees_only_as_registry_clerk(
    queue: dict[str, Any], org: Any, unit: Any
) -> None:
    clerk = staff_user("kirjaaja", Role.HANDLER, Role.REGISTRY, organisation=org, units=[unit])
    entered = _case(org, queue["other_unit"], date(2026, 12, 20), created_by=clerk)
    client = APIClient()
    client.force_authenticate(clerk)
    assert entered.reference in _references(client.get(LIST, {"page_size": 200}))
    my_units = _references(client.get(LIST, {"scope": "unit", "page_size": 200}))
    assert entered.reference not in my_units
    assert queue["a"].reference in my_units  # a case of their unit


# --- pagination --------------------------------------------------------------------------------


def test_cursor_pages_cover_everything_once(client: APIClient, org: Any, unit: Any) -> None:
    # Several cases share a due date, so the cursor must break ties by id.
    cases = [_case(org, unit, date(2026, 12, 1 + i // 3)) for i in range(11)]
    expected = [c.reference for c in sorted(cases, key=lambda c: (c.due_date, c.pk))]

    seen: list[str] = []
    pages = 0
    url: str | None = f"{LIST}?page_size=2"
    while url:
        response = client.get(url)
        page = _references(response)
        assert len(page) <= 2
        seen.extend(page)
        url = response.json()["next"]
        pages += 1
        assert pages <= 10, "the cursor does not end"
    assert pages == 6
    assert seen == expected
    assert len(set(seen)) == len(seen)


def test_cursor_pages_backwards(client: APIClient, org: Any, unit: Any) -> None:
    for i in range(5):
        _case(org, unit, date(2026, 12, 1 + i))
    first = client.get(LIST, {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    assert first["previous"] is None
    back = client.get(second["previous"]).json()
    assert [i["reference"] for i in back["results"]] == [i["reference"] for i in first["results"]]


def test_page_size_is_capped(client: APIClient, org: Any, unit: Any) -> None:
    for i in range(3):
        _case(org, unit, date(2026, 12, 1 + i))
    response = client.get(LIST, {"page_size": 100000})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_query_count_does_not_grow_with_page_size(
    client: APIClient, org: Any, unit: Any, handler: Any
) -> None:
    units = [unit, ServiceUnitFactory(organisation=org)]
    for i in range(60):
        _case(
            org,
            units[i % 2],
            date(2026, 12, 1 + i % 20),
            status=Status.IN_HANDLING if i % 3 else Status.RECEIVED,
            handler=handler if i % 3 else None,
        )

    def count(page_size: int) -> int:
        # A fresh user object per request, as in production: roles and memberships are
        # cached on the user instance.
        fresh = APIClient()
        fresh.force_authenticate(type(handler).objects.get(pk=handler.pk))
        with CaptureQueriesContext(connection) as queries:
            response = fresh.get(LIST, {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(queries.captured_queries)

    small, large = count(5), count(50)
    assert large == small, (small, large)
    assert small <= 8


def test_unknown_status_is_400(client: APIClient, queue: dict[str, Any]) -> None:
    response = client.get(LIST, {"status": "lost"})
    assert response.status_code == 400
    assert "status" in response.json()
