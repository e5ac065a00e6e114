"""A plain float64 reference for softmax and attention, written with Python loops and ``math.exp``.

Deliberately independent of ``attention_core``: no NumPy broadcasting, no matrix products, no code
shared with the package. It is slow and obvious, which is the point: the core's vectorised answers
are checked against it to 1e-12.

Conventions (same contract as the core, written out by hand):
    - ``softmax(row, temperature)``: ``exp((s - max) / T) / sum(...)``; ``-inf`` means "excluded"
      and gets weight 0; a row of only ``-inf`` gives all zeros.
    - ``attention(q, k, v)``: one sequence, ``q`` is a list of n_q rows of length d_k, ``k`` n_k
      rows of length d_k, ``v`` n_k rows of length d_v; ``mask[i][j]`` True = query i may look at
      key j. Returns ``(scores, scaled_scores, weights, output)`` as nested lists.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Row = list[float]
Matrix = list[list[float]]


def softmax(row: Sequence[float], temperature: float = 1.0) -> Row:
    """Softmax of one row of scores, by hand."""
    values = [float(s) for s in row]
    finite = [s for s in values if s != -math.inf]
    if not finite:
        return [0.0 for _ in values]
    top = max(finite)
    exps = [0.0 if s == -math.inf else math.exp((s - top) / temperature) for s in values]
    total = math.fsum(exps)
    return [e / total for e in exps]


def dot(a: Sequence[float], b: Sequence[float]) -> float:
    """Exactly rounded dot product of two equal-length rows."""
    return math.fsum(float(x) * float(y) for x, y in zip(a, b, strict=True))


def attention(
    q: Sequence[Sequence[float]],
    k: Sequence[Sequence[float]],
    v: Sequence[Sequence[float]],
    *,
    temperature: float = 1.0,
    scaled: bool = True,
    mask: Sequence[Sequence[bool]] | None = None,
) -> tuple[Matrix, Matrix, Matrix, Matrix]:
    """Attention of one sequence, with loops: returns scores, scaled scores, weights, output."""
    n_k = len(k)
    d_k = len(q[0]) if q else (len(k[0]) if k else 0)
    d_v = len(v[0]) if v else 0
    scale = math.sqrt(d_k) if scaled and d_k > 0 else 1.0
    scores: Matrix = []
    scaled_scores: Matrix = []
    weights: Matrix = []
    output: Matrix = []
    for i, query in enumerate(q):
        score_row = [dot(query, k[j]) for j in range(n_k)]
        scaled_row = [s / scale for s in score_row]
        logits = [scaled_row[j] if mask is None or mask[i][j] else -math.inf for j in range(n_k)]
        weight_row = softmax(logits, temperature)
        out_row = [
            math.fsum(weight_row[j] * float(v[j][c]) for j in range(n_k)) for c in range(d_v)
        ]
        scores.append(score_row)
        scaled_scores.append(scaled_row)
        weights.append(weight_row)
        output.append(out_row)
    return scores, scaled_scores, weights, output


def causal(n: int) -> list[list[bool]]:
    """``mask[i][j] = j <= i``: each position may look only at itself and earlier ones."""
    return [[j <= i for j in range(n)] for i in range(n)]
