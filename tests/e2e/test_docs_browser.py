"""/docs in headless Chromium (Debian's) with nothing reachable but loopback.

Lists every public operation, signs in through the Authorize dialog (OAuth2 password flow)
and executes POST /v1/predict from the page. Screenshots land in var/test-artifacts/
(or $TEST_ARTIFACTS_DIR).
"""

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from tests.e2e.conftest import ADMIN, RunningStack

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", ROOT / "var" / "test-artifacts"))
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}
STEP_TIMEOUT_MS = 15_000


def _chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and shutil.which(candidate):
            return candidate
    raise AssertionError(
        "Chromium not found: `apt-get install chromium` (Debian's package; .ci/run installs it) "
        "or set CHROMIUM to its binary"
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium(),
            timeout=30_000,
            # As root Chromium needs --no-sandbox; the resolver rule makes every name but
            # loopback unresolvable, so a CDN reference fails here exactly as offline.
            args=["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page that refuses (and records) every request leaving loopback."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    outside: list[str] = []

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK | {"::1"}:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        yield page, outside
    finally:
        context.close()


def _public_operations(gateway: str) -> dict[tuple[str, str], str]:
    """(METHOD, path) → the Swagger UI element id, from the document the gateway serves."""
    document = httpx.get(f"{gateway}/openapi.json", timeout=10).json()
    return {
        (verb.upper(), path): f"operations-{operation['tags'][0]}-{operation['operationId']}"
        for path, item in document["paths"].items()
        for verb, operation in item.items()
    }


def _listed(page: Page) -> set[tuple[str, str]]:
    rows = page.eval_on_selector_all(
        ".opblock",
        """blocks => blocks.map(b => [
            b.querySelector('.opblock-summary-method').textContent.trim(),
            b.querySelector('.opblock-summary-path').getAttribute('data-path')])""",
    )
    return {(method, path) for method, path in rows}


def _sign_in(page: Page) -> None:
    page.click("button.authorize")
    dialog = page.locator(".modal-ux")
    dialog.locator("#oauth_username").fill(ADMIN[0])
    dialog.locator("#oauth_password").fill(ADMIN[1])
    dialog.locator(".auth-btn-wrapper button.authorize").click()
    # Swagger UI swaps the button for "Logout" once the token endpoint answered 200.
    dialog.locator("button:has-text('Logout')").wait_for()
    dialog.locator("button.btn-done").click()


def test_docs_page_lists_every_operation_and_scores_from_the_page(
    running_stack: RunningStack, page: tuple[Page, list[str]]
) -> None:
    tab, outside = page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    operations = _public_operations(running_stack.gateway)

    tab.goto(f"{running_stack.gateway}/docs", wait_until="load")
    tab.wait_for_selector(".opblock", state="attached")
    missing = set(operations) - _listed(tab)
    assert not missing, f"/docs does not list: {sorted(missing)}"

    _sign_in(tab)
    tab.screenshot(path=str(ARTIFACTS / "docs-overview.png"))

    predict = tab.locator(f"#{operations[('POST', '/v1/predict')]}")
    predict.locator(".opblock-summary").click()
    predict.locator("button.try-out__btn").click()
    predict.locator("button.execute").click()
    status = predict.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    body = predict.locator(".live-responses-table .response-col_description pre").first
    answer = json.loads(body.inner_text())
    # One screen from the operation's header down to the server's answer.
    tab.set_viewport_size({"width": 1280, "height": 1700})
    predict.evaluate("block => block.scrollIntoView()")
    tab.screenshot(path=str(ARTIFACTS / "docs-predict.png"))

    assert status.inner_text().strip() == "200", body.inner_text()
    assert 0.0 <= answer["probability"] <= 1.0
    assert answer["model"]["name"] == running_stack.model_name
    assert not outside, f"the page tried to leave loopback: {outside}"


def test_redoc_renders_offline(running_stack: RunningStack, page: tuple[Page, list[str]]) -> None:
    tab, outside = page
    tab.goto(f"{running_stack.gateway}/redoc", wait_until="load")
    # ReDoc renders one heading per operation once it has read the document.
    tab.locator("h2", has_text="Score one customer").first.wait_for()
    headings = tab.locator("h2").all_inner_texts()
    assert "Report what the customer actually did" in headings, headings
    assert not outside, f"the page tried to leave loopback: {outside}"
