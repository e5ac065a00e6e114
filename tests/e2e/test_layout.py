"""Every lesson on a classroom laptop, a projector and a phone: full-page screenshots for a human
to look at (``test-artifacts/screenshots/<size>/<n>_<url_path>.png``, git-ignored), and on the
phone nothing may stick out sideways or cut a chart off.

Streamlit scrolls inside ``[data-testid=stMain]``, not the document, so a "full page" screenshot
first grows the viewport to the height of that scroll container.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from ui.lessons import LESSONS, Lesson
from ui.params import format_number

from .conftest import REPO_ROOT, recording_page
from .helpers import LESSON_IDS, live_param, query_of, slider_text, visit

pytestmark = pytest.mark.slow

SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
#: Chromium cannot paint a page taller than this in one screenshot.
MAX_SHOT_HEIGHT = 16000


@dataclass(frozen=True)
class Size:
    name: str
    context: dict[str, Any]
    params: dict[str, str]


SIZES = (
    Size("desktop", {"viewport": {"width": 1366, "height": 768}}, {}),
    Size("projector", {"viewport": {"width": 1920, "height": 1080}}, {"projector": "true"}),
    Size(
        "phone",
        {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
        {},
    ),
)

# What sticks out to the right of the phone's screen. The document and Streamlit's scroll
# container must not scroll sideways; every block of the layout (element, row of columns,
# column) and every drawn chart must end inside the screen. Wide content that scrolls inside its
# own box (a table, a code block, a long formula) is fine: it is reachable and not cut off.
OVERFLOW_JS = """() => {
  const vw = window.innerWidth;
  const main = document.querySelector("[data-testid='stMain']");
  const right = e => e.getBoundingClientRect().right;
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const name = e => (e.dataset.testid || e.tagName) + ': ' + (e.innerText || '').slice(0, 60);
  const blocks = [...main.querySelectorAll(
    "[data-testid='stElementContainer'], [data-testid='stHorizontalBlock'], " +
    "[data-testid='stColumn'], [data-testid='stVerticalBlock']")]
    .filter(visible).filter(e => right(e) > vw + 1)
    .map(e => name(e) + ' (right edge ' + Math.round(right(e)) + ')');
  const charts = [...main.querySelectorAll("[data-testid='stPlotlyChart']")]
    .filter(visible).filter(e => right(e) > vw + 1)
    .map(e => name(e) + ' (right edge ' + Math.round(right(e)) + ')');
  return {
    viewport: vw,
    document: document.documentElement.scrollWidth,
    main: [main.scrollWidth, main.clientWidth],
    blocks, charts,
    chartCount: [...main.querySelectorAll("[data-testid='stPlotlyChart']")].filter(visible).length,
  };
}"""


@pytest.fixture(scope="module")
def browser_pages(browser: Browser) -> Iterator[dict[str, Page]]:
    """One context and page per size, kept for the module (warm cache, page switches)."""
    contexts: list[BrowserContext] = []
    pages: dict[str, Page] = {}
    for size in SIZES:
        context = browser.new_context(**size.context)
        contexts.append(context)
        pages[size.name] = recording_page(context)
    yield pages
    for context in contexts:
        context.close()


def full_page_screenshot(page: Page, path) -> None:
    """Grow the viewport to the whole scrollable height of the app, shoot, and restore it."""
    viewport = page.viewport_size
    assert viewport
    height = page.evaluate(
        """() => {
          const main = document.querySelector("[data-testid='stMain']");
          return Math.max(main.scrollHeight + main.getBoundingClientRect().top,
                          document.documentElement.scrollHeight);
        }"""
    )
    page.set_viewport_size({"width": viewport["width"], "height": min(height, MAX_SHOT_HEIGHT)})
    try:
        page.wait_for_timeout(400)  # let Plotly follow the resize
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), animations="disabled")
    finally:
        page.set_viewport_size(viewport)


@pytest.mark.parametrize("size", SIZES, ids=[s.name for s in SIZES])
@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_screenshot_and_nothing_overflows_on_a_phone(
    app_url: str, browser_pages: dict[str, Page], size: Size, lesson: Lesson
) -> None:
    page = browser_pages[size.name]
    page.errors.clear()  # type: ignore[attr-defined]
    # The first lesson is opened by its link (with the size's values); the others through the
    # app's own navigation, which keeps app-wide settings such as the projector.
    first = lesson.number == 1 or not page.url.startswith(app_url)  # also when run alone (-k)
    visit(page, app_url, lesson, size.params if first else None)
    query = query_of(page.url)
    for key, value in size.params.items():
        assert query.get(key) == [value], page.url
    # Opened with its defaults: they stay out of the URL (a link holds only what was changed).
    assert set(query) <= set(size.params), f"default values in the URL: {page.url}"
    live = live_param(lesson)
    assert slider_text(page, live.label) == format_number(live.default)

    layout = page.evaluate(OVERFLOW_JS)
    full_page_screenshot(page, SCREENSHOTS / size.name / f"{lesson.number}_{lesson.url_path}.png")

    assert layout["chartCount"] > 0, "no chart is drawn"
    if size.name == "phone":
        vw = layout["viewport"]
        assert layout["document"] <= vw + 1, f"the page scrolls sideways: {layout}"
        main_scroll, main_client = layout["main"]
        assert main_scroll <= main_client + 1, f"the app's scroll area scrolls sideways: {layout}"
        assert not layout["blocks"], f"blocks stick out of the {vw}px screen: {layout['blocks']}"
        assert not layout["charts"], f"charts are cut off at {vw}px: {layout['charts']}"
