"""The share box in a real browser (issue 12, item 10, and the large QR code of item 9).

On a phone the copy button is there without hovering and copies the link; the app is served on
127.0.0.1 here, so the box warns that students' phones cannot open that address; and the QR
code opens large enough for the back of a room.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from ui.lessons import LESSONS, Lesson

from .conftest import recording_page, wait_for_app
from .helpers import MAIN, link_value, share_link, visit

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
#: Two lessons are enough here: the share box is the same code on every lesson (AppTest covers
#: them all in tests/test_share.py).
LESSONS_HERE = [LESSONS[0], LESSONS[-1]]


@pytest.fixture(scope="module")
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(**PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = recording_page(context)
    yield page
    context.close()


@pytest.mark.parametrize("lesson", LESSONS_HERE, ids=[lesson.url_path for lesson in LESSONS_HERE])
def test_on_a_phone_the_copy_button_is_visible_and_copies_the_link(
    app_url: str, phone: Page, lesson: Lesson
) -> None:
    page = phone
    page.errors.clear()  # type: ignore[attr-defined]
    # A control the lesson has: its temperature, else (lesson 11's real model) its layer.
    key, value = link_value(lesson)
    visit(page, app_url, lesson, {key: value})
    link = share_link(page)
    assert f"{key}={value}" in link, link
    box = page.locator(MAIN).get_by_test_id("stExpander").filter(has_text="Share this view")
    button = box.get_by_role("button", name="Copy link")
    button.scroll_into_view_if_needed()
    expect(button).to_be_visible()  # no hover needed: a phone has none
    size = button.bounding_box()
    assert size and size["height"] >= 44 and size["width"] >= 44, size
    button.tap()
    # The status next to this button (the box also copies the student link).
    status = button.locator("xpath=following-sibling::*[@role='status']")
    expect(status).to_contain_text("Copied", timeout=10000)
    assert page.evaluate("() => navigator.clipboard.readText()") == link

    # Served on 127.0.0.1: the box says phones cannot open it, and what to do instead.
    warning = box.get_by_test_id("stAlertContentWarning")
    expect(warning).to_contain_text("Students' phones cannot open this link")
    expect(warning).to_contain_text("--server.address 0.0.0.0")


def test_the_qr_code_opens_large_for_the_back_of_the_room(app_url: str, page: Page) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    visit(page, app_url, LESSONS[0], {"projector": "true"})
    share_link(page)
    box = page.locator(MAIN).get_by_test_id("stExpander").filter(has_text="Share this view")
    small = box.get_by_test_id("stImage").locator("img").first.bounding_box()
    box.get_by_role("button", name="Show the QR code large").click()
    dialog = page.get_by_test_id("stDialog")
    expect(dialog).to_be_visible(timeout=20000)
    image = dialog.get_by_test_id("stImage").locator("img")
    expect(image).to_be_visible()
    big = image.bounding_box()
    assert small and big, (small, big)
    # At least three times the size, and all of it on screen.
    assert big["width"] >= 3 * small["width"], (small, big)
    assert big["y"] >= 0 and big["y"] + big["height"] <= 1080, big
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    wait_for_app(page)
