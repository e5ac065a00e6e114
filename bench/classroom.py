"""Section 4: a classroom at once — 60 sessions against one server on loopback.

Each session is a ``bench.stclient.Session``: the browser's websocket protocol, so the server
really runs the script for it (the hook in ``bench.timed_server`` counts the runs, and every
rerun's deltas must carry the lesson's chart with a new figure: a ``plotly_chart`` spec or
``ui.chart``'s element bytes, whichever design the app draws with). Session ``i`` opens
lesson ``i mod 7`` (students spread over the lessons), the sessions join over a 10 s ramp (a
class opening the teacher's link), then each moves the temperature one notch every 2 s for the
load duration. A move that is due while the previous rerun is still running waits for it (a
student does not move again before the chart answers; then moves at once) and counts as "late".
Each session stops moving 2 minutes after its page opened.

A session fails on: a connection error, a run that does not finish within 30 s, an exception
element, or a rerun whose chart is missing or unchanged.

Memory: the server's RSS (psutil, every 0.5 s) at start, after a warm-up (each lesson opened
once, then 20 s to settle: "settled before load"), its peak, and 3 minutes after every session
closed (Streamlit keeps a disconnected session for ``server.disconnectedSessionTTL`` = 120 s,
so its state should be gone by then).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .common import (
    QUIET_SERVER_ARGS,
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
from .stclient import Session

SESSIONS = 60
PERIOD_S = 2.0
RAMP_S = 10.0
RUN_TIMEOUT_S = 30.0
P95_TARGET_MS = 500.0
PEAK_TARGET_MB = 1024.0
AFTER_TARGET = 0.10


class RssSampler(threading.Thread):
    """Samples a process's RSS (and CPU time) in the background."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process(pid)
        self.interval = interval
        self.samples: list[tuple[float, float, float]] = []  # (perf_counter, rss MB, cpu s)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                mem = self.process.memory_info().rss / 2**20
                cpu = sum(self.process.cpu_times()[:2])
            except Exception:
                return
            self.samples.append((time.perf_counter(), mem, cpu))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)

    def now(self) -> float:
        return self.samples[-1][1] if self.samples else float("nan")

    def between(self, t0: float, t1: float) -> list[tuple[float, float, float]]:
        return [s for s in self.samples if t0 <= s[0] <= t1]

    def settled(self, seconds: float) -> float:
        """Median RSS over the last ``seconds``."""
        end = self.samples[-1][0]
        return statistics.median(s[1] for s in self.samples if s[0] >= end - seconds)


@dataclass
class Student:
    index: int
    url_path: str
    chart_key: str | None
    open_ms: float | None = None
    latencies: list[float] = field(default_factory=list)
    late: int = 0
    failure: str | None = None
    page_not_found: bool = False


async def _student(student: Student, url: str, info, start_at: float, duration: float) -> None:
    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    walk = temperature_walk(info.temperatures, info.t_default, int(duration / PERIOD_S) + 2)
    session = Session(url, timeout=RUN_TIMEOUT_S)
    last_crc = None
    try:
        await session.connect()
        run = await session.open(info.url_path)
        student.open_ms = run.seconds * 1e3
        student.page_not_found = run.page_not_found
        if run.exceptions:
            raise RuntimeError(f"exception on open: {run.exceptions[0]}")
        last_crc = run.chart_crc.get(student.chart_key) if student.chart_key else None
        deadline = time.perf_counter() + duration
        due = time.perf_counter() + random.uniform(0, PERIOD_S)
        for _, value in walk:
            if due > deadline:
                break
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            else:
                student.late += 1
            sent = time.perf_counter()
            run = await move(session, info, value)
            student.latencies.append(run.seconds * 1e3)
            if run.exceptions:
                raise RuntimeError(f"exception: {run.exceptions[0]}")
            if student.chart_key:
                crc = run.chart_crc.get(student.chart_key)
                if crc is None:
                    raise RuntimeError(f"chart {student.chart_key} missing from a rerun")
                if crc == last_crc:
                    raise RuntimeError(f"chart {student.chart_key} did not change")
                last_crc = crc
            # the next move comes 2 s after this one, or as soon as the chart answered if
            # that took longer (a student waits for the chart, then moves again)
            due = sent + PERIOD_S
    except TimeoutError:
        student.failure = f"no script_finished within {RUN_TIMEOUT_S:.0f} s"
    except Exception as exc:
        student.failure = f"{type(exc).__name__}: {exc}"[:200]
    finally:
        with contextlib.suppress(Exception):
            await session.close()


