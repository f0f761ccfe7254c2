"""The public API of docs/api.md: filing, tracking, withdrawing, organisations, schema, tokens."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from complaints.actors import Actor
from complaints.choices import AccessAction, EventKind, Role, Status
from complaints.clock import HELSINKI
from complaints.models import AccessLogEntry, CaseEvent, Complaint
from complaints.services import event_record
from tests.factories import OrganisationFactory, ServiceUnitFactory, staff_user

SUBMIT = "/api/v1/complaints/"
FILED_KEYS = {
    "reference",
    "tracking_code",
    "tracking_url",
    "status",
    "received_at",
    "received_on",
    "due_date",
}
TRACK_KEYS = {
    "reference",
    "status",
    "received_at",
    "due_date",
    "extended",
    "overdue",
    "replied_at",
    "timeline",
    "documents",
}


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    # The test settings keep production's HTTPS redirect (DEBUG is off).
    settings.SECURE_SSL_REDIRECT = False


def valid_body(unit: Any, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "description": "Sosiaalityöntekijä ei vastannut yhteydenottoihini kolmeen viikkoon.",
        "filer_role": "client",
        "client": {"name": "Maija Meikäläinen", "email": "maija@example.fi"},
        "service_unit": unit.pk,
        "language": "fi",
        "reply_delivery": "online",
    }
    for key, value in overrides.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def submit(api: APIClient, body: dict[str, Any], **headers: str) -> Any:
    return api.post(SUBMIT, body, format="json", headers=headers or None)


def filed(api: APIClient, unit: Any, **overrides: Any) -> dict[str, Any]:
    response = submit(api, valid_body(unit, **overrides))
    assert response.status_code == 201, response.content
    return response.json()


def track_url(code: str) -> str:
    return f"/api/v1/track/{code}/"


# --- filing ---------------------------------------------------------------------------------


def test_filing_answers_201_with_the_documented_keys_in_helsinki_time(api, unit):
    moment = datetime(2027, 1, 31, 23, 30, tzinfo=HELSINKI)  # 21:30 UTC
    with time_machine.travel(moment, tick=False):
        response = submit(api, valid_body(unit))
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= FILED_KEYS
    assert body["status"] == Status.RECEIVED
    assert re.fullmatch(r"KEMI-2027-\d{6}", body["reference"])
    assert datetime.fromisoformat(body["received_at"]) == moment
    assert body["received_on"] == "2027-01-31"
    # 31.1. + 1 month = 28.2.2027, a Sunday → Monday 1.3.2027.
    assert body["due_date"] == "2027-03-01"
    assert body["tracking_code"] in body["tracking_url"]

    complaint = Complaint.objects.get(reference=body["reference"])
    assert complaint.received_on == date(2027, 1, 31)
    assert complaint.due_date == date(2027, 3, 1)
    assert complaint.created_by is None
    # Only the code's hash is stored.
    assert not Complaint.objects.filter(tracking_code_hash=body["tracking_code"]).exists()


def test_the_tracking_url_opens_the_tracking_page(api, unit):
    body = filed(api, unit)
    page = api.get(body["tracking_url"])
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert body["reference"] in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    complaint = Complaint.objects.get(reference=body["reference"])
    assert complaint.access_log.filter(action=AccessAction.READ, what="page:track").count() == 1


def test_the_tracking_page_of_an_unknown_code_is_404(api, unit):
    filed(api, unit)
    assert api.get("/track/not-a-real-code/").status_code == 404


def _missing(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda body: body.pop(key)


def _set(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda body: body.update(copy.deepcopy(values))


RELATIVE = {"name": "Matti Meikäläinen", "address": "Valtakatu 1, 94100 Kemi"}

INVALID = {
    "description missing": (_missing("description"), "description"),
    "description blank": (_set(description=""), "description"),
    "filer missing for a relative": (
        _set(filer_role="relative", on_behalf_basis="client_unable"),
        "filer",
    ),
    "basis missing for a relative": (
        _set(filer_role="relative", filer=RELATIVE),
        "on_behalf_basis",
    ),
    "basis missing for a legal representative": (
        _set(filer_role="legal_representative", filer=RELATIVE, on_behalf_basis=""),
        "on_behalf_basis",
    ),
    "unknown filer role": (_set(filer_role="neighbour"), "filer_role"),
    "unknown organisation": (_set(organisation="nowhere"), "organisation"),
    "unknown language": (_set(language="de"), "language"),
    "reply by post without an address": (_set(reply_delivery="post"), "reply_delivery"),
    "reply by post to the filer without the filer's address": (
        _set(
            filer_role="relative",
            on_behalf_basis="client_deceased",
            filer={"name": "Matti Meikäläinen"},
            client={"name": "Maija Meikäläinen", "address": "Valtakatu 1, 94100 Kemi"},
            consent_reply_to_filer=True,
            reply_delivery="post",
        ),
        "reply_delivery",
    ),
    "event in the future": (_set(event_date="2099-01-01"), "event_date"),
    "anonymous sets channel": (_set(channel="post"), "channel"),
    "anonymous sets received_on": (_set(received_on="2026-11-01"), "received_on"),
    "anonymous sets oral_reason": (_set(oral_reason="Asiakas ei voi kirjoittaa."), "oral_reason"),
}


@pytest.mark.parametrize("name", list(INVALID))
def test_invalid_submissions_are_400_with_the_field(api, unit, name):
    change, field = INVALID[name]
    body = valid_body(unit)
    change(body)
    response = submit(api, body)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"filer": None},
        {
            "filer_role": "relative",
            "on_behalf_basis": "client_deceased",
            "filer": RELATIVE,
        },
        {
            "filer_role": "legal_representative",
            "on_behalf_basis": "guardian",
            "filer": RELATIVE,
        },
        {"reply_delivery": "post", "client": {"name": "Maija", "address": "Valtakatu 1, Kemi"}},
        {"service_unit": None, "service_description": "Kotihoito"},
        {"organisation": "kemi"},
    ],
    ids=["client-no-filer", "relative", "guardian", "post-with-address", "free-text", "slug"],
)
def test_valid_variants_are_accepted(api, unit, overrides):
    body = filed(api, unit, **overrides)
    complaint = Complaint.objects.get(reference=body["reference"])
    if "filer_role" in overrides:
        assert complaint.on_behalf_basis == overrides["on_behalf_basis"]
        assert complaint.filer_name == RELATIVE["name"]


def test_several_organisations_need_a_slug(api, unit):
    OrganisationFactory(slug="kainuu", reference_prefix="KAI")
    response = submit(api, valid_body(unit))
    assert response.status_code == 400
    assert "organisation" in response.json()
    assert not Complaint.objects.exists()
    body = filed(api, unit, organisation="kemi")
    assert body["reference"].startswith("KEMI-")


def test_a_service_unit_of_another_organisation_is_400(api, unit, org):
    foreign = ServiceUnitFactory(organisation=OrganisationFactory(slug="kainuu"))
    response = submit(api, valid_body(foreign, organisation="kemi"))
    assert response.status_code == 400
    assert "service_unit" in response.json()


def test_an_inactive_service_unit_is_400(api, unit):
    unit.active = False
    unit.save()
    response = submit(api, valid_body(unit))
    assert response.status_code == 400
    assert "service_unit" in response.json()


def test_neither_unit_nor_description_of_the_service_is_400(api, unit):
    response = submit(api, valid_body(unit, service_unit=None))
    assert response.status_code == 400
    assert {"service_unit", "service_description"} & set(response.json())
    assert not Complaint.objects.exists()


def test_a_language_the_organisation_does_not_offer_is_400(api, unit, org):
    org.languages = "fi,sv"
    org.save()
    response = submit(api, valid_body(unit, language="en"))
    assert response.status_code == 400
    assert "language" in response.json()
    assert filed(api, unit, language="sv")["status"] == Status.RECEIVED


# --- staff registration -------------------------------------------------------------------


@pytest.fixture
def registry(org: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(staff_user("registry", Role.REGISTRY, organisation=org))
    return client


STAFF_NOW = datetime(2026, 12, 1, 10, 0, tzinfo=HELSINKI)


def test_registry_registers_a_posted_muistutus_from_its_arrival_day(registry, unit):
    with time_machine.travel(STAFF_NOW, tick=False):
        response = submit(registry, valid_body(unit, channel="post", received_on="2026-11-24"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["received_on"] == "2026-11-24"
    # 24.11. + 1 month = Christmas Eve → 25., 26. holidays, 27. Sunday → Mon 28.12.2026.
    assert body["due_date"] == "2026-12-28"
    complaint = Complaint.objects.get(reference=body["reference"])
    assert complaint.channel == "post"
    assert complaint.created_by.username == "registry"
    # The registry sees the case it registered.
    assert registry.get(f"{SUBMIT}{body['reference']}/").status_code == 200


@pytest.mark.parametrize("channel", ["in_person", "phone"])
def test_an_oral_muistutus_needs_the_reason(registry, unit, channel):
    with time_machine.travel(STAFF_NOW, tick=False):
        refused = submit(registry, valid_body(unit, channel=channel))
        accepted = submit(
            registry,
            valid_body(unit, channel=channel, oral_reason="Asiakas ei pysty kirjoittamaan."),
        )
    assert refused.status_code == 400
    assert "oral_reason" in refused.json()
    assert accepted.status_code == 201, accepted.content
    complaint = Complaint.objects.get()
    assert complaint.channel == channel
    assert complaint.oral_reason == "Asiakas ei pysty kirjoittamaan."


def test_a_future_arrival_day_is_400(registry, unit):
    with time_machine.travel(STAFF_NOW, tick=False):
        response = submit(registry, valid_body(unit, channel="post", received_on="2026-12-02"))
    assert response.status_code == 400
    assert "received_on" in response.json()
    assert not Complaint.objects.exists()


def test_registry_staff_may_not_register_for_an_organisation_they_do_not_belong_to(registry, unit):
    """Staff reach is their memberships: a Kemi clerk cannot back-date a case in Kainuu."""
    kainuu = OrganisationFactory(slug="kainuu", reference_prefix="KAI")
    kainuu_unit = ServiceUnitFactory(organisation=kainuu)
    with time_machine.travel(STAFF_NOW, tick=False):
        response = submit(
            registry,
            valid_body(
                kainuu_unit, organisation="kainuu", channel="post", received_on="2026-10-01"
            ),
        )
    assert response.status_code in (400, 403), response.content
    assert not Complaint.objects.filter(organisation=kainuu).exists()


# --- idempotency ----------------------------------------------------------------------------


def test_a_retried_post_returns_the_first_case(api, unit):
    first = submit(api, valid_body(unit), **{"Idempotency-Key": "form-123"})
    retry = submit(api, valid_body(unit), **{"Idempotency-Key": "form-123"})
    assert first.status_code == 201
    assert retry.status_code == 200
    assert retry.json()["reference"] == first.json()["reference"]
    assert retry.json()["tracking_code"] == first.json()["tracking_code"]
    assert Complaint.objects.count() == 1
    # The returned code still opens the case.
    assert api.get(track_url(retry.json()["tracking_code"])).status_code == 200


def test_the_same_key_with_another_body_is_409(api, unit):
    assert submit(api, valid_body(unit), **{"Idempotency-Key": "form-123"}).status_code == 201
    other = valid_body(unit, description="Aivan toinen asia.")
    response = submit(api, other, **{"Idempotency-Key": "form-123"})
    assert response.status_code == 409
    assert Complaint.objects.count() == 1


def test_without_a_key_two_posts_are_two_cases(api, unit):
    first, second = filed(api, unit), filed(api, unit)
    assert first["reference"] != second["reference"]
    assert first["tracking_code"] != second["tracking_code"]


# --- tracking -------------------------------------------------------------------------------


def test_tracking_shows_the_documented_keys_and_only_public_events(api, unit):
    body = filed(api, unit)
    complaint = Complaint.objects.get(reference=body["reference"])
    event_record(
        complaint=complaint,
        kind=EventKind.REPLY_SUBMITTED,
        actor=Actor.system(),
        at=complaint.received_at,
        data={"note": "sisäinen muistiinpano"},
    )
    assert CaseEvent.objects.filter(complaint=complaint, public=False).exists()

    response = api.get(track_url(body["tracking_code"]))
    assert response.status_code == 200
    tracked = response.json()
    assert set(tracked) >= TRACK_KEYS
    assert tracked["reference"] == body["reference"]
    assert tracked["status"] == Status.RECEIVED
    assert tracked["due_date"] == body["due_date"]
    assert tracked["extended"] is False
    assert tracked["overdue"] is False
    assert tracked["replied_at"] is None
    assert isinstance(tracked["documents"], list)
    events = [entry["event"] for entry in tracked["timeline"]]
    assert events == [EventKind.SUBMITTED]
    assert all({"at", "event"} <= set(entry) for entry in tracked["timeline"])
    assert EventKind.REPLY_SUBMITTED not in response.content.decode()
    assert "sisäinen" not in response.content.decode()
    # Nothing of the complaint's content or the parties is shown.
    assert "description" not in tracked
    assert "Meikäläinen" not in response.content.decode()


def test_tracking_an_unknown_code_is_404(api, unit):
    filed(api, unit)
    assert api.get(track_url("x" * 32)).status_code == 404
    assert api.post(f"{track_url('x' * 32)}withdraw/", {}, format="json").status_code == 404


def test_tracking_records_a_read_in_the_access_log(api, unit):
    body = filed(api, unit)
    complaint = Complaint.objects.get(reference=body["reference"])
    before = AccessLogEntry.objects.filter(complaint=complaint, action=AccessAction.READ).count()
    api.get(track_url(body["tracking_code"]))
    reads = AccessLogEntry.objects.filter(complaint=complaint, action=AccessAction.READ)
    assert reads.count() == before + 1
    entry = reads.latest("id")
    assert entry.user is None
    assert entry.actor_label == "complainant"
    assert "track" in entry.what


def test_the_complainant_withdraws_once(api, unit):
    body = filed(api, unit)
    url = f"{track_url(body['tracking_code'])}withdraw/"
    response = api.post(url, {"reason": "Asia selvisi."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.WITHDRAWN
    complaint = Complaint.objects.get(reference=body["reference"])
    assert complaint.status == Status.WITHDRAWN
    assert complaint.withdrawal_reason == "Asia selvisi."
    event = complaint.events.get(kind=EventKind.WITHDRAWN)
    assert event.actor is None
    assert event.public

    again = api.post(url, {}, format="json")
    assert again.status_code == 409
    assert again.json()["state"] == Status.WITHDRAWN
    assert complaint.events.filter(kind=EventKind.WITHDRAWN).count() == 1


# --- organisations ---------------------------------------------------------------------------


def test_organisations_are_listed_with_their_active_units(api, org, unit):
    closed_unit = ServiceUnitFactory(organisation=org, name_fi="Lakkautettu", active=False)
    other = OrganisationFactory(slug="kainuu", name_fi="Kainuu", languages="fi")
    other_unit = ServiceUnitFactory(organisation=other, name_fi="Kainuun yksikkö")
    response = api.get("/api/v1/organisations/")
    assert response.status_code == 200
    by_slug = {item["slug"]: item for item in response.json()}
    assert set(by_slug) == {"kemi", "kainuu"}
    assert [u["id"] for u in by_slug["kemi"]["units"]] == [unit.pk]
    assert closed_unit.pk not in [u["id"] for u in by_slug["kemi"]["units"]]
    assert [u["id"] for u in by_slug["kainuu"]["units"]] == [other_unit.pk]
    assert by_slug["kainuu"]["languages"] == ["fi"]


# --- schema and tokens ------------------------------------------------------------------------


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_the_schema_describes_every_documented_path(api):
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    paths = {_shape(path) for path in schema["paths"]}
    documented = {
        "/api/v1/complaints/": {"get", "post"},
        "/api/v1/complaints/{reference}/": {"get"},
        "/api/v1/complaints/{reference}/transitions/": {"get"},
        "/api/v1/complaints/{reference}/transitions/{name}/": {"post"},
        "/api/v1/track/{code}/": {"get"},
        "/api/v1/track/{code}/withdraw/": {"post"},
        "/api/v1/organisations/": {"get"},
        "/api/v1/auth/token/": {"post"},
    }
    for path, methods in documented.items():
        assert _shape(path) in paths, path
        actual = next(p for p in schema["paths"] if _shape(p) == _shape(path))
        assert methods <= set(schema["paths"][actual]), (path, set(schema["paths"][actual]))


def test_the_schema_is_served_as_yaml_by_default(api):
    response = api.get("/api/v1/schema/")
    assert response.status_code == 200
    assert "/api/v1/complaints/" in response.content.decode()


def test_token_authentication(api, org, unit):
    user = staff_user("tokenuser", Role.HANDLER, organisation=org, all_units=True)
    user.set_password("salasana-123")
    user.save()
    assert api.get(SUBMIT).status_code in (401, 403)

    wrong = api.post(
        "/api/v1/auth/token/", {"username": "tokenuser", "password": "nope"}, format="json"
    )
    assert wrong.status_code == 400
    assert "token" not in wrong.json()

    response = api.post(
        "/api/v1/auth/token/", {"username": "tokenuser", "password": "salasana-123"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]

    case = filed(APIClient(), unit)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listing = client.get(SUBMIT)
    assert listing.status_code == 200
    assert [item["reference"] for item in listing.json()["results"]] == [case["reference"]]

    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(SUBMIT).status_code in (401, 403)
