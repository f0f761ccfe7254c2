"""Who sees which case through the staff API, and what a case they may not see answers.

A case outside a user's reach answers 404 (never 403) on detail, transitions and a
transition run, and never shows in the queue: its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient

from complaints.choices import Role, Status
from complaints.models import Complaint
from tests.factories import (
    ComplaintFactory,
    OrganisationFactory,
    ServiceUnitFactory,
    staff_user,
)

LIST = "/api/v1/complaints/"
CONTENT_KEYS = {"description", "client", "filer", "timeline", "persons_involved", "replies"}


def detail_url(complaint: Complaint) -> str:
    return f"/api/v1/complaints/{complaint.reference}/"


def transitions_url(complaint: Complaint) -> str:
    return f"/api/v1/complaints/{complaint.reference}/transitions/"


def run_url(complaint: Complaint, name: str) -> str:
    return f"/api/v1/complaints/{complaint.reference}/transitions/{name}/"


@dataclass
class World:
    org: Any
    other_org: Any
    users: dict[str, Any]
    # "reached": in the user's organisation and within their reach;
    # "same_org": in the user's organisation, outside their reach;
    # "other_org": in another organisation.
    cases: dict[str, dict[str, Complaint]]


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    # The test settings keep production's HTTPS redirect (DEBUG is off); the test client
    # speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False


ROLES = ["registry", "handler", "approver", "ombudsman", "admin", "norole"]


@pytest.fixture
def world(org: Any) -> World:
    u1 = ServiceUnitFactory(organisation=org, name_fi="Yksikkö 1")
    other_org = OrganisationFactory(slug="lappi", reference_prefix="LAPPI")
    other_unit = ServiceUnitFactory(organisation=other_org)

    users = {
        "registry": staff_user("m_registry", Role.REGISTRY, organisation=org, all_units=True),
        "handler": staff_user("m_handler", Role.HANDLER, organisation=org, all_units=True),
        "approver": staff_user("m_approver", Role.APPROVER, organisation=org, all_units=True),
        "ombudsman": staff_user("m_ombudsman", Role.OMBUDSMAN, organisation=org, all_units=True),
        "admin": staff_user("m_admin", Role.ADMIN, organisation=org, all_units=True),
        "norole": staff_user("m_norole", organisation=org, all_units=True),
    }
    # The other organisation's own staff, who register and assist its cases.
    other_registry = staff_user("o_registry", Role.REGISTRY, organisation=other_org)
    other_ombudsman = staff_user("o_ombudsman", Role.OMBUDSMAN, organisation=other_org)

    def case(organisation: Any, unit: Any, **fields: Any) -> Complaint:
        return ComplaintFactory.in_state(
            Status.RECEIVED, organisation=organisation, service_unit=unit, **fields
        )

    def other() -> Complaint:
        return case(
            other_org,
            other_unit,
            created_by=other_registry,
            assisted_by=other_ombudsman,
            ombudsman_consent=True,
        )

    cases: dict[str, dict[str, Complaint]] = {}
    for name in ("handler", "approver", "admin", "norole"):
        # A case without a unit: handlers and approvers with all units still reach it.
        cases[name] = {
            "reached": case(org, u1, created_by=other_registry),
            "same_org": case(org, None, created_by=other_registry),
            "other_org": other(),
        }
    cases["registry"] = {
        "reached": case(org, u1, created_by=users["registry"]),
        "same_org": case(org, u1, created_by=users["handler"]),
        "other_org": other(),
    }
    cases["ombudsman"] = {
        "reached": case(org, u1, assisted_by=users["ombudsman"], ombudsman_consent=True),
        # Assisted, but the client did not consent to the ombudsman following the case.
        "same_org": case(org, u1, assisted_by=users["ombudsman"], ombudsman_consent=False),
        "other_org": other(),
    }
    return World(org=org, other_org=other_org, users=users, cases=cases)


# role → which of its cases it may see
VISIBLE = {
    "registry": {"reached"},
    "handler": {"reached", "same_org"},  # all units: also cases without a unit
    "approver": {"reached", "same_org"},
    "ombudsman": {"reached"},
    "admin": set(),
    "norole": set(),
}
SCOPES = ["reached", "same_org", "other_org"]


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _listed(client: APIClient) -> set[str]:
    response = client.get(LIST, {"page_size": 200})
    assert response.status_code == 200, response.content
    return {item["reference"] for item in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
def test_queue_lists_exactly_the_cases_in_reach(world: World, role: str) -> None:
    listed = _listed(client_for(world.users[role]))
    every_case = {c.reference for cases in world.cases.values() for c in cases.values()}
    expected = {world.cases[role][scope].reference for scope in VISIBLE[role]}
    if role in ("handler", "approver"):
        # All units of their organisation: every case of it, whoever it was built for.
        expected = {
            c.reference
            for cases in world.cases.values()
            for c in cases.values()
            if c.organisation_id == world.org.pk
        }
    if role == "ombudsman":
        # Only the consented case assisted by them; the unconsented one never shows.
        assert world.cases["ombudsman"]["same_org"].reference not in listed
    assert listed == expected
    assert listed <= every_case
    assert not any(
        c.reference in listed for c in Complaint.objects.filter(organisation=world.other_org)
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", SCOPES)
def test_detail_answers_200_in_reach_and_404_otherwise(world: World, role: str, scope: str) -> None:
    complaint = world.cases[role][scope]
    response = client_for(world.users[role]).get(detail_url(complaint))
    if scope in VISIBLE[role]:
        assert response.status_code == 200, response.content
        assert response.json()["reference"] == complaint.reference
    else:
        assert response.status_code == 404, (role, scope, response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", SCOPES)
def test_transition_list_answers_200_in_reach_and_404_otherwise(
    world: World, role: str, scope: str
) -> None:
    complaint = world.cases[role][scope]
    response = client_for(world.users[role]).get(transitions_url(complaint))
    if scope not in VISIBLE[role]:
        assert response.status_code == 404, (role, scope, response.status_code)
        return
    assert response.status_code == 200, response.content
    names = {entry["name"] for entry in response.json()}
    expected = {
        # A received case: what api.md's "who" column allows each role to run on it.
        "handler": {"accept", "transfer", "merge", "withdraw"},
        "approver": {"accept", "transfer", "merge", "withdraw"},
        "registry": {"withdraw"},
        "ombudsman": set(),
    }[role]
    assert names == expected
    for entry in response.json():
        assert set(entry) >= {"name", "label", "fields"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", SCOPES)
def test_transition_run_answers_404_outside_reach(world: World, role: str, scope: str) -> None:
    complaint = world.cases[role][scope]
    response = client_for(world.users[role]).post(run_url(complaint, "accept"), {}, format="json")
    complaint.refresh_from_db()
    if scope not in VISIBLE[role]:
        assert response.status_code == 404, (role, scope, response.status_code)
        assert complaint.status == Status.RECEIVED
    elif role in ("handler", "approver"):
        assert response.status_code == 200, response.content
        assert response.json()["status"] == Status.IN_HANDLING
        assert complaint.status == Status.IN_HANDLING
        assert complaint.handler == world.users[role]
    else:
        # Sees the case but may not accept it: 403, the case unchanged.
        assert response.status_code == 403, (role, scope, response.status_code)
        assert complaint.status == Status.RECEIVED


def test_registry_may_withdraw_the_case_it_registered(world: World) -> None:
    complaint = world.cases["registry"]["reached"]
    response = client_for(world.users["registry"]).post(
        run_url(complaint, "withdraw"), {"reason": "Asiakas perui puhelimessa."}, format="json"
    )
    assert response.status_code == 200, response.content
    complaint.refresh_from_db()
    assert complaint.status == Status.WITHDRAWN


def test_a_hidden_case_answers_404_even_with_an_invalid_body(world: World) -> None:
    """The body is not validated before the reach check: no 400 that leaks existence."""
    complaint = world.cases["handler"]["other_org"]
    response = client_for(world.users["handler"]).post(
        run_url(complaint, "transfer"), {}, format="json"
    )
    assert response.status_code == 404


def test_404_for_a_hidden_case_matches_404_for_a_missing_one(world: World) -> None:
    client = client_for(world.users["handler"])
    hidden = client.get(detail_url(world.cases["handler"]["other_org"]))
    missing = client.get("/api/v1/complaints/KEMI-2099-999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_ombudsman_detail_shows_only_status_and_dates(world: World) -> None:
    complaint = world.cases["ombudsman"]["reached"]
    response = client_for(world.users["ombudsman"]).get(detail_url(complaint))
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == complaint.reference
    assert body["status"] == Status.RECEIVED
    assert body["due_date"] == complaint.due_date.isoformat()
    assert body["received_on"] == complaint.received_on.isoformat()
    assert not CONTENT_KEYS & set(body), set(body)
    assert complaint.description not in response.content.decode()
    assert complaint.client_name not in response.content.decode()


def test_ombudsman_queue_items_carry_no_content(world: World) -> None:
    response = client_for(world.users["ombudsman"]).get(LIST)
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert not CONTENT_KEYS & set(item)
    assert world.cases["ombudsman"]["reached"].client_name not in response.content.decode()


def test_handler_detail_shows_the_content(world: World) -> None:
    complaint = world.cases["handler"]["reached"]
    body = client_for(world.users["handler"]).get(detail_url(complaint)).json()
    assert body["description"] == complaint.description
    assert body["client"]["name"] == complaint.client_name
    assert "timeline" in body


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", lambda c: LIST),
        ("get", detail_url),
        ("get", transitions_url),
        ("post", lambda c: run_url(c, "accept")),
    ],
    ids=["list", "detail", "transitions", "run"],
)
def test_anonymous_is_refused_on_staff_endpoints(world: World, method: str, url: Any) -> None:
    complaint = world.cases["handler"]["reached"]
    response = getattr(APIClient(), method)(url(complaint))
    assert response.status_code in (401, 403)
    assert complaint.reference not in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED


def test_inactive_user_sees_nothing(world: World) -> None:
    user = world.users["handler"]
    user.is_active = False
    user.save()
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(detail_url(world.cases["handler"]["reached"]))
    assert response.status_code in (401, 403, 404)


# --- unit-scoped handlers -------------------------------------------------------------------


@pytest.fixture
def unit_scoped(org: Any) -> dict[str, Any]:
    u1 = ServiceUnitFactory(organisation=org, name_fi="Vanhuspalvelut")
    u2 = ServiceUnitFactory(organisation=org, name_fi="Lastensuojelu")
    user = staff_user("u1_handler", Role.HANDLER, organisation=org, units=[u1])
    return {
        "user": user,
        "u1_case": ComplaintFactory(organisation=org, service_unit=u1),
        "u2_case": ComplaintFactory(organisation=org, service_unit=u2),
        "u2_assigned": ComplaintFactory.in_state(
            Status.IN_HANDLING, organisation=org, service_unit=u2, handler=user
        ),
        "no_unit": ComplaintFactory(organisation=org, service_unit=None, service_description="x"),
    }


def test_unit_scoped_handler_queue(unit_scoped: dict[str, Any]) -> None:
    listed = _listed(client_for(unit_scoped["user"]))
    assert listed == {unit_scoped["u1_case"].reference, unit_scoped["u2_assigned"].reference}


@pytest.mark.parametrize(
    ("key", "visible"),
    [("u1_case", True), ("u2_case", False), ("u2_assigned", True), ("no_unit", False)],
)
def test_unit_scoped_handler_detail_and_transitions(
    unit_scoped: dict[str, Any], key: str, visible: bool
) -> None:
    client = client_for(unit_scoped["user"])
    complaint = unit_scoped[key]
    expected = 200 if visible else 404
    assert client.get(detail_url(complaint)).status_code == expected
    assert client.get(transitions_url(complaint)).status_code == expected


def test_unit_scoped_handler_cannot_accept_another_units_case(unit_scoped: dict[str, Any]) -> None:
    client = client_for(unit_scoped["user"])
    response = client.post(run_url(unit_scoped["u2_case"], "accept"), {}, format="json")
    assert response.status_code == 404
    unit_scoped["u2_case"].refresh_from_db()
    assert unit_scoped["u2_case"].status == Status.RECEIVED
    response = client.post(run_url(unit_scoped["u1_case"], "accept"), {}, format="json")
    assert response.status_code == 200


def test_assignment_in_another_organisation_gives_no_reach(org: Any) -> None:
    """Being named handler of a case of an organisation one is not a member of reveals nothing."""
    user = staff_user("kemi_handler", Role.HANDLER, organisation=org, all_units=True)
    foreign = ComplaintFactory.in_state(
        Status.IN_HANDLING, organisation=OrganisationFactory(slug="kainuu"), handler=user
    )
    client = client_for(user)
    assert client.get(detail_url(foreign)).status_code == 404
    assert foreign.reference not in _listed(client)
