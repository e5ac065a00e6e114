"""Section 6: lesson 11's real model, all-MiniLM-L6-v2 — forward pass, load time, memory.

- **Forward pass, 32 tokens**: our NumPy ``attention_core.bert.encode`` vs ``transformers``'
  ``BertModel`` (torch) on the same files, in the same process, interleaved rounds (10 rounds ×
  20 calls each, after 5 warm-up calls): p50 / p95 wall time. Torch is optional: it is looked for
  in this interpreter, then in ``$SPOTLIGHT_TORCH_PYTHON`` (e.g. a throwaway venv:
  ``python3 -m venv /tmp/refenv && /tmp/refenv/bin/pip install torch==2.13.0 transformers``);
  without it the comparison is skipped. Two torch figures: eager attention returning every
  attention matrix and hidden state (what we compute), and PyTorch's fused SDPA without them
  (its fastest path). Also NumPy with one BLAS thread (``OPENBLAS_NUM_THREADS=1``): under a
  classroom's load, fewer threads fight over the two cores.
- **Load**: ``model_store.load()`` in a fresh process (read 90 MB, SHA-256 of every file,
  safetensors, tokenizer): seconds, and RSS before/after/peak (median of 3 processes).
Targets (issue 14): forward ≤ 40 ms p50 and within 1.5× torch; RSS growth ≤ 150 MB.
Needs the weights on disk (``python -m model_store fetch``); skipped with a note otherwise.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from .common import REPO_ROOT, fmt, log, table, verdict

CHILD = Path(__file__).with_name("model_child.py")


def _child(python: str, *args: str, env_extra: dict[str, str] | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env_extra or {})}
    done = subprocess.run(
        [python, str(CHILD), *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=900,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{python} {CHILD.name} {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _torch_python() -> str | None:
    """An interpreter with torch and transformers: this one, else $SPOTLIGHT_TORCH_PYTHON."""
    for python in (sys.executable, os.environ.get("SPOTLIGHT_TORCH_PYTHON")):
        if not python:
            continue
        probe = subprocess.run(
            [python, "-c", "import torch, transformers"], capture_output=True, timeout=120
        )
        if probe.returncode == 0:
            return python
    return None


def run(quick: bool = False, extra_args: tuple[str, ...] = ()) -> dict:
    del extra_args
    import model_store

    if model_store.find_on_disk() is None:
        note = "skipped: the model is not on disk (run `python -m model_store fetch` first)"
        return {"skipped": True, "table": note, "notes": []}
    flag = ("--quick",) if quick else ()
    loads = [_child(sys.executable, "load") for _ in range(1 if quick else 3)]
    load = {key: statistics.median(run[key] for run in loads) for key in loads[0] if key != "numpy"}
    log(f"load: {load}")
    torch_python = _torch_python()
    compare = _child(torch_python or sys.executable, "forward", *flag)
    log(f"forward ({torch_python or 'no torch'}): {compare}")
    app_venv = _child(sys.executable, "forward", *flag) if torch_python != sys.executable else None
    one_thread = _child(sys.executable, "forward", *flag, env_extra={"OPENBLAS_NUM_THREADS": "1"})

    times = compare["times"]
    numpy_p50 = times["numpy"]["p50_ms"]
    torch_p50 = times.get("torch eager, all attentions", {}).get("p50_ms")
    rows = []
    for name, t in times.items():
        rows.append(
            [f"{name} (same process)", fmt(t["p50_ms"]), fmt(t["p95_ms"]), fmt(t["min_ms"])]
        )
    if app_venv:
        t = app_venv["times"]["numpy"]
        rows.append(
            ["numpy (the app's venv)", fmt(t["p50_ms"]), fmt(t["p95_ms"]), fmt(t["min_ms"])]
        )
    t = one_thread["times"]["numpy"]
    rows.append(["numpy, 1 BLAS thread", fmt(t["p50_ms"]), fmt(t["p95_ms"]), fmt(t["min_ms"])])
    text = table(["forward pass, 32 tokens", "p50 ms", "p95 ms", "min ms"], rows)

    ratio = numpy_p50 / torch_p50 if torch_p50 else None
    growth = load["rss_after_load_mb"] - load["rss_before_mb"]
    peak = load["rss_peak_mb"] - load["rss_before_mb"]
    ok_ratio = None if ratio is None else ratio <= 1.5
    targets = [
        ["NumPy forward p50, 32 tokens", "≤ 40 ms", fmt(numpy_p50, 1, " ms"), numpy_p50 <= 40],
        ["NumPy p50 ÷ torch eager p50 (same run)", "≤ 1.5x", fmt(ratio, 2, "x"), ok_ratio],
        ["load (read + SHA-256 + parse), fresh process", "—", fmt(load["load_s"], 2, " s"), None],
        ["RSS growth of loading (after load)", "≤ 150 MB", fmt(growth, 0, " MB"), growth <= 150],
        ["RSS peak during load, above before", "—", fmt(peak, 0, " MB"), None],
    ]
    targets = [[*row[:3], verdict(row[3])] for row in targets]
    text += "\n\n" + table(["figure", "target", "measured", ""], targets)
    notes = [
        f"NumPy {compare['numpy']}"
        + (
            f", torch {compare['torch']} ({compare['torch_threads']} threads), max |pooled "
            f"difference| {compare['max_abs_diff_pooled']:.1e}"
            if "torch" in compare
            else f"; torch comparison skipped ({compare.get('torch_skipped', 'not found')})"
        ),
        f"weights in memory: {load['weights_mb']:.0f} MB (float32); import model_store "
        f"{load['import_s'] * 1e3:.0f} ms; first read after load "
        f"{load['first_read_s'] * 1e3:.0f} ms",
    ]
    return {
        "load": load,
        "forward": compare,
        "forward_app_venv": app_venv,
        "forward_one_thread": one_thread,
        "table": text,
        "notes": notes,
    }


if __name__ == "__main__":
    result = run(quick="--quick" in sys.argv)
    print(result["table"])
    for note in result["notes"]:
        print(f"- {note}")
