"""How numbers and words look on screen: one home for each format the lessons share."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .safe import shorten

if TYPE_CHECKING:
    import attention_core as ac


def format_number(value: float) -> str:
    """How numbers look in links and on sliders: "0.5", "1", "20"."""
    return f"{value:g}"


def decimal(value: float) -> str:
    """A number in plain decimals, however small: "0.00003", not "3e-05" (lesson 12's learning
    rates, in links and on their slider)."""
    text = f"{float(value):.12f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def written(value: float) -> str:
    """A number as a person writes it by hand: "3", "1.2", "−0.35" (a real minus sign)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    return text.replace("-", "−")


def written_lead(value: float) -> str:
    """A positive lead between two scores as written by hand, never a misleading "0"."""
    return written(value) if written(value) != "0" else "less than 0.01"


def two_places(value: float) -> str:
    """A number to two decimals, without the puzzling "-0.00" of a tiny negative."""
    return f"{round(float(value), 2) + 0.0:.2f}"


def token_labels(
    refinement: ac.Refinement, *, unknown: str = "?", limit: int | None = None
) -> list[str]:
    """A sentence's words as shown; words outside the vocabulary carry ``unknown`` so they are
    marked, not hidden ("zorblat?", or "zorblat (unknown)" with ``unknown=" (unknown)"``).
    ``limit`` shortens long words, so one cannot push a chart off the screen."""
    return word_labels(refinement.tokens, refinement.known, unknown=unknown, limit=limit)


def word_labels(
    tokens: Sequence[str], known: Sequence[bool], *, unknown: str = "?", limit: int | None = None
) -> list[str]:
    """``token_labels`` for words and their known-flags (``ac.embed``'s second result). The
    tokenizer lowercases every word; the pronoun is shown as a reader writes it, "I"."""
    shown = ["I" if t == "i" else t for t in tokens]
    return [
        (shorten(t, limit) if limit else t) + ("" if k else unknown)
        for t, k in zip(shown, known, strict=True)
    ]


#: A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(columns: Mapping[str, Sequence]) -> str:
    """A numbers table (columns by name) as CSV, numbers at full precision.

    Text a student typed is written as text: a cell that a spreadsheet would run as a formula
    gets a leading apostrophe (the usual guard against CSV injection).
    """

    def cell(value: object) -> str:
        if isinstance(value, str):
            return "'" + value if value.startswith(_FORMULA_START) else value
        if hasattr(value, "item"):  # a NumPy scalar
            value = value.item()
        return repr(value) if isinstance(value, float) else str(value)

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = list(columns)
    writer.writerow([cell(name) for name in names])
    for row in zip(*(list(columns[name]) for name in names), strict=True):
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def distinct(labels: Sequence[str], *, noun: str = "word") -> list[str]:
    """The labels, with a label that occurs more than once told apart by its place:
    ``["the", "dog", "the"]`` → ``["the (word 1)", "dog", "the (word 3)"]``."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    return [
        label if counts[label] == 1 else f"{label} ({noun} {i + 1})"
        for i, label in enumerate(labels)
    ]
