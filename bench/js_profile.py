"""Where the browser's time goes during a lesson's slider steps: a JavaScript CPU profile.

``python -m bench.js_profile LESSON [--steps 10] [--app bench/figures_floor_app.py]``

Opens the lesson in Debian's Chromium (the harness's flags), moves its live slider three times
to warm up, then records Chrome's sampling profiler (``Profiler`` over CDP, 0.1 ms) over
``--steps`` keyboard steps, 0.6 s apart, and prints the sampled time per step by script file
(Plotly's chunk, React, emotion, Streamlit's own) and the top functions. ``--app`` profiles
another script the same way (e.g. ``bench/figures_floor_app.py`` with
``$SPOTLIGHT_FIGURES_FLOOR`` set, or ``bench/chart_floor_app.py`` with an empty LESSON).
"""

from __future__ import annotations

import argparse
import collections
import time

from .common import CHROMIUM_ARGS, CHROMIUM_PATH, QUIET_SERVER_ARGS, VIEWPORT, launch, lessons


def profile(path: str, steps: int, app: str) -> tuple[collections.Counter, collections.Counter]:
    """Sampled microseconds per script file and per (function, file, line) over ``steps``."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import wait_for_app

    info = {i.url_path: i for i in lessons()}.get(path)
    label = info.control_label if info else "Temperature"
    server, _ = launch(app, extra_args=list(QUIET_SERVER_ARGS))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM_PATH, headless=True, args=list(CHROMIUM_ARGS)
            )
            context = browser.new_context(viewport=VIEWPORT)
            page = context.new_page()
            page.goto(f"{server.url}/{path}")
            wait_for_app(page, timeout=60000)
            page.get_by_role("slider", name=label).focus()
            for _ in range(3):
                page.keyboard.press("ArrowRight")
                time.sleep(0.6)
            cdp = context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 100})
            cdp.send("Profiler.start")
            for i in range(steps):
                page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
                time.sleep(0.6)
            result = cdp.send("Profiler.stop")["profile"]
            browser.close()
    finally:
        server.stop()
    nodes = {n["id"]: n["callFrame"] for n in result["nodes"]}
    by_file: collections.Counter = collections.Counter()
    by_function: collections.Counter = collections.Counter()
    for node, micros in zip(result["samples"], result["timeDeltas"], strict=True):
        frame = nodes[node]
        name = frame["url"].rsplit("/", 1)[-1] or "(native)"
        by_file[name] += micros
        by_function[(frame["functionName"] or "(anonymous)", name, frame["lineNumber"])] += micros
    return by_file, by_function


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lesson", help="a lesson's url path ('' for the app's root)")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--app", default="streamlit_app.py")
    args = parser.parse_args()
    by_file, by_function = profile(args.lesson, args.steps, args.app)
    print(f"ms per step by script ({args.steps} steps, 0.6 s each, idle included):")
    for name, micros in by_file.most_common(12):
        print(f"  {micros / 1e3 / args.steps:7.1f}  {name}")
    print("top functions, ms per step:")
    for (function, name, line), micros in by_function.most_common(25):
        print(f"  {micros / 1e3 / args.steps:7.2f}  {function}  {name}:{line}")


if __name__ == "__main__":
    main()
