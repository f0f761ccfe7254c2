"""Every letter's page layout: the shared stylesheet (parsed once per thread) gives each page
its number and the letter's font; the case's own reference reaches each page's footer."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pypdf

from complaints.choices import Status
from tests.factories import ComplaintFactory
from workflow.documents import letter_preview

NOW = datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Europe/Helsinki"))
PARAGRAPH = "Asiaa selvitettiin huolellisesti. " * 12
LONG_REPLY = "\n\n".join(f"Kappale {n}: {PARAGRAPH}" for n in range(30))


def _pages(content: bytes) -> list[pypdf.PageObject]:
    return list(pypdf.PdfReader(io.BytesIO(content)).pages)


def _fonts(page: pypdf.PageObject) -> set[str]:
    fonts = page["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in fonts.values()}


def test_each_page_is_numbered_and_carries_the_case_reference(org, unit):
    complaint = ComplaintFactory.in_state(Status.IN_HANDLING, organisation=org, service_unit=unit)

    pages = _pages(letter_preview(complaint=complaint, text=LONG_REPLY, now=NOW))

    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        footer = page.extract_text().splitlines()[-1]
        assert footer == f"{complaint.reference} {number} / {len(pages)}"
        assert _fonts(page) <= {"DejaVu-Sans", "DejaVu-Sans-Bold"}, "the letter's font"


def test_a_later_letter_in_the_same_thread_has_its_own_reference(org, unit):
    first, second = (
        ComplaintFactory.in_state(Status.IN_HANDLING, organisation=org, service_unit=unit)
        for _ in range(2)
    )

    letter_preview(complaint=first, text="Ensimmäinen.", now=NOW)
    pages = _pages(letter_preview(complaint=second, text="Toinen.", now=NOW))

    footer = pages[0].extract_text().splitlines()[-1]
    assert footer == f"{second.reference} 1 / 1"
