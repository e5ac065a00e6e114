"""Deep links on a freshly started server: the first visitor of a sleeping app (Streamlit
Community Cloud sleeps apps after 12 h) opens a lesson's link, not the home page.

A folder named ``pages/`` next to the entry script would make such a cold deep link run the page
file without the router: no navigation, no page config (DESIGN.md, "Multipage"). Each lesson gets
its own new server whose very first page request is the lesson's link with a value in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ui.lessons import LESSONS, Lesson

from .conftest import VIEWPORT, ServerHandle, _free_port, recording_page
from .helpers import (
    LESSON_IDS,
    assert_navigation,
    assert_title,
    lesson_link,
    link_value,
    main,
    open_page,
    query_of,
    slider_text,
    temperature_text,
)

pytestmark = pytest.mark.slow

_port: list[int] = []


@pytest.fixture(scope="module")
def cold_context(browser: Browser) -> Iterator[BrowserContext]:
    """One context for all cold starts. The servers reuse one port when they can, so the
    browser's cache of Streamlit's immutable JavaScript still applies: the server is cold, the
    test stays affordable."""
    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


def _start(fresh_server: Callable[..., ServerHandle]) -> ServerHandle:
    if not _port:
        _port.append(_free_port())
    try:
        return fresh_server(port=_port[0])
    except RuntimeError:  # the port was taken meanwhile: any free one will do
        server = fresh_server()
        _port[0] = server.port
        return server


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_cold_deep_link_shows_navigation_page_and_link_value(
    fresh_server: Callable[..., ServerHandle], cold_context: BrowserContext, lesson: Lesson
) -> None:
    server = _start(fresh_server)
    page: Page = recording_page(cold_context)
    try:
        key, value = link_value(lesson)
        open_page(page, lesson_link(server.url, lesson, {key: value}))
        assert_title(page, lesson)
        assert_navigation(page)
        assert slider_text(page, lesson.param(key).label) == value
        assert "legacy" not in server.log().lower(), server.log()
    finally:
        page.close()


def test_app_root_opens_the_first_lesson_with_the_link_values(
    app_url: str, warm_page: Page
) -> None:
    """``/`` is where a bare share link or a bookmark lands: it forwards to lesson 1 at its own
    path, keeping the values (a repeated key too, so its notice still shows)."""
    lesson = LESSONS[0]
    open_page(warm_page, f"{app_url}/?t=0.2&voices=30&voices=5")
    warm_page.wait_for_url(f"**/{lesson.url_path}?*")
    assert_title(warm_page, lesson)
    assert temperature_text(warm_page) == "0.2"
    assert query_of(warm_page.url)["t"] == ["0.2"]
    expect(main(warm_page).get_by_text("was given 2 times")).to_be_visible()
