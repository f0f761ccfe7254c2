"""The staff workspace end to end through its pages: queue → case → reply → approval → letter."""

import io
import re
from datetime import timedelta

import pypdf
import pytest
from django.urls import reverse

from complaints import clock
from complaints.choices import Role, Status
from complaints.models import AccessLogEntry, CaseEvent, Document, ReplyTemplate
from tests.factories import ComplaintFactory, staff_user
from workflow.tasks import document_generate_task

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def case(org, unit):
    return ComplaintFactory(
        organisation=org,
        service_unit=unit,
        client_name="Maija Meikäläinen",
        client_address="Valtakatu 1\n94100 Kemi",
        description=f"Kohtelu oli epäasiallista. {XSS}",
    )


def test_the_queue_lists_open_cases_by_due_date_with_badges_and_counts(client, org, unit, handler):
    later = ComplaintFactory(organisation=org, service_unit=unit)
    earlier = ComplaintFactory(organisation=org, service_unit=unit, status=Status.IN_HANDLING)
    earlier.due_date = later.due_date.replace(day=1)
    earlier.extended, earlier.due_rule = True, "two_months"
    earlier.save()
    ComplaintFactory(organisation=org, service_unit=unit, status=Status.CLOSED)
    client.force_login(handler)

    page = client.get(reverse("staff:queue")).content.decode()

    assert page.index(earlier.reference) < page.index(later.reference)
    # the closed case is not in the open queue
    assert len(re.findall(r'href="/staff/cases/[^"]+/"', page)) == 2
    assert "badge-extended" in page
    counts = re.findall(r'<span class="count">(\d+)</span>', page)
    assert counts[:2] == ["2", "0"]  # all open, assigned to me
    assert AccessLogEntry.objects.filter(what="staff:queue").count() == 2


def test_queue_filters_and_search(client, org, unit, handler):
    fi = ComplaintFactory(organisation=org, service_unit=unit, client_name="Aino Aaltonen")
    sv = ComplaintFactory(organisation=org, service_unit=unit, language="sv", channel="post")
    client.force_login(handler)

    def listed(**params):
        page = client.get(reverse("staff:queue"), params).content.decode()
        return {case.reference for case in (fi, sv) if case.reference in page}

    assert listed(language="sv") == {sv.reference}
    assert listed(channel="post") == {sv.reference}
    assert listed(q="aaltonen") == {fi.reference}
    assert listed(q=sv.reference) == {sv.reference}
    assert listed(scope="mine") == set()
    assert listed(due_within="0") == set()
    assert listed(due_within="60") == {fi.reference, sv.reference}


def test_due_soon_count_and_list_agree_and_leave_out_late_cases(client, org, unit, handler):
    """The "due within 7 days" quick filter counts what its link lists: not the late ones."""
    from complaints import clock
    from complaints.models import Complaint

    today = clock.helsinki_date(clock.now())
    soon = ComplaintFactory(organisation=org, service_unit=unit)
    late = ComplaintFactory(organisation=org, service_unit=unit)
    Complaint.objects.filter(pk=soon.pk).update(due_date=today + timedelta(days=2))
    Complaint.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=3), overdue=True)
    client.force_login(handler)
    page = client.get(reverse("staff:queue"), {"due_within": "7"}).content.decode()
    assert soon.reference in page
    assert late.reference not in page
    link = re.search(
        r'href="\?[^"]*due_within=7[^"]*"[^>]*>.*?<span class="count">(\d+)</span>', page, re.S
    )
    assert link is not None
    assert link.group(1) == "1"


