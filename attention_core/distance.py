"""Dot product or distance? They differ only by the keys' lengths (lesson 4).

Expand the squared distance between a query and a key:

    -½‖q − k‖² = q · k − ½‖q‖² − ½‖k‖²

``½‖q‖²`` is the same for every key of one query, and softmax ignores a constant added to a
whole row. So scoring by ``-½ distance²`` is scoring by the dot product minus ``½‖k‖²``: when all
keys have the same length the two rank the keys the same way; a long key wins the dot product
while a short one may be nearer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class DotVsDistance:
    """One query against keys, scored both ways, with the terms that tell them apart.

    Shapes (``n`` keys, ``d`` dims): ``query (d,)``, ``keys (n, d)``; ``dot``,
    ``neg_half_sq_distance`` and ``half_key_sq`` are ``(n,)``; ``half_query_sq`` is one number.
    ``neg_half_sq_distance == dot - half_query_sq - half_key_sq`` (to rounding).
    """

    query: Array
    keys: Array
    dot: Array
    neg_half_sq_distance: Array
    half_key_sq: Array
    half_query_sq: float

    @property
    def identity_gap(self) -> float:
        """Largest rounding gap in ``-½‖q−k‖² = q·k − ½‖q‖² − ½‖k‖²`` (about 1e-15)."""
        rhs = self.dot - self.half_query_sq - self.half_key_sq
        return float(np.max(np.abs(self.neg_half_sq_distance - rhs), initial=0.0))

    @property
    def dot_ranking(self) -> NDArray[np.intp]:
        """``(n,)`` key indices, best dot product first (ties keep key order)."""
        return np.argsort(-self.dot, kind="stable")

    @property
    def distance_ranking(self) -> NDArray[np.intp]:
        """``(n,)`` key indices, nearest first (ties keep key order)."""
        return np.argsort(-self.neg_half_sq_distance, kind="stable")

    @property
    def equal_lengths(self) -> bool:
        """True when every key has the same length: then both rankings agree."""
        return bool(np.allclose(self.half_key_sq, self.half_key_sq[:1], rtol=1e-9, atol=1e-12))


def dot_vs_distance(query: ArrayLike, keys: ArrayLike) -> DotVsDistance:
    """Score ``keys (n, d)`` against ``query (d,)`` by dot product and by ``-½ distance²``."""
    q = np.asarray(query, dtype=np.float64)  # (d,)
    k = np.asarray(keys, dtype=np.float64)  # (n, d)
    if q.ndim != 1 or k.ndim != 2 or k.shape[1] != q.shape[0]:
        raise ValueError(f"need query (d,) and keys (n, d); got {q.shape} and {k.shape}")
    diff = k - q  # (n, d)
    return DotVsDistance(
        query=q,
        keys=k,
        dot=k @ q,  # (n,)
        neg_half_sq_distance=-0.5 * np.sum(diff * diff, axis=1),  # (n,)
        half_key_sq=0.5 * np.sum(k * k, axis=1),  # (n,)
        half_query_sq=float(0.5 * q @ q),
    )
