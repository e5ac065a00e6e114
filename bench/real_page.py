"""Lesson 11's page in a real server: the model loads once per process, and a cold open is quick.

``python -m bench.real_page`` (needs the weights on disk: ``python -m model_store fetch``):

- **Memory of a classroom on lesson 11.** A fresh server (no file watcher), its RSS sampled every
  0.2 s (psutil). Settled RSS before anyone came; a visitor opens lesson 1 (the app itself is
  imported: Streamlit's elements, Plotly, the core); the first visitor opens ``/real`` (the model
  loads: ``st.cache_resource``); then 59 more sessions open it, each moving the layer slider
  twice, all kept open. RSS growth for the first visitor of ``/real`` (target ≤ 150 MB; also
  shown from the very start, app imports included) and for the other 59 (target: no second
  model — we report the growth per session).
- **Cold page open with the weights on disk.** On 3 fresh servers: the first request of the
  process being ``/real`` (every import of the app, then the model, in one page run), then
  ``/real`` on a server where lesson 1 already ran (the page's own cold cost: the model loads),
  then a further visitor (model cached). Page run = websocket request → script finished. Target
  ≤ 2 s. A browser also pays for Streamlit's own JavaScript (section 3 measures that floor).
Each session goes through ``bench.stclient.Session``, the browser's websocket protocol.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
from pathlib import Path

from .classroom import RssSampler
from .common import (
    QUIET_SERVER_ARGS,
    fmt,
    launch,
    lessons,
    log,
    move,
    read_timings,
    table,
    verdict,
)

GROWTH_TARGET_MB = 150.0
COLD_TARGET_S = 2.0
SESSIONS = 60


def _info():
    return next(i for i in lessons() if i.url_path == "real")


async def _visit(url: str, info, moves: int):
    from .stclient import Session

    session = Session(url, timeout=60)
    await session.connect()
    opened = await session.open(info.url_path)
    if opened.exceptions:
        raise RuntimeError(f"exception on open: {opened.exceptions[0]}")
    if info.chart_key not in opened.chart_crc:
        raise RuntimeError(f"{info.chart_key} not drawn: is the model on disk?")
    for value in (2, 1)[:moves]:
        run = await move(session, info, value)
        if run.exceptions:
            raise RuntimeError(f"exception: {run.exceptions[0]}")
    return session, opened.seconds


def memory(sessions: int = SESSIONS) -> dict:
    info = _info()
    server, _ = launch(extra_args=QUIET_SERVER_ARGS)
    sampler = RssSampler(server.process.pid, interval=0.2)
    sampler.start()

    async def scenario() -> dict:
        await asyncio.sleep(3.0)
        before = sampler.settled(2.0)
        lesson_1 = await _open_lesson_1(server.url)
        await asyncio.sleep(3.0)
        app = sampler.settled(2.0)
        first, first_s = await _visit(server.url, info, moves=2)
        await asyncio.sleep(3.0)
        after_first = sampler.settled(2.0)
        others = []
        for _ in range(sessions - 1):
            others.append(await _visit(server.url, info, moves=2))
        await asyncio.sleep(3.0)
        after_all = sampler.settled(2.0)
        for session, _ in [(first, 0), (lesson_1, 0), *others]:
            await session.close()
        return {
            "rss_before": before,
            "rss_app": app,
            "rss_after_first": after_first,
            "rss_after_all": after_all,
            "first_open_s": first_s,
            "other_open_p50_s": statistics.median(s for _, s in others) if others else None,
            "rss_peak": max(s[1] for s in sampler.samples),
        }

    try:
        out = asyncio.run(scenario())
    finally:
        sampler.stop()
        server.stop()
    out["growth_first"] = out["rss_after_first"] - out["rss_app"]
    out["growth_from_start"] = out["rss_after_first"] - out["rss_before"]
    out["growth_others"] = out["rss_after_all"] - out["rss_after_first"]
    out["per_session_kb"] = out["growth_others"] * 1024 / max(sessions - 1, 1)
    return out


async def _open_lesson_1(url: str):
    from .stclient import Session

    session = Session(url, timeout=60)
    await session.connect()
    await session.open(lessons()[0].url_path)
    return session


async def _cold_and_warm(url: str, info, *, app_first: bool) -> tuple[float, float]:
    """Seconds of the first page run of /real on this server, and of a later visitor's."""
    opened = [await _open_lesson_1(url)] if app_first else []
    a, cold = await _visit(url, info, moves=0)
    b, warm = await _visit(url, info, moves=0)
    for session in (*opened, a, b):
        await session.close()
    return cold, warm


