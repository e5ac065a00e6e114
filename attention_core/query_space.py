"""Move the query: a 2-D world of labelled keys where you steer the query yourself.

Attention ranks keys by the dot product ``q · k`` (direction *and* length), not by distance.
A long key pointing your way can beat a short key sitting right next to your query; this world
places such a pair ("lion" and "kitten") so students can see both rankings side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .attention import Attention, attention

#: Axis names of the 2-D space.
SPACE_AXES: tuple[str, str] = ("object ↔ animal", "small ↔ big")
#: Each key's label and position; values are the same points (the output is a blend of them).
SPACE_KEYS: dict[str, tuple[float, float]] = {
    "kitten": (0.8, -0.6),
    "lion": (2.6, 1.8),
    "mouse": (1.4, -1.8),
    "whale": (1.0, 2.6),
    "pebble": (-1.2, -1.6),
    "truck": (-2.2, 1.6),
    "teacup": (-1.8, -0.4),
}
#: The range of the query sliders (both axes).
SPACE_LIMIT = 3.0


@dataclass(frozen=True)
class Probe:
    """One query in the 2-D space.

    Shapes (``n`` keys): ``labels`` n, ``keys (n, 2)``, ``values (n, 2)``, ``query (2,)``,
    ``distances (n,)``; ``attention`` holds scores, weights ``(n,)`` and ``output (2,)``.
    ``dot_ranking`` / ``distance_ranking``: labels best-first by dot product / by closeness.
    """

    labels: tuple[str, ...]
    keys: NDArray[np.float64]
    values: NDArray[np.float64]
    query: NDArray[np.float64]
    attention: Attention
    distances: NDArray[np.float64]

    @property
    def weights(self) -> NDArray[np.float64]:
        return self.attention.weights

    @property
    def output(self) -> NDArray[np.float64]:
        return self.attention.output

    @property
    def dot_ranking(self) -> tuple[str, ...]:
        order = np.argsort(-self.attention.scores, kind="stable")
        return tuple(self.labels[i] for i in order)

    @property
    def distance_ranking(self) -> tuple[str, ...]:
        order = np.argsort(self.distances, kind="stable")
        return tuple(self.labels[i] for i in order)


def probe(x: float, y: float, *, temperature: float = 1.0, scaled: bool = True) -> Probe:
    """Attend from the query ``(x, y)`` to every key of ``SPACE_KEYS``; values = key positions."""
    query = np.array([x, y], dtype=np.float64)  # (2,)
    keys = np.array(list(SPACE_KEYS.values()))  # (n, 2)
    result = attention(query, keys, keys, temperature=temperature, scaled=scaled)
    distances = np.linalg.norm(keys - query, axis=1)  # (n,)
    return Probe(tuple(SPACE_KEYS), keys, keys.copy(), query, result, distances)
