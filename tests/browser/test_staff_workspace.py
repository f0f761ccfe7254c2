"""Issue 4's "done": a filed muistutus taken by a handler and an approver, with the keyboard
alone, from the queue to a signed reply letter that the complainant downloads."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pypdf
import pytest

from complaints.choices import Role, Status
from complaints.models import Complaint, Document, ReplyTemplate
from tests.browser.conftest import TIMEOUT_MS, at
from tests.factories import staff_user
from workflow.tasks import document_generate_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPLY = "Olemme selvittäneet asian. Palvelukäytäntöä on muutettu."
AUTHORITY = "Lupa- ja valvontavirasto"


# --- the keyboard ------------------------------------------------------------------------


def focused(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        )
    )


def tab_to(page: Any, selector: str, *, limit: int = 200, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"{'Shift+Tab' if back else 'Tab'} never reached {selector!r}")


def press_and_wait(page: Any, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def assert_focus_visible(page: Any) -> None:
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert style[0] != "none", f"no visible focus: {style}"
    assert style[1] != "0px", f"no visible focus: {style}"


def open_action(page: Any, name: str) -> None:
    """Open a transition's <details> with the keyboard and move to its button."""
    details = f'.actions details:has(form[action$="/transitions/{name}/"])'
    tab_to(page, f"{details} > summary")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert page.locator(details).get_attribute("open") is not None
    tab_to(page, f"{details} button[type=submit]")


def log_in(page: Any, user: Any) -> None:
    page.goto("/staff/login/")
    tab_to(page, "#id_username")
    assert_focus_visible(page)
    page.keyboard.type(user.get_username())
    tab_to(page, "#id_password")
    page.keyboard.type("pw")
    press_and_wait(page)  # Enter in a field sends the form
    at(page, "/staff/cases/")  # the queue is where handlers and approvers start


def log_out(page: Any) -> None:
    tab_to(page, ".staff-nav form[action$='/logout/'] button")
    press_and_wait(page)
    at(page, "/staff/login/")


def open_case_from_queue(page: Any, reference: str) -> None:
    link = f'main table a[href="/staff/cases/{reference}/"]'
    tab_to(page, link)
    assert_focus_visible(page)
    press_and_wait(page)
    at(page, f"/staff/cases/{reference}/")
    assert reference in page.locator("h1").inner_text()


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(page.extract_text() for page in reader.pages)


# --- the test -----------------------------------------------------------------------------


def test_a_handler_and_an_approver_take_a_filed_case_to_a_letter_with_the_keyboard(
    page, browser, site, org, filed
):
    case = filed.complaint
    handler = staff_user("kaisa", Role.HANDLER, organisation=org, all_units=True)
    approver = staff_user("paavo", Role.APPROVER, organisation=org, all_units=True)
    approver.first_name, approver.last_name = "Paavo", "Päällikkö"
    approver.save()
    ReplyTemplate.objects.create(
        organisation=org,
        language="fi",
        name="Perusvastaus",
        greeting="Hyvä {recipient_name},",
        summary="Kiitos muistutuksestanne ({reference}).",
        closing="Ystävällisin terveisin",
    )

    # The handler: queue → case → accept.
    log_in(page, handler)
    open_case_from_queue(page, case.reference)
    open_action(page, "accept")
    press_and_wait(page)
    at(page, f"/staff/cases/{case.reference}/")
    case.refresh_from_db()
    assert case.status == Status.IN_HANDLING
    assert case.handler == handler

    # The reply: a template (the select with the arrow keys), then their own words.
    tab_to(page, "#reply #id_template")
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_template").input_value() != ""
    tab_to(page, '#reply button[value="template"]')
    press_and_wait(page)
    draft = page.locator("#reply #id_text")
    assert case.reference in draft.input_value()  # the placeholder was filled in
    # The page came back with the filled-in draft; add to its end.
    tab_to(page, "#reply #id_text")
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type(REPLY)
    tab_to(page, '#reply button[value="submit"]')
    press_and_wait(page)
    at(page, f"/staff/cases/{case.reference}/")
    case.refresh_from_db()
    assert case.status == Status.AWAITING_APPROVAL
    assert REPLY in case.reply_draft
    # The one who wrote it cannot approve it.
    assert page.locator('form[action$="/transitions/approve_reply/"]').count() == 0
    log_out(page)

    # The approver.
    log_in(page, approver)
    open_case_from_queue(page, case.reference)
    assert REPLY in page.locator("#reply").inner_text()
    open_action(page, "approve_reply")
    press_and_wait(page)
    at(page, f"/staff/cases/{case.reference}/")
    case.refresh_from_db()
    assert case.status == Status.REPLIED
    log_out(page)

    # The worker makes the letter after the commit.
    document_generate_task(complaint_id=case.pk, kind=Document.Kind.REPLY)
    assert Document.objects.filter(complaint=case, kind=Document.Kind.REPLY).count() == 1

    # The complainant, in a browser of their own, downloads it from the tracking page.
    context = browser.new_context(
        base_url=site, locale="fi-FI", extra_http_headers={"Accept-Language": "fi"}
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        complainant = context.new_page()
        complainant.goto(f"/track/{filed.tracking_code}/")
        link = 'main a[href$="/reply/"]'
        tab_to(complainant, link)
        assert_focus_visible(complainant)
        with complainant.expect_download() as downloaded:
            complainant.keyboard.press("Enter")
        content = Path(downloaded.value.path()).read_bytes()
    finally:
        context.close()

    text = pdf_text(content)
    assert case.reference in text
    assert REPLY in " ".join(text.split())
    assert "Paavo Päällikkö" in text
    assert AUTHORITY in text
    assert Complaint.objects.get(pk=case.pk).status == Status.REPLIED


def test_the_tab_order_reaches_the_case_page_controls_in_reading_order(page, org, filed):
    """Shift+Tab walks back the way Tab came; no control is skipped or trapped."""
    handler = staff_user("kaisa", Role.HANDLER, organisation=org, all_units=True)
    log_in(page, handler)
    page.goto(f"/staff/cases/{filed.complaint.reference}/")
    describe = "document.activeElement.outerHTML.slice(0, 120)"
    forward = []
    while not focused(page, ".site-footer li:last-child a"):
        assert len(forward) < 300, "Tab never reached the end of the page"
        page.keyboard.press("Tab")
        forward.append(page.evaluate(describe))
    backward = []
    for _ in forward[1:]:
        page.keyboard.press("Shift+Tab")
        backward.append(page.evaluate(describe))
    assert backward == forward[-2::-1]
    assert any("/transitions/accept/" in html or "<summary>" in html for html in forward)
    assert urlsplit(page.url).path == f"/staff/cases/{filed.complaint.reference}/"
