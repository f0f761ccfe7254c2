"""In the browser, without JavaScript: "still dissatisfied" from the tracking page to the
confirmation and the note, accessible (axe-core, WCAG 2.1 AA) in Finnish, Swedish and English."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from complaints.choices import EventKind, Status
from tests.browser.conftest import at, click_and_wait
from tests.browser.test_accessibility import assert_accessible
from tests.factories import ComplaintFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HELSINKI = ZoneInfo("Europe/Helsinki")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_still_dissatisfied_leads_to_the_note(browser, site, org, unit, language):
    complaint, code = ComplaintFactory.tracked(
        Status.REPLIED,
        organisation=org,
        service_unit=unit,
        language=language,
        replied_at=datetime(2026, 10, 20, 12, tzinfo=HELSINKI),
    )
    context = browser.new_context(
        base_url=site, java_script_enabled=False, extra_http_headers={"Accept-Language": language}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"/track/{code}/")
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible_without_script(page, "tracking page with the kantelu section")
        click_and_wait(page, "#dissatisfied button[type=submit]")
        at(page, f"/track/{code}/dissatisfied/")
        link = page.locator(f'a[href="/track/{code}/documents/escalation_note/"]')
        assert link.count() == 1
        assert_accessible_without_script(page, "escalation note confirmation")
        page.goto(f"/track/{code}/")
        assert page.locator('a[href$="/documents/escalation_note/"]').count() == 1
    finally:
        context.close()
    assert complaint.events.filter(kind=EventKind.DISSATISFIED).count() == 1


def assert_accessible_without_script(page, what):
    """axe-core runs as script: check the same page in a scripted context, same language."""
    language = page.locator("html").get_attribute("lang")
    checker = page.context.browser.new_context(extra_http_headers={"Accept-Language": language})
    try:
        scripted = checker.new_page()
        scripted.goto(page.url)
        assert scripted.locator("html").get_attribute("lang") == language
        assert_accessible(scripted, what)
    finally:
        checker.close()
