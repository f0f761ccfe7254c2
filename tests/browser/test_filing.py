"""The public form in a real browser: keyboard-only filings in Finnish and Swedish, a
relative's filing, an error that keeps the input, the tracking page and withdraw, reflow."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from complaints import clock
from complaints.choices import Status
from complaints.models import Complaint
from tests.browser.conftest import SUBMIT, answer_as_the_client, at, click_and_wait, send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERENCE = re.compile(r"^[A-Z0-9]+-\d{4}-\d{6}$")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- the keyboard ------------------------------------------------------------------------


def focused(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        )
    )


def takes_focus(page: Any, selector: str) -> bool:
    """Whether ``selector`` has, or within a moment gets, the focus (autofocus runs after the
    page has loaded, at the next rendering)."""
    try:
        page.wait_for_function(
            "s => !!document.activeElement && document.activeElement.matches(s)",
            arg=selector,
            timeout=2_000,
        )
    except PlaywrightTimeoutError:
        return False
    return True


def tab_to(page: Any, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element that has the focus matches ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector!r}")


def press_and_wait(page: Any, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page: Any, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def arrow_to(page: Any, name: str, value: str) -> None:
    """In the radio group that has the focus, move with the arrow keys to ``value``."""
    for _ in range(10):
        if focused(page, f'input[type=radio][name="{name}"][value="{value}"]'):
            if not focused(page, ":checked"):
                page.keyboard.press("Space")
            assert focused(page, ":checked")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no option {value!r} in the radio group {name!r}")


def choose(page: Any, name: str, value: str) -> None:
    """Tab into a radio group, then choose ``value`` with the arrow keys and Space."""
    tab_to(page, f'input[type=radio][name="{name}"]')
    arrow_to(page, name, value)


def tab_and_submit(page: Any) -> None:
    tab_to(page, SUBMIT)
    press_and_wait(page)


# --- the mouse, where the keyboard is not the point --------------------------------------


def post_and_wait(page: Any) -> Any:
    """Submit the page's form and follow it; the answer to the POST itself."""
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        send(page)
    response = posted.value
    assert response.status in (200, 302), (
        f"POST {response.url} was refused: {response.status} {response.status_text}\n"
        f"{page.locator('body').inner_text()[:300]}"
    )
    return response


def file_as_the_client(page: Any, unit: Any) -> str:
    """A filed case; the page is left on its tracking page, whose address is returned."""
    answer_as_the_client(page, unit)
    send(page, "/file/done/")
    click_and_wait(page, ".tracking-link a")
    assert urlsplit(page.url).path.startswith("/track/")
    return str(page.url)


def language_of(page: Any) -> str:
    return str(page.locator("html").get_attribute("lang"))


def error_prefix(language: str) -> str:
    with translation.override(language):
        return gettext("Error:")


def an_earlier_day() -> str:
    day = clock.now().date() - timedelta(days=7)
    return f"{day.day}.{day.month}.{day.year}"


def file_with_the_keyboard(page: Any, unit: Any, *, reply_language: str) -> list[str]:
    """From the start page to the tracking page with the keyboard alone.

    Returns the ``lang`` of every page on the way."""
    seen = [language_of(page)]
    tab_to(page, "a.button-start")
    # A link that says it is a button would promise Space, which needs JavaScript.
    assert page.evaluate("document.activeElement.getAttribute('role')") is None
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused start button shows no focus indicator"
    press_and_wait(page)

    at(page, "/file/who/")
    seen.append(language_of(page))
    choose(page, "filer_role", "client")
    tab_and_submit(page)

    at(page, "/file/client/")
    seen.append(language_of(page))
    type_into(page, "#id_client-name", "Maija Meikäläinen")
    type_into(page, "#id_client-email", "maija@example.org")
    press_and_wait(page)  # Enter in a text field sends the form

    at(page, "/file/service/")
    seen.append(language_of(page))
    tab_to(page, "#id_service_unit")
    page.keyboard.press("Home")  # the first option: the unit
    assert page.locator("#id_service_unit").input_value() == str(unit.pk)
    type_into(page, "#id_event_date", an_earlier_day())
    press_and_wait(page)

    at(page, "/file/what/")
    seen.append(language_of(page))
    type_into(page, "#id_description", "Minua kohdeltiin huonosti.")
    page.keyboard.press("Enter")  # a new line in the text area, not a submit
    page.keyboard.type("Kukaan ei vastannut.")
    choose(page, "discussed_with_staff", "yes")
    choose(page, "contests_decision", "no")
    tab_and_submit(page)

    at(page, "/file/language/")
    seen.append(language_of(page))
    choose(page, "language", reply_language)
    choose(page, "reply_delivery", "online")
    tab_and_submit(page)

    at(page, "/file/check/")
    seen.append(language_of(page))
    assert "Maija Meikäläinen" in page.locator("main").inner_text()
    tab_and_submit(page)

    at(page, "/file/done/")
    seen.append(language_of(page))
    reference = page.locator(".reference").inner_text().strip()
    assert REFERENCE.match(reference), reference
    complaint = Complaint.objects.get()
    assert complaint.reference == reference
    due = complaint.due_date
    assert f"{due.day}.{due.month}.{due.year}" in page.locator("main").inner_text()
    tab_to(page, ".tracking-link a")
    press_and_wait(page)

    assert urlsplit(page.url).path.startswith("/track/")
    seen.append(language_of(page))
    assert reference in page.locator("h1").inner_text()
    return seen


