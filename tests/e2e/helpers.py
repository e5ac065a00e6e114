"""What the lesson tests share: opening a lesson by link, reading its controls and charts as a
visitor sees them, and the colour arithmetic of the theme checks.

Everything is driven by ``ui.lessons.LESSONS``: a new lesson, control or preset is covered without
touching the tests. Labels come from the same table, so the locators follow renames.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from ui.lessons import LESSONS, Lesson
from ui.params import Param

from .conftest import assert_no_streamlit_exception, wait_for_app

LESSON_IDS = [lesson.url_path for lesson in LESSONS]
#: A value every lesson's temperature accepts and that is not its default.
LINK_TEMPERATURE = 0.2
#: Text for "text" controls in links: spaces and an apostrophe exercise the URL encoding.
LINK_TEXT = "the bank by the river isn't far"

MAIN = "[data-testid='stMain']"
CHARTS = "[data-testid='spotlight-chart']"
NAV_LINKS = "[data-testid='stSidebarNav'] a[data-testid='stSidebarNavLink']"

# A fingerprint of what the charts draw: every mark's geometry, every text and heatmap image,
# without Plotly's generated ids. Two renders of the same figure give the same fingerprint.
CHART_FINGERPRINT_JS = """
(skip = []) => [...document.querySelectorAll("[data-testid='spotlight-chart'] .main-svg")]
  .filter(svg => !skip.some(key => svg.closest('.st-key-' + key)))
  .map(svg => [...svg.querySelectorAll('path, text, image')]
    .map(e => e.getAttribute('d') || e.getAttribute('href') || e.textContent || '')
    .join('|'))
  .join('#')
"""


# --------------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------------


def lesson_link(
    base_url: str,
    lesson: Lesson,
    params: dict[str, str] | None = None,
    *,
    path: str | None = None,
) -> str:
    """The link ``<base><path>?<params>`` (``path`` defaults to the lesson's own
    ``/<url_path>``, the one the README gives), encoded the way the share box encodes."""
    query = "?" + urlencode(params, quote_via=quote) if params else ""
    return f"{base_url}{path if path is not None else '/' + lesson.url_path}{query}"


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def other_value(param: Param, lesson: Lesson | None = None) -> Any:
    """A valid value of ``param`` that is not its default (what test links set). Text comes
    from one of the lesson's presets when it has one (a word or question the lesson knows, so
    the temperature still matters), else it is ``LINK_TEXT``."""
    if param.kind == "temperature":
        return LINK_TEMPERATURE
    if param.kind == "grid":
        return next(v for v in param.grid if v != param.default)
    if param.kind == "bool":
        return not param.default
    if param.kind == "choice":
        return next(option for option in param.options if option != param.default)
    if param.kind == "text":
        presets = lesson.presets.values() if lesson else ()
        known = [v[param.key] for v in presets if v.get(param.key, param.default) != param.default]
        text = known[0] if known else LINK_TEXT
        return text[: param.max_chars] if param.max_chars else text
    # Three steps from the default: distinct per control (a lesson's scores stay different).
    step = 3 * (param.step or 1)
    value = param.default + step if param.default + step <= param.high else param.default - step
    return int(value) if param.kind == "int" else round(value, 6)


def live_param(lesson: Lesson) -> Param:
    """The slider that redraws the lesson's live chart: its temperature, else its first slider
    (lesson 11's real model has no temperature dial: its layer picker)."""
    sliders = [p for p in lesson.params if p.bound and p.kind in ("temperature", "int", "float")]
    return next((p for p in sliders if p.kind == "temperature"), sliders[0])


def link_value(lesson: Lesson) -> tuple[str, str]:
    """A link parameter and a non-default value for it (the temperature where there is one)."""
    param = live_param(lesson)
    value = LINK_TEMPERATURE if param.kind == "temperature" else other_value(param, lesson)
    return param.key, param.to_url(value)


def bound_params(lesson: Lesson) -> list[Param]:
    """The lesson's controls that are widgets bound to the URL."""
    return [p for p in lesson.params if p.bound]


# --------------------------------------------------------------------------------------------
# Opening a lesson
# --------------------------------------------------------------------------------------------


def open_page(page: Page, url: str, *, timeout: float = 60000) -> None:
    """Go to ``url``, wait until the app has run and drawn its charts, and check it is healthy."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout)
    wait_for_app(page, timeout=timeout)
    _wait_for_charts(page, timeout)
    assert_app_healthy(page)


def visit(page: Page, base_url: str, lesson: Lesson, params: dict[str, str] | None = None) -> None:
    """Show ``lesson``: through the app's own sidebar link when the app is already open in
    ``page`` (a page switch: no reload, ~4x faster here), its sidebar is open (not on a
    phone) and no link values are asked for; otherwise by opening its link. Either way, wait
    until it has run and drawn its charts."""
    # Its place in the menu, not its number: the story may skip numbers on a branch.
    sidebar_link = page.locator(NAV_LINKS).nth(LESSONS.index(lesson))
    on_screen = sidebar_link.count() == 1 and sidebar_link.evaluate(
        "a => { const r = a.getBoundingClientRect();"
        " return r.width > 0 && r.left >= 0 && r.right <= innerWidth; }"
    )
    if params or not page.url.startswith(base_url) or not on_screen:
        open_page(page, lesson_link(base_url, lesson, params))
    else:
        sidebar_link.click()
        wait_for_app(page)
        expect(page.locator(f"{MAIN} h1").first).to_have_text(lesson.title, timeout=30000)
        wait_for_app(page, settle_ms=0)
        _wait_for_charts(page, 30000)
        assert_app_healthy(page)
    assert_title(page, lesson)


def _wait_for_charts(page: Page, timeout: float) -> None:
    # Charts are lazy-loaded: a chart container may exist a moment before Plotly has drawn it.
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-testid='spotlight-chart']")]
                 .every(c => c.querySelector('.main-svg') || !c.getClientRects().length)""",
        timeout=timeout,
    )


