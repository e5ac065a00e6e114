"""Scaled dot-product attention, one small function per idea.

The whole mechanism is Vaswani et al. (2017), "Attention Is All You Need":

    Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V

The source notes of this course use the simpler ``softmax(Q K^T) V``; ``scaled=False`` gives that.
Every function returns its intermediates so a lesson can draw each step, not just the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.floating]


def check_temperature(temperature: float) -> float:
    """Return ``temperature`` as a float, or raise ``ValueError`` saying what is allowed."""
    t = float(temperature)
    if not np.isfinite(t) or t <= 0:
        raise ValueError(f"temperature must be a finite number > 0 (e.g. 0.05 to 20), got {t!r}")
    return t


def softmax(scores: ArrayLike, temperature: float = 1.0, axis: int = -1) -> Array:
    """Turn scores into probabilities along ``axis``: ``exp(s / T) / sum(exp(s / T))``.

    Stable at any temperature: we subtract the row maximum *before* dividing by ``T``, so every
    exponent is <= 0 and nothing overflows, from ``T = 1e-6`` (a one-hot on the arg-max; tied
    maxima share the weight equally) to ``T = 1e6`` (uniform).

    ``-inf`` means "excluded" and gets weight 0; a row of only ``-inf`` gets all zeros, never NaN.
    ``NaN`` or ``+inf`` scores raise ``ValueError``. float32 scores give float32 weights.

    Shapes: ``scores (...)`` -> weights of the same shape.
    """
    s, t = _checked_scores(scores), check_temperature(temperature)
    row_max = _row_max(s, axis)  # (..., 1, ...): the largest score of each row
    with np.errstate(over="ignore"):  # s - max near ±1e308 may overflow to -inf: weight 0, fine
        exps = np.exp((s - row_max) / t)  # every exponent <= 0, the arg-max is exp(0) = 1
    total = np.sum(exps, axis=axis, keepdims=True)
    return np.divide(exps, total, out=np.zeros_like(exps), where=total > 0)  # a row of -inf: 0


def entropy(weights: ArrayLike, axis: int = -1) -> Array:
    """Shannon entropy in bits along ``axis``: 0 for a one-hot spotlight, ``log2(n)`` when even.

    Zero weights contribute nothing (0 log 0 = 0). Shapes: ``weights (...)`` -> ``(...)`` without
    ``axis``.
    """
    p = np.asarray(weights, dtype=np.float64)
    logs = np.log2(p, out=np.zeros_like(p), where=p > 0)
    return -np.sum(p * logs, axis=axis) + 0.0  # + 0.0 turns -0.0 into 0.0


def max_entropy(n: int) -> float:
    """The most spread ``n`` weights can be, in bits: ``log2(n)``, every weight ``1 / n``."""
    return float(np.log2(n)) if n > 0 else 0.0


def causal_mask(n: int) -> NDArray[np.bool_]:
    """``(n, n)`` boolean mask, True on and below the diagonal: a word may only look back."""
    if n < 0:
        raise ValueError(f"causal_mask needs n >= 0, got {n}")
    return np.tril(np.ones((n, n), dtype=bool))


@dataclass(frozen=True)
class Attention:
    """Every step of one attention computation, for drawing.

    Shapes (with batch dims ``...`` broadcast from the inputs; for a single query ``(d_k,)`` the
    ``n_q`` axis is dropped):
        scores         (..., n_q, n_k)  raw ``Q K^T``
        scaled_scores  (..., n_q, n_k)  ``scores / sqrt(d_k)`` when scaled, else ``scores``
        weights        (..., n_q, n_k)  softmax over the keys of ``scaled_scores / temperature``
        output         (..., n_q, d_v)  ``weights @ V``
        mask           broadcast bool ``(..., n_q, n_k)`` (True = may attend), or None
    float32 inputs give float32 results; anything else is computed in float64.
    """

    scores: Array
    scaled_scores: Array
    weights: Array
    output: Array
    mask: NDArray[np.bool_] | None
    temperature: float
    scaled: bool
    d_k: int


def attention(
    query: ArrayLike,
    keys: ArrayLike,
    values: ArrayLike,
    *,
    temperature: float = 1.0,
    scaled: bool = True,
    mask: ArrayLike | None = None,
) -> Attention:
    """Soft dictionary lookup: compare each query with every key, mix the values by the weights.

    Shapes: ``query (..., n_q, d_k)`` or one query ``(d_k,)``; ``keys (..., n_k, d_k)``;
    ``values (..., n_k, d_v)``; ``mask`` bool, broadcastable to ``(..., n_q, n_k)``, True = may
    attend. Leading batch dims broadcast, as in PyTorch's ``scaled_dot_product_attention``.
    A row whose keys are all masked gets zero weights and a zero output, never NaN.
    """
    q, k, v, mask, t = checked_inputs(query, keys, values, mask, temperature)
    d_k = q.shape[-1]  # q is (..., n_q, d_k), even for one query

    scores = q @ np.swapaxes(k, -1, -2)  # (..., n_q, n_k): Q K^T, one dot product per pair
    scaled_scores = scores / _root(d_k) if scaled else scores  # (..., n_q, n_k): ÷ √d_k
    # A masked-out key scores -inf, so softmax gives it weight 0.
    logits = scaled_scores if mask is None else np.where(mask, scaled_scores, -np.inf)
    weights = softmax(logits, t)  # (..., n_q, n_k): each row sums to 1
    output = weights @ v  # (..., n_q, d_v): the values mixed by the weights

    result = Attention(scores, scaled_scores, weights, output, mask, t, bool(scaled), d_k)
    return _one_query(result) if np.ndim(query) == 1 else result


# ---- The checks behind ``attention``: shapes, broadcasting, finite numbers --------------------


def _checked_scores(scores: ArrayLike) -> Array:
    s = _as_float(scores)
    if np.isnan(s).any() or np.isposinf(s).any():
        raise ValueError("scores must not contain NaN or +inf (use -inf to exclude an entry)")
    return s


def _row_max(s: Array, axis: int) -> Array:
    """The largest score of each row, kept as an axis; 0 for a row of only -inf (not NaN)."""
    row_max = np.max(s, axis=axis, keepdims=True) if s.size else s
    return np.where(np.isfinite(row_max), row_max, 0.0)


def _root(d_k: int) -> float:
    """√d_k as a plain float (keeps float32 arrays float32); 1 for an empty vector."""
    return float(np.sqrt(d_k)) if d_k > 0 else 1.0


def _float_type(*arrays: ArrayLike) -> type[np.floating]:
    """float32 when every input already is (a float32 model stays float32), else float64."""
    every_f32 = all(getattr(a, "dtype", None) == np.float32 for a in arrays)
    return np.float32 if every_f32 else np.float64


def _as_float(x: ArrayLike) -> Array:
    return np.asarray(x, dtype=_float_type(x))


def _as_matrix(name: str, x: ArrayLike, dtype: type[np.floating] = np.float64) -> Array:
    a = np.asarray(x, dtype=dtype)
    if a.ndim < 2:
        raise ValueError(f"{name} must have shape (..., n, d), got shape {a.shape}")
    if not np.isfinite(a).all():
        raise ValueError(f"{name} must contain only finite numbers")
    return a


def checked_inputs(
    query: ArrayLike,
    keys: ArrayLike,
    values: ArrayLike,
    mask: ArrayLike | None,
    temperature: float,
) -> tuple[Array, Array, Array, NDArray[np.bool_] | None, float]:
    """``attention``'s inputs as arrays, or a ``ValueError`` that names the shapes to fix.

    Returns ``q (..., n_q, d_k)`` (one query ``(d_k,)`` gets an ``n_q`` axis of 1), ``k``, ``v``
    (all float32 when every input is), the mask broadcast to ``(..., n_q, n_k)`` (or None) and
    the temperature as a float.
    """
    t = check_temperature(temperature)
    dtype = _float_type(query, keys, values)
    q = np.asarray(query, dtype=dtype)
    single = q.ndim == 1
    q = _as_matrix("query", q[None, :] if single else q, dtype)  # (..., n_q, d_k)
    k = _as_matrix("keys", keys, dtype)  # (..., n_k, d_k)
    v = _as_matrix("values", values, dtype)  # (..., n_k, d_v)
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"query and keys must have the same last dimension d_k: query {np.shape(query)} vs "
            f"keys {k.shape}"
        )
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"keys and values must have one row per key (same n_k): keys {k.shape} vs values "
            f"{v.shape}"
        )
    try:
        batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    except ValueError:
        raise ValueError(
            f"batch dimensions do not broadcast: query {q.shape}, keys {k.shape}, values {v.shape}"
        ) from None
    if mask is None:
        return q, k, v, None, t
    m = np.asarray(mask)
    if m.dtype != np.bool_:
        raise ValueError(f"mask must be boolean (True = may attend), got dtype {m.dtype}")
    if single and m.ndim == 1:
        m = m[None, :]
    target = (*batch, q.shape[-2], k.shape[-2])
    try:
        full_mask = np.broadcast_to(m, np.broadcast_shapes(m.shape, target))
    except ValueError:
        raise ValueError(
            f"mask of shape {m.shape} does not broadcast to (..., n_q, n_k) = {target}"
        ) from None
    return q, k, v, full_mask, t


def _one_query(result: Attention) -> Attention:
    """The result for one query ``(d_k,)``: drop the ``n_q`` axis ``checked_inputs`` added."""
    first = lambda a: a[..., 0, :]  # noqa: E731 -- (..., 1, n) -> (..., n)
    return replace(
        result,
        scores=first(result.scores),
        scaled_scores=first(result.scaled_scores),
        weights=first(result.weights),
        output=first(result.output),
        mask=None if result.mask is None else first(result.mask),
    )


@dataclass(frozen=True)
class MultiHead:
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


def split_heads(x: Array, n_heads: int) -> Array:
    """``(n, d_model)`` -> ``(n_heads, n, d_model // n_heads)``: each head gets a slice of width."""
    n, d_model = x.shape
    return x.reshape(n, n_heads, d_model // n_heads).transpose(1, 0, 2)  # (n_heads, n, d_head)


def multi_head_attention(
    x: ArrayLike,
    w_q: ArrayLike,
    w_k: ArrayLike,
    w_v: ArrayLike,
    w_o: ArrayLike,
    n_heads: int,
    *,
    mask: ArrayLike | None = None,
    temperature: float = 1.0,
    scaled: bool = True,
) -> MultiHead:
    """Self-attention with ``n_heads`` heads, each looking at its own slice of the projections.

    head_i = attention(X W_Q^i, X W_K^i, X W_V^i);  MultiHead(X) = Concat(head_1 … head_h) W_O

    Shapes: ``x (n, d_model)``; ``w_q, w_k, w_v (d_model, h · d_head)`` applied as ``x @ w``,
    head ``i`` using columns ``i · d_head`` to ``(i + 1) · d_head`` (a real model, and lesson 9,
    has ``h · d_head = d_model``: the heads share the width; wider or narrower also computes);
    ``w_o (h · d_head, d_out)``; ``mask`` bool broadcastable to ``(n, n)``, True = may attend.
    Each head scales by ``sqrt(d_head)``.
    """
    x, w_q, w_k, w_v, w_o = _checked_heads(x, (w_q, w_k, w_v, w_o), n_heads)
    n, width = x.shape[0], w_q.shape[1]
    q = split_heads(x @ w_q, n_heads)  # (h, n, d_head)
    k = split_heads(x @ w_k, n_heads)  # (h, n, d_head)
    v = split_heads(x @ w_v, n_heads)  # (h, n, d_head)
    heads = attention(q, k, v, temperature=temperature, scaled=scaled, mask=mask)
    concat = heads.output.transpose(1, 0, 2).reshape(n, width)  # (n, h · d_head)
    return MultiHead(x, w_q, w_k, w_v, q, k, v, heads, concat, w_o, concat @ w_o, int(n_heads))


def _checked_heads(x: ArrayLike, weights: tuple[ArrayLike, ...], n_heads: int) -> tuple[Array, ...]:
    """``x (n, d_model)`` and the four projections as arrays of one float type, or a
    ``ValueError`` saying which one is off and what shape it must have."""
    dtype = _float_type(x, *weights)
    x = _as_matrix("x", x, dtype)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (n, d_model), got {x.shape}")
    if not isinstance(n_heads, (int, np.integer)) or n_heads < 1:
        raise ValueError(f"n_heads must be a positive integer, got {n_heads!r}")
    names = ("w_q", "w_k", "w_v", "w_o")
    w_q, w_k, w_v, w_o = (_as_matrix(n, w, dtype) for n, w in zip(names, weights, strict=True))
    width = w_q.shape[-1] if w_q.ndim == 2 else -1
    for name, w in (("w_q", w_q), ("w_k", w_k), ("w_v", w_v)):
        if w.shape != (x.shape[1], width):
            raise ValueError(
                f"{name} must have shape (d_model, h · d_head) = {(x.shape[1], width)} like "
                f"w_q, got {w.shape}"
            )
    if width % n_heads:
        raise ValueError(f"the projections' width {width} must be divisible by n_heads {n_heads}")
    if w_o.ndim != 2 or w_o.shape[0] != width:
        raise ValueError(f"w_o must have shape ({width}, d_out), got {w_o.shape}")
    return x, w_q, w_k, w_v, w_o
