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

``python -m bench.training --browser [--rounds 3] [--steps 10]``: a training step in Chromium,
as a student presses it. The lesson opens at step 100 and each press of → on its "Training
steps taken" slider trains one more step (the same fragment rerun as the +1 button: the
settings' run continued by one step, every chart redrawn in place), measured as
``bench.drawing`` measures a slider step (``bench.browser.PageSession``: key → the last chart
drawn). Interleaved in one run with lesson 9's temperature step (the heaviest of the other
lessons' steps), lesson 3's, and the empty page's (``bench/empty_app.py``). Target (issue 24):
a step press within the budget of the other lessons' slider steps.
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


def browser_steps(rounds: int = 3, steps: int = 10, warmup: int = 3) -> dict:
    """Key → last chart of lesson 12's training step, beside lessons 9 and 3 and the empty
    page, interleaved (round-robin, the order reversed every other round)."""
    from dataclasses import replace

    from playwright.sync_api import sync_playwright

    from .browser import PageSession
    from .common import (
        CHROMIUM_ARGS,
        CHROMIUM_PATH,
        EMPTY_APP,
        QUIET_SERVER_ARGS,
        fmt,
        launch_in,
        lessons,
        p50,
        p95,
        table,
        temperature_walk,
    )  # fmt: skip

    infos = {i.url_path: i for i in lessons()}
    start = 100
    learn = replace(
        infos["learn"], url_path=f"learn?step={start}", control="step",
        control_label="Training steps taken", control_kind="int",
        temperatures=tuple(range(0, 1001)), t_default=start,
    )  # fmt: skip
    walks = {
        "12. learn: +1 training step": [(1, start + k + 1) for k in range(warmup + rounds * steps)],
        "9. heads: temperature": temperature_walk(
            infos["heads"].temperatures, infos["heads"].t_default, warmup + rounds * steps
        ),
        "3. temperature: temperature": temperature_walk(
            infos["temperature"].temperatures, infos["temperature"].t_default,
            warmup + rounds * steps,
        ),
    }  # fmt: skip
    floor_info = replace(infos["why"], url_path="", chart_key=None, t_default=1.0)
    walks["empty page"] = temperature_walk(floor_info.temperatures, 1.0, warmup + rounds * steps)
    app = launch_in(REPO_ROOT, extra_args=QUIET_SERVER_ARGS)
    empty = launch_in(
        REPO_ROOT, str(EMPTY_APP.relative_to(REPO_ROOT)), extra_args=QUIET_SERVER_ARGS
    )
    samples: dict[str, list[float]] = {name: [] for name in walks}
    errors: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM_PATH, headless=True, args=list(CHROMIUM_ARGS)
            )
            sessions = {
                "12. learn: +1 training step": PageSession(browser, app.url, learn).open(),
                "9. heads: temperature": PageSession(browser, app.url, infos["heads"]).open(),
                "3. temperature: temperature": PageSession(
                    browser, app.url, infos["temperature"]
                ).open(),
                "empty page": PageSession(browser, empty.url, floor_info, floor=True).open(),
            }
            for name, session in sessions.items():
                for move_ in walks[name][:warmup]:
                    session.step(*move_, record=False)
            order = list(sessions)
            for r in range(rounds):
                for name in order if r % 2 == 0 else order[::-1]:
                    for move_ in walks[name][warmup + r * steps : warmup + (r + 1) * steps]:
                        out = sessions[name].step(*move_, record=True)
                        if out is not None:
                            samples[name].append(out["last"])
            for name, session in sessions.items():
                errors += [f"{name}: {e}" for e in dict.fromkeys(session.result.errors)]
                session.close()
            browser.close()
    finally:
        app.stop()
        empty.stop()
    floor = p50(samples["empty page"])
    rows = [
        [name, len(ms), fmt(p50(ms), 0), fmt(p95(ms), 0),
         "—" if name == "empty page" else f"{p50(ms) / floor:.1f}×"]
        for name, ms in samples.items()
    ]  # fmt: skip
    text = table(["step", "n", "key → last chart p50 ms", "p95 ms", "× empty p50"], rows)
    return {"samples_ms": samples, "table": text, "notes": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.training", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5 rounds instead of 15")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cold", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=15, help=argparse.SUPPRESS)
    parser.add_argument("--browser", action="store_true", help="a training step in Chromium")
    parser.add_argument("--steps", type=int, default=10, help="steps per round (--browser)")
    args = parser.parse_args(argv)
    if args.browser:
        result = browser_steps(rounds=3 if args.rounds == 15 else args.rounds, steps=args.steps)
        print(result["table"])
        for note in result["notes"]:
            print(f"- {note}")
        return 0
    if args.child or args.cold:
        print(json.dumps(_child(args.rounds) if args.child else _cold()))
        return 0
    print(run(quick=args.quick)["table"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
