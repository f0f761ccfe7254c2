"""The supervisory authority's statement requests: registering, answering with a letter,
who may do it (404 for a case one may not see, 403 for one seen but not handled)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from complaints.actors import Actor
from complaints.choices import EventKind, Role, Status
from complaints.models import AuthorityRequest, CaseEvent, Document
from tests.factories import ComplaintFactory, ServiceUnitFactory, staff_user
from workflow.authority import complaint_kantelu_transferred_back
from workflow.documents import document_reissue
from workflow.errors import InvalidInput

HELSINKI = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 11, 20, 10, tzinfo=HELSINKI)
BODY = {
    "diary_number": "LVV/777/2026",
    "received_on": "2026-11-18",
    "due_date": "2026-12-18",
    "question": "Selvittäkää <b>asiakkaan</b> kohtelu.",
}


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(org: Any, unit: Any) -> Any:
    return ComplaintFactory.in_state(Status.REPLIED, organisation=org, service_unit=unit)


def as_user(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def requests_url(case: Any) -> str:
    return f"/api/v1/complaints/{case.reference}/authority-requests/"


def statement_url(case: Any, request_id: int) -> str:
    return f"{requests_url(case)}{request_id}/statement/"


def test_a_handler_registers_a_request_and_the_case_is_escalated(case, handler):
    response = as_user(handler).post(requests_url(case), BODY, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["diary_number"] == "LVV/777/2026"
    assert body["due_date"] == "2026-12-18"
    assert body["answered_at"] is None
    assert body["created_by"] == "handler"
    case.refresh_from_db()
    assert case.escalated
    event = CaseEvent.objects.get(complaint=case, kind=EventKind.AUTHORITY_REQUEST)
    assert event.data["diary_number"] == "LVV/777/2026"
    assert event.public is False

    listed = as_user(handler).get(requests_url(case))
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()] == [body["id"]]


def test_invalid_input_is_400(case, handler):
    client = as_user(handler)
    missing = client.post(requests_url(case), {"received_on": "2026-11-18"}, format="json")
    assert missing.status_code == 400
    assert {"diary_number", "due_date"} <= set(missing.json())
    backwards = client.post(requests_url(case), {**BODY, "due_date": "2026-11-01"}, format="json")
    assert backwards.status_code == 400
    assert "due_date" in backwards.json()
    assert not AuthorityRequest.objects.exists()


def test_the_statement_is_issued_once_as_a_letter_in_the_case_language(case, approver, org):
    org.authority_address = "PL 123\n00101 Helsinki"
    org.save()
    approver.first_name, approver.last_name = "Anna", "Hyväksyjä"
    approver.save()
    client = as_user(approver)
    created = client.post(requests_url(case), BODY, format="json").json()
    text_in = "Asiakasta on kuultu. <script>alert(1)</script>"

    answered = client.post(
        statement_url(case, created["id"]), {"statement_text": text_in}, format="json"
    )
    assert answered.status_code == 200
    assert answered.json()["answered_at"] is not None
    assert answered.json()["statement_document_version"] == 1
    again = client.post(
        statement_url(case, created["id"]), {"statement_text": "Toinen"}, format="json"
    )
    assert again.status_code == 409

    document = Document.objects.get(complaint=case, kind=Document.Kind.AUTHORITY_STATEMENT)
    with document.file.open("rb") as handle:
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(handle.read())).pages)
    for expected in (
        "LVV/777/2026",
        case.reference,
        "Asiakasta on kuultu. <script>alert(1)</script>",
        "Selvittäkää <b>asiakkaan</b> kohtelu.",
        "Lupa- ja valvontavirasto",
        "PL 123",
        "Anna Hyväksyjä",
    ):
        assert expected in text, expected
    events = CaseEvent.objects.filter(complaint=case, kind=EventKind.AUTHORITY_STATEMENT)
    assert [event.data["document_version"] for event in events] == [1]

    download = client.get(statement_url(case, created["id"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


SECOND_ANSWERED = datetime(2026, 11, 21, 10, tzinfo=HELSINKI)


def _two_requests_answered(client: APIClient, case: Any) -> tuple[Any, Any]:
    """LVV/777 answered at NOW, LVV/778 a day later; returns the second answer's response."""
    first = client.post(requests_url(case), BODY, format="json").json()
    second = client.post(
        requests_url(case), {**BODY, "diary_number": "LVV/778/2026"}, format="json"
    ).json()
    client.post(statement_url(case, first["id"]), {"statement_text": "Yksi"}, format="json")
    with time_machine.travel(SECOND_ANSWERED, tick=False):
        answered = client.post(
            statement_url(case, second["id"]), {"statement_text": "Kaksi"}, format="json"
        )
    return second, answered


