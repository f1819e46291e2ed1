"""Report pages in Debian's headless Chromium, offline: what a person opening them would see."""

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from tests.e2e.test_docs_browser import ARTIFACTS, _chromium

DOCS = Path(__file__).resolve().parents[1] / "docs"


@contextlib.contextmanager
def opened(html: str, *, width: int = 1280) -> Iterator[tuple[Page, list[str]]]:
    """The page loaded in Chromium with every network request refused (and recorded)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium(), timeout=30_000, args=["--no-sandbox"]
        )
        try:
            context = browser.new_context(viewport={"width": width, "height": 900})
            requested: list[str] = []

            def refuse(route: Any) -> None:
                requested.append(route.request.url)
                route.abort("internetdisconnected")

            context.route("**/*", refuse)
            page = context.new_page()
            page.set_content(html, wait_until="load")
            yield page, requested
        finally:
            browser.close()


def chart_marks(page: Page, chart: str, mark: str) -> list[dict[str, Any]]:
    """The drawn marks of one chart, with their size on screen."""
    marks: list[dict[str, Any]] = page.eval_on_selector_all(
        f'svg[data-chart="{chart}"] .{mark}',
        "els => els.map(e => { const b = e.getBoundingClientRect();"
        " return {cls: e.getAttribute('class'), value: e.dataset.value,"
        " share: e.dataset.share, width: b.width, height: b.height}; })",
    )
    return marks


def field_values(page: Page) -> dict[str, float | None]:
    """Every `data-field` cell's raw value (None when the page shows none)."""
    pairs: list[list[str]] = page.eval_on_selector_all(
        "[data-field][data-value]", "els => els.map(e => [e.dataset.field, e.dataset.value])"
    )
    return {name: float(value) if value else None for name, value in pairs}


def screenshot(page: Page, name: str, *, to_docs: bool = False) -> Path:
    """A full-page screenshot in the test artefacts (and in docs/ when asked)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    if to_docs or os.environ.get("UPDATE_DOC_SCREENSHOTS"):
        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / name), full_page=True)
    return path
