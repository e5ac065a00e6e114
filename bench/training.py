"""Lesson 12's training loop: how long 100 steps take, and restoring a shared link at step 1,000.

``python -m bench.training`` (``--quick`` for fewer rounds). The figures come from child
processes with one BLAS thread (``OPENBLAS_NUM_THREADS=1`` added to this environment, never
replacing it): under a classroom's load, one thread per session is what a step gets, and the
matrices here are far too small for threads to help.

- **100 steps**: ``train(steps=100)`` of the default problem (task "previous", seed 0, the
  good learning rate): forward, hand-written backward, Adam and the held-out exam every step,
  from the random start. Best of the rounds (``time.process_time``, which other work on the
  machine inflates less than the wall clock), and the median. Target (issue 24): ≤ 50 ms.
- **Step 1,000**: ``train(steps=1000)``, what a share link at step 1,000 re-runs, warm (best
  and median of the rounds) and cold (the first call in a fresh process, after ``import
  attention_core``: the held-out set and word vectors are built then; best and median of 5
  fresh processes). Target: ≤ 0.5 s.
- **Next step**: ``next_step`` of a trained run (one step in the open, for the "nudge one
  weight" view), and 100 steps of the recall task, for reference.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
TARGETS_MS = {"100 steps": 50.0, "step 1,000 (warm)": 500.0, "step 1,000 (cold)": 500.0}


def _child(rounds: int) -> dict:
    """Runs in a one-thread child: every warm figure, as milliseconds."""
    import attention_core as ac

    def timed(fn) -> list[float]:
        out = []
        for _ in range(rounds):
            t = time.process_time()
            fn()
            out.append((time.process_time() - t) * 1e3)
        return out

    trained = ac.train(steps=1000)
    cases = {
        "100 steps": lambda: ac.train(steps=100),
        "step 1,000 (warm)": lambda: ac.train(steps=1000),
        "next step": lambda: ac.next_step(trained),
        "100 steps, recall": lambda: ac.train("recall", steps=100),
    }
    return {
        "times_ms": {name: timed(fn) for name, fn in cases.items()},
        "blas_threads_env": os.environ.get("OPENBLAS_NUM_THREADS", ""),
        "steps_to_95": trained.reached_95,
    }


def _cold() -> dict:
    """Runs in a fresh one-thread child: ``import attention_core``, then its first step 1,000."""
    started = time.process_time()
    import attention_core as ac

    imported = time.process_time()
    ac.train(steps=1000)
    return {
        "import_ms": (imported - started) * 1e3,
        "cold_ms": (time.process_time() - imported) * 1e3,
    }


def _run_child(*args: str) -> dict:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.training", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=600,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(quick: bool = False, extra_args: tuple[str, ...] = ()) -> dict:
    """The section's figures and a table (the ``bench`` sections' interface)."""
    del extra_args
    from .common import fmt, table, verdict

    rounds, fresh = (5, 2) if quick else (15, 5)
    child = _run_child("--child", "--rounds", str(rounds))
    colds = [_run_child("--cold") for _ in range(fresh)]
    child["times_ms"]["step 1,000 (cold)"] = [c["cold_ms"] for c in colds]
    child["import_ms"] = statistics.median(c["import_ms"] for c in colds)
    rows, figures = [], {}
    for name, ms in child["times_ms"].items():
        best, median = min(ms), statistics.median(ms)
        target = TARGETS_MS.get(name)
        figures[name] = {"best_ms": best, "median_ms": median, "rounds": len(ms)}
        rows.append(
            [
                name,
                fmt(best, 2),
                fmt(median, 2),
                len(ms),
                "—" if target is None else f"≤ {fmt(target, 0)}",
                verdict(None if target is None else best <= target),
            ]
        )
    text = table(["what", "best ms", "median ms", "rounds", "target ms", ""], rows)
    text += (
        f"\n\nOne BLAS thread (OPENBLAS_NUM_THREADS={child['blas_threads_env']}), process CPU "
        f"time; `import attention_core` {child['import_ms']:.0f} ms (not in the cold figure). "
        f"The default run reaches 95 % held-out accuracy after {child['steps_to_95']} steps."
    )
    return {"figures": figures, "import_ms": child["import_ms"], "table": text, "notes": []}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.training", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 15")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=15, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child or args.cold:
        print(json.dumps(_child(args.rounds) if args.child else _cold()))
        return 0
    print(run(quick=args.quick)["table"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
