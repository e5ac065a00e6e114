"""``python -m bench.school``: a whole school — one process vs. replicas behind nginx.

Four phases in one run, each with the classroom client of section 4 (``bench.classroom``: every
session a websocket that really runs the script, lessons round robin, a 10 s ramp, then a
temperature move every 2 s for 2 minutes):

1. **60 sessions, one process** (direct, no nginx): the reference p95.
2. **300 sessions, one process**: what one Python process does with five classes.
3. **300 sessions through nginx, 2 replicas** (``deploy.school``, loopback): target 0 failed
   and p95 within 3x phase 1's p95.
4. **the same, and one replica is killed (SIGKILL) 40 s into the load and restarted 2 s
   later** (what systemd's ``Restart=always``, ``RestartSec=2`` does). Sessions here behave like
   Streamlit's frontend: a lost websocket is opened again through nginx, on whichever replica
   answers, with the page's current URL (a new session from the link; the browser test
   ``tests/e2e/test_failover.py`` shows the frontend does exactly this). Reports reconnects,
   time to reconnect, and p95 before / during / after the outage.

Phases 2 and 3 then watch memory for 3 minutes after every session closed (target: within 10%
of the settled RSS before the load, per process). RSS is sampled per replica.

Scaling slope: reruns per second served with 2 replicas minus with 1, per added core, and the
same in students (a student asks for one rerun per 2 s). On this 2-core VM the client and nginx
share the two cores with the replicas, so the slope is a floor.

Results go to ``bench/results/school.json`` (``--no-write`` to skip) and the tables to stdout;
the README section "Serving a whole school" and RESULTS.md quote them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from websockets.exceptions import ConnectionClosed

from deploy.school import Replica, School, free_port, shared_environment

from .classroom import (
    PERIOD_S,
    RAMP_S,
    RUN_TIMEOUT_S,
    RssSampler,
    _classroom,
    _warmup,
)
from .common import (
    BENCH_DIR,
    busy_processes,
    fmt,
    lessons,
    log,
    machine_info,
    move,
    p50,
    p95,
    table,
)
from .common import temperature_walk as walk_of
from .stclient import Session

KILL_AT_S = 40.0
RESTART_AFTER_S = 2.0
RECONNECT_TIMEOUT_S = 60.0
P95_FACTOR = 3.0
AFTER_TARGET = 0.10


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --------------------------------------------------------------------------------------------
# a session that reconnects like the browser does
# --------------------------------------------------------------------------------------------


@dataclass
class Pupil:
    index: int
    url_path: str
    chart_key: str | None
    moves: list[tuple[float, float]] = field(default_factory=list)  # (sent at, latency ms)
    reconnects: list[float] = field(default_factory=list)  # seconds without a page
    failure: str | None = None


async def _reopen(url: str, url_path: str, query: dict[str, str]) -> tuple[Session, object]:
    """Open the page again, with its current URL, through nginx: retried like the frontend
    (which polls /_stcore/health and reconnects) until it answers."""
    deadline = time.perf_counter() + RECONNECT_TIMEOUT_S
    pause = 0.25
    while True:
        session = Session(url, timeout=RUN_TIMEOUT_S)
        try:
            await session.connect()
            run = await session.open(url_path, query)
            return session, run
        except (ConnectionClosed, OSError, TimeoutError):
            with contextlib.suppress(Exception):
                await session.close()
            if time.perf_counter() > deadline:
                raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 2.0)


async def _pupil(pupil: Pupil, url: str, info, start_at: float, duration: float) -> None:
    await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
    walk = walk_of(info.temperatures, info.t_default, int(duration / PERIOD_S) + 2)
    session = None
    try:
        session, run = await _reopen(url, info.url_path, {})
        last_crc = run.chart_crc.get(pupil.chart_key) if pupil.chart_key else None
        deadline = time.perf_counter() + duration
        due = time.perf_counter() + random.uniform(0, PERIOD_S)
        for _, value in walk:
            if due > deadline:
                break
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            sent = time.perf_counter()
            try:
                run = await move(session, info, value)  # lesson 11 moves its layer slider
            except (ConnectionClosed, OSError):
                # The replica died under us: the URL already holds the new value, as in the
                # browser; open the page again from it.
                query = dict(session.query)
                with contextlib.suppress(Exception):
                    await session.close()
                session, run = await _reopen(url, info.url_path, query)
                pupil.reconnects.append(time.perf_counter() - sent)
                last_crc = run.chart_crc.get(pupil.chart_key) if pupil.chart_key else None
                due = time.perf_counter() + PERIOD_S
                continue
            pupil.moves.append((sent, run.seconds * 1e3))
            if run.exceptions:
                raise RuntimeError(f"exception: {run.exceptions[0]}")
            if pupil.chart_key:
                crc = run.chart_crc.get(pupil.chart_key)
                if crc is None or crc == last_crc:
                    raise RuntimeError(f"chart {pupil.chart_key} missing or unchanged")
                last_crc = crc
            due = sent + PERIOD_S
    except TimeoutError:
        pupil.failure = f"no answer within {RUN_TIMEOUT_S:.0f} s"
    except Exception as exc:
        pupil.failure = f"{type(exc).__name__}: {exc}"[:200]
    finally:
        if session is not None:
            with contextlib.suppress(Exception):
                await session.close()


async def _school_day(url: str, duration: float, sessions: int, on_time) -> list[Pupil]:
    infos = lessons()
    pupils, tasks = [], []
    start = time.perf_counter() + 0.5
    for i in range(sessions):
        info = infos[i % len(infos)]
        pupil = Pupil(i, info.url_path, info.chart_key)
        pupils.append(pupil)
        start_at = start + RAMP_S * i / sessions
        tasks.append(asyncio.create_task(_pupil(pupil, url, info, start_at, duration)))
    chores = asyncio.create_task(on_time(start))
    await asyncio.gather(*tasks)
    chores.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await chores
    return pupils


# --------------------------------------------------------------------------------------------
# phases
# --------------------------------------------------------------------------------------------


class Samplers:
    """RSS and CPU of every replica process (a restarted replica gets a new sampler)."""

    def __init__(self) -> None:
        self.by_pid: dict[int, tuple[str, RssSampler]] = {}

    def watch(self, name: str, pid: int) -> None:
        sampler = RssSampler(pid)
        sampler.start()
        self.by_pid[pid] = (name, sampler)

    def stop(self) -> None:
        for _, sampler in self.by_pid.values():
            sampler.stop()

    def settled(self, seconds: float) -> dict[str, float]:
        return {name: s.settled(seconds) for name, s in self.by_pid.values() if s.is_alive()}

    def peak(self, t0: float, t1: float) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, s in self.by_pid.values():
            window = [m for _, m, _ in s.between(t0, t1)]
            if window:
                out[name] = max(out.get(name, 0.0), max(window))
        return out

    def cpu(self, t0: float, t1: float) -> float:
        """Cores used by all the replicas together between t0 and t1."""
        total = 0.0
        for _, s in self.by_pid.values():
            window = s.between(t0, t1)
            if len(window) > 1:
                total += window[-1][2] - window[0][2]
        return total / (t1 - t0)


def _summary(latencies: list[float], failed: int, reruns_per_s: float) -> dict:
    return {
        "reruns": len(latencies),
        "failed": failed,
        "latency_p50": p50(latencies),
        "latency_p95": p95(latencies),
        "latency_max": max(latencies, default=float("nan")),
        "reruns_per_s": reruns_per_s,
    }


def _phase(
    name: str,
    targets: list[Replica],
    url: str,
    sessions: int,
    duration: float,
    after: float,
    settle: float,
    chaos=None,
) -> dict:
    """Warm up, settle, load, and (``after`` > 0) watch memory; ``targets`` are the replicas
    already started. With ``chaos`` (school, t0) the load is the reconnecting kind."""
    log(f"\n  [school] {name}: {sessions} sessions, load average {_loadavg()}")
    samplers = Samplers()
    for r in targets:
        samplers.watch(r.address, r.pid)
    for replica in targets:  # each replica directly: through nginx, one might miss a lesson
        asyncio.run(_warmup(replica.url))
    time.sleep(settle)
    before = samplers.settled(min(10.0, settle))
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    events: list[tuple[float, str]] = []
    if chaos is None:
        students = asyncio.run(_classroom(url, duration, sessions))
        latencies = [ms for s in students for ms in s.latencies]
        failed = [s.failure for s in students if s.failure]
        pupils = None
    else:
        school: School = chaos

        kill_after = min(KILL_AT_S, duration / 3)

        async def on_time(start: float) -> None:
            await asyncio.sleep(max(0.0, start + kill_after - time.perf_counter()))
            victim = 0
            events.append((time.perf_counter(), f"kill replica {victim}"))
            school.kill(victim)
            await asyncio.sleep(RESTART_AFTER_S)
            events.append((time.perf_counter(), f"restart replica {victim}"))
            await asyncio.to_thread(school.restart, victim)
            events.append((time.perf_counter(), f"replica {victim} healthy"))
            restarted = school.replicas[victim]
            samplers.watch(f"{restarted.address} (restarted)", restarted.pid)

        pupils = asyncio.run(_school_day(url, duration, sessions, on_time))
        latencies = [ms for p in pupils for _, ms in p.moves]
        failed = [p.failure for p in pupils if p.failure]
    t1 = time.perf_counter()
    client_cpu = (time.process_time() - cpu0) / (t1 - t0)
    peak = samplers.peak(t0, t1)
    server_cpu = samplers.cpu(t0, t1)
    result = {
        "name": name,
        "sessions": sessions,
        "replicas": len(targets),
        "duration_s": duration,
        **_summary(latencies, len(failed), len(latencies) / (t1 - t0 - RAMP_S)),
        "failures": failed[:5],
        "server_cpu_cores": server_cpu,
        "client_cpu_cores": client_cpu,
        "rss_before": before,
        "rss_peak": peak,
        "loadavg_after_load": _loadavg(),
    }
    if pupils is not None:
        kill_at = next(t for t, e in events if e.startswith("kill"))
        healthy_at = next(t for t, e in events if e.endswith("healthy"))
        windows = {
            "before the kill": (t0, kill_at),
            "kill → 30 s later": (kill_at, kill_at + 30),
            "from 30 s after the kill": (kill_at + 30, t1),
        }
        result["windows"] = {
            label: _summary(
                [ms for p in pupils for sent, ms in p.moves if a <= sent < b], 0, float("nan")
            )
            for label, (a, b) in windows.items()
        }
        reconnects = [s for p in pupils for s in p.reconnects]
        result["reconnected_sessions"] = sum(bool(p.reconnects) for p in pupils)
        result["reconnect_p50_s"] = p50(reconnects)
        result["reconnect_max_s"] = max(reconnects, default=float("nan"))
        result["replica_back_after_s"] = healthy_at - kill_at
    if after > 0:
        log(f"  [school] {name}: all sessions closed; watching memory for {after:.0f} s")
        time.sleep(after)
        result["rss_after"] = samplers.settled(10.0)
        result["after_growth"] = {
            k: result["rss_after"][k] / before[k] - 1 for k in before if k in result["rss_after"]
        }
        result["ok_after"] = all(abs(g) <= AFTER_TARGET for g in result["after_growth"].values())
    samplers.stop()
    log(
        f"  [school] {name}: p50 {fmt(result['latency_p50'], 0)} ms, p95 "
        f"{fmt(result['latency_p95'], 0)} ms, {len(failed)} failed, load average {_loadavg()}"
    )
    return result


def run(
    quick: bool = False, extra_args: tuple[str, ...] = (), *, failover_only: bool = False
) -> dict:
    duration = 30.0 if quick else 120.0
    after = 30.0 if quick else 180.0
    settle = 10.0 if quick else 20.0
    small, big = (20, 60) if quick else (60, 300)
    random.seed(1)
    phases = []
    env = shared_environment()
    if failover_only:
        return _failover_report(_failover(big, duration, settle, extra_args))
    with tempfile.TemporaryDirectory() as tmp:
        for sessions, watch in ((small, 0.0), (big, after)):
            replica = Replica(free_port(), Path(tmp) / f"single-{sessions}.log", env, extra_args)
            replica.start()
            try:
                replica.wait_healthy(60)
                phases.append(
                    _phase(
                        f"{sessions} sessions, one process",
                        [replica],
                        replica.url,
                        sessions,
                        duration,
                        watch,
                        settle,
                    )
                )
            finally:
                replica.stop()
    with School(2, replica_args=extra_args, debug_headers=False) as school:
        phases.append(
            _phase(
                f"{big} sessions, nginx + 2 replicas",
                school.replicas,
                school.url,
                big,
                duration,
                after,
                settle,
            )
        )
    phases.append(_failover(big, duration, settle, extra_args))
    return _report(phases)


def _failover(big: int, duration: float, settle: float, extra_args: tuple[str, ...]) -> dict:
    """Phase 4: ``big`` sessions through nginx on 2 replicas; replica 0 killed and restarted."""
    with School(2, replica_args=extra_args, debug_headers=False) as school:
        return _phase(
            f"{big} sessions, nginx + 2 replicas, one killed at {KILL_AT_S:.0f} s",
            school.replicas,
            school.url,
            big,
            duration,
            0.0,
            settle,
            chaos=school,
        )


def _failover_report(chaos: dict) -> dict:
    """``--failover-only``: phase 4's figures alone (no 60-session reference to compare)."""
    text = (
        f"{chaos['name']}: {chaos['failed']} failed, {chaos['reruns']} reruns, p50 "
        f"{fmt(chaos['latency_p50'], 0)} ms, p95 {fmt(chaos['latency_p95'], 0)} ms; "
        f"{chaos['reconnected_sessions']} sessions reopened their page through nginx (p50 "
        f"{fmt(chaos['reconnect_p50_s'], 2)} s, max {fmt(chaos['reconnect_max_s'], 2)} s "
        f"without a page); replica back {fmt(chaos['replica_back_after_s'], 1)} s after the kill."
    )
    text += "".join(f"\n- a session failed: {f}" for f in chaos["failures"])
    return {"phases": [chaos], "table": text}


