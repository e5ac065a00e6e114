"""A whole school behind nginx: when the replica serving a student dies, the student's page
comes back on the other replica with the same view (deploy/school.py, deploy/README.md).

Loopback only: two Streamlit replicas and nginx (Debian's package, in the foreground, with its
files in a temp folder), started and stopped by the module fixture. For each lesson, a new
browser (so a new route cookie) opens the lesson's share link through nginx and moves the
temperature; the test finds the replica that holds its websocket (the cookie's upstream, asked
through nginx, and the replica's own open connections), kills that replica with SIGKILL and
checks that Streamlit's frontend reconnects by itself through nginx to the other replica, which
runs the page again from the URL: same link values, same controls, same chart numbers (read
from the Plotly figures in the DOM). Then the temperature moves once more on the new replica.
Views lost must be 0.

Without nginx the test is skipped locally and fails in CI (``CI=true``), like the browser tests
without Chromium; ``.ci/run`` installs nginx first.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator

import psutil
import pytest
from playwright.sync_api import Browser, Page, expect

from deploy.school import ROUTE_COOKIE, School, find_nginx
from ui.lessons import DICTIONARY, LESSONS, Lesson
from ui.params import TEMPERATURES, format_number

from .conftest import VIEWPORT, recording_page
from .helpers import (
    LESSON_IDS,
    assert_app_healthy,
    assert_control_shows,
    bound_params,
    chart_fingerprint,
    lesson_link,
    live_param,
    open_page,
    other_value,
    query_of,
    slider,
    slider_text,
    wait_for_chart_change,
)

pytestmark = pytest.mark.slow

#: As in test_lessons.py: with one-hot vectors an unknown word ignores the temperature.
LINK_OVERRIDES = {DICTIONARY.url_path: {"word": "sous"}}

#: The numbers every drawn Plotly chart shows: each trace's data arrays, decoded by plotly.js
#: (``_fullData``: typed arrays and base64 ``bdata`` become plain numbers).
CHART_NUMBERS_JS = """
(measured) => [...document.querySelectorAll("[data-testid='spotlight-chart'] .js-plotly-plot")]
  .filter(gd => !measured.some(key => gd.closest('.st-key-' + key)))
  .map(gd => (gd._fullData || []).map(trace => {
    const plain = v => (v && typeof v === 'object' && typeof v.length === 'number')
      ? Array.from(v, plain) : v;
    const out = {type: trace.type};
    for (const k of ['x', 'y', 'z', 'text', 'r', 'theta', 'customdata']) {
      if (trace[k] !== undefined && trace[k] !== null) out[k] = plain(trace[k]);
    }
    return out;
  }))
