"""Whatever a student types is shown as text: never run as a script, never drawn as an image,
never turned into a link, in Markdown, LaTeX or a Plotly label (DESIGN.md: Plotly labels are
HTML-ish; Streamlit Markdown understands links and ``$...$``).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

import attention_core as ac
from ui.lessons import CLASSROOM, DICTIONARY, REAL, SENTENCE, TRANSLATE, Lesson

from .helpers import assert_app_healthy, lesson_link, main, open_page, query_of, wait_for_app

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=https://example.com>x</a>",
    "[x](javascript:alert(1))",
    r"$\href{javascript:alert(1)}{x}$",
)

WORD_JOINER = "\u2060"
SCRIPTS_JS = "() => [...document.scripts].map(s => s.src || 'inline:' + s.textContent.length)"
INJECTED_JS = """() => ({
  links: [...document.querySelectorAll('a[href]')].map(a => a.href).filter(href => {
    const url = new URL(href, location.href);
    return url.protocol === 'javascript:' || /(^|\\.)example\\.com$/i.test(url.hostname);
  }),
  images: document.querySelectorAll('img[src="x"]').length,
  handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
  mainScripts: document.querySelectorAll("[data-testid='stMain'] script").length,
})"""
TICKS_JS = """() => [...document.querySelectorAll(
    "[data-testid='stMain'] .xtick text, [data-testid='stMain'] .ytick text"
  )].map(t => t.textContent)"""


def _type(page: Page, label: str, text: str) -> None:
    box = main(page).get_by_role("textbox", name=label, exact=True)
    box.fill(text)
    box.press("Enter")
    wait_for_app(page)


def _assert_nothing_injected(page: Page, scripts_before: list[str], before: dict) -> None:
    assert page.evaluate(SCRIPTS_JS) == scripts_before, "a <script> element was added"
    injected = page.evaluate(INJECTED_JS)
    assert injected["links"] == [], injected
    assert injected["images"] == 0, injected
    assert injected["mainScripts"] == 0, injected
    assert injected["handlers"] == before["handlers"], "inline event handlers were added"
    assert_app_healthy(page)  # also: no alert() dialog, no JavaScript error


@pytest.mark.parametrize(
    ("lesson", "key"),
    [
        (SENTENCE, "text"),
        (DICTIONARY, "word"),
        (CLASSROOM, "question"),
        (REAL, "text"),
        (TRANSLATE, "fr"),
    ],
    ids=["sentence-text", "dictionary-word", "classroom-question", "real-text", "translate-fr"],
)
def test_hostile_text_is_shown_literally_and_never_runs(
    app_url: str, warm_page: Page, lesson: Lesson, key: str, request: pytest.FixtureRequest
) -> None:
    page = warm_page
    param = lesson.param(key)
    open_page(page, lesson_link(app_url, lesson))
    scripts_before = page.evaluate(SCRIPTS_JS)
    before = page.evaluate(INJECTED_JS)

    for payload in PAYLOADS:
        _type(page, param.label, payload)
        _assert_nothing_injected(page, scripts_before, before)
        # The link holds exactly what was typed.
        assert query_of(page.url).get(key) == [payload], page.url
        # ... and the page shows it as text.
        if lesson is SENTENCE:
            # The sentence is split into words; each shows up as a label of the charts.
            ticks = {t.rstrip("?") for t in page.evaluate(TICKS_JS)}
            missing = [w for w in ac.tokenize(payload) if w not in ticks]
            assert not missing, f"{payload!r}: words {missing} not shown; ticks: {sorted(ticks)}"
        elif lesson is REAL:
            # The real model's WordPiece tokens, each a label of the head's heatmap.
            pieces = request.getfixturevalue("minilm").tokenize(payload).pieces
            ticks = set(page.evaluate(TICKS_JS))
            missing = [p for p in pieces if p not in ticks]
            assert not missing, f"{payload!r}: tokens {missing} not shown; ticks: {sorted(ticks)}"
        elif lesson is TRANSLATE:
            # The French words, numbered, label the columns of the cross-attention heatmap.
            ticks = set(page.evaluate(TICKS_JS))
            words = ac.tokenize(payload)[: ac.MAX_WORDS]
            missing = [w for i, w in enumerate(words) if f"{i + 1}. {w}" not in ticks]
            assert not missing, f"{payload!r}: words {missing} not shown; ticks: {sorted(ticks)}"
        else:
            # Invisible word joiners (ui.safe.md keeps Markdown from autolinking addresses)
            # do not change what a reader sees.
            shown = main(page).inner_text().replace(WORD_JOINER, "")
            assert payload in shown, f"{payload!r} is not shown literally"
