"""Self-attention over a sentence: every word asks every word, and comes back refined.

Put the embeddings of all the words into one matrix X and use it as queries, keys and values at
once: ``refined = softmax(X X^T / sqrt(d)) X``. Each word's new vector is a mix of the words it
attended to, so it now carries its context: "bank" next to "river" leans toward nature, next to
"money" toward finance. (Real transformers first project X with learned matrices W_Q, W_K, W_V;
we leave them out so every number stays readable in named features.)
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .attention import Attention, attention, causal_mask, entropy
from .vocabulary import AMBIGUOUS_WORDS, FEATURES, VOCABULARY

#: Longest sentence refined at once; longer text is cut here and the result says so.
MAX_TOKENS = 40
#: Length of an unknown word's fallback vector: quiet, so it does not drown the known words.
UNKNOWN_NORM = 0.5

# A word: letters or digits in any script, optionally joined by an apostrophe or hyphen.
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def tokenize(text: str) -> list[str]:
    """Lower-case words of ``text``; punctuation, emoji and invisible characters are dropped.

    Unicode letters are kept ("café", "ciudad", "мир"); apostrophes and hyphens inside a word
    stay ("don't", "well-known").
    """
    return [m.group().casefold() for m in _WORD.finditer(str(text))]


def unknown_vector(word: str) -> NDArray[np.float64]:
    """``(d,)`` deterministic stand-in for a word outside the vocabulary (same word, same vector).

    Bit-for-bit the same on every machine, so a share link shows the same numbers on every
    server: the seed is a CRC of the word (not Python's salted ``hash``), NumPy's PCG64 generator
    and normal sampler are exact integer and IEEE arithmetic, and the length is summed with
    ``math.fsum`` (correctly rounded) rather than a BLAS dot product, whose rounding depends on
    the CPU kernel OpenBLAS picks.
    """
    rng = np.random.default_rng(zlib.crc32(word.encode("utf-8")))
    v = rng.standard_normal(len(FEATURES))  # (d,)
    length = math.sqrt(math.fsum(v * v))  # no BLAS: the same last bit on every CPU
    return v / length * UNKNOWN_NORM


def embed(tokens: list[str]) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """``(n, d)`` embeddings of ``tokens`` and an ``(n,)`` mask of which words we know."""
    known = np.array([t in VOCABULARY for t in tokens], dtype=bool)
    rows = [
        np.array(VOCABULARY[t]) if k else unknown_vector(t)
        for t, k in zip(tokens, known, strict=True)
    ]
    x = np.stack(rows) if rows else np.zeros((0, len(FEATURES)))  # (n, d)
    return x, known


@dataclass(frozen=True)
class Refinement:
    """A sentence refined by self-attention.

    Shapes (``n`` tokens after the cap, ``d`` features):
        tokens      list of n words          known       (n,) bool
        embeddings  (n, d) input             refined     (n, d) output
        weights     (n, n) rows = the word that asks, columns = the words it looks at
        attention   the full ``Attention`` (scores, scaled scores, weights, output, mask)
        entropy_bits (n,) how spread each word's attention is
        shift       (n,) how far each word moved (Euclidean)
    ``truncated`` says the text had more than ``MAX_TOKENS`` words; ``n_words`` is how many.
    """

    text: str
    tokens: tuple[str, ...]
    known: NDArray[np.bool_]
    embeddings: NDArray[np.float64]
    attention: Attention
    truncated: bool
    n_words: int
    causal: bool

    @property
    def weights(self) -> NDArray[np.float64]:
        return self.attention.weights

    @property
    def refined(self) -> NDArray[np.float64]:
        return self.attention.output

    @property
    def entropy_bits(self) -> NDArray[np.float64]:
        return entropy(self.weights)

    @property
    def shift(self) -> NDArray[np.float64]:
        return np.linalg.norm(self.refined - self.embeddings, axis=1)

    @property
    def unknown_words(self) -> tuple[str, ...]:
        return tuple(t for t, k in zip(self.tokens, self.known, strict=True) if not k)


def refine(
    text: str,
    *,
    temperature: float = 1.0,
    scaled: bool = True,
    causal: bool = False,
    max_tokens: int = MAX_TOKENS,
) -> Refinement:
    """Refine every word of ``text`` by self-attention with Q = K = V = its embeddings.

    Text longer than ``max_tokens`` words is cut (``truncated=True``); empty text gives an
    empty, valid ``Refinement`` with ``(0, d)`` embeddings and ``(0, 0)`` weights.
    """
    words = tokenize(text)
    tokens = words[:max_tokens]
    x, known = embed(tokens)  # (n, d)
    mask = causal_mask(len(tokens)) if causal else None  # (n, n)
    result = attention(x, x, x, temperature=temperature, scaled=scaled, mask=mask)
    return Refinement(
        text=str(text),
        tokens=tuple(tokens),
        known=known,
        embeddings=x,
        attention=result,
        truncated=len(words) > max_tokens,
        n_words=len(words),
        causal=bool(causal),
    )


def focus_word(tokens: tuple[str, ...] | list[str]) -> int:
    """Index of the word a lesson should inspect first: the first ambiguous one, else the last."""
    return next((i for i, t in enumerate(tokens) if t in AMBIGUOUS_WORDS), max(len(tokens) - 1, 0))


def cosine(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Cosine similarity of two ``(d,)`` vectors; 0 when either is the zero vector."""
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    return float(a @ b / (na * nb)) if na > 0 and nb > 0 else 0.0


def nearest_words(
    vector: NDArray[np.float64], k: int = 3, exclude: tuple[str, ...] = ()
) -> list[tuple[str, float]]:
    """The ``k`` vocabulary words most similar (cosine) to ``vector (d,)``, best first.

    Only plain words with a meaning count (no small words, no ambiguous words like "bank"), so
    the answer names a clear sense; ties keep vocabulary order.
    """
    words, matrix = _plain_words()  # n_words, (n_words, d)
    norms = np.linalg.norm(matrix, axis=1) * np.linalg.norm(vector)
    sims = np.divide(matrix @ vector, norms, out=np.zeros(len(words)), where=norms > 0)
    sims[[i for i, w in enumerate(words) if w in exclude]] = -np.inf  # never name these
    order = np.argsort(-sims, kind="stable")[:k]
    return [(words[i], float(sims[i])) for i in order]


@cache
def _plain_words() -> tuple[tuple[str, ...], NDArray[np.float64]]:
    """The vocabulary's plain words (with a meaning, not ambiguous) and their ``(n, d)`` vectors,
    built once: every rerun of the sentence lesson asks for nearest words twice."""
    words = tuple(w for w, v in VOCABULARY.items() if any(v) and w not in AMBIGUOUS_WORDS)
    return words, np.array([VOCABULARY[w] for w in words])


def word_vector(word: str) -> NDArray[np.float64]:
    """``(d,)`` embedding of one word (the fallback vector when unknown)."""
    return embed([word.casefold()])[0][0]


Axes = tuple[str, str] | Literal["pca"]


@dataclass(frozen=True)
class Projection:
    """A 2-D view of ``d``-dimensional vectors: ``components (2, d)`` applied after ``center``.

    ``axis_labels`` name the two axes (feature names, or "PC1 (62%)"-style for PCA).
    """

    components: NDArray[np.float64]
    center: NDArray[np.float64]
    axis_labels: tuple[str, str]

    def __call__(self, vectors: NDArray[np.float64]) -> NDArray[np.float64]:
        """``(n, d)`` -> ``(n, 2)``."""
        v = np.asarray(vectors, dtype=np.float64).reshape(-1, self.components.shape[1])
        return (v - self.center) @ self.components.T


def project_2d(vectors: NDArray[np.float64], axes: Axes = "pca") -> Projection:
    """A 2-D projection fitted on ``vectors (n, d)``: two named features, or PCA.

    Fit it on everything you will draw (e.g. inputs and refined vectors stacked) so that arrows
    between them live in one coordinate system. PCA signs are fixed (largest loading positive)
    so the picture does not flip between reruns; with fewer than two directions of spread the
    missing axes are zero.
    """
    d = len(FEATURES)
    v = np.asarray(vectors, dtype=np.float64).reshape(-1, d)
    if axes != "pca":
        x_name, y_name = axes
        for name in (x_name, y_name):
            if name not in FEATURES:
                raise ValueError(f"unknown feature {name!r}; choose from {', '.join(FEATURES)}")
        components = np.zeros((2, d))
        components[0, FEATURES.index(x_name)] = 1.0
        components[1, FEATURES.index(y_name)] = 1.0
        return Projection(components, np.zeros(d), (x_name, y_name))

    center = v.mean(axis=0) if len(v) else np.zeros(d)
    centered = v - center  # (n, d)
    components = np.zeros((2, d))
    explained = np.zeros(2)
    if len(v) >= 2:
        _, s, vt = np.linalg.svd(centered, full_matrices=False)  # vt (k, d)
        total = float(np.sum(s**2))
        for i in range(min(2, len(s))):
            if s[i] > 1e-12:
                direction = vt[i]
                components[i] = direction * np.sign(direction[np.argmax(np.abs(direction))])
                explained[i] = s[i] ** 2 / total
    labels = tuple(f"PC{i + 1} ({explained[i]:.0%}: {_describe(components[i])})" for i in range(2))
    return Projection(components, center, labels)  # type: ignore[arg-type]


def _describe(component: NDArray[np.float64]) -> str:
    """Name a PCA axis by its two strongest features, e.g. "+nature -money"."""
    if not np.any(component):
        return "no spread"
    top = np.argsort(-np.abs(component))[:2]
    return " ".join(
        f"{'+' if component[i] > 0 else '−'}{FEATURES[i]}" for i in top if abs(component[i]) > 0.2
    )