def _versions_listed(client: APIClient, case: Any) -> dict[str, int]:
    listed = client.get(requests_url(case)).json()
    return {item["diary_number"]: item["statement_document_version"] for item in listed}


def test_a_second_request_gets_its_own_statement_version(case, handler):
    client = as_user(handler)
    _second, answered = _two_requests_answered(client, case)
    assert answered.json()["statement_document_version"] == 2
    assert _versions_listed(client, case) == {"LVV/777/2026": 1, "LVV/778/2026": 2}


def test_a_corrected_statement_letter_is_the_one_served_and_listed(case, handler):
    client = as_user(handler)
    second, _answered = _two_requests_answered(client, case)
    corrected_at = SECOND_ANSWERED.replace(hour=14)
    with time_machine.travel(corrected_at, tick=False):
        corrected = document_reissue(
            complaint=case,
            kind=Document.Kind.AUTHORITY_STATEMENT,
            actor=Actor.staff(handler),
            now=corrected_at,
            reason="Diary number corrected.",
        )
    assert corrected.version == 3

    assert _versions_listed(client, case) == {"LVV/777/2026": 1, "LVV/778/2026": 3}
    served = client.get(statement_url(case, second["id"]))
    with corrected.file.open("rb") as handle:
        assert b"".join(served.streaming_content) == handle.read()


def test_a_correction_belongs_to_the_answer_it_followed_whatever_its_clock(case, handler):
    # Two staff at once: the correction read the clock before the second answer did, but
    # took the case's lock after it, so it renders the second request's statement.
    client = as_user(handler)
    _two_requests_answered(client, case)
    corrected = document_reissue(
        complaint=case,
        kind=Document.Kind.AUTHORITY_STATEMENT,
        actor=Actor.staff(handler),
        now=SECOND_ANSWERED - timedelta(hours=12),
        reason="Kirjoitusvirhe.",
    )
    assert corrected.version == 3
    assert _versions_listed(client, case) == {"LVV/777/2026": 1, "LVV/778/2026": 3}


def test_a_statement_for_an_unknown_or_unanswered_request_is_404(case, handler):
    client = as_user(handler)
    assert (
        client.post(statement_url(case, 999), {"statement_text": "x"}, format="json").status_code
        == 404
    )
    created = client.post(requests_url(case), BODY, format="json").json()
    assert client.get(statement_url(case, created["id"])).status_code == 404


def test_a_case_the_user_may_not_see_is_404(case, org):
    other_unit = ServiceUnitFactory(organisation=org)
    outsider = staff_user("muu", Role.HANDLER, organisation=org, units=[other_unit])
    client = as_user(outsider)
    assert client.get(requests_url(case)).status_code == 404
    assert client.post(requests_url(case), BODY, format="json").status_code == 404
    request = AuthorityRequest.objects.create(
        complaint=case,
        diary_number="X",
        received_on=date(2026, 11, 1),
        due_date=date(2026, 12, 1),
        created_at=NOW,
    )
    assert (
        client.post(
            statement_url(case, request.pk), {"statement_text": "x"}, format="json"
        ).status_code
        == 404
    )
    assert client.get("/api/v1/complaints/NOPE-2026-1/authority-requests/").status_code == 404


def test_the_ombudsman_following_the_case_sees_no_requests(case, org):
    ombudsman = staff_user("asiavastaava", Role.OMBUDSMAN, organisation=org)
    case.assisted_by, case.ombudsman_consent = ombudsman, True
    case.save()
    assert as_user(ombudsman).get(requests_url(case)).status_code == 404


