"""Where a lesson's rerun time goes: ``python -m bench.profile temperature [--runs 30]``.

Starts the app through ``bench.timed_server`` with ``$BENCH_PROFILE`` (cProfile on the script
thread of every run), opens the lesson with the websocket client, moves the temperature
``--runs`` times, and prints the functions that dominate (cumulative and own time), grouped
also by package (streamlit / plotly / pandas / numpy / the app). Extra ``streamlit run``
options go after ``--``, e.g. ``-- --runner.postScriptGC=false``.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import pstats
import tempfile
from collections import defaultdict
from pathlib import Path

from .common import QUIET_SERVER_ARGS, launch, lessons, move, temperature_walk
from .stclient import Session


def _package(filename: str) -> str:
    for name in ("streamlit", "plotly", "pandas", "numpy", "pyarrow", "segno", "narwhals"):
        if f"/site-packages/{name}/" in filename:
            return name
    for name in ("attention_core", "ui", "lessons", "pages"):
        if f"/{name}/" in filename:
            return f"app: {name}"
    if filename.startswith("~") or filename == "~":
        return "builtins (C)"
    if "/lib/python3" in filename:
        return "stdlib"
    return "other"


def by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own (tottime) seconds per package."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        totals[_package(filename)] += tottime
    return sorted(totals.items(), key=lambda kv: -kv[1])


def breakdown(stats: pstats.Stats) -> dict[str, float]:
    """Seconds (summed over runs) in: the whole script runs, Streamlit's post-run GC, building
    Plotly figures (ui/figures/*, cumulative, entered from page code), Streamlit calls made by
    the app (st.*: marshalling elements, plotly_chart's own work, dataframes, caches)."""
    raw = stats.stats  # type: ignore[attr-defined]

    def is_app(filename: str) -> bool:
        return any(f"/{d}/" in filename for d in ("lessons", "pages", "ui")) or filename.endswith(
            "streamlit_app.py"
        )

    out = {"total": 0.0, "gc": 0.0, "figures": 0.0, "streamlit calls": 0.0}
    for (filename, _line, name), (_cc, _nc, tottime, cumtime, callers) in raw.items():
        if name == "_run_script" and filename.endswith("script_runner.py"):
            out["total"] += cumtime
        elif name == "<built-in method gc.collect>":
            out["gc"] += tottime
        elif "/ui/figures/" in filename:
            out["figures"] += sum(
                ct for (cf, _l, _n), (_a, _b, _t, ct) in callers.items() if "/ui/figures/" not in cf
            )
        elif "/site-packages/streamlit/" in filename and not (
            name == "run" and filename.endswith("navigation/page.py")
        ):
            out["streamlit calls"] += sum(
                ct
                for (cf, _l, _n), (_a, _b, _t, ct) in callers.items()
                if is_app(cf) and "/ui/figures/" not in cf
            )
    out["rest (page code, core, tables)"] = (
        out["total"] - out["gc"] - out["figures"] - out["streamlit calls"]
    )
    return out


async def _drive(url: str, url_path: str, runs: int) -> None:
    info = next(lesson for lesson in lessons() if lesson.url_path == url_path)
    async with Session(url) as session:
        await session.open(url_path)
        for _, value in temperature_walk(info.temperatures, info.t_default, runs):
            await move(session, info, value)


def profile(url_path: str, runs: int, extra_args: list[str], top: int = 25) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        prof = Path(tmp) / "runs.prof"
        import os

        os.environ["BENCH_PROFILE"] = str(prof)
        try:
            server, _ = launch(
                extra_args=[*QUIET_SERVER_ARGS, *extra_args], timings_file=Path(tmp) / "t.jsonl"
            )
        finally:
            del os.environ["BENCH_PROFILE"]
        try:
            asyncio.run(_drive(server.url, url_path, 3))  # warm-up, not profiled below
            prof.unlink(missing_ok=True)
            asyncio.run(_drive(server.url, url_path, runs))
        finally:
            server.stop()
        out = io.StringIO()
        stats = pstats.Stats(str(prof), stream=out)
        total = max(v[3] for v in stats.stats.values())  # type: ignore[attr-defined]
        print(
            f"{url_path}: {runs + 1} runs profiled (incl. the page open), "
            f"{total / (runs + 1) * 1e3:.1f} ms per run under cProfile\n",
            file=out,
        )
        print("Where the time goes (ms per run, cumulative, under cProfile):", file=out)
        for name, seconds in breakdown(stats).items():
            print(f"  {name:<32} {seconds * 1e3 / (runs + 1):7.1f}", file=out)
        print("Own time by package (ms per run):", file=out)
        for name, seconds in by_package(stats):
            if seconds * 1e3 / (runs + 1) >= 0.5:
                print(f"  {name:<22} {seconds * 1e3 / (runs + 1):7.1f}", file=out)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)
        return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lesson", help="URL path of the lesson (why, temperature, math, ...)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    args, extra = parser.parse_known_args()
    extra = [a for a in extra if a != "--"]
    print(profile(args.lesson, args.runs, extra, args.top))


if __name__ == "__main__":
    main()
