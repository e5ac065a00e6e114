"""Many heads: several questions at once, each in its own slice of the width (lesson 9).

One head has one question, and softmax gives each word one set of weights. In "I paid money at
the bank by the river", a head that looks for *the topic* must split *bank*'s attention between
*money* and *river*; a head for nature and a head for money can each look at one, and ``W_O``
writes what both found back into the word (Vaswani et al., 3.2.2):

    head_i = Attention(X W_Q^i, X W_K^i, X W_V^i)
    MultiHead(X) = Concat(head_1, ..., head_h) W_O

As in a real transformer, the heads *share* the width: ``d_model`` is cut into ``h`` heads of
``d_head = d_model / h`` (d2l: ``p_q = p_k = p_v = p_o / h``), so ``h`` heads cost what one
full-width head costs. Our toy has ``d_model = 8`` named features and ``h = 4`` heads, so each
head is 2 numbers wide; all-MiniLM-L6-v2 (lesson 11) has 384 = 12 heads x 32, hence its √32.

Shapes: ``X (n, d_model)`` -> ``W_Q^i, W_K^i, W_V^i (d_model, d_head)`` -> ``(h, n, d_head)``
-> concat ``(n, h · d_head) = (n, d_model)`` -> ``W_O (h · d_head, d_model)`` -> ``(n, d_model)``.

Our heads are built by hand from named links so every number can be read: a head's two columns
have names ("nature", "unused"), and ``W_O`` is a named matrix too ("the Nature head's *nature*
writes to the word's *nature*"). A real model learns all of them, and its columns have no names.

PyTorch: ``nn.MultiheadAttention(d_model, h, bias=False, batch_first=True)`` computes the same
``output`` when ``in_proj_weight = cat([w_q.T, w_k.T, w_v.T])`` and ``out_proj.weight = w_o.T``
(an ``nn.Linear`` stores ``W.T``: ``x @ W == F.linear(x, W.T)``); its per-head weights are ours
with ``average_attn_weights=False``. Its boolean ``attn_mask`` means the opposite of ours: True =
*not* allowed. Checked against a fixture made with torch (``tests/fixtures``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .attention import MultiHead, causal_mask, multi_head_attention
from .links import Link, link_matrix
from .predict import SHOWN_PRECISION
from .projections import inputs
from .vocabulary import FEATURES

Array = NDArray[np.float64]

#: How many numbers wide each of lesson 9's heads is: d_model / h = 8 / 4.
D_HEAD = 2


@dataclass(frozen=True)
class NarrowHead:
    """One head of a real width: ``d_head`` named columns of its own, and its block of ``W_O``.

    ``query``, ``key`` and ``value`` are links from a word's feature to one of the head's
    ``slots`` (its columns): they build ``W_Q, W_K, W_V (d_model, d_head)``. ``write`` links a
    slot back to a feature of the word: the head's rows of ``W_O (d_head, d_model)``.
    """

    name: str
    question: str
    slots: tuple[str, ...]
    query: tuple[Link, ...]
    key: tuple[Link, ...]
    value: tuple[Link, ...]
    write: tuple[Link, ...]

    @property
    def w_q(self) -> Array:
        """``(d_model, d_head)`` W_Q: what a word asks, in this head's columns."""
        return link_matrix(self.query, FEATURES, self.slots)

    @property
    def w_k(self) -> Array:
        """``(d_model, d_head)`` W_K: how a word presents itself to this head."""
        return link_matrix(self.key, FEATURES, self.slots)

    @property
    def w_v(self) -> Array:
        """``(d_model, d_head)`` W_V: what a word hands over when this head looks at it."""
        return link_matrix(self.value, FEATURES, self.slots)

    @property
    def w_o(self) -> Array:
        """``(d_head, d_model)`` this head's block of W_O: where its answer goes in the word."""
        return link_matrix(self.write, self.slots, FEATURES)


def _one_thing(name: str, question: str, ask: str, find: str, strength: float) -> NarrowHead:
    """A head whose query is one number: ``ask`` looks for ``find``, and hands ``find`` over.

    It needs only one of its two columns; the other is "unused" (a learned head uses all of its
    width, and nobody can name its columns)."""
    return NarrowHead(
        name,
        question,
        (find, "unused"),
        (Link(ask, find, strength),),
        (Link(find, find),),
        (Link(find, find),),
        (Link(find, find),),
    )


#: Lesson 9's four heads, each 2 wide (4 x 2 = the 8 features): the question each asks, the
#: feature its W_V reads out (what the question is about), and where W_O writes it back.
NARROW_HEADS: dict[str, NarrowHead] = {
    "nature": _one_thing("Nature", "a word looks for nature around it", "nature", "nature", 2.0),
    "money": _one_thing("Money", "a word looks for money around it", "money", "money", 2.0),
    "topic": NarrowHead(
        "Topic",
        "a word looks for its topic",
        ("nature", "money"),
        (Link("nature", "nature", 1.5), Link("money", "money", 1.5)),
        (Link("nature", "nature"), Link("money", "money")),
        (Link("nature", "nature"), Link("money", "money")),
        (Link("nature", "nature"), Link("money", "money")),
    ),
    "action-place": _one_thing(
        "Action → place", "an action looks for where it happened", "action", "place", 1.5
    ),
}


