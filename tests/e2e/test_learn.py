"""Lesson 12 in a real browser: a teacher's link at step 1,000 opens the exact trained head on a
server that just started, the step buttons redraw the charts in place and move the link, and
Play trains on by itself until Pause."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import numpy as np
from playwright.sync_api import Page, expect

import attention_core as ac
from ui.lessons import TRAINING

from .conftest import wait_for_app
from .helpers import lesson_link, main, open_page, slider_text

DRAWS_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] .spotlight-plot")]
  .map(p => Number(p.dataset.draws || 0))"""
# The pattern's weights as plotly.js holds them: a typed array (base64 float64) and its shape.
Z_JS = """() => { const p = document.querySelector(".st-key-learn-head-1 .spotlight-plot");
  const z = p.data[0].z, bytes = Uint8Array.from(atob(z.bdata), c => c.charCodeAt(0));
  return {dtype: z.dtype, shape: z.shape, flat: Array.from(new Float64Array(bytes.buffer))}; }"""


def _drawn_pattern(page: Page) -> np.ndarray:
    z = page.evaluate(Z_JS)
    assert z["dtype"] == "f8", z["dtype"]
    shape = (
        [int(n) for n in str(z["shape"]).split(",")]
        if not isinstance(z["shape"], list)
        else z["shape"]
    )
    return np.array(z["flat"], dtype=float).reshape(shape)


def _step_in_url(page: Page) -> int:
    return int(parse_qs(urlsplit(page.url).query).get("step", ["0"])[0])


def test_a_link_at_step_1000_opens_the_trained_head_on_a_cold_server(
    page: Page, fresh_server: Callable
) -> None:
    server = fresh_server()
    query = {"step": "1000", "seed": "5", "lr": "0.003"}
    open_page(page, lesson_link(server.url, TRAINING, query))
    assert slider_text(page, "Training steps taken") == "1000"
    assert slider_text(page, "Learning rate") == "0.003"
    run = ac.train("previous", 5, 0.003, 1000)
    drawn = _drawn_pattern(page)
    # What plotly.js holds is the core's pattern after 1,000 steps, to the last bit.
    assert np.array_equal(drawn, run.history.pattern[1000])
    progress = main(page).locator("[data-testid='stMarkdown']", has_text="After 1,000 steps")
    expect(progress).to_contain_text(f"to {run.history.loss[-1]:.2f}")


def test_the_step_buttons_redraw_in_place_and_move_the_link(page: Page, app_url: str) -> None:
    open_page(page, lesson_link(app_url, TRAINING))
    before = page.evaluate(DRAWS_JS)
    assert len(before) == 4
    main(page).get_by_role("button", name="+10", exact=True).click()
    page.wait_for_function(
        "(b) => [...document.querySelectorAll(\"[data-testid='stMain'] .spotlight-plot\")]"
        ".every((p, i) => Number(p.dataset.draws || 0) > b[i])",
        arg=before,
        timeout=30000,
    )
    wait_for_app(page)
    assert _step_in_url(page) == 10
    assert slider_text(page, "Training steps taken") == "10"
    drawn = _drawn_pattern(page)
    assert np.array_equal(drawn, ac.train(steps=10).history.pattern[10])


def test_play_trains_on_by_itself_and_pause_stops_it(page: Page, app_url: str) -> None:
    open_page(page, lesson_link(app_url, TRAINING, {"step": "40"}))
    main(page).get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function("() => Number(new URL(location).searchParams.get('step')) >= 46",
                           timeout=30000)  # fmt: skip
    pause = main(page).get_by_role("button", name="Pause", exact=True)
    pause.click()
    expect(main(page).get_by_role("button", name="Play", exact=True)).to_be_visible()
    wait_for_app(page)
    stopped = _step_in_url(page)
    time.sleep(2)  # five ticks' worth: nothing moves any more
    wait_for_app(page)
    assert _step_in_url(page) == stopped
    assert slider_text(page, "Training steps taken") == str(stopped)
    drawn = _drawn_pattern(page)
    assert np.array_equal(drawn, ac.train(steps=stopped).history.pattern[stopped])
