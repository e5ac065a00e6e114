"""Every lesson in a real browser, opened from a link with values in it (one page load per
lesson covers two requirements):

- the link's values are restored on screen and offered back in the "Share this view" box;
- the page loads without an error, shows the app's own navigation and draws its chart;
- moving the temperature slider (keyboard: End, then Home) redraws the chart and rewrites the
  URL ("moving a slider updates the URL").

Pages opened with their defaults (no link values) are covered by ``test_layout.py``, which also
checks that defaults stay out of the URL.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ui.lessons import DICTIONARY, LESSONS, Lesson
from ui.params import TEMPERATURES, Param, format_number

from .helpers import (
    LESSON_IDS,
    LINK_TEMPERATURE,
    assert_app_healthy,
    assert_control_shows,
    assert_main_chart_drawn,
    assert_navigation,
    assert_title,
    bound_params,
    chart_fingerprint,
    lesson_link,
    live_param,
    open_page,
    other_value,
    query_of,
    share_link,
    slider,
    slider_text,
    wait_for_chart_change,
)

#: Link values chosen by hand where the generic ones would make the temperature irrelevant:
#: with one-hot vectors a word that is not a key scores 0 everywhere (the lesson's "one-hot
#: fails" case), and an even spread stays even at every temperature.
LINK_OVERRIDES = {DICTIONARY.url_path: {"word": "sous"}}


def _move(page: Page, param: Param, key: str, expected: float) -> None:
    """Focus the slider's thumb, press ``key``, wait for the URL to record ``expected`` (a
    default value leaves the URL)."""
    thumb = slider(page, param.label)
    thumb.focus()
    thumb.press(key)
    shown = format_number(expected)
    in_url = None if expected == param.default else [shown]
    page.wait_for_url(lambda url: query_of(url).get(param.key) == in_url, timeout=30000)
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=30000
    )
    assert slider_text(page, param.label) == shown


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_lesson_link_restores_values_and_the_slider_drives_chart_and_url(
    app_url: str, warm_page: Page, lesson: Lesson
) -> None:
    page = warm_page
    # Every control of the lesson at a value that is not its default; the temperature at 0.2.
    values = {p.key: other_value(p, lesson) for p in bound_params(lesson)}
    values.update(LINK_OVERRIDES.get(lesson.url_path, {}))
    assert values.get("t", LINK_TEMPERATURE) == LINK_TEMPERATURE
    open_page(
        page,
        lesson_link(app_url, lesson, {k: lesson.param(k).to_url(v) for k, v in values.items()}),
    )

    # The page itself, healthy (open_page: no exception, error text, dialog or JS error).
    assert_title(page, lesson)
    assert_navigation(page)
    assert_main_chart_drawn(page)

    # The link's values, on screen ...
    for key, value in values.items():
        assert_control_shows(page, lesson.param(key), value)
    assert not page.get_by_test_id("stAlertContentWarning").filter(has_text="ignored").count()
    # ... still in the URL ...
    url_query = query_of(page.url)
    for key, value in values.items():
        assert key in url_query, f"{key} dropped from the URL {page.url}"
        assert lesson.param(key).parse(url_query[key][0]) == value, (key, page.url)
    # ... and in the share box, as the same link.
    shared = share_link(page)
    assert shared.startswith(app_url), shared
    shared_query = query_of(shared)
    for key, value in values.items():
        assert key in shared_query, f"{key} missing from the share link {shared}"
        assert lesson.param(key).parse(shared_query[key][0]) == value, (key, shared)

    # End: the highest temperature (or the lesson's live slider). The chart redraws and the
    # URL records it.
    live = live_param(lesson)
    ends = (
        (TEMPERATURES[0], TEMPERATURES[-1]) if live.kind == "temperature" else (live.low, live.high)
    )
    before = chart_fingerprint(page)
    assert before, "no chart fingerprint"
    _move(page, live, "End", ends[1])
    after_end = wait_for_chart_change(page, before)
    # Home: the lowest. The chart and the URL change again.
    _move(page, live, "Home", ends[0])
    wait_for_chart_change(page, after_end)
    assert slider_text(page, live.label) == format_number(ends[0])

    assert_app_healthy(page)
