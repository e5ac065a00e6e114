"""Lesson 11 on a server that has no model: it says how to get it, downloads nothing by itself,
and every other lesson works as before (both model sources point at empty folders)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

import model_store
from ui.lessons import LESSONS, REAL

from .conftest import ServerHandle
from .helpers import assert_app_healthy, assert_main_chart_drawn, lesson_link, main, open_page


def test_without_the_model_the_page_offers_it_and_the_app_still_works(
    fresh_server: Callable[..., ServerHandle], page: Page, tmp_path: Path
) -> None:
    empty = {
        "SPOTLIGHT_MODEL_DIR": str(tmp_path / "no-usb-stick"),
        "SPOTLIGHT_MODEL_CACHE": str(tmp_path / "empty-cache"),
        "HF_HUB_OFFLINE": "1",  # even a mistaken download could not leave this machine
    }
    server = fresh_server(extra_env=empty)
    open_page(page, lesson_link(server.url, REAL), timeout=90000)
    where = main(page)
    expect(where.get_by_role("button", name="Get the model (90 MB)")).to_be_visible()
    expect(where.get_by_text(model_store.FETCH_COMMAND, exact=True)).to_be_visible()
    expect(where.get_by_text("not on this computer yet")).to_be_visible()
    assert not where.locator("[data-testid='spotlight-chart']").count()
    assert not (tmp_path / "empty-cache").exists(), "opening the page started a download"
    # Every other lesson, on the same server: untouched.
    for lesson in LESSONS:
        if lesson is not REAL:
            open_page(page, lesson_link(server.url, lesson))
            assert_main_chart_drawn(page)
            assert_app_healthy(page)
