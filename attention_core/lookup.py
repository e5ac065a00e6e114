"""What a soft lookup found: the shared result type of the dictionary and classroom worlds.

A hard dictionary returns the value of the one key that matches exactly. A soft one (attention)
returns a blend of all values, weighted by how well each key matches. When one weight stands out
we can honestly name an answer; when the spotlight is spread out we say "no clear match".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .attention import Attention, entropy

#: The top weight must be at least this many times the runner-up to count as a clear answer.
CLEAR_MATCH_RATIO = 1.5


@dataclass(frozen=True)
class Lookup:
    """One soft lookup, with everything a page draws.

    Shapes (``n`` keys, ``d`` query/key features, ``d_v`` value width):
        query_vector  (d,)        keys_matrix  (n, d)       values_matrix  (n, d_v)
        scores, scaled_scores, weights  (n,)                output  (d_v,)
    ``answer`` is the value label nearest the output, or None when there is no clear match;
    ``nearest`` is that label regardless (what the blend is closest to).
    """

    query: str
    keys: tuple[str, ...]
    values: tuple[str, ...]
    query_vector: NDArray[np.float64]
    keys_matrix: NDArray[np.float64]
    values_matrix: NDArray[np.float64]
    attention: Attention
    nearest: str
    answer: str | None
    entropy_bits: float
    known_query: bool

    @property
    def scores(self) -> NDArray[np.float64]:
        return self.attention.scores

    @property
    def scaled_scores(self) -> NDArray[np.float64]:
        return self.attention.scaled_scores

    @property
    def weights(self) -> NDArray[np.float64]:
        return self.attention.weights

    @property
    def output(self) -> NDArray[np.float64]:
        return self.attention.output

    @property
    def top_key(self) -> str:
        """The key with the largest weight (the first one on a tie)."""
        return self.keys[int(np.argmax(self.weights))]


def is_clear_match(weights: NDArray[np.float64], ratio: float = CLEAR_MATCH_RATIO) -> bool:
    """True when the largest weight is at least ``ratio`` times the second largest."""
    if weights.size < 2:
        return weights.size == 1 and weights[0] > 0
    second, first = np.sort(weights)[-2:]
    return bool(first > 0 and first >= ratio * second)


def nearest_row(output: NDArray[np.float64], rows: NDArray[np.float64]) -> int:
    """Index of the row of ``rows (n, d)`` closest (Euclidean) to ``output (d,)``."""
    return int(np.argmin(np.sum((rows - output) ** 2, axis=1)))


def make_lookup(
    query: str,
    keys: tuple[str, ...],
    values: tuple[str, ...],
    query_vector: NDArray[np.float64],
    keys_matrix: NDArray[np.float64],
    values_matrix: NDArray[np.float64],
    result: Attention,
    *,
    known_query: bool,
) -> Lookup:
    """Package an attention result over labelled keys and values as a ``Lookup``."""
    nearest = values[nearest_row(result.output, values_matrix)]
    return Lookup(
        query=query,
        keys=keys,
        values=values,
        query_vector=query_vector,
        keys_matrix=keys_matrix,
        values_matrix=values_matrix,
        attention=result,
        nearest=nearest,
        answer=nearest if is_clear_match(result.weights) else None,
        entropy_bits=float(entropy(result.weights)),
        known_query=known_query,
    )
