"""Section 2: from a keyboard step on the temperature slider to the chart showing the new value.

Real Chromium (Debian's, through Playwright, the e2e harness's flags) against a real server on
loopback. For each lesson: open it, focus the temperature slider's thumb (the range input
named "Temperature"), then per step:

1. arm a probe in the page: a capture-phase ``keydown`` listener takes the event's
   ``timeStamp`` (the page's ``performance.now()`` clock, so no Python round trip is counted),
   and a ``MutationObserver`` on the lesson's chart (its ``st-key-<chart>`` container) compares
   the Plotly SVGs with their state before the key;
2. press ArrowRight/ArrowLeft (one notch on the 0.2 .. 5 part of the grid, so every step
   changes the picture);
3. wait until the chart's SVG differs from before and has been quiet for 250 ms.

"updated" = the last mutation that changed the chart (the figure is fully redrawn);
"first change" = the first one. Both are measured from the key event.

The floor, in the same run: ``bench/empty_app.py`` (the same bound temperature slider and nothing
else) on its own server. It has no chart, so its step ends with the last websocket frame the
server sends for it (the run's "finished" message): the stack's round trip with nothing to draw.
Each lesson's figures are then also given as a multiple of the floor's.

A second floor, ``bench/chart_floor_app.py``, is measured like a lesson: the same slider and one
small bar chart, so its ratio to the empty page is what redrawing any one chart costs on this
stack (the part of a lesson's ratio no page with a chart can avoid).
"""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .common import (
    CHART_FLOOR_APP,
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    EMPTY_APP,
    QUIET_SERVER_ARGS,
    VIEWPORT,
    fmt,
    launch,
    lessons,
    log,
    p50,
    p95,
    read_timings,
    table,
    temperature_walk,
    verdict,
)

P50_TARGET_MS = 150.0
CHART_FLOOR_NAME = "one-chart page (floor 2)"
#: Targets against the empty page in the same run: key → chart p50 and p95, server run p50.
P50_FLOOR_RATIO, P95_FLOOR_RATIO, RUN_FLOOR_RATIO = 1.5, 2.0, 3.0
QUIET_MS = 250
STEP_TIMEOUT_MS = 15000

ARM_JS = """
([selector, quietMs]) => {
  const root = document.querySelector(selector);
  if (!root) return false;
  const snapshot = () => [...root.querySelectorAll('.main-svg')].map(s => s.outerHTML).join('');
  if (window.__benchWs) { window.__benchWs.sends.length = 0; window.__benchWs.recvs.length = 0; }
  const probe = window.__benchProbe = {t0: null, first: null, last: null, done: false,
                                       before: snapshot(), timer: null, obs: null};
  const onKey = (e) => { if (probe.t0 === null) probe.t0 = e.timeStamp; };
  window.addEventListener('keydown', onKey, {capture: true, once: true});
  probe.obs = new MutationObserver(() => {
    const now = performance.now();
    if (probe.t0 === null || probe.done) return;
    if (snapshot() === probe.before) return;
    if (probe.first === null) probe.first = now;
    probe.last = now;
    clearTimeout(probe.timer);
    probe.timer = setTimeout(() => { probe.done = true; probe.obs.disconnect(); }, quietMs);
  });
  probe.obs.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  return true;
}
"""
# The floor page has no chart: its step ends with the server's last websocket frame for it (the
# run's "finished" message), once the socket has been quiet for ``quietMs``.
ARM_RUN_JS = """
([quietMs]) => {
  const ws = window.__benchWs;
  if (!ws) return false;
  ws.sends.length = 0; ws.recvs.length = 0;
  const probe = window.__benchProbe = {t0: null, first: null, last: null, done: false, obs: null};
  window.addEventListener('keydown', (e) => { if (probe.t0 === null) probe.t0 = e.timeStamp; },
                          {capture: true, once: true});
  const timer = setInterval(() => {
    const send = ws.sends.find(t => probe.t0 !== null && t >= probe.t0);
    const recvs = ws.recvs.filter(t => send !== undefined && t >= send);
    if (!recvs.length || performance.now() - recvs[recvs.length - 1] < quietMs) return;
    probe.first = recvs[0]; probe.last = recvs[recvs.length - 1]; probe.done = true;
    clearInterval(timer);
  }, 20);
  return true;
}
"""
RESULT_JS = """() => { const p = window.__benchProbe; if (p && p.obs) p.obs.disconnect();
  if (!p) return null;
  const ws = window.__benchWs || {sends: [], recvs: []};
  const send = ws.sends.find(t => t >= p.t0);
  const before = ws.recvs.filter(t => send !== undefined && t >= send && t <= p.first);
  return {t0: p.t0, first: p.first, last: p.last, done: p.done, send: send ?? null,
          recv: before.length ? before[before.length - 1] : null}; }"""
