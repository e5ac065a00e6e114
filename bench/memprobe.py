"""``python -m bench.memprobe run APP [streamlit options]``: ``streamlit run`` that can say where
its memory is.

On SIGUSR1 the server appends one JSON line to ``$BENCH_MEMREPORT``: its RSS, Streamlit's
sessions (all, and those with a websocket), threads, live Python objects (the most common types),
glibc malloc's own view (``mallinfo2``: bytes in use by the program vs. free but kept inside
malloc's arenas), and pymalloc's arenas (``sys._debugmallocstats``). On SIGUSR2 it does the
same, then calls glibc's ``malloc_trim(0)`` (give free pages back to the kernel) and reports
again: the difference is memory that was free, only not returned.

That splits "RSS did not come down after the class left" into its causes: sessions still held,
objects still alive (caches), or free memory the allocators keep.
"""

from __future__ import annotations

import collections
import ctypes
import gc
import json
import os
import re
import signal
import sys
import tempfile
import threading
import time

_OUT = os.environ.get("BENCH_MEMREPORT")


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        return libc
    except (OSError, AttributeError):
        return None


_LIBC = _libc()


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _malloc() -> dict[str, float]:
    if _LIBC is None:
        return {}
    info = _LIBC.mallinfo2()
    mb = 2**20
    return {
        "malloc_arena_mb": info.arena / mb,  # obtained with brk/sbrk + per-thread heaps
        "malloc_mmap_mb": info.hblkhd / mb,  # big blocks, mmapped (returned when freed)
        "malloc_in_use_mb": info.uordblks / mb,
        "malloc_free_kept_mb": info.fordblks / mb,  # free, still held by malloc
    }


def _pymalloc() -> dict[str, float]:
    """pymalloc's arenas (1 MiB each in 3.11), parsed from ``sys._debugmallocstats``."""
    with tempfile.TemporaryFile(mode="w+") as out:
        saved = os.dup(2)
        try:
            sys.stderr.flush()
            os.dup2(out.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read()
    found = {}
    for label, key in (
        ("arenas allocated current", "pymalloc_arenas"),
        ("bytes in allocated blocks", "pymalloc_used_mb"),
        ("bytes in available blocks", "pymalloc_free_mb"),
    ):
        match = re.search(rf"# {label}\s*=\s*([\d,]+)", text)
        if match:
            value = int(match.group(1).replace(",", ""))
            found[key] = value / 2**20 if key.endswith("_mb") else value
    return found


def _sessions() -> dict[str, int]:
    try:
        from streamlit.runtime import Runtime

        manager = Runtime.instance()._session_mgr
        return {
            "sessions": len(manager.list_sessions()),
            "sessions_active": len(manager.list_active_sessions()),
        }
    except Exception as exc:  # the probe must never take the server down
        return {"sessions_error": repr(exc)[:100]}


def _reap_sessions() -> int:
    """Drop the disconnected sessions whose TTL is over. Streamlit's session storage (a TTL
    cache of up to 128 sessions) removes expired entries only on a write or a length query, so
    after the last class of the day they stay in memory."""
    try:
        from streamlit.runtime import Runtime

        cache = Runtime.instance()._session_mgr._session_storage._cache
        held = len(cache._data)
        len(cache)  # reaps
        return held - len(cache._data)
    except Exception:
        return -1


def _objects() -> dict[str, object]:
    objects = gc.get_objects()
    counts = collections.Counter(
        f"{type(o).__module__}.{type(o).__qualname__}".removeprefix("builtins.") for o in objects
    )
    return {"gc_objects": len(objects), "types": dict(counts)}


def _describe(obj: object) -> str:
    kind = f"{type(obj).__module__}.{type(obj).__qualname__}".removeprefix("builtins.")
    if isinstance(obj, dict):
        keys = list(obj)[:6]
        return f"dict(len={len(obj)}, keys={keys!r:.160})"
    if isinstance(obj, (list, tuple, set)):
        return f"{kind}(len={len(obj)})"
    if callable(obj) and hasattr(obj, "__qualname__"):
        return f"{kind} {obj.__module__}.{obj.__qualname__}"
    return kind


def _chain(type_name: str, max_depth: int = 12) -> list[str]:
    """How one live object of ``type_name`` is reachable: the referrers from it up to a module,
    a class or a thread's frame (breadth first, ignoring this probe's own frames)."""
    import types

    objects = gc.get_objects()
    targets = [
        o for o in objects
        if f"{type(o).__module__}.{type(o).__qualname__}".removeprefix("builtins.") == type_name
    ]  # fmt: skip
    del objects
    if not targets:
        return [f"no live {type_name}"]
    start = targets[len(targets) // 2]
    del targets
    here = sys._getframe()
    seen = {id(start)}
    parents: dict[int, object] = {}
    queue = [start]
    ignore = {id(queue), id(seen), id(parents)}
    for _ in range(max_depth):
        next_queue = []
        for obj in queue:
            for ref in gc.get_referrers(obj):
                if id(ref) in seen or id(ref) in ignore or ref is here or ref is queue:
                    continue
                if isinstance(ref, types.FrameType) and ref.f_code.co_filename == __file__:
                    continue
                seen.add(id(ref))
                parents[id(ref)] = obj
                if isinstance(ref, (types.ModuleType, type, types.FrameType)) or (
                    isinstance(ref, dict) and "__name__" in ref and "__builtins__" in ref
                ):
                    path = [ref]
                    while id(path[-1]) in parents:
                        path.append(parents[id(path[-1])])
                    return [_describe(o) for o in path]
                next_queue.append(ref)
        queue = next_queue[:2000]
    return ["no root found within the depth"]


def report(label: str = "", trim: bool = False) -> dict[str, object]:
    """One snapshot; with ``trim``, first a full ``gc.collect()`` (garbage in reference cycles
    waits for it: the app turns Streamlit's post-run collection off), and after it
    ``malloc_trim(0)``."""
    record: dict[str, object] = {"label": label, "time": time.perf_counter(), "rss_mb": rss_mb()}
    if trim:
        record["sessions_reaped"] = _reap_sessions()
        record["rss_after_reap_mb"] = rss_mb()
        record["gc_collected"] = gc.collect()
        record["rss_after_gc_mb"] = rss_mb()
    record.update(_sessions())
    record["threads"] = threading.active_count()
    record.update(_objects())
    if chain_of := os.environ.get("BENCH_MEMCHAIN"):
        record["chain"] = _chain(chain_of)
    record.update(_malloc())
    record.update(_pymalloc())
    if trim and _LIBC is not None:
        _LIBC.malloc_trim(0)
        record["rss_after_trim_mb"] = rss_mb()
        record.update({f"{k}_after_trim": v for k, v in _malloc().items()})
    if _OUT:
        with open(_OUT, "a") as out:
            out.write(json.dumps(record) + "\n")
    return record


def _on_signal(signum: int, _frame: object) -> None:
    # Off the signal handler: the report walks every object and may take a second.
    trim = signum == signal.SIGUSR2
    threading.Thread(target=report, args=("signal", trim), daemon=True).start()


signal.signal(signal.SIGUSR1, _on_signal)
signal.signal(signal.SIGUSR2, _on_signal)


if __name__ == "__main__":
    from streamlit.web.cli import main

    sys.argv[0] = "streamlit"
    main(prog_name="streamlit")
