"""What a sentence model's vectors are for: semantic search, lesson 5's lookup with trained vectors.

all-MiniLM-L6-v2 turns a whole text into one vector, the sentence-transformers recipe: the
average of the last layer's token vectors (mean pooling), scaled to length 1. Two texts that
mean similar things get vectors that point the same way, so a question's vector, compared with
every note's vector by a dot product, finds the note that answers it. That is lesson 5's
``softmax(q · k)`` spotlight, with keys a trained model wrote instead of our hand-made labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .predict import largest


def sentence_vector(last_hidden: ArrayLike) -> NDArray[np.floating]:
    """Mean pooling, then length 1: ``(n, h) -> (h,)`` (sentence-transformers' ``Pooling(mean)``
    and ``Normalize``)."""
    pooled = np.mean(last_hidden, axis=0)  # (h,): every token counts the same
    return pooled / np.linalg.norm(pooled)  # (h,), length 1


@dataclass(frozen=True)
class Search:
    """A query compared with every note.

    ``scores (notes,)``: cosine similarities, the dot products of unit vectors (1 = the same
    direction, 0 = unrelated); ``best``: the notes with the highest score, or within
    ``SHOWN_PRECISION`` of it (a tie on screen).
    """

    scores: NDArray[np.float64]
    best: frozenset[int]


def search(query: ArrayLike, notes: ArrayLike) -> Search:
    """``query (h,)`` against ``notes (m, h)``, all of length 1: ``q · k`` for every note."""
    scores = np.asarray(notes, dtype=np.float64) @ np.asarray(query, dtype=np.float64)  # (m,)
    return Search(scores, largest(scores))