def test_queue_pages_by_keyset(client, org, unit, handler, monkeypatch):
    monkeypatch.setattr("workflow.queue.PAGE_SIZE", 2)
    cases = [ComplaintFactory(organisation=org, service_unit=unit) for _ in range(5)]
    client.force_login(handler)
    seen = []
    url = reverse("staff:queue")
    for _ in range(3):
        page = client.get(url).content.decode()
        seen += re.findall(r'href="/staff/cases/([^/]+)/"', page)
        found = re.search(r'href="\?([^"]*after=[^"]*)" rel="next"', page)
        if not found:
            break
        url = reverse("staff:queue") + "?" + found.group(1).replace("&amp;", "&")
    assert seen == [case.reference for case in cases]


def test_the_queue_runs_the_same_number_of_queries_for_any_page_size(client, org, unit, handler):
    client.force_login(handler)
    client.get(reverse("staff:queue"))  # warm the session and the user's roles
    for _ in range(3):
        ComplaintFactory(organisation=org, service_unit=unit, handler=handler)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("staff:queue"))
    for _ in range(30):
        ComplaintFactory(organisation=org, service_unit=unit, handler=handler)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("staff:queue"))
    assert len(many) == len(few)


def test_a_handler_and_an_approver_take_a_case_to_a_signed_letter(
    client, org, unit, handler, approver, case, django_capture_on_commit_callbacks
):
    ReplyTemplate.objects.create(
        organisation=org,
        language="fi",
        name="Perus",
        greeting="Hyvä {recipient_name},",
        summary="Kiitos muistutuksestanne {received_on} ({reference}).",
        closing="Ystävällisin terveisin",
    )
    client.force_login(handler)
    url = reverse("staff:case", args=[case.reference])
    page = client.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page

    response = client.post(reverse("staff:transition", args=[case.reference, "accept"]), {})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_HANDLING
    assert case.handler == handler

    template = ReplyTemplate.objects.get()
    page = client.post(
        reverse("staff:reply", args=[case.reference]),
        {"action": "template", "template": template.pk, "text": ""},
    ).content.decode()
    assert "Hyvä Maija Meikäläinen," in page
    assert f"Kiitos muistutuksestanne 2.11.2026 ({case.reference})." in page

    text = "Hyvä Maija Meikäläinen,\n\nOlemme selvittäneet asian. <b>Käytäntöä</b> on muutettu."
    preview = client.post(
        reverse("staff:reply", args=[case.reference]), {"action": "preview", "text": text}
    )
    assert preview["Content-Type"] == "application/pdf"
    assert "Olemme selvittäneet asian." in _pdf_text(preview.content)

    client.post(reverse("staff:reply", args=[case.reference]), {"action": "submit", "text": text})
    case.refresh_from_db()
    assert case.status == Status.AWAITING_APPROVAL
    assert case.reply_draft == text

    # The drafter cannot approve their own reply: the button is not even offered.
    page = client.get(url).content.decode()
    assert "approve_reply" not in page

    client.force_login(approver)
    page = client.get(url).content.decode()
    assert reverse("staff:transition", args=[case.reference, "approve_reply"]) in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("staff:transition", args=[case.reference, "approve_reply"]), {})
    case.refresh_from_db()
    assert case.status == Status.REPLIED
    assert callbacks  # the letter is made by the worker after commit
    document_generate_task(complaint_id=case.pk, kind=Document.Kind.REPLY)
    letter = Document.objects.get(complaint=case, kind=Document.Kind.REPLY)
    downloaded = client.get(reverse("staff:document", args=[case.reference, letter.pk]))
    text_of_letter = _pdf_text(b"".join(downloaded.streaming_content))
    assert case.reference in text_of_letter
    assert "Olemme selvittäneet asian." in text_of_letter
    assert "<b>Käytäntöä</b>" in text_of_letter  # typed markup is text, not formatting
    assert "Lupa- ja valvontavirasto" in text_of_letter
    assert "approver" in text_of_letter  # the signer (no full name: the user name)


