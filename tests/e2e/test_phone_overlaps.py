"""On a phone (390×844) nothing in lessons 3, 2 and 4 sits on anything else: chart titles, axis
titles and bars keep apart, the ranking table shows every column, and the query's cross never
covers a key's label. Measured from the DOM's bounding boxes, as a student's screen shows them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from ui.lessons import DICTIONARY, QUERY, SOFTMAX, Lesson

from .conftest import recording_page
from .helpers import lesson_link, open_page

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# Every title (subplot titles are annotations; axis titles), every bar, of one chart, as boxes.
CHART_BOXES_JS = """(chart) => {
  const box = e => { const r = e.getBoundingClientRect();
    return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom, text: e.textContent || ''}; };
  const seen = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const all = sel => [...chart.querySelectorAll(sel)].filter(seen).map(box);
  return {
    titles: all('.annotation-text'),
    axisTitles: all('.g-xtitle text, .g-ytitle text, .g-x2title text, .g-y2title text'),
    bars: all('.barlayer .point path'),
  };
}"""


def overlap(a: dict, b: dict, slack: float = 1.0) -> bool:
    return (
        a["x0"] < b["x1"] - slack
        and a["x1"] > b["x0"] + slack
        and a["y0"] < b["y1"] - slack
        and a["y1"] > b["y0"] + slack
    )


@pytest.fixture(scope="module")
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(**PHONE)
    yield recording_page(context)
    context.close()


def main_chart_boxes(page: Page) -> dict:
    chart = page.locator("[data-testid='stMain'] [data-testid='spotlight-chart']").first
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # Plotly lays the chart out for its width
    return chart.evaluate(CHART_BOXES_JS)


@pytest.mark.parametrize(
    ("lesson", "link"),
    [
        (SOFTMAX, {}),
        (SOFTMAX, {"compare": "true"}),
        (DICTIONARY, {}),
        (DICTIONARY, {"enc": "one-hot"}),
    ],
    ids=["temperature", "temperature-compare", "dictionary", "dictionary-one-hot"],
)
def test_chart_titles_and_axis_titles_keep_clear(
    app_url: str, phone: Page, lesson: Lesson, link: dict
) -> None:
    open_page(phone, lesson_link(app_url, lesson, link))
    boxes = main_chart_boxes(phone)
    titles, axis_titles, bars = boxes["titles"], boxes["axisTitles"], boxes["bars"]
    assert len(titles) == 2 and bars, boxes
    texts = titles + axis_titles
    clashes = [
        (a["text"], b["text"]) for i, a in enumerate(texts) for b in texts[i + 1 :] if overlap(a, b)
    ]
    assert clashes == [], f"titles run into each other: {clashes}"
    on_bars = [t["text"] for t in texts for bar in bars if overlap(t, bar)]
    assert on_bars == [], f"a title sits on a bar: {on_bars}"


def test_the_ranking_table_shows_every_column_on_a_phone(app_url: str, phone: Page) -> None:
    open_page(phone, lesson_link(app_url, QUERY))
    table = phone.locator("[data-testid='stTable']").first
    table.scroll_into_view_if_needed()
    geometry = table.evaluate(
        """(t) => {
          const vw = window.innerWidth;
          const heads = [...t.querySelectorAll('th')].map(th => {
            const r = th.getBoundingClientRect();
            return {text: th.innerText.trim(), left: r.left, right: r.right};
          });
          const scrollers = [t, ...t.querySelectorAll('*')].filter(
            e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible');
          return {vw, heads, right: t.getBoundingClientRect().right, scrolls: scrollers.length};
        }"""
    )
    names = [h["text"] for h in geometry["heads"]]
    assert "by distance" in names, names
    for head in geometry["heads"]:
        assert head["left"] >= 0 and head["right"] <= geometry["vw"], (head, geometry["vw"])
        assert head["right"] <= geometry["right"] + 1, (head, geometry)
    assert geometry["scrolls"] == 0, f"the table scrolls sideways: {geometry}"


@pytest.mark.parametrize("where", [{}, {"qx": "0.8", "qy": "-0.3"}, {"qx": "2.4", "qy": "1.5"}])
def test_the_query_cross_covers_no_key_label(app_url: str, phone: Page, where: dict) -> None:
    open_page(phone, lesson_link(app_url, QUERY, where))
    chart = phone.locator("[data-testid='stMain'] [data-testid='spotlight-chart']").first
    chart.scroll_into_view_if_needed()
    phone.wait_for_timeout(500)
    found = chart.evaluate(
        """(chart) => {
          const box = e => { const r = e.getBoundingClientRect();
            return {x0: r.left, y0: r.top, x1: r.right, y1: r.bottom, text: e.textContent}; };
          const traces = [...chart.querySelectorAll('.scatterlayer .trace')];
          const labels = traces.flatMap(t => [...t.querySelectorAll('.textpoint text')])
            .filter(e => e.textContent).map(box);
          return {labels, traces: traces.map(t => [...t.querySelectorAll('.points path.point')]
            .map(box))};
        }"""
    )
    # Traces in the builder's order: rays, query ray, keys, query, output.
    query_points = found["traces"][3]
    assert len(query_points) == 1 and len(found["labels"]) == 7, found
    cross = query_points[0]
    hidden = [label["text"] for label in found["labels"] if overlap(label, cross, slack=2.0)]
    assert hidden == [], f"the query's cross covers {hidden}"


def test_every_dictionary_suggestion_is_on_screen(app_url: str, phone: Page) -> None:
    """All 25 suggestions wrap onto the phone's screen (not 3 in a strip that scrolls)."""
    open_page(phone, lesson_link(app_url, DICTIONARY))
    pills = phone.locator("[data-testid='stMain'] [data-testid='stButtonGroup'] button")
    boxes = pills.evaluate_all(
        "bs => bs.map(b => { const r = b.getBoundingClientRect();"
        " return {text: b.innerText, left: r.left, right: r.right, width: r.width}; })"
    )
    assert len(boxes) == 25, boxes
    width = phone.viewport_size["width"]
    off_screen = [b["text"] for b in boxes if b["left"] < 0 or b["right"] > width or not b["width"]]
    assert off_screen == [], f"suggestions off the {width}px screen: {off_screen}"
