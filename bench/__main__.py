"""``.venv/bin/python -m bench``: run every benchmark section, print the tables, write RESULTS.md.

Sections (``--only 1,4`` runs a subset):
  1 rerun      server-side cost of a rerun per lesson vs an empty page (websocket client)
  2 browser    keyboard step on the temperature slider → chart redrawn (Chromium)
  3 coldstart  ``streamlit run`` → default page rendered; ``import attention_core``
  4 classroom  60 concurrent sessions for 2 min; latency, failures, server memory
  5 core       ``attention`` / ``refine`` time vs sequence length (8 .. 512)
  6 model      lesson 11's all-MiniLM-L6-v2: forward pass vs torch, load time, memory

Not a section (it compares two checkouts of the app in one run and keeps its own results,
bench/results/drawing.json, shown in RESULTS.md): ``python -m bench.drawing``, a step's drawing
before and after the charts were redrawn in place (issue 23); see bench/README.md.

``--quick`` is a smoke run (fewer interactions, a 30 s classroom): its figures are not the
record. Each full run is saved to bench/results/<label>.json and bench/RESULTS.md is rebuilt
from the saved runs: the "before" column is bench/results/before.json (``--label before``),
"after" the latest other full run. ``--server-arg`` passes an option to every benchmark
server (e.g. ``--server-arg=--runner.postScriptGC=false`` to try a config change first).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from . import report
from .common import BENCH_DIR, busy_processes, log, machine_info

SECTIONS = {
    "1": ("rerun", "1. Rerun cost per interaction (server side)"),
    "2": ("browser", "2. Keyboard step → updated chart in Chromium"),
    "3": ("coldstart", "3. Cold start and import time"),
    "4": ("classroom", "4. A classroom at once: 60 sessions"),
    "5": ("core", "5. Core scaling: attention and refine vs sequence length"),
    "6": ("model", "6. A real transformer (lesson 11): forward pass, load, memory"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="short smoke run (not recorded)")
    parser.add_argument(
        "--only",
        default="1,2,3,4,5,6",
        help="comma-separated sections (numbers or names), default all",
    )
    parser.add_argument(
        "--label",
        default=None,
        help="name of this run in bench/results/ (default: after; use 'before' for the baseline)",
    )
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        help="extra `streamlit run` option for the benchmark servers",
    )
    parser.add_argument("--no-write", action="store_true", help="print only; write nothing")
    args = parser.parse_args(argv)

    names = {name: key for key, (name, _) in SECTIONS.items()}
    wanted = []
    for item in args.only.split(","):
        item = item.strip()
        key = names.get(item, item)
        if key not in SECTIONS:
            parser.error(f"unknown section {item!r}")
        wanted.append(key)

    machine = machine_info()
    machine["busy_at_start"] = busy_processes()
    log("machine: " + ", ".join(f"{k}={v}" for k, v in machine.items() if k != "busy_at_start"))
    if machine["busy_at_start"]:
        log(
            "WARNING: other processes are using the CPU; figures will be slower than on an "
            "idle machine:\n  " + "\n  ".join(machine["busy_at_start"])
        )
    results: dict = {
        "machine": machine,
        "quick": args.quick,
        "server_args": args.server_arg,
        "sections": {},
    }
    import importlib

    for key in wanted:
        module_name, title = SECTIONS[key]
        module = importlib.import_module(f"bench.{module_name}")
        log(f"\n== {title} ==")
        started = time.perf_counter()
        section = module.run(quick=args.quick, extra_args=tuple(args.server_arg))
        section["seconds"] = time.perf_counter() - started
        section["loadavg_after"] = " ".join(f"{x:.2f}" for x in __import__("os").getloadavg())
        results["sections"][key] = section
        print(f"\n## {title}\n\n{section['table']}")
        for note in section.get("notes", []):
            print(f"- {note}")
        print(
            f"\n({section['seconds']:.0f} s; load average after: {section['loadavg_after']})",
            flush=True,
        )

    saved_before = report.load_saved()[0]
    if args.label == "before":
        print("\n" + report.summary_table(results, None))
    else:
        print("\n" + report.summary_table(saved_before, results))
    if args.no_write:
        return 0
    out_dir = BENCH_DIR / "results"
    out_dir.mkdir(exist_ok=True)
    label = args.label or ("quick" if args.quick else "after")
    path = out_dir / f"{label}.json"
    if path.exists() and not args.quick and set(wanted) != set(SECTIONS):
        # merge: a partial run (--only) updates its sections and keeps the others
        old = json.loads(path.read_text())
        old["sections"].update(results["sections"])
        m = results["machine"]
        old.setdefault("partial_updates", []).append(
            f"section {', '.join(wanted)} re-run at {m['date']} "
            f"(load average {m['loadavg_at_start']})"
        )
        results = old
    path.write_text(json.dumps(results, indent=1, default=str))
    log(f"saved {path.relative_to(BENCH_DIR.parent)}")
    if not args.quick:
        report.write_results_md()
        log(f"wrote {Path('bench/RESULTS.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
