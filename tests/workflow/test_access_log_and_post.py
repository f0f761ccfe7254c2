"""Administrators see who accessed a case and export a client's log; letters to post."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from complaints.choices import Role
from complaints.models import AccessLogEntry, Document
from tests.factories import ComplaintFactory, OrganisationFactory, staff_user

HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def admin_user(org):
    return staff_user("paakayttaja", Role.ADMIN, organisation=org)


def test_an_administrator_lists_who_accessed_a_case(client, org, unit, handler, admin_user):
    case = ComplaintFactory(organisation=org, service_unit=unit, client_email="maija@example.org")
    client.force_login(handler)
    client.get(reverse("staff:case", args=[case.reference]))
    client.force_login(admin_user)
    page = client.get(reverse("staff:access_log"), {"reference": case.reference})
    assert page.status_code == 200
    assert "staff:case" in page.content.decode()
    assert "handler" in page.content.decode()


def test_a_clients_access_log_exports_as_csv_without_formulas(client, org, unit, admin_user):
    mine = ComplaintFactory(organisation=org, service_unit=unit, client_email="Maija@Example.org")
    other = ComplaintFactory(organisation=org, service_unit=unit, client_email="joku@example.org")
    at = datetime(2026, 11, 3, 9, tzinfo=HELSINKI)
    for case in (mine, other):
        AccessLogEntry.objects.create(
            complaint=case, at=at, actor_label="=HYPERLINK(1)", action="read", what="x"
        )
    client.force_login(admin_user)
    response = client.get(
        reverse("staff:access_log"), {"email": "maija@example.org", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert [row[1] for row in rows[1:]] == [mine.reference]
    assert rows[1][2] == "'=HYPERLINK(1)"


def test_the_access_log_is_for_administrators_of_that_organisation_only(client, org, unit, handler):
    case = ComplaintFactory(organisation=org, service_unit=unit)
    outsider = staff_user("muu-admin", Role.ADMIN, organisation=OrganisationFactory())
    client.force_login(handler)
    assert client.get(reverse("staff:access_log")).status_code == 404
    client.force_login(outsider)
    page = client.get(reverse("staff:access_log"), {"reference": case.reference})
    assert case.reference not in page.content.decode().split("</form>")[-1]


def _letter(case, kind, pages_text):
    from weasyprint import HTML

    content = HTML(string=f"<p>{pages_text}</p>").write_pdf()
    document = Document(
        complaint=case,
        kind=kind,
        language="fi",
        sha256="0" * 64,
        size=len(content),
        created_at=datetime(2026, 11, 20, 10, tzinfo=HELSINKI),
    )
    document.file.save(f"{case.reference}-{kind}.pdf", ContentFile(content), save=True)
    return document


def test_the_days_letters_to_post_come_as_one_pdf(client, org, unit, handler):
    by_post = ComplaintFactory(organisation=org, service_unit=unit, reply_delivery="post")
    online = ComplaintFactory(organisation=org, service_unit=unit, reply_delivery="online")
    _letter(by_post, Document.Kind.REPLY, "Postikirje")
    _letter(online, Document.Kind.REPLY, "Verkkokirje")
    _letter(by_post, Document.Kind.INTERNAL_ESCALATION, "Sisäinen")
    client.force_login(handler)
    page = client.get(reverse("staff:post"), {"date": "2026-11-20"}).content.decode()
    assert by_post.reference in page
    assert online.reference not in page
    batch = client.get(reverse("staff:post"), {"date": "2026-11-20", "format": "pdf"})
    reader = pypdf.PdfReader(io.BytesIO(batch.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Postikirje" in text
    assert "Verkkokirje" not in text
    assert "Sisäinen" not in text
    assert len(reader.pages) == 2  # one letter, padded to a full sheet for duplex
