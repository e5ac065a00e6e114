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
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ui.lessons import LESSONS, Lesson
from ui.params import format_number

from .conftest import REPO_ROOT, recording_page, wait_for_app
from .helpers import (
    LESSON_IDS,
    MAIN,
    drawn_charts,
    live_param,
    query_of,
    slider_text,
    visit,
)

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
#: A phone in projector mode (a teacher checking the link before class): 1.5x text, so the
#: docked control is taller. Only the dock tests use it.
PHONE_PROJECTOR = Size("phone-projector", SIZES[2].context, {"projector": "true"})

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
  const charts = [...main.querySelectorAll("[data-testid='spotlight-chart']")]
    .filter(visible).filter(e => right(e) > vw + 1)
    .map(e => name(e) + ' (right edge ' + Math.round(right(e)) + ')');
  return {
    viewport: vw,
    document: document.documentElement.scrollWidth,
    main: [main.scrollWidth, main.clientWidth],
    blocks, charts,
    chartCount: [...main.querySelectorAll(".spotlight-chart")].filter(visible).length,
  };
}"""


@pytest.fixture(scope="module")
def browser_pages(browser: Browser) -> Iterator[dict[str, Page]]:
    """One context and page per size, kept for the module (warm cache, page switches)."""
    contexts: list[BrowserContext] = []
    pages: dict[str, Page] = {}
    for size in (*SIZES, PHONE_PROJECTOR):
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


# --------------------------------------------------------------------------------------------
# A control and the chart it moves, on screen together (issue 12, item 1)
# --------------------------------------------------------------------------------------------

#: Both sizes a student uses, the classroom laptop and a phone, and a phone in projector mode.
TOGETHER_SIZES = [*(size for size in SIZES if size.name in ("desktop", "phone")), PHONE_PROJECTOR]

# Where a box is on screen: its visible height, and whether the point at its middle shows the
# box itself (not something drawn over it, such as a docked control over a chart).
ON_SCREEN_JS = """([selector, probe]) => {
  const box = document.querySelector(selector);
  if (!box) return null;
  const r = box.getBoundingClientRect();
  const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, innerHeight);
  const left = Math.max(r.left, 0), right = Math.min(r.right, innerWidth);
  // The middle of the part of the box (or of its ``probe`` inside) that is on screen.
  const target = probe ? box.querySelector(probe) || box : box;
  const t = target.getBoundingClientRect();
  const x = (Math.max(t.left, 0) + Math.min(t.right, innerWidth)) / 2;
  const y = (Math.max(t.top, 0) + Math.min(t.bottom, innerHeight)) / 2;
  const hit = document.elementFromPoint(x, y);
  return {
    visibleHeight: Math.max(0, bottom - top), visibleWidth: Math.max(0, right - left),
    height: r.height, uncovered: !!hit && (target.contains(hit) || hit.contains(target)),
  };
}"""

# The keys of the elements docked (fixed) at the bottom of the screen.
DOCKED_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] [class*='st-key-']")]
  .filter(e => getComputedStyle(e).position === 'fixed')
  .map(e => [...e.classList].find(c => c.startsWith('st-key-')).slice('st-key-'.length))"""

# Scroll the app to its top ("above": the chart is below the screen) or its bottom ("below"),
# then bring chart number ``index`` into view the way a browser does for a focused or linked
# element (``block: 'nearest'``: the least scrolling that shows it). Then measure its drawing
# (the whole ``.main-svg``: cells, labels and title) against the fixed header and the dock.
SCROLL_TO_CHART_JS = """([index, from]) => {
  const main = document.querySelector("[data-testid='stMain']");
  const seen = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const chart = [...main.querySelectorAll("[data-testid='spotlight-chart']")].filter(seen)[index];
  main.scrollTo({top: from === 'above' ? 0 : main.scrollHeight, behavior: 'instant'});
  // The drawing, not its "Save as PNG" button under it (part of the same element).
  chart.querySelector('.spotlight-plot').scrollIntoView({block: 'nearest', behavior: 'instant'});
}"""
CHART_UNDER_DOCK_JS = """([index, dockKey]) => {
  const main = document.querySelector("[data-testid='stMain']");
  const seen = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const chart = [...main.querySelectorAll("[data-testid='spotlight-chart']")].filter(seen)[index];
  const keyed = chart.closest("[class*='st-key-']");
  const key = keyed ? [...keyed.classList].find(c => c.startsWith('st-key-')).slice(7) : '?';
  const r = chart.querySelector('.main-svg').getBoundingClientRect();
  const dock = main.querySelector('.st-key-' + dockKey).getBoundingClientRect();
  const header = document.querySelector("[data-testid='stHeader']").getBoundingClientRect();
  return {key, top: r.top, bottom: r.bottom, height: r.height,
          dockTop: dock.top, headerBottom: header.bottom};
}"""


