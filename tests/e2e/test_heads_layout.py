"""Lesson 9's attention patterns stay readable (issue 21, item 8): the weights written in the
cells of the lesson's own sentence, and a 40-word sentence that gives each head a row of its
own, with every word labelled and room for each, on a classroom laptop and on a phone.

Measured on what Chromium drew: the plot area, tick labels and cell numbers of each pattern.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from ui.lessons import HEADS_LESSON, MANY_HEADS
from ui.page import SWIPE_HINT

from .conftest import recording_page
from .helpers import overlapping, visit

LONG_SENTENCE = (
    "I paid money at the bank by the river and then the girl ran to the school by the lake "
    "while the teacher wrote on the board and the students watched the dog run near the old "
    "spring today too"
)
WORDS = LONG_SENTENCE.lower().split()
SIZES = {
    "laptop": ({"viewport": {"width": 1366, "height": 768}}, {}),
    "phone": (
        {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
        {},
    ),
    "projector": ({"viewport": {"width": 1920, "height": 1080}}, {"projector": "true"}),
}
#: The smallest cell that keeps a word label legible and apart from the next (16 px lines of
#: 12 px letters); the layout aims at 18.
MIN_CELL_PX = 16


# Each head's pattern as drawn: its box, its plot area, its tick labels and cell numbers, and
# the box that scrolls it sideways when it is wider than the screen.
PATTERNS_JS = """(count) => [...Array(count).keys()].map(i => {
  const holder = document.querySelector(`.stElementContainer.st-key-heads-head-${i + 1}`);
  const chart = holder.querySelector("[data-testid='spotlight-chart']");
  const rect = e => { const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,
            width: r.width, height: r.height}; };
  const texts = sel => [...chart.querySelectorAll(sel)].map(t => ({text: t.textContent,
    hidden: getComputedStyle(t).display === 'none' || t.getBoundingClientRect().width === 0,
    ...rect(t)}));
  let scroller = holder.parentElement;
  while (scroller && !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX))
    scroller = scroller.parentElement;
  return {chart: rect(chart), plot: rect(chart.querySelector('.nsewdrag')),
          x: texts('.xtick text'), y: texts('.ytick text'), cells: texts('.heatmap-label text'),
          scroller: scroller && {...rect(scroller), client: scroller.clientWidth,
                                 scroll: scroller.scrollWidth}};
})"""
PAGE_JS = """() => ({vw: innerWidth, document: document.documentElement.scrollWidth,
  main: document.querySelector("[data-testid='stMain']").scrollWidth,
  hint: [...document.querySelectorAll("[data-testid='stCaptionContainer']")]
    .some(c => c.textContent.includes(%r) && c.getBoundingClientRect().height > 0)})"""


@pytest.fixture(params=["laptop", "phone"])
def sized(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[Page, str]]:
    context = browser.new_context(**SIZES[request.param][0])
    yield recording_page(context), request.param
    context.close()


def open_heads(page: Page, app_url: str, size: str, text: str | None = None) -> tuple[list, dict]:
    visit(page, app_url, HEADS_LESSON, {**SIZES[size][1], **({"text": text} if text else {})})
    page.wait_for_timeout(500)  # Plotly lays each pattern out for its width
    return page.evaluate(PATTERNS_JS, len(MANY_HEADS)), page.evaluate(PAGE_JS % SWIPE_HINT)


def test_forty_words_every_label_drawn_with_room_and_a_row_per_head(
    app_url: str, sized: tuple[Page, str]
) -> None:
    page, size = sized
    patterns, shown = open_heads(page, app_url, size, LONG_SENTENCE)
    for pattern in patterns:
        # Every word labelled on both axes, in order, none hidden, none on top of another.
        for axis in ("x", "y"):
            labels = pattern[axis]
            assert [t["text"].rstrip("?").lower() for t in labels] == WORDS, axis  # "I" as I
            assert not [t["text"] for t in labels if t["hidden"]], axis
            assert not overlapping(labels), (axis, overlapping(labels))
        # Room for each word: cells at least MIN_CELL_PX wide and tall.
        plot = pattern["plot"]
        assert plot["width"] / 40 >= MIN_CELL_PX, plot
        assert plot["height"] / 40 >= MIN_CELL_PX, plot
        # Square-ish: neither side more than twice the other.
        assert 0.5 <= plot["width"] / plot["height"] <= 2, plot
    # The page itself never scrolls sideways.
    assert shown["document"] <= shown["vw"] + 1 and shown["main"] <= shown["vw"] + 1, shown
    lefts = {round(p["chart"]["left"]) for p in patterns}
    tops = [p["chart"]["top"] for p in patterns]
    assert len(lefts) == 1 and tops == sorted(tops) and len(set(map(round, tops))) == 4, tops
    if size == "laptop":
        # Each head has a row of its own, as wide as the page gives it: nothing to scroll.
        assert all(p["chart"]["right"] <= shown["vw"] for p in patterns)
        assert all(p["scroller"]["scroll"] <= p["scroller"]["client"] + 1 for p in patterns)
        assert not shown["hint"]
    else:
        # A phone keeps the pattern's width and scrolls it inside its own box, which ends on
        # the screen; a caption says so.
        for pattern in patterns:
            box = pattern["scroller"]
            assert box["right"] <= shown["vw"] + 1, box
            assert box["scroll"] >= pattern["chart"]["width"] - 1 > box["client"], box
        assert shown["hint"]
        assert_a_swipe_on_the_pattern_scrolls_it(page)
    assert page.errors == []  # type: ignore[attr-defined]


def assert_a_swipe_on_the_pattern_scrolls_it(page: Page) -> None:
    """A finger sliding left over the cells scrolls the pattern (Plotly's drag-to-zoom would
    take the gesture for itself): touch events as the phone sends them, through Chromium."""
    cdp = page.context.new_cdp_session(page)
    cells = page.locator(".stElementContainer.st-key-heads-head-1 .nsewdrag")
    cells.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    plot = cells.bounding_box()
    assert plot
    x, y = 300, plot["y"] + min(plot["height"], 400) / 2  # on the cells, on the screen
    scrolled = "() => document.querySelector('.st-key-heads-patterns-1').parentElement.scrollLeft"
    before = page.evaluate(scrolled)

    def touch(kind: str, at: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": at, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", x)
    for step in range(1, 11):
        touch("touchMove", x - 20 * step)
        page.wait_for_timeout(16)
    touch("touchEnd", 0)
    page.wait_for_timeout(500)
    assert page.evaluate(scrolled) > before + 100


@pytest.mark.parametrize("size", ["laptop", "phone", "projector"])
def test_the_lessons_sentence_has_its_weights_in_the_cells(
    app_url: str, browser: Browser, size: str
) -> None:
    context = browser.new_context(**SIZES[size][0])
    try:
        page = recording_page(context)
        patterns, shown = open_heads(page, app_url, size)
        for pattern, on in zip(patterns, MANY_HEADS.values(), strict=True):
            cells = pattern["cells"]
            if not on:
                assert cells == []  # an off head is faint; its numbers are in the table
                continue
            assert len(cells) == 81 and all(c["text"][:2] in ("0.", "1.") for c in cells)
            assert not [c for c in cells if c["hidden"]]
            assert not overlapping(cells), overlapping(cells)
            # Each number sits inside its column of the plot.
            width = pattern["plot"]["width"] / 9
            assert all(c["width"] <= width - 2 for c in cells), (width, cells[0])
        first, second = patterns[0]["chart"], patterns[1]["chart"]
        if size == "phone":  # stacked: one column, nothing to swipe
            assert second["top"] > first["bottom"] - 1 and not shown["hint"]
        else:  # two heads side by side
            assert round(first["top"]) == round(second["top"]) and second["left"] > first["right"]
        assert shown["document"] <= shown["vw"] + 1, shown
    finally:
        context.close()
