"""Reading a real model's attention: what each head mostly looks at, and how context moves a word.

Clark et al. (2019), "What Does BERT Look At?", found that many of BERT's heads do one simple
thing: look at the previous token, at the next one, or at ``[SEP]``/``[CLS]`` (a head's "nothing
to do here"), or, for a word split into WordPiece pieces, at the word's other pieces. We find
these from the numbers, not from a list: for every head, the average weight a token gives to each
kind of target. And lesson 6's "bank" returns, in a real model: the cosine similarity of a word's
vector in two sentences, layer by layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.floating]

#: Behaviour -> how a page can name it.
BEHAVIOURS = {
    "previous": "the previous token",
    "next": "the next token",
    "special": "[CLS] / [SEP]",
    "same word": "the other pieces of its own word",
}


@dataclass(frozen=True)
class NamedHead:
    """One head that mostly does one thing: ``share`` is the average weight it gives to it."""

    layer: int
    head: int
    behaviour: str
    share: float


@dataclass(frozen=True)
class HeadBehaviours:
    """What every head of a model does on one sentence.

    ``shares[b]`` is ``(layers, heads)``: the average weight a token puts on behaviour ``b``'s
    target (NaN when the sentence has no such target, e.g. no word split into pieces).
    ``named`` lists the heads whose largest share is at least ``threshold``, strongest first.
    """

    shares: dict[str, FloatArray]
    named: tuple[NamedHead, ...]
    threshold: float

    def heads(self, behaviour: str) -> tuple[NamedHead, ...]:
        """The named heads of one behaviour, strongest first."""
        return tuple(h for h in self.named if h.behaviour == behaviour)

    def label(self, layer: int, head: int) -> NamedHead | None:
        """The behaviour of one head, or None if it does no single thing most of the time."""
        return next((h for h in self.named if (h.layer, h.head) == (layer, head)), None)


def _mean_over_rows(per_row: FloatArray, rows: NDArray[np.bool_]) -> FloatArray:
    """Average ``(..., n)`` over the rows selected by ``rows (n,)``; NaN if none is selected."""
    if not rows.any():
        return np.full(per_row.shape[:-1], np.nan)
    return per_row[..., rows].mean(axis=-1)


def behaviour_shares(
    weights: ArrayLike, word_ids: ArrayLike, special: ArrayLike
) -> dict[str, FloatArray]:
    """Average weight per behaviour for every head.

    Shapes: ``weights (layers, heads, n, n)`` (rows = queries); ``word_ids (n,)`` the word each
    token belongs to (-1 for specials); ``special (n,)`` True for ``[CLS]``/``[SEP]``.
    Returns ``{behaviour: (layers, heads)}``.
    """
    w = np.asarray(weights, dtype=np.float64)  # (L, H, n, n)
    words = np.asarray(word_ids)
    is_special = np.asarray(special, dtype=bool)
    n = w.shape[-1]
    rows = np.arange(n)
    previous = np.zeros((*w.shape[:-2], n))
    previous[..., 1:] = w[..., rows[1:], rows[1:] - 1]  # token i -> token i - 1
    following = np.zeros((*w.shape[:-2], n))
    following[..., :-1] = w[..., rows[:-1], rows[:-1] + 1]  # token i -> token i + 1
    to_special = w[..., :, is_special].sum(axis=-1)  # (L, H, n)
    same = (words[:, None] == words[None, :]) & (words[:, None] >= 0) & ~np.eye(n, dtype=bool)
    to_same_word = (w * same).sum(axis=-1)  # (L, H, n): weight on the word's other pieces
    words_rows = ~is_special if (~is_special).any() else np.ones(n, dtype=bool)
    return {
        "previous": _mean_over_rows(previous, rows >= 1),
        "next": _mean_over_rows(following, rows <= n - 2),
        "special": _mean_over_rows(to_special, words_rows),
        "same word": _mean_over_rows(to_same_word, same.any(axis=1)),
    }


def head_behaviours(
    weights: ArrayLike, word_ids: ArrayLike, special: ArrayLike, threshold: float = 0.5
) -> HeadBehaviours:
    """Name the heads that mostly (share >= ``threshold``) look at one kind of token.

    Same shapes as ``behaviour_shares``. A head gets the behaviour with its largest share."""
    shares = behaviour_shares(weights, word_ids, special)
    names = list(shares)
    stacked = np.stack([shares[b] for b in names])  # (behaviours, L, H)
    filled = np.where(np.isnan(stacked), -np.inf, stacked)
    best = filled.argmax(axis=0)  # (L, H)
    top = filled.max(axis=0)  # (L, H)
    named = [
        NamedHead(int(layer), int(head), names[best[layer, head]], float(top[layer, head]))
        for layer, head in zip(*np.nonzero(top >= threshold), strict=True)
    ]
    named.sort(key=lambda h: (-h.share, h.layer, h.head))
    return HeadBehaviours(shares, tuple(named), float(threshold))


@dataclass(frozen=True)
class HeadLook:
    """One head seen from one token: it looks most at ``target`` (``weight`` of its row), and
    the next largest weight of the row, on any other token, is ``runner_up``."""

    layer: int
    head: int
    target: int
    weight: float
    runner_up: float

    @property
    def margin(self) -> float:
        """How clearly ``target`` wins its row: its weight minus the runner-up's."""
        return self.weight - self.runner_up