# Points across the middle of the dock where something else is drawn over it (none: in sight).
DOCK_COVERED_JS = """(key) => {
  const dock = document.querySelector("[data-testid='stMain'] .st-key-" + key);
  const r = dock.getBoundingClientRect(), y = (r.top + r.bottom) / 2;
  return [8, innerWidth / 2, innerWidth - 8].filter(x => {
    const hit = document.elementFromPoint(x, y);
    return !hit || !dock.contains(hit);
  }).map(Math.round);
}"""


def _on_screen(page: Page, key: str, probe: str | None = None) -> dict[str, Any]:
    where = page.evaluate(ON_SCREEN_JS, [f"{MAIN} .st-key-{key}", probe])
    assert where is not None, f"nothing keyed {key!r} on the page"
    return where


def _assert_together(page: Page, lesson: Lesson, what: str) -> None:
    control = _on_screen(page, lesson.main_control, "input, [role=slider], label")
    chart = _on_screen(page, lesson.main_chart, ".main-svg")
    # The whole control (it is small) and a real part of the chart: at least 100 px of it, or
    # all of it, not hidden under the control.
    assert control["visibleHeight"] >= control["height"] - 1 and control["uncovered"], (
        f"{lesson.url_path}, {what}: the control {lesson.main_control!r} is not fully in view "
        f"or is covered: {control}"
    )
    assert chart["visibleHeight"] >= min(100, chart["height"]) and chart["visibleWidth"] > 100, (
        f"{lesson.url_path}, {what}: the chart {lesson.main_chart!r} is out of view: {chart}"
    )
    assert chart["uncovered"], f"{lesson.url_path}, {what}: the chart's middle is covered"


def _assert_no_chart_under_the_dock(page: Page, lesson: Lesson) -> None:
    """Every chart of the lesson, brought into view from above and from below, is drawn
    between the header and the dock: no cell, label or title of it under either, whenever
    it fits in that space (a chart taller than the space cannot)."""
    count = len(drawn_charts(page))
    assert count, f"{lesson.url_path}: no chart drawn"
    hidden, measured = [], []
    for index in range(count):
        for side in ("above", "below"):
            page.evaluate(SCROLL_TO_CHART_JS, [index, side])
            page.wait_for_timeout(150)
            box = page.evaluate(CHART_UNDER_DOCK_JS, [index, lesson.main_control])
            measured.append(box)
            if box["height"] > box["dockTop"] - box["headerBottom"]:
                continue  # taller than the space between header and dock
            if box["bottom"] > box["dockTop"] + 0.5 or box["top"] < box["headerBottom"] - 0.5:
                hidden.append(
                    {"from": side, **{k: round(v) if k != "key" else v for k, v in box.items()}}
                )
    assert measured, lesson.url_path
    assert not hidden, (
        f"{lesson.url_path}: charts scrolled into view sit under the docked control "
        f"{lesson.main_control!r} or the header: {hidden}"
    )


@pytest.mark.parametrize("size", TOGETHER_SIZES, ids=[s.name for s in TOGETHER_SIZES])
@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_the_main_control_and_its_chart_are_on_screen_together(
    app_url: str, browser_pages: dict[str, Page], size: Size, lesson: Lesson
) -> None:
    """Reach for the main control (scroll it into view): its chart is in view too. Scroll down
    to the chart: the control is in view too. On a phone the control docks at
    the bottom of the screen, so it is in view wherever the chart is; on a laptop it sits next
    to the chart, and scrolling to either shows both.

    On a phone the docked control is the one the registry names for the lesson (the one the
    lesson is about: position strength on /order, a W_Q link on /projections), and no chart
    of the lesson, brought into view from either side, has any of its cells under the dock."""
    page = browser_pages[size.name]
    page.errors.clear()  # type: ignore[attr-defined]
    visit(page, app_url, lesson, size.params or None)
    # A lesson opens at its top: a page switch through the sidebar can keep the scroll of the
    # lesson before, which would make the first check depend on the order the tests ran in.
    page.evaluate(f'() => document.querySelector("{MAIN}").scrollTo(0, 0)')
    control = page.locator(f"{MAIN} .st-key-{lesson.main_control}")
    chart = page.locator(f"{MAIN} .st-key-{lesson.main_chart}")
    docked = control.evaluate("e => getComputedStyle(e).position === 'fixed'")
    phone = size.context.get("is_mobile", False)
    assert docked == phone, "the control docks on phones, and only there"
    if phone:
        assert page.evaluate(DOCKED_JS) == [lesson.main_control], (
            f"{lesson.url_path}: docked {page.evaluate(DOCKED_JS)}, the registry names "
            f"{lesson.main_control!r}"
        )
        covered = page.evaluate(DOCK_COVERED_JS, lesson.main_control)
        assert not covered, f"{lesson.url_path}: something is drawn over the dock at x={covered}"
        _assert_no_chart_under_the_dock(page, lesson)
    if not docked:  # a docked control is in view from the start, wherever the chart is
        control.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        _assert_together(page, lesson, "control scrolled into view")
    # A student scrolls down until the whole chart (or as much as fits) is on screen.
    page.evaluate(f'() => document.querySelector("{MAIN}").scrollTo(0, 0)')
    chart.evaluate("e => e.scrollIntoView({block: 'nearest'})")
    page.wait_for_timeout(300)
    _assert_together(page, lesson, "chart scrolled into view")
    control.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    _assert_together(page, lesson, "then the control scrolled into view")


