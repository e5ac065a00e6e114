"""Section 3: cold start, and the import time of ``attention_core``.

Cold start: Chromium is already running (a teacher's browser is open); the clock starts when
``streamlit run streamlit_app.py`` is launched (the README's command, headless, default
settings, file watcher included) and stops when the default page is fully rendered in a fresh
browser context (empty cache, as a student's first visit): connected, script finished, no
skeleton placeholders left, and the lesson's chart drawn (its Plotly SVG exists). Health is
polled every 20 ms and the page is opened as soon as the server answers. Split: launch →
healthy, healthy → rendered. The floor: the same for ``bench/floor_app.py`` (three lines, one
Plotly chart), so the app's own share of the start-up shows.

Import: ``python -c "import attention_core"`` in fresh subprocesses: wall clock of the import
statement alone (median of N), and ``-X importtime``'s cumulative figures for
``attention_core`` and for ``numpy`` (its only dependency), so the package's own share shows.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e.conftest import APP_CONNECTED, _free_port

from .common import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    REPO_ROOT,
    VIEWPORT,
    fmt,
    launch,
    lessons,
    log,
    read_timings,
    table,
    verdict,
)

COLD_TARGET_S = 4.0
#: The same measurement for a three-line app with one Plotly chart: what this stack costs here.
FLOOR = "floor: one-chart Streamlit app, new visitor"
FLOOR_APP = Path(__file__).with_name("floor_app.py")
IMPORT_TARGET_MS = 150.0

RENDERED_JS = """(chart) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector("[data-testid='stSkeleton']")) return false;
  const sel = chart ? `.st-key-${chart} .main-svg` : "[data-testid='stMain'] .main-svg";
  return document.querySelector(sel) !== null;
}"""


def _import_wall_ms(module: str) -> float:
    code = (
        f"import time; t = time.perf_counter(); import {module}; "
        "print((time.perf_counter() - t) * 1e3)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip())


def _importtime(module: str) -> dict[str, float]:
    """Cumulative import time (ms) per top-level package, from ``-X importtime``."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    cumulative: dict[str, float] = {}
    for line in out.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m and m.group(4) in ("numpy", module):
            cumulative[m.group(4)] = int(m.group(2)) / 1e3
    return cumulative


def imports(repeats: int) -> dict:
    _import_wall_ms("attention_core")  # warm the OS file cache and __pycache__
    walls = [_import_wall_ms("attention_core") for _ in range(repeats)]
    numpy_walls = [_import_wall_ms("numpy") for _ in range(repeats)]
    itimes = [_importtime("attention_core") for _ in range(repeats)]
    core_cum = statistics.median(t.get("attention_core", float("nan")) for t in itimes)
    numpy_cum = statistics.median(t.get("numpy", float("nan")) for t in itimes)
    wall = statistics.median(walls)
    return {
        "wall_ms": wall,
        "numpy_wall_ms": statistics.median(numpy_walls),
        "importtime_cumulative_ms": core_cum,
        "importtime_numpy_ms": numpy_cum,
        "own_ms": core_cum - numpy_cum,
        "ok": wall < IMPORT_TARGET_MS,
        "repeats": repeats,
    }


def _one_start(
    browser,
    context,
    port: int,
    chart: str | None,
    timings: Path,
    script: str | Path = "streamlit_app.py",
) -> dict:
    start = time.perf_counter()
    # default settings; the timing hook only records each script run's duration
    server, healthy = launch(script, extra_args=(), poll=0.02, timings_file=timings, port=port)
    try:
        own = context is None
        context = context or browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(server.url + "/")
        loaded = time.perf_counter() - start
        page.wait_for_selector(APP_CONNECTED, state="attached", timeout=60000)
        connected = time.perf_counter() - start
        page.wait_for_function(RENDERED_JS, arg=chart, timeout=60000, polling=20)
        total = time.perf_counter() - start
        page.close()
        if own:
            context.close()
    finally:
        server.stop()
    first_run = read_timings(timings)[:1]
    return {
        "total_s": total,
        "healthy_s": healthy,
        "loaded_s": loaded,
        "connected_s": connected,
        "first_run_s": first_run[0]["wall_ms"] / 1e3 if first_run else None,
        "ok": total < COLD_TARGET_S,
    }


