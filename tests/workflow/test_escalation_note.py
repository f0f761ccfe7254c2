"""The escalation note (a pre-filled kantelu) and the report-back letter, read back from the
PDF: the right authority and language, the case's facts, the complainant's text as text."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest

from complaints.actors import Actor
from complaints.choices import Status
from complaints.models import Document
from tests.factories import ComplaintFactory, ServiceUnitFactory, received_on, staff_user
from workflow.documents import document_ensure
from workflow.escalation import complaint_dissatisfied
from workflow.kantelu import kantelu_language, years_before

HELSINKI = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 11, 20, 10, tzinfo=HELSINKI)
FINNISH_BOILERPLATE = ("Lupa- ja valvontavirasto", "muistutukse", "Kantelu", "valvontaviranomai")


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return " ".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """PDF text with its line breaks joined, to look for phrases that may wrap."""
    return " ".join(text.split())


@pytest.fixture
def authority(org: Any) -> Any:
    org.name_sv = "Kemi stad"
    org.authority_address = "PL 123\n00101 Helsinki"
    org.authority_url = "https://lvv.example.fi/kantelu"
    org.save()
    return org


@pytest.fixture
def replied(authority: Any, unit: Any) -> Any:
    unit.name_sv = "Vuxensocialarbete"
    unit.save()
    approver = staff_user("hyvaksyja", "approver", organisation=authority, all_units=True)
    approver.first_name, approver.last_name = "Anna", "Hyväksyjä"
    approver.save()

    def make(**kwargs: Any) -> Any:
        fields: dict[str, Any] = {
            "organisation": authority,
            "service_unit": unit,
            "received_at": received_on(date(2026, 10, 1)),
            "replied_at": datetime(2026, 10, 20, 12, tzinfo=HELSINKI),
            "event_date": date(2026, 9, 15),
            "client_address": "Valtakatu 1\n94100 Kemi",
            "client_email": "maija@example.fi",
        }
        complaint = ComplaintFactory.in_state(Status.REPLIED, **(fields | kwargs))
        complaint.replies.update(
            text="Pahoittelemme. Käytäntöä on muutettu.",
            decided_by=approver,
            decided_at=complaint.replied_at,
        )
        return complaint

    return make


def test_finnish_note_is_prefilled_with_the_case_and_addressed_to_the_authority(replied):
    complaint = replied(
        description="Minua kohdeltiin <script>alert(1)</script> huonosti.",
        desired_outcome='Anteeksipyyntö <img src=x onerror="alert(2)">',
    )
    note = complaint_dissatisfied(complaint_id=complaint.pk, actor=Actor.complainant(), now=NOW)
    text = pdf_text(note)
    assert note.kind == Document.Kind.ESCALATION_NOTE
    assert note.language == "fi"
    for expected in (
        "Lupa- ja valvontavirasto",
        "PL 123",
        "https://lvv.example.fi/kantelu",
        "Kemi",
        "Aikuissosiaalityö",
        complaint.reference,
        "15.9.2026",  # when it happened
        "1.10.2026",  # muistutus received
        "20.10.2026",  # reply given
        "Käytäntöä on muutettu.",  # what was answered
        "Maija Meikäläinen",
        "Valtakatu 1",
        "maija@example.fi",
    ):
        assert expected in text, expected
    # The complainant's markup is printed as text, never interpreted.
    assert "<script>alert(1)</script>" in text
    assert '<img src=x onerror="alert(2)">' in flat(text)
    assert "Aluehallintovirasto" not in text


def test_swedish_case_gets_a_swedish_note_without_finnish_boilerplate(replied, unit):
    complaint = replied(language="sv", description="Jag blev illa bemött.")
    complaint.replies.update(text="Vi beklagar det som hände.")
    note = complaint_dissatisfied(complaint_id=complaint.pk, actor=Actor.complainant(), now=NOW)
    text = pdf_text(note)
    assert note.language == "sv"
    assert "Tillstånds- och tillsynsverket" in text
    assert "Kemi stad" in text
    assert "Vuxensocialarbete" in text
    assert "Jag blev illa bemött." in text
    assert "Vi beklagar det som hände." in text
    for finnish in (*FINNISH_BOILERPLATE, "Aikuissosiaalityö"):
        assert finnish not in text, finnish


def test_english_case_gets_english_guidance_and_a_finnish_form(replied):
    complaint = replied(language="en", description="I was treated badly.")
    assert kantelu_language(complaint) == "fi"
    text = pdf_text(
        complaint_dissatisfied(complaint_id=complaint.pk, actor=Actor.complainant(), now=NOW)
    )
    assert "written in Finnish or Swedish" in flat(text)  # the English guidance page
    assert "Lupa- ja valvontavirasto" in text  # the form names the authority in Finnish
    assert "Finnish Supervisory Agency" not in text
    assert "I was treated badly." in text


def test_swedish_only_organisation_gets_english_cases_a_swedish_form(replied, authority):
    authority.languages = "sv,en"
    authority.save()
    complaint = replied(language="en")
    assert kantelu_language(complaint) == "sv"


def test_late_reply_note_says_when_it_was_due_and_that_it_is_late(authority, unit):
    complaint = ComplaintFactory.in_state(
        Status.IN_HANDLING,
        organisation=authority,
        service_unit=unit,
        received_at=received_on(date(2026, 10, 1)),
        overdue=True,
    )
    note = complaint_dissatisfied(complaint_id=complaint.pk, actor=Actor.complainant(), now=NOW)
    text = flat(pdf_text(note))
    assert "2.11.2026" in text  # 1.11.2026 is a Sunday
    assert "late" in text or "myöhässä" in text
    assert "No written reply" in text or "vastausta ei ole annettu" in text.lower()


def test_filed_for_someone_else_asks_for_a_power_of_attorney(replied):
    complaint = replied(
        filer_role="relative",
        on_behalf_basis="client_unable",
        filer_name="Pekka Omainen",
        filer_address="Kauppakatu 2\n94100 Kemi",
    )
    text = flat(
        pdf_text(
            complaint_dissatisfied(complaint_id=complaint.pk, actor=Actor.complainant(), now=NOW)
        )
    )
    assert "Pekka Omainen" in text
    assert "Kauppakatu 2" in text
    assert "Maija Meikäläinen" in text  # on behalf of the client
    assert "power of attorney" in text.lower() or "valtakirja" in text.lower()


def test_own_matter_has_no_power_of_attorney_note(replied):
    complaint = replied()
    text = flat(
        pdf_text(
            complaint_dissatisfied(complaint_id=complaint.pk, actor=Actor.complainant(), now=NOW)
        )
    ).lower()
    assert "power of attorney" not in text
    assert "valtakirja" not in text


def test_a_matter_older_than_two_years_is_warned_about_not_blocked(replied):
    complaint = replied(event_date=date(2024, 10, 1))
    text = flat(
        pdf_text(
            complaint_dissatisfied(complaint_id=complaint.pk, actor=Actor.complainant(), now=NOW)
        )
    )
    assert "1.10.2024" in text
    assert "more than two years ago" in text or "yli kaksi vuotta sitten" in text


def test_a_recent_matter_has_the_general_two_year_notice_only(replied):
    text = flat(
        pdf_text(
            complaint_dissatisfied(complaint_id=replied().pk, actor=Actor.complainant(), now=NOW)
        )
    )
    assert "more than two years old" in text or "yli kaksi vuotta" in text
    assert "more than two years ago" not in text


def test_a_note_written_before_2026_names_the_regional_agency(replied):
    complaint = replied(
        received_at=received_on(date(2025, 11, 3)),
        replied_at=datetime(2025, 11, 20, 12, tzinfo=HELSINKI),
        event_date=date(2025, 10, 1),
    )
    before_merger = datetime(2025, 12, 15, 10, tzinfo=HELSINKI)
    note = document_ensure(
        complaint=complaint, kind=Document.Kind.ESCALATION_NOTE, now=before_merger
    )
    text = pdf_text(note)
    assert "Aluehallintovirasto" in text
    assert "Lupa- ja valvontavirasto" not in text
    assert "lvv.example.fi" not in text  # the configured address is the new authority's


def test_an_older_matter_written_up_today_goes_to_the_current_authority(replied):
    complaint = replied(event_date=date(2025, 6, 1))
    text = pdf_text(
        complaint_dissatisfied(complaint_id=complaint.pk, actor=Actor.complainant(), now=NOW)
    )
    assert "Lupa- ja valvontavirasto" in text
    assert "Aluehallintovirasto" not in text


def test_two_years_back_from_a_leap_day():
    assert years_before(date(2028, 2, 29), 2) == date(2026, 2, 28)


def test_report_back_tells_the_authority_the_reply_was_given(replied, authority):
    complaint = replied(authority_diary_number="LVV/1234/2026")
    report = document_ensure(complaint=complaint, kind=Document.Kind.REPORT_BACK, now=NOW)
    text = flat(pdf_text(report))
    for expected in (
        "LVV/1234/2026",
        complaint.reference,
        "20.10.2026",
        "Anna Hyväksyjä",
        "Lupa- ja valvontavirasto",
        "PL 123",
    ):
        assert expected in text, expected
    assert "Pahoittelemme" not in text  # the reply's content is the complainant's, not sent


def test_report_back_in_swedish(replied):
    complaint = replied(language="sv", authority_diary_number="LVV/99/2026")
    text = pdf_text(document_ensure(complaint=complaint, kind=Document.Kind.REPORT_BACK, now=NOW))
    assert "LVV/99/2026" in text
    assert "Tillstånds- och tillsynsverket" in text
    for finnish in FINNISH_BOILERPLATE:
        assert finnish not in text, finnish


def test_approving_a_transferred_kantelu_makes_the_report_back_letter(
    authority, unit, handler, approver
):
    from workflow.tasks import document_generate_task
    from workflow.transitions import complaint_approve_reply

    complaint = ComplaintFactory.in_state(
        Status.AWAITING_APPROVAL,
        organisation=authority,
        service_unit=ServiceUnitFactory(organisation=authority),
        drafter=handler,
        authority_diary_number="LVV/5/2026",
        received_at=NOW - timedelta(days=10),
    )
    complaint_approve_reply(complaint_id=complaint.pk, actor=Actor.staff(approver), now=NOW)
    document_generate_task(complaint_id=complaint.pk, kind="report_back")
    text = pdf_text(Document.objects.get(complaint=complaint, kind="report_back"))
    assert "LVV/5/2026" in text
    assert "20.11.2026" in text
