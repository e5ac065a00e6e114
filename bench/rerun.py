"""Section 1: the server-side cost of one rerun after moving a lesson's main control.

How it is measured (the server's own timing, not AppTest):

- two real servers start through ``bench.timed_server``: the app, and ``bench/empty_app.py`` (one
  line: the same temperature select-slider, bound to the URL like the lessons' — the floor of
  this stack);
- one websocket session per lesson plus one on the empty page (``bench.stclient``: the
  browser's protocol) opens its page, then moves the temperature one notch at a time, exactly
  what the browser sends for an arrow key;
- interactions are interleaved (lesson 1, empty, lesson 2, empty, ...) and only one rerun is in
  flight at a time, so machine noise hits every page alike;
- each rerun's server time is the hook's wall time of ``ScriptRunner._run_script`` (the whole
  run on the script thread, Streamlit's post-run ``gc.collect(2)`` included); its thread CPU
  time, the clean-up part, and the client-observed round trip (send → ``script_finished``) are
  reported beside it.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .common import (
    EMPTY_APP,
    QUIET_SERVER_ARGS,
    LessonInfo,
    fmt,
    launch,
    lessons,
    log,
    move,
    p50,
    p95,
    read_timings,
    table,
    temperature_walk,
    verdict,
)
from .stclient import Run, Session

RATIO_TARGET = 3.0
P95_TARGET_MS = 50.0


@dataclass
class PageSamples:
    name: str
    url_path: str
    chart_key: str | None
    wall: list[float] = field(default_factory=list)  # server wall ms per rerun
    cpu: list[float] = field(default_factory=list)
    finish: list[float] = field(default_factory=list)  # post-run clean-up (gc) ms
    client: list[float] = field(default_factory=list)  # client round trip ms
    kb: list[float] = field(default_factory=list)
    unchanged_chart: int = 0
    errors: list[str] = field(default_factory=list)
    windows: list[tuple[float, float]] = field(default_factory=list)
    open_page_not_found: bool = False


async def _step(
    session: Session, samples: PageSamples, value: float, info: LessonInfo, record: bool
) -> None:
    t0 = time.perf_counter()
    run: Run = await move(session, info, value)
    t1 = time.perf_counter()
    if run.exceptions:
        samples.errors.extend(run.exceptions)
    if not record:
        return
    samples.windows.append((t0, t1))
    samples.client.append(run.seconds * 1e3)
    samples.kb.append(run.bytes / 1024)
    if samples.chart_key:
        crc = run.chart_crc.get(samples.chart_key)
        if crc is None or crc == getattr(session, "_last_crc", None):
            samples.unchanged_chart += 1
        session._last_crc = crc  # type: ignore[attr-defined]


def _attach_server_times(samples: PageSamples, records: list[dict], session_id: str) -> None:
    mine = sorted((r for r in records if r["session"] == session_id), key=lambda r: r["start"])
    for t0, t1 in samples.windows:
        runs = [r for r in mine if t0 <= r["start"] <= t1]
        if not runs:
            samples.errors.append("no server timing for a rerun")
            continue
        samples.wall.append(sum(r["wall_ms"] for r in runs))
        samples.cpu.append(sum(r["cpu_ms"] for r in runs))
        samples.finish.append(sum(r["finish_ms"] for r in runs))


async def _measure(
    app_url: str, empty_url: str, interactions: int, warmup: int
) -> tuple[list[PageSamples], PageSamples, dict[str, Session], Session]:
    infos = lessons()
    pages = [PageSamples(f"{i.number}. {i.url_path}", i.url_path, i.chart_key) for i in infos]
    empty = PageSamples("empty one-line page", "", None)
    sessions = {p.url_path: Session(app_url) for p in pages}
    empty_session = Session(empty_url)
    for s in [*sessions.values(), empty_session]:
        await s.connect()
    for page in pages:
        run = await sessions[page.url_path].open(page.url_path)
        page.open_page_not_found = run.page_not_found
        if run.exceptions:
            page.errors.extend(run.exceptions)
    await empty_session.open("")
    walks = {
        i.url_path: temperature_walk(i.temperatures, i.t_default, warmup + interactions)
        for i in infos
    }
    default = infos[0].t_default
    rounds = (warmup + interactions) * len(infos)
    empty_walk = temperature_walk(infos[0].temperatures, default, rounds)
    k = 0
    for n in range(warmup + interactions):
        record = n >= warmup
        for info, page in zip(infos, pages, strict=True):
            _, value = walks[info.url_path][n]
            await _step(sessions[info.url_path], page, value, info, record)
            _, value = empty_walk[k]
            k += 1
            await _step(empty_session, empty, value, infos[0], record)
        if (n + 1) % 10 == 0:
            log(f"  [rerun] {n + 1}/{warmup + interactions} rounds")
    for s in [*sessions.values(), empty_session]:
        await s.close()
    return pages, empty, sessions, empty_session


def run(quick: bool = False, extra_args: tuple[str, ...] = ()) -> dict:
    interactions = 20 if quick else 60
    warmup = 5
    with tempfile.TemporaryDirectory() as tmp:
        app_times, empty_times = Path(tmp) / "app.jsonl", Path(tmp) / "empty.jsonl"
        args = (*QUIET_SERVER_ARGS, *extra_args)
        app, _ = launch(extra_args=args, timings_file=app_times)
        try:
            empty_server, _ = launch(EMPTY_APP, extra_args=args, timings_file=empty_times)
            try:
                pages, empty, sessions, empty_session = asyncio.run(
                    _measure(app.url, empty_server.url, interactions, warmup)
                )
            finally:
                empty_server.stop()
        finally:
            app.stop()
        app_records, empty_records = read_timings(app_times), read_timings(empty_times)
    for page in pages:
        _attach_server_times(page, app_records, sessions[page.url_path].session_id)
    _attach_server_times(empty, empty_records, empty_session.session_id)

    floor = p50(empty.wall)
    rows, out_pages = [], []
    for page in [empty, *pages]:
        is_empty = page is empty
        ratio = p50(page.wall) / floor if floor else float("nan")
        ok_ratio = None if is_empty else ratio <= RATIO_TARGET
        ok_p95 = p95(page.wall) < P95_TARGET_MS
        rows.append([
            page.name, len(page.wall), fmt(p50(page.wall)), fmt(p95(page.wall)),
            fmt(p50(page.cpu)), fmt(p50(page.finish)), fmt(p50(page.client)), fmt(p95(page.client)),
            fmt(p50(page.kb), 0), "—" if is_empty else f"{ratio:.1f}x",
            verdict(ok_ratio), verdict(ok_p95),
        ])  # fmt: skip
        out_pages.append({
            "name": page.name, "url_path": page.url_path, "n": len(page.wall),
            "wall_p50": p50(page.wall), "wall_p95": p95(page.wall), "cpu_p50": p50(page.cpu),
            "finish_p50": p50(page.finish), "client_p50": p50(page.client),
            "client_p95": p95(page.client), "kb_p50": p50(page.kb),
            "ratio": None if is_empty else ratio, "ok_ratio": ok_ratio, "ok_p95": ok_p95,
            "unchanged_chart": page.unchanged_chart, "errors": page.errors[:5],
            "open_page_not_found": page.open_page_not_found,
        })  # fmt: skip
    text = table(
        [
            "page",
            "n",
            "server p50 ms",
            "server p95 ms",
            "CPU p50 ms",
            "of which post-run GC p50 ms",
            "client p50 ms",
            "client p95 ms",
            "KiB/rerun",
            "p50 / empty",
            "≤ 3x",
            "p95 < 50 ms",
        ],
        rows,
    )
    notes = []
    for page in pages:
        if page.unchanged_chart:
            notes.append(
                f"{page.name}: chart {page.chart_key!r} did not change in "
                f"{page.unchanged_chart} reruns"
            )
        if page.errors:
            notes.append(f"{page.name}: {len(page.errors)} errors, e.g. {page.errors[0]}")
    return {
        "interactions": interactions,
        "warmup": warmup,
        "pages": out_pages,
        "table": text,
        "notes": notes,
        "extra_args": list(extra_args),
    }
