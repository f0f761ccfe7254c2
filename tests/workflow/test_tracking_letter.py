"""The tracking link letter: the filer's private link on paper, printed from the "registered"
page, rendered for the request and stored nowhere; 404 as for the case itself."""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from complaints.actors import Actor
from complaints.choices import Role
from complaints.models import AccessLogEntry, Complaint, Document
from complaints.services import tracking_code_new
from tests.factories import ComplaintFactory, registration_form, staff_user
from tests.workflow.test_permission_matrix import ROLES, SCOPES, World, world
from tests.workflow.test_permission_matrix_pages import CONTENT
from workflow.tracking_letter import tracking_letter_print

__all__ = ["world"]  # the fixture, shared with the permission matrix

LETTER = "staff:tracking_letter_print"
NOW = datetime(2026, 11, 5, 23, 30, tzinfo=ZoneInfo("Europe/Helsinki"))


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def registry(org: Any) -> Any:
    return staff_user("registry", Role.REGISTRY, organisation=org)


def _registered(client: Client, org: Any, unit: Any, **extra: Any) -> tuple[Complaint, str, str]:
    """Register a post filing; the case, the registered page and the code shown on it."""
    response = client.post(reverse("staff:register"), registration_form(org, unit, **extra))
    assert response.status_code == 200
    page = response.content.decode()
    match = re.search(r"/track/([A-Za-z0-9_-]+)/", page)
    assert match is not None
    return Complaint.objects.get(), page, match.group(1)


def _text(content: bytes) -> tuple[str, int]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(page.extract_text() for page in reader.pages), len(reader.pages)


def _compact(text: str) -> str:
    """The text without whitespace: a long link is wrapped over lines."""
    return re.sub(r"\s+", "", text)


def test_the_registered_page_offers_the_letter_with_the_code(client, org, unit, registry):
    client.force_login(registry)
    _, page, code = _registered(client, org, unit)
    assert f'action="{reverse(LETTER)}"' in page
    assert f'<input type="hidden" name="code" value="{code}">' in page
    assert 'method="post"' in page


def test_the_letter_carries_the_reference_and_the_whole_link(client, org, unit, registry):
    client.force_login(registry)
    complaint, _, code = _registered(client, org, unit)

    response = client.post(reverse(LETTER), {"code": code})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert complaint.reference in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    text, pages = _text(response.content)
    assert pages == 1
    assert complaint.reference in text
    assert f"http://testserver/track/{code}/" in _compact(text)
    assert "Maija Meikäläinen" in text
    assert "2.11.2026" in text  # received
    assert "2.12.2026" in text  # reply due by


def test_the_letter_is_stored_nowhere_and_its_reading_is_logged(client, org, unit, registry):
    client.force_login(registry)
    complaint, _, code = _registered(client, org, unit)
    documents = set(Document.objects.values_list("pk", flat=True))

    assert client.post(reverse(LETTER), {"code": code}).status_code == 200

    assert set(Document.objects.values_list("pk", flat=True)) == documents
    entry = AccessLogEntry.objects.get(complaint=complaint, what="staff:tracking-letter")
    assert entry.user == registry
    assert entry.action == "read"


def test_an_on_behalf_letter_goes_to_the_filer_in_the_case_language(client, org, unit, registry):
    client.force_login(registry)
    complaint, _, code = _registered(
        client,
        org,
        unit,
        language="en",
        filer_role="relative",
        on_behalf_basis="client_unable",
        filer_name="Matti Omainen",
        filer_address="Sivukatu 2, 94100 Kemi",
    )
    assert complaint.filer_role == "relative"

    text, pages = _text(client.post(reverse(LETTER), {"code": code}).content)

    assert pages == 1
    assert "Matti Omainen" in text
    assert "Sivukatu 2" in text
    assert "Valtakatu 1" not in text  # the client's address: not the recipient's
    assert "Your private tracking link" in text
    assert "password" in text
    assert complaint.reference in _compact(text)


@pytest.mark.parametrize("code", ["", "not-a-known-code", "a/b", "x" * 200])
def test_an_unknown_code_is_404(client, org, registry, code):
    client.force_login(registry)
    assert client.post(reverse(LETTER), {"code": code}).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_get_is_not_allowed_and_anonymous_users_get_the_login_page(client, org, unit, registry):
    client.force_login(registry)
    _, _, code = _registered(client, org, unit)
    assert client.get(reverse(LETTER), {"code": code}).status_code == 405
    client.logout()
    response = client.post(reverse(LETTER), {"code": code})
    assert response.status_code == 302
    assert reverse("staff:login") in response["Location"]


def test_the_ombudsman_is_offered_no_letter(client, org, unit):
    client.force_login(staff_user("ombudsman", Role.OMBUDSMAN, organisation=org))
    data = registration_form(org, unit, ombudsman_consent="on")
    for key in ("channel", "received_on"):
        data.pop(key)
    page = client.post(reverse("staff:register"), data).content.decode()
    assert Complaint.objects.exists()
    assert reverse(LETTER) not in page


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", SCOPES)
def test_the_letter_answers_only_in_content_reach(world: World, role: str, scope: str) -> None:
    complaint = world.cases[role][scope]
    code, digest = tracking_code_new()
    Complaint.objects.filter(pk=complaint.pk).update(tracking_code_hash=digest)
    client = Client()
    client.force_login(world.users[role])

    response = client.post(reverse(LETTER), {"code": code})

    reached = scope in CONTENT[role]
    assert response.status_code == (200 if reached else 404), (role, scope)
    logged = AccessLogEntry.objects.filter(complaint=complaint, what="staff:tracking-letter")
    assert logged.exists() == reached


def test_a_long_link_wraps_and_the_code_stays_on_one_line(org, unit, registry):
    code, digest = tracking_code_new()
    complaint = ComplaintFactory(organisation=org, service_unit=unit, created_by=registry)
    Complaint.objects.filter(pk=complaint.pk).update(tracking_code_hash=digest)
    host = "https://muistutus.hyvinvointialueen-sosiaalipalvelut.example.fi"

    letter = tracking_letter_print(
        code=code, actor=Actor.staff(registry), now=NOW, absolute=lambda path: host + path
    )

    text, pages = _text(letter.content)
    assert pages == 1
    assert f"{host}/track/{code}/" in _compact(text)
    assert code in text  # never broken over lines: a "-" at a line's end reads as hyphenation
    assert "5.11.2026" in text  # the letter is dated by the clock it was given
