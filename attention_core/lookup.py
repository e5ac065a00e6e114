"""What a soft lookup found: the one result type of every lookup-like world.

A hard dictionary returns the value of the one key that matches exactly. A soft one (attention)
returns a blend of all values, weighted by how well each key matches. When one weight stands out
we can honestly name an answer; when the spotlight is spread out we say "no clear match".

The dictionary (``lookup``), the 2-D query space (``probe``) and the classroom notes (``ask``) all
answer with a ``Lookup`` (or a subclass adding what is special to that world), so every page
reads ``scores``, ``scaled_scores``, ``weights`` and ``output`` the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .attention import Attention, attention, entropy
from .predict import ROUNDING, SHOWN_PRECISION, largest

#: The top weight must be at least this many times the runner-up to count as a clear answer.
CLEAR_MATCH_RATIO = 1.5
#: ... and more than this share of all the weight: then most of the output is that key's value,
#: and naming it as "the answer" is true. (At T = 7 the leader of the dictionary holds 12%:
#: 88% of the output comes from other values, so there is no answer to name.)
ANSWER_SHARE = 0.5
#: How many keys a "which key wins?" question offers; one more option says "several tie".
OFFERED_KEYS = 7


@dataclass(frozen=True)
class Lookup:
    """One soft lookup, with everything a page draws.

    ``query`` is what was looked up, as the world read it (the normalised word, the keywords a
    question mentions, the query point); ``known_query`` says whether the world understood it.
    Shapes (``n`` keys, ``d`` query/key features, ``d_v`` value width):
        keys, values (labels) n     query_vector  (d,)   keys_matrix  (n, d)
        values_matrix  (n, d_v)     scores, scaled_scores, weights  (n,)    output  (d_v,)
    """

    query: str
    keys: tuple[str, ...]
    values: tuple[str, ...]
    query_vector: NDArray[np.float64]
    keys_matrix: NDArray[np.float64]
    values_matrix: NDArray[np.float64]
    attention: Attention
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
    def top(self) -> int:
        """Index of the key with the largest weight (the first one on a tie)."""
        return int(np.argmax(self.weights))

    @property
    def leader(self) -> int | None:
        """Index of the one key with the largest weight, or None when several share it (a
        flat row, a tie): then no key won, and no key should be drawn as the winner."""
        w = self.weights
        tied = np.isclose(w, w.max(), rtol=ROUNDING, atol=0)
        return self.top if int(tied.sum()) == 1 else None

    @property
    def by_weight(self) -> NDArray[np.intp]:
        """``(n,)`` key indices, heaviest first (equal weights keep key order)."""
        return np.argsort(-self.weights, kind="stable")

    @property
    def top_key(self) -> str:
        return self.keys[self.top]

    @property
    def flat(self) -> bool:
        """Every key scores the same (e.g. a zero query): no key stands out at all."""
        return bool(np.ptp(self.scores) < 1e-12)

    @property
    def nearest(self) -> str:
        """The value label the output is closest to (what the blend is nearest)."""
        return self.values[nearest_row(self.output, self.values_matrix)]

    @property
    def answer(self) -> str | None:
        """``nearest`` when one key clearly wins and holds most of the weight (so most of the
        output is its value), else None (no clear match)."""
        clear = is_clear_match(self.weights) and float(self.weights.max()) > ANSWER_SHARE
        return self.nearest if clear else None

    @property
    def entropy_bits(self) -> float:
        return float(entropy(self.weights))


def soft_lookup(
    query: str,
    keys: tuple[str, ...],
    values: tuple[str, ...],
    query_vector: NDArray[np.float64],
    keys_matrix: NDArray[np.float64],
    values_matrix: NDArray[np.float64],
    *,
    temperature: float,
    scaled: bool,
    known_query: bool = True,
    kind: type[Lookup] = Lookup,
    **world: Any,
) -> Any:
    """Attend from ``query_vector`` to every row of ``keys_matrix``, mix ``values_matrix``, and
    keep the labels with the numbers: a ``kind`` (``Lookup`` or a world's own subclass, whose
    extra fields come in ``world``)."""
    result = attention(
        query_vector, keys_matrix, values_matrix, temperature=temperature, scaled=scaled
    )
    return kind(
        query=query,
        keys=keys,
        values=values,
        query_vector=query_vector,
        keys_matrix=keys_matrix,
        values_matrix=values_matrix,
        attention=result,
        known_query=known_query,
        **world,
    )


def is_clear_match(weights: NDArray[np.float64], ratio: float = CLEAR_MATCH_RATIO) -> bool:
    """True when the largest weight is at least ``ratio`` times the second largest."""
    if weights.size < 2:
        return weights.size == 1 and weights[0] > 0
    second, first = np.sort(weights)[-2:]
    return bool(first > 0 and first >= ratio * second)


def close_to_top(
    weights: NDArray[np.float64], ratio: float = CLEAR_MATCH_RATIO
) -> NDArray[np.intp]:
    """Indices of the weights close enough to the largest that it does not clearly win (the
    largest included), largest first: what competes for the spotlight."""
    order = np.argsort(-weights, kind="stable")
    return order[weights[order] * ratio > weights[order[0]]] if weights.size else order


def nearest_row(output: NDArray[np.float64], rows: NDArray[np.float64]) -> int:
    """Index of the row of ``rows (n, d)`` closest (Euclidean) to ``output (d,)``."""
    return int(np.argmin(np.sum((rows - output) ** 2, axis=1)))


@dataclass(frozen=True)
class Contest:
    """Which key wins a lookup, as a student reads the weights on screen.

    ``top`` are the keys sharing the largest weight exactly (one key when it leads; several on
    an exact tie: a flat row, equal scores); ``close`` the other keys within
    ``SHOWN_PRECISION`` of it (on screen they look tied). ``offered`` are the keys a question
    offers (indices, in key order: the order says nothing about the answer). ``winners`` are
    the offered keys that count as winning: the one leader and the keys close to it; on an
    exact tie nobody wins (empty). ``tie`` says whether "several tie for the most" is true on
    screen.
    """

    top: tuple[int, ...]
    close: tuple[int, ...]
    offered: tuple[int, ...]

    @property
    def tie(self) -> bool:
        return len(self.top) + len(self.close) > 1

    @property
    def winners(self) -> frozenset[int]:
        if len(self.top) > 1:
            return frozenset()
        return frozenset(self.top + self.close) & frozenset(self.offered)


def contest(
    weights: NDArray[np.float64],
    *,
    offer: int = OFFERED_KEYS,
    tolerance: float = SHOWN_PRECISION,
) -> Contest:
    """Who wins ``weights (n,)``, and the ``offer`` heaviest keys to choose from (ties broken by
    key order, so every key tied on screen is offered when they fit).

    One key leads: it wins, and so does any key within ``tolerance`` of it (they look tied on
    screen, so "several tie" is right too). Several keys share the largest weight exactly: no
    key wins, only "several tie" is right.
    """
    w = np.asarray(weights, dtype=np.float64)  # (n,)
    heaviest = np.argsort(-w, kind="stable")[:offer]  # (offer,), heaviest first
    top = np.flatnonzero(np.isclose(w, w.max(), rtol=ROUNDING, atol=0))  # (k,)
    close = sorted(largest(w, tolerance=tolerance) - set(top.tolist()))
    return Contest(
        top=tuple(top.tolist()),
        close=tuple(close),
        offered=tuple(sorted(heaviest.tolist())),
    )
