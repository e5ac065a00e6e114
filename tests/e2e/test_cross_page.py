"""The sentence lesson links to the math lesson "for this sentence": the math page opens with
that sentence, its temperature and its scaling (issue 12, item 5: Streamlit drops from a page
link the values bound to controls of the page it leaves, so /math once opened at T = 1, scaled),
and the sidebar opens each lesson with its own defaults."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ui.lessons import DICTIONARY, MATH, SENTENCE, SOFTMAX

from .conftest import wait_for_app
from .helpers import (
    LINK_TEMPERATURE,
    assert_app_healthy,
    assert_title,
    lesson_link,
    main,
    open_page,
    query_of,
    temperature_text,
    visit,
)

LINK_LABEL = "See the math step by step for this sentence"
FIRST = "the money went into the bank"
SECOND = "a bat flew over the river bank"


def _follow_link_to_math(page: Page, sentence: str, *, t: float, scaled: bool) -> None:
    link = main(page).get_by_role("link", name=LINK_LABEL)
    expect(link).to_have_count(1)
    link.click()
    wait_for_app(page)
    assert_title(page, MATH)
    assert_app_healthy(page)

    box_param = next(p for p in MATH.params if p.kind == "text")
    box = main(page).get_by_role("textbox", name=box_param.label, exact=True)
    expect(box).to_have_value(sentence)
    # Every setting the two pages share comes along, in the controls and in the link.
    assert temperature_text(page) == f"{t:g}", "the temperature was lost on the way"
    toggle = main(page).locator("[data-testid='stCheckbox']", has_text=MATH.param("scaled").label)
    expect(toggle.locator("input")).to_be_checked(checked=scaled)
    query = query_of(page.url)
    assert query.get(box_param.key) == [sentence], page.url
    assert query.get("t") == [f"{t:g}"], page.url
    assert query.get("scaled", ["true"]) == [str(scaled).lower()], page.url  # default: left out


def test_see_the_math_link_opens_the_math_page_with_this_sentence(
    app_url: str, warm_page: Page
) -> None:
    page = warm_page
    # Straight from a shared link: the first click of a new session.
    link = {"text": FIRST, "t": str(LINK_TEMPERATURE), "scaled": "false"}
    open_page(page, lesson_link(app_url, SENTENCE, link))
    assert temperature_text(page) == str(LINK_TEMPERATURE)
    _follow_link_to_math(page, FIRST, t=LINK_TEMPERATURE, scaled=False)

    # After typing a sentence of one's own (the session has rerun since it started).
    open_page(page, lesson_link(app_url, SENTENCE, {"t": str(LINK_TEMPERATURE)}))
    box = main(page).get_by_role("textbox", name=SENTENCE.param("text").label, exact=True)
    box.fill(SECOND)
    box.press("Enter")
    wait_for_app(page)
    page.wait_for_url(lambda url: query_of(url).get("text") == [SECOND])
    _follow_link_to_math(page, SECOND, t=LINK_TEMPERATURE, scaled=True)


def test_the_sidebar_opens_each_lesson_with_its_own_defaults(app_url: str, warm_page: Page) -> None:
    """A temperature set on one lesson does not reappear on the next ones (Streamlit carries the
    state of identical widgets across a page switch once a session has rerun)."""
    page = warm_page
    open_page(page, lesson_link(app_url, SENTENCE, {"t": str(LINK_TEMPERATURE)}))
    box = main(page).get_by_role("textbox", name=SENTENCE.param("text").label, exact=True)
    box.fill(SECOND)
    box.press("Enter")
    wait_for_app(page)
    for lesson in (MATH, SOFTMAX, DICTIONARY):
        visit(page, app_url, lesson)
        assert temperature_text(page) == f"{lesson.param('t').default:g}", lesson.title
        assert "t" not in query_of(page.url), page.url
