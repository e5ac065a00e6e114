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
from ..safe import plot_text, shorten

#: Above this many cells the numbers no longer fit in the cells; hover still shows them.
MAX_LABELLED_CELLS = 400
#: Tick labels stay short: a very long "word" would otherwise push the matrix off the chart.
LABEL_CHARS = 24


def token_labels(refinement: ac.Refinement) -> list[str]:
    """Tokens as shown on this page; words outside the vocabulary say so in their label."""
    return [
        shorten(t, LABEL_CHARS) if k else f"{shorten(t, LABEL_CHARS)} (unknown)"
        for t, k in zip(refinement.tokens, refinement.known, strict=True)
    ]


def symmetric_limit(*matrices: np.ndarray, floor: float = 1.0) -> float:
    """One colour range ±limit centred on 0 for signed numbers (at least ``floor``).

    Sharing the limit between two matrices lets the eye compare them: the scaled scores come out
    paler than the raw ones, which is exactly what dividing by √d_k does.
    """
    biggest = max((float(np.max(np.abs(m))) for m in matrices if np.size(m)), default=0.0)
    return max(biggest, floor)


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
    value_format: str = ".2~f",
) -> go.Figure:
    """A signed matrix on the diverging scale, fixed to ``-limit..limit`` so 0 is always white."""
    rows = [plot_text(label) for label in row_labels]
    cols = [plot_text(label) for label in col_labels]
    n_rows, n_cols = np.shape(values)
    show_values = n_rows * n_cols <= MAX_LABELLED_CELLS
    heat = {
        "type": "heatmap",
        "z": values,
        "x": np.arange(n_cols),
        "y": np.arange(n_rows),
        "zmin": -limit,
        "zmax": limit,
        "zmid": 0,
        "colorscale": theme.SCORES_SCALE,
        "colorbar": {"title": {"text": plot_text(colorbar_title)}},
        "textfont": {"size": int(13 * theme.scale())},
        "customdata": [[(r, c) for c in cols] for r in rows],
        "hovertemplate": "%{customdata[0]}, %{customdata[1]}: %{z:.3f}<extra></extra>",
        "xgap": 1,
        "ygap": 1,
    }
    if show_values:
        heat["texttemplate"] = f"%{{z:{value_format}}}"
    layout = {
        "title": {"text": plot_text(title, 80)},
        "xaxis": {"tickmode": "array", "tickvals": np.arange(n_cols), "ticktext": cols,
                  "title": {"text": plot_text(x_title, 60)},
                  "tickangle": -45 if _crowded(col_labels) else 0},
        "yaxis": {"tickmode": "array", "tickvals": np.arange(n_rows), "ticktext": rows,
                  "title": {"text": plot_text(y_title, 60)}, "autorange": "reversed"},
    }  # fmt: skip
    # Slanted labels hang below the matrix: give them room instead of squashing the cells.
    slant = 6 * max(map(len, col_labels), default=0) if _crowded(col_labels) else 0
    return theme.figure([heat], layout, height=max(240, 90 + 30 * n_rows + slant))


def _crowded(labels: Sequence[str]) -> bool:
    """Would these labels, written flat side by side, run into each other?

    Projector mode draws bigger letters in the same width, so it crowds sooner.
    """
    width = max(map(len, labels), default=0) * len(labels) * theme.scale()
    # A phone gives a chart ~300 px: eight six-letter features (48 letters) already collide.
    return len(labels) > 8 or width > 36


def features_heatmap(
    vectors: np.ndarray, labels: Sequence[str], *, title: str, limit: float, colorbar_title: str
) -> go.Figure:
    """Words × the eight named features (X, the refined X', or the change between them)."""
    return matrix_heatmap(
        vectors, labels, ac.FEATURES, title=title, x_title="features", limit=limit,
        colorbar_title=colorbar_title,
    )  # fmt: skip


def scores_heatmap(
    scores: np.ndarray, labels: Sequence[str], *, title: str, limit: float
) -> go.Figure:
    """Words × words: how well each query (row) matches each key (column), before softmax."""
    return matrix_heatmap(
        scores, labels, labels, title=title, x_title="keys (the words it looks at)",
        y_title="queries (the word that asks)", limit=limit, colorbar_title="score",
    )  # fmt: skip


# ---- By hand: the same numbers, written out as a student would on paper ---------------------


def number(value: float) -> str:
    """A number as a person writes it: "3", "1.2", "−0.35" (a real minus sign)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    return text.replace("-", "−")


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
        f"{number(x)}×{number(y)} ({name})"
        for x, y, name in zip(a, b, ac.FEATURES, strict=True)
        if number(x) != "0" and number(y) != "0"
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
    terms = [f"{number(weights[j])}×{number(values[j])} ({escaped_labels[j]})" for j in shown]
    rest = len(weights) - len(terms)
    more = f" + … ({rest} smaller term{'s' if rest > 1 else ''})" if rest else ""
    return " + ".join(terms) + more
