"""Attachments through the API (types from content, 413 over the limit) and rate limits."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.choices import Status
from complaints.models import Attachment, Complaint

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _upload(api, code, name, content):
    return api.post(
        f"/api/v1/track/{code}/attachments/",
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def test_a_pdf_and_an_image_are_accepted_and_listed(api, filed):
    assert _upload(api, filed.tracking_code, "kirje.pdf", PDF).status_code == 201
    response = _upload(api, filed.tracking_code, "kuva.png", PNG)
    assert response.status_code == 201
    assert response.json()["url"].startswith("http://testserver/track/")
    types = set(Attachment.objects.values_list("content_type", flat=True))
    assert types == {"application/pdf", "image/png"}
    track = api.get(f"/api/v1/track/{filed.tracking_code}/").json()
    assert [a["name"] for a in track["attachments"]] == ["kirje.pdf", "kuva.png"]
    assert track["documents"][0]["kind"] == "receipt"
    assert "+ 1" in track["due_date_explanation"]


def test_the_type_comes_from_the_bytes_not_the_name(api, filed):
    response = _upload(api, filed.tracking_code, "harmless.pdf", b"MZ\x90\x00 an executable")
    assert response.status_code == 400
    assert Attachment.objects.count() == 0


def test_too_large_is_413(api, filed, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    response = _upload(api, filed.tracking_code, "iso.pdf", PDF + b"0" * 200)
    assert response.status_code == 413
    settings.ATTACHMENT_MAX_BYTES = 10_000
    settings.ATTACHMENT_CASE_MAX_BYTES = 60
    assert _upload(api, filed.tracking_code, "a.pdf", PDF).status_code == 201
    assert _upload(api, filed.tracking_code, "b.png", PNG).status_code == 413


def test_unknown_code_is_404_and_a_closed_case_takes_no_files(api, filed):
    assert _upload(api, "nope", "a.pdf", PDF).status_code == 404
    api.post(f"/api/v1/track/{filed.tracking_code}/withdraw/", {}, format="json")
    assert Complaint.objects.get().status == Status.WITHDRAWN
    assert _upload(api, filed.tracking_code, "a.pdf", PDF).status_code == 409


def test_staff_and_others_cannot_fetch_files_without_the_code(client, api, filed):
    _upload(api, filed.tracking_code, "kirje.pdf", PDF)
    attachment = Attachment.objects.get()
    assert client.get(f"/track/wrong/attachments/{attachment.pk}/").status_code == 404
    ok = client.get(f"/track/{filed.tracking_code}/attachments/{attachment.pk}/")
    assert ok.status_code == 200
    assert ok["Content-Disposition"].startswith("attachment")
    assert ok["Cache-Control"] == "no-store"


def test_tracking_lookups_are_rate_limited_per_address(api, client, settings, filed):
    settings.RATE_LIMIT_TRACK = "3/m"
    from rest_framework.settings import api_settings

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "track": "3/m"}
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        codes = [api.get("/api/v1/track/nope/").status_code for _ in range(4)]
        assert codes == [404, 404, 404, 429]
        other = api.get("/api/v1/track/nope/", REMOTE_ADDR="10.0.0.9")
        assert other.status_code == 404  # another address has its own budget
    finally:
        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_public_submissions_are_rate_limited_on_the_page(client, org, unit, settings):
    # RATE_LIMIT_SUBMIT is 20/h (bound when the view is defined): the 21st POST is refused.
    url = reverse("public:check")
    statuses = [client.post(url, {"token": "x"}).status_code for _ in range(20)]
    assert 429 not in statuses
    refused = client.post(url, {"token": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert "Nothing you typed has been lost" in refused.content.decode()
    elsewhere = client.post(url, {"token": "x"}, REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code != 429