def _report(phases: list[dict]) -> dict:
    ref, one, two, chaos = phases
    target = P95_FACTOR * ref["latency_p95"]
    ok_p95 = two["latency_p95"] <= target and two["failed"] == 0
    rows = []
    for p in phases:
        rss_before = ", ".join(f"{v:.0f}" for v in p["rss_before"].values())
        rss_peak = ", ".join(f"{v:.0f}" for v in p["rss_peak"].values())
        rss_after = (
            ", ".join(f"{v:.0f} ({g:+.0%})" for v, g in
                      zip(p["rss_after"].values(), p["after_growth"].values(), strict=True))
            if "rss_after" in p else "—"
        )  # fmt: skip
        rows.append(
            [
                p["name"], p["failed"], p["reruns"], fmt(p["reruns_per_s"], 1),
                fmt(p["latency_p50"], 0), fmt(p["latency_p95"], 0),
                fmt(p["server_cpu_cores"], 2), fmt(p["client_cpu_cores"], 2),
                rss_before, rss_peak, rss_after,
            ]
        )  # fmt: skip
    text = table(
        [
            "phase", "failed", "reruns", "reruns/s", "p50 ms", "p95 ms", "replicas' CPU (cores)",
            "client CPU", "RSS before MB", "RSS peak MB", "RSS 180 s after MB (vs before)",
        ],
        rows,
    )  # fmt: skip
    slope = two["reruns_per_s"] - one["reruns_per_s"]
    text += (
        f"\n\nTarget: 0 failed and p95 ≤ {P95_FACTOR:g}× the 60-session p95 = {fmt(target, 0)} ms"
        f" → {'PASS' if ok_p95 else 'MISS'} ({fmt(two['latency_p95'], 0)} ms, "
        f"{two['failed']} failed).\n"
        f"Scaling slope: {fmt(slope, 1)} more reruns/s with the second replica (one more core), "
        f"= {fmt(slope * PERIOD_S, 0)} more students moving every {PERIOD_S:g} s."
    )
    wrows = [
        [label, w["reruns"], fmt(w["latency_p50"], 0), fmt(w["latency_p95"], 0),
         fmt(w["latency_max"], 0)]
        for label, w in chaos["windows"].items()
    ]  # fmt: skip
    headers = ["kill and restart: window", "reruns", "p50 ms", "p95 ms", "max ms"]
    text += "\n\n" + table(headers, wrows)
    kill_at = min(KILL_AT_S, chaos["duration_s"] / 3)
    text += (
        f"\n\nKilled replica 0 at {kill_at:.0f} s, restarted {RESTART_AFTER_S:g} s later "
        f"(healthy {fmt(chaos['replica_back_after_s'], 1)} s after the kill). "
        f"{chaos['reconnected_sessions']} sessions lost their websocket and reopened their page "
        f"through nginx: p50 {fmt(chaos['reconnect_p50_s'], 2)} s, max "
        f"{fmt(chaos['reconnect_max_s'], 2)} s without a page; {chaos['failed']} failed."
    )
    for p in phases:
        text += "".join(f"\n- {p['name']}: a session failed: {f}" for f in p["failures"])
    return {"phases": phases, "ok_p95": ok_p95, "p95_target": target, "slope": slope, "table": text}


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.school",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="20/60 sessions, 30 s (smoke run)")
    parser.add_argument("--server-arg", action="append", default=[])
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--failover-only", action="store_true", help="only phase 4 (kill a replica mid-class)"
    )
    args = parser.parse_args()
    machine = machine_info()
    machine["busy_at_start"] = busy_processes()
    log(f"machine: load average {machine['loadavg_at_start']}; busy: {machine['busy_at_start']}")
    started = time.perf_counter()
    result = run(args.quick, tuple(args.server_arg), failover_only=args.failover_only)
    result["machine"] = machine
    result["seconds"] = time.perf_counter() - started
    result["loadavg_after"] = _loadavg()
    print(result["table"])
    print(
        f"\n({result['seconds']:.0f} s; load average at start {machine['loadavg_at_start']}, "
        f"after {result['loadavg_after']})"
    )
    if not args.no_write and not args.quick and not args.failover_only:
        path = BENCH_DIR / "results" / "school.json"
        path.write_text(json.dumps(result, indent=1, default=str))
        log(f"saved {path}")


if __name__ == "__main__":
    main()
