"""How close each lesson's slider step is to the stack's floor *for the charts it must redraw*.

``python -m bench.figures_floor [--steps 30] [--only projections,heads] [--json FILE]``

The empty page and the one-chart page (``bench.browser``) are floors no lesson with two heatmaps
can reach. This measures, in the same run and browser, each lesson next to a page that draws
**only that lesson's charts that change with the slider**, with the very same figure JSON
(``bench/figures_floor_app.py``): captured here for every value the walk visits by opening the
lesson in Streamlit's AppTest at that value. The ratio lesson ÷ its figures floor is what the
lesson adds (its other elements, computing, layout); the figures floor ÷ the empty page is what
drawing those charts costs on Streamlit and Plotly, whatever the app around them does.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
from dataclasses import replace
from pathlib import Path

from .browser import _measure_page
from .common import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    EMPTY_APP,
    QUIET_SERVER_ARGS,
    LessonInfo,
    fmt,
    launch,
    lessons,
    log,
    p50,
    p95,
    read_timings,
    table,
    temperature_walk,
)
from .stclient import CHART_COMPONENT

FIGURES_FLOOR_APP = Path(__file__).with_name("figures_floor_app.py")
_KEY = re.compile(r"^\$\$ID-[0-9a-f]+-(.+)$")


def capture(info: LessonInfo, values: list[float]) -> dict[str, list[dict[str, str]]]:
    """For each slider value, the lesson's charts (kind, key, spec, config) that differ between
    values, in page order, as the lesson sends them: ``kind`` "plotly" (``st.plotly_chart``:
    its spec and config) or "spotlight" (``ui.chart``'s element: the JSON bytes it sends)."""
    from tests.apptest_helpers import open_lesson
    from ui.lessons import LESSONS

    lesson = next(x for x in LESSONS if x.url_path == info.url_path)
    param = lesson.param(info.control)
    seen: dict[str, list[tuple[str, str, str]]] = {}
    for value in values:
        at = open_lesson(lesson, {info.control: param.to_url(value)})
        if at.exception:
            raise RuntimeError(f"{info.url_path} at {value}: {at.exception[0].message}")
        charts = []
        # either design of the app's charts: st.plotly_chart (its spec and config) or
        # ui.chart's element (the JSON bytes it sends: figure, PNG file name, theme)
        for el in at.get("plotly_chart"):
            charts.append(("plotly", _key(el.proto.id), el.proto.spec, el.proto.config))
        for el in at.get("bidi_component"):
            if el.proto.component_name == CHART_COMPONENT:
                charts.append(("spotlight", _key(el.proto.id), el.proto.bytes.decode(), ""))
        seen[f"{value:g}"] = charts
    keys = [key for _, key, _, _ in next(iter(seen.values()))]
    moving = {
        key
        for key in keys
        if len({spec for charts in seen.values() for _, k, spec, _ in charts if k == key}) > 1
    }
    return {
        value: [
            {"kind": kind, "key": key, "spec": spec, "config": json.loads(config or "{}")}
            for kind, key, spec, config in charts
            if key in moving
        ]
        for value, charts in seen.items()
    }


def _key(element_id: str) -> str:
    match = _KEY.match(element_id)
    return match.group(1) if match else element_id


def _server_p50(result, timings: Path) -> float:
    """The p50 over steps of the server's script-run wall time within each step's window."""
    records = read_timings(timings)
    runs = [
        sum(r["wall_ms"] for r in records if t0 <= r["start"] <= t1) for t0, t1 in result.windows
    ]
    return p50([r for r in runs if r > 0])


def run(steps: int = 30, only: set[str] | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    warmup = 3
    infos = [i for i in lessons() if not only or i.url_path in only]
    rows, pages = [], []
    with tempfile.TemporaryDirectory() as tmp:
        times = {name: Path(tmp) / f"{name}.jsonl" for name in ("app", "empty")}
        app, _ = launch(extra_args=list(QUIET_SERVER_ARGS), timings_file=times["app"])
        empty, _ = launch(
            EMPTY_APP, extra_args=list(QUIET_SERVER_ARGS), timings_file=times["empty"]
        )
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=CHROMIUM_PATH, headless=True, args=list(CHROMIUM_ARGS)
                )
                try:
                    base = infos[0]
                    floor_info = replace(base, url_path="", chart_key=None, t_default=1.0)
                    log("  [figures floor] empty page")
                    floor = _measure_page(browser, empty.url, floor_info, steps, warmup, floor=True)
                    e_run = _server_p50(floor, times["empty"])
                    for info in infos:
                        walk = temperature_walk(info.temperatures, info.t_default, warmup + steps)
                        values = sorted({v for _, v in walk} | {info.t_default})
                        log(f"  [figures floor] {info.url_path}: capturing {len(values)} views")
                        charts = capture(info, values)
                        spec_file = Path(tmp) / f"{info.url_path}.json"
                        spec_file.write_text(
                            json.dumps(
                                {
                                    "kind": info.control_kind,
                                    "label": info.control_label,
                                    "control": info.control,
                                    "default": info.t_default,
                                    "grid": list(info.temperatures),
                                    "charts": charts,
                                }
                            ),
                            encoding="utf-8",
                        )
                        n_charts = len(charts[f"{info.t_default:g}"])
                        os.environ["SPOTLIGHT_FIGURES_FLOOR"] = str(spec_file)
                        own_times = Path(tmp) / f"{info.url_path}.jsonl"
                        try:
                            own, _ = launch(
                                FIGURES_FLOOR_APP,
                                extra_args=list(QUIET_SERVER_ARGS),
                                timings_file=own_times,
                            )
                        finally:
                            del os.environ["SPOTLIGHT_FIGURES_FLOOR"]
                        try:
                            log(f"  [figures floor] {info.url_path}: its {n_charts} charts alone")
                            alone = _measure_page(
                                browser, own.url, replace(info, url_path=""), steps, warmup
                            )
                        finally:
                            own.stop()
                        log(f"  [figures floor] {info.url_path}: the lesson")
                        lesson = _measure_page(browser, app.url, info, steps, warmup)
                        a_run = _server_p50(alone, own_times)
                        l_run = _server_p50(lesson, times["app"])
                        e50, e95 = p50(floor.updated), p95(floor.updated)
                        a50, a95 = p50(alone.updated), p95(alone.updated)
                        l50, l95 = p50(lesson.updated), p95(lesson.updated)
                        rows.append(
                            [
                                f"{info.number}. {info.url_path}",
                                n_charts,
                                f"{fmt(a50, 0)} / {fmt(a95, 0)}",
                                f"{a50 / e50:.2f}x / {a95 / e95:.2f}x",
                                f"{fmt(l50, 0)} / {fmt(l95, 0)}",
                                f"{l50 / e50:.2f}x / {l95 / e95:.2f}x",
                                f"{l50 / a50:.2f}x / {l95 / a95:.2f}x",
                                f"{fmt(a_run, 0)} ({a_run / e_run:.1f}x)",
                                f"{fmt(l_run, 0)} ({l_run / e_run:.1f}x)",
                            ]
                        )
                        pages.append(
                            {
                                "name": info.url_path,
                                "charts": n_charts,
                                "alone_p50": a50,
                                "alone_p95": a95,
                                "lesson_p50": l50,
                                "lesson_p95": l95,
                                "empty_p50": e50,
                                "empty_p95": e95,
                                "alone_server_run_p50": a_run,
                                "lesson_server_run_p50": l_run,
                                "empty_server_run_p50": e_run,
                                "errors": (alone.errors + lesson.errors)[:4],
                                "timeouts": alone.timeouts + lesson.timeouts,
                            }
                        )
                finally:
                    browser.close()
        finally:
            app.stop()
            empty.stop()
    text = table(
        [
            "lesson",
            "charts that move",
            "its charts alone p50 / p95 ms",
            "÷ empty page",
            "lesson p50 / p95 ms",
            "÷ empty page",
            "lesson ÷ its charts alone",
            "server run p50 ms, charts alone (÷ empty)",
            "server run p50 ms, lesson (÷ empty)",
        ],
        rows,
    )
    head = f"empty page (floor): key → run finished p50 / p95 {fmt(p50(floor.updated), 0)} / "
    head += f"{fmt(p95(floor.updated), 0)} ms ({len(floor.updated)} steps); "
    head += f"server run p50 {fmt(e_run, 1)} ms"
    return {"steps": steps, "empty": head, "pages": pages, "table": text}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--only", default="", help="comma-separated url paths")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    only = {s for s in args.only.split(",") if s} or None
    result = run(args.steps, only)
    print(result["empty"])
    print(result["table"])
    for page in result["pages"]:
        for error in page["errors"]:
            print(f"{page['name']}: {error}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
