"""Figures and pencil-and-paper helpers for lesson 7: the attention formula, one step at a time.

Every step of ``softmax(Q Kᵀ / √d_k) V`` is a small labelled matrix: the embeddings (words ×
features), the scores and scaled scores (words × words, a diverging scale centred on 0), the
weights (0..1, as on every page) and the refined embeddings. The helpers at the bottom write one
dot product and one weighted mix out by hand, so students can check a cell with a pencil.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

import attention_core as ac

from .. import theme
from ..formats import token_labels, written
from ..safe import plot_text
from ..theme import NORMAL, Look
from . import MAX_LABELLED_CELLS, category_axis, heatmap_trace

#: Tick labels stay short: a very long "word" would otherwise push the matrix off the chart.
LABEL_CHARS = 24


def math_labels(refinement: ac.Refinement) -> list[str]:
    """Tokens as shown on this page; words outside the vocabulary say so in their label."""
    return token_labels(refinement, unknown=" (unknown)", limit=LABEL_CHARS)


def symmetric_limit(*matrices: np.ndarray, floor: float = 1.0) -> float:
    """One colour range ±limit centred on 0 for signed numbers (at least ``floor``).

    Sharing the limit between two matrices lets the eye compare them: the scaled scores come out
    paler than the raw ones, which is exactly what dividing by √d_k does.
    """
    biggest = max((float(np.max(np.abs(m))) for m in matrices if np.size(m)), default=0.0)
    return max(biggest, floor)


def feature_limit(refinement: ac.Refinement) -> float:
    """One colour range for X (step 1) and X' (step 5). Each refined number is a weighted average
    of the same feature over the words, so X' never leaves X's range, whatever the temperature."""
    return symmetric_limit(refinement.embeddings, floor=3.0)


def matrix_heatmap(
    values: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    title: str,
    x_title: str,
    y_title: str = "words of the sentence",
    limit: float,
    colorbar_title: str,
    cell_numbers: bool = True,
    look: Look = NORMAL,
) -> go.Figure:
    """A signed matrix on the diverging scale, fixed to ``-limit..limit`` so 0 is always white.

    ``cell_numbers=False`` leaves the numbers out of the cells (hover and tables still have them),
    for matrices too wide for them to fit."""
    n_rows, n_cols = np.shape(values)
    heat = heatmap_trace(
        values, row_labels, col_labels, zrange=(-limit, limit), zmid=0,
        colorscale=theme.SCORES_SCALE, colorbar_title=colorbar_title,
        hover="%{customdata[0]}, %{customdata[1]}: %{z:.3f}", look=look,
    )  # fmt: skip
    if cell_numbers and n_rows * n_cols <= MAX_LABELLED_CELLS:
        heat["texttemplate"] = "%{z:.2~f}"
    crowded = _crowded(col_labels, look)
    layout = {
        "title": {"text": plot_text(title, 80)},
        "xaxis": category_axis(col_labels, title={"text": plot_text(x_title, 60)},
                               tickangle=-45 if crowded else 0),
        "yaxis": category_axis(row_labels, title={"text": plot_text(y_title, 60)},
                               autorange="reversed"),
    }  # fmt: skip
    # Slanted labels hang below the matrix: give them room instead of squashing the cells.
    slant = 6 * max(map(len, col_labels), default=0) if crowded else 0
    return theme.figure([heat], layout, height=max(240, 90 + 30 * n_rows + slant), look=look)


def _crowded(labels: Sequence[str], look: Look) -> bool:
    """Would these labels, written flat side by side, run into each other?

    Projector mode draws bigger letters in the same width, so it crowds sooner.
    """
    width = max(map(len, labels), default=0) * len(labels) * look.scale
    # A phone gives a chart ~300 px: eight six-letter features (48 letters) already collide.
    return len(labels) > 8 or width > 36


def features_heatmap(
    vectors: np.ndarray,
    labels: Sequence[str],
    *,
    title: str,
    limit: float,
    colorbar_title: str,
    look: Look = NORMAL,
) -> go.Figure:
    """Words × the eight named features (X, the refined X', or the change between them)."""
    return matrix_heatmap(
        vectors, labels, ac.FEATURES, title=title, x_title="features", limit=limit,
        colorbar_title=colorbar_title, look=look,
    )  # fmt: skip


def scores_heatmap(
    scores: np.ndarray, labels: Sequence[str], *, title: str, limit: float, look: Look = NORMAL
) -> go.Figure:
    """Words × words: how well each query (row) matches each key (column), before softmax."""
    return matrix_heatmap(
        scores, labels, labels, title=title, x_title="keys (the words it looks at)",
        y_title="queries (the word that asks)", limit=limit, colorbar_title="score", look=look,
    )  # fmt: skip


# ---- By hand: the same numbers, written out as a student would on paper ---------------------


def by_hand_pair(refinement: ac.Refinement) -> tuple[int, int]:
    """Which row to work out by hand, and which of its cells to write in full.

    The row is the first word, unless it has nothing readable to show: small words like "the"
    are all zeros in this toy world (every score a dull 0) and unknown words get made-up
    numbers. Then we take the first vocabulary word with features (else the first word with any
    features). The cell is that word's strongest match, up or down, among the *other* words
    (itself when it is alone).
    """
    x = refinement.embeddings  # (n, d)
    has_features = np.any(x != 0, axis=1)  # (n,)
    readable = np.flatnonzero(has_features & refinement.known)
    anything = np.flatnonzero(has_features)
    row = int(readable[0]) if readable.size else int(anything[0]) if anything.size else 0
    scores = refinement.attention.scores[row]  # (n,)
    others = [j for j in range(len(scores)) if j != row]
    col = max(others, key=lambda j: abs(scores[j])) if others else row
    return row, col


def dot_arithmetic(a: np.ndarray, b: np.ndarray) -> tuple[str, int]:
    """``a · b`` as a sum of products, and how many features were left out for being 0.

    e.g. ``("3×1.2 (nature)", 7)``: features that are 0 in either word add nothing, so they are
    not written out; ``("0 (no feature in common)", 8)`` when nothing is left.
    """
    terms = [
        f"{written(x)}×{written(y)} ({name})"
        for x, y, name in zip(a, b, ac.FEATURES, strict=True)
        if written(x) != "0" and written(y) != "0"
    ]
    skipped = len(ac.FEATURES) - len(terms)
    return (" + ".join(terms) if terms else "0 (no feature in common)"), skipped


def change(refinement: ac.Refinement) -> np.ndarray:
    """``(n, d)`` what each word picked up from its context: refined minus input."""
    return refinement.refined - refinement.embeddings


def strongest_feature(vector: np.ndarray) -> int:
    """Index of the feature with the largest size in ``vector (d,)``: the one worth writing out."""
    return int(np.argmax(np.abs(vector)))


def mix_arithmetic(
    weights: np.ndarray, values: np.ndarray, escaped_labels: Sequence[str], *, keep: int = 6
) -> str:
    """One refined number as a weighted sum: "0.84×3 (river) + 0.12×1.2 (bank) + …".

    ``escaped_labels`` must already be safe for Markdown. Long sentences keep the ``keep``
    biggest weights and say how many small ones were left out.
    """
    order = np.argsort(-weights, kind="stable")
    shown = sorted(order[:keep]) if len(weights) > keep else range(len(weights))
    terms = [f"{written(weights[j])}×{written(values[j])} ({escaped_labels[j]})" for j in shown]
    rest = len(weights) - len(terms)
    more = f" + … ({rest} smaller term{'s' if rest > 1 else ''})" if rest else ""
    return " + ".join(terms) + more
