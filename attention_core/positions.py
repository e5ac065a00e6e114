"""Word order: attention alone cannot see it; positional encodings give it back (lesson 10).

Self-attention compares every word with every word, and nothing in ``softmax(Q K^T) V`` knows
which word came first: shuffle the words and every refined vector is shuffled the same way
(permutation equivariance), so "dog bites man" and "man bites dog" mean the same thing to it.

Vaswani et al. (2017, section 3.5) add a *positional encoding* to each word: sines and cosines of
the position at frequencies from 1 down to 1/10000,

    PE[pos, 2i]     = sin(pos / 10000^(2i / d_pos))
    PE[pos, 2i + 1] = cos(pos / 10000^(2i / d_pos))

the same convention as the PyTorch tutorial's ``PositionalEncoding`` (``pe[:, 0::2] = sin``,
``pe[:, 1::2] = cos``). The paper *adds* them to the embedding; we put them in extra dimensions
next to the named features, with a strength, so the features stay readable. Moving one position
back is a fixed rotation of each (sin, cos) pair, which is why a head can learn "look at the
previous word" (``previous_word_head``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .attention import Attention, attention, causal_mask
from .links import Head, Link, identity_links
from .sentence import MAX_TOKENS, embed, tokenize
from .vocabulary import FEATURES, VOCABULARY

Array = NDArray[np.float64]

#: Positional dimensions added next to the named features (even: one sin/cos pair per frequency).
D_POS = 8
#: The paper's base: wavelengths from 2π to 10000 · 2π positions.
BASE = 10_000.0
#: Differences up to this are float rounding, not a different result.
ROUNDING = 1e-12


def position_dims(d_pos: int = D_POS) -> tuple[str, ...]:
    """Names of the positional dimensions: "sin0", "cos0", "sin1", ... (fastest first)."""
    return tuple(f"{kind}{i}" for i in range(d_pos // 2) for kind in ("sin", "cos"))


def frequencies(d_pos: int = D_POS, base: float = BASE) -> Array:
    """``(d_pos // 2,)`` angular frequencies ``1 / base^(2i / d_pos)``, from 1 down."""
    if d_pos < 2 or d_pos % 2:
        raise ValueError(f"d_pos must be an even number >= 2 (one sin/cos pair each), got {d_pos}")
    return base ** (-np.arange(0, d_pos, 2) / d_pos)  # (d_pos // 2,)


def sinusoidal_positions(n: int, d_pos: int = D_POS, base: float = BASE) -> Array:
    """``(n, d_pos)`` sinusoidal encodings of positions 0 .. n-1: sin on even dims, cos on odd."""
    angles = np.arange(n)[:, None] * frequencies(d_pos, base)[None, :]  # (n, d_pos // 2)
    pe = np.empty((n, d_pos))  # (n, d_pos)
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe


def with_positions(
    x: ArrayLike, strength: float = 1.0, d_pos: int = D_POS, base: float = BASE
) -> Array:
    """``(n, d)`` -> ``(n, d + d_pos)``: the embeddings, then ``strength`` × their positions."""
    x = np.asarray(x, dtype=np.float64)
    pe = sinusoidal_positions(len(x), d_pos, base)  # (n, d_pos)
    return np.concatenate([x, float(strength) * pe], axis=1)  # (n, d + d_pos)


def positioned(
    text: str,
    strength: float = 1.0,
    d_pos: int = D_POS,
    base: float = BASE,
    max_tokens: int = MAX_TOKENS,
) -> tuple[tuple[str, ...], Array]:
    """The words of ``text`` and their ``(n, d + d_pos)`` embeddings with positions appended."""
    tokens = tuple(tokenize(text)[:max_tokens])
    x, _ = embed(list(tokens))  # (n, d)
    return tokens, with_positions(x, strength, d_pos, base)


def shift_matrix(d_pos: int = D_POS, base: float = BASE, steps: int = 1) -> Array:
    """``(d_pos, d_pos)`` rotation R with ``PE[pos] @ R == PE[pos - steps]`` for every pos.

    Each (sin, cos) pair turns back by ``steps × ω``: sin(a − b) = sin a cos b − cos a sin b and
    cos(a − b) = cos a cos b + sin a sin b. It does not depend on ``pos``: one matrix for all.
    """
    r = np.zeros((d_pos, d_pos))
    for i, w in enumerate(frequencies(d_pos, base)):
        c, s = np.cos(steps * w), np.sin(steps * w)
        r[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = [[c, s], [-s, c]]  # rows: (sin, cos) in
    return r


def previous_word_head(strength: float = 3.0, d_pos: int = D_POS, base: float = BASE) -> Head:
    """A head that looks at the previous word: its query is the position one step back.

    ``W_Q`` maps ``PE(pos)`` to ``strength × PE(pos − 1)`` (``shift_matrix``), ``W_K`` passes a
    word's position through, so the score ``PE(i − 1) · PE(j)`` peaks at ``j = i − 1``; ``W_V``
    hands over the named features: the previous word's meaning. Without positions (strength 0
    in ``with_positions``) every query is zero and the head sees an even average.

    The first word has no previous word: its query ``PE(−1)`` lands where the fastest sinusoid
    comes round again (about 2π ≈ 6 positions on). With ``causal=True`` it looks at itself.
    """
    pos = position_dims(d_pos)
    r = shift_matrix(d_pos, base) * float(strength)
    query = tuple(
        Link(pos[a], pos[b], float(r[a, b]))
        for a in range(d_pos)
        for b in range(d_pos)
        if r[a, b] != 0
    )
    return Head(
        "Previous word",
        "every word looks at the word just before it",
        query=query,
        key=identity_links(pos),
        value=identity_links(FEATURES),
        dims=FEATURES + pos,
    )


# --- attention is blind to order ---------------------------------------------------------------


@dataclass(frozen=True)
class WordOrder:
    """The same words in two orders, refined by self-attention (plain, or through one head).

    Shapes (``n`` words, ``d`` named features, ``d_pos`` positional dims):
        x, x_shuffled       (n, d + d_pos)  inputs; positions belong to slots, not to words
        original, shuffled  Attention over each; weights (n, n), output (n, d + d_pos)
    ``order[i]`` is the original index of the word now in slot ``i``.
    """

    tokens: tuple[str, ...]
    order: tuple[int, ...]
    x: Array
    x_shuffled: Array
    original: Attention
    shuffled: Attention
    positions: float
    causal: bool = False

    @property
    def shuffled_tokens(self) -> tuple[str, ...]:
        return tuple(self.tokens[i] for i in self.order)

    @property
    def unknown_words(self) -> tuple[str, ...]:
        """The words outside the vocabulary (they get a small made-up vector, as in ``embed``)."""
        return tuple(t for t in self.tokens if t not in VOCABULARY)

    @property
    def is_reversal(self) -> bool:
        """True when the shuffle reads the sentence backwards (every distance between two
        words is kept, only the direction flips)."""
        return len(self.order) >= 2 and self.order == tuple(range(len(self.order)))[::-1]

    @property
    def row_gaps(self) -> Array:
        """``(n,)`` for each slot of the shuffled sentence, the largest difference over the named
        features between its refined word and the same word refined in the original order."""
        d = len(FEATURES)
        moved = self.original.output[list(self.order), :d]  # (n, d)
        return np.max(np.abs(self.shuffled.output[:, :d] - moved), axis=1, initial=0.0)  # (n,)

    @property
    def gap(self) -> float:
        """Largest difference, over the named features, between the shuffled sentence's refined
        words and the original refined words shuffled the same way (0 = attention is blind)."""
        return float(np.max(self.row_gaps, initial=0.0))

    def word_gap(self, word: int) -> float:
        """The largest difference, over the named features, between word ``word`` (its index in
        the original sentence) refined after the shuffle and the same word refined before it,
        wherever the shuffle put it (0 = it only moved)."""
        if not 0 <= word < len(self.order):
            raise ValueError(f"word must be an index 0..{len(self.order) - 1}, got {word}")
        return float(self.row_gaps[self.order.index(word)])

    def changed(self, word: int) -> bool:
        """True when the shuffle changed word ``word``'s refined vector (beyond rounding), rather
        than only moving it to another place."""
        return self.word_gap(word) > ROUNDING

    @property
    def same_up_to_order(self) -> bool:
        """True when shuffling the words only shuffled the refined vectors (to rounding)."""
        return self.gap <= ROUNDING


def reorder(
    text: str,
    order: tuple[int, ...] | list[int],
    *,
    head: Head | None = None,
    positions: float = 0.0,
    temperature: float = 1.0,
    scaled: bool = True,
    causal: bool = False,
) -> WordOrder:
    """Refine ``text`` and the same words in ``order``, with positions of ``positions`` strength.

    ``head`` None is plain self-attention (``Q = K = V = X``); e.g. ``previous_word_head()``
    uses ``X W_Q``, ``X W_K``, ``X W_V``. The positional dimensions are always there
    (``d_k = d + D_POS``), so strength 0 is exactly "no positions" and the control is continuous.
    ``reorder("dog bites man", (2, 1, 0))`` compares it with "man bites dog".

    A subtlety the numbers show: with positions but no head, the score of two words depends on
    their *distance* only (``PE(i) · PE(j)`` is a sum of ``cos(ω (i − j))``), so reversing a
    sentence ("dog bites man" -> "man bites dog") keeps every distance and the result is still
    only permuted; any other shuffle changes it. A head that looks *back*, like the previous-word
    head, tells the two directions apart. ``same_up_to_order`` says which case is on screen.
    ``causal`` lets each slot look only at itself and the slots before it: the mask is tied to
    the slots, so it sees order even without positions.
    """
    tokens, original = positioned(text, positions)  # (n, d + d_pos)
    order = tuple(int(i) for i in order)
    if sorted(order) != list(range(len(tokens))):
        raise ValueError(f"order must be a permutation of 0..{len(tokens) - 1}, got {order}")
    d = len(FEATURES)
    if head is not None and head.dims != FEATURES + position_dims(D_POS):
        raise ValueError(
            "reorder's head must work in the features + positions (see previous_word_head)"
        )
    shuffled = original.copy()  # (n, d + d_pos)
    shuffled[:, :d] = original[list(order), :d]  # the words move, the positions stay in place

    mask = causal_mask(len(tokens)) if causal else None  # (n, n) or no mask

    def attend(x: Array) -> Attention:
        q, k, v = (x, x, x) if head is None else (x @ head.w_q, x @ head.w_k, x @ head.w_v)
        return attention(q, k, v, temperature=temperature, scaled=scaled, mask=mask)

    return WordOrder(
        tokens=tokens,
        order=order,
        x=original,
        x_shuffled=shuffled,
        original=attend(original),
        shuffled=attend(shuffled),
        positions=float(positions),
        causal=bool(causal),
    )


def shuffle_order(n: int, seed: int = 0) -> tuple[int, ...]:
    """A seeded shuffle of ``range(n)`` that moves something whenever ``n >= 2``."""
    order = np.random.default_rng(seed).permutation(n)
    if n >= 2 and (order == np.arange(n)).all():
        order = np.roll(order, 1)
    return tuple(int(i) for i in order)


def shuffle(text: str, seed: int, **kwargs: object) -> WordOrder:
    """``reorder`` with the words of ``text`` in the order of shuffle number ``seed``
    (``shuffle_order``); ``kwargs`` go to ``reorder`` (head, positions, temperature, ...)."""
    n = len(tokenize(text)[:MAX_TOKENS])
    return reorder(text, shuffle_order(n, seed), **kwargs)  # type: ignore[arg-type]


def next_shuffle(n: int, seed: int, seeds: int = 1000) -> int:
    """The next seed (counting on from ``seed``, round ``seeds``) whose shuffle of ``n`` words
    differs from ``seed``'s, so a "shuffle again" button always changes something it can."""
    current = shuffle_order(n, seed)
    for step in range(1, seeds):
        candidate = (seed + step) % seeds
        if shuffle_order(n, candidate) != current:
            return candidate
    return (seed + 1) % seeds  # fewer than three words: one shuffle (or none) exists


def looks_at_previous(weights: ArrayLike) -> NDArray[np.bool_]:
    """``(n - 1,)`` for each word after the first: is the word just before it (one of) the
    words it gives the largest weight? ``weights`` is ``(n, n)``."""
    w = np.asarray(weights, dtype=np.float64)  # (n, n)
    if len(w) < 2:
        return np.zeros(0, dtype=bool)
    return np.diag(w, k=-1) >= w[1:].max(axis=1)  # (n - 1,)


def previous_word_weights(weights: ArrayLike) -> Array:
    """``(n - 1,)`` the weight each word after the first gives the word just before it."""
    return np.diag(np.asarray(weights, dtype=np.float64), k=-1).copy()  # (n - 1,)


# --- the causal mask is generation ---------------------------------------------------------------


@dataclass(frozen=True)
class Generation:
    """A sentence read word by word, as a model that writes it would.

    ``steps[t]`` is attention over the first ``t + 1`` words only (the future is not written
    yet); ``full`` is causal attention over the whole sentence at once. Row ``t`` of ``full`` is
    the last row of ``steps[t]``: the causal mask is exactly "each word may only look back".
    """

    tokens: tuple[str, ...]
    x: Array
    steps: tuple[Attention, ...]
    full: Attention

    @property
    def matches_reading(self) -> bool:
        """True when every row of ``full`` is its step's last row (to rounding)."""
        return self.gap <= ROUNDING

    @property
    def gap(self) -> float:
        """Largest difference between a step's last row and the same row of ``full``."""
        gaps = [
            np.max(np.abs(step.weights[-1] - self.full.weights[t, : t + 1]))
            for t, step in enumerate(self.steps)
        ]
        return float(max(gaps, default=0.0))


def generate(
    text: str, *, positions: float = 0.0, temperature: float = 1.0, scaled: bool = True
) -> Generation:
    """Self-attention over each prefix of ``text``, and causal attention over all of it."""
    tokens, x = positioned(text, positions)  # (n, d + d_pos)
    kw = {"temperature": temperature, "scaled": scaled}
    steps = tuple(attention(x[: t + 1], x[: t + 1], x[: t + 1], **kw) for t in range(len(x)))
    full = attention(x, x, x, mask=causal_mask(len(x)), **kw)
    return Generation(tokens, x, steps, full)