"""

#: Records every change of the app root's connection and script state (Streamlit 1.67 mirrors
#: them on data-test-connection-state / data-test-script-state), so the test can tell that the
#: page really lost its server, reconnected and ran the script again.
RECORD_STATES_JS = """
() => {
  const root = document.querySelector("[data-testid='stApp']");
  const note = () => window.__states.push(
    root.getAttribute('data-test-connection-state') + '/' +
    root.getAttribute('data-test-script-state'));
  window.__states = [];
  new MutationObserver(note).observe(root, {attributes: true,
    attributeFilter: ['data-test-connection-state', 'data-test-script-state']});
}
"""

#: Lost the connection, got it back, and a script run finished after that.
RECONNECTED_AND_RAN_JS = """
() => {
  const s = window.__states || [];
  const lost = s.findIndex(x => !x.startsWith('CONNECTED/'));
  if (lost < 0) return false;
  const back = s.findIndex((x, i) => i > lost && x.startsWith('CONNECTED/'));
  if (back < 0) return false;
  const ran = s.findIndex((x, i) => i >= back && x === 'CONNECTED/running');
  const root = document.querySelector("[data-testid='stApp']");
  return ran >= 0
    && root.getAttribute('data-test-connection-state') === 'CONNECTED'
    && root.getAttribute('data-test-script-state') === 'notRunning';
}
"""


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1"}


@pytest.fixture(scope="module")
def school() -> Iterator[School]:
    if find_nginx() is None:
        message = "nginx not found; install it with: apt-get install -y nginx"
        if _in_ci():
            pytest.fail(f"{message} (CI={os.environ.get('CI')}: .ci/run installs it)")
        pytest.skip(message)
    # fail_timeout 1 s: a restarted replica is back in nginx's rotation 1 s after it is up.
    with School(2, fail_timeout_s=1) as running:
        yield running
    for replica in running.replicas:
        assert not replica.running(), f"replica {replica.address} left running"


def _websockets(school: School, index: int) -> int:
    """Established TCP connections on replica ``index``'s port (nginx → replica): with no
    keep-alive to the replicas, only websockets stay open."""
    replica = school.replicas[index]
    process = psutil.Process(replica.pid)
    return sum(
        1
        for conn in process.net_connections(kind="tcp")
        if conn.status == psutil.CONN_ESTABLISHED and conn.laddr.port == replica.port
    )


def _serving_replica(school: School, page: Page) -> int:
    """The replica that holds this page's websocket (the only page open), checked against the
    replica nginx routes the browser's cookie to."""
    holding = [i for i in range(len(school.replicas)) if _websockets(school, i)]
    assert len(holding) == 1, f"websockets on replicas {holding}, expected on exactly one"
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert ROUTE_COOKIE in cookies, f"nginx set no route cookie: {cookies}"
    assert school.replica_of(cookies[ROUTE_COOKIE]) == holding[0], "cookie routes elsewhere"
    return holding[0]


def _view(page: Page, lesson: Lesson) -> dict:
    """What the student sees: the link, every control's value, every chart's numbers."""
    return {
        "query": query_of(page.url),
        "path": page.url.split("?")[0],
        "temperature": slider_text(page, live_param(lesson).label),
        # A live measurement (lesson 14's timings) is the new replica's own: left out.
        "charts": json.dumps(
            page.evaluate(CHART_NUMBERS_JS, list(lesson.measured_charts)), sort_keys=True
        ),
        "fingerprint": chart_fingerprint(page, skip=lesson.measured_charts),
    }


def _end(lesson: Lesson, key: str) -> float:
    """The value of the lesson's live slider after pressing ``key`` (End or Home)."""
    param = live_param(lesson)
    if param.kind == "temperature":
        return TEMPERATURES[-1] if key == "End" else TEMPERATURES[0]
    return param.high if key == "End" else param.low