def assert_app_healthy(page: Page) -> None:
    """No exception box, no error alert, no "Page not found" dialog, no traceback or error text,
    no JavaScript error and no alert() on the page."""
    assert_no_streamlit_exception(page)
    errors = page.locator("[data-testid='stAlertContentError']")
    assert errors.count() == 0, f"error alert shown: {errors.all_inner_texts()}"
    dialogs = page.locator("[data-testid='stDialog']")
    assert dialogs.count() == 0, f"a dialog is open: {dialogs.all_inner_texts()}"
    text = page.locator(MAIN).inner_text()
    assert "Traceback" not in text, text
    assert not re.search(r"\b\w*Error\b", text), re.search(r".{0,80}\b\w*Error\b.{0,80}", text)
    assert page.errors == [], page.errors  # type: ignore[attr-defined]
    assert page.dialogs == [], page.dialogs  # type: ignore[attr-defined]


def assert_navigation(page: Page) -> None:
    """The app's own sidebar navigation lists every lesson, in story order, with its link."""
    links = page.locator(NAV_LINKS)
    expect(links).to_have_count(len(LESSONS))
    for link, lesson in zip(links.all(), LESSONS, strict=True):
        expect(link).to_contain_text(f"{lesson.number}. {lesson.title}")
        path = urlsplit(link.get_attribute("href") or "").path
        allowed = {f"/{lesson.url_path}"} | ({"/"} if lesson.number == 1 else set())
        assert path in allowed, f"nav link of {lesson.title!r} goes to {path!r}"


def assert_title(page: Page, lesson: Lesson) -> None:
    expect(page.locator(f"{MAIN} h1").first).to_have_text(lesson.title)


# --------------------------------------------------------------------------------------------
# Controls, read as a visitor sees them
# --------------------------------------------------------------------------------------------


def main(page: Page) -> Locator:
    return page.locator(MAIN)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _slider_input(label: str) -> str:
    # The range input carries the label as aria-label; its accessible name repeats the label
    # (aria-labelledby names the input and its group), so match the attribute, not the name.
    return f"input[type=range][aria-label={_css_string(label)}]"


def slider(page: Page, label: str) -> Locator:
    """The slider input (what takes focus and keys) labelled ``label`` in the main area."""
    return main(page).locator(_slider_input(label))


def slider_text(page: Page, label: str) -> str:
    """The value printed above the slider's thumb, as shown."""
    widget = main(page).get_by_test_id("stSlider").filter(has=page.locator(_slider_input(label)))
    expect(widget).to_have_count(1)
    return widget.get_by_test_id("stSliderThumbValue").inner_text().strip()


def temperature_text(page: Page) -> str:
    return slider_text(page, "Temperature")


def number_shown(text: str) -> float:
    return float(text.replace("−", "-").replace(",", ""))


