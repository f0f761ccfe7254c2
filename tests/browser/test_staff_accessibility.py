"""axe-core on the staff pages (WCAG 2.1 AA): no violation of any impact, in every state a
page shows; and the queue and the case page reflow at 320 CSS px (WCAG 1.4.10)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from complaints import clock
from complaints.actors import Actor
from complaints.choices import Role, Status
from complaints.models import Document, ReplyTemplate, StatementRequest
from complaints.services import access_record, tracking_code_new
from tests.browser.conftest import SUBMIT, at, click_and_wait
from tests.browser.test_accessibility import AXE, BLOCKING, OPTIONS, describe
from tests.factories import ComplaintFactory, staff_user
from workflow.tasks import document_generate_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "Maija-Liisa Meikäläinen-Virtanen-Korhonen"
# The logout button sits in a form in <main> too.
SEARCH = "main form[method=get] button[type=submit]"
LONG_EMAIL = "maija-liisa.meikalainen@sosiaalijaterveyspalvelut.example.org"


# --- helpers -------------------------------------------------------------------------------


def assert_clean(page: Any, what: str) -> None:
    """Like ``assert_accessible``, and stricter: no violation at all, whatever its impact."""
    assert page.evaluate("getComputedStyle(document.body).maxWidth") != "none", (
        f"{what}: the style sheet did not load"
    )
    # axe-core no longer reports duplicate ids, but a label's "for" finds only the first.
    duplicated = page.evaluate(
        "() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);"
        " return ids.filter((id, i) => ids.indexOf(id) !== i); }"
    )
    assert not duplicated, f"{what} ({page.url}): ids used twice: {duplicated}"
    violations = AXE.run(page, options=OPTIONS).response["violations"]
    blocking = [violation for violation in violations if violation["impact"] in BLOCKING]
    assert not blocking, f"{what} ({page.url}):\n{describe(blocking)}"
    assert not violations, f"{what} ({page.url}):\n{describe(violations)}"


def log_in(page: Any, user: Any) -> None:
    page.goto("/staff/login/")
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill("pw")
    click_and_wait(page, SUBMIT)


def set_language(page: Any, site: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])


def open_details(page: Any, summary: Any) -> None:
    summary.click()
    assert summary.locator("xpath=..").get_attribute("open") is not None


def assert_no_sideways_scrolling(page: Any, what: str) -> None:
    assert page.evaluate("document.documentElement.clientWidth") == 320
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 321, f"{what} scrolls sideways at 320 px: {scroll_width} px"


# --- data ----------------------------------------------------------------------------------


@pytest.fixture
def cases(org: Any, unit: Any, handler: Any) -> list[Any]:
    """A queue with a mix of states, badges and languages."""
    today = clock.helsinki_date(clock.now())
    overdue = ComplaintFactory(
        organisation=org,
        service_unit=unit,
        status=Status.IN_HANDLING,
        handler=handler,
        client_name=LONG_NAME,
    )
    overdue.due_date = today - timedelta(days=5)
    overdue.overdue = True
    overdue.save()
    soon = ComplaintFactory(organisation=org, service_unit=unit, language="sv")
    soon.due_date = today + timedelta(days=3)
    soon.extended, soon.due_rule = True, "two_months"
    soon.save()
    later = ComplaintFactory(
        organisation=org, service_unit=unit, client_name="Aino Aaltonen", channel="post"
    )
    return [overdue, soon, later]


@pytest.fixture
def admin(org: Any) -> Any:
    return staff_user("admin", Role.ADMIN, organisation=org, all_units=True)


def statement_for(case: Any, handler: Any) -> str:
    token, digest = tracking_code_new()
    StatementRequest.objects.create(
        complaint=case,
        respondent_name="Sari Sosiaalityöntekijä",
        respondent_email="sari@example.org",
        question="Mitä tapahtui 3.11.?\nKerro omin sanoin.",
        due_date=clock.helsinki_date(clock.now()) + timedelta(days=14),
        token_hash=digest,
        requested_by=handler,
        requested_at=clock.now(),
    )
    return token


# --- the pages -----------------------------------------------------------------------------


def test_the_login_page(page):
    page.goto("/staff/login/")
    assert_clean(page, "login")
    click_and_wait(page, SUBMIT)
    assert page.locator("#error-summary").is_visible()
    assert_clean(page, "login with errors")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_queue(page, site, handler, cases, language):
    set_language(page, site, language)
    log_in(page, handler)
    at(page, "/staff/cases/")
    assert page.locator("html").get_attribute("lang") == language
    for case in cases:
        assert page.locator(f'main a[href="/staff/cases/{case.reference}/"]').count() == 1
    assert_clean(page, "queue")

    page.goto("/staff/cases/?q=Aaltonen&language=fi")
    assert page.locator("details.filters").get_attribute("open") is not None
    assert page.locator("main tbody tr").count() == 1
    assert_clean(page, "queue with the filters open")

    page.goto("/staff/cases/?due_within=abc")
    assert page.locator("details.filters .error-summary").is_visible()
    # The summary takes the focus and leads to the field, which says what is wrong with it.
    page.wait_for_function("document.activeElement.id === 'error-summary'")
    assert page.locator('#error-summary a[href="#id_due_within"]').count() == 1
    assert page.locator("#id_due_within").get_attribute("aria-describedby") == (
        "id_due_within_error"
    )
    assert page.locator("main table").count() == 0
    assert_clean(page, "queue with an error in the filters")

    page.goto("/staff/cases/?q=no-such-case")
    assert page.locator("main table").count() == 0
    assert_clean(page, "queue with nothing found")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_new_case(page, site, org, unit, handler, language):
    case = ComplaintFactory(
        organisation=org,
        service_unit=unit,
        client_name=LONG_NAME,
        client_email=LONG_EMAIL,
        description="<script>alert(1)</script>\nPitkä kuvaus. " * 5,
    )
    set_language(page, site, language)
    log_in(page, handler)
    page.goto(f"/staff/cases/{case.reference}/")
    assert page.locator("html").get_attribute("lang") == language
    assert case.reference in page.locator("h1").inner_text()
    assert_clean(page, "case page, received")
    # Every action's form, opened.
    for summary in page.locator(".actions details > summary").all():
        summary.click()
    assert_clean(page, "case page, received, with every action open")


def test_a_case_in_handling(page, org, unit, handler):
    case = ComplaintFactory(
        organisation=org, service_unit=unit, status=Status.IN_HANDLING, handler=handler
    )
    ReplyTemplate.objects.create(
        organisation=org, language="fi", name="Perus", greeting="Hyvä {recipient_name},"
    )
    statement_for(case, handler)
    log_in(page, handler)
    page.goto(f"/staff/cases/{case.reference}/")
    assert page.locator("#reply #id_text").is_visible()  # the draft
    assert page.locator("#timeline #id_note").is_visible()
    assert page.locator("#id_template").is_visible()
    assert_clean(page, "case page, in handling")

    open_details(page, page.locator("#statements details > summary"))
    with page.expect_navigation():
        page.locator("#statements form button[type=submit]").click()
    assert page.locator("#statements details").get_attribute("open") is not None
    assert page.locator("#statements .error-summary").is_visible()
    assert_clean(page, "case page, a statement request with errors")

    # A transition with errors: transfer without a reason.
    page.goto(f"/staff/cases/{case.reference}/")
    transfer = page.locator('.actions details:has(form[action$="/transfer/"])')
    open_details(page, transfer.locator("summary"))
    with page.expect_navigation():
        transfer.locator("button[type=submit]").click()
    assert page.locator(".actions .error-summary").is_visible()
    assert_clean(page, "case page, a transition with errors")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_a_case_awaiting_approval(page, site, org, unit, handler, approver, language):
    case = ComplaintFactory.in_state(
        Status.AWAITING_APPROVAL, organisation=org, service_unit=unit, drafter=handler
    )
    set_language(page, site, language)
    log_in(page, approver)
    page.goto(f"/staff/cases/{case.reference}/")
    assert page.locator('form[action$="/approve_reply/"]').count() == 1
    assert_clean(page, "case page, awaiting approval")
    back = page.locator('.actions details:has(form[action$="/return_reply/"])')
    open_details(page, back.locator("summary"))
    with page.expect_navigation():
        back.locator("button[type=submit]").click()
    assert page.locator(".actions .error-summary").is_visible()
    assert_clean(page, "case page, returning a reply without a comment")


def test_a_replied_case(page, org, unit, handler):
    case = ComplaintFactory.in_state(
        Status.REPLIED, organisation=org, service_unit=unit, drafter=handler, handler=handler
    )
    document_generate_task(complaint_id=case.pk, kind=Document.Kind.REPLY)
    log_in(page, handler)
    page.goto(f"/staff/cases/{case.reference}/")
    assert page.locator("#documents li a").count() >= 1
    assert_clean(page, "case page, replied")
    for summary in page.locator("main details > summary").all():
        summary.click()
    assert_clean(page, "case page, replied, everything open")


def test_the_respondents_statement_page(page, org, unit, handler):
    case = ComplaintFactory(
        organisation=org, service_unit=unit, status=Status.IN_HANDLING, handler=handler
    )
    token = statement_for(case, handler)
    page.goto(f"/staff/statements/{token}/")
    assert case.reference in page.locator("main").inner_text()
    assert_clean(page, "statement page")

    with page.expect_navigation():
        page.locator(SUBMIT).click()
    assert page.locator("#error-summary").is_visible()
    assert_clean(page, "statement page with an error")

    page.locator("#id_answer").fill("Asiakas sai asianmukaista palvelua.")
    with page.expect_navigation():
        page.locator(SUBMIT).click()
    assert page.locator("main [role=status]").is_visible()
    assert_clean(page, "statement page, answered")


def test_the_access_log(page, org, unit, handler, admin):
    case = ComplaintFactory(organisation=org, service_unit=unit)
    access_record(complaint=case, actor=Actor.staff(handler), at=clock.now(), what="staff:case")
    log_in(page, admin)
    at(page, "/staff/access-log/")
    assert_clean(page, "access log")
    click_and_wait(page, SEARCH)
    assert page.locator("#error-summary").is_visible()
    assert_clean(page, "access log, nothing asked")
    page.locator("#id_reference").fill(case.reference)
    click_and_wait(page, SEARCH)
    assert page.locator("main table tbody tr").count() == 1
    assert_clean(page, "access log, results")
    page.locator("#id_reference").fill("KEMI-2000-000000")
    click_and_wait(page, SEARCH)
    assert page.locator("main table").count() == 0
    assert_clean(page, "access log, none found")


def test_the_letters_to_post(page, org, unit, handler):
    case = ComplaintFactory.in_state(
        Status.REPLIED,
        organisation=org,
        service_unit=unit,
        drafter=handler,
        reply_delivery="post",
        client_address="Valtakatu 1\n94100 Kemi",
    )
    document_generate_task(complaint_id=case.pk, kind=Document.Kind.REPLY)
    log_in(page, handler)
    page.goto("/staff/post/")
    assert page.locator(f'main a[href="/staff/cases/{case.reference}/"]').count() == 1
    assert_clean(page, "letters to post")
    page.goto("/staff/post/?date=2000-01-01")
    assert page.locator("main table").count() == 0
    assert_clean(page, "letters to post, none")


# --- reflow --------------------------------------------------------------------------------


def test_the_queue_and_the_case_reflow_at_320_css_pixels(page, org, unit, handler, cases):
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, handler)
    at(page, "/staff/cases/")
    assert_no_sideways_scrolling(page, "the queue")
    page.goto("/staff/cases/?q=Aaltonen")
    assert_no_sideways_scrolling(page, "the queue with the filters open")
    # The table scrolls inside its own container, which the keyboard can reach and scroll.
    region = page.locator("main .table-scroll")
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("role") == "region"
    assert page.evaluate(
        "el => !!el.getAttribute('aria-labelledby') || !!el.getAttribute('aria-label')",
        region.element_handle(),
    )

    case = cases[0]
    ReplyTemplate.objects.create(organisation=org, language="fi", name="Perus")
    page.goto(f"/staff/cases/{case.reference}/")
    assert_no_sideways_scrolling(page, "the case page")
    for summary in page.locator("main details > summary").all():
        summary.click()
    assert_no_sideways_scrolling(page, "the case page with everything open")
