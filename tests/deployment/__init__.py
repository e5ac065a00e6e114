"""Tests of the school deployment: nginx, replicas, failover (each starts its own)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_in_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coroutine)`` on a thread of its own: the same test process may already run
    an event loop on this thread (Playwright's sync API leaves one behind), and
    ``asyncio.run`` refuses to start a second one there."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the test's own thread
            out["error"] = error

    thread = threading.Thread(target=run, name="own-event-loop")
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]
