"""``python -m bench.timed_server run APP [streamlit options]``: ``streamlit run`` with a timer.

The server's own timing of every script run, without touching the app: before Streamlit starts,
``ScriptRunner._run_script`` (one whole run on the session's script thread: widget state, the
page, and the post-run clean-up including Streamlit's ``gc.collect(2)``) and
``ScriptRunner._on_script_finished`` (that clean-up alone) are wrapped. Each run appends one JSON
line to the file named by ``$BENCH_TIMINGS``:

    {"session": ..., "page": page_script_hash, "start": perf_counter, "wall_ms": ...,
     "cpu_ms": thread CPU time, "finish_ms": clean-up wall time, "finish_cpu_ms": ..., "event": ...}

``start`` is ``time.perf_counter()`` (CLOCK_MONOTONIC, shared by every process on the machine),
so a client can match the runs to its own requests by time.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import sys
import threading
import time

from streamlit.runtime.scriptrunner import script_runner

_OUT = os.environ.get("BENCH_TIMINGS")
#: With $BENCH_PROFILE set, every script run is also profiled (cProfile, on the script thread)
#: and the accumulated stats are dumped to that file after each run (read it with pstats).
_PROFILE = os.environ.get("BENCH_PROFILE")
_LOCK = threading.Lock()
_STATE = threading.local()

_original_run = script_runner.ScriptRunner._run_script
_original_finished = script_runner.ScriptRunner._on_script_finished


def _timed_run(self: script_runner.ScriptRunner, rerun_data: object) -> None:
    profiler = cProfile.Profile() if _PROFILE else None
    start, cpu = time.perf_counter(), time.thread_time()
    _STATE.finish = (0.0, 0.0, "", "")
    try:
        if profiler:
            profiler.enable()
        _original_run(self, rerun_data)
    finally:
        if profiler:
            profiler.disable()
        wall = time.perf_counter() - start
        cpu = time.thread_time() - cpu
        finish_wall, finish_cpu, event, page = _STATE.finish
        record = {
            "session": self._session_id,
            "page": page,
            "start": start,
            "wall_ms": wall * 1e3,
            "cpu_ms": cpu * 1e3,
            "finish_ms": finish_wall * 1e3,
            "finish_cpu_ms": finish_cpu * 1e3,
            "event": event,
        }
        if _OUT:
            with _LOCK, open(_OUT, "a") as out:
                out.write(json.dumps(record) + "\n")
        if profiler:
            with _LOCK:
                stats = pstats.Stats(profiler)
                if os.path.exists(_PROFILE):
                    stats.add(_PROFILE)
                stats.dump_stats(_PROFILE)


def _timed_finished(self, ctx, event, premature_stop, run_descriptor):
    start, cpu = time.perf_counter(), time.thread_time()
    try:
        return _original_finished(self, ctx, event, premature_stop, run_descriptor)
    finally:
        _STATE.finish = (
            time.perf_counter() - start,
            time.thread_time() - cpu,
            getattr(event, "name", str(event)),
            getattr(ctx, "page_script_hash", ""),
        )


#: With $BENCH_GC_LOG set, every garbage collection of the server process (generation, ms,
#: objects collected) is appended to that file as a JSON line: pauses that stall every session.
_GC_LOG = os.environ.get("BENCH_GC_LOG")
_gc_started: list[float] = []
# Its own lock: a collection can start inside any allocation, also while this thread holds
# _LOCK to write a timing line (taking _LOCK here hung the whole server). No collection runs
# inside a gc callback, so this one is never wanted twice by one thread.
_GC_LOCK = threading.Lock()


def _gc_timed(phase: str, info: dict) -> None:
    if phase == "start":
        _gc_started.append(time.perf_counter())
        return
    if not _gc_started:
        return
    ms = (time.perf_counter() - _gc_started.pop()) * 1e3
    line = {"at": time.perf_counter(), "generation": info.get("generation"), "ms": ms,
            "collected": info.get("collected")}  # fmt: skip
    with _GC_LOCK, open(_GC_LOG, "a") as out:
        out.write(json.dumps(line) + "\n")


if _GC_LOG:
    import gc

    gc.callbacks.append(_gc_timed)

script_runner.ScriptRunner._run_script = _timed_run
script_runner.ScriptRunner._on_script_finished = _timed_finished


if __name__ == "__main__":
    from streamlit.web.cli import main

    sys.argv[0] = "streamlit"
    main(prog_name="streamlit")