# --- the tests ----------------------------------------------------------------------------


def test_a_filing_in_finnish_with_the_keyboard_only(page, unit):
    page.goto("/")
    languages = file_with_the_keyboard(page, unit, reply_language="fi")
    assert set(languages) == {"fi"}
    complaint = Complaint.objects.get()
    assert complaint.language == "fi"
    assert complaint.client_name == "Maija Meikäläinen"
    # A browser sends the new lines of a text area as CR LF.
    assert complaint.description.splitlines() == [
        "Minua kohdeltiin huonosti.",
        "Kukaan ei vastannut.",
    ]
    assert complaint.service_unit == unit
    assert complaint.event_date is not None
    assert complaint.status == Status.RECEIVED


def test_a_filing_in_swedish_with_the_keyboard_only(page, unit):
    page.goto("/")
    tab_to(page, 'header button[name="language"][value="sv"]')
    assert page.evaluate("document.activeElement.textContent.trim()") == "Svenska"
    press_and_wait(page)
    at(page, "/")
    languages = file_with_the_keyboard(page, unit, reply_language="sv")
    assert set(languages) == {"sv"}
    assert Complaint.objects.get().language == "sv"


def test_a_relative_must_give_a_basis(page, unit):
    page.goto("/file/who/")
    page.locator('input[name="filer_role"][value="relative"]').check()
    send(page, "/file/who/")

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.get_attribute("tabindex") == "-1"
    assert takes_focus(page, "#error-summary"), "the error summary does not take the focus"
    assert page.title().startswith(error_prefix("fi"))
    link = summary.locator('a[href="#id_on_behalf_basis_0"]')
    assert link.count() == 1
    assert page.locator("#id_on_behalf_basis_error").inner_text().endswith(link.inner_text())
    assert "id_on_behalf_basis_error" in str(
        page.locator("fieldset:has(#id_on_behalf_basis_0)").get_attribute("aria-describedby")
    )
    assert page.locator('input[name="filer_role"][value="relative"]').is_checked()

    # From the summary to the question with the keyboard: the link focuses the first option.
    tab_to(page, 'a[href="#id_on_behalf_basis_0"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**#id_on_behalf_basis_0")
    assert takes_focus(page, "#id_on_behalf_basis_0")
    arrow_to(page, "on_behalf_basis", "client_deceased")
    send(page, "/file/client/")
    assert "#" not in page.url  # the fragment stays behind
    assert not page.title().startswith(error_prefix("fi"))

    page.locator("#id_client-name").fill("Matti Meikäläinen")
    send(page, "/file/filer/")
    page.locator("#id_filer-name").fill("Liisa Meikäläinen")
    page.locator("#id_filer-address").fill("Kotikatu 1\n94100 Kemi")
    send(page, "/file/service/")
    page.locator("#id_service_unit").select_option(str(unit.pk))
    send(page, "/file/what/")
    page.locator("#id_description").fill("Isääni kohdeltiin huonosti.")
    page.locator('input[name="contests_decision"][value="no"]').check()
    send(page, "/file/language/")
    page.locator('input[name="language"][value="fi"]').check()
    page.locator('input[name="reply_delivery"][value="post"]').check()
    # The client has died: the reply is the filer's without anyone's consent to ask.
    assert page.locator("#id_consent_reply_to_filer").count() == 0
    send(page, "/file/check/")
    send(page, "/file/done/")

    complaint = Complaint.objects.get()
    assert complaint.filer_role == "relative"
    assert complaint.on_behalf_basis == "client_deceased"
    assert complaint.client_name == "Matti Meikäläinen"
    assert complaint.filer_name == "Liisa Meikäläinen"
    assert complaint.reply_to_filer


def test_an_error_keeps_what_was_typed(page, unit):
    page.goto("/file/what/")
    page.locator("#id_persons_involved").fill("Sosiaalityöntekijä Virtanen")
    page.locator('input[name="contests_decision"][value="no"]').check()
    send(page, "/file/what/")

    assert page.title().startswith(error_prefix("fi"))
    assert takes_focus(page, "#error-summary")
    at_field = page.locator("#id_description_error")
    assert at_field.is_visible()
    in_summary = page.locator('#error-summary a[href="#id_description"]')
    assert in_summary.is_visible()
    assert at_field.inner_text().endswith(in_summary.inner_text())
    assert "id_description_error" in str(
        page.locator("#id_description").get_attribute("aria-describedby")
    )
    assert page.locator("#id_persons_involved").input_value() == "Sosiaalityöntekijä Virtanen"
    assert page.locator('input[name="contests_decision"][value="no"]').is_checked()

    in_summary.click()
    assert takes_focus(page, "#id_description")
    page.locator("#id_description").fill("Minua ei kuunneltu.")
    send(page, "/file/language/")
    page.goto("/file/what/")
    assert page.locator("#id_persons_involved").input_value() == "Sosiaalityöntekijä Virtanen"
    assert page.locator("#id_description").input_value() == "Minua ei kuunneltu."
    assert not page.locator("#error-summary").count()


def test_the_tracking_page_and_withdraw(page, unit):
    track_url = file_as_the_client(page, unit)
    complaint = Complaint.objects.get()
    assert complaint.reference in page.locator("h1").inner_text()
    assert page.locator(".lead.status-received").is_visible()

    click_and_wait(page, 'main a[href$="/withdraw/"]')
    assert urlsplit(page.url).path.endswith("/withdraw/")
    assert complaint.reference in page.locator("h1").inner_text()
    complaint.refresh_from_db()
    assert complaint.status == Status.RECEIVED  # nothing happens before confirming
    page.locator("#id_reason").fill("Asia selvisi.")
    assert post_and_wait(page).status == 302

    assert page.url == track_url
    assert page.locator(".lead.status-withdrawn").is_visible()
    assert page.locator('.messages[role="status"]').is_visible()
    assert page.locator('main a[href$="/withdraw/"]').count() == 0
    complaint.refresh_from_db()
    assert complaint.status == Status.WITHDRAWN


def test_an_attachment_is_added_on_the_tracking_page(page, unit):
    track_url = file_as_the_client(page, unit)
    page.locator("#id_upload").set_input_files(
        files=[{"name": "kirje.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    assert post_and_wait(page).status == 302
    assert page.url == track_url
    assert page.locator('main a:text("kirje.pdf")').is_visible()
    assert Complaint.objects.get().attachments.get().original_name == "kirje.pdf"


# WCAG 1.4.12: the text spacing a user may set, applied as a constructed style sheet (the
# Content-Security-Policy allows no inline style).
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: .12em !important;
    word-spacing: .16em !important; }
p { margin-bottom: 2em !important; }
"""
SPACE_OUT = """css => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""


def assert_no_sideways_scrolling(page: Any, what: str) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert width == 320
    for spacing in (False, True):
        if spacing:
            page.evaluate(SPACE_OUT, TEXT_SPACING)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width + 1, (
            f"{what} scrolls sideways at 320 px{' with text spacing' if spacing else ''}: "
            f"{scroll_width} px"
        )


def test_the_pages_reflow_at_320_css_pixels(page, unit):
    """WCAG 1.4.10: 320 CSS px wide (1280 px zoomed to 400 %), nothing scrolls sideways."""
    page.set_viewport_size({"width": 320, "height": 640})
    answer_as_the_client(page, unit, email="maija.meikalainen@sosiaalijaterveyspalvelut.fi")
    assert_no_sideways_scrolling(page, "the check page")
    send(page, "/file/done/")
    assert_no_sideways_scrolling(page, "the confirmation page")
    click_and_wait(page, ".tracking-link a")
    assert_no_sideways_scrolling(page, "the tracking page")
