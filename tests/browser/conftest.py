"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in the test thread, so Django's guard against
database access from async code is switched off for these tests (the live server thread and
the test thread each use their own connection as usual).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 5_000
SUBMIT = "main form button[type=submit]"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: drives Chromium through Playwright (skipped locally when absent, fails in CI)",
    )


def _absent(what: str) -> None:
    message = f"{what} is not available"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message}, and REQUIRE_SERVICES=1 demands it")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module; it is closed (and its event loop with it)
    when the module ends, so the tests after it run without a loop in their thread."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _absent(f"Chromium at {CHROMIUM} (set CHROMIUM or install the chromium package)")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _absent("Playwright (uv sync installs it)")
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's event loop runs in this thread while the browser is open.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            launched = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        except Error as error:
            playwright.stop()
            _absent(f"A working Chromium at {CHROMIUM} ({error.message.splitlines()[0]})")
        try:
            yield launched
        finally:
            launched.close()
            playwright.stop()


@pytest.fixture
def site(live_server: Any, org: Any, unit: Any) -> str:
    """The live server's address, with one organisation and one service unit."""
    return str(live_server.url)


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    """A fresh context (no cookies, Finnish) and a page in it, per test."""
    context = browser.new_context(
        base_url=site, locale="fi-FI", extra_http_headers={"Accept-Language": "fi"}
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    opened = context.new_page()
    yield opened
    context.close()


# --- moving through the pages (the tests import these) ------------------------------------


def at(page: Any, path: str) -> None:
    """Wait until the page at ``path`` has loaded (whatever its query or fragment)."""
    page.wait_for_url(lambda url: urlsplit(url).path == path)


def click_and_wait(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def send(page: Any, then: str | None = None) -> None:
    """Submit the page's form; ``then`` is the path it must lead to."""
    click_and_wait(page, SUBMIT)
    if then:
        at(page, then)


def answer_as_the_client(
    page: Any, unit: Any, *, email: str = "maija.meikalainen@example.org"
) -> None:
    """The question pages with plain clicks, up to "check your answers"."""
    page.goto("/file/who/")
    page.locator('input[name="filer_role"][value="client"]').check()
    send(page, "/file/client/")
    page.locator("#id_client-name").fill("Maija Meikäläinen")
    page.locator("#id_client-email").fill(email)
    send(page, "/file/service/")
    page.locator("#id_service_unit").select_option(str(unit.pk))
    send(page, "/file/what/")
    page.locator("#id_description").fill("Minua kohdeltiin huonosti. " * 20)
    page.locator('input[name="contests_decision"][value="yes"]').check()
    send(page, "/file/language/")
    page.locator('input[name="language"][value="fi"]').check()
    page.locator('input[name="reply_delivery"][value="online"]').check()
    send(page, "/file/check/")
