"""Section 2: from a keyboard step on the temperature slider to the last chart showing it.

Real Chromium (Debian's, through Playwright, the e2e harness's flags) against a real server on
loopback. For each lesson: open it, focus the temperature slider's thumb (the range input
named "Temperature"), then per step:

1. arm a probe in the page: a capture-phase ``keydown`` listener takes the event's
   ``timeStamp`` (the page's ``performance.now()`` clock, so no Python round trip is counted),
   one snapshot of every chart SVG on the page is kept (``.main-svg`` under the main area), and
   a ``MutationObserver`` on the whole main area (``[data-testid=stMain]``) timestamps every
   mutation that touches a chart: its target is inside a chart SVG (a cheap ``closest``), or it
   adds or removes one (``st.plotly_chart`` mounting a new chart). No snapshot per mutation:
   the observer only notes the time;
2. press ArrowRight/ArrowLeft (one notch on the 0.2 .. 5 part of the grid, so every step
   changes the picture);
3. wait until the charts and the websocket have both been quiet for 250 ms (and the run has
   finished), then take a second snapshot of every chart SVG: the step counts only if it
   differs from the first (else "no change").

"key → last chart" = the last mutation of any chart: the step is over when the **last** chart
of the step is drawn, however many charts the step redraws; "key → first chart" = the first
one. Both from the key event. The probe knows both chart designs of the app: Streamlit's
``st.plotly_chart`` (``[data-testid=stPlotlyChart]``, remounted at every step; the app before
commit 3925bed) and ``ui.chart``'s element (``[data-testid=spotlight-chart]``, one Plotly graph
kept and redrawn with ``Plotly.react``): both draw Plotly's ``.main-svg``. For the latter it
also counts the element's own ``spotlight:drawn`` events (a cross-check, not the measure).

The floor, in the same run: ``bench/empty_app.py`` (the same bound temperature slider and nothing
else) on its own server. It has no chart, so its step ends with the last websocket frame the
server sends for it (the run's "finished" message): the stack's round trip with nothing to draw.
Each lesson's figures are then also given as a multiple of the floor's.

A second floor, ``bench/chart_floor_app.py``, is measured like a lesson: the same slider and one
small bar chart drawn as the lessons draw theirs (``ui.chart``), so its ratio to the empty page
is what redrawing any one chart costs on this stack.

``bench/drawing.py`` uses the same probe (``PageSession``) to compare chart designs.
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
    model_on_disk,
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
#: A step is over once the charts and the websocket have been quiet this long.
QUIET_MS = 250
#: A step whose run finished without touching any chart ends after this much quiet ("no change").
NO_CHANGE_MS = 2000
STEP_TIMEOUT_MS = 15000

#: Both chart designs draw Plotly's SVG layers with this class.
CHART_SVG = ".main-svg"

ARM_JS = """
([svgSelector, quietMs, noChangeMs]) => {
  const root = document.querySelector('[data-testid=stMain]');
  if (!root) return false;
  const old = window.__benchProbe;
  if (old && old.stop) old.stop();
  const snapshot = () =>
    [...root.querySelectorAll(svgSelector)].map(s => s.outerHTML).join('\u0000');
  const ws = window.__benchWs;
  if (ws) { ws.sends.length = 0; ws.recvs.length = 0; }
  const probe = window.__benchProbe = {t0: null, first: null, last: null, mutations: 0,
                                       drawn: [], done: false, changed: null,
                                       before: snapshot(), stop: null};
  const inChart = (node) => {
    const el = node.nodeType === 1 ? node : node.parentElement;
    return el !== null && el.closest(svgSelector) !== null;
  };
  const holdsChart = (nodes) => {
    for (const n of nodes) {
      if (n.nodeType === 1 && (n.matches(svgSelector) || n.querySelector(svgSelector))) return true;
    }
    return false;
  };
  const onKey = (e) => { if (probe.t0 === null) probe.t0 = e.timeStamp; };
  window.addEventListener('keydown', onKey, {capture: true, once: true});
  const onDrawn = (e) => {
    if (probe.t0 === null || probe.done) return;
    probe.drawn.push(e.detail ? e.detail.at : performance.now());
  };
  root.addEventListener('spotlight:drawn', onDrawn);
  const obs = new MutationObserver((records) => {
    if (probe.t0 === null || probe.done) return;
    for (const r of records) {
      if (inChart(r.target) || (r.type === 'childList' &&
          (holdsChart(r.addedNodes) || holdsChart(r.removedNodes)))) {
        const now = performance.now();
        if (probe.first === null) probe.first = now;
        probe.last = now;
        probe.mutations += 1;
        return;
      }
    }
  });
  obs.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  const app = document.querySelector('[data-testid=stApp]');
  const finish = (changed) => {
    probe.stop();
    probe.changed = changed;
    probe.done = true;
  };
  const timer = setInterval(() => {
    if (probe.t0 === null || probe.done) return;
    const now = performance.now();
    const send = ws ? ws.sends.find(t => t >= probe.t0) : undefined;
    const recvs = ws && send !== undefined ? ws.recvs.filter(t => t >= send) : [];
    const lastRecv = recvs.length ? recvs[recvs.length - 1] : (ws ? null : probe.last);
    const state = app ? app.getAttribute('data-test-script-state') : 'notRunning';
    if (lastRecv === null || (state !== 'notRunning' && state !== 'compilationError')) return;
    if (probe.last === null) {
      if (now - lastRecv >= noChangeMs) finish(false);
      return;
    }
    if (now - probe.last < quietMs || now - lastRecv < quietMs) return;
    finish(snapshot() !== probe.before);
  }, 20);
  probe.stop = () => {
    clearInterval(timer);
    obs.disconnect();
    root.removeEventListener('spotlight:drawn', onDrawn);
    window.removeEventListener('keydown', onKey, {capture: true});
  };
  return true;
}
"""
# The floor page has no chart: its step ends with the server's last websocket frame for it (the
# run's "finished" message), once the socket has been quiet for ``quietMs``.
ARM_RUN_JS = """
([quietMs]) => {
  const ws = window.__benchWs;
  if (!ws) return false;
  const old = window.__benchProbe;
  if (old && old.stop) old.stop();
  ws.sends.length = 0; ws.recvs.length = 0;
  const probe = window.__benchProbe = {t0: null, first: null, last: null, mutations: 0,
                                       drawn: [], done: false, changed: true, stop: null};
  const onKey = (e) => { if (probe.t0 === null) probe.t0 = e.timeStamp; };
  window.addEventListener('keydown', onKey, {capture: true, once: true});
  const timer = setInterval(() => {
    const send = ws.sends.find(t => probe.t0 !== null && t >= probe.t0);
    const recvs = ws.recvs.filter(t => send !== undefined && t >= send);
    if (!recvs.length || performance.now() - recvs[recvs.length - 1] < quietMs) return;
    probe.first = recvs[0]; probe.last = recvs[recvs.length - 1];
    probe.stop();
    probe.done = true;
  }, 20);
  probe.stop = () => {
    clearInterval(timer);
    window.removeEventListener('keydown', onKey, {capture: true});
  };
  return true;
}
"""
RESULT_JS = """() => { const p = window.__benchProbe;
  if (!p) return null;
  if (p.stop) p.stop();
  const ws = window.__benchWs || {sends: [], recvs: []};
  const send = ws.sends.find(t => t >= p.t0);
  const before = ws.recvs.filter(t => send !== undefined && t >= send && t <= p.first);
  return {t0: p.t0, first: p.first, last: p.last, done: p.done, changed: p.changed,
          mutations: p.mutations, drawn: p.drawn.length,
          drawn_last: p.drawn.length ? Math.max(...p.drawn) : null, send: send ?? null,
          recv: before.length ? before[before.length - 1] : null}; }"""
# Installed before Streamlit's code runs: timestamps every websocket frame the page sends and
# receives, to split a step into "key -> BackMsg sent", "sent -> the frame before the first
# chart changes", "that frame -> first chart changed", and to tell when the run's frames are over.
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
    updated: list[float] = field(default_factory=list)  # key -> last chart changed
    first: list[float] = field(default_factory=list)  # key -> first chart changed
    to_send: list[float] = field(default_factory=list)  # key -> BackMsg sent
    server: list[float] = field(default_factory=list)  # sent -> frame before the first chart
    render: list[float] = field(default_factory=list)  # that frame -> first chart changed
    drawn: list[int] = field(default_factory=list)  # spotlight:drawn events per step
    windows: list[tuple[float, float]] = field(default_factory=list)  # perf_counter per step
    server_runs: list[float] = field(default_factory=list)  # hook: script run wall ms
    timeouts: int = 0  # no change (or no end) within the step's time
    dialog: str = ""
    errors: list[str] = field(default_factory=list)


class PageSession:
    """One page in its own browser context, stepped one key at a time.

    ``open()`` loads the page (with the websocket probe) and focuses the slider; each
    ``step(direction, value, record=...)`` arms the probe, presses the key, waits for the step
    to end (the last chart drawn, or the run's last frame on the empty page) and, with
    ``record``, adds the step to ``result``. ``bench.drawing`` keeps several open at once and
    steps them in turns."""

    def __init__(
        self, browser, url: str, info, *, floor: bool = False, name: str | None = None
    ) -> None:
        self.browser, self.url, self.info, self.floor = browser, url, info, floor
        name = name or ("empty page (floor)" if floor else f"{info.number}. {info.url_path}")
        self.result = PageResult(name, "(run finished)" if floor else info.chart_key or "any chart")
        self.context = None
        self.page = None
        self.slider = None

    def open(self) -> PageSession:
        from tests.e2e.conftest import wait_for_app

        result, info = self.result, self.info
        self.context = self.browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(WS_PROBE_JS)
        page = self.page = self.context.new_page()
        page.on("pageerror", lambda e: result.errors.append(f"{e.name}: {e.message}"))
        page.goto(f"{self.url}/{info.url_path}")
        wait_for_app(page, timeout=60000)
        dialogs = page.locator("[role=dialog]")
        if dialogs.count():
            # A "Page not found" modal traps keyboard focus; note it and close it.
            result.dialog = dialogs.first.inner_text().splitlines()[0]
            page.keyboard.press("Escape")
            dialogs.first.wait_for(state="detached", timeout=5000)
        if not self.floor:
            if info.chart_key and not page.locator(f".st-key-{info.chart_key}").count():
                result.errors.append(f"chart .st-key-{info.chart_key} not found")
            # the first drawing (plotly.js may still be loading): steps start from a drawn page
            try:
                page.wait_for_function(
                    "s => document.querySelector(`[data-testid=stMain] ${s}`) !== null",
                    arg=CHART_SVG,
                    timeout=30000,
                )
            except Exception:
                result.errors.append("no chart drawn after opening the page")
        self.slider = page.get_by_role("slider", name=info.control_label)
        self.slider.focus()
        return self

    def step(self, direction: int, value: float, *, record: bool = True) -> dict | None:
        """One key press; the probe's figures (ms from the key) or None if it did not end."""
        page, slider, result = self.page, self.slider, self.result
        if not page.evaluate("e => document.activeElement === e", slider.element_handle()):
            slider.focus()
        armed = (
            page.evaluate(ARM_RUN_JS, [QUIET_MS])
            if self.floor
            else page.evaluate(ARM_JS, [CHART_SVG, QUIET_MS, NO_CHANGE_MS])
        )
        if not armed:
            raise RuntimeError(f"{result.name}: the page's main area vanished")
        t_press = time.perf_counter()
        page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")
        try:
            page.wait_for_function(
                "() => window.__benchProbe.done", timeout=STEP_TIMEOUT_MS, polling=50
            )
            probe = page.evaluate(RESULT_JS)
        except Exception:
            page.evaluate(RESULT_JS)
            probe = None
        # let the app finish its run (the URL update etc.) before the next key
        page.wait_for_selector(
            "[data-testid=stApp][data-test-script-state=notRunning]",
            state="attached",
            timeout=STEP_TIMEOUT_MS,
        )
        t_end = time.perf_counter()
        shown = slider.get_attribute("aria-valuetext")
        if shown != f"{value:g}":
            result.errors.append(f"slider shows {shown}, expected {value:g}")
        if probe is None or not probe["changed"] or probe["t0"] is None:
            if record:
                result.timeouts += 1
            return None
        out = {
            "last": probe["last"] - probe["t0"],
            "first": probe["first"] - probe["t0"],
            "drawn": probe["drawn"],
            # ui.chart's own signal that its last chart of the step is drawn (a cross-check)
            "drawn_last": None
            if probe["drawn_last"] is None
            else probe["drawn_last"] - probe["t0"],
            "window": (t_press, t_end),
        }
        if probe["send"] is not None and probe["recv"] is not None:
            out["to_send"] = probe["send"] - probe["t0"]
            out["server"] = probe["recv"] - probe["send"]
            out["render"] = probe["first"] - probe["recv"]
        if record:
            result.updated.append(out["last"])
            result.first.append(out["first"])
            result.drawn.append(out["drawn"])
            result.windows.append(out["window"])
            if "to_send" in out:
                result.to_send.append(out["to_send"])
                result.server.append(out["server"])
                result.render.append(out["render"])
        return out

    def close(self) -> None:
        if self.context is not None:
            self.context.close()
            self.context = None


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
    session = PageSession(browser, url, info, floor=floor, name=name)
    try:
        session.open()
        walk = temperature_walk(info.temperatures, info.t_default, warmup + steps)
        for n, (direction, value) in enumerate(walk):
            session.step(direction, value, record=n >= warmup)
    finally:
        session.close()
    return session.result


def run(
    quick: bool = False,
    extra_args: tuple[str, ...] = (),
    *,
    only: set[str] | None = None,
    steps: int | None = None,
) -> dict:
    """``only``: the lessons' url paths to measure (default all); ``steps`` per page (default
    30, 10 with ``quick``), after 3 warm-up ones."""
    from playwright.sync_api import sync_playwright

    steps = steps or (10 if quick else 30)
    warmup = 3
    results: list[PageResult] = []
    skipped: list[str] = []
    infos = [i for i in lessons() if not only or i.url_path in only]
    if any(i.needs_model for i in infos) and not model_on_disk():
        skipped = [
            f"{i.number}. {i.url_path}: skipped, the model is not on disk "
            "(`python -m model_store fetch`)"
            for i in infos
            if i.needs_model
        ]
        infos = [i for i in infos if not i.needs_model]
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
                    floor_info = replace(lessons()[0], url_path="", chart_key=None, t_default=1.0)
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
                "run finished" if is_floor else "last chart drawn",
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
                # "updated" = key -> last chart drawn (the step's end), "first" = first chart
                "first_p50": p50(r.first),
                "first_p95": p95(r.first),
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
                # spotlight:drawn events per step (ui.chart's element; 0 for st.plotly_chart)
                "drawn_per_step": (sum(r.drawn) / len(r.drawn)) if r.drawn else None,
                "dialog": r.dialog,
                "errors": r.errors[:5],
            }
        )
    text = table(
        [
            "page",
            "step ends with",
            "n",
            "key→sent p50",
            "server run p50",
            "sent→frame before 1st chart p50",
            "frame→1st chart p50",
            "key → first chart p50 ms",
            "key → last chart p50 ms",
            "key → last chart p95 ms",
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
    notes += skipped
    return {
        "steps": steps,
        "warmup": warmup,
        "pages": pages,
        "table": text,
        "notes": notes,
        "extra_args": list(extra_args),
    }


def main() -> None:
    """``python -m bench.browser [--steps N] [--only why,query]``: section 2 alone, printed."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__)
    parser.add_argument("--steps", type=int, default=None, help="steps per page (default 30)")
    parser.add_argument("--only", default="", help="comma-separated lesson url paths")
    parser.add_argument("--quick", action="store_true", help="10 steps per page")
    parser.add_argument("--server-arg", action="append", default=[])
    args = parser.parse_args()
    only = {x.strip() for x in args.only.split(",") if x.strip()} or None
    result = run(args.quick, tuple(args.server_arg), only=only, steps=args.steps)
    print(result["table"])
    for note in result["notes"]:
        print(f"- {note}")


if __name__ == "__main__":
    main()