def cold_starts(repeats: int) -> dict[str, list[dict]]:
    """Two browsers' view of the same server cold start:

    - "new visitor": a fresh browser context each time (empty HTTP and code cache: Streamlit's
      ~20 MB of JavaScript, Plotly's included, is downloaded and compiled);
    - "returning visitor": one context that has seen the app before (same port, so the same
      origin and a warm cache), as the teacher's laptop that opened it yesterday.
    The server is cold in both: a new ``streamlit run`` process each time."""
    from playwright.sync_api import sync_playwright

    default = next((i for i in lessons() if i.number == 1), None)
    chart = default.chart_key if default else None
    port = _free_port()
    results: dict[str, list[dict]] = {"new visitor": [], "returning visitor": [], FLOOR: []}
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as tmp:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            warm = browser.new_context(viewport=VIEWPORT)
            _one_start(browser, warm, port, chart, Path(tmp) / "warmup.jsonl")  # fills the cache
            for n in range(repeats):
                for name, context in (("new visitor", None), ("returning visitor", warm)):
                    timings = Path(tmp) / f"cold{n}-{len(name)}.jsonl"
                    result = _one_start(browser, context, port, chart, timings)
                    results[name].append(result)
                    log(f"  [cold start] {name} {n + 1}/{repeats}: {result['total_s']:.2f} s")
                timings = Path(tmp) / f"floor{n}.jsonl"
                result = _one_start(browser, None, port, "floor", timings, FLOOR_APP)
                results[FLOOR].append(result)
                log(f"  [cold start] {FLOOR} {n + 1}/{repeats}: {result['total_s']:.2f} s")
            warm.close()
        finally:
            browser.close()
    return results


def run(quick: bool = False, extra_args: tuple[str, ...] = ()) -> dict:
    del extra_args  # cold start is measured with the app's own settings
    starts = cold_starts(1 if quick else 3)
    imp = imports(3 if quick else 7)
    keys = ("healthy_s", "loaded_s", "connected_s", "first_run_s", "total_s")
    rows, medians = [], {}
    for name, runs in starts.items():
        medians[name] = statistics.median(s["total_s"] for s in runs)
        rows += [
            [f"{name}, run {i + 1}", *(fmt(s[k], 2) for k in keys), verdict(s["ok"])]
            for i, s in enumerate(runs)
        ]
        rows.append(
            [
                f"**{name}, median**",
                *(fmt(statistics.median(s[k] or 0 for s in runs), 2) for k in keys),
                verdict(medians[name] < COLD_TARGET_S),
            ]
        )
    median = medians["new visitor"]
    text = table(
        [
            "cold start",
            "server healthy at s",
            "page loaded (load event) at s",
            "websocket connected at s",
            "server's first script run s",
            "rendered (chart drawn) at s",
            "< 4 s",
        ],
        rows,
    )
    text += "\n\n" + table(
        ["import", "ms", "target", ""],
        [
            [
                "`import attention_core` (wall, median, fresh process)",
                fmt(imp["wall_ms"]),
                "< 150 ms",
                verdict(imp["ok"]),
            ],
            ["  of which `import numpy` alone (wall)", fmt(imp["numpy_wall_ms"]), "", ""],
            [
                "  -X importtime: attention_core cumulative",
                fmt(imp["importtime_cumulative_ms"]),
                "",
                "",
            ],
            ["  -X importtime: numpy cumulative", fmt(imp["importtime_numpy_ms"]), "", ""],
            ["  attention_core's own modules", fmt(imp["own_ms"]), "", ""],
        ],
    )
    return {
        "starts": starts,
        "median_s": median,
        "ok": median < COLD_TARGET_S,
        "median_returning_s": medians["returning visitor"],
        "median_floor_s": medians[FLOOR],
        "ok_returning": medians["returning visitor"] < COLD_TARGET_S,
        "import": imp,
        "table": text,
        "notes": [],
    }