# --------------------------------------------------------------------------------------------
# Touch targets on a phone (issue 12, item 13; issue 21, item 5)
# --------------------------------------------------------------------------------------------

MIN_TOUCH_PX = 44
# Every target a finger can tap, anywhere on the screen (page, header, open sidebar), with its
# size. Named kinds first, so a failure says what it is; then anything else interactive. An
# input a student never taps itself stands for the box around it: a radio or switch for its
# label, a range input for its thumb, the multiselect's text field for its whole field. Left
# out, as WCAG 2.5.5 leaves them out: links inside a sentence, and what is not on screen
# (visually hidden skip links, invisible hover-only anchors, a closed sidebar).
TOUCH_TARGETS_JS = """() => {
  const kinds = [
    ["pill", "[data-testid=stButtonGroup] button"],
    ["radio", "[data-testid=stRadio] [role=radiogroup] label"],
    ["toggle", "[data-testid=stCheckbox] label"],
    ["slider thumb", "[data-testid=stSlider] div[data-rac]:has(> div > input[type=range])"],
    ["preset button", "[data-testid=stBaseButton-tertiary]"],
    ["download button", "[data-testid=stDownloadButton] button"],
    ["sidebar open", "[data-testid=stExpandSidebarButton]"],
    ["sidebar close", "[data-testid=stSidebarCollapseButton] button"],
    ["menu", "[data-testid=stMainMenuButton]"],
    ["toolbar button", "[data-testid=stElementToolbar] button"],
    ["help icon", "[data-testid=stTooltipIcon] button"],
    ["button", "[data-testid^=stBaseButton-]"],
    ["expander", "[data-testid=stExpander] summary"],
    ["tab", "[role=tab]"],
    ["page link", "[data-testid=stPageLink-NavLink]"],
    ["lesson link", "[data-testid=stSidebarNavLink]"],
    ["text box", "[data-testid=stTextInput] input, [data-testid=stTextArea] textarea"],
    ["multiselect", "[data-testid=stMultiSelect] [data-rac][role=group]"],
    ["multiselect open", "[data-testid=stMultiSelect] button[aria-haspopup=listbox]"],
    ["multiselect clear", "[data-testid=stMultiSelect] [role=group] > button"],
    ["multiselect remove", "[data-testid=stMultiSelect] [data-tag] button"],
    ["selectbox", "[data-testid=stSelectbox] [role=combobox]"],
  ];
  const interactive = "a[href], button, input:not([type=hidden]), select, textarea, summary, " +
    "[role=button], [role=tab], [role=link], [role=switch], [role=checkbox], [role=radio], " +
    "[role=combobox], [role=slider], [role=menuitem]";
  const standsFor = e =>
    e.matches("input[type=radio], input[type=checkbox]") ? e.closest("label") || e :
    e.matches("input[type=range]") ?
      e.closest("div[data-rac]:has(> div > input[type=range])") || e :
    e.matches("[data-testid=stMultiSelect] input") ? e.closest("[data-rac][role=group]") || e :
    e;
  const shown = e => {
    const r = e.getBoundingClientRect();
    if (r.width < 2 && r.height < 2) return false;  // visually hidden (a skip link)
    if (r.right <= 0 || r.left >= innerWidth || r.bottom <= 0 && r.top <= 0) return false;
    for (let x = e; x; x = x.parentElement) {
      const style = getComputedStyle(x);
      if (style.opacity === "0" || style.visibility === "hidden" || style.display === "none")
        return false;
    }
    return true;
  };
  const inline = e => e.matches("a") && !!e.closest("[data-testid=stMarkdownContainer] :is(p, li)")
    && !e.closest("[data-testid=stPageLink-NavLink], [data-testid=stSidebarNavLink]");
  const targets = new Set();
  for (const e of document.querySelectorAll(interactive)) {
    if (e.matches("[role=tabpanel], [data-testid=stMain]") || inline(e)) continue;
    targets.add(standsFor(e));
  }
  const out = [];
  for (const e of targets) {
    if (!shown(e)) continue;
    const r = e.getBoundingClientRect();
    const kind = kinds.find(([, selector]) => e.matches(selector));
    const where = e.closest("[data-testid]");
    out.push({kind: kind ? kind[0] : "other " + e.tagName.toLowerCase() + " in " +
                (where ? where.dataset.testid : "page"),
              text: (e.innerText || e.getAttribute("aria-label") || "").trim().slice(0, 30),
              width: Math.round(r.width), height: Math.round(r.height)});
  }
  return out;
}"""


