"""What every benchmark section shares: statistics, machine facts, servers, the lesson table.

Servers and the browser come from the e2e harness (tests/e2e/conftest.py): its ``ServerHandle``
(stop, log), free-port and health helpers, Chromium path and flags are imported, not copied.
``launch`` is the harness's ``start_server``, optionally through ``bench.timed_server`` (a
per-script-run timing hook), polled for health every 20 ms instead of 200 ms so cold-start
figures are not rounded up by the poll.
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.e2e.conftest import (  # the browser-test harness: reuse, don't copy
    CHROMIUM_ARGS,
    DEFAULT_CHROMIUM,
    REPO_ROOT,
    VIEWPORT,
    ServerHandle,
    start_server,
)

__all__ = [
    "CHART_FLOOR_APP",
    "CHROMIUM_ARGS",
    "CHROMIUM_PATH",
    "EMPTY_APP",
    "REPO_ROOT",
    "VIEWPORT",
    "LessonInfo",
    "ServerHandle",
    "launch",
    "launch_in",
    "lessons",
    "machine_info",
    "model_on_disk",
    "start_server",
]

BENCH_DIR = Path(__file__).resolve().parent
EMPTY_APP = BENCH_DIR / "empty_app.py"
#: The second floor: the same slider and one small chart (bench/browser.py).
CHART_FLOOR_APP = BENCH_DIR / "chart_floor_app.py"
CHROMIUM_PATH = os.environ.get("SPOTLIGHT_CHROMIUM") or DEFAULT_CHROMIUM
#: Every benchmark server runs without the file watcher: other engineers editing pages/ while a
#: benchmark runs would otherwise send "source changed" events mid-measurement.
QUIET_SERVER_ARGS = ("--server.fileWatcherType=none",)


@dataclass(frozen=True)
class LessonInfo:
    number: int
    url_path: str
    title: str
    chart_key: str | None
    #: The values of the slider that moves the chart: the temperature grid on most lessons,
    #: the layers 1..6 on lesson 11 (a real model has no temperature dial).
    temperatures: tuple[float, ...]
    t_default: float
    control: str = "t"
    control_label: str = "Temperature"
    control_kind: str = "temperature"
    #: Lesson 11 reads a real model's weights (``python -m model_store fetch``).
    needs_model: bool = False


def model_on_disk() -> bool:
    """True if lesson 11's weights are on disk (else its page shows how to fetch them and has
    no chart to measure)."""
    import model_store

    return model_store.find_on_disk() is not None


def lessons() -> list[LessonInfo]:
    """The lessons from ui/lessons.py (the app's own table), each with the chart to watch and
    the slider that moves it."""
    from ui.lessons import LESSONS
    from ui.params import TEMPERATURES

    infos = []
    for lesson in LESSONS:
        sliders = [p for p in lesson.params if p.bound and p.kind in ("temperature", "int")]
        live = next((p for p in sliders if p.kind == "temperature"), sliders[0])
        grid = (
            TEMPERATURES
            if live.kind == "temperature"
            else tuple(range(int(live.low), int(live.high) + 1))
        )
        infos.append(
            LessonInfo(
                lesson.number,
                lesson.url_path,
                lesson.title,
                lesson.live_chart,
                grid,
                live.default,
                live.key,
                live.label,
                live.kind,
                lesson.needs_model,
            )
        )
    return infos


async def move(session, info: LessonInfo, value: float):
    """One step of a lesson's live slider in a ``bench.stclient.Session``: returns its ``Run``."""
    if info.control_kind == "temperature":
        return await session.set_select_slider(
            info.control, f"{value:g}", is_default=value == info.t_default
        )
    return await session.set_slider(info.control, value, is_default=value == info.t_default)


def temperature_walk(
    temperatures: Sequence[float], start: float, steps: int, lo: int = 4, hi: int = 14
) -> list[tuple[int, float]]:
    """Keyboard-like steps over the temperature grid: one notch at a time, bouncing between the
    indices ``lo`` and ``hi`` (0.2 .. 5 by default: every step visibly changes every chart; at
    the extremes neighbouring temperatures can draw the same picture). Returns (direction, value)
    with direction +1 (ArrowRight) or -1 (ArrowLeft)."""
    if len(temperatures) <= hi:  # a short grid (lesson 11's six layers): walk all of it
        lo, hi = 0, len(temperatures) - 1
    i = temperatures.index(start)
    direction = 1
    out = []
    for _ in range(steps):
        if not lo <= i + direction <= hi:
            direction = -direction
        i += direction
        out.append((direction, temperatures[i]))
    return out


# --------------------------------------------------------------------------------------------
# statistics
# --------------------------------------------------------------------------------------------


def percentile(values: Iterable[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default method), NaN for no values."""
    data = sorted(values)
    if not data:
        return math.nan
    pos = (len(data) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(data) - 1)
    return data[lo] + (data[hi] - data[lo]) * (pos - lo)


def p50(values: Iterable[float]) -> float:
    return percentile(values, 50)


def p95(values: Iterable[float]) -> float:
    return percentile(values, 95)


def fmt(value: float | None, digits: int = 1, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.{digits}f}{unit}"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table that also reads well in a terminal."""
    rows = [[str(c) for c in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("PASS" if ok else "MISS")


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# machine
# --------------------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def busy_processes(limit: int = 5, exclude: Iterable[int] = ()) -> list[str]:
    """The processes using the most CPU right now (other people's tests skew every figure)."""
    try:
        import psutil
    except ImportError:
        return []
    skip = {os.getpid(), *exclude}
    procs = list(psutil.process_iter(["pid", "name", "cmdline"]))
    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.cpu_percent(None)
    time.sleep(1.0)
    usage = []
    for p in procs:
        try:
            if p.pid in skip:
                continue
            pct = p.cpu_percent(None)
            if pct >= 5:
                cmd = " ".join(p.info["cmdline"] or [p.info["name"] or "?"])
                usage.append((pct, f"{pct:.0f}% {cmd[:90]}"))
        except psutil.Error:
            pass
    return [u for _, u in sorted(usage, reverse=True)[:limit]]


def machine_info() -> dict[str, object]:
    import numpy
    import plotly
    import streamlit

    try:
        import psutil

        mem = f"{psutil.virtual_memory().total / 2**30:.1f} GiB"
    except ImportError:
        mem = "?"
    try:
        chromium = subprocess.run(
            [CHROMIUM_PATH, "--version"], capture_output=True, text=True, timeout=20
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        chromium = "not found"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "plotly": plotly.__version__,
        "numpy": numpy.__version__,
        "chromium": chromium,
        "loadavg_at_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# --------------------------------------------------------------------------------------------
# servers
# --------------------------------------------------------------------------------------------


def launch(
    script: str | os.PathLike[str] = "streamlit_app.py",
    *,
    extra_args: Sequence[str] = QUIET_SERVER_ARGS,
    timings_file: Path | None = None,
    timeout: float = 60.0,
    poll: float = 0.02,
    port: int | None = None,
) -> tuple[ServerHandle, float]:
    """Start ``streamlit run SCRIPT`` with the e2e harness's ``start_server``; return (server,
    seconds to healthy).

    With ``timings_file`` it runs through ``python -m bench.timed_server``, which appends one
    JSON line per script run to that file (its path goes in ``extra_env``, which
    ``start_server`` adds to our environment, never replacing it). Stop it with
    ``server.stop()``."""
    server = start_server(
        port,
        extra_args,
        script,
        timeout,
        module="bench.timed_server" if timings_file else "streamlit",
        extra_env={"BENCH_TIMINGS": str(timings_file)} if timings_file else {},
        poll=poll,
    )
    return server, server.startup_seconds


#: ``bench/timed_server.py`` run by path (not ``-m bench.timed_server``): a server started in
#: another checkout (``launch_in``) must import that checkout's app, not this one's.
TIMED_SERVER = BENCH_DIR / "timed_server.py"
_TIMED_BOOT = (
    "import runpy, sys; sys.argv[0] = 'streamlit'; "
    "runpy.run_path(sys.argv.pop(1), run_name='__main__')"
)


def launch_in(
    folder: Path,
    script: str = "streamlit_app.py",
    *,
    extra_args: Sequence[str] = QUIET_SERVER_ARGS,
    timings_file: Path | None = None,
    timeout: float = 90.0,
) -> ServerHandle:
    """``streamlit run SCRIPT`` from ``folder`` (another checkout of the app, e.g. a git
    worktree of an older revision), through ``bench/timed_server.py`` when ``timings_file`` is
    given: as ``launch`` does for this checkout, but with ``folder`` as the working directory,
    so the server reads that checkout's ``.streamlit/config.toml`` and imports its modules
    (``python -c``: the first entry of ``sys.path`` is the working directory; the timing hook
    is run by its path and imports only Streamlit). Same interpreter (this venv) and the e2e
    harness's ``start_server`` (our environment plus ``BENCH_TIMINGS``, never replaced)."""
    return start_server(
        None,
        extra_args,
        script,
        timeout,
        head=[sys.executable, "-c", _TIMED_BOOT, str(TIMED_SERVER)] if timings_file else None,
        extra_env={"BENCH_TIMINGS": str(timings_file)} if timings_file else {},
        poll=0.05,
        cwd=Path(folder).resolve(),
    )


def read_timings(path: Path) -> list[dict[str, object]]:
    """The JSON lines written by bench.timed_server."""
    import json

    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