# Installed before Streamlit's code runs: timestamps every websocket frame the page sends and
# receives, to split a step into "key -> BackMsg sent", "sent -> the frame that carried the
# chart", "that frame -> chart redrawn".
WS_PROBE_JS = """
(() => {
  const Base = window.WebSocket;
  const log = window.__benchWs = {sends: [], recvs: []};
  window.WebSocket = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => log.recvs.push(performance.now()));
    }
    send(data) { log.sends.push(performance.now()); return super.send(data); }
  };
})();
"""


@dataclass
class PageResult:
    name: str
    chart: str
    updated: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    to_send: list[float] = field(default_factory=list)  # key -> BackMsg sent
    server: list[float] = field(default_factory=list)  # sent -> frame carrying the chart
    render: list[float] = field(default_factory=list)  # that frame -> chart changed
    windows: list[tuple[float, float]] = field(default_factory=list)  # perf_counter per step
    server_runs: list[float] = field(default_factory=list)  # hook: script run wall ms
    timeouts: int = 0
    dialog: str = ""
    errors: list[str] = field(default_factory=list)


def _measure_page(
    browser,
    url: str,
    info,
    steps: int,
    warmup: int,
    *,
    floor: bool = False,
    name: str | None = None,
) -> PageResult:
    from tests.e2e.conftest import wait_for_app

    name = name or ("empty page (floor)" if floor else f"{info.number}. {info.url_path}")
    result = PageResult(name, "(run finished)" if floor else info.chart_key or "any chart")
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(WS_PROBE_JS)
    page = context.new_page()
    page.on("pageerror", lambda e: result.errors.append(f"{e.name}: {e.message}"))
    try:
        page.goto(f"{url}/{info.url_path}")
        wait_for_app(page, timeout=60000)
        dialogs = page.locator("[role=dialog]")
        if dialogs.count():
            # A "Page not found" modal traps keyboard focus; note it and close it.
            result.dialog = dialogs.first.inner_text().splitlines()[0]
            page.keyboard.press("Escape")
            dialogs.first.wait_for(state="detached", timeout=5000)
        selector = f".st-key-{info.chart_key}" if info.chart_key else "[data-testid=stMain]"
        if not floor and not page.locator(selector).count():
            result.errors.append(f"chart {selector} not found; watching every chart")
            selector = "[data-testid=stMain]"
        slider = page.get_by_role("slider", name=info.control_label)
        slider.focus()
        walk = temperature_walk(info.temperatures, info.t_default, warmup + steps)
        for n, (direction, value) in enumerate(walk):
            if not page.evaluate("e => document.activeElement === e", slider.element_handle()):
                slider.focus()
            armed = (
                page.evaluate(ARM_RUN_JS, [QUIET_MS])
                if floor
                else page.evaluate(ARM_JS, [selector, QUIET_MS])
            )
            if not armed:
                raise RuntimeError(f"{selector} vanished")
            t_press = time.perf_counter()
            page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")
            try:
                page.wait_for_function(
                    "() => window.__benchProbe.done", timeout=STEP_TIMEOUT_MS, polling=50
                )
            except Exception:
                result.timeouts += 1
                page.evaluate(RESULT_JS)
                continue
            probe = page.evaluate(RESULT_JS)
            shown = slider.get_attribute("aria-valuetext")
            if shown != f"{value:g}":
                result.errors.append(f"slider shows {shown}, expected {value:g}")
            if n >= warmup and probe["t0"] is not None:
                result.updated.append(probe["last"] - probe["t0"])
                result.first.append(probe["first"] - probe["t0"])
                if probe["send"] is not None and probe["recv"] is not None:
                    result.to_send.append(probe["send"] - probe["t0"])
                    result.server.append(probe["recv"] - probe["send"])
                    result.render.append(probe["first"] - probe["recv"])
            # let the app finish its run (the URL update etc.) before the next key
            page.wait_for_selector(
                "[data-testid=stApp][data-test-script-state=notRunning]",
                state="attached",
                timeout=STEP_TIMEOUT_MS,
            )
            if n >= warmup:
                result.windows.append((t_press, time.perf_counter()))
    finally:
        context.close()
    return result


