"""Registry staff register post and in-person filings; the ombudsman files with consent."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.choices import Role
from complaints.models import Complaint
from tests.factories import registration_form, staff_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def registry(org):
    return staff_user("registry", Role.REGISTRY, organisation=org)


def test_registry_registers_a_post_filing_from_its_day_of_arrival(client, org, unit, registry):
    client.force_login(registry)
    data = registration_form(org, unit) | {"attachments": [SimpleUploadedFile("skannaus.pdf", PDF)]}
    response = client.post(reverse("staff:register"), data)
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    assert complaint.reference in response.content.decode()
    assert "/track/" in response.content.decode()  # the link, shown once
    assert complaint.channel == "post"
    assert complaint.received_on == date(2026, 11, 2)
    assert complaint.due_date == date(2026, 12, 2)
    assert complaint.created_by == registry
    assert complaint.attachments.get().content_type == "application/pdf"


def test_an_oral_filing_needs_the_reason(client, org, unit, registry):
    client.force_login(registry)
    response = client.post(
        reverse("staff:register"), registration_form(org, unit, channel="in_person")
    )
    assert response.status_code == 200
    assert 'href="#id_oral_reason"' in response.content.decode()
    assert not Complaint.objects.exists()
    client.post(
        reverse("staff:register"),
        registration_form(
            org, unit, channel="in_person", oral_reason="Asiakas ei pysty kirjoittamaan."
        ),
    )
    assert Complaint.objects.get().oral_reason == "Asiakas ei pysty kirjoittamaan."


def test_the_ombudsman_files_with_consent_and_sees_status_only(client, org, unit):
    ombudsman = staff_user("ombudsman", Role.OMBUDSMAN, organisation=org)
    client.force_login(ombudsman)
    base = registration_form(org, unit)
    for key in ("channel", "received_on"):
        base.pop(key)
    refused = client.post(reverse("staff:register"), base)
    assert refused.status_code == 200
    assert not Complaint.objects.exists()  # consent is required
    client.post(reverse("staff:register"), base | {"ombudsman_consent": "on"})
    complaint = Complaint.objects.get()
    assert complaint.assisted_by == ombudsman
    assert complaint.ombudsman_consent
    assert complaint.channel == "web"
    listing = client.get(reverse("staff:assisted")).content.decode()
    assert complaint.reference in listing
    assert "Kirjeitse saapunut" not in listing


def test_others_get_404_and_anonymous_users_the_login_page(client, org):
    assert client.get(reverse("staff:register")).status_code == 302
    client.force_login(staff_user("admin", Role.ADMIN, organisation=org))
    assert client.get(reverse("staff:register")).status_code == 404
    assert client.get(reverse("staff:assisted")).status_code == 404


def test_staff_who_see_the_case_download_its_files_others_get_404(client, api, org, unit, registry):
    client.force_login(registry)
    data = registration_form(org, unit) | {"attachments": [SimpleUploadedFile("skannaus.pdf", PDF)]}
    client.post(reverse("staff:register"), data)
    complaint = Complaint.objects.get()
    attachment = complaint.attachments.get()
    handler = staff_user("h", Role.HANDLER, organisation=org, all_units=True)
    api.force_authenticate(handler)
    detail = api.get(f"/api/v1/complaints/{complaint.reference}/").json()
    url = detail["attachments"][0]["url"]
    # Times in one response are written alike (Helsinki offset, as received_at).
    assert detail["attachments"][0]["uploaded_at"][-6:] == detail["received_at"][-6:]
    response = api.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    outsider = staff_user("x", Role.HANDLER)  # no membership: cannot see the case
    api.force_authenticate(outsider)
    assert api.get(url).status_code == 404
    assert url.endswith(f"/attachments/{attachment.pk}/")