def test_a_returned_reply_comes_back_with_the_comment_and_the_draft(
    client, org, unit, handler, approver
):
    case = ComplaintFactory.in_state(
        Status.AWAITING_APPROVAL, organisation=org, service_unit=unit, drafter=handler
    )
    client.force_login(approver)
    missing = client.post(reverse("staff:transition", args=[case.reference, "return_reply"]), {})
    assert missing.status_code == 400
    assert "return_reply-comment" in missing.content.decode()
    client.post(
        reverse("staff:transition", args=[case.reference, "return_reply"]),
        {"return_reply-comment": "Lisää toimenpiteet."},
    )
    case.refresh_from_db()
    assert case.status == Status.IN_HANDLING
    client.force_login(handler)
    page = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert "Lisää toimenpiteet." in page
    assert 'value="submit"' in page


def test_a_transfer_with_a_missing_reason_keeps_what_was_typed(client, handler, case):
    client.force_login(handler)
    response = client.post(
        reverse("staff:transition", args=[case.reference, "transfer"]),
        {"transfer-target": "Potilasasiavastaava"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Potilasasiavastaava"' in page
    assert 'href="#id_transfer-reason"' in page


def test_internal_notes_join_the_timeline_for_staff_only(client, handler, case):
    client.force_login(handler)
    client.post(reverse("staff:note", args=[case.reference]), {"text": f"Soitettu. {XSS}"})
    note = CaseEvent.objects.get(complaint=case, kind="note")
    assert note.public is False
    page = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert "Soitettu. &lt;script&gt;" in page


@pytest.mark.parametrize("role", [Role.REGISTRY, Role.OMBUDSMAN, Role.ADMIN])
def test_roles_without_content_reach_get_404_on_every_case_page(client, org, case, role):
    user = staff_user(f"u-{role}", role, organisation=org, all_units=True)
    client.force_login(user)
    for url in (
        reverse("staff:case", args=[case.reference]),
        reverse("staff:attachment", args=[case.reference, 1]),
        reverse("staff:document", args=[case.reference, 1]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(reverse("staff:transition", args=[case.reference, "accept"]), {})
    assert response.status_code == 404


def test_a_handler_of_another_unit_or_organisation_gets_404(client, org, case):
    from tests.factories import OrganisationFactory, ServiceUnitFactory

    other_unit = ServiceUnitFactory(organisation=org)
    elsewhere = staff_user("muu", Role.HANDLER, organisation=org, units=[other_unit])
    stranger = staff_user(
        "vieras", Role.HANDLER, organisation=OrganisationFactory(), all_units=True
    )
    for user in (elsewhere, stranger):
        client.force_login(user)
        assert client.get(reverse("staff:case", args=[case.reference])).status_code == 404
        page = client.get(reverse("staff:queue"), {"q": case.reference}).content.decode()
        assert reverse("staff:case", args=[case.reference]) not in page


def test_a_corrected_letter_is_a_new_version_and_the_old_one_is_kept(
    client, org, unit, handler, approver
):
    case = ComplaintFactory.in_state(
        Status.AWAITING_APPROVAL, organisation=org, service_unit=unit, drafter=handler
    )
    from complaints import clock
    from complaints.actors import Actor
    from workflow.transitions import complaint_approve_reply

    complaint_approve_reply(complaint_id=case.pk, actor=Actor.staff(approver), now=clock.now())
    document_generate_task(complaint_id=case.pk, kind=Document.Kind.REPLY)
    first = Document.objects.get(complaint=case)
    client.force_login(handler)
    url = reverse("staff:reissue", args=[case.reference, first.pk])
    assert client.post(url, {"reason": ""}).status_code == 302
    assert Document.objects.filter(complaint=case).count() == 1
    client.post(url, {"reason": "Osoite korjattu."})
    versions = list(Document.objects.filter(complaint=case).order_by("version"))
    assert [document.version for document in versions] == [1, 2]
    assert versions[0].sha256 == first.sha256
    assert CaseEvent.objects.filter(complaint=case, kind="document_issued").exists()


def test_the_draft_preview_is_marked_as_a_draft_and_stores_nothing(client, handler, case):
    client.force_login(handler)
    client.post(reverse("staff:transition", args=[case.reference, "accept"]), {})
    preview = client.post(
        reverse("staff:reply", args=[case.reference]), {"action": "preview", "text": "Luonnos."}
    )
    text = _pdf_text(preview.content)
    assert "Luonnos." in text
    assert "DRAFT" in text or "LUONNOS" in text
    assert not Document.objects.filter(complaint=case).exists()


def test_the_authoritys_request_is_recorded_and_answered_from_the_case_page(client, handler, case):
    client.force_login(handler)
    url = reverse("staff:authority_request_new", args=[case.reference])
    refused = client.post(url, {"authority-diary_number": "LVV/123/2026"})
    assert refused.status_code == 400
    assert 'value="LVV/123/2026"' in refused.content.decode()
    client.post(
        url,
        {
            "authority-diary_number": "LVV/123/2026",
            "authority-received_on": "2026-11-20",
            "authority-due_date": "2026-12-18",
            "authority-question": "Selvitys kantelun johdosta.",
        },
    )
    request = case.authority_requests.get()
    page = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert "LVV/123/2026" in page
    client.post(
        reverse("staff:authority_statement", args=[case.reference, request.pk]),
        {f"authority-{request.pk}-statement_text": "Asiaa on selvitetty."},
    )
    request.refresh_from_db()
    assert request.answered_at is not None
    assert Document.objects.filter(complaint=case, kind="authority_statement").exists()
    # A request id that is not this case's: 404, not a server error.
    unknown = client.post(
        reverse("staff:authority_statement", args=[case.reference, request.pk + 1000]),
        {f"authority-{request.pk + 1000}-statement_text": "Asiaa on selvitetty."},
    )
    assert unknown.status_code == 404


def test_unread_notices_show_in_the_header_until_the_page_is_opened(client, handler):
    from complaints import clock
    from notifications.inbox import inbox_add

    inbox_add(user_id=handler.pk, subject="KEMI-1 myöhässä", link="/staff/", now=clock.now())
    client.force_login(handler)
    header = client.get(reverse("staff:queue")).content.decode()
    assert re.search(r"Notices|Ilmoitukset", header)
    assert '<span class="count">1<span class="visually-hidden">' in header
    page = client.get(reverse("staff:inbox")).content.decode()
    assert "KEMI-1 myöhässä" in page
    header = client.get(reverse("staff:queue")).content.decode()
    assert '<span class="count">1<span class="visually-hidden">' not in header


def test_one_reply_length_limit_for_the_page_the_api_and_the_service(client, handler, case):
    from rest_framework.test import APIClient

    from complaints.actors import Actor
    from workflow.errors import InvalidInput
    from workflow.replies import REPLY_MAX_LENGTH, reply_draft_save
    from workflow.transitions import complaint_accept, complaint_submit_reply

    complaint_accept(complaint_id=case.pk, actor=Actor.staff(handler), now=clock.now())
    too_long = "a" * (REPLY_MAX_LENGTH + 1)
    client.force_login(handler)
    page = client.post(
        reverse("staff:reply", args=[case.reference]), {"action": "save", "text": too_long}
    )
    assert page.status_code == 400
    api = APIClient()
    api.force_authenticate(handler)
    url = f"/api/v1/complaints/{case.reference}/transitions/submit_reply/"
    assert api.post(url, {"text": too_long}, format="json").status_code == 400
    with pytest.raises(InvalidInput):
        reply_draft_save(
            complaint_id=case.pk, actor=Actor.staff(handler), now=clock.now(), text=too_long
        )
    with pytest.raises(InvalidInput):
        complaint_submit_reply(
            complaint_id=case.pk, actor=Actor.staff(handler), now=clock.now(), text=too_long
        )
    reply_draft_save(
        complaint_id=case.pk, actor=Actor.staff(handler), now=clock.now(), text=too_long[:-1]
    )
