"""One whole encoder block, opened up: attention, add & norm, feed-forward, add & norm.

``bert.encoder_layer`` runs a layer and keeps only what lesson 11 draws. Lesson 13 looks inside:
what attention adds to each token, what the feed-forward network (384 → 1,536 → 384, GELU)
adds after it, and which of the 1,536 hidden units fire. BERT and MiniLM are *post-LN*
(Devlin et al., 2019, after Vaswani et al., 2017): each sublayer's output is added to the
stream and the sum is normalised,

    middle = LayerNorm(x + Attention(x))
    out    = LayerNorm(middle + FFN(middle)),   FFN(m) = GELU(m W_1 + b_1) W_2 + b_2

(many newer models, GPT-2 onward, normalise first instead: ``x + Attention(LayerNorm(x))``).
Everything comes back, for every layer, so a page can draw every step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .bert import (
    BertConfig,
    BertWeights,
    FloatArray,
    LayerWeights,
    check_token_ids,
    embed,
    gelu,
    layer_norm,
    linear,
    self_attention,
)


@dataclass(frozen=True)
class Block:
    """Everything one encoder layer computes (or every layer: then each field has a leading
    ``layers`` axis, e.g. ``attended (layers, n, hidden)``).

    Shapes for one layer (``n`` tokens, ``h`` hidden = 384, ``f`` intermediate = 1,536):
        stream      (n, h)         what enters the layer (the residual stream)
        attended    (n, h)         attention's output, after W_O: what attention adds
        middle      (n, h)         LayerNorm(stream + attended)
        units       (n, f)         GELU(middle W_1 + b_1): the feed-forward's hidden units
        fed         (n, h)         units W_2 + b_2: what the feed-forward network adds
        output      (n, h)         LayerNorm(middle + fed): what leaves the layer
        weights     (heads, n, n)  every head's attention pattern
    """

    stream: FloatArray
    attended: FloatArray
    middle: FloatArray
    units: FloatArray
    fed: FloatArray
    output: FloatArray
    weights: FloatArray


def encoder_block(x: FloatArray, layer: LayerWeights, config: BertConfig) -> Block:
    """One post-LN encoder layer, every step kept: ``x (n, h)`` -> ``Block``."""
    eps = config.layer_norm_eps
    attended, weights = self_attention(x, layer, config)  # (n, h), (heads, n, n)
    middle = layer_norm(x + attended, layer.norm1_gain, layer.norm1_bias, eps)  # add & norm
    units = gelu(linear(middle, layer.w_1, layer.b_1))  # (n, f): widen, GELU
    fed = linear(units, layer.w_2, layer.b_2)  # (n, h): narrow back
    output = layer_norm(middle + fed, layer.norm2_gain, layer.norm2_bias, eps)  # add & norm
    return Block(x, attended, middle, units, fed, output, weights)


def trace(weights: BertWeights, config: BertConfig, token_ids: ArrayLike) -> Block:
    """Every layer of the encoder on one tokenised sentence, stacked: each field of the
    ``Block`` gets a leading ``(layers,)`` axis. ``output[-1]`` is the last hidden state."""
    ids = check_token_ids(token_ids, config)
    x = embed(weights, config, ids, np.zeros_like(ids))  # (n, h)
    blocks = []
    for layer in weights.layers:
        blocks.append(encoder_block(x, layer, config))
        x = blocks[-1].output
    return Block(
        *(np.stack([getattr(b, name) for b in blocks]) for name in Block.__dataclass_fields__)
    )


@dataclass(frozen=True)
class UpdateSizes:
    """How big each sublayer's update to one token is, layer by layer.

    ``attention (layers,)`` = ‖attended‖ / ‖stream‖ and ``feed_forward (layers,)`` =
    ‖fed‖ / ‖middle‖: each update against the stream it is added to (1 = as long as the
    stream itself). Both streams come out of a LayerNorm, so the two are on the same scale.
    """

    attention: NDArray[np.float64]
    feed_forward: NDArray[np.float64]


def update_sizes(block: Block, token: int) -> UpdateSizes:
    """The two updates' sizes for token ``token`` of a ``trace`` (every layer)."""

    def norm(a: FloatArray) -> NDArray[np.float64]:
        return np.linalg.norm(a[:, token].astype(np.float64), axis=-1)  # (layers,)

    return UpdateSizes(
        attention=norm(block.attended) / norm(block.stream),
        feed_forward=norm(block.fed) / norm(block.middle),
    )


def top_units(units: ArrayLike, k: int) -> NDArray[np.intp]:
    """The ``k`` most active hidden units of one token, most active first: ``(f,) -> (k,)``.
    Equal activations keep their unit order (a stable sort)."""
    a = np.asarray(units, dtype=np.float64)
    return np.argsort(-a, kind="stable")[: min(k, a.size)]


#: The smallest value GELU can give: x·Φ(x) is lowest at x ≈ -0.7518, where it is ≈ -0.16997.
GELU_MIN = -0.16997120747990198
