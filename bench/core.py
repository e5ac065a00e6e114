"""Section 5: how ``attention`` and ``refine`` grow with the sequence length (for lesson 7).

``attention(X, X, X)`` with ``X`` of shape ``(n, d)`` (``d`` = the toy vocabulary's feature
count) and ``refine(text)`` on an ``n``-word sentence (with ``max_tokens=n``: the app itself
caps sentences at ``MAX_TOKENS``), for n = 8 .. 512. Each figure is the best of 15 interleaved
``timeit`` rounds (process CPU time, which a busy machine inflates less than the wall clock;
every round times every size, so a burst of other work hits all
sizes alike, and the minimum is the figure least disturbed by it). Self-attention compares
every word with every word: the ``n × n`` score and weight matrices make the work grow as n²,
which shows once n is large enough for the matrices, not Python's fixed per-call cost, to
dominate: each doubling of n then costs about 4x (more once the n × n matrices outgrow the CPU
caches: 512² float64 is 2 MiB per matrix; and from 256 tokens on, NumPy's n × n temporaries
are above glibc's mmap threshold, so every call maps and faults in fresh pages).
"""

from __future__ import annotations

import math
import time
import timeit

from .common import fmt, table

LENGTHS = (8, 16, 32, 64, 128, 256, 512)


def _best_times(fns: dict, seconds_per_round: float, rounds: int) -> dict:
    """Best seconds per call of each function, over ``rounds`` interleaved rounds.

    Every round times every function once (~``seconds_per_round`` each), so a burst of other
    work on the machine hits one round of every size alike; the minimum over rounds keeps
    each function's quietest moment."""
    numbers = {}
    for key, fn in fns.items():
        number, _ = timeit.Timer(fn, timer=time.process_time).autorange()  # warms up too
        numbers[key] = max(1, int(number * seconds_per_round / 0.2))
    best = dict.fromkeys(fns, math.inf)
    for _ in range(rounds):
        for key, fn in fns.items():
            t = timeit.Timer(fn, timer=time.process_time).timeit(numbers[key]) / numbers[key]
            best[key] = min(best[key], t)
    return best


def run(quick: bool = False, extra_args: tuple[str, ...] = ()) -> dict:
    del extra_args
    import numpy as np

    import attention_core as ac

    words = [w for w, v in ac.VOCABULARY.items() if any(v)]
    d = len(ac.FEATURES)
    rng = np.random.default_rng(0)
    seconds, rounds = (0.02, 3) if quick else (0.05, 15)
    fns = {}
    for n in LENGTHS:
        x = rng.standard_normal((n, d))
        text = " ".join(words[i % len(words)] for i in range(n))
        fns[("attention", n)] = lambda x=x: ac.attention(x, x, x)
        fns[("refine", n)] = lambda text=text, n=n: ac.refine(text, max_tokens=n)
    best = _best_times(fns, seconds, rounds)
    rows, points = [], []
    prev = None
    for n in LENGTHS:
        t_att, t_ref = best[("attention", n)], best[("refine", n)]
        growth = (t_att / prev[0], t_ref / prev[1]) if prev else (None, None)
        prev = (t_att, t_ref)
        points.append(
            {
                "n": n,
                "attention_us": t_att * 1e6,
                "refine_us": t_ref * 1e6,
                "attention_growth": growth[0],
                "refine_growth": growth[1],
            }
        )
        rows.append(
            [
                n,
                f"{n * n:,}",
                fmt(t_att * 1e6),
                fmt(growth[0], 2, "x"),
                fmt(t_ref * 1e6),
                fmt(growth[1], 2, "x"),
            ]
        )
    # slope of log(time) vs log(n) over the last doubling: 2 means O(n²)
    big = points[-2:]
    slope = {
        key: (math.log(big[-1][key] / big[0][key]) / math.log(big[-1]["n"] / big[0]["n"]))
        for key in ("attention_us", "refine_us")
    }
    text = table(
        ["tokens n", "n² scores", "attention µs", "× vs n/2", "refine µs", "× vs n/2"], rows
    )
    text += (
        f"\n\nd = {d} features. Log-log slope from n = {big[0]['n']} to {big[-1]['n']}: "
        f"attention {slope['attention_us']:.2f}, refine {slope['refine_us']:.2f} "
        "(2.0 = quadratic)."
    )
    return {"d": d, "points": points, "slope": slope, "table": text, "notes": []}
