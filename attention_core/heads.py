"""Many heads: several questions at once, side by side, mixed back by ``W_O`` (lesson 9).

One head has one question. In "I paid money at the bank by the river", a head that looks for
*the topic* must split *bank*'s attention between *money* and *river*; a head for nature and a
head for money can each look at one, and ``W_O`` mixes what they found (Vaswani et al., 3.2.2):

    head_i = Attention(X W_Q^i, X W_K^i, X W_V^i)
    MultiHead(X) = Concat(head_1, ..., head_h) W_O

Shapes: ``X (n, d_model)`` -> ``(h, n, d_head)`` per head -> concat ``(n, h · d_head)`` -> ``W_O``
-> ``(n, d_out)``. With our named heads each head keeps all ``d_head = d = 8`` features so its
numbers stay readable (a real model slices ``d_model`` into ``h`` thinner heads).

PyTorch: with ``d_model == h · d_head == embed_dim``, ``nn.MultiheadAttention(embed_dim, h,
bias=False, batch_first=True)`` computes the same ``output`` when
``in_proj_weight = cat([w_q.T, w_k.T, w_v.T])`` and ``out_proj.weight = w_o.T`` (an
``nn.Linear`` stores ``W.T``: ``x @ W == F.linear(x, W.T)``); its per-head weights are ours with
``average_attn_weights=False``. Its boolean ``attn_mask`` means the opposite of ours: True =
*not* allowed. Checked against a fixture made with torch (``tests/fixtures``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .attention import MultiHead, causal_mask, multi_head_attention
from .links import Head
from .projections import inputs

Array = NDArray[np.float64]


def mixing_matrix(n_heads: int, d: int, active: Sequence[bool] | None = None) -> Array:
    """``(n_heads · d, d)`` W_O that averages the active heads' outputs (the others count 0).

    The simplest honest ``W_O`` for named heads: each active head's block is ``I / n_active``.
    With no head active it is all zeros, and so is the output.
    """
    on = np.ones(n_heads, dtype=bool) if active is None else np.asarray(active, dtype=bool)
    if on.shape != (n_heads,):
        raise ValueError(f"active must have one flag per head ({n_heads}), got {len(on)}")
    share = on / max(int(on.sum()), 1)  # (h,)
    return np.kron(share[:, None], np.eye(d))  # (h · d, d): h blocks of share[i] · I


@dataclass(frozen=True)
class NamedHeads:
    """Named heads over a sentence: which heads, which are on, and every step of the mix.

    ``result.weights (h, n, n)`` holds every head's pattern, on or off (an off head is still
    computed, so a page can grey it out); only ``output (n, d)`` depends on which are on.
    """

    tokens: tuple[str, ...]
    heads: tuple[Head, ...]
    active: tuple[bool, ...]
    result: MultiHead

    @property
    def weights(self) -> Array:
        return self.result.weights

    @property
    def head_outputs(self) -> Array:
        """``(h, n, d)`` what each head found for each word."""
        return self.result.attention.output

    @property
    def output(self) -> Array:
        """``(n, d)`` the refined words: the heads' outputs mixed by ``W_O``."""
        return self.result.output


def many_heads(
    sentence: str | ArrayLike,
    heads: Sequence[Head],
    *,
    active: Sequence[bool] | None = None,
    w_o: ArrayLike | None = None,
    temperature: float = 1.0,
    scaled: bool = True,
    causal: bool = False,
    positions: float = 0.0,
) -> NamedHeads:
    """Run several named heads at once and mix them back with ``W_O``.

    ``W_Q`` is the heads' ``W_Q``s side by side (``(d, h · d)``), likewise ``W_K`` and ``W_V``;
    ``w_o`` defaults to ``mixing_matrix`` (the average of the active heads). All heads must work
    in the same dims.
    """
    heads = tuple(heads)
    if not heads:
        raise ValueError("many_heads needs at least one head (e.g. HEADS['nature'])")
    dims = heads[0].dims
    if any(h.dims != dims for h in heads):
        raise ValueError("all heads must work in the same dims (features, or features + positions)")
    on = tuple(bool(a) for a in (active if active is not None else [True] * len(heads)))
    tokens, x = inputs(sentence, dims, positions)  # (n, d)
    w_o = mixing_matrix(len(heads), len(dims), on) if w_o is None else w_o  # (h · d, d)
    result = multi_head_attention(
        x,
        np.hstack([h.w_q for h in heads]),  # (d, h · d)
        np.hstack([h.w_k for h in heads]),  # (d, h · d)
        np.hstack([h.w_v for h in heads]),  # (d, h · d)
        w_o,
        len(heads),
        temperature=temperature,
        scaled=scaled,
        mask=causal_mask(len(x)) if causal else None,
    )
    return NamedHeads(tokens, heads, on, result)