def _touch_targets(page: Page) -> list[dict[str, Any]]:
    """What a finger can tap: the page with every expander open (the share box holds a
    multiselect, the tables their toolbars), then the sidebar, opened with its button."""
    page.evaluate(
        """() => document.querySelectorAll("[data-testid='stMain'] details:not([open]) > summary")
                   .forEach(summary => summary.click())"""
    )
    page.wait_for_timeout(1000)
    targets = page.evaluate(TOUCH_TARGETS_JS)
    page.get_by_test_id("stExpandSidebarButton").click()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_test_id("stSidebarNavLink").first).to_be_in_viewport()
    page.wait_for_timeout(500)  # the sidebar slides in
    seen = {(t["kind"], t["text"]) for t in targets}
    targets += [t for t in page.evaluate(TOUCH_TARGETS_JS) if (t["kind"], t["text"]) not in seen]
    sidebar.get_by_test_id("stSidebarCollapseButton").locator("button").click()
    page.wait_for_timeout(500)
    return targets


def _assert_big_enough(targets: list[dict[str, Any]], where: str) -> None:
    small = [t for t in targets if min(t["width"], t["height"]) < MIN_TOUCH_PX - 0.5]
    assert not small, f"touch targets under {MIN_TOUCH_PX}px on {where}: {small}"


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_touch_targets_are_at_least_44_px_on_a_phone(
    app_url: str, browser_pages: dict[str, Page], lesson: Lesson
) -> None:
    """Every target on a phone is at least 44 x 44 px (WCAG 2.5.5): pills, radios, switches,
    slider thumbs, buttons, tabs, text boxes, the multiselect, help icons, the Previous/Next
    links, and the sidebar's button, which is the only way to the lesson list."""
    page = browser_pages["phone"]
    page.errors.clear()  # type: ignore[attr-defined]
    visit(page, app_url, lesson)
    targets = _touch_targets(page)
    kinds = {t["kind"] for t in targets}
    for kind in ("slider thumb", "sidebar open", "sidebar close", "lesson link", "help icon"):
        assert kind in kinds, f"no {kind} found on {lesson.url_path}: {targets}"
    _assert_big_enough(targets, lesson.url_path)


def test_touch_targets_of_a_chosen_multiselect_on_a_phone(
    app_url: str, browser_pages: dict[str, Page]
) -> None:
    """The teacher picks a control to hide in the share box's "Hide these controls": the
    multiselect then holds a chosen value, with its remove and "clear all" buttons, and they
    are 44 px too. (A link that already hides one is a student's: it has no such box.)"""
    page = browser_pages["phone"]
    page.errors.clear()  # type: ignore[attr-defined]
    visit(page, app_url, LESSONS[0])
    page.locator(f"{MAIN} summary", has_text="Share this view").click()
    wait_for_app(page)  # opening the box reruns the page: let it finish before the dropdown
    choose = page.locator(MAIN).get_by_test_id("stMultiSelect").first
    choose.scroll_into_view_if_needed()
    choose.click()
    page.get_by_role("option").first.click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    targets = _touch_targets(page)
    kinds = {t["kind"] for t in targets}
    assert {"multiselect remove", "multiselect clear"} <= kinds, targets
    _assert_big_enough(targets, f"{LESSONS[0].url_path}, a control chosen to hide")
