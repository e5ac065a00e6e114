"""Hand-built projection matrices, written as named links between features.

A real transformer learns ``W_Q``, ``W_K`` and ``W_V`` from data, and nobody can read them. In our
toy world every axis has a name, so a projection can be written as a few sentences: "the *person*
feature of a word feeds the *action* feature of its query, with strength 1". That is one
``Link("person", "action", 1.0)``, and it is the entry ``W[person, action]`` of the matrix:

    Q = X W_Q        Q[:, action] += strength * X[:, person]

(row vectors times the matrix, as in ``x @ W``; PyTorch's ``nn.Linear`` stores the transpose:
``x @ W == F.linear(x, W.T)``, so ``W == linear.weight.T``). A ``Head`` is three lists of links,
one per matrix, plus the question it asks in words, so a page can offer a slider per link and
every number stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from .vocabulary import FEATURES

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Link:
    """One entry of a projection: feature ``source`` of a word feeds feature ``target``."""

    source: str
    target: str
    strength: float = 1.0

    @property
    def label(self) -> str:
        """How a page names the link, e.g. "person → action"."""
        return f"{self.source} → {self.target}"


def identity_links(dims: Iterable[str]) -> tuple[Link, ...]:
    """Each feature feeds itself with strength 1: the identity matrix, written as links."""
    return tuple(Link(f, f) for f in dims)


def link_matrix(
    links: Iterable[Link], dims: tuple[str, ...] = FEATURES, targets: tuple[str, ...] | None = None
) -> Array:
    """``(d, d_out)`` matrix with ``W[source, target] = strength`` for every link (repeats add up).

    Rows are the features a word has (``dims``), columns the features of its query, key or value
    (``targets``, by default the same ``dims``; a narrow head of lesson 9 has fewer).
    """
    targets = dims if targets is None else targets
    w = np.zeros((len(dims), len(targets)))  # (d, d_out)
    for link in links:
        for name, names in ((link.source, dims), (link.target, targets)):
            if name not in names:
                raise ValueError(
                    f"unknown feature {name!r} in a link; choose from {', '.join(names)}"
                )
        strength = float(link.strength)
        if not np.isfinite(strength):
            raise ValueError(f"link {link.label} needs a finite strength, got {link.strength!r}")
        w[dims.index(link.source), targets.index(link.target)] += strength
    return w


@dataclass(frozen=True)
class Head:
    """One attention head: a question in words, and the links that build W_Q, W_K and W_V.

    ``query`` links say what a word asks for, ``key`` links how it presents itself, ``value``
    links what it hands over when someone looks at it. ``dims`` names the axes the head works
    in: the named features (lesson 10 adds each word's place to those same numbers).
    Matrices are ``(d, d)`` with ``d = len(dims)``, applied as ``X @ W``.
    """

    name: str
    question: str
    query: tuple[Link, ...]
    key: tuple[Link, ...]
    value: tuple[Link, ...]
    dims: tuple[str, ...] = FEATURES

    @property
    def w_q(self) -> Array:
        """``(d, d)`` W_Q."""
        return link_matrix(self.query, self.dims)

    @property
    def w_k(self) -> Array:
        """``(d, d)`` W_K."""
        return link_matrix(self.key, self.dims)

    @property
    def w_v(self) -> Array:
        """``(d, d)`` W_V."""
        return link_matrix(self.value, self.dims)

    @property
    def strengths(self) -> dict[str, float]:
        """The query links' strengths by label: what a page offers as sliders."""
        return {link.label: float(link.strength) for link in self.query}

    def with_strengths(self, strengths: Mapping[str, float]) -> Head:
        """The same head with some query links set to new strengths, by label.

        ``head.with_strengths({"person → action": 2.0})``; an unknown label raises ``ValueError``
        naming the head's links.
        """
        unknown = set(strengths) - {link.label for link in self.query}
        if unknown:
            raise ValueError(
                f"head {self.name!r} has no link {', '.join(sorted(unknown))}; its links are "
                f"{', '.join(link.label for link in self.query)}"
            )
        query = tuple(
            replace(link, strength=float(strengths.get(link.label, link.strength)))
            for link in self.query
        )
        return replace(self, query=query)