#: Behaviours that say where a token sits, not what it means: a head that mostly does one of
#: them is not reading the sentence for meaning.
SIMPLE = ("previous", "next", "special")


def heads_that_look(
    weights: ArrayLike,
    word_ids: ArrayLike,
    special: ArrayLike,
    asker: int,
    threshold: float = 0.5,
) -> tuple[HeadLook, ...]:
    """The heads in which token ``asker`` looks most at another word of the sentence.

    A head counts when the largest weight of the asker's row falls on a token that is not
    ``[CLS]``/``[SEP]``, not the asker, not a piece of its own word and not its neighbour (that
    would be position, not meaning), and the head does not mostly (``threshold``) do a simple
    thing over the whole sentence (look at the previous or next token, rest on
    ``[CLS]``/``[SEP]``: ``head_behaviours``). Clearest first: largest ``margin``.
    Same shapes as ``behaviour_shares``; lesson 11's presets were chosen with it.
    """
    w = np.asarray(weights, dtype=np.float64)  # (L, H, n, n)
    words = np.asarray(word_ids)
    is_special = np.asarray(special, dtype=bool)
    rows = w[:, :, asker]  # (L, H, n): where the asker looks, in every head
    ranked = np.sort(rows, axis=-1)  # (L, H, n), ascending
    top = rows.argmax(axis=-1)  # (L, H)
    own_word = (words == words[asker]) & (words >= 0)  # (n,) its own pieces (and itself)
    near = np.abs(np.arange(len(words)) - asker) <= 1  # (n,) itself and its neighbours
    allowed = ~is_special & ~own_word & ~near  # (n,)
    shares = behaviour_shares(w, words, is_special)
    simple = np.stack([np.nan_to_num(shares[b], nan=0.0) for b in SIMPLE]).max(axis=0)  # (L, H)
    looks = [
        HeadLook(
            int(la), int(he), int(top[la, he]), float(ranked[la, he, -1]), float(ranked[la, he, -2])
        )
        for la, he in np.ndindex(top.shape)
        if allowed[top[la, he]] and simple[la, he] < threshold
    ]
    return tuple(sorted(looks, key=lambda h: (-h.margin, h.layer, h.head)))


def cosine_by_layer(
    hidden_a: ArrayLike, index_a: int, hidden_b: ArrayLike, index_b: int
) -> FloatArray:
    """Cosine similarity of one token's vector in two sentences, at every layer.

    Shapes: ``hidden_a (layers + 1, n_a, d)``, ``hidden_b (layers + 1, n_b, d)`` ->
    ``(layers + 1,)``, entry 0 being the embeddings, before any attention. A zero vector gives 0.
    """
    a = np.asarray(hidden_a, dtype=np.float64)[:, index_a]  # (layers + 1, d)
    b = np.asarray(hidden_b, dtype=np.float64)[:, index_b]  # (layers + 1, d)
    norms = np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1)  # (layers + 1,)
    dots = np.sum(a * b, axis=-1)
    return np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
