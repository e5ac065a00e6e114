"""Text drawn in the charts of lessons 5 and 6 stays legible on a phone and a projector: no two
labels on top of each other, no label hidden or cut off (issue 12, items 6 and 7).

Measured on what Chromium drew: the bounding boxes of Plotly's text elements.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from ui.lessons import CLASSROOM, MATH, SENTENCE

from .conftest import recording_page
from .helpers import overlapping, visit

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}

# The boxes of the visible texts matching ``selector`` in the chart with key ``key``.
BOXES_JS = """([key, selector]) => {
  const chart = document.querySelector(`.st-key-${key} [data-testid='spotlight-chart']`)
             || [...document.querySelectorAll("[data-testid='spotlight-chart']")]
                  .find(c => c.closest(`[class*='${key}']`));
  const svg = chart.querySelector('.main-svg').getBoundingClientRect();
  return [...chart.querySelectorAll(selector)].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            hidden: getComputedStyle(t).display === 'none' || r.width === 0,
            inside: r.left >= svg.left - 1 && r.right <= svg.right + 1};
  });
}"""


def boxes(page: Page, key: str, selector: str) -> list[dict]:
    return page.evaluate(BOXES_JS, [key, selector])


@pytest.fixture(params=["phone", "projector"])
def small_or_big(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[Page, dict]]:
    context = browser.new_context(**(PHONE if request.param == "phone" else PROJECTOR))
    yield recording_page(context), ({"projector": "true"} if request.param == "projector" else {})
    context.close()


def test_classroom_cells_do_not_run_into_each_other(app_url: str, small_or_big) -> None:
    page, params = small_or_big
    visit(
        page, app_url, CLASSROOM, params or {"question": "Which language do they speak in Japan?"}
    )
    cells = boxes(page, "classroom-notes", ".heatmap-label text")
    assert len(cells) == 30
    assert not overlapping(cells), overlapping(cells)
    assert all(c["inside"] for c in cells)


@pytest.mark.parametrize(
    "text",
    ["I sat on the river bank", "the teacher wrote on the board while the students watched"],
)
def test_sentence_labels_are_all_shown_and_apart(app_url: str, small_or_big, text: str) -> None:
    page, params = small_or_big
    visit(page, app_url, SENTENCE, {"text": text, **params})
    words = ["I" if w == "i" else w for w in text.lower().split()]  # the pronoun as written
    # "What X looks at": one label per word, the last one too, none hidden or cut off.
    ticks = boxes(page, "sentence-row", ".xtick text")
    assert [t["text"].rstrip("?") for t in ticks] == words
    assert not [t["text"] for t in ticks if t["hidden"] or not t["inside"]]
    assert not overlapping(ticks)
    # The 2-D plot: words on the same spot share a label, so no two labels cover each other.
    points = boxes(page, "sentence-movement", ".scatterlayer .textpoint text")
    named = {w.rstrip("?") for p in points for w in p["text"].split(" · ")}
    assert set(words) <= named | {"money", "river", "dog", "run", "teacher"}
    assert not overlapping(points, slack=2.0), overlapping(points, slack=2.0)


def test_math_cell_numbers_do_not_run_into_each_other(app_url: str, small_or_big) -> None:
    # Eight words: eight columns in every matrix of the page (the narrowest cells it draws).
    page, params = small_or_big
    visit(page, app_url, MATH, {"sentence": "she went to the bank to deposit money", **params})
    for key in ("math-x", "math-scores", "math-scaled", "math-weights", "math-refined"):
        cells = boxes(page, key, ".heatmap-label text")
        assert not overlapping(cells), (key, overlapping(cells))
