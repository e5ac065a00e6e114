"""Drawing a step, before and after (issue 23): chart designs compared in one run, interleaved.

``python -m bench.drawing [--before REV] [--rounds 3] [--steps 10] [--only why,query]
[--design NAME=SPEC ...] [--quick] [--no-write]``

Each *design* is a checkout of the app served by its own ``streamlit run streamlit_app.py``
from its own folder (its own ``.streamlit/config.toml`` and modules, this venv):

- ``before``: a ``git worktree add --detach`` of ``--before`` (default ``b950988``: every
  chart an ``st.plotly_chart``, remounted and drawn from scratch at every step), in a temporary
  folder removed at the end (``git worktree remove --force``);
- ``after``: this checkout (every chart ``ui.chart``'s element, redrawn in place with
  ``Plotly.react``);
- more with ``--design NAME=SPEC``: SPEC a git revision, a folder holding a checkout, or a
  ``.patch``/``.diff`` file applied (``git apply``) to a worktree of ``HEAD``.

The first design is the baseline the others are compared with. Also served: the empty page
(``bench/empty_app.py``, the same slider and nothing else), the floor every step pays.

For every lesson (``bench.common.lessons()``; lesson 11 is skipped with a note when its model
is not on disk) one Chromium page per design (``bench.browser.PageSession``: the harness's
Chromium and flags, a fresh context each) is opened and warmed up with 3 steps, then the
designs take turns: ``--rounds`` rounds of ``--steps`` keyboard steps each, the order reversed
every other round (before, after, empty page; then empty page, after, before; ...), all pages
following the same walk of the slider. A step is measured as in section 2 (``bench.browser``):
from the key event to the **last** chart of the step drawn (the last mutation of any chart
SVG in the main area, once charts and websocket have been quiet for 250 ms); the empty page's
step ends with its run's last websocket frame. Each server runs through
``bench/timed_server.py`` (wall and thread-CPU time of every script run): "server CPU ms/step"
is the CPU of the script runs that started during the step. The process's whole CPU time
(every thread: the event loop that serialises and sends, too; ``/proc/<pid>/stat``, 10 ms
ticks, so only its mean per step is kept) is in the JSON as ``process_cpu_mean``.

Before measuring, a websocket client (``bench.stclient``) checks each design on each lesson:
opened, then two steps, each returning the lesson's chart with a new figure.

Targets per lesson, for each design against the baseline (issue 23): key → last chart p50 at
least 2.5× faster; at most 4× the empty page's p50 and 6× its p95 (the empty page's steps of
the same lesson's rounds); server CPU per step at least 2× lower (p50 ratio).

Results: one table on stdout, ``bench/results/drawing.json`` (with the table), and
``bench/RESULTS.md``'s generated part rebuilt (``bench/report.py`` shows the table under
"Drawing a step: before and after (issue 23)"). ``--quick`` (2 rounds of 3 steps, 2 warm-up
steps) prints only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from .browser import PageSession
from .common import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    EMPTY_APP,
    QUIET_SERVER_ARGS,
    REPO_ROOT,
    LessonInfo,
    ServerHandle,
    busy_processes,
    fmt,
    launch_in,
    lessons,
    log,
    machine_info,
    model_on_disk,
    move,
    p50,
    p95,
    read_timings,
    table,
    temperature_walk,
)
from .report import DRAWING_JSON, DRAWING_TITLE

DEFAULT_BEFORE = "b950988"
RESULTS_JSON = DRAWING_JSON
TITLE = DRAWING_TITLE
#: Targets of each design against the baseline (the first design), per lesson.
SPEED_UP_MIN = 2.5  # baseline key → last chart p50 ÷ this design's
EMPTY_P50_MAX, EMPTY_P95_MAX = 4.0, 6.0  # this design's key → last chart ÷ the empty page's
CPU_RATIO_MIN = 2.0  # baseline server CPU per step p50 ÷ this design's
EMPTY = "empty page"


# --------------------------------------------------------------------------------------------
# designs: checkouts of the app, each served from its own folder
# --------------------------------------------------------------------------------------------


@dataclass
class Design:
    name: str
    #: "." (this checkout), a git revision, a folder, or a patch file (applied to HEAD)
    spec: str
    folder: Path | None = None
    #: the worktree we made for it (removed at the end)
    worktree: Path | None = None
    commit: str = ""
    server: ServerHandle | None = None
    timings: Path | None = None


def _git(*args: str, cwd: Path = REPO_ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def _add_worktree(rev: str, tmp: Path, name: str) -> Path:
    path = tmp / f"design-{name}"
    _git("worktree", "add", "--detach", str(path), rev)
    return path


def prepare(design: Design, tmp: Path) -> None:
    """Give ``design`` a folder holding its checkout (a new worktree unless it is this one or
    an existing folder) and note its commit."""
    spec = design.spec
    as_path = Path(spec).expanduser()
    if spec == ".":
        design.folder = REPO_ROOT
    elif as_path.is_dir():
        design.folder = as_path.resolve()
    elif as_path.is_file() and as_path.suffix in (".patch", ".diff"):
        design.worktree = design.folder = _add_worktree("HEAD", tmp, design.name)
        _git("apply", str(as_path.resolve()), cwd=design.folder)
    else:
        commit = _git("rev-parse", "--verify", f"{spec}^{{commit}}")
        design.worktree = design.folder = _add_worktree(commit, tmp, design.name)
    try:
        design.commit = _git("rev-parse", "--short", "HEAD", cwd=design.folder)
        if _git("status", "--porcelain", "--untracked-files=no", cwd=design.folder):
            design.commit += " + changes"
    except (subprocess.CalledProcessError, OSError):
        design.commit = "?"


def remove(design: Design) -> None:
    if design.worktree is None:
        return
    try:
        _git("worktree", "remove", "--force", str(design.worktree))
    except subprocess.CalledProcessError as exc:
        log(f"  [drawing] git worktree remove failed ({exc.stderr.strip()}); removing by hand")
        shutil.rmtree(design.worktree, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=REPO_ROOT, check=False)
    design.worktree = None


def parse_design(text: str) -> Design:
    name, sep, spec = text.partition("=")
    if not sep or not name or not spec:
        raise argparse.ArgumentTypeError(f"expected NAME=SPEC, got {text!r}")
    return Design(name.strip(), spec.strip())


# --------------------------------------------------------------------------------------------
# measuring
# --------------------------------------------------------------------------------------------


_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def process_cpu_ms(pid: int) -> float:
    """User + system CPU of a process, every thread (dead ones too), in ms (10 ms ticks)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) * _TICK_MS


