"""A visitor whose system is in dark mode gets a dark app with readable text, and charts that
follow the theme (light labels on the dark background, not the light theme's grey)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from ui.lessons import LESSONS, Lesson

from .conftest import VIEWPORT, recording_page
from .helpers import LESSON_IDS, contrast, luminance, over, parse_color, visit

MAX_BACKGROUND_LUMINANCE = 0.2
MIN_TEXT_CONTRAST = 4.5  # WCAG AA for body text
MIN_TICK_LUMINANCE = 0.5

COLOURS_JS = """() => {
  const css = (e, p) => getComputedStyle(e)[p];
  const app = document.querySelector("[data-testid='stApp']");
  const p = document.querySelector("[data-testid='stMain'] [data-testid='stMarkdownContainer'] p");
  const ticks = [...document.querySelectorAll(
    "[data-testid='stMain'] [data-testid='spotlight-chart'] .xtick text")]
    .filter(t => t.getBoundingClientRect().width > 0);
  return {
    background: css(app, 'backgroundColor'),
    text: p && css(p, 'color'),
    textSample: p && p.innerText.slice(0, 40),
    ticks: ticks.map(t => [t.textContent, css(t, 'fill'), css(t, 'fillOpacity')]),
  };
}"""


@pytest.fixture(scope="module")
def dark_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, color_scheme="dark")
    yield recording_page(context)
    context.close()


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_dark_theme_dark_background_readable_text_and_light_chart_labels(
    app_url: str, dark_page: Page, lesson: Lesson
) -> None:
    page = dark_page
    page.errors.clear()  # type: ignore[attr-defined]
    visit(page, app_url, lesson)
    colours = page.evaluate(COLOURS_JS)

    background = parse_color(colours["background"])
    assert background[3] == 1, colours
    assert luminance(background) < MAX_BACKGROUND_LUMINANCE, f"not dark: {colours['background']}"

    assert colours["text"], "no paragraph of body text found"
    text = over(parse_color(colours["text"]), background)
    ratio = contrast(text, background)
    assert ratio >= MIN_TEXT_CONTRAST, f"body text contrast {ratio:.2f}: {colours}"

    assert colours["ticks"], "no x-axis tick labels on any chart"
    dark_ticks = [
        (label, fill)
        for label, fill, opacity in colours["ticks"]
        if luminance(over((*parse_color(fill)[:3], float(opacity)), background))
        <= MIN_TICK_LUMINANCE
    ]
    assert not dark_ticks, f"chart labels that do not follow the dark theme: {dark_ticks[:8]}"