def assert_control_shows(page: Page, param: Param, value: Any) -> None:
    """The widget of ``param`` visibly holds ``value``."""
    where = main(page)
    if param.kind in ("temperature", "grid"):
        assert slider_text(page, param.label) == param.to_url(value), param.key
    elif param.kind in ("float", "int"):
        shown = slider_text(page, param.label)
        assert number_shown(shown) == pytest.approx(value, abs=1e-6), (param.key, shown, value)
    elif param.kind == "bool":
        switch = where.get_by_role("switch", name=param.label)
        (expect(switch).to_be_checked if value else expect(switch).not_to_be_checked)()
    elif param.kind == "choice":
        group = where.get_by_role("radiogroup", name=param.label)
        expect(group.get_by_role("radio", name=value, exact=True)).to_be_checked()
    else:
        expect(where.get_by_role("textbox", name=param.label, exact=True)).to_have_value(value)


def share_link(page: Page) -> str:
    """Open the "Share this view" expander and return the link in its code block."""
    box = main(page).get_by_test_id("stExpander").filter(has_text="Share this view")
    expect(box).to_have_count(1)
    summary = box.locator("summary")
    if box.locator("details").get_attribute("open") is None:
        summary.click()
    code = box.get_by_test_id("stCode").first  # a second one may offer the network address
    expect(code).to_be_visible(timeout=30000)  # a rerun of a big page, on a busy machine
    return code.inner_text().strip()


# --------------------------------------------------------------------------------------------
# Charts
# --------------------------------------------------------------------------------------------


def drawn_charts(page: Page) -> list[Locator]:
    """Plotly charts with a non-empty box (charts in closed tabs/expanders have none)."""
    charts = main(page).locator(CHARTS).all()
    return [c for c in charts if (box := c.bounding_box()) and box["width"] and box["height"]]


def assert_main_chart_drawn(page: Page, timeout_s: float = 20.0) -> None:
    """The page's first chart is drawn: a box of real size with marks in it. Plotly draws a
    moment after the elements of its run arrive (a text above it can show first), so this
    waits up to ``timeout_s`` for the chart to appear."""
    deadline = time.monotonic() + timeout_s
    while not (charts := drawn_charts(page)) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert charts, "no Plotly chart with a non-zero size"
    chart = charts[0]
    box = chart.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100, box
    assert chart.locator(".js-plotly-plot").count() == 1
    assert chart.locator("svg.main-svg, canvas").count() > 0, "chart has no SVG or canvas"
    assert chart.locator(".main-svg path, .main-svg image").count() > 0, "chart draws nothing"


def chart_fingerprint(page: Page, skip: Sequence[str] = ()) -> str:
    """What every chart on the page draws, as text; the charts keyed ``skip`` left out."""
    return page.evaluate(CHART_FINGERPRINT_JS, list(skip))


def wait_for_chart_change(page: Page, before: str, timeout: float = 20000) -> str:
    page.wait_for_function(
        f"before => ({CHART_FINGERPRINT_JS})() !== before",
        arg=before,
        timeout=timeout,
        polling=250,  # the fingerprint of a big page is not free: not on every frame
    )
    return chart_fingerprint(page)


# --------------------------------------------------------------------------------------------
# Colours (WCAG 2.x relative luminance and contrast)
# --------------------------------------------------------------------------------------------

_RGB = re.compile(r"rgba?\(([^)]*)\)")


def parse_color(css: str) -> tuple[float, float, float, float]:
    """``rgb(1, 2, 3)``, ``rgba(1, 2, 3, 0.5)`` or ``#rrggbb`` as (r, g, b, alpha)."""
    css = css.strip()
    if css.startswith("#") and len(css) == 7:
        return (int(css[1:3], 16), int(css[3:5], 16), int(css[5:7], 16), 1.0)
    match = _RGB.fullmatch(css)
    assert match, f"unexpected colour {css!r}"
    parts = [float(x) for x in re.split(r"[,\s/]+", match.group(1).strip()) if x]
    return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)


def over(fg: tuple[float, float, float, float], bg: tuple[float, float, float, float]):
    """``fg`` composited over an opaque ``bg``."""
    a = fg[3]
    r, g, b = (fg[i] * a + bg[i] * (1 - a) for i in range(3))
    return (r, g, b, 1.0)


def luminance(color: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in color[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def overlapping(boxes: list[dict], slack: float = 1.0) -> list[tuple[str, str]]:
    """The pairs of drawn texts (``{text, left, right, top, bottom, hidden}`` boxes, as the
    label tests read them off a chart) that sit on top of each other by more than ``slack``
    px; hidden and blank texts take no room."""
    shown = [b for b in boxes if not b.get("hidden") and b["text"].strip()]
    return [
        (a["text"], b["text"])
        for i, a in enumerate(shown)
        for b in shown[i + 1 :]
        if a["left"] < b["right"] - slack
        and b["left"] < a["right"] - slack
        and a["top"] < b["bottom"] - slack
        and b["top"] < a["bottom"] - slack
    ]
