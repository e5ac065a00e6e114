"""The share box in a real browser (issue 12, item 10, and the large QR code of item 9).

On a phone the copy button is there without hovering and copies the link; the app is served on
127.0.0.1 here, so the box warns that students' phones cannot open that address; and the QR
code opens large enough for the back of a room.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from ui.lessons import LESSONS, Lesson
from ui.page import is_loopback

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
    # Both the view's link and the student link come with it.
    warning = box.get_by_test_id("stAlertContentWarning")
    expect(warning).to_have_count(2)
    for each in warning.all():
        expect(each).to_contain_text("Students' phones cannot open this link")
        expect(each).to_contain_text("--server.address 0.0.0.0")


def _decoded(png: bytes) -> list[str]:
    """What the QR codes in a screenshot decode to (zxing-cpp, from PyPI)."""
    import io

    import zxingcpp
    from PIL import Image

    return [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def _for_others(links: list[str]) -> str:
    """Of the links a share box shows, the one another device is given: the network one when
    the page was opened on loopback (and the computer has a network address)."""
    reachable = [link for link in links if not is_loopback(urlsplit(link).hostname)]
    return reachable[0] if reachable else links[0]


@pytest.mark.parametrize(
    "size",
    [
        pytest.param({"width": 1920, "height": 1080}, id="projector"),
        pytest.param({"width": 390, "height": 844}, id="phone"),
    ],
)
def test_the_qr_code_opens_large_square_and_scans(app_url: str, page: Page, size) -> None:
    """Issue 21, item 3: the large QR code was stretched to 1800×792 px on a projector. It is
    square, as large as the screen's shorter side allows, and decodes to the link another
    device should open, for the view's QR and the student link's."""
    page.set_viewport_size(size)
    visit(page, app_url, LESSONS[0], {"projector": "true"} if size["width"] > 1000 else None)
    share_link(page)
    box = page.locator(MAIN).get_by_test_id("stExpander").filter(has_text="Share this view")
    small = box.get_by_test_id("stImage").locator("img").first.bounding_box()
    codes = box.get_by_test_id("stCode").all_inner_texts()
    view = _for_others([c.strip() for c in codes if "predict=true" not in c])
    student = _for_others([c.strip() for c in codes if "predict=true" in c])
    for button, link in (("Show the QR code large", view), ("Show its QR code large", student)):
        box.get_by_role("button", name=button).click()
        dialog = page.get_by_test_id("stDialog")
        expect(dialog).to_be_visible(timeout=20000)
        image = dialog.get_by_test_id("stImage").locator("img")
        expect(image).to_be_visible()
        page.wait_for_timeout(300)  # the dialog's opening animation
        big = image.bounding_box()
        assert small and big, (small, big)
        assert abs(big["width"] - big["height"]) <= 1, f"the QR code is stretched: {big}"
        shorter = min(size["width"], size["height"])
        assert big["width"] >= 0.6 * shorter, f"small for a {size} screen: {big}"
        assert big["width"] >= 1.4 * small["width"], (small, big)
        assert big["y"] >= 0 and big["y"] + big["height"] <= size["height"], big
        assert big["x"] >= 0 and big["x"] + big["width"] <= size["width"], big
        assert _decoded(image.screenshot()) == [link]
        page.keyboard.press("Escape")
        expect(dialog).to_have_count(0)
        wait_for_app(page)