@dataclass
class Samples:
    """One design's (or the empty page's) steps on one lesson."""

    last: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)
    windows: list[tuple[float, float]] = field(default_factory=list)
    process_cpu: list[float] = field(default_factory=list)
    drawn: list[int] = field(default_factory=list)
    drawn_last: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # filled from the timings afterwards
    wall: list[float] = field(default_factory=list)
    no_change: int = 0


def _step(session: PageSession, server: ServerHandle, samples: Samples, move_: tuple) -> None:
    cpu0 = process_cpu_ms(server.process.pid)
    out = session.step(*move_, record=True)
    cpu1 = process_cpu_ms(server.process.pid)
    if out is None:
        samples.no_change += 1
        return
    samples.last.append(out["last"])
    samples.first.append(out["first"])
    samples.windows.append(out["window"])
    samples.drawn.append(out["drawn"])
    if out["drawn_last"] is not None:
        samples.drawn_last.append(out["drawn_last"])
    samples.process_cpu.append(cpu1 - cpu0)


def _server_costs(samples: Samples, records: list[dict]) -> None:
    """The script runs that started within each step's window: their CPU and wall time."""
    for t0, t1 in samples.windows:
        runs = [r for r in records if t0 <= r["start"] <= t1]
        samples.cpu.append(sum(r["cpu_ms"] for r in runs))
        samples.wall.append(sum(r["wall_ms"] for r in runs))


async def _protocol_check(url: str, info: LessonInfo) -> str | None:
    """Open the lesson over the websocket and take two steps: each must return the lesson's
    chart with a new figure (whichever element draws it). None if so, else what went wrong."""
    from .stclient import Session

    async with Session(url) as session:
        run = await session.open(info.url_path)
        if run.exceptions:
            return f"exception on open: {run.exceptions[0]}"
        last = run.chart_crc.get(info.chart_key)
        if last is None:
            return f"chart {info.chart_key!r} not sent on open (elements: {sorted(run.kinds)})"
        for _, value in temperature_walk(info.temperatures, info.t_default, 2):
            run = await move(session, info, value)
            crc = run.chart_crc.get(info.chart_key)
            if run.exceptions or crc is None or crc == last:
                what = run.exceptions[0] if run.exceptions else "missing or unchanged"
                return f"step to {value:g}: chart {info.chart_key!r} {what}"
            last = crc
    return None