async def _warmup(url: str) -> None:
    for info in lessons():
        async with Session(url) as session:
            await session.open(info.url_path)
            for _, value in temperature_walk(info.temperatures, info.t_default, 2):
                await move(session, info, value)


async def _classroom(url: str, duration: float, sessions: int) -> list[Student]:
    infos = lessons()
    students = []
    tasks = []
    start = time.perf_counter() + 0.5
    for i in range(sessions):
        info = infos[i % len(infos)]
        student = Student(i, info.url_path, info.chart_key)
        students.append(student)
        tasks.append(
            asyncio.create_task(
                _student(student, url, info, start + RAMP_S * i / sessions, duration)
            )
        )

    async def progress() -> None:
        while not all(t.done() for t in tasks):
            await asyncio.sleep(15)
            done = sum(len(s.latencies) for s in students)
            failed = sum(s.failure is not None for s in students)
            log(
                f"  [classroom] {time.perf_counter() - start:5.0f} s: {done} reruns, "
                f"{failed} failed sessions"
            )

    reporter = asyncio.create_task(progress())
    await asyncio.gather(*tasks)
    reporter.cancel()
    return students


def run(quick: bool = False, extra_args: tuple[str, ...] = (), sessions: int = SESSIONS) -> dict:
    duration = 30.0 if quick else 120.0
    settle = 10.0 if quick else 20.0
    after = 30.0 if quick else 180.0
    random.seed(1)
    with tempfile.TemporaryDirectory() as tmp:
        timings = Path(tmp) / "runs.jsonl"
        server, _ = launch(extra_args=(*QUIET_SERVER_ARGS, *extra_args), timings_file=timings)
        sampler = RssSampler(server.process.pid)
        sampler.start()
        try:
            time.sleep(1.0)
            rss_start = sampler.now()
            asyncio.run(_warmup(server.url))
            time.sleep(settle)
            rss_before = sampler.settled(min(10.0, settle))
            log(
                f"  [classroom] RSS at start {rss_start:.0f} MB, settled after warm-up "
                f"{rss_before:.0f} MB; {sessions} sessions for {duration:.0f} s"
            )
            client_cpu0 = time.process_time()
            t_load0 = time.perf_counter()
            students = asyncio.run(_classroom(server.url, duration, sessions))
            t_load1 = time.perf_counter()
            client_cpu = time.process_time() - client_cpu0
            log(f"  [classroom] all sessions closed; watching memory for {after:.0f} s")
            time.sleep(after)
            rss_after = sampler.settled(10.0)
            t_end = time.perf_counter()
        finally:
            sampler.stop()
            server.stop()
        records = read_timings(timings)

    load = sampler.between(t_load0, t_load1)
    peak = max(s[1] for s in sampler.samples)
    peak_load = max((s[1] for s in load), default=float("nan"))
    server_cpu = (load[-1][2] - load[0][2]) / (load[-1][0] - load[0][0]) if len(load) > 1 else 0
    latencies = [ms for s in students for ms in s.latencies]
    opens = [s.open_ms for s in students if s.open_ms is not None]
    failed = [s for s in students if s.failure]
    server_runs = [r["wall_ms"] for r in records if t_load0 <= r["start"] <= t_load1]
    ok_failed = not failed
    ok_p95 = p95(latencies) < P95_TARGET_MS
    ok_peak = peak < PEAK_TARGET_MB
    growth = rss_after / rss_before - 1
    ok_after = abs(growth) <= AFTER_TARGET

    rows = [
        ["sessions (every lesson, round robin)", sessions, "", ""],
        ["failed sessions", len(failed), "0", verdict(ok_failed)],
        ["reruns (slider moves) completed", len(latencies), "", ""],
        ["script runs seen by the server during the load", len(server_runs), "", ""],
        [
            "moves that were late (previous rerun still running)",
            sum(s.late for s in students),
            "",
            "",
        ],
        ["rerun latency p50 ms (client: send → script_finished)", fmt(p50(latencies)), "", ""],
        ["rerun latency p95 ms", fmt(p95(latencies)), "< 500", verdict(ok_p95)],
        ["rerun latency max ms", fmt(max(latencies, default=float("nan"))), "", ""],
        [
            "server script run p50 / p95 ms (hook)",
            f"{fmt(p50(server_runs))} / {fmt(p95(server_runs))}",
            "",
            "",
        ],
        ["page open p50 / p95 ms", f"{fmt(p50(opens))} / {fmt(p95(opens))}", "", ""],
        ["server CPU during load (1.0 = one core)", fmt(server_cpu, 2), "", ""],
        [
            "client (this process) CPU during load, cores",
            fmt(client_cpu / (t_load1 - t_load0), 2),
            "",
            "",
        ],
        ["server RSS at start MB", fmt(rss_start, 0), "", ""],
        ["server RSS settled before load MB", fmt(rss_before, 0), "", ""],
        ["server RSS peak MB", fmt(peak, 0), "< 1024", verdict(ok_peak)],
        [
            f"server RSS {after:.0f} s after all sessions closed MB",
            fmt(rss_after, 0),
            f"within 10% of {rss_before:.0f}",
            verdict(ok_after),
        ],
        ["  change vs settled before load", f"{growth:+.0%}", "", ""],
    ]
    per_lesson = []
    for info in lessons():
        lat = [ms for s in students if s.url_path == info.url_path for ms in s.latencies]
        per_lesson.append(
            [
                f"{info.number}. {info.url_path}",
                sum(s.url_path == info.url_path for s in students),
                len(lat),
                fmt(p50(lat)),
                fmt(p95(lat)),
            ]
        )
    text = table([f"classroom ({sessions} sessions, one server)", "value", "target", ""], rows)
    text += "\n\n" + table(
        ["lesson", "sessions", "reruns", "latency p50 ms", "latency p95 ms"], per_lesson
    )
    notes = [f"session {s.index} ({s.url_path}) failed: {s.failure}" for s in failed[:10]]
    # a coarse memory timeline for the report
    timeline = [(round(t - t_load0), round(mb)) for t, mb, _ in sampler.samples[::20]]
    return {
        "sessions": sessions,
        "duration_s": duration,
        "after_s": after,
        "failed": len(failed),
        "ok_failed": ok_failed,
        "latency_p50": p50(latencies),
        "latency_p95": p95(latencies),
        "ok_p95": ok_p95,
        "reruns": len(latencies),
        "server_runs": len(server_runs),
        "server_run_p50": p50(server_runs),
        "server_run_p95": p95(server_runs),
        "server_cpu": server_cpu,
        "rss_start": rss_start,
        "rss_before": rss_before,
        "rss_peak": peak,
        "rss_peak_load": peak_load,
        "rss_after": rss_after,
        "ok_peak": ok_peak,
        "ok_after": ok_after,
        "after_growth": growth,
        "late": sum(s.late for s in students),
        "table": text,
        "notes": notes,
        "timeline": timeline,
        "elapsed_s": t_end - t_load0,
        "extra_args": list(extra_args),
    }


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.classroom", description=__doc__)
    parser.add_argument("--sessions", type=int, default=SESSIONS, help=f"default {SESSIONS}")
    parser.add_argument("--quick", action="store_true", help="30 s of load, 30 s after")
    parser.add_argument("--server-arg", action="append", default=[])
    cli = parser.parse_args()
    result = run(cli.quick, tuple(cli.server_arg), cli.sessions)
    print(result["table"])
    print("\n".join(result["notes"]))
