"""Attention between two sentences: translating *ci-dessous* (lesson 14).

The source notes' soft dictionary looked up one French word. A translation model does that for
every English word it writes: the **encoder** reads the French sentence, the **decoder** writes
the English one, and in between sits **cross-attention** (Vaswani et al. 2017, section 3.2.3,
"encoder-decoder attention"):

    CrossAttention(Y, X) = softmax((Y W_Q) (X W_K)^T / sqrt(d_k)) (X W_V)

The queries come from the English words (``Y``, ``n_en`` rows), the keys and values from the
French words (``X``, ``n_fr`` rows), so the weight matrix is ``n_en × n_fr``: not square, and
its row ``i`` and column ``i`` are *different words* of different sentences. No row "looks at
itself". The decoder's own self-attention (English × English) is causal, as in lesson 10: a
word being written may not look at the words after it. Cross-attention needs no such mask: the
whole French sentence is there from the start.

Batches of sentences of different lengths are padded to the longest with a ``<pad>`` token,
and a **key padding mask** keeps every query off the padding: PyTorch's convention
(``nn.MultiheadAttention(key_padding_mask=...)``: ``True`` = padding, ignore it) and d2l's
``masked_softmax`` (which writes ``-1e6`` where we write ``-inf``: both give weight 0).

The toy world: a small bilingual vocabulary over eight named features, French and English words
with the same meaning sharing one vector, and the sinusoidal positions of lesson 10 added to
both sentences (each counts its places from 0). One head as wide as the model (``h = 1``,
``d_head = d_model = 8``) with ``W_Q = W_K = W_V = I``: a word's query, key and value are its
meaning plus its place. A trained model learns its three matrices, has many heads, and asks with
the decoder's state *before* the next word (its inputs are shifted right by one); here a row is
labelled by the English word it writes, as in Bahdanau et al.'s alignment figures.

And the cost: ``n`` queries × ``n`` keys is ``n²`` weights, so time and memory grow fourfold
every time the text doubles (``attention_cost`` measures it).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .attention import Attention, attention, causal_mask
from .positions import with_positions
from .predict import ROUNDING
from .sentence import tokenize, unknown_vector

Array = NDArray[np.float64]

#: What each coordinate of the bilingual toy world means (the width d_model = 8).
BILINGUAL_FEATURES: tuple[str, ...] = (
    "article",
    "animal",
    "small",
    "colour",
    "warm",
    "action",
    "food",
    "down",
)

# (profile, French words, English words): every word in both strings gets the profile.
_PAIRS: tuple[tuple[dict[str, float], str, str], ...] = (
    ({"article": 3.0}, "le la les un une", "the a an"),
    ({"animal": 3.0, "small": 1.0}, "chat chats", "cat cats"),
    ({"animal": 3.0}, "chien chiens", "dog dogs"),
    ({"animal": 2.0, "small": 3.0}, "souris", "mouse mice"),
    ({"small": 3.0}, "petit petite petits", "small little"),
    ({"colour": 3.0, "warm": 2.0}, "rouge rouges", "red"),
    ({"colour": 3.0}, "bleu bleue bleus", "blue"),
    ({"action": 3.0}, "dort dorment", "sleeps sleep sleeping"),
    ({"action": 2.0, "food": 2.0}, "mange mangent", "eats eat eating"),
    ({"action": 1.0}, "est sont", "is are"),
    ({"food": 3.0}, "pain", "bread"),
    ({"food": 3.0, "warm": 1.0}, "gâteau gateau", "cake"),
    # The story's word: not in lesson 2's dictionary, and yet it means "below".
    ({"down": 3.0}, "ci-dessous dessous", "below underneath"),
    ({"down": 2.5}, "sous", "under"),
)


def _table(side: int) -> dict[str, tuple[float, ...]]:
    table = {}
    for profile, *words in _PAIRS:
        for word in words[side].split():
            table[word] = tuple(float(profile.get(f, 0.0)) for f in BILINGUAL_FEATURES)
    return table


#: French word -> its vector, and English word -> its vector (a word and its translation agree).
FRENCH: dict[str, tuple[float, ...]] = _table(0)
ENGLISH: dict[str, tuple[float, ...]] = _table(1)
#: The padding token: a zero vector (like ``nn.Embedding(padding_idx=...)``), plus its place.
PAD = "<pad>"
#: The longest sentence read, in words, on either side (longer text is cut).
MAX_WORDS = 12
#: The sizes ``attention_cost`` is measured at: 8 to 4,096 tokens, doubling.
COST_SIZES: tuple[int, ...] = tuple(2**k for k in range(3, 13))


def bilingual_embed(
    tokens: Sequence[str], vocabulary: dict[str, tuple[float, ...]]
) -> tuple[Array, NDArray[np.bool_]]:
    """``(n, 8)`` vectors of ``tokens`` and an ``(n,)`` mask of the words the toy world knows.

    ``<pad>`` is all zeros; a word outside the vocabulary gets lesson 6's small made-up vector
    (the same word, the same vector, on every machine).
    """
    known = np.array([t in vocabulary or t == PAD for t in tokens], dtype=bool)  # (n,)
    rows = [
        np.zeros(len(BILINGUAL_FEATURES))
        if t == PAD
        else np.array(vocabulary[t])
        if t in vocabulary
        else unknown_vector(t)
        for t in tokens
    ]
    x = np.stack(rows) if rows else np.zeros((0, len(BILINGUAL_FEATURES)))  # (n, 8)
    return x, known


def cross_attention(
    decoder: ArrayLike,
    encoder: ArrayLike,
    *,
    key_padding_mask: ArrayLike | None = None,
    temperature: float = 1.0,
    scaled: bool = True,
) -> Attention:
    """The decoder's words ask, the encoder's words answer: ``softmax(Y X^T / √d) X``.

    Shapes: ``decoder (..., n_q, d)`` queries; ``encoder (..., n_k, d)`` keys and values;
    ``key_padding_mask (..., n_k)`` bool, True = padding (PyTorch's convention) -> ``Attention``
    with weights ``(..., n_q, n_k)``: one row per decoder word, one column per encoder word.
    No causal mask: every English word may look at every French word.
    """
    may_attend = None
    if key_padding_mask is not None:
        may_attend = ~np.asarray(key_padding_mask, dtype=bool)[..., None, :]  # (..., 1, n_k)
    return attention(
        decoder, encoder, encoder, mask=may_attend, temperature=temperature, scaled=scaled
    )


@dataclass(frozen=True)
class Translation:
    """One French sentence (encoder) and its English translation (decoder), and their attention.

    Shapes (``n_fr`` French words, ``n_en`` English words, ``d = 8`` features):
        source, target    the words (n_fr,) and (n_en,)
        known_source/target  (n_fr,), (n_en,) bool: in the toy vocabulary
        x_source          (n_fr, d)      French words + s·PE: the keys and values
        x_target          (n_en, d)      English words + s·PE: the queries
        decoder           Attention, weights (n_en, n_en): the English words among themselves,
                          causal (a word may look back only)
        cross             Attention, weights (n_en, n_fr): each English word over the French
                          words, no mask
    """

    source: tuple[str, ...]
    target: tuple[str, ...]
    known_source: NDArray[np.bool_]
    known_target: NDArray[np.bool_]
    x_source: Array
    x_target: Array
    decoder: Attention
    cross: Attention
    positions: float
    cut: bool

    @property
    def weights(self) -> Array:
        """``(n_en, n_fr)`` the cross-attention weights: rows English, columns French."""
        return self.cross.weights

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_en, n_fr)``: queries × keys, square only when the sentences have one length."""
        return self.cross.weights.shape  # type: ignore[return-value]

    @property
    def unknown_words(self) -> tuple[str, ...]:
        """The words of either sentence outside the toy vocabulary (each once, in order)."""
        words = [w for w, k in zip(self.source, self.known_source, strict=True) if not k]
        words += [w for w, k in zip(self.target, self.known_target, strict=True) if not k]
        return tuple(dict.fromkeys(words))


def words(text: str, max_words: int = MAX_WORDS) -> tuple[tuple[str, ...], bool]:
    """The first ``max_words`` words of ``text`` (lower case), and whether any were cut."""
    tokens = tokenize(text)
    return tuple(tokens[:max_words]), len(tokens) > max_words


def translate(
    source: str,
    target: str,
    *,
    positions: float = 1.0,
    temperature: float = 1.0,
    scaled: bool = True,
) -> Translation:
    """Read the French ``source`` and the English ``target``, then let the English words ask.

    Both sentences get their places added (``X + s·PE``, each from place 0). The decoder's
    self-attention is causal; cross-attention (English queries, French keys and values) is not.
    """
    fr, cut_fr = words(source)
    en, cut_en = words(target)
    x_fr, known_fr = bilingual_embed(fr, FRENCH)
    x_en, known_en = bilingual_embed(en, ENGLISH)
    x_fr = with_positions(x_fr, positions)  # (n_fr, d): the encoder's words, placed
    x_en = with_positions(x_en, positions)  # (n_en, d): the decoder's words, placed
    look_back = causal_mask(len(en))  # (n_en, n_en)
    decoder = attention(
        x_en, x_en, x_en, mask=look_back, temperature=temperature, scaled=scaled
    )  # (n_en, n_en): English looks back at English
    cross = cross_attention(x_en, x_fr, temperature=temperature, scaled=scaled)  # (n_en, n_fr)
    return Translation(
        fr, en, known_fr, known_en, x_fr, x_en, decoder, cross, float(positions), cut_fr or cut_en
    )


# ---- a batch: sentences of different lengths, padded ---------------------------------------


def key_padding_mask(lengths: Sequence[int], n: int | None = None) -> NDArray[np.bool_]:
    """``(b, n)`` True where a sentence of the batch has no word, only padding (PyTorch's
    ``key_padding_mask``: True = ignore). ``n`` defaults to the longest length."""
    lengths = np.asarray(lengths, dtype=int)  # (b,)
    n = int(lengths.max(initial=0)) if n is None else n
    return np.arange(n)[None, :] >= lengths[:, None]  # (b, n)


def pad(sentences: Sequence[Sequence[str]], n: int | None = None) -> tuple[tuple[str, ...], ...]:
    """Each sentence followed by ``<pad>`` up to ``n`` words (default: the longest)."""
    n = max((len(s) for s in sentences), default=0) if n is None else n
    return tuple((*s, *(PAD,) * (n - len(s))) for s in sentences)


@dataclass(frozen=True)
class PaddedBatch:
    """Several translations computed at once, as a model trains: padded to one length.

    Shapes (``b`` pairs, ``n_fr`` / ``n_en`` the longest French / English sentence):
        sources, targets   b sentences, padded with ``<pad>`` to n_fr / n_en words
        source_lengths, target_lengths  (b,) the real words of each
        padding            (b, n_fr) bool, True = a padded French place (the key padding mask)
        x_source           (b, n_fr, d)   x_target (b, n_en, d)
        cross              Attention, weights (b, n_en, n_fr); masked when ``masked``
        on_padding         (b, n_en) the weight each English row gives to padding
    A padded English row (a ``<pad>`` query) is computed too, as in a real batch, and thrown
    away by the loss; the page draws the real rows.
    """

    sources: tuple[tuple[str, ...], ...]
    targets: tuple[tuple[str, ...], ...]
    source_lengths: NDArray[np.intp]
    target_lengths: NDArray[np.intp]
    padding: NDArray[np.bool_]
    x_source: Array
    x_target: Array
    cross: Attention
    masked: bool

    @property
    def on_padding(self) -> Array:
        """``(b, n_en)`` each English row's total weight on the padded French places."""
        return np.sum(self.cross.weights * self.padding[:, None, :], axis=-1)  # (b, n_en)

    def leak(self, i: int) -> Array:
        """``(n_en_i,)`` the weight on padding of pair ``i``'s real English words."""
        return self.on_padding[i, : self.target_lengths[i]]


def padded_batch(
    pairs: Sequence[tuple[str, str]],
    *,
    masked: bool = True,
    positions: float = 1.0,
    temperature: float = 1.0,
    scaled: bool = True,
) -> PaddedBatch:
    """Translate ``pairs`` of (French, English) in one batch, padded to the longest sentence;
    with ``masked``, the key padding mask keeps every query off the French padding."""
    fr = [words(s)[0] for s, _ in pairs]
    en = [words(t)[0] for _, t in pairs]
    sources, targets = pad(fr), pad(en)
    x_fr = np.stack([bilingual_embed(s, FRENCH)[0] for s in sources])  # (b, n_fr, d)
    x_en = np.stack([bilingual_embed(t, ENGLISH)[0] for t in targets])  # (b, n_en, d)
    x_fr = np.stack([with_positions(x, positions) for x in x_fr])  # padding gets its place too
    x_en = np.stack([with_positions(x, positions) for x in x_en])
    padding = key_padding_mask([len(s) for s in fr], x_fr.shape[1])  # (b, n_fr)
    cross = cross_attention(
        x_en, x_fr, key_padding_mask=padding if masked else None, temperature=temperature,
        scaled=scaled,
    )  # fmt: skip
    return PaddedBatch(
        sources, targets, np.array([len(s) for s in fr], dtype=np.intp),
        np.array([len(t) for t in en], dtype=np.intp), padding, x_fr, x_en, cross, bool(masked),
    )  # fmt: skip


#: The pair that shares the batch with the one on screen: the long one when the French on
#: screen is shorter than it, else the short one, so the two always differ in length.
LONG_PAIR = (
    "le petit chien rouge mange le gâteau ci-dessous",
    "the small red dog eats the cake below",
)
SHORT_PAIR = ("le chat dort", "the cat sleeps")


def batch_mate(source: str) -> tuple[str, str]:
    """The pair batched with ``source``: one of another length, so one of them is padded."""
    return LONG_PAIR if len(words(source)[0]) < len(words(LONG_PAIR[0])[0]) else SHORT_PAIR


def leaks(weights_on_padding: ArrayLike) -> bool:
    """Whether any row gives padding more than rounding: what the mask is there to prevent."""
    return bool(np.any(np.asarray(weights_on_padding) > ROUNDING))


# ---- the cost: n queries × n keys ------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    """What one self-attention over ``n`` tokens costs.

    ``weights`` = n² numbers; ``weight_bytes`` the weight matrix in memory; ``held_bytes`` every
    ``n × n`` matrix the result keeps (scores, scaled scores, weights); ``seconds`` the fastest
    of the timed runs (a measurement: it changes from run to run and machine to machine).
    """

    n: int
    weights: int
    weight_bytes: int
    held_bytes: int
    seconds: float
    dtype: str


def attention_cost(
    n: int, *, d_k: int = len(BILINGUAL_FEATURES), repeats: int = 3, dtype: type = np.float32
) -> Cost:
    """Time the core's ``attention`` on ``n`` random tokens (``n`` queries × ``n`` keys).

    ``(n, d_k)`` inputs in ``dtype`` (float32: half the memory of float64). The arrays are
    dropped before returning, so only the numbers stay.
    """
    x = np.random.default_rng(n).standard_normal((n, d_k)).astype(dtype)  # (n, d_k)
    best = np.inf
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        result = attention(x, x, x)  # weights (n, n)
        best = min(best, time.perf_counter() - start)
    kept = {id(a): a.nbytes for a in (result.scores, result.scaled_scores, result.weights)}
    return Cost(
        n, n * n, int(result.weights.nbytes), int(sum(kept.values())), float(best),
        str(result.weights.dtype),
    )  # fmt: skip
