"""Move the query: a 2-D world of labelled keys where you steer the query yourself.

Attention ranks keys by the dot product ``q · k`` (direction *and* length), not by distance.
A long key pointing your way can beat a short key sitting right next to your query; this world
places such a pair ("lion" and "kitten") so students can see both rankings side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .lookup import Lookup, soft_lookup

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
class Probe(Lookup):
    """One query in the 2-D space: a ``Lookup`` whose keys are points (values = the same points).

    ``distances (n,)`` from the query to each key; ``by_dot`` / ``by_distance`` are key indices,
    best first, by dot product (what attention uses) and by closeness.
    """

    distances: NDArray[np.float64]

    @property
    def by_dot(self) -> NDArray[np.intp]:
        return np.argsort(-self.scores, kind="stable")

    @property
    def by_distance(self) -> NDArray[np.intp]:
        return np.argsort(self.distances, kind="stable")

    @property
    def lengths(self) -> NDArray[np.float64]:
        """``(n,)`` each key's length ‖k‖: a dot product grows with it."""
        return np.linalg.norm(self.keys_matrix, axis=1)


def probe(x: float, y: float, *, temperature: float = 1.0, scaled: bool = True) -> Probe:
    """Attend from the query ``(x, y)`` to every key of ``SPACE_KEYS``; values = key positions."""
    query = np.array([x, y], dtype=np.float64)  # (2,)
    keys = np.array(list(SPACE_KEYS.values()))  # (n, 2)
    return soft_lookup(
        f"({x:g}, {y:g})",
        tuple(SPACE_KEYS),
        tuple(SPACE_KEYS),  # each key's value is its own position
        query,
        keys,
        keys.copy(),
        temperature=temperature,
        scaled=scaled,
        kind=Probe,
        distances=np.linalg.norm(keys - query, axis=1),  # (n,)
    )