def test_registry_staff_who_registered_it_see_but_may_not_answer(case, org):
    registry = staff_user("kirjaamo", Role.REGISTRY, organisation=org)
    case.created_by = registry
    case.save()
    client = as_user(registry)
    assert client.get(requests_url(case)).status_code == 200
    assert client.post(requests_url(case), BODY, format="json").status_code == 403


def test_anonymous_is_refused(case):
    assert APIClient().get(requests_url(case)).status_code in (401, 403)


def test_a_transferred_kantelu_records_the_diary_number(case, handler):
    complaint_kantelu_transferred_back(
        complaint_id=case.pk, diary_number=" LVV/1/2026 ", actor=Actor.staff(handler), now=NOW
    )
    case.refresh_from_db()
    assert case.authority_diary_number == "LVV/1/2026"
    assert case.escalated
    event = CaseEvent.objects.get(complaint=case, kind=EventKind.NOTE)
    assert event.data == {"kantelu_transferred_back": True, "authority_diary_number": "LVV/1/2026"}
    with pytest.raises(InvalidInput):
        complaint_kantelu_transferred_back(
            complaint_id=case.pk, diary_number=" ", actor=Actor.staff(handler), now=NOW
        )


# --- a kantelu transferred back, registered by the registry --------------------------------


def _registration(org: Any, unit: Any, **extra: Any) -> dict[str, Any]:
    return {
        "organisation": org.pk,
        "channel": "post",
        "received_on": "16.11.2026",
        "first_received_on": "2.11.2026",
        "filer_role": "client",
        "client_name": "Maija Meikäläinen",
        "client_address": "Valtakatu 1, 94100 Kemi",
        "service_unit": unit.pk,
        "description": "Kantelu, jonka valvontaviranomainen siirsi muistutuksena käsiteltäväksi.",
        "language": "fi",
        "reply_delivery": "post",
    } | extra


def test_registration_stores_the_authoritys_diary_number(client, org, unit):
    from django.urls import reverse

    from complaints.models import Complaint

    registry = staff_user("kirjaamo", Role.REGISTRY, organisation=org)
    client.force_login(registry)
    page = client.get(reverse("staff:register"))
    assert 'name="authority_diary_number"' in page.content.decode()
    response = client.post(
        reverse("staff:register"),
        _registration(org, unit, authority_diary_number="LVV/4321/2026"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.authority_diary_number == "LVV/4321/2026"
    assert complaint.escalated
    assert "LVV/4321/2026" in response.content.decode()
    event = CaseEvent.objects.get(complaint=complaint, kind=EventKind.NOTE)
    assert event.actor == registry
    assert event.data["authority_diary_number"] == "LVV/4321/2026"


def test_registration_without_a_diary_number_is_an_ordinary_muistutus(client, org, unit):
    from django.urls import reverse

    from complaints.models import Complaint

    client.force_login(staff_user("kirjaamo", Role.REGISTRY, organisation=org))
    client.post(reverse("staff:register"), _registration(org, unit))
    complaint = Complaint.objects.get()
    assert complaint.authority_diary_number == ""
    assert not complaint.escalated
    assert not complaint.events.filter(kind=EventKind.NOTE).exists()


def test_the_ombudsman_form_has_no_diary_number(client, org):
    from django.urls import reverse

    client.force_login(staff_user("asiavastaava", Role.OMBUDSMAN, organisation=org))
    assert (
        'name="authority_diary_number"'
        not in client.get(reverse("staff:register")).content.decode()
    )


def test_the_admin_lists_requests_only_on_cases_the_user_may_see(client, case, org):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from complaints.models import StaffMembership

    AuthorityRequest.objects.create(
        complaint=case,
        diary_number="LVV/55/2026",
        received_on=date(2026, 11, 1),
        due_date=date(2026, 12, 1),
        created_at=NOW,
    )
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(root)
    changelist = reverse("admin:complaints_authorityrequest_changelist")
    assert "LVV/55/2026" not in client.get(changelist).content.decode()  # no reach: not there
    root.groups.add(Group.objects.get_or_create(name=Role.HANDLER)[0])
    StaffMembership.objects.create(user=root, organisation=org, all_units=True)
    page = client.get(changelist)
    assert page.status_code == 200
    assert "LVV/55/2026" in page.content.decode()
    assert client.get(reverse("admin:complaints_authorityrequest_add")).status_code == 403
