"""A slider step redraws every chart in place (ui/chart.py, static/chart.js).

What a student sees is the same as before; what changed is how it gets there: the chart on the
page is the same Plotly graph from step to step (``Plotly.react`` moves what changed), plotly.js
comes once per visit from the app's static files, not with every step, and a finger on a phone
scrolls the page instead of zooming the chart.
"""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from ui.lessons import HEADS_LESSON as HEADS
from ui.lessons import ROOM

from .conftest import recording_page, wait_for_app
from .helpers import lesson_link, slider, visit

CHARTS_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] .spotlight-plot")]
  .filter(p => p.getClientRects().length)
  .map(p => ({draws: Number(p.dataset.draws || 0), z: p.data && p.data[0] && p.data[0].z,
              dragmode: p._fullLayout && p._fullLayout.dragmode}))"""
# Marks every drawn chart's graph and SVG: a chart that was mounted again has no mark.
MARK_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] .spotlight-plot")]
  .forEach(p => { p.marked = true; p.querySelector('.main-svg').marked = true; })"""
MARKED_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] .spotlight-plot")]
  .filter(p => p.getClientRects().length)
  .map(p => [p.marked === true, p.querySelector('.main-svg').marked === true])"""


def _charts(page: Page) -> list[dict]:
    return page.evaluate(CHARTS_JS)


def _wait_for_every_chart_drawn(page: Page, after: list[int]) -> None:
    page.wait_for_function(
        """(before) => {
          const plots = [...document.querySelectorAll("[data-testid='stMain'] .spotlight-plot")]
            .filter(p => p.getClientRects().length);
          return plots.length === before.length
            && plots.every((p, i) => Number(p.dataset.draws || 0) > before[i]);
        }""",
        arg=after,
        timeout=30000,
    )


def test_a_step_redraws_every_chart_in_the_same_graph(page: Page, app_url: str) -> None:
    plotly_requests: list[str] = []
    page.on("request", lambda r: "plotly.min.js" in r.url and plotly_requests.append(r.url))
    visit(page, app_url, HEADS)
    charts = _charts(page)
    assert len(charts) >= 5 and all(c["draws"] >= 1 for c in charts), charts
    page.evaluate(MARK_JS)
    before = [c["draws"] for c in charts]
    slider(page, "Temperature").focus()
    page.keyboard.press("ArrowRight")
    _wait_for_every_chart_drawn(page, before)
    # The same graph and the same SVG on the page: nothing was mounted again ...
    assert all(graph and svg for graph, svg in page.evaluate(MARKED_JS))
    # ... and the patterns show the new temperature's weights.
    after = _charts(page)
    assert after[0]["z"] != charts[0]["z"]
    # plotly.js came once, with the page, not with the step.
    assert len(plotly_requests) == 1, plotly_requests


def test_a_finger_scrolls_the_page_instead_of_zooming_a_chart(browser: Browser, app_url: str):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = recording_page(context)
    try:
        visit(page, app_url, HEADS)
        assert {c["dragmode"] for c in _charts(page)} == {False}
    finally:
        context.close()


def test_on_a_laptop_a_chart_still_zooms_by_dragging(page: Page, app_url: str) -> None:
    visit(page, app_url, ROOM)
    assert "zoom" in {c["dragmode"] for c in _charts(page)}


def test_without_plotly_js_the_chart_says_so_and_the_lesson_goes_on(page: Page, app_url: str):
    """A school proxy that blocks the file: the page says where the chart would be, no error
    shows, and the words and numbers of the lesson are all there."""
    page.route("**/app/static/plotly.min.js*", lambda route: route.abort())
    page.goto(lesson_link(app_url, ROOM))
    wait_for_app(page)
    message = page.locator(".spotlight-plot").first
    expect(message).to_have_text("This chart could not be drawn. Reload the page.", timeout=30000)
    expect(page.get_by_text("Save as PNG").first).to_be_visible()
    assert page.locator("[data-testid='stException']").count() == 0