def _move_live(page: Page, lesson: Lesson, key: str) -> float:
    """Press ``key`` on the lesson's live slider (its temperature, else its first slider: lesson
    11 has no temperature); wait for the URL, the run and a new chart. Returns the new value."""
    param, expected = live_param(lesson), _end(lesson, key)
    before = chart_fingerprint(page)
    thumb = slider(page, param.label)
    thumb.focus()
    thumb.press(key)
    shown = format_number(expected)
    # A value back at its default leaves the link.
    want = None if expected == param.default else [shown]
    page.wait_for_url(lambda url: query_of(url).get(param.key) == want, timeout=30000)
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=30000
    )
    wait_for_chart_change(page, before)
    assert slider_text(page, param.label) == shown
    return expected


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_killing_the_serving_replica_loses_no_view(
    school: School, browser: Browser, lesson: Lesson
) -> None:
    context = browser.new_context(viewport=VIEWPORT)  # a new student: a new route cookie
    try:
        page = recording_page(context)
        values = {p.key: other_value(p, lesson) for p in bound_params(lesson)}
        values.update(LINK_OVERRIDES.get(lesson.url_path, {}))
        link = {k: lesson.param(k).to_url(v) for k, v in values.items()}
        open_page(page, lesson_link(school.url, lesson, link))

        # The student moves a control: the view is now one no link was opened with. (To the
        # end of the scale: every lesson's chart changes there; from 0.2 to 0.3 one-hot
        # lookups stay saturated.)
        values[live_param(lesson).key] = _move_live(page, lesson, "End")
        before = _view(page, lesson)
        serving = _serving_replica(school, page)
        other = 1 - serving

        page.evaluate(RECORD_STATES_JS)
        killed_at = time.monotonic()
        school.kill(serving)
        page.wait_for_function(RECONNECTED_AND_RAN_JS, timeout=60000, polling=100)
        back_after = time.monotonic() - killed_at
        states = page.evaluate("() => window.__states")
        print(f"{lesson.url_path}: killed replica {serving}, back on {other} in "
              f"{back_after:.1f} s; states {' > '.join(dict.fromkeys(states))}")  # fmt: skip

        # nginx now sends this browser to the survivor, which holds its new websocket.
        cookie = next(c["value"] for c in context.cookies() if c["name"] == ROUTE_COOKIE)
        assert school.replica_of(cookie) == other
        assert _websockets(school, other) >= 1, f"no websocket on the other replica: {states}"
        assert not school.replicas[serving].running()

        # The same view: link, controls, chart numbers.
        assert_app_healthy(page)
        after = _view(page, lesson)
        assert after["path"] == before["path"]
        assert after["query"] == before["query"], states
        for key, value in values.items():
            assert_control_shows(page, lesson.param(key), value)
        assert after["temperature"] == before["temperature"]
        assert after["charts"] == before["charts"], "chart numbers changed after failover"
        assert after["fingerprint"] == before["fingerprint"], "charts drawn differently"

        # The new session is live: the next move works on the other replica.
        _move_live(page, lesson, "Home")
        assert _websockets(school, other) >= 1
        assert_app_healthy(page)
    finally:
        context.close()
        for i, replica in enumerate(school.replicas):
            if not replica.running():
                school.restart(i)
                # nginx tries a failed replica again only after fail_timeout (passive checks)
                time.sleep(school.fail_timeout_s + 0.2)


def test_after_the_dead_replica_returns_the_share_box_still_draws_its_qr_code(
    school: School, browser: Browser
) -> None:
    """The browser's cookie leads its HTTP requests back to its first replica once that one is
    up again, while its websocket (and so its session) stays on the replica that took it over.
    Nothing the page shows may then depend on a file kept in one replica's memory, such as an
    ``st.image`` served from Streamlit's media store: the share box's QR code must still load."""
    lesson = LESSONS[2]
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = recording_page(context)
        open_page(page, lesson_link(school.url, lesson, {"t": "0.5"}))
        share = page.get_by_test_id("stExpander").filter(has_text="Share this view")
        share.locator("summary").click()
        qr = share.get_by_role("img")
        expect(qr).to_have_count(1)
        serving = _serving_replica(school, page)
        page.evaluate(RECORD_STATES_JS)
        school.kill(serving)
        page.wait_for_function(RECONNECTED_AND_RAN_JS, timeout=60000, polling=100)
        school.restart(serving)
        time.sleep(school.fail_timeout_s + 0.2)  # back in nginx's rotation
        cookie = next(c["value"] for c in context.cookies() if c["name"] == ROUTE_COOKIE)
        assert school.replica_of(cookie) == serving, "the cookie leads home again"
        assert _websockets(school, serving) == 0, "the session stayed on the other replica"

        _move_live(page, lesson, "End")  # a new link, so a new QR code
        expect(qr).to_have_count(1)
        page.wait_for_function(
            "img => img.complete", arg=qr.element_handle(), timeout=10000, polling=100
        )
        width = qr.evaluate("img => img.naturalWidth")
        assert width > 0, f"the QR code did not load: {qr.get_attribute('src')[:80]}"
        assert_app_healthy(page)
    finally:
        context.close()
        for i, replica in enumerate(school.replicas):
            if not replica.running():
                school.restart(i)
