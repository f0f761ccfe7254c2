"""The public form without a browser: every page, errors that keep the input, one case per
double submit, the confirmation, the tracking page, withdraw, attachments and feedback."""

import re

import pytest
from django.urls import reverse

from complaints.choices import Status
from complaints.models import Complaint, Feedback
from notifications.models import Notification
from tests.factories import ServiceUnitFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def web(client, org, unit):
    return client


def _post(client, slug, data):
    return client.post(reverse("public:step", args=[slug]), data)


def fill_as_client(client, unit, *, description="Minua kohdeltiin huonosti."):
    assert _post(client, "who", {"filer_role": "client"}).status_code == 302
    assert (
        _post(
            client,
            "client",
            {"client-name": "Maija Meikäläinen", "client-email": "maija@example.org"},
        ).status_code
        == 302
    )
    assert _post(client, "service", {"service_unit": str(unit.pk)}).status_code == 302
    assert (
        _post(client, "what", {"description": description, "contests_decision": "no"}).status_code
        == 302
    )
    response = _post(client, "language", {"language": "fi", "reply_delivery": "online"})
    assert response["Location"] == reverse("public:check")


def test_start_page_explains_the_routes(web):
    page = web.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for phrase in ["cannot change a decision", "30 days", "patient ombudsman", "social ombudsman"]:
        assert phrase in page


def test_a_full_filing_creates_one_case_and_shows_the_reference(web, unit):
    fill_as_client(web, unit)
    check = web.get(reverse("public:check"))
    assert "Maija Meikäläinen" in check.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', check.content.decode()).group(1)

    first = web.post(reverse("public:check"), {"token": token, "website": ""})
    again = web.post(reverse("public:check"), {"token": token, "website": ""})
    assert first.status_code == again.status_code == 302
    assert Complaint.objects.count() == 1

    done = web.get(reverse("public:done")).content.decode()
    complaint = Complaint.objects.get()
    assert complaint.reference in done
    assert complaint.status == Status.RECEIVED
    tracking = re.search(r'href="(http://testserver/track/[^"]+)"', done).group(1)
    assert web.get(tracking).status_code == 200


def test_the_receipt_email_has_the_link_and_no_case_content(web, unit):
    fill_as_client(web, unit, description="Salainen kuvaus tapahtumista")
    token = re.search(
        r'name="token" value="([^"]+)"', web.get(reverse("public:check")).content.decode()
    ).group(1)
    web.post(reverse("public:check"), {"token": token, "website": ""})
    web.post(reverse("public:check"), {"token": token, "website": ""})
    complaint = Complaint.objects.get()
    notice = Notification.objects.get()  # once, despite the double submit
    assert notice.recipient == "maija@example.org"
    assert complaint.reference in notice.subject
    assert "http://testserver/track/" in notice.body_text
    assert "Salainen" not in notice.body_text + notice.body_html + notice.subject


def test_an_error_keeps_what_was_typed(web, unit):
    response = _post(web, "what", {"description": "", "persons_involved": "Sosiaalityöntekijä"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert "Sosiaalityöntekijä" in page  # nothing typed is lost
    assert 'href="#id_description"' in page


def test_a_relative_needs_a_basis(web, unit):
    response = _post(web, "who", {"filer_role": "relative"})
    assert response.status_code == 200
    assert 'href="#id_on_behalf_basis_0"' in response.content.decode()
    ok = _post(web, "who", {"filer_role": "relative", "on_behalf_basis": "client_deceased"})
    assert ok["Location"] == reverse("public:step", args=["client"])


def test_the_honeypot_files_nothing(web, unit):
    fill_as_client(web, unit)
    token = re.search(
        r'name="token" value="([^"]+)"', web.get(reverse("public:check")).content.decode()
    ).group(1)
    response = web.post(reverse("public:check"), {"token": token, "website": "http://spam"})
    assert response.status_code == 200
    assert Complaint.objects.count() == 0


def test_tracking_page_withdraw_and_attachment(web, unit):
    fill_as_client(web, unit)
    token = re.search(
        r'name="token" value="([^"]+)"', web.get(reverse("public:check")).content.decode()
    ).group(1)
    web.post(reverse("public:check"), {"token": token, "website": ""})
    done = web.get(reverse("public:done")).content.decode()
    track_url = re.search(r'href="http://testserver(/track/[^"]+)"', done).group(1)

    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = web.post(track_url, {"upload": [SimpleUploadedFile("kirje.pdf", PDF)]})
    assert upload.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.attachments.get().content_type == "application/pdf"
    bad = web.post(track_url, {"upload": [SimpleUploadedFile("x.pdf", b"MZ\x90 not a pdf")]})
    assert bad.status_code == 200
    assert complaint.attachments.count() == 1

    receipt = web.get(track_url + "documents/receipt/")
    assert receipt.status_code == 200
    assert b"".join(receipt.streaming_content).startswith(b"%PDF")

    confirm = web.get(track_url + "withdraw/")
    assert confirm.status_code == 200
    web.post(track_url + "withdraw/", {"reason": ""})
    complaint.refresh_from_db()
    assert complaint.status == Status.WITHDRAWN


def test_unknown_tracking_code_is_404(web):
    assert web.get("/track/not-a-real-code/").status_code == 404


def test_anonymous_feedback_is_not_a_muistutus(web, org):
    ServiceUnitFactory(organisation=org)
    response = web.post(
        reverse("public:feedback"), {"organisation": org.slug, "text": "Hyvä palvelu!"}
    )
    assert response.status_code == 200
    assert Feedback.objects.count() == 1
    assert Complaint.objects.count() == 0


def test_language_switch_keeps_the_answers(web, unit):
    _post(web, "what", {"description": "Tärkeä kuvaus", "contests_decision": "no"})
    web.post(reverse("set_language"), {"language": "sv", "next": "/file/what/"})
    page = web.get(reverse("public:step", args=["what"])).content.decode()
    assert "Tärkeä kuvaus" in page
    assert 'lang="sv"' in page