def write_back(heads: Sequence[NarrowHead], active: Sequence[bool] | None = None) -> Array:
    """``(h · d_head, d_model)`` W_O: each head's block stacked, a switched-off head's all zero.

    Nothing is averaged: each head writes its answer into the features it is about, and where
    two heads write the same feature their answers add up (``concat @ W_O`` is the sum over
    heads of ``head_i @ W_O^i``). Switching a head off zeros its block (an "ablation").
    """
    on = np.ones(len(heads), dtype=bool) if active is None else np.asarray(active, dtype=bool)
    if on.shape != (len(heads),):
        raise ValueError(f"active must have one flag per head ({len(heads)}), got {len(on)}")
    return np.vstack([h.w_o * flag for h, flag in zip(heads, on, strict=True)])


@dataclass(frozen=True)
class NamedHeads:
    """Named heads over a sentence: which heads, which are on, and every step of the mix.

    ``result.weights (h, n, n)`` holds every head's pattern, on or off (an off head is still
    computed, so a page can grey it out); only ``output (n, d_model)`` depends on which are on.
    """

    tokens: tuple[str, ...]
    heads: tuple[NarrowHead, ...]
    active: tuple[bool, ...]
    result: MultiHead

    @property
    def weights(self) -> Array:
        return self.result.weights

    @property
    def head_outputs(self) -> Array:
        """``(h, n, d_head)`` what each head found for each word, in its own columns."""
        return self.result.attention.output

    @property
    def found(self) -> Array:
        """``(h, n, d_model)`` what each head would write into each word through its own
        block of W_O (``head_i @ W_O^i``), switched on or not: what a page draws faintly."""
        blocks = np.stack([h.w_o for h in self.heads])  # (h, d_head, d_model)
        return self.head_outputs @ blocks  # (h, n, d_model)

    @property
    def written(self) -> Array:
        """``(h, n, d_model)`` what each head does write into each word (zeros for a head that
        is off); summed over the heads it is ``output``."""
        return self.found * np.asarray(self.active, dtype=float)[:, None, None]

    @property
    def output(self) -> Array:
        """``(n, d_model)`` the refined words: the heads' outputs concatenated, times W_O."""
        return self.result.output


def many_heads(
    sentence: str | ArrayLike,
    heads: Sequence[NarrowHead],
    *,
    active: Sequence[bool] | None = None,
    temperature: float = 1.0,
    scaled: bool = True,
    causal: bool = False,
) -> NamedHeads:
    """Run the heads side by side over a sentence and write them back with ``W_O``.

    ``W_Q`` is the heads' ``W_Q``s side by side (``(d_model, h · d_head)``), likewise ``W_K``
    and ``W_V``; ``W_O`` is ``write_back(heads, active)``. As in a real model the heads share
    the width: ``h · d_head`` must be ``d_model`` (e.g. the four heads of ``NARROW_HEADS``).
    """
    heads = tuple(heads)
    width = sum(len(h.slots) for h in heads)
    if width != len(FEATURES) or len({len(h.slots) for h in heads}) != 1:
        raise ValueError(
            f"the heads must share the {len(FEATURES)} features equally (h · d_head = d_model), "
            f"got widths {[len(h.slots) for h in heads]}: pass the four heads of NARROW_HEADS "
            "and switch some off with active="
        )
    on = tuple(bool(a) for a in (active if active is not None else [True] * len(heads)))
    tokens, x = inputs(sentence)  # (n, d_model)
    result = multi_head_attention(
        x,
        np.hstack([h.w_q for h in heads]),  # (d_model, h · d_head)
        np.hstack([h.w_k for h in heads]),  # (d_model, h · d_head)
        np.hstack([h.w_v for h in heads]),  # (d_model, h · d_head)
        write_back(heads, on),  # (h · d_head, d_model)
        len(heads),
        temperature=temperature,
        scaled=scaled,
        mask=causal_mask(len(x)) if causal else None,
    )
    return NamedHeads(tokens, heads, on, result)


#: The two things lesson 9's *bank* needs to know at once.
BOTH = ("nature", "money")


@dataclass(frozen=True)
class BothAtOnce:
    """How much of two features one word carries after the heads, and the most one head can.

    ``amounts (2,)`` the refined word's two features; ``by_head (h, 2)`` what each head wrote of
    them (0 for a head that is off); ``one_head_most`` the most of the two *together* that any
    one of these heads can write into a word, at any temperature: a head hands over a weighted
    average of its words' values (weights >= 0, summing to 1), so it never passes the word that
    has the most. ``beyond_one_head`` says the refined word carries more than that, by more than
    the screen's two decimals can hide (``SHOWN_PRECISION``, the app's one tie rule): only
    several heads together can do it.
    """

    features: tuple[str, str]
    amounts: Array
    by_head: Array
    one_head_most: float

    @property
    def together(self) -> float:
        return float(self.amounts.sum())

    @property
    def beyond_one_head(self) -> bool:
        return self.together > self.one_head_most + SHOWN_PRECISION


def both_at_once(r: NamedHeads, focus: int, features: tuple[str, str] = BOTH) -> BothAtOnce:
    """What word ``focus`` carries of ``features`` after the heads, next to one head's limit.

    The limit is read off the values each head *could* hand over, switched on or not:
    ``max over heads i and words j of (v_j^i W_O^i)[a] + [b]`` with every head's block of W_O.
    """
    cols = [FEATURES.index(f) for f in features]
    by_head = r.written[:, focus][:, cols]  # (h, 2)
    every = np.vstack([h.w_o for h in r.heads])  # (h · d_head, d_model): all heads on
    h, n, d_head = r.head_outputs.shape
    could = r.result.v @ every.reshape(h, d_head, -1)  # (h, n, d_model): v_j^i W_O^i
    most = float(could[..., cols].sum(axis=-1).max()) if n else 0.0
    return BothAtOnce(features, r.output[focus][cols], by_head, max(most, 0.0))
