"""Lesson 12's training runs, kept once per process and continued, never redone from scratch.

Training is deterministic (``ac.train``: the same settings give the same numbers, and a run of
``k`` steps is the first ``k`` steps of any longer one), so a run is a value: the class that
opens one teacher's link at step 1,000 needs it trained once, and "+10 steps" or a tick of Play
continues the longest run of those settings already made (``ac.train_more``) instead of
training again from step 0. Going back (the slider dragged down, Reset) trains again from the
nearest earlier run kept; from nothing, step 1,000 takes about half a second.

A kept run holds its history (two 8 × 8 patterns per step, ~1 KB a step), so at most
``KEPT_RUNS`` are kept: ~1 MB each at step 1,000, a few tens of MB at worst for the process.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import attention_core as ac

#: How many runs the process keeps (least recently used go first).
KEPT_RUNS = 24

Settings = tuple[str, int, float, float]  # task, seed, learning rate, temperature

_kept: OrderedDict[tuple[Settings, int], ac.Training] = OrderedDict()
_lock = threading.Lock()


def run_at(task: str, seed: int, lr: float, temperature: float, step: int) -> ac.Training:
    """The run of these settings after ``step`` steps (fewer if its numbers blew up before).

    Continued from the longest kept run of the same settings that is not past ``step``."""
    settings: Settings = (task, int(seed), float(lr), float(temperature))
    with _lock:
        found = _kept.get((settings, step))
        if found is not None:
            _kept.move_to_end((settings, step))
            return found
        earlier = [run for (kept, at), run in _kept.items() if kept == settings and at <= step]
    start = max(earlier, key=lambda run: run.steps, default=None)
    if start is None:
        start = ac.train(task, seed, lr, 0, temperature)
    run = start if start.blew_up else ac.train_more(start, step - start.steps)
    with _lock:
        _kept[(settings, step)] = run
        _kept.move_to_end((settings, step))
        while len(_kept) > KEPT_RUNS:
            _kept.popitem(last=False)
    return run


def forget() -> None:
    """Drop every kept run (tests; memory is bounded anyway)."""
    with _lock:
        _kept.clear()