def cold_opens(servers: int = 3) -> dict[str, list[float]]:
    """Per fresh server: /real as the process's first request, /real after lesson 1 (model not
    yet loaded), and /real again (model cached), in seconds."""
    info = _info()
    out: dict[str, list[float]] = {"process_first": [], "page_first": [], "cached": []}
    out |= {"process_first_cpu": [], "page_first_cpu": []}
    for app_first in (False, True):
        for _ in range(servers):
            with tempfile.TemporaryDirectory() as tmp:
                timings = Path(tmp) / "runs.jsonl"
                server, _ = launch(extra_args=QUIET_SERVER_ARGS, timings_file=timings)
                try:
                    cold, warm = asyncio.run(_cold_and_warm(server.url, info, app_first=app_first))
                finally:
                    server.stop()
                runs = read_timings(timings)  # [lesson 1,] cold /real, cached /real
            name = "page_first" if app_first else "process_first"
            out[name].append(cold)
            out["cached"].append(warm)
            # The server's CPU time of the cold run: about its wall time on an idle core.
            out[f"{name}_cpu"].append(float(runs[-2]["cpu_ms"]) / 1e3 if len(runs) >= 2 else 0.0)
    return out


def main() -> None:
    load = os.getloadavg()
    log(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    mem = memory()
    log(f"memory: {mem}")
    opens = cold_opens()
    log(f"opens: {opens}")
    med = {k: statistics.median(v) for k, v in opens.items()}

    def listed(key: str) -> str:
        return f"{med[key]:.2f} ({', '.join(f'{x:.2f}' for x in opens[key])})"

    end = os.getloadavg()
    rows = [
        ["server RSS before any visitor MB", fmt(mem["rss_before"], 0), "", ""],
        [
            "server RSS after a visitor of lesson 1 (the app imported) MB",
            fmt(mem["rss_app"], 0),
            "",
            "",
        ],
        [
            "RSS growth when the first visitor opens /real (model loaded) MB",
            f"+{fmt(mem['growth_first'], 0)}",
            f"≤ {GROWTH_TARGET_MB:.0f}",
            verdict(mem["growth_first"] <= GROWTH_TARGET_MB),
        ],
        [
            f"RSS growth for the next {SESSIONS - 1} sessions (all open) MB",
            f"{mem['growth_others']:+.0f} ({mem['per_session_kb']:.0f} KiB per session)",
            "no second model",
            verdict(mem["growth_others"] < GROWTH_TARGET_MB / 3),
        ],
        [
            "  the same from the server's start (app imports included) MB",
            f"+{fmt(mem['growth_from_start'], 0)}",
            "",
            "",
        ],
        ["RSS peak MB", fmt(mem["rss_peak"], 0), "", ""],
        [
            "cold page open: /real after lesson 1, model loads in the run (median of 3) s",
            listed("page_first"),
            f"≤ {COLD_TARGET_S:.0f}",
            verdict(med["page_first"] <= COLD_TARGET_S),
        ],
        [
            "cold page open: /real as a fresh process's first request (all imports) s",
            listed("process_first"),
            f"≤ {COLD_TARGET_S:.0f}",
            verdict(med["process_first"] <= COLD_TARGET_S),
        ],
        [
            "  server CPU time of that run (≈ wall time on an idle core), after lesson 1 / first s",
            f"{med['page_first_cpu']:.2f} / {med['process_first_cpu']:.2f}",
            "",
            "",
        ],
        ["/real again, a later visitor (model cached), median s", f"{med['cached']:.2f}", "", ""],
        [
            f"page open p50 of visitors 2–{SESSIONS} in the memory run s",
            fmt(mem["other_open_p50_s"], 2),
            "",
            "",
        ],
    ]
    print(table(["lesson 11 in a server", "measured", "target", ""], rows))
    print(
        f"\nload average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, "
        f"at end {end[0]:.2f} {end[1]:.2f} {end[2]:.2f}"
    )


if __name__ == "__main__":
    main()
