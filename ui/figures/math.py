"""Figures and pencil-and-paper helpers for lesson 7: the attention formula, one step at a time.

Every step of ``softmax(Q Kᵀ / √d_k) V`` is a small labelled matrix: the embeddings (words ×
features), the scores and scaled scores (words × words, a diverging scale centred on 0), the
weights (0..1, as on every page) and the refined embeddings. The helpers at the bottom write one
dot product and one weighted mix out by hand, so students can check a cell with a pencil.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import attention_core as ac

from .. import theme
from ..formats import token_labels, written
from ..safe import plot_text
from ..theme import NORMAL, Figure, Look
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
) -> Figure:
    """A signed matrix on the diverging scale, fixed to ``-limit..limit`` so 0 is always white.

    ``cell_numbers=False`` leaves the numbers out of the cells (hover and tables still have them),
    for matrices too wide for them to fit."""
    n_rows, n_cols = np.shape(values)
    heat = heatmap_trace(
        values, row_labels, col_labels, zrange=(-limit, limit), zmid=0,
        colorscale=theme.SCORES_SCALE, colorbar_title=colorbar_title,
        hover="%{customdata[0]}, %{customdata[1]}: %{z:.3f}", look=look,
    )  # fmt: skip
    # A phone is the narrowest screen (a projector has bigger letters but a much wider chart):
    # there a cell of eight columns is ~27 px, "2.67" runs into its neighbour, "2.7" fits. Past
    # twelve columns not even that: hover and the table below the chart give the numbers.
    if cell_numbers and n_rows * n_cols <= MAX_LABELLED_CELLS and n_cols <= 12:
        heat["texttemplate"] = "%{z:.2~f}" if n_cols <= 6 else "%{z:.1~f}"
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
) -> Figure:
    """Words × the eight named features (X, the refined X', or the change between them)."""
    return matrix_heatmap(
        vectors, labels, ac.FEATURES, title=title, x_title="features", limit=limit,
        colorbar_title=colorbar_title, look=look,
    )  # fmt: skip


def scores_heatmap(
    scores: np.ndarray, labels: Sequence[str], *, title: str, limit: float, look: Look = NORMAL
) -> Figure:
    """Words × words: how well each query (row) matches each key (column), before softmax."""
    return matrix_heatmap(
        scores, labels, labels, title=title, x_title="keys (the words it looks at)",
        y_title="queries (the word that asks)", limit=limit, colorbar_title="score", look=look,
    )  # fmt: skip


# ---- By hand: the same numbers, written out as a student would on paper ---------------------


def by_hand_pair(refinement: ac.Refinement) -> tuple[int, int]:
    """Which row to work out by hand, and which of its cells to write in full.

    The most informative pair of two different words: the one whose score is largest in size,
    among words of our vocabulary with features (else among any words with features), the
    earliest such pair on a tie. A pair of words with nothing in common ("she · went = 0")
    teaches nothing, so it is only picked when every pair scores 0: then the row is the first
    word with features, the cell its first neighbour. A one-word sentence pairs the word with
    itself.
    """
    x = refinement.embeddings  # (n, d)
    scores = refinement.attention.scores  # (n, n)
    n = len(x)
    has_features = np.any(x != 0, axis=1)  # (n,)
    readable = np.flatnonzero(has_features & refinement.known)
    anything = np.flatnonzero(has_features)
    pool = readable if readable.size >= 2 else anything
    pairs = [(i, j) for i in pool for j in pool if i < j]
    if pairs:
        best = max(pairs, key=lambda p: (abs(scores[p]), -p[0], -p[1]))
        if scores[best] != 0:
            return int(best[0]), int(best[1])
    row = int(readable[0]) if readable.size else int(anything[0]) if anything.size else 0
    others = [j for j in range(n) if j != row]
    return row, (others[0] if others else row)


def _number(text: str) -> float:
    """The number a student reads in ``written`` text ("−0.35" -> -0.35)."""
    return float(text.replace("−", "-"))


def _adds_up(parts: Sequence[float], total: float, places: int) -> bool:
    """Does a pencil sum of ``parts`` land on ``total`` as written to ``places`` decimals?"""
    return round(float(np.sum(parts)), places) == round(total, places)


def written_to(value: float, places: int) -> str:
    """``written`` with ``places`` decimals (trailing zeros dropped, a real minus sign)."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    return text.replace("-", "−")


def dot_arithmetic(a: np.ndarray, b: np.ndarray) -> tuple[str, int, str]:
    """``a · b`` as a sum of products, how many features were left out, and "=" or "≈".

    e.g. ``("3×1.2 (nature)", 7, "=")``: features that are 0 in either word add nothing, so they
    are not written out; ``("0 (no feature in common)", 8, "=")`` when nothing is left. The sign
    is "≈" when the written (rounded) factors do not multiply out to the written total, as with
    an unknown word's made-up numbers.
    """
    shown = [
        (written(x), written(y), name)
        for x, y, name in zip(a, b, ac.FEATURES, strict=True)
        if written(x) != "0" and written(y) != "0"
    ]
    terms = [f"{x}×{y} ({name})" for x, y, name in shown]
    pencil = [_number(x) * _number(y) for x, y, _ in shown]
    sign = "=" if written(sum(pencil)) == written(float(a @ b)) else "≈"
    skipped = len(ac.FEATURES) - len(terms)
    return (" + ".join(terms) if terms else "0 (no feature in common)"), skipped, sign


def change(refinement: ac.Refinement) -> np.ndarray:
    """``(n, d)`` what each word picked up from its context: refined minus input."""
    return refinement.refined - refinement.embeddings


def strongest_feature(vector: np.ndarray) -> int:
    """Index of the feature with the largest size in ``vector (d,)``: the one worth writing out."""
    return int(np.argmax(np.abs(vector)))


def mix_arithmetic(
    weights: np.ndarray, values: np.ndarray, escaped_labels: Sequence[str], *, keep: int = 4
) -> str:
    """One refined number as a weighted sum that adds up with a pencil:
    "0.841×3 (river) + 0.121×1.2 (bank) + 0.003 (4 smaller terms) = **2.67**".

    ``escaped_labels`` must already be safe for Markdown. Terms are ``weight × value``; the
    ``keep`` largest in size are written out (in sentence order), the smaller ones are added up
    into one number and named as such, and terms that are 0 (a small word's value) are left out
    and counted. The total is written to two decimals; the weights (and the remainder) get as
    many decimals (2 to 4) as it takes for a pencil sum of the written products and remainder to
    round to that total. When no precision does, "=" becomes "≈".
    """
    values = np.asarray(values, dtype=np.float64)
    products = weights * values  # (n,)
    total = float(np.sum(products))
    value_texts = [written(v) for v in values]
    nonzero = [j for j in range(len(values)) if value_texts[j] != "0"]
    by_size = sorted(nonzero, key=lambda j: (-abs(products[j]), j))
    shown, rest = sorted(by_size[:keep]), by_size[keep:]
    zeros = len(values) - len(nonzero)
    rest_sum = float(np.sum(products[rest])) if rest else 0.0
    for places in (2, 3, 4):
        pencil = [_number(written_to(weights[j], places)) * _number(value_texts[j]) for j in shown]
        remainder = [_number(written_to(rest_sum, places))] if rest else []
        if _adds_up(pencil + remainder, total, 2):
            sign = "="
            break
    else:
        places, sign = 2, "≈"
    terms = [
        f"{written_to(weights[j], places)}×{value_texts[j]} ({escaped_labels[j]})" for j in shown
    ]
    if rest:
        count = f"{len(rest)} smaller term{'s' if len(rest) > 1 else ''}"
        terms.append(f"{written_to(rest_sum, places)} ({count})")
    sum_text = " + ".join(terms) if terms else "0"
    zero_note = (
        f" (leaving out {zeros} word{'s' if zeros > 1 else ''} whose value is 0)" if zeros else ""
    )
    return f"{sum_text} {sign} **{written(total)}**{zero_note}"


def near_tie(refinement: ac.Refinement, temperature: float) -> tuple[int, int, int] | None:
    """A word that still splits its attention at ``temperature``: ``(word, best, runner_up)``.

    The row whose runner-up keeps the most weight at that temperature (at least 5 %), because
    its two best scores nearly tie; None when every row is a hard lookup or an even split.
    """
    scores = refinement.attention.scaled_scores  # (n, n)
    best: tuple[float, tuple[int, int, int]] | None = None
    for i, row in enumerate(scores):
        if np.allclose(row, row[0]):
            continue  # an even split: nothing to tie
        weights = ac.softmax(row, temperature=temperature)  # (n,)
        first, second = np.argsort(-weights, kind="stable")[:2]
        if weights[second] >= 0.05 and (best is None or weights[second] > best[0]):
            best = (float(weights[second]), (i, int(first), int(second)))
    return best[1] if best else None


def blank_words(refinement: ac.Refinement) -> list[int]:
    """Positions of words that are all zeros (small words like "the"): they score 0 with all."""
    return [int(i) for i in np.flatnonzero(~np.any(refinement.embeddings != 0, axis=1))]


def features_in_words(vector: np.ndarray) -> str:
    """A word's non-zero features as a student reads them: "money 2, action 1.5" (largest
    first), or "all zeros"."""
    order = np.argsort(-np.abs(vector), kind="stable")
    named = [f"{ac.FEATURES[j]} {written(vector[j])}" for j in order if written(vector[j]) != "0"]
    return ", ".join(named) if named else "all zeros"
