"""Statements: requested from the case page or the API, answered through a private link."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints import clock
from complaints.choices import Role, Status
from complaints.models import AccessLogEntry, CaseEvent, StatementRequest
from notifications.models import Notification
from tests.factories import ComplaintFactory, staff_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def case(org, unit):
    return ComplaintFactory(
        organisation=org,
        service_unit=unit,
        status=Status.IN_HANDLING,
        description="Salainen kuvaus tapahtumista.",
    )


def _request(client, case, **extra):
    data = {
        "respondent_name": "Tiina Työntekijä",
        "respondent_email": "tiina@example.org",
        "question": "Mitä tapahtui 3.11.?",
    } | extra
    return client.post(reverse("staff:statement_new", args=[case.reference]), data)


def _link(notification: Notification) -> str:
    return re.search(r"(/staff/statements/[^/\s]+/)", notification.body_text).group(1)


def test_a_statement_is_requested_by_email_without_case_content(client, handler, case):
    client.force_login(handler)
    response = _request(client, case)
    assert response.status_code == 302
    statement = StatementRequest.objects.get()
    assert statement.requested_by == handler
    assert clock.helsinki_date(clock.now()) < statement.due_date <= case.due_date
    email = Notification.objects.get(recipient="tiina@example.org")
    assert case.reference in email.subject
    for secret in ("Salainen", "Mitä tapahtui"):  # neither case content nor the question
        assert secret not in email.body_text
        assert secret not in email.body_html
    assert CaseEvent.objects.filter(complaint=case, kind="statement_requested").exists()


def test_the_respondent_sees_only_the_question_and_answers_once_with_a_file(client, handler, case):
    client.force_login(handler)
    _request(client, case)
    link = _link(Notification.objects.get(recipient="tiina@example.org"))
    client.logout()

    page = client.get(link).content.decode()
    assert "Mitä tapahtui 3.11.?" in page
    assert case.reference in page
    assert "Salainen kuvaus" not in page  # nothing else of the case
    assert "noindex" in page

    empty = client.post(link, {"answer": ""})
    assert empty.status_code == 400
    client.post(
        link,
        {"answer": "Olin paikalla.", "attachments": [SimpleUploadedFile("muistio.pdf", PDF)]},
    )
    statement = StatementRequest.objects.get()
    assert statement.answer == "Olin paikalla."
    assert statement.attachments.get().original_name == "muistio.pdf"
    again = client.post(link, {"answer": "Toinen vastaus."})
    statement.refresh_from_db()
    assert statement.answer == "Olin paikalla."
    assert again.status_code == 200
    assert 'name="answer"' not in again.content.decode()  # no form once answered

    client.force_login(handler)
    case_page = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert "Olin paikalla." in case_page
    assert "muistio.pdf" in case_page
    # The complainant's timeline does not name the employee asked.
    events = CaseEvent.objects.filter(complaint=case, kind__startswith="statement_")
    assert events.count() == 2
    assert not events.filter(public=True).exists()


def test_the_respondent_opening_the_page_is_in_the_cases_access_log(client, handler, case):
    client.force_login(handler)
    _request(client, case)
    link = _link(Notification.objects.get(recipient="tiina@example.org"))
    client.logout()
    before = AccessLogEntry.objects.filter(complaint=case).count()

    assert client.get(link).status_code == 200
    assert client.get("/staff/statements/nonsense/").status_code == 404

    read = AccessLogEntry.objects.filter(complaint=case).order_by("-id")[:1].get()
    assert AccessLogEntry.objects.filter(complaint=case).count() == before + 1
    assert (read.user, read.actor_label, read.action, read.what) == (
        None,
        "tiina@example.org",
        "read",
        "statement:page",
    )


def test_an_unknown_link_is_404_and_a_closed_case_takes_no_statement(client, handler, case):
    assert client.get("/staff/statements/nonsense/").status_code == 404
    client.force_login(handler)
    _request(client, case)
    link = _link(Notification.objects.get())
    type(case).objects.filter(pk=case.pk).update(status=Status.WITHDRAWN)
    client.logout()
    client.post(link, {"answer": "Myöhässä."})
    assert StatementRequest.objects.get().answered_at is None


def test_a_due_date_in_the_past_is_refused_next_to_the_field(client, handler, case):
    client.force_login(handler)
    response = _request(
        client, case, due_date=(clock.helsinki_date(clock.now()) - timedelta(days=1)).isoformat()
    )
    assert response.status_code == 400
    assert 'href="#id_due_date"' in response.content.decode()
    assert not StatementRequest.objects.exists()


def test_statements_through_the_api(api, handler, case, org):
    api.force_authenticate(handler)
    url = f"/api/v1/complaints/{case.reference}/statements/"
    created = api.post(
        url, {"respondent_email": "tiina@example.org", "question": "Mitä?"}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["answered"] is False
    assert api.get(url).json()[0]["question"] == "Mitä?"
    bad = api.post(url, {"respondent_email": "ei-osoite", "question": ""}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()) == {"respondent_email", "question"}

    registry = staff_user("kirjaamo", Role.REGISTRY, organisation=org)
    api.force_authenticate(registry)
    assert api.get(url).status_code == 404
    assert api.post(url, {"respondent_email": "a@b.fi", "question": "?"}).status_code == 404
    assert len(mail.outbox) == 0  # delivery is the worker's job, after commit


def test_answers_are_limited_at_the_filing_rate_and_the_page_is_kept_private(client, handler, case):
    """Posting (with files) is limited like filing (20/h per address), reading like tracking;
    the page is neither indexed nor followed."""
    client.force_login(handler)
    _request(client, case)
    link = _link(Notification.objects.get())
    client.logout()
    page = client.get(link)
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    statuses = [client.post(link, {"answer": ""}).status_code for _ in range(20)]
    assert 429 not in statuses
    assert client.post(link, {"answer": ""}).status_code == 429
    assert client.get(link).status_code == 200  # reading has its own, larger budget
