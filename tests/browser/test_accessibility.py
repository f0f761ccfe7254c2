"""axe-core on every public page: no serious or critical violation (WCAG 2.1 AA)."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from complaints.choices import Status
from complaints.services import tracking_code_new
from tests.browser.conftest import answer_as_the_client, click_and_wait, send
from tests.factories import ComplaintFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = ("serious", "critical")
AXE = Axe()
OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.extend(f"      {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)


def assert_accessible(page: Any, what: str) -> None:
    assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none", (
        f"{what}: the style sheet did not load"
    )
    violations = AXE.run(page, options=OPTIONS).response["violations"]
    blocking = [violation for violation in violations if violation["impact"] in BLOCKING]
    assert not blocking, f"{what} ({page.url}):\n{describe(blocking)}"


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_information_pages(page, site, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    for path, what in [
        ("/", "start page"),
        ("/accessibility/", "accessibility statement"),
        ("/feedback/", "feedback"),
        ("/no-such-page/", "404"),
        ("/track/not-a-real-code/", "404 for a tracking link"),
    ]:
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page, what)


def test_the_feedback_pages(page, org):
    page.goto("/feedback/")
    send(page, "/feedback/")
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "feedback with errors")
    page.locator("#id_organisation").select_option(org.slug)
    page.locator("#id_text").fill("Hyvä palvelu!")
    send(page, "/feedback/")
    assert page.locator(".panel-confirmation").is_visible()
    assert_accessible(page, "feedback sent")


def test_the_question_pages_of_a_relative(page, unit):
    page.goto("/file/who/")
    assert_accessible(page, "who is filing")
    page.locator('input[name="filer_role"][value="relative"]').check()
    send(page)
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "who is filing, with an error")
    page.locator('input[name="on_behalf_basis"][value="client_unable"]').check()
    send(page, "/file/client/")

    assert_accessible(page, "the client's details")
    send(page)
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "the client's details, with an error")
    page.locator("#id_client-name").fill("Matti Meikäläinen")
    send(page, "/file/filer/")

    assert_accessible(page, "your details")
    page.locator("#id_filer-name").fill("Liisa Meikäläinen")
    page.locator("#id_filer-email").fill("liisa@example.org")
    send(page, "/file/service/")

    assert_accessible(page, "the service")
    page.locator("#id_event_date").fill("not a date")
    send(page)
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "the service, with errors")
    page.locator("#id_service_unit").select_option(str(unit.pk))
    page.locator("#id_event_date").fill("")
    send(page, "/file/what/")

    assert_accessible(page, "what happened")
    send(page)
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "what happened, with errors")
    page.locator("#id_description").fill("Isääni kohdeltiin huonosti.")
    page.locator('input[name="contests_decision"][value="yes"]').check()
    page.locator("details.details summary").click()
    send(page, "/file/language/")

    assert_accessible(page, "language and the reply")
    page.locator('input[name="language"][value="fi"]').check()
    page.locator('input[name="reply_delivery"][value="post"]').check()
    send(page)
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "language and the reply, with an error")
    page.locator('input[name="reply_delivery"][value="online"]').check()
    page.locator("#id_consent_reply_to_filer").check()
    send(page, "/file/check/")
    assert page.locator(".notice").is_visible()  # the decision guidance
    assert_accessible(page, "check your answers, for a relative")


def test_the_organisation_page(page, org):
    """The first question, asked only when the service has several organisations."""
    OrganisationFactory(slug="tornio", reference_prefix="TORNIO", name_fi="Tornio")
    page.goto("/file/organisation/")
    assert_accessible(page, "organisation")
    send(page, "/file/organisation/")
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "organisation, with an error")
    page.locator('input[name="organisation"][value="tornio"]').check()
    send(page, "/file/who/")


def test_the_pages_after_sending(page, unit):
    answer_as_the_client(page, unit)
    assert_accessible(page, "check your answers")
    send(page, "/file/done/")
    assert_accessible(page, "confirmation")
    click_and_wait(page, ".tracking-link a")
    assert_accessible(page, "tracking page")
    click_and_wait(page, 'main a[href$="/withdraw/"]')
    assert_accessible(page, "withdraw confirmation")


@pytest.mark.parametrize("state", [Status.WITHDRAWN, Status.REPLIED])
def test_the_tracking_page_of_a_closed_case(page, org, unit, state):
    code, digest = tracking_code_new()
    complaint = ComplaintFactory.in_state(
        state, organisation=org, service_unit=unit, tracking_code_hash=digest
    )
    page.goto(f"/track/{code}/")
    assert complaint.reference in page.locator("h1").inner_text()
    assert_accessible(page, f"tracking page, {state}")
