"""Predict, then reveal, as a student does it: read the question, pick, reveal, read the verdict.

Every reading is of what the page shows (the radio's options, the verdict's words); the page
escapes them for Markdown, and ``plain`` undoes that for comparing with chart labels.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from streamlit.testing.v1 import AppTest

from ui.questions import BAND_NAMES

#: How close two shares must be to look the same on screen (the charts' two decimals).
ON_SCREEN = 0.005


def plain(text: str) -> str:
    """Markdown-escaped text as it reads: "no word stands out \\(an even spread\\)" → "(…)"."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def prediction(at: AppTest) -> Any:
    """The "Your prediction" radio, or None when the page asks nothing (or has revealed)."""
    return next((r for r in at.radio if r.label == "Your prediction"), None)


def options(at: AppTest) -> list[str]:
    """The choices offered, as a student reads them."""
    return [plain(o) for o in prediction(at).options]


def prompt(at: AppTest) -> str:
    """The question, as a student reads it (before the reveal)."""
    line = next(m.value for m in at.markdown if "**Predict first.**" in m.value)
    return plain(line.split("**Predict first.**", 1)[1]).strip()


def reveal(at: AppTest, choice: int) -> AppTest:
    """Pick option ``choice`` and commit to it."""
    prediction(at).set_value(choice)
    at.run()
    at.button(key="predict-reveal").click().run()
    return at


def predict_again(at: AppTest) -> AppTest:
    at.button(key="predict-again").click().run()
    return at


def verdict(at: AppTest) -> tuple[bool, set[str]]:
    """Was the prediction right, and (when not) which answers the page says are right."""
    if any(s.value.startswith("**Right:**") for s in at.success):
        return True, set()
    text = next(w.value for w in at.warning if w.value.startswith("**Not quite:**"))
    named = text.split("; the numbers say ", 1)[1].rstrip(".")
    return False, {plain(part.strip("*")) for part in named.split(" or ")}


def why(at: AppTest, marker: str) -> str:
    """The explanation under the verdict: the Markdown that holds ``marker``, as it reads."""
    return plain(next(m.value for m in at.markdown if marker in plain(m.value)))


def band_names(share: float) -> set[str]:
    """The "how much?" bands a share shown on screen belongs to (both, on an edge)."""
    edges = np.linspace(0, 1, len(BAND_NAMES) + 1)
    return {
        name
        for name, low, high in zip(BAND_NAMES, edges[:-1], edges[1:], strict=True)
        if low - ON_SCREEN <= share <= high + ON_SCREEN
    }


def looked_at(labels: list[str], row: np.ndarray, evenly: str) -> set[str]:
    """Where a row of weights, as drawn, looks most: the words within ``ON_SCREEN`` of the
    largest, or ``evenly`` when no word gets more than ``ON_SCREEN`` above an even share (and
    the word too, if all are one word)."""
    row = np.asarray(row, dtype=float)
    top = [j for j in range(len(row)) if row[j] >= row.max() - ON_SCREEN]
    if len(row) > 1 and row.max() <= 1 / len(row) + ON_SCREEN:
        return {evenly} | ({labels[0]} if len(set(labels)) == 1 else set())
    return {labels[j] for j in top}
