"""Housekeeping for a server that runs all day: give memory back once a class has left.

Two things Streamlit 1.67 leaves to chance (measured in bench/RESULTS.md, "A whole school"):

- A closed tab's session is kept for ``server.disconnectedSessionTTL`` (120 s) so the tab can
  reconnect to it, in a TTL cache of up to 128 sessions. That cache drops expired sessions only
  when another session is stored or removed, so after the last class of the day the state of
  up to 128 sessions (widgets, page runs, messages) stays in memory.
- The app turns Streamlit's full ``gc.collect()`` after every run off (100-180 ms a rerun,
  bench §1): garbage in reference cycles waits for Python's generational collector.

- Python's collector walks every tracked object of the process in a full collection: with a
  class connected that was ~140 ms, 15 times in 2.5 minutes of 120 students moving sliders,
  each a pause for every student at once (bench/RESULTS.md, "Issue 23").

So a daemon thread, once per process, every 30 s: drops expired sessions (as Streamlit's cache
would on its next write); the first time tabs are connected, freezes what the process holds
(``gc.freeze``: modules, Streamlit, the lessons' code, the model: kept for the process's life,
so no collection needs to walk them again); and when no tab is connected any more, unfreezes,
runs one full collection, asks glibc's malloc to hand free pages back to the system
(``malloc_trim``) and freezes what is left. Nothing here runs while students are working,
except the expiry and the one freeze (which moves a list, it walks nothing).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import threading
import time
from typing import Any

INTERVAL_S = 30.0

_log = logging.getLogger(__name__)
_started = threading.Event()
_start_lock = threading.Lock()


def start(interval_s: float = INTERVAL_S) -> None:
    """Start the housekeeping thread, once per process (later calls do nothing)."""
    with _start_lock:
        if _started.is_set():
            return
        _started.set()
    threading.Thread(
        target=_loop, args=(interval_s,), name="spotlight-housekeeping", daemon=True
    ).start()


def _session_manager() -> Any | None:
    from streamlit import runtime

    if not runtime.exists():
        return None
    return getattr(runtime.get_instance(), "_session_mgr", None)


def reap_expired_sessions(manager: Any) -> int:
    """Drop the disconnected sessions whose TTL is over; returns how many."""
    cache = getattr(getattr(manager, "_session_storage", None), "_cache", None)
    expire = getattr(cache, "expire", None)
    if expire is None:  # another session storage: nothing we know how to reap
        return 0
    # The session manager guards its storage with this lock (the cache is not thread-safe).
    lock = getattr(manager, "_storage_lock", None) or contextlib.nullcontext()
    with lock:
        return len(expire())


def _malloc_trim() -> None:
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def release_memory() -> None:
    """One full collection (the frozen objects too), glibc's free pages back to the system,
    then what survived frozen: it is what the process keeps."""
    gc.unfreeze()
    gc.collect()
    _malloc_trim()
    gc.freeze()


def tidy(manager: Any, busy_since_last: bool) -> bool:
    """One round; returns whether tabs were connected (work to clean up after later)."""
    reaped = reap_expired_sessions(manager)
    active = len(manager.list_active_sessions())
    if active and not gc.get_freeze_count():
        gc.freeze()  # the first class: what the process has loaded so far stays out of sight
    if not active and (busy_since_last or reaped):
        started = time.perf_counter()
        release_memory()
        _log.debug(
            "housekeeping: %d expired sessions dropped, memory released in %.0f ms",
            reaped,
            (time.perf_counter() - started) * 1e3,
        )
    return active > 0


def _loop(interval_s: float) -> None:
    busy = False
    while True:
        time.sleep(interval_s)
        try:
            manager = _session_manager()
            if manager is not None:
                busy = tidy(manager, busy)
        except Exception:  # housekeeping must never take the app down
            _log.debug("housekeeping round failed", exc_info=True)
