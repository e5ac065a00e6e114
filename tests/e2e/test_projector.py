"""Projector mode makes every lesson legible from the back of a classroom: ``?projector=true``
(or the sidebar switch) scales the page's text by at least 1.4.

One browser page tours the lessons through the app's own navigation; on each lesson the sidebar
switch flips the mode, so every lesson is measured with and without it, the link sets it on the
first lesson, and the switch turns it both on and off.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

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


# --------------------------------------------------------------------------------------------
# Projector mode is high contrast (issue 12, item 9)
# --------------------------------------------------------------------------------------------

MIN_CONTRAST = 4.5  # WCAG AA for text, chart text included
PROJECTOR_VIEWPORT = {"width": 1920, "height": 1080}

# Every visible text on screen (HTML and the charts' SVG), its colour composited with every
# opacity above it, against what is behind it: the backgrounds of the boxes around it, or for
# chart text the mark under it (a bar) else the page. Heatmap cell text (drawn on an image) and
# hover labels are left out. Texts are marked once measured, as the page is swept screen by
# screen (what is behind a text can only be asked for on screen).
CONTRAST_JS = """() => {
  const parse = c => { const m = (c || '').match(/rgba?\\(([^)]*)\\)/); if (!m) return null;
    const p = m[1].split(/[,\\s/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (f, b) => [0, 1, 2].map(i => f[i] * f[3] + b[i] * (1 - f[3])).concat([1]);
  const lum = c => { const ch = v => { v /= 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]); };
  const ratio = (a, b) => { const [h, l] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (h + 0.05) / (l + 0.05); };
  const app = document.querySelector("[data-testid='stApp']");
  const appBg = parse(getComputedStyle(app).backgroundColor);
  const centre = el => { const t = el.getBoundingClientRect();
    return [t.left + t.width / 2, t.top + t.height / 2]; };
  const htmlBackground = el => {
    const [x, y] = centre(el), chain = [];
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) {
      if (e instanceof SVGElement) continue;
      const r = e.getBoundingClientRect();
      if (x < r.left || x > r.right || y < r.top || y > r.bottom) continue;  // not behind it
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) chain.push(c);
      if (e === app) break;
    }
    let bg = appBg;
    for (const c of chain.reverse()) bg = over(c, bg);
    return bg;
  };
  const svgBackground = el => {
    const [x, y] = centre(el);
    let bg = htmlBackground(el.ownerSVGElement ? el.ownerSVGElement.parentElement : el);
    const mark = document.elementsFromPoint(x, y).find(e => e !== el &&
      (e.tagName === 'path' || e.tagName === 'rect') && e.closest('.plot, .bars, .trace'));
    if (mark) { const cs = getComputedStyle(mark); const f = parse(cs.fill);
      if (f) bg = over([f[0], f[1], f[2], f[3] * parseFloat(cs.fillOpacity)], bg); }
    return bg;
  };
  const opacity = el => { let o = 1;
    for (let e = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity);
    return o; };
  const skip = el => el.closest("[data-testid=stIconMaterial], .hoverlayer, .heatmaplayer, " +
    "[data-testid=stTooltipContent], .katex-mathml, [data-testid=stSkeleton], [data-contrast]");
  const out = [];
  const walker = document.createTreeWalker(app, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement, text = n.textContent.trim();
    if (!text || !el || skip(el)) continue;
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (r.width <= 1 || r.height <= 1 || cs.visibility === 'hidden') continue;
    const [x, y] = centre(el);
    if (y < 0 || y > innerHeight || x < 0 || x > innerWidth) continue;  // off screen: later
    const o = opacity(el);
    if (o < 0.05) continue;  // faded out: not shown
    const svg = el instanceof SVGElement;
    const c = parse(svg ? cs.fill : cs.color);
    if (!c) continue;
    const fg = [c[0], c[1], c[2], c[3] * o * (svg ? parseFloat(cs.fillOpacity) : 1)];
    const bg = svg ? svgBackground(el) : htmlBackground(el);
    el.setAttribute('data-contrast', '');
    out.push({text: text.slice(0, 40), ratio: ratio(over(fg, bg), bg), svg,
              where: (el.closest('[data-testid]') || el).getAttribute('data-testid')});
  }
  return out;
}"""

SWEEP_JS = """(step) => {
  const main = document.querySelector("[data-testid='stMain']");
  if (main.scrollTop + main.clientHeight >= main.scrollHeight - 1) return false;
  main.scrollBy(0, step);
  return true;
}"""


@pytest.fixture(scope="module")
def projector_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PROJECTOR_VIEWPORT)
    page = recording_page(context)
    yield page
    context.close()


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_projector_mode_is_high_contrast_and_names_every_lesson_in_full(
    app_url: str, projector_page: Page, lesson: Lesson
) -> None:
    page = projector_page
    page.errors.clear()  # type: ignore[attr-defined]
    visit(page, app_url, lesson, {"projector": "true"})
    expect(_switch(page)).to_be_checked()

    measured: list[dict] = []
    for _ in range(200):  # screen by screen, down to the end of the page
        measured += page.evaluate(CONTRAST_JS)
        if not page.evaluate(SWEEP_JS, int(PROJECTOR_VIEWPORT["height"] * 0.8)):
            break
        page.wait_for_timeout(250)  # let lazily drawn charts appear
    measured += page.evaluate(CONTRAST_JS)
    assert any(m["svg"] for m in measured), "no chart text was measured"
    faint = [m for m in measured if m["ratio"] < MIN_CONTRAST]
    assert not faint, f"{len(faint)} texts under {MIN_CONTRAST}:1 on {lesson.url_path}: {faint[:8]}"

    # The sidebar names every lesson in full: nothing cut off with an ellipsis.
    cut = page.evaluate(
        """() => [...document.querySelectorAll("[data-testid=stSidebarNavLink]")]
             .flatMap(a => [...a.querySelectorAll('span, p')])
             .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
             .map(e => e.innerText)"""
    )
    assert not cut, f"lesson names cut off in the sidebar: {cut}"
