"""Classroom mode in a real browser (issue 15): a locked student link on a phone, predict then
reveal by touch, the presenter's Next button through every lesson, and a chart saved as PNG.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from ui.lessons import LESSONS, SOFTMAX

from .conftest import recording_page, wait_for_app
from .helpers import (
    MAIN,
    assert_app_healthy,
    assert_main_chart_drawn,
    assert_title,
    drawn_charts,
    lesson_link,
    open_page,
    query_of,
)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
#: The README's locked link: only the temperature, at 0.1, and a prediction first.
LOCKED = {"t": "0.1", "hide": "s1,s2,s3,s4,s5,compare,dk,presets", "predict": "true"}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(**PHONE)
    page = recording_page(context)
    yield page
    context.close()


def test_a_locked_student_link_on_a_phone(app_url: str, phone: Page) -> None:
    page = phone
    open_page(page, lesson_link(app_url, SOFTMAX, LOCKED))
    main = page.locator(MAIN)
    # Only the temperature is left to move, at the teacher's value; no presets row.
    sliders = main.get_by_role("slider")
    expect(sliders).to_have_count(1)
    expect(sliders.first).to_have_attribute("aria-valuetext", "0.1")
    expect(main.get_by_text("Start over from a preset")).to_have_count(0)
    # No chart and no numbers before the prediction.
    assert not drawn_charts(page)
    expect(main.get_by_text("Predict first.")).to_be_visible()
    reveal = main.get_by_role("button", name="Reveal the answer")
    expect(reveal).to_be_disabled()
    # Every option is a comfortable touch target, and the page does not scroll sideways.
    options = main.get_by_test_id("stRadio").filter(has_text="Your prediction").locator("label")
    assert options.count() >= 4
    for i in range(1, options.count()):  # the first label is the question's own
        box = options.nth(i).bounding_box()
        assert box and box["height"] >= 44, box
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    options.last.tap()  # "more than three quarters": the top key takes ~100% at T = 0.1
    expect(reveal).to_be_enabled(timeout=20000)
    reveal.tap()
    wait_for_app(page)
    expect(main.get_by_text("Right:")).to_be_visible(timeout=30000)
    assert_main_chart_drawn(page)
    # The link still holds the teacher's settings after the student's taps.
    query = query_of(page.url)
    assert query.get("hide") == [LOCKED["hide"]] and query.get("t") == ["0.1"], query
    assert_app_healthy(page)


def test_next_walks_every_lesson_keeping_projector_mode_only(app_url: str, page: Page) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, lesson_link(app_url, LESSONS[0], {"projector": "true", "t": "0.2"}))
    for lesson, following in itertools.pairwise(LESSONS):
        assert_title(page, lesson)
        link = page.locator(MAIN).get_by_role("link", name=f"Next: {following.number}.")
        link.scroll_into_view_if_needed()
        link.click()
        page.wait_for_url(lambda url, f=following: f"/{f.url_path}" in url, timeout=30000)
        wait_for_app(page)
        query = query_of(page.url)
        assert query == {"projector": ["true"]}, (following.url_path, query)
        font = page.evaluate("() => getComputedStyle(document.documentElement).fontSize")
        assert font == "24px", (following.url_path, font)  # projector mode still on
        assert_app_healthy(page)
    assert_title(page, LESSONS[-1])
    back = page.locator(MAIN).get_by_role("link", name="That was the last lesson")
    expect(back).to_have_count(1)
    expect(page.locator(MAIN).get_by_role("link", name="Previous:")).to_have_count(1)


def test_a_chart_saves_as_a_png(app_url: str, page: Page) -> None:
    lesson = LESSONS[0]
    open_page(page, lesson_link(app_url, lesson))
    button = page.locator(MAIN).get_by_role("button", name="Save the chart above as a PNG image")
    expect(button.first).to_be_visible(timeout=30000)
    box = button.first.bounding_box()
    assert box and box["height"] >= 44, box
    with page.expect_download(timeout=30000) as download:
        button.first.click()
    saved = download.value
    assert saved.suggested_filename == f"spotlight-{lesson.url_path}-room-chart.png"
    with open(saved.path(), "rb") as image:
        assert image.read(8) == b"\x89PNG\r\n\x1a\n"
    # Plotly's own toolbar stays hidden: it sat on the titles of charts on touch screens.
    toolbar = page.locator(MAIN).locator(".modebar-container").first
    assert not toolbar.is_visible()


# What gives a prediction's answer away, before the student commits: charts, numbers tables,
# metrics, the notes (which quote the numbers), the Teacher's notes (lesson 8's name the
# answer), the share box and the code (they print the view and its numbers).
GIVEAWAYS_JS = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  const visible = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const found = [];
  const kinds = {chart: "[data-testid=spotlight-chart]", table: "[data-testid=stDataFrame]",
                 metric: "[data-testid=stMetric]"};
  for (const [what, selector] of Object.entries(kinds))
    for (const e of main.querySelectorAll(selector)) if (visible(e)) found.push(what);
  const hidden = /Teacher's notes|Share this view|Show the code|numbers|as a table/;
  for (const e of main.querySelectorAll("[data-testid=stExpander] summary"))
    if (hidden.test(e.innerText)) found.push(e.innerText);
  // A link meant for another device must not name this computer's loopback address.
  for (const a of document.querySelectorAll("a[href^='http']")) {
    const host = new URL(a.href).hostname;
    if (host !== location.hostname && /^(localhost|127[.])/.test(host)) found.push(a.href);
  }
  return found;
}"""


@pytest.mark.parametrize(
    "size",
    [
        pytest.param(PHONE, id="phone"),
        pytest.param({"viewport": {"width": 1920, "height": 1080}}, id="projector"),
    ],
)
def test_a_student_walk_of_every_lesson_sees_no_answer_before_committing(
    app_url: str, browser: Browser, size: dict
) -> None:
    """Issue 21: every lesson opened from a student link (predict first), on a phone and on a
    projector, shows the question and nothing that answers it until the student commits."""
    context = browser.new_context(**size)
    page = recording_page(context)
    try:
        for lesson in LESSONS:
            params = {"predict": "true"} | (
                {"projector": "true"} if "is_mobile" not in size else {}
            )
            open_page(page, lesson_link(app_url, lesson, params))
            main = page.locator(MAIN)
            expect(main.get_by_text("Predict first.")).to_be_visible()
            assert page.evaluate(GIVEAWAYS_JS) == [], lesson.url_path
            assert not drawn_charts(page), lesson.url_path
            assert_app_healthy(page)
    finally:
        context.close()
