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

from .attention import Attention, attention, causal_mask, split_heads
from .links import Head
from .projections import inputs

Array = NDArray[np.float64]


@dataclass(frozen=True)
class ManyHeads:
    """Every step of multi-head self-attention over one sequence.

    Shapes (``h`` heads, ``n`` tokens):
        x              (n, d_model)
        w_q, w_k, w_v  (d_model, h · d_head)  all heads' projections side by side
        q, k, v        (h, n, d_head)         each head's slice
        attention      Attention batched over heads: weights (h, n, n), output (h, n, d_head)
        concat         (n, h · d_head)        the heads' outputs side by side
        w_o            (h · d_head, d_out)
        output         (n, d_out)             ``concat @ w_o``
    """

    x: Array
    w_q: Array
    w_k: Array
    w_v: Array
    q: Array
    k: Array
    v: Array
    attention: Attention
    concat: Array
    w_o: Array
    output: Array
    n_heads: int

    @property
    def weights(self) -> Array:
        """``(h, n, n)`` each head's attention pattern."""
        return self.attention.weights


def _check(x: Array, ws: dict[str, Array], n_heads: int) -> None:
    if x.ndim != 2:
        raise ValueError(f"x must have shape (n, d_model), got {x.shape}")
    if not isinstance(n_heads, (int, np.integer)) or n_heads < 1:
        raise ValueError(f"n_heads must be a positive integer, got {n_heads!r}")
    width = ws["w_q"].shape[-1]
    for name in ("w_q", "w_k", "w_v"):
        if ws[name].shape != (x.shape[1], width):
            raise ValueError(
                f"{name} must have shape (d_model, h · d_head) = {(x.shape[1], width)} like w_q, "
                f"got {ws[name].shape}"
            )
    if width % n_heads:
        raise ValueError(f"the projections' width {width} must be divisible by n_heads {n_heads}")
    if ws["w_o"].ndim != 2 or ws["w_o"].shape[0] != width:
        raise ValueError(f"w_o must have shape ({width}, d_out), got {ws['w_o'].shape}")
    for name, w in ws.items():
        if not np.isfinite(w).all():
            raise ValueError(f"{name} must contain only finite numbers")


def multi_head(
    x: ArrayLike,
    w_q: ArrayLike,
    w_k: ArrayLike,
    w_v: ArrayLike,
    w_o: ArrayLike,
    n_heads: int,
    *,
    temperature: float = 1.0,
    scaled: bool = True,
    mask: ArrayLike | None = None,
) -> ManyHeads:
    """Multi-head self-attention; the projections may be wider than ``x`` (``h · d_head``).

    Shapes: ``x (n, d_model)``; ``w_q, w_k, w_v (d_model, h · d_head)``, head ``i`` using columns
    ``i · d_head`` to ``(i + 1) · d_head``; ``w_o (h · d_head, d_out)``; ``mask`` bool,
    broadcastable to ``(n, n)``, True = may attend. Each head scales by ``sqrt(d_head)``.
    """
    x = np.asarray(x, dtype=np.float64)
    w_q, w_k, w_v, w_o = (np.asarray(w, dtype=np.float64) for w in (w_q, w_k, w_v, w_o))
    _check(x, {"w_q": w_q, "w_k": w_k, "w_v": w_v, "w_o": w_o}, n_heads)
    n, width = x.shape[0], w_q.shape[1]
    q = split_heads(x @ w_q, n_heads)  # (h, n, d_head)
    k = split_heads(x @ w_k, n_heads)  # (h, n, d_head)
    v = split_heads(x @ w_v, n_heads)  # (h, n, d_head)
    heads = attention(q, k, v, temperature=temperature, scaled=scaled, mask=mask)
    concat = heads.output.transpose(1, 0, 2).reshape(n, width)  # (n, h · d_head)
    return ManyHeads(
        x=x,
        w_q=w_q,
        w_k=w_k,
        w_v=w_v,
        q=q,
        k=k,
        v=v,
        attention=heads,
        concat=concat,
        w_o=w_o,
        output=concat @ w_o,  # (n, d_out)
        n_heads=int(n_heads),
    )


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
    result: ManyHeads

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
    result = multi_head(
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