def measure(
    designs: list[Design],
    empty: ServerHandle,
    infos: list[LessonInfo],
    *,
    rounds: int,
    steps: int,
    warmup: int,
) -> tuple[dict[str, dict[str, Samples]], list[str]]:
    """{lesson url path: {design name or EMPTY: Samples}} and notes."""
    from playwright.sync_api import sync_playwright

    notes: list[str] = []
    results: dict[str, dict[str, Samples]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            # the empty page's slider is lesson 1's temperature (lesson 11 moves a layer)
            floor_info = replace(lessons()[0], url_path="", chart_key=None, t_default=1.0)
            floor = PageSession(browser, empty.url, floor_info, floor=True).open()
            floor_walk = iter(
                temperature_walk(
                    floor_info.temperatures,
                    floor_info.t_default,
                    warmup + len(infos) * rounds * steps + 1,
                )
            )
            for _ in range(warmup):
                floor.step(*next(floor_walk), record=False)
            for info in infos:
                log(f"  [drawing] {info.number}. {info.url_path}")
                per: dict[str, Samples] = {d.name: Samples() for d in designs}
                per[EMPTY] = Samples()
                results[info.url_path] = per
                pages: dict[str, PageSession] = {}
                try:
                    for d in designs:
                        pages[d.name] = PageSession(
                            browser, d.server.url, info, name=f"{info.url_path} [{d.name}]"
                        ).open()
                    walk = temperature_walk(
                        info.temperatures, info.t_default, warmup + rounds * steps
                    )
                    for d in designs:
                        for move_ in walk[:warmup]:
                            pages[d.name].step(*move_, record=False)
                    turn = [*(d.name for d in designs), EMPTY]
                    for r in range(rounds):
                        order = turn if r % 2 == 0 else turn[::-1]
                        chunk = walk[warmup + r * steps : warmup + (r + 1) * steps]
                        for name in order:
                            if name == EMPTY:
                                for _ in chunk:
                                    _step(floor, empty, per[EMPTY], next(floor_walk))
                                continue
                            server = next(d.server for d in designs if d.name == name)
                            for move_ in chunk:
                                _step(pages[name], server, per[name], move_)
                finally:
                    for page in pages.values():
                        for error in dict.fromkeys(page.result.errors):
                            notes.append(f"{page.result.name}: {error}")
                        page.close()
            notes += [f"empty page: {e}" for e in dict.fromkeys(floor.result.errors)]
            floor.close()
        finally:
            browser.close()
    return results, notes


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------


def _ratio(a: float, b: float) -> float | None:
    if a is None or b is None or math.isnan(a) or math.isnan(b) or b <= 0:
        return None
    return a / b


def _x(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}x"


def summarise(
    designs: list[Design], results: dict[str, dict[str, Samples]], infos: list[LessonInfo]
) -> tuple[list[dict], str]:
    """Per lesson and design: the figures, the ratios and the verdict; and the table."""
    base = designs[0].name
    rows, lines = [], []
    for info in infos:
        per = results.get(info.url_path)
        if not per:
            continue
        empty = per[EMPTY]
        e50, e95 = p50(empty.last), p95(empty.last)
        base_samples = per[base]
        b50, bcpu = p50(base_samples.last), p50(base_samples.cpu)
        lines.append(
            [
                f"{info.number}. {info.url_path}",
                f"({EMPTY})",
                f"{len(empty.last)}",
                f"{fmt(e50, 0)} / {fmt(e95, 0)} (run finished)",
                "—",
                "1x",
                fmt(p50(empty.cpu), 1),
                "—",
                "—",
                "floor",
            ]
        )
        for d in designs:
            s = per[d.name]
            l50, l95, cpu50 = p50(s.last), p95(s.last), p50(s.cpu)
            row = {
                "lesson": f"{info.number}. {info.url_path}",
                "url_path": info.url_path,
                "design": d.name,
                "n": len(s.last),
                "no_change": s.no_change,
                "last_p50": l50,
                "last_p95": l95,
                "first_p50": p50(s.first),
                "first_p95": p95(s.first),
                "empty_p50": e50,
                "empty_p95": e95,
                "empty_n": len(empty.last),
                "x_empty_p50": _ratio(l50, e50),
                "x_empty_p95": _ratio(l95, e95),
                "server_cpu_p50": cpu50,
                "server_cpu_p95": p95(s.cpu),
                "server_wall_p50": p50(s.wall),
                "process_cpu_mean": (
                    sum(s.process_cpu) / len(s.process_cpu) if s.process_cpu else None
                ),
                # ui.chart's spotlight:drawn events: how many per step, and the last one's
                # time from the key (a cross-check of "last chart"; none for st.plotly_chart)
                "drawn_per_step": sum(s.drawn) / len(s.drawn) if s.drawn else None,
                "drawn_last_p50": p50(s.drawn_last),
                "empty_server_cpu_p50": p50(empty.cpu),
                "baseline": d.name == base,
                "speed_up": None if d.name == base else _ratio(b50, l50),
                "cpu_ratio": None if d.name == base else _ratio(bcpu, cpu50),
            }
            row["ok"], row["missed"] = _verdict(row)
            rows.append(row)
            lines.append(
                [
                    row["lesson"],
                    d.name,
                    f"{row['n']}" + (f" ({s.no_change} no change)" if s.no_change else ""),
                    f"{fmt(l50, 0)} / {fmt(l95, 0)}",
                    f"{fmt(row['first_p50'], 0)}",
                    f"{_x(row['x_empty_p50'])} / {_x(row['x_empty_p95'])}",
                    fmt(cpu50, 1),
                    "baseline" if row["baseline"] else _x(row["speed_up"]),
                    "baseline" if row["baseline"] else _x(row["cpu_ratio"]),
                    "—"
                    if row["ok"] is None
                    else ("PASS" if row["ok"] else f"FAIL ({', '.join(row['missed'])})"),
                ]
            )
    text = table(
        [
            "lesson",
            "design",
            "steps",
            "key → last chart p50 / p95 ms",
            "key → first chart p50 ms",
            "× empty page p50 / p95",
            "server CPU ms/step p50",
            "speed-up vs baseline (p50)",
            "CPU ratio baseline ÷ this",
            f"≥{SPEED_UP_MIN:g}x faster, ≤{EMPTY_P50_MAX:g}x/{EMPTY_P95_MAX:g}x empty, "
            f"≥{CPU_RATIO_MIN:g}x less CPU",
        ],
        lines,
    )
    return rows, text


def _verdict(row: dict) -> tuple[bool | None, list[str]]:
    if row["baseline"]:
        return None, []
    checks = {
        "speed-up": (row["speed_up"], lambda v: v >= SPEED_UP_MIN),
        "× empty p50": (row["x_empty_p50"], lambda v: v <= EMPTY_P50_MAX),
        "× empty p95": (row["x_empty_p95"], lambda v: v <= EMPTY_P95_MAX),
        "CPU": (row["cpu_ratio"], lambda v: v >= CPU_RATIO_MIN),
    }
    missed = [name for name, (value, ok) in checks.items() if value is None or not ok(value)]
    return not missed, missed


# --------------------------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------------------------


def run(
    designs: list[Design],
    *,
    rounds: int = 3,
    steps: int = 10,
    warmup: int = 3,
    only: set[str] | None = None,
    extra_args: tuple[str, ...] = (),
) -> dict:
    names = [d.name for d in designs]
    if len(set(names)) != len(names) or EMPTY in names:
        raise SystemExit(f"design names must be distinct (and not {EMPTY!r}): {names}")
    infos = [i for i in lessons() if not only or i.url_path in only]
    notes: list[str] = []
    if any(i.needs_model for i in infos) and not model_on_disk():
        notes += [
            f"{i.number}. {i.url_path}: skipped, the model is not on disk "
            "(`python -m model_store fetch`)"
            for i in infos
            if i.needs_model
        ]
        infos = [i for i in infos if not i.needs_model]
    if not infos:
        raise SystemExit("no lesson to measure")
    server_args = [*QUIET_SERVER_ARGS, *extra_args]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-drawing-") as tmp_name:
        tmp = Path(tmp_name)
        empty = None
        try:
            for d in designs:
                prepare(d, tmp)
                d.timings = tmp / f"{d.name}.jsonl"
                log(f"  [drawing] {d.name}: {d.spec} ({d.commit}) served from {d.folder}")
                d.server = launch_in(d.folder, extra_args=server_args, timings_file=d.timings)
            empty_timings = tmp / "empty.jsonl"
            empty = launch_in(
                REPO_ROOT,
                str(EMPTY_APP.relative_to(REPO_ROOT)),
                extra_args=server_args,
                timings_file=empty_timings,
            )
            for d in designs:
                for info in infos:
                    problem = asyncio.run(_protocol_check(d.server.url, info))
                    if problem:
                        notes.append(f"{info.url_path} [{d.name}] websocket check: {problem}")
            results, more = measure(
                designs, empty, infos, rounds=rounds, steps=steps, warmup=warmup
            )
            notes += more
        finally:
            for d in designs:
                if d.server is not None:
                    d.server.stop()
            if empty is not None:
                empty.stop()
            for d in designs:
                remove(d)
        timings = {d.name: read_timings(d.timings) for d in designs}
        timings[EMPTY] = read_timings(empty_timings)
    for per in results.values():
        for name, samples in per.items():
            _server_costs(samples, timings[name])
    rows, text = summarise(designs, results, infos)
    return {
        "title": TITLE,
        "designs": [
            {"name": d.name, "spec": d.spec, "commit": d.commit, "baseline": i == 0}
            for i, d in enumerate(designs)
        ],
        "rounds": rounds,
        "steps": steps,
        "warmup": warmup,
        "targets": {
            "speed_up_min": SPEED_UP_MIN,
            "x_empty_p50_max": EMPTY_P50_MAX,
            "x_empty_p95_max": EMPTY_P95_MAX,
            "cpu_ratio_min": CPU_RATIO_MIN,
        },
        "rows": rows,
        "table": text,
        "notes": notes,
        "extra_args": list(extra_args),
        "seconds": time.perf_counter() - started,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.drawing",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--before",
        default=DEFAULT_BEFORE,
        help=f"the baseline: a git revision, a folder or a patch (default {DEFAULT_BEFORE})",
    )
    parser.add_argument(
        "--after", default=".", help="the design compared with it (default: this checkout)"
    )
    parser.add_argument(
        "--design",
        action="append",
        type=parse_design,
        default=[],
        metavar="NAME=SPEC",
        help="one more design: a git revision, a folder or a .patch/.diff (applied to HEAD)",
    )
    parser.add_argument("--rounds", type=int, default=None, help="default 3 (--quick: 2)")
    parser.add_argument("--steps", type=int, default=None, help="per round (default 10)")
    parser.add_argument("--only", default="", help="comma-separated lesson url paths")
    parser.add_argument(
        "--quick", action="store_true", help="2 rounds of 3 steps, 2 warm-up; prints only"
    )
    parser.add_argument("--server-arg", action="append", default=[])
    parser.add_argument("--no-write", action="store_true", help="print only; write nothing")
    parser.add_argument("--json", type=Path, help="write the JSON here instead")
    args = parser.parse_args(argv)

    designs = [Design("before", args.before), Design("after", args.after), *args.design]
    rounds = args.rounds or (2 if args.quick else 3)
    steps = args.steps or (3 if args.quick else 10)
    warmup = 2 if args.quick else 3
    only = {x.strip() for x in args.only.split(",") if x.strip()} or None

    machine = machine_info()
    machine["busy_at_start"] = busy_processes()
    if machine["busy_at_start"]:
        log(
            "WARNING: other processes are using the CPU; figures will be slower than on an "
            "idle machine:\n  " + "\n  ".join(machine["busy_at_start"])
        )
    result = run(
        designs,
        rounds=rounds,
        steps=steps,
        warmup=warmup,
        only=only,
        extra_args=tuple(args.server_arg),
    )
    result["machine"] = machine
    result["quick"] = args.quick
    result["loadavg_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n## {TITLE}\n\n{result['table']}")
    for note in result["notes"]:
        print(f"- {note}")
    print(f"\n({result['seconds']:.0f} s; load average after: {result['loadavg_after']})")
    path = args.json or (None if args.quick or args.no_write else RESULTS_JSON)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=1, default=str))
        log(f"saved {path}")
        if path == RESULTS_JSON:
            from . import report

            report.write_results_md()
            log(f"wrote {report.RESULTS_MD}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
