""" "Still dissatisfied" through the tracking link: the API of docs/api.md and the page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from complaints.choices import AccessAction, EventKind, Status
from complaints.models import AccessLogEntry, CaseEvent, Complaint, Document
from tests.factories import ComplaintFactory, received_on

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def case_in(org: Any, unit: Any) -> Any:
    """``case_in(state, **fields)`` → (complaint, tracking code)."""

    def make(state: str, **fields: Any) -> tuple[Complaint, str]:
        return ComplaintFactory.tracked(
            state,
            organisation=org,
            service_unit=unit,
            received_at=received_on(date(2026, 10, 1)),
            **fields,
        )

    return make


def url(code: str) -> str:
    return f"/api/v1/track/{code}/dissatisfied/"


@pytest.mark.parametrize("state", [Status.REPLIED, Status.CLOSED])
def test_after_the_reply_it_records_and_returns_the_escalation_note(api, case_in, state):
    complaint, code = case_in(state, replied_at=datetime(2026, 10, 20, 12, tzinfo=HELSINKI))
    response = api.post(url(code))
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "escalation_note"
    assert body["url"].endswith(f"/track/{code}/documents/escalation_note/")

    complaint.refresh_from_db()
    assert complaint.escalated is True
    assert complaint.dissatisfied_at is not None
    assert complaint.events.filter(kind=EventKind.DISSATISFIED, public=True).count() == 1
    assert AccessLogEntry.objects.filter(
        complaint=complaint, action=AccessAction.READ, what="api:dissatisfied"
    ).exists()
    assert AccessLogEntry.objects.filter(
        complaint=complaint, action=AccessAction.WRITE, what="event:dissatisfied"
    ).exists()

    download = api.get(body["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")

    tracked = api.get(f"/api/v1/track/{code}/").json()
    assert "escalation_note" in [document["kind"] for document in tracked["documents"]]
    assert "dissatisfied" in [entry["event"] for entry in tracked["timeline"]]


def test_a_double_click_makes_one_note_and_one_event(api, case_in):
    complaint, code = case_in(Status.REPLIED, replied_at=datetime(2026, 10, 20, tzinfo=HELSINKI))
    first = api.post(url(code))
    second = api.post(url(code))
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert Document.objects.filter(complaint=complaint, kind="escalation_note").count() == 1
    assert CaseEvent.objects.filter(complaint=complaint, kind=EventKind.DISSATISFIED).count() == 1
    first_moment = Complaint.objects.get(pk=complaint.pk).dissatisfied_at
    api.post(url(code))
    assert Complaint.objects.get(pk=complaint.pk).dissatisfied_at == first_moment


def test_a_late_reply_allows_it_before_the_reply(api, case_in):
    complaint, code = case_in(Status.IN_HANDLING, overdue=True)
    response = api.post(url(code))
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.escalated
    assert complaint.status == Status.IN_HANDLING  # the muistutus goes on being handled


@pytest.mark.parametrize(
    "state", [Status.RECEIVED, Status.IN_HANDLING, Status.WITHDRAWN, Status.TRANSFERRED]
)
def test_not_yet_replied_and_not_late_is_a_conflict(api, case_in, state):
    complaint, code = case_in(state)
    response = api.post(url(code))
    assert response.status_code == 409
    assert set(response.json()) == {"detail", "state"}
    assert response.json()["state"] == state
    complaint.refresh_from_db()
    assert not complaint.escalated
    assert complaint.dissatisfied_at is None
    assert not complaint.documents.exists()


def test_an_unknown_code_is_not_found(api, db):
    assert api.post(url("no-such-code")).status_code == 404


def test_a_note_made_while_late_is_made_again_after_the_reply(api, case_in):
    from complaints.models import Reply
    from tests.factories import staff_user

    complaint, code = case_in(Status.IN_HANDLING, overdue=True)
    api.post(url(code))
    drafter = staff_user("kasittelija", "handler")
    Complaint.objects.filter(pk=complaint.pk).update(
        status=Status.REPLIED, overdue=False, replied_at=datetime(2026, 12, 1, tzinfo=HELSINKI)
    )
    Reply.objects.create(
        complaint=complaint,
        version=1,
        text="Myöhässä, mutta tässä vastaus.",
        submitted_by=drafter,
        submitted_at=datetime(2026, 11, 30, tzinfo=HELSINKI),
        decision="approved",
    )
    import time_machine

    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=HELSINKI), tick=False):
        api.post(url(code))
        api.post(url(code))
    notes = Document.objects.filter(complaint=complaint, kind="escalation_note")
    assert sorted(notes.values_list("version", flat=True)) == [1, 2]
    assert CaseEvent.objects.filter(complaint=complaint, kind=EventKind.DISSATISFIED).count() == 2


def test_it_is_rate_limited_like_the_other_tracking_endpoints(api, case_in):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle

    _complaint, code = case_in(Status.RECEIVED)
    ScopedRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "track": "2/m"}
    try:
        codes = [api.post(url(code)).status_code for _ in range(3)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    assert codes == [409, 409, 429]


def test_the_schema_documents_the_endpoint(api, db):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/track/{code}/dissatisfied/"]["post"]
    assert {"200", "404", "409"} <= set(operation["responses"])


# --- the tracking page -------------------------------------------------------------------


def test_the_page_offers_it_after_the_reply_and_the_note_follows(client, case_in):
    complaint, code = case_in(Status.REPLIED, replied_at=datetime(2026, 10, 20, tzinfo=HELSINKI))
    page = client.get(reverse("public:track", args=[code]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    action = reverse("public:dissatisfied", args=[code])
    assert f'action="{action}"' in html
    assert "csrfmiddlewaretoken" in html

    posted = client.post(action, HTTP_ACCEPT_LANGUAGE="en")
    assert posted.status_code == 302
    assert posted["Location"] == action
    done = client.get(action, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    assert done["X-Robots-Tag"] == "noindex, nofollow"
    assert reverse("public:document", args=[code, "escalation_note"]) in done.content.decode()

    again = client.get(reverse("public:track", args=[code]), HTTP_ACCEPT_LANGUAGE="en")
    assert reverse("public:document", args=[code, "escalation_note"]) in again.content.decode()
    assert complaint.events.filter(kind=EventKind.DISSATISFIED).count() == 1


def test_the_page_does_not_offer_it_while_handling_is_on_time(client, case_in):
    _complaint, code = case_in(Status.IN_HANDLING)
    html = client.get(reverse("public:track", args=[code])).content.decode()
    assert reverse("public:dissatisfied", args=[code]) not in html


def test_the_page_offers_it_when_the_reply_is_late(client, case_in):
    _complaint, code = case_in(Status.IN_HANDLING, overdue=True)
    html = client.get(reverse("public:track", args=[code])).content.decode()
    assert reverse("public:dissatisfied", args=[code]) in html


def test_posting_too_early_tells_why_and_changes_nothing(client, case_in):
    complaint, code = case_in(Status.IN_HANDLING)
    response = client.post(
        reverse("public:dissatisfied", args=[code]), HTTP_ACCEPT_LANGUAGE="en", follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("public:track", args=[code])
    assert "after the reply" in response.content.decode()
    complaint.refresh_from_db()
    assert not complaint.escalated


def test_the_confirmation_page_without_a_note_goes_back_to_the_case(client, case_in):
    _complaint, code = case_in(Status.REPLIED)
    response = client.get(reverse("public:dissatisfied", args=[code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("public:track", args=[code])


def test_the_page_post_needs_the_csrf_token(case_in):
    from django.test import Client

    _complaint, code = case_in(Status.REPLIED)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("public:dissatisfied", args=[code])).status_code == 403


def test_letters_to_the_authority_and_internal_notes_stay_off_the_tracking_link(
    api, client, case_in
):
    from django.core.files.base import ContentFile

    complaint, code = case_in(Status.REPLIED, replied_at=datetime(2026, 10, 20, tzinfo=HELSINKI))
    for kind in ("internal_escalation", "report_back", "authority_statement"):
        document = Document(
            complaint=complaint,
            kind=kind,
            language="fi",
            sha256="0" * 64,
            size=4,
            created_at=complaint.replied_at,
        )
        document.file.save(f"{complaint.reference}/{kind}.pdf", ContentFile(b"%PDF"), save=True)
        assert client.get(reverse("public:document", args=[code, kind])).status_code == 404
    api.post(url(code))
    api.post(url(code))
    kinds = [document["kind"] for document in api.get(f"/api/v1/track/{code}/").json()["documents"]]
    assert kinds == ["receipt", "escalation_note"]
    html = client.get(reverse("public:track", args=[code])).content.decode()
    assert html.count("/documents/escalation_note/") == 1
    assert "/documents/report_back/" not in html
