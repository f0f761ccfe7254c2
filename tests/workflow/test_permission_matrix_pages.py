"""The same matrix for the staff pages and the case's sub-resources: 404 outside reach.

Role × (a case in reach, in the organisation but out of reach, in another organisation) ×
every page or endpoint that names a case. The ombudsman sees status and dates on their own
page only, so every case page is 404 for them as for administrators and users without role.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from complaints.choices import EventKind, Status
from complaints.models import CaseEvent, StatementRequest
from tests.workflow.test_permission_matrix import ROLES, SCOPES, World, client_for, world

__all__ = ["world"]  # the fixture, shared with the API matrix

CONTENT = {
    "registry": {"reached"},
    "handler": {"reached", "same_org"},
    "approver": {"reached", "same_org"},
    "ombudsman": set(),
    "admin": set(),
    "norole": set(),
}
HANDLING = {"handler", "approver"}


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False


def _page_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


PAGES = {
    "case": lambda ref: reverse("staff:case", args=[ref]),
    "document": lambda ref: reverse("staff:document", args=[ref, 1]),
    "attachment": lambda ref: reverse("staff:attachment", args=[ref, 1]),
    "reply-preview": lambda ref: reverse("staff:reply_preview", args=[ref, 1]),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", SCOPES)
def test_case_page_answers_only_in_content_reach(world: World, role: str, scope: str) -> None:
    complaint = world.cases[role][scope]
    client = _page_client(world.users[role])
    response = client.get(PAGES["case"](complaint.reference))
    expected = 200 if scope in CONTENT[role] else 404
    assert response.status_code == expected, (role, scope)
    # Sub-resources that do not exist answer 404 alike: nothing tells them apart.
    for name in ("document", "attachment"):
        assert client.get(PAGES[name](complaint.reference)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", SCOPES)
def test_writes_from_the_case_page(world: World, role: str, scope: str) -> None:
    complaint = world.cases[role][scope]
    client = _page_client(world.users[role])
    note = client.post(reverse("staff:note", args=[complaint.reference]), {"text": "Huom."})
    statement = client.post(
        reverse("staff:statement_new", args=[complaint.reference]),
        {"respondent_email": "a@example.org", "question": "Mitä?"},
    )
    accept = client.post(reverse("staff:transition", args=[complaint.reference, "accept"]), {})
    complaint.refresh_from_db()
    if scope not in CONTENT[role]:
        assert {note.status_code, statement.status_code, accept.status_code} == {404}
    elif role in HANDLING:
        assert note.status_code == statement.status_code == accept.status_code == 302
        assert complaint.status == Status.IN_HANDLING
    else:  # registry: sees its case, may not work on it
        assert note.status_code == statement.status_code == accept.status_code == 400
        assert complaint.status == Status.RECEIVED
    notes = CaseEvent.objects.filter(complaint=complaint, kind=EventKind.NOTE).exists()
    requested = StatementRequest.objects.filter(complaint=complaint).exists()
    assert notes == requested == (role in HANDLING and scope in CONTENT[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("resource", ["statements", "documents"])
def test_case_resources_through_the_api(world: World, role: str, scope: str, resource: str) -> None:
    complaint = world.cases[role][scope]
    response = client_for(world.users[role]).get(
        f"/api/v1/complaints/{complaint.reference}/{resource}/"
    )
    assert response.status_code == (200 if scope in CONTENT[role] else 404), (role, scope)


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_page_lists_only_cases_in_reach(world: World, role: str) -> None:
    response = _page_client(world.users[role]).get(reverse("staff:queue"))
    if role in ("ombudsman", "admin", "norole"):
        assert response.status_code == 404
        return
    page = response.content.decode()
    for cases in world.cases.values():
        for complaint in cases.values():
            link = reverse("staff:case", args=[complaint.reference])
            reachable = (
                complaint.organisation_id == world.org.pk
                if role in HANDLING
                else (complaint.created_by_id == world.users[role].pk)
            )
            assert (link in page) == reachable, (role, complaint.reference)
