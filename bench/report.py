"""bench/RESULTS.md from the saved runs in bench/results/*.json.

The file has a generated part between the ``<!-- bench:begin -->`` and ``<!-- bench:end -->``
markers (machine, date, the targets table with "before" and "after", every section's table),
rebuilt by each full run; the analysis written by hand outside the markers is kept.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from .common import BENCH_DIR, fmt, table, verdict

RESULTS_MD = BENCH_DIR / "RESULTS.md"
RESULTS_DIR = BENCH_DIR / "results"
#: ``python -m bench.drawing``'s saved run (its own file: it measures before and after itself).
DRAWING_JSON = RESULTS_DIR / "drawing.json"
DRAWING_TITLE = "Drawing a step: before and after (issue 23)"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

TITLES = {
    "1": "1. Rerun cost per interaction (server side)",
    "2": "2. Keyboard step → updated chart in Chromium",
    "3": "3. Cold start and import time",
    "4": "4. A classroom at once: 60 sessions",
    "5": "5. Core scaling: attention and refine vs sequence length",
    "6": "6. A real transformer (lesson 11): forward pass, load, memory",
}


def load_saved(exclude: str | None = "quick") -> tuple[dict | None, dict | None]:
    """(before, after): bench/results/before.json and after.json, if present."""
    runs = {}
    for name in ("before", "after"):
        path = RESULTS_DIR / f"{name}.json"
        if path.exists() and name != exclude:
            runs[name] = json.loads(path.read_text())
    return runs.get("before"), runs.get("after")


def _worst(pages: list[dict], key: str) -> tuple[float, str]:
    values = [
        (p[key], p["name"])
        for p in pages
        if p.get(key) is not None and not (isinstance(p[key], float) and math.isnan(p[key]))
    ]
    return max(values) if values else (math.nan, "")


Row = tuple[str, str, Callable[[dict], tuple[str, bool | None]]]


def _lesson_pages(section: dict) -> list[dict]:
    return [p for p in section["pages"] if not p.get("floor")]


def _rows() -> list[tuple[str, str, str, Callable[[dict], tuple[str, bool | None]]]]:
    """(section, figure, target, extract(section result) -> (shown value, ok))."""

    def ratio(s: dict) -> tuple[str, bool | None]:
        lessons = [p for p in s["pages"] if p["ratio"] is not None]
        value, name = _worst(lessons, "ratio")
        return f"{value:.1f}x ({name})", value <= 3.0

    def floor(s: dict) -> tuple[str, bool | None]:
        empty = s["pages"][0]
        return f"{fmt(empty['wall_p50'])} / {fmt(empty['wall_p95'])} ms", None

    def rerun_p50(s: dict) -> tuple[str, bool | None]:
        value, name = _worst([p for p in s["pages"] if p["ratio"] is not None], "wall_p50")
        return f"{fmt(value)} ms ({name})", None

    def rerun_p95(s: dict) -> tuple[str, bool | None]:
        value, name = _worst([p for p in s["pages"] if p["ratio"] is not None], "wall_p95")
        return f"{fmt(value)} ms ({name})", value < 50

    def browser(s: dict) -> tuple[str, bool | None]:
        value, name = _worst(_lesson_pages(s), "updated_p50")
        return f"{fmt(value, 0)} ms ({name})", value < 150

    def browser_best(s: dict) -> tuple[str, bool | None]:
        values = [(p["updated_p50"], p["name"]) for p in _lesson_pages(s)]
        value, name = min(values)
        return f"{fmt(value, 0)} ms ({name})", value < 150

    def browser_floor(s: dict) -> tuple[str, bool | None]:
        floor = next((p for p in s["pages"] if p.get("floor")), None)
        if floor is None:
            return "— (not measured)", None
        return f"{fmt(floor['updated_p50'], 0)} / {fmt(floor['updated_p95'], 0)} ms", None

    def browser_ratio(s: dict) -> tuple[str, bool | None]:
        pages = [p for p in _lesson_pages(s) if p.get("floor_ratio_p50") is not None]
        if not pages:
            return "— (no floor)", None
        p50_ratio, name = _worst(pages, "floor_ratio_p50")
        p95_ratio, name95 = _worst(pages, "floor_ratio_p95")
        return (
            f"{p50_ratio:.2f}x ({name}) / {p95_ratio:.2f}x ({name95})",
            p50_ratio <= 1.5 and p95_ratio <= 2.0,
        )

    def browser_run_ratio(s: dict) -> tuple[str, bool | None]:
        pages = [p for p in _lesson_pages(s) if p.get("floor_ratio_run") is not None]
        if not pages:
            return "— (no floor)", None
        value, name = _worst(pages, "floor_ratio_run")
        return f"{value:.1f}x ({name})", value <= 3.0

    def cold(s: dict) -> tuple[str, bool | None]:
        return f"{s['median_s']:.1f} s", s["ok"]

    def cold_returning(s: dict) -> tuple[str, bool | None]:
        value = s.get("median_returning_s")
        return (f"{value:.1f} s", s["ok_returning"]) if value is not None else ("—", None)

    def cold_floor(s: dict) -> tuple[str, bool | None]:
        value = s.get("median_floor_s")
        return (f"{value:.1f} s", None) if value is not None else ("—", None)

    def imports(s: dict) -> tuple[str, bool | None]:
        i = s["import"]
        return f"{i['wall_ms']:.0f} ms (numpy alone {i['numpy_wall_ms']:.0f} ms)", i["ok"]

    def failed(s: dict) -> tuple[str, bool | None]:
        return f"{s['failed']} of {s['sessions']}", s["ok_failed"]

    def latency(s: dict) -> tuple[str, bool | None]:
        return f"{fmt(s['latency_p50'], 0)} / {fmt(s['latency_p95'], 0)} ms", s["ok_p95"]

    def peak(s: dict) -> tuple[str, bool | None]:
        return f"{s['rss_peak']:.0f} MB", s["ok_peak"]

    def after(s: dict) -> tuple[str, bool | None]:
        return (
            f"{s['rss_after']:.0f} MB vs {s['rss_before']:.0f} MB settled "
            f"({s['after_growth']:+.0%})",
            s["ok_after"],
        )

    def core(s: dict) -> tuple[str, bool | None]:
        last = s["points"][-1]
        return (
            f"{last['attention_us'] / 1e3:.1f} ms / {last['refine_us'] / 1e3:.1f} ms at "
            f"n={last['n']}; slope {s['slope']['attention_us']:.2f} / "
            f"{s['slope']['refine_us']:.2f}"
        ), None

    return [
        ("1", "Empty one-line page: server rerun p50 / p95 (the floor)", "—", floor),
        ("1", "Slowest lesson: server rerun p50", "—", rerun_p50),
        ("1", "Worst lesson p50 ÷ empty page p50", "≤ 3x", ratio),
        ("1", "Worst lesson server rerun p95", "< 50 ms", rerun_p95),
        ("2", "Key → chart updated, p50, slowest lesson", "< 150 ms", browser),
        ("2", "Key → chart updated, p50, fastest lesson", "< 150 ms", browser_best),
        (
            "2",
            "Empty one-slider page: key → run finished, p50 / p95 (the floor)",
            "—",
            browser_floor,
        ),
        ("2", "Worst lesson key → chart ÷ floor, p50 / p95", "≤ 1.5x / 2x", browser_ratio),
        ("2", "Worst lesson server run (fragment) ÷ floor's, p50", "≤ 3x", browser_run_ratio),
        ("3", "Cold start → default page rendered, new visitor (median)", "< 4 s", cold),
        ("3", "Cold start, returning visitor (browser cache warm)", "< 4 s", cold_returning),
        ("3", "Cold start of a one-chart Streamlit app (the floor)", "—", cold_floor),
        ("3", "`import attention_core`, fresh process (median)", "< 150 ms", imports),
        ("4", "Failed sessions", "0", failed),
        ("4", "Rerun latency p50 / p95 under load", "p95 < 500 ms", latency),
        ("4", "Server RSS peak", "< 1 GB", peak),
        ("4", "Server RSS 3 min after all sessions closed", "within 10%", after),
        (
            "5",
            "attention / refine at the longest sequence; log-log slope (2 = n²)",
            "shows n²",
            core,
        ),
    ]


def _cell(run: dict | None, key: str, extract: Callable) -> tuple[str, bool | None]:
    if not run or key not in run.get("sections", {}):
        return "—", None
    try:
        return extract(run["sections"][key])
    except (KeyError, ValueError, TypeError, ZeroDivisionError):
        return "—", None


def summary_table(before: dict | None, after: dict | None) -> str:
    """Every figure against its target, for the "before" and the "after" run."""
    rows = []
    for key, figure, target, extract in _rows():
        b, b_ok = _cell(before, key, extract)
        a, a_ok = _cell(after, key, extract)
        judged = target not in ("—", "shows n²")
        rows.append(
            [
                key,
                figure,
                target,
                b,
                verdict(b_ok) if judged else "—",
                a,
                verdict(a_ok) if judged else "—",
            ]
        )
    return table(["§", "figure", "target", "before", "", "after", ""], rows)


def _machine(run: dict) -> str:
    m = run["machine"]
    lines = [
        f"- Date: {m['date']}",
        f"- Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} RAM, {m['os']}",
        f"- Python {m['python']}, Streamlit {m['streamlit']}, Plotly {m['plotly']}, "
        f"NumPy {m['numpy']}, {m['chromium']}",
        f"- Load average at start: {m['loadavg_at_start']}",
    ]
    if m.get("busy_at_start"):
        lines.append(
            "- Busy processes at start (other people's work on the same machine): "
            + "; ".join(f"`{b}`" for b in m["busy_at_start"][:3])
        )
    for update in run.get("partial_updates", []):
        lines.append(f"- Partial update: {update}")
    if run.get("server_args"):
        lines.append(f"- Extra server options: `{' '.join(run['server_args'])}`")
    return "\n".join(lines)


def drawing_section(run: dict | None = None) -> list[str]:
    """The lines of RESULTS.md's section on ``python -m bench.drawing`` (from
    bench/results/drawing.json; nothing if there is no saved full run)."""
    if run is None:
        if not DRAWING_JSON.exists():
            return []
        run = json.loads(DRAWING_JSON.read_text())
    if run.get("quick"):
        return []
    m = run.get("machine", {})
    t = run["targets"]
    designs = "; ".join(
        f"“{d['name']}” = `{d['spec']}` ({d['commit']})"
        + (", the baseline" if d["baseline"] else "")
        for d in run["designs"]
    )
    judged = [r for r in run["rows"] if r.get("ok") is not None]
    passed = sum(1 for r in judged if r["ok"])
    lines = [
        "",
        f"## {DRAWING_TITLE}",
        "",
        "`python -m bench.drawing` (bench/README.md): each design served by its own "
        "`streamlit run` from its own checkout, the designs and the empty page taking turns on "
        f"every lesson in Chromium ({run['rounds']} rounds of {run['steps']} keyboard steps "
        f"per design, the order reversed every other round, after {run['warmup']} warm-up "
        "steps). Key → last chart: from the key event to the last chart of the step drawn. "
        "Server CPU: the thread CPU of the script runs during the step (`bench.timed_server`). "
        f"Targets per lesson against the baseline: ≥ {t['speed_up_min']:g}× faster at p50, "
        f"≤ {t['x_empty_p50_max']:g}× the empty page at p50 and ≤ {t['x_empty_p95_max']:g}× at "
        f"p95, ≥ {t['cpu_ratio_min']:g}× less server CPU per step (p50).",
        "",
        f"- Designs: {designs}",
    ]
    if m:
        lines += [
            f"- Date: {m.get('date', '?')}; {m.get('nproc', '?')} cores ({m.get('cpu', '?')}); "
            f"Streamlit {m.get('streamlit', '?')}, Plotly {m.get('plotly', '?')}, "
            f"{m.get('chromium', '?')}",
            f"- Load average at start: {m.get('loadavg_at_start', '?')}; after: "
            f"{run.get('loadavg_after', '?')} ({run.get('seconds', 0):.0f} s)",
        ]
        if m.get("busy_at_start"):
            lines.append(
                "- Busy processes at start: " + "; ".join(f"`{b}`" for b in m["busy_at_start"][:3])
            )
    if run.get("extra_args"):
        lines.append(f"- Extra server options: `{' '.join(run['extra_args'])}`")
    lines += [f"- Targets met: {passed} of {len(judged)} rows", "", run["table"], ""]
    lines += [f"- {n}" for n in run.get("notes", [])]
    if run.get("notes"):
        lines.append("")
    return lines


def generated(before: dict | None, after: dict | None) -> str:
    current = after or before
    parts = [BEGIN, "", "## Summary: every figure against its target", ""]
    if current is None:
        return "\n".join([*parts, "(no saved run yet)", *drawing_section(), END])
    parts.append(summary_table(before, after))
    for name, run in (("before", before), ("after", after)):
        if run:
            parts += ["", f"### Machine and date of the “{name}” run", "", _machine(run)]
    for name, run in (("after", after), ("before", before)):
        if not run:
            continue
        parts += ["", f"## Details of the “{name}” run", ""]
        for key, title in TITLES.items():
            section = run["sections"].get(key)
            if not section:
                continue
            took = (
                f" ({section['seconds']:.0f} s; load average after: "
                f"{section.get('loadavg_after', '?')})"
                if "seconds" in section
                else ""
            )
            parts += [f"### {title}{took}", "", section["table"], ""]
            parts += [f"- {n}" for n in section.get("notes", [])]
            if section.get("notes"):
                parts.append("")
    parts += drawing_section()
    parts.append(END)
    return "\n".join(parts)


HEADER = """# Benchmark results

Reproduce with one command (from the repository root, ~25 minutes):

```bash
.venv/bin/python -m bench
```

`--quick` is a 5-minute smoke run; `--only 1,4` runs some sections; `--label before` records a
baseline. See bench/README.md for what each section measures and how.

"""


def write_results_md() -> None:
    before, after = load_saved()
    block = generated(before, after)
    if RESULTS_MD.exists():
        text = RESULTS_MD.read_text()
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            _, tail = rest.split(END, 1)
            RESULTS_MD.write_text(head + block + tail)
            return
    RESULTS_MD.write_text(HEADER + block + "\n")


def main() -> None:
    write_results_md()


if __name__ == "__main__":
    main()


__all__: list[Any] = ["summary_table", "write_results_md"]
