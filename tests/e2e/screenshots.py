"""Take the README's screenshots: one per lesson, at a classroom laptop's 1366 px width.

Run from the repository root (starts its own server, needs Debian's Chromium)::

    .venv/bin/python -m tests.e2e.screenshots            # writes docs/screenshots/<n>_<path>.png
    .venv/bin/python -m tests.e2e.screenshots --theme dark --out /tmp/shots
    .venv/bin/python -m tests.e2e.screenshots --size phone --lesson heads  # <n>_<path>-phone.png

``--classroom`` takes the README's classroom-mode images instead: predict mode on a laptop
(``classroom-predict.png``), a locked student link on a phone (``classroom-locked-phone.png``),
a student's predict link on a phone (``classroom-student-phone.png``) and the large QR code on a
projector (``classroom-qr-projector.png``).

``--size phone`` (390 x 844, touch) and ``--size projector`` (1920 x 1080, projector mode) add
the size to the file name; ``--lesson`` (a URL path, repeatable) takes only those lessons.

Each image shows the top of the lesson (1366 x 1400 CSS pixels), reduced to a 256-colour PNG so
it stays well under 300 kB; if one does not, it is scaled down until it does.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from ui.lessons import LESSONS

from .conftest import CHROMIUM_ARGS, DEFAULT_CHROMIUM, REPO_ROOT, start_server
from .helpers import lesson_link, open_page

WIDTH = 1366
LOAD_HEIGHT = 768
SHOT_HEIGHT = 1400
MAX_BYTES = 300_000
#: name -> (width, load height, shot height, browser context options, link values)
SIZES = {
    "desktop": (WIDTH, LOAD_HEIGHT, SHOT_HEIGHT, {}, {}),
    "phone": (390, 844, 1600, {"is_mobile": True, "has_touch": True}, {}),
    "projector": (1920, 1080, 1600, {}, {"projector": "true"}),
}

#: Link values a lesson's picture opens with: lesson 12 shows a head part-way trained (its
#: default, step 0, is a blur and two flat curves).
SHOT_VALUES: dict[str, dict[str, str]] = {"learn": {"step": "100"}}


def optimise(png: bytes, max_bytes: int = MAX_BYTES) -> bytes:
    """``png`` as a 256-colour, optimised PNG under ``max_bytes`` (scaled down if need be)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    scale = 1.0
    while True:
        sized = image
        if scale < 1:
            size = (round(image.width * scale), round(image.height * scale))
            sized = image.resize(size, Image.Resampling.LANCZOS)
        quantised = sized.quantize(
            colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
        out = io.BytesIO()
        quantised.save(out, format="PNG", optimize=True)
        data = out.getvalue()
        if len(data) <= max_bytes or scale < 0.3:
            return data
        scale *= 0.85


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "screenshots")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--height", type=int, default=None, help="CSS pixels shown")
    parser.add_argument("--size", choices=tuple(SIZES), default="desktop")
    parser.add_argument("--lesson", action="append", help="URL path of a lesson (repeatable)")
    parser.add_argument("--classroom", action="store_true", help="the classroom-mode images")
    args = parser.parse_args(argv)
    width, load_height, shot_height, options, params = SIZES[args.size]
    suffix = "" if args.size == "desktop" else f"-{args.size}"
    lessons = [lesson for lesson in LESSONS if not args.lesson or lesson.url_path in args.lesson]
    args.out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("SPOTLIGHT_CHROMIUM") or DEFAULT_CHROMIUM

    with start_server() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True, args=list(CHROMIUM_ARGS)
        )
        if args.classroom:
            for name, size, lesson, params, *then in CLASSROOM_SHOTS:
                width, load_height, shot_height, options, _ = SIZES[size]
                context = browser.new_context(
                    viewport={"width": width, "height": load_height},
                    color_scheme=args.theme,
                    **options,
                )
                page = context.new_page()
                page.errors = []  # type: ignore[attr-defined]
                page.dialogs = []  # type: ignore[attr-defined]
                open_page(page, lesson_link(server.url, lesson, params))
                page.wait_for_timeout(1000)
                for action in then:
                    action(page)
                _save(page.screenshot(animations="disabled"), args.out / name)
                context.close()
            browser.close()
            return 0
        context = browser.new_context(
            viewport={"width": width, "height": load_height}, color_scheme=args.theme, **options
        )
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]  # what open_page checks
        page.dialogs = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
        for lesson in lessons:
            page.set_viewport_size({"width": width, "height": load_height})
            shown = {**SHOT_VALUES.get(lesson.url_path, {}), **params}
            open_page(page, lesson_link(server.url, lesson, shown))
            page.set_viewport_size({"width": width, "height": args.height or shot_height})
            page.wait_for_timeout(500)  # let Plotly follow the resize
            png = page.screenshot(animations="disabled")
            _save(png, args.out / f"{lesson.number}_{lesson.url_path}{suffix}.png")
        browser.close()
    return 0


def _large_qr(page) -> None:
    """Open the share box and its large QR code, as a teacher does for the back of the room."""
    page.locator("[data-testid=stMain] summary", has_text="Share this view").click()
    page.get_by_role("button", name="Show the QR code large").click()
    page.get_by_test_id("stDialog").get_by_test_id("stImage").wait_for()
    page.wait_for_timeout(800)  # the dialog's opening animation


#: The README's classroom images: file name, size, lesson, link values, then what to do.
CLASSROOM_SHOTS = (
    ("classroom-predict.png", "desktop", LESSONS[0], {"t": "0.1", "predict": "true"}),
    (
        "classroom-locked-phone.png",
        "phone",
        LESSONS[2],
        {"t": "0.1", "hide": "s1,s2,s3,s4,s5,compare,dk,presets"},
    ),
    # A student link on a phone: the question, and nothing that gives the answer away.
    ("classroom-student-phone.png", "phone", LESSONS[7], {"predict": "true", "hide": "presets"}),
    (
        "classroom-qr-projector.png",
        "projector",
        LESSONS[0],
        {"t": "0.5", "projector": "true"},
        _large_qr,
    ),
)


def _save(png: bytes, path: Path) -> None:
    data = optimise(png)
    path.write_bytes(data)
    print(
        f"{path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path}: "
        f"{len(data) / 1000:.0f} kB ({len(png) / 1000:.0f} kB before)"
    )


if __name__ == "__main__":
    sys.exit(main())
