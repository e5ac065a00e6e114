"""``python -m bench.memory``: where a server's memory goes during and after a classroom.

One server (through ``bench.memprobe``) gets the classroom load of section 4 with any number of
sessions; the probe reports its memory before the load, at its end, and at times after every
session closed (Streamlit drops a disconnected session after ``server.disconnectedSessionTTL``,
120 s), then once more after ``gc.collect()`` and glibc's ``malloc_trim(0)``. Each row splits
the RSS into: sessions still held, live Python objects, memory malloc and pymalloc hold free.

    .venv/bin/python -m bench.memory --sessions 300 --duration 60
    .venv/bin/python -m bench.memory --sessions 300 --env MALLOC_ARENA_MAX=2

Not part of ``python -m bench``: it is the tool behind RESULTS.md's memory findings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import tempfile
import time
from pathlib import Path

from deploy.school import Replica, free_port, shared_environment

from .classroom import RssSampler, _classroom, _warmup
from .common import fmt, log, p95, table

PROBES_AFTER_S = (5, 60, 130, 180)  # the last one <= --after is the settled figure


def _probe(replica: Replica, out: Path, label: str, trim: bool = False) -> dict:
    count = len(out.read_text().splitlines()) if out.exists() else 0
    os.kill(replica.pid, signal.SIGUSR2 if trim else signal.SIGUSR1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        lines = out.read_text().splitlines() if out.exists() else []
        if len(lines) > count:
            record = json.loads(lines[-1])
            record["label"] = label
            return record
        time.sleep(0.2)
    raise RuntimeError("the memory probe did not answer")


def run(
    sessions: int = 300,
    duration: float = 60.0,
    after: float = 180.0,
    env: dict[str, str] | None = None,
    server_args: tuple[str, ...] = (),
    classes: int = 1,
) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "mem.jsonl"
        replica_env = shared_environment({**os.environ, **(env or {})})
        replica_env["BENCH_MEMREPORT"] = str(out)
        replica = Replica(
            free_port(), Path(tmp) / "server.log", replica_env, server_args, module="bench.memprobe"
        )
        replica.start()
        probes = []
        try:
            replica.wait_healthy(60)
            sampler = RssSampler(replica.pid)
            sampler.start()
            asyncio.run(_warmup(replica.url))
            time.sleep(20)
            probes.append(_probe(replica, out, "settled before load"))
            students = []
            for lesson_no in range(1, classes + 1):
                name = f"class {lesson_no}: " if classes > 1 else ""
                log(f"  [memory] {name}{sessions} sessions for {duration:.0f} s")
                t0 = time.perf_counter()
                students = asyncio.run(_classroom(replica.url, duration, sessions))
                closed = time.perf_counter()
                probes.append(_probe(replica, out, f"{name}all sessions just closed"))
                for at in PROBES_AFTER_S:
                    if at > after:
                        break
                    time.sleep(max(0.0, closed + at - time.perf_counter()))
                    probes.append(_probe(replica, out, f"{name}{at} s after"))
            probes.append(_probe(replica, out, "then gc + malloc_trim", trim=True))
            sampler.stop()
        finally:
            replica.stop()
    latencies = [ms for s in students for ms in s.latencies]
    failed = sum(s.failure is not None for s in students)
    peak = max(s[1] for s in sampler.between(t0, closed))
    rows = []
    for p in probes:
        rows.append(
            [
                p["label"],
                fmt(p["rss_mb"], 0),
                p.get("sessions", "?"),
                p.get("sessions_active", "?"),
                p["threads"],
                f"{p['gc_objects']:,}",
                fmt(p.get("malloc_in_use_mb"), 0),
                fmt(p.get("malloc_free_kept_mb"), 0),
                fmt(p.get("malloc_mmap_mb"), 0),
                p.get("pymalloc_arenas", "?"),
                fmt(p.get("pymalloc_free_mb"), 0),
            ]
        )
    last = probes[-1]
    text = table(
        [
            "when", "RSS MB", "sessions", "with websocket", "threads", "Python objects",
            "malloc in use MB", "malloc free kept MB", "mmap MB", "pymalloc arenas",
            "pymalloc free MB",
        ],
        rows,
    )  # fmt: skip
    before = probes[0]["rss_mb"]
    settled = probes[-2]["rss_mb"]
    text += (
        f"\n\n{sessions} sessions, {len(latencies)} reruns, {failed} failed, p95 "
        f"{fmt(p95(latencies), 0)} ms; peak RSS {peak:.0f} MB. After the class: "
        f"{settled / before - 1:+.0%} vs before; gc.collect() → {last['rss_after_gc_mb']:.0f} MB, "
        f"malloc_trim(0) → {last['rss_after_trim_mb']:.0f} MB "
        f"({last['rss_after_trim_mb'] / before - 1:+.0%} vs before)."
    )
    text += f"\nEnvironment: {env or {}}; server args: {list(server_args)}"
    first_types, last_types = probes[0]["types"], last["types"]
    grown = sorted(
        ((last_types.get(k, 0) - first_types.get(k, 0), k) for k in last_types), reverse=True
    )
    text += "\nPython objects that grew most (after the class vs before): " + ", ".join(
        f"{name} +{delta:,}" for delta, name in grown[:12] if delta > 0
    )
    return {"probes": probes, "table": text, "peak": peak, "failed": failed}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--after", type=float, default=180.0)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    parser.add_argument("--server-arg", action="append", default=[])
    parser.add_argument("--json", help="also save every probe to this file")
    parser.add_argument("--classes", type=int, default=1, help="classes one after another")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    result = run(
        args.sessions, args.duration, args.after, env, tuple(args.server_arg), args.classes
    )
    print(result["table"])
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
