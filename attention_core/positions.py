"""Word order: attention alone cannot see it; positional encodings give it back (lesson 10).

Self-attention compares every word with every word, and nothing in ``softmax(Q K^T) V`` knows
which word came first: shuffle the words and every refined vector is shuffled the same way
(permutation equivariance), so "dog bites man" and "man bites dog" mean the same thing to it.

Vaswani et al. (2017, section 3.5) *add* a positional encoding to each word's embedding, with
the same width ``d_model``: sines and cosines of the position at frequencies from 1 down to
1/10000,

    PE[pos, 2i]     = sin(pos / 10000^(2i / d_model))
    PE[pos, 2i + 1] = cos(pos / 10000^(2i / d_model))
    X̃ = X + s · PE

the same convention as the PyTorch tutorial's ``PositionalEncoding`` (``pe[:, 0::2] = sin``,
``pe[:, 1::2] = cos``, and ``forward`` returns ``x + pe[:n]``). Our embedding is the eight named
features, so the positions land on them: the fastest pair (sin0, cos0) is added to *nature* and
*money*, the next to *animal* and *person*, and so on. A real model has hundreds of unnamed
dimensions and learns embeddings that leave room for the positions; here you can see them share.
The paper also multiplies its embeddings by √d_model (√8 ≈ 2.8 here) before adding; our
features, up to 3, are about that size already. Strength ``s = 1`` adds the encoding as the
paper writes it, ``X + PE``. MiniLM (lesson 11) adds positions too, but learned absolute ones:
one trained vector per place, from a table of 512, not sinusoids.

Why adding lets attention tell a sentence from its reversal: the encodings alone compare two
places by their distance only, ``PE(i) · PE(j) = Σ_k cos(ω_k (i − j))``. Added to the words, a
score ``(x_i + p_i) · (x_j + p_j)`` also has ``x_i · p_j``: one word's meaning meets the other's
*place*, and reading backwards moves the places. (Had the positions been put *beside* the
features, those cross terms would vanish and a reversal would still look the same.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .attention import Attention, attention, causal_mask
from .links import Head, Link, identity_links
from .predict import ROUNDING  # the app's one "equal up to rounding"
from .sentence import MAX_TOKENS, embed, tokenize
from .vocabulary import FEATURES, VOCABULARY

Array = NDArray[np.float64]

#: The width of the encodings: that of the embedding they are added to (the eight features).
D_MODEL = len(FEATURES)
#: The paper's base: wavelengths from 2π to 10000 · 2π positions.
BASE = 10_000.0
#: Shuffle numbers run 0 .. SHUFFLES - 1 (the share link's contract, ``shuffle_order``).
SHUFFLES = 1000


def position_dims(d_model: int = D_MODEL) -> tuple[str, ...]:
    """Names of the encoding's dimensions: "sin0", "cos0", "sin1", ... (fastest first)."""
    return tuple(f"{kind}{i}" for i in range(d_model // 2) for kind in ("sin", "cos"))


def frequencies(d_model: int = D_MODEL, base: float = BASE) -> Array:
    """``(d_model // 2,)`` angular frequencies ``1 / base^(2i / d_model)``, from 1 down."""
    if d_model < 2 or d_model % 2:
        raise ValueError(
            f"d_model must be an even number >= 2 (one sin/cos pair each), got {d_model}"
        )
    return base ** (-np.arange(0, d_model, 2) / d_model)  # (d_model // 2,)


def sinusoidal_positions(n: int, d_model: int = D_MODEL, base: float = BASE) -> Array:
    """``(n, d_model)`` sinusoidal encodings of positions 0 .. n-1: sin on even dims, cos on odd."""
    angles = np.arange(n)[:, None] * frequencies(d_model, base)[None, :]  # (n, d_model // 2)
    pe = np.empty((n, d_model))  # (n, d_model)
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe


def with_positions(x: ArrayLike, strength: float = 1.0, base: float = BASE) -> Array:
    """``(n, d)`` -> ``(n, d)``: each word plus ``strength`` × the encoding of its place."""
    x = np.asarray(x, dtype=np.float64)  # (n, d)
    return x + float(strength) * sinusoidal_positions(len(x), x.shape[1], base)  # (n, d)


def positioned(
    text: str, strength: float = 1.0, base: float = BASE, max_tokens: int = MAX_TOKENS
) -> tuple[tuple[str, ...], Array]:
    """The words of ``text`` and their ``(n, d)`` embeddings with their places added."""
    tokens = tuple(tokenize(text)[:max_tokens])
    x, _ = embed(list(tokens))  # (n, d)
    return tokens, with_positions(x, strength, base)


def shift_matrix(d_model: int = D_MODEL, base: float = BASE, steps: int = 1) -> Array:
    """``(d_model, d_model)`` rotation R with ``PE[pos] @ R == PE[pos - steps]`` for every pos.

    Each (sin, cos) pair turns back by ``steps × ω``: sin(a − b) = sin a cos b − cos a sin b and
    cos(a − b) = cos a cos b + sin a sin b. It does not depend on ``pos``: one matrix for all.
    """
    r = np.zeros((d_model, d_model))
    for i, w in enumerate(frequencies(d_model, base)):
        c, s = np.cos(steps * w), np.sin(steps * w)
        r[2 * i : 2 * i + 2, 2 * i : 2 * i + 2] = [[c, s], [-s, c]]  # rows: (sin, cos) in
    return r


# --- a head that looks at the previous word ------------------------------------------------------

#: The dims the previous-word head reads a place from: the fastest (sin0, cos0) pair, which is
#: added to the features *nature* and *money*.
PLACE_DIMS: tuple[str, str] = (FEATURES[0], FEATURES[1])
#: How sharply the previous-word head asks (the scale of its W_Q).
PREVIOUS_WORD_STRENGTH = 8.0


def previous_word_head(strength: float = PREVIOUS_WORD_STRENGTH, base: float = BASE) -> Head:
    """A head that looks at the previous word, working on ``X + s·PE`` like any other head.

    It reads one pair of dims, the fastest (sin0, cos0), which the encoding adds to *nature*
    and *money* (``PLACE_DIMS``). ``W_Q`` turns that pair back by one place and scales it by
    ``strength`` (the top-left block of ``shift_matrix``), ``W_K`` passes it through. For words
    with no nature or money, the query of place ``p`` is ``strength · s · PE(p − 1)`` and the key
    of place ``j`` is ``s · PE(j)`` on that pair, so the score is
    ``strength · s² · cos(p − 1 − j)``: largest at ``j = p − 1``. ``W_V`` is the identity: a
    word hands over its whole vector, meaning and place.

    A hand-built simplification, and the page says how: a word with nature or money in it puts
    meaning where this head reads a place, and one turn of the pair is 2π ≈ 6.3 places, so seven
    places back scores almost as high as one (cos 6 ≈ 0.96). A learned head in a wide model
    reads directions where places and meanings hardly overlap. With ``s = 0`` it has no place to
    read. The first word has no previous word; with a causal mask it can only look at itself.
    """
    r = shift_matrix(D_MODEL, base)[:2, :2] * float(strength)  # (2, 2): the fastest pair only
    query = tuple(
        Link(PLACE_DIMS[a], PLACE_DIMS[b], float(r[a, b]))
        for a in range(2)
        for b in range(2)
        if r[a, b] != 0
    )
    return Head(
        "Previous word",
        "every word looks at the word just before it",
        query=query,
        key=identity_links(PLACE_DIMS),
        value=identity_links(FEATURES),
    )


def blurs_place(tokens: tuple[str, ...] | list[str]) -> NDArray[np.bool_]:
    """``(n,)`` which words have meaning in ``PLACE_DIMS`` (some *nature* or *money*, or the
    made-up vector of a word outside the vocabulary): the previous-word head reads a place
    there, so these words blur its question."""
    x, _ = embed(list(tokens))  # (n, d)
    dims = [FEATURES.index(f) for f in PLACE_DIMS]
    return np.any(x[:, dims] != 0, axis=1)  # (n,)


def looks_at_previous(weights: ArrayLike, margin: float = 0.0) -> NDArray[np.bool_]:
    """``(n - 1,)`` for each word after the first: does the word just before it get the largest
    weight of its row, ahead of every other word by at least ``margin``? ``margin = 0`` lets a
    tie count; a page passes what its screen can tell apart. ``weights`` is ``(n, n)``."""
    w = np.asarray(weights, dtype=np.float64)  # (n, n)
    n = len(w)
    if n < 2:
        return np.zeros(0, dtype=bool)
    back = np.diag(w, k=-1)  # (n - 1,)
    others = w[1:].copy()  # (n - 1, n)
    others[np.arange(n - 1), np.arange(n - 1)] = -np.inf  # leave the previous word out
    return back >= others.max(axis=1) + margin  # (n - 1,)


def previous_word_weights(weights: ArrayLike) -> Array:
    """``(n - 1,)`` the weight each word after the first gives the word just before it."""
    return np.diag(np.asarray(weights, dtype=np.float64), k=-1).copy()  # (n - 1,)


# --- attention is blind to order ---------------------------------------------------------------

#: What can make a shuffle count: the positions added to the words, or the causal mask.
Cause = Literal["positions", "mask"]


@dataclass(frozen=True)
class WordOrder:
    """The same words in two orders, refined by self-attention (plain, or through one head).

    Shapes (``n`` words, ``d`` named features):
        x, x_shuffled       (n, d)  inputs ``X + s·PE``: the words move, the places stay
        original, shuffled  Attention over each; weights (n, n), output (n, d)
    ``order[i]`` is the original index of the word now in slot ``i``. The settings are kept so
    that ``without`` can take one cause of order away and compare.
    """

    tokens: tuple[str, ...]
    order: tuple[int, ...]
    x: Array
    x_shuffled: Array
    original: Attention
    shuffled: Attention
    positions: float
    causal: bool = False
    head: Head | None = None
    temperature: float = 1.0
    scaled: bool = True

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
        """``(n,)`` for each slot of the shuffled sentence, the largest difference between its
        refined word and the same word refined in the original order."""
        moved = self.original.output[list(self.order)]  # (n, d)
        return np.max(np.abs(self.shuffled.output - moved), axis=1, initial=0.0)  # (n,)

    @property
    def gap(self) -> float:
        """Largest difference between the shuffled sentence's refined words and the original
        refined words shuffled the same way (0 = attention is blind to this shuffle)."""
        return float(np.max(self.row_gaps, initial=0.0))

    def word_gap(self, word: int) -> float:
        """The largest difference between word ``word`` (its index in the original sentence)
        refined after the shuffle and the same word refined before it, wherever the shuffle put
        it (0 = it only moved)."""
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

    @property
    def causes(self) -> tuple[Cause, ...]:
        """The causes of order switched on here: ``"positions"`` (strength > 0), ``"mask"``."""
        return (("positions",) if self.positions else ()) + (("mask",) if self.causal else ())

    def without(self, cause: Cause) -> WordOrder:
        """The same words, shuffle and head with one cause of order taken away: the positions
        (strength 0) or the causal mask. Compare its ``gap`` with this one's to see what that
        cause did: a page credits a cause only when taking it away changes the number."""
        if cause not in ("positions", "mask"):
            raise ValueError(f"cause must be 'positions' or 'mask', got {cause!r}")
        return _reorder(
            self.tokens,
            self.order,
            head=self.head,
            positions=0.0 if cause == "positions" else self.positions,
            temperature=self.temperature,
            scaled=self.scaled,
            causal=False if cause == "mask" else self.causal,
        )


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
    """Refine ``text`` and the same words in ``order``, with places added at ``positions``
    strength (``X + s·PE``; 0 is exactly "no positions", so the control is continuous).

    ``head`` None is plain self-attention (``Q = K = V = X̃``); e.g. ``previous_word_head()``
    uses ``X̃ W_Q``, ``X̃ W_K``, ``X̃ W_V``. ``reorder("dog bites man", (2, 1, 0))`` compares it
    with "man bites dog". The places stay where they are and the words move, so with positions
    a moved word is a different vector, and even a reversal changes the result (see the module
    docstring for why). ``causal`` lets each slot look only at itself and the slots before it:
    the mask is tied to the slots, so it sees order even without positions.
    """
    tokens = tuple(tokenize(text)[:MAX_TOKENS])
    return _reorder(
        tokens,
        order,
        head=head,
        positions=positions,
        temperature=temperature,
        scaled=scaled,
        causal=causal,
    )


def _reorder(
    tokens: tuple[str, ...],
    order: tuple[int, ...] | list[int],
    *,
    head: Head | None,
    positions: float,
    temperature: float,
    scaled: bool,
    causal: bool,
) -> WordOrder:
    order = tuple(int(i) for i in order)
    if sorted(order) != list(range(len(tokens))):
        raise ValueError(f"order must be a permutation of 0..{len(tokens) - 1}, got {order}")
    if head is not None and head.dims != FEATURES:
        raise ValueError("reorder's head must work in the named features (see previous_word_head)")
    words, _ = embed(list(tokens))  # (n, d)
    original = with_positions(words, positions)  # (n, d): word i in place i
    shuffled = with_positions(words[list(order)], positions)  # (n, d): the words move, not places

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
        head=head,
        temperature=float(temperature),
        scaled=bool(scaled),
    )


# --- shuffles, numbered ---------------------------------------------------------------------------


def shuffle_count(n: int) -> int:
    """How many orders of ``n`` words move at least one word: ``n! − 1`` (0 for one word)."""
    return math.factorial(n) - 1 if n >= 2 else 0


@lru_cache(maxsize=64)
def numbered_shuffles(n: int, numbers: int = SHUFFLES) -> tuple[tuple[int, ...], ...]:
    """The different shuffles of ``n`` words that the numbers stand for, at most ``numbers``.

    Shuffle number ``k`` is the ``k``-th *different* order met when drawing seeded shuffles
    (``np.random.default_rng(0)``, ``(1)``, ...; the unshuffled order is skipped). So two
    numbers below ``len(...)`` never give the same order, and a long sentence's shuffles look
    random. Three words have only 5 shuffles; 7 words or more have more than 1,000.
    """
    wanted = min(shuffle_count(n), numbers)
    found: dict[tuple[int, ...], None] = {}  # insertion-ordered: the order they were met
    seed = 0
    while len(found) < wanted:
        order = tuple(int(i) for i in np.random.default_rng(seed).permutation(n))
        if order != tuple(range(n)):
            found.setdefault(order)
        seed += 1
    return tuple(found)


def shuffle_order(n: int, number: int) -> tuple[int, ...]:
    """The order of shuffle ``number`` of ``n`` words (``numbered_shuffles``): ``order[i]`` is
    the word now in slot ``i``. A short sentence has fewer shuffles than numbers, so its numbers
    go round: for three words (5 shuffles), 0, 5, 10, ... are the same shuffle. One word (or
    none) cannot be shuffled: its order stays."""
    shuffles = numbered_shuffles(n)
    return shuffles[number % len(shuffles)] if shuffles else tuple(range(n))


def shuffle(text: str, number: int, **kwargs: object) -> WordOrder:
    """``reorder`` with the words of ``text`` in the order of shuffle ``number``
    (``shuffle_order``); ``kwargs`` go to ``reorder`` (head, positions, temperature, ...)."""
    n = len(tokenize(text)[:MAX_TOKENS])
    return reorder(text, shuffle_order(n, number), **kwargs)  # type: ignore[arg-type]


def next_shuffle(n: int, number: int, numbers: int = SHUFFLES) -> int:
    """The number of the shuffle after ``number``'s, among the ``numbered_shuffles`` of ``n``
    words: "shuffle again" always changes the order when another one exists, and pressed again
    and again it shows every shuffle before any comes back. A number past a short sentence's
    count is first brought into it (three words: 7 is shuffle 2, so next comes 3). Two words
    have one shuffle, one word none: then it is simply the next number."""
    count = len(numbered_shuffles(n, numbers))
    if count < 2:
        return (number + 1) % numbers
    return (number % count + 1) % count


# --- the causal mask is generation ---------------------------------------------------------------


@dataclass(frozen=True)
class Generation:
    """A sentence read word by word, as a model that writes it would.

    ``steps[t]`` is causal attention over the first ``t + 1`` words only (the future is not
    written yet, and each word looks back only); ``full`` is causal attention over the whole
    sentence at once. Each step is the top-left corner of ``full``: the rows already written
    never change when a word arrives, which is why a model can train on every row at once.
    """

    tokens: tuple[str, ...]
    x: Array
    steps: tuple[Attention, ...]
    full: Attention

    @property
    def gap(self) -> float:
        """Largest difference between any row of any step and the same row of ``full``."""
        gaps = [
            np.max(np.abs(step.weights - self.full.weights[: t + 1, : t + 1]))
            for t, step in enumerate(self.steps)
        ]
        return float(max(gaps, default=0.0))

    @property
    def matches_reading(self) -> bool:
        """True when every step is the top-left corner of ``full`` (to rounding)."""
        return self.gap <= ROUNDING


def generate(
    text: str, *, positions: float = 0.0, temperature: float = 1.0, scaled: bool = True
) -> Generation:
    """Causal self-attention over each prefix of ``text``, and over all of it at once."""
    tokens, x = positioned(text, positions)  # (n, d)
    kw = {"temperature": temperature, "scaled": scaled}
    steps = tuple(
        attention(x[: t + 1], x[: t + 1], x[: t + 1], mask=causal_mask(t + 1), **kw)
        for t in range(len(x))
    )
    full = attention(x, x, x, mask=causal_mask(len(x)), **kw)
    return Generation(tokens, x, steps, full)
