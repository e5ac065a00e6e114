"""Projector mode makes every lesson legible from the back of a classroom: ``?projector=true``
(or the sidebar switch) scales the page's text by at least 1.4.

One browser page tours the lessons through the app's own navigation; on each lesson the sidebar
switch flips the mode, so every lesson is measured with and without it, the link sets it on the
first lesson, and the switch turns it both on and off.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from ui.lessons import LESSONS, PROJECTOR, Lesson

from .conftest import recording_page, wait_for_app
from .helpers import LESSON_IDS, assert_app_healthy, query_of, visit

MIN_RATIO = 1.4
FONT_SIZES_JS = """() => {
  const px = e => parseFloat(getComputedStyle(e).fontSize);
  const p = document.querySelector("[data-testid='stMain'] [data-testid='stMarkdownContainer'] p");
  return {root: px(document.documentElement), paragraph: p ? px(p) : null};
}"""


@pytest.fixture(scope="module")
def tour(warm_context: BrowserContext) -> Iterator[Page]:
    page = recording_page(warm_context)
    yield page
    page.close()


def _switch(page: Page):
    return page.get_by_test_id("stSidebar").get_by_role("switch", name=PROJECTOR.label)


def _flip(page: Page) -> bool:
    """Click the sidebar switch; return the new state once the page has rerun with it."""
    was_on = _switch(page).is_checked()
    page.get_by_test_id("stSidebar").get_by_test_id("stCheckbox").filter(
        has_text=PROJECTOR.label
    ).locator("label").click()
    (expect(_switch(page)).not_to_be_checked if was_on else expect(_switch(page)).to_be_checked)()
    wait_for_app(page)
    return not was_on


def _assert_url_says(page: Page, on: bool) -> None:
    if on:
        page.wait_for_url(lambda url: query_of(url).get("projector") == ["true"])
    else:
        page.wait_for_url(lambda url: "projector" not in query_of(url))


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_projector_mode_scales_text_by_at_least_1_4(
    app_url: str, tour: Page, lesson: Lesson
) -> None:
    page = tour
    page.errors.clear()  # type: ignore[attr-defined]
    if lesson.number == 1:
        visit(page, app_url, lesson, {"projector": "true"})
    else:
        visit(page, app_url, lesson)  # the mode comes along with the app's navigation

    on = _switch(page).is_checked()
    if lesson.number == 1:
        assert on, "?projector=true did not turn projector mode on"
    _assert_url_says(page, on)
    first = page.evaluate(FONT_SIZES_JS)

    on = _flip(page)
    _assert_url_says(page, on)
    second = page.evaluate(FONT_SIZES_JS)
    projector, normal = (second, first) if on else (first, second)

    assert normal["paragraph"] and projector["paragraph"], (normal, projector)
    for what in ("root", "paragraph"):
        ratio = projector[what] / normal[what]
        assert ratio >= MIN_RATIO, f"{what}: {projector[what]}px vs {normal[what]}px = {ratio:.2f}x"
    assert_app_healthy(page)