def run(quick: bool = False, extra_args: tuple[str, ...] = ()) -> dict:
    from playwright.sync_api import sync_playwright

    steps = 10 if quick else 30
    warmup = 3
    results: list[PageResult] = []
    with tempfile.TemporaryDirectory() as tmp:
        timings = Path(tmp) / "runs.jsonl"
        floor_timings = Path(tmp) / "floor-runs.jsonl"
        server, _ = launch(extra_args=[*QUIET_SERVER_ARGS, *extra_args], timings_file=timings)
        floor_server, _ = launch(
            EMPTY_APP, extra_args=[*QUIET_SERVER_ARGS, *extra_args], timings_file=floor_timings
        )
        chart_floor_timings = Path(tmp) / "chart-floor-runs.jsonl"
        chart_floor_server, _ = launch(
            CHART_FLOOR_APP,
            extra_args=[*QUIET_SERVER_ARGS, *extra_args],
            timings_file=chart_floor_timings,
        )
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM_PATH, headless=True, args=list(CHROMIUM_ARGS)
                )
                try:
                    infos = lessons()
                    floor_info = replace(infos[0], url_path="", chart_key=None, t_default=1.0)
                    log("  [browser] empty page (floor)")
                    results.append(
                        _measure_page(
                            browser, floor_server.url, floor_info, steps, warmup, floor=True
                        )
                    )
                    log("  [browser] one-chart page (second floor)")
                    chart_info = replace(floor_info, chart_key="floor-chart")
                    results.append(
                        _measure_page(
                            browser,
                            chart_floor_server.url,
                            chart_info,
                            steps,
                            warmup,
                            name=CHART_FLOOR_NAME,
                        )
                    )
                    for info in infos:
                        log(f"  [browser] {info.url_path}")
                        results.append(_measure_page(browser, server.url, info, steps, warmup))
                finally:
                    browser.close()
        finally:
            server.stop()
            floor_server.stop()
            chart_floor_server.stop()
        records = read_timings(timings)
        floor_records = read_timings(floor_timings)
        chart_floor_records = read_timings(chart_floor_timings)
    for r in results:
        source = (
            floor_records
            if r.chart == "(run finished)"
            else chart_floor_records
            if r.name == CHART_FLOOR_NAME
            else records
        )
        for t0, t1 in r.windows:
            runs = [rec["wall_ms"] for rec in source if t0 <= rec["start"] <= t1]
            if runs:
                r.server_runs.append(sum(runs))
    floor = results[0]
    chart_floor = next(r for r in results if r.name == CHART_FLOOR_NAME)
    rows, pages = [], []

    def times(value: float, base: float) -> float | None:
        return value / base if r.updated and floor.updated and base > 0 else None

    for r in results:
        is_floor = r is floor
        ratio_p50 = None if is_floor else times(p50(r.updated), p50(floor.updated))
        ratio_p95 = None if is_floor else times(p95(r.updated), p95(floor.updated))
        ratio_run = None if is_floor else times(p50(r.server_runs), p50(floor.server_runs))
        ratio_chart = (
            p50(r.updated) / p50(chart_floor.updated)
            if r.updated and chart_floor.updated and r is not chart_floor and not is_floor
            else None
        )
        if is_floor or ratio_p50 is None:
            ok = None if is_floor else False
        else:
            ok = (
                ratio_p50 <= P50_FLOOR_RATIO
                and (ratio_p95 or math.inf) <= P95_FLOOR_RATIO
                and (ratio_run is None or ratio_run <= RUN_FLOOR_RATIO)
            )
        rows.append(
            [
                r.name,
                r.chart,
                len(r.updated),
                fmt(p50(r.to_send), 0),
                fmt(p50(r.server_runs), 0),
                fmt(p50(r.server), 0),
                fmt(p50(r.render), 0),
                fmt(p50(r.first), 0),
                fmt(p50(r.updated), 0),
                fmt(p95(r.updated), 0),
                "—" if ratio_p50 is None else f"{ratio_p50:.2f}x / {ratio_p95:.2f}x",
                "—" if ratio_run is None else f"{ratio_run:.1f}x",
                "—" if ratio_chart is None else f"{ratio_chart:.2f}x",
                r.timeouts,
                "floor" if is_floor else verdict(ok),
            ]
        )
        pages.append(
            {
                "name": r.name,
                "chart": r.chart,
                "n": len(r.updated),
                "first_p50": p50(r.first),
                "updated_p50": p50(r.updated),
                "updated_p95": p95(r.updated),
                "timeouts": r.timeouts,
                "ok": ok,
                "floor": is_floor or r is chart_floor,  # not a lesson: kept out of "worst"
                "floor_ratio_p50": ratio_p50,
                "floor_ratio_p95": ratio_p95,
                "floor_ratio_run": ratio_run,
                "chart_floor_ratio_p50": ratio_chart,
                "to_send_p50": p50(r.to_send),
                "server_p50": p50(r.server),
                "render_p50": p50(r.render),
                "server_run_p50": p50(r.server_runs),
                "dialog": r.dialog,
                "errors": r.errors[:5],
            }
        )
    text = table(
        [
            "page",
            "chart watched",
            "n",
            "key→sent p50",
            "server run p50",
            "sent→chart frame p50",
            "frame→drawn p50",
            "first change p50 ms",
            "updated p50 ms",
            "updated p95 ms",
            "÷ floor p50 / p95",
            "server run ÷ floor",
            "÷ one-chart page p50",
            "no change (timeouts)",
            "≤ 1.5x / 2x / 3x floor",
        ],
        rows,
    )
    notes = [
        f"{r.name}: opened with a dialog “{r.dialog}” (closed with Escape)"
        for r in results
        if r.dialog
    ]
    notes += [f"{r.name}: {e}" for r in results for e in r.errors[:2]]
    return {
        "steps": steps,
        "warmup": warmup,
        "pages": pages,
        "table": text,
        "notes": notes,
        "extra_args": list(extra_args),
    }
