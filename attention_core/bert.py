"""A real transformer encoder (BERT, as in all-MiniLM-L6-v2) in NumPy, on our own ``attention``.

Devlin et al. (2019), "BERT", is the Transformer encoder of Vaswani et al. (2017) stacked a few
times. Nothing new happens inside: every layer runs the very ``attention`` that lessons 2–9 show,
for all its heads at once, then a small feed-forward network. Read top to bottom:

    embeddings   word + position + token type, then LayerNorm        (n, hidden)
    per layer    Q, K, V = x W_Q, x W_K, x W_V, split into heads      (heads, n, head_size)
                 attention(Q, K, V) per head, concat, W_O             (n, hidden)
                 x = LayerNorm(x + that)                              residual + norm
                 x = LayerNorm(x + W_2 GELU(W_1 x))                   feed-forward
    pooling      mean over the tokens                                 (hidden,)

Every linear layer reads ``x @ W + b`` with ``W (d_in, d_out)``, as lesson 8's ``Q = X W_Q``. (The
checkpoint stores PyTorch's ``nn.Linear`` layout, ``(d_out, d_in)``: ``BertWeights.from_tensors``
transposes once, at load time, which also makes the products ~20% faster than ``x @ w.T``.)
This module takes arrays and a config; reading files and tokenizing live in ``model_store``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from .attention import attention

FloatArray = NDArray[np.floating]


@dataclass(frozen=True)
class BertConfig:
    """The sizes of a BERT encoder (the fields of its ``config.json`` that the math needs)."""

    vocab_size: int = 30522
    hidden_size: int = 384
    num_layers: int = 6
    num_heads: int = 12
    intermediate_size: int = 1536
    max_positions: int = 512
    type_vocab_size: int = 2
    layer_norm_eps: float = 1e-12

    @property
    def head_size(self) -> int:
        return self.hidden_size // self.num_heads

    @classmethod
    def from_dict(cls, config: Mapping[str, Any]) -> BertConfig:
        """Read a Hugging Face BERT ``config.json`` (already parsed), refusing what we don't run."""
        if config.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"only hidden_act 'gelu' is supported, got {config['hidden_act']!r}")
        if config.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError("only absolute position embeddings are supported")
        made = cls(
            vocab_size=int(config["vocab_size"]),
            hidden_size=int(config["hidden_size"]),
            num_layers=int(config["num_hidden_layers"]),
            num_heads=int(config["num_attention_heads"]),
            intermediate_size=int(config["intermediate_size"]),
            max_positions=int(config["max_position_embeddings"]),
            type_vocab_size=int(config.get("type_vocab_size", 2)),
            layer_norm_eps=float(config.get("layer_norm_eps", 1e-12)),
        )
        if made.hidden_size % made.num_heads:
            raise ValueError(
                f"hidden_size {made.hidden_size} must divide evenly into {made.num_heads} heads"
            )
        return made


@dataclass(frozen=True)
class LayerWeights:
    """One encoder layer. Linear weights are ``(d_in, d_out)``, applied as ``x @ w + b``."""

    w_q: FloatArray  # (hidden, hidden)
    b_q: FloatArray  # (hidden,)
    w_k: FloatArray  # (hidden, hidden)
    b_k: FloatArray  # (hidden,)
    w_v: FloatArray  # (hidden, hidden)
    b_v: FloatArray  # (hidden,)
    w_o: FloatArray  # (hidden, hidden)
    b_o: FloatArray  # (hidden,)
    norm1_gain: FloatArray  # (hidden,)
    norm1_bias: FloatArray  # (hidden,)
    w_1: FloatArray  # (hidden, intermediate)
    b_1: FloatArray  # (intermediate,)
    w_2: FloatArray  # (intermediate, hidden)
    b_2: FloatArray  # (hidden,)
    norm2_gain: FloatArray  # (hidden,)
    norm2_bias: FloatArray  # (hidden,)


#: Our field name -> the tensor name inside ``encoder.layer.{i}.`` of a BERT checkpoint.
LAYER_TENSORS = {
    "w_q": "attention.self.query.weight",
    "b_q": "attention.self.query.bias",
    "w_k": "attention.self.key.weight",
    "b_k": "attention.self.key.bias",
    "w_v": "attention.self.value.weight",
    "b_v": "attention.self.value.bias",
    "w_o": "attention.output.dense.weight",
    "b_o": "attention.output.dense.bias",
    "norm1_gain": "attention.output.LayerNorm.weight",
    "norm1_bias": "attention.output.LayerNorm.bias",
    "w_1": "intermediate.dense.weight",
    "b_1": "intermediate.dense.bias",
    "w_2": "output.dense.weight",
    "b_2": "output.dense.bias",
    "norm2_gain": "output.LayerNorm.weight",
    "norm2_bias": "output.LayerNorm.bias",
}
#: Our field name -> the embedding tensor names of a BERT checkpoint.
EMBEDDING_TENSORS = {
    "word": "embeddings.word_embeddings.weight",
    "position": "embeddings.position_embeddings.weight",
    "token_type": "embeddings.token_type_embeddings.weight",
    "norm_gain": "embeddings.LayerNorm.weight",
    "norm_bias": "embeddings.LayerNorm.bias",
}


@dataclass(frozen=True)
class BertWeights:
    """Every weight of the encoder, in one dtype (float32 for speed, float64 for exact tests)."""

    word: FloatArray  # (vocab, hidden)
    position: FloatArray  # (max_positions, hidden)
    token_type: FloatArray  # (type_vocab, hidden)
    norm_gain: FloatArray  # (hidden,)
    norm_bias: FloatArray  # (hidden,)
    layers: tuple[LayerWeights, ...]

    @property
    def dtype(self) -> np.dtype:
        return self.word.dtype

    @classmethod
    def from_tensors(
        cls,
        tensors: Mapping[str, NDArray[Any]],
        config: BertConfig,
        dtype: DTypeLike = np.float32,
    ) -> BertWeights:
        """Pick the encoder's tensors out of a checkpoint's ``{name: array}`` (``bert.`` prefix or
        not), check every shape against ``config``, convert to ``dtype`` (embeddings: no copy if
        the dtype is the same) and turn the linear weights to ``(d_in, d_out)``."""
        prefix = "bert." if f"bert.{EMBEDDING_TENSORS['word']}" in tensors else ""

        def get(name: str, shape: tuple[int, ...]) -> FloatArray:
            key = prefix + name
            if key not in tensors:
                raise ValueError(f"the checkpoint has no tensor {key!r}: is it a BERT model?")
            array = np.asarray(tensors[key]).astype(dtype, copy=False)
            if array.shape != shape:
                raise ValueError(f"tensor {key!r} has shape {array.shape}, config says {shape}")
            if len(shape) == 2 and name.startswith("encoder."):  # nn.Linear (d_out, d_in)
                return np.ascontiguousarray(array.T)  # (d_in, d_out)
            return array

        h, f = config.hidden_size, config.intermediate_size
        layer_shapes = {"w_1": (f, h), "b_1": (f,), "w_2": (h, f)}  # as stored: (d_out, d_in)
        layers = tuple(
            LayerWeights(
                **{
                    field: get(
                        f"encoder.layer.{i}.{name}",
                        layer_shapes.get(field, (h, h) if field.startswith("w_") else (h,)),
                    )
                    for field, name in LAYER_TENSORS.items()
                }
            )
            for i in range(config.num_layers)
        )
        e = EMBEDDING_TENSORS
        return cls(
            word=get(e["word"], (config.vocab_size, h)),
            position=get(e["position"], (config.max_positions, h)),
            token_type=get(e["token_type"], (config.type_vocab_size, h)),
            norm_gain=get(e["norm_gain"], (h,)),
            norm_bias=get(e["norm_bias"], (h,)),
            layers=layers,
        )


@dataclass(frozen=True)
class BertOutput:
    """Everything one sentence leaves behind on its way through the encoder.

    Shapes (``n`` tokens, ``[CLS]`` and ``[SEP]`` included):
        hidden    (layers + 1, n, hidden)   the embeddings, then each layer's output
        weights   (layers, heads, n, n)     every head's attention pattern (rows sum to 1)
        pooled    (hidden,)                 mean of the last layer over the tokens: the sentence
    """

    hidden: FloatArray
    weights: FloatArray
    pooled: FloatArray


# ---- erf, for the exact GELU ----------------------------------------------------------------
# BERT's GELU is x·Φ(x) = ½ x (1 + erf(x / √2)) with the *exact* erf. NumPy has no erf (SciPy
# does, but the core is NumPy only), and ``math.erf`` one number at a time is far too slow for
# 6 × 49,152 numbers. So we write it, twice:
# - float64 (the exact tests): the classic fdlibm ``s_erf.c`` (Sun Microsystems, 1993, the erf of
#   most C libraries): four rational approximations on four ranges of |x|, under 1 ulp;
# - float32 (the app, for speed): Numerical Recipes' Chebyshev fit ``erfc(a) = t exp(-a² + P(t))``,
#   ``t = 1 / (1 + a/2)``, one formula for every x (no branches, ~10x faster), within 5e-7,
#   which is 4 float32 steps at 1: far below what the model's own float32 arithmetic wobbles.

_ERX = 8.45062911510467529297e-01
_PP = (1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02,
       -5.77027029648944159157e-03, -2.37630166566501626084e-05)  # fmt: skip
_QQ = (1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03,
       1.32494738004321644526e-04, -3.96022827877536812320e-06)  # fmt: skip
_PA = (-2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01,
       3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02,
       -2.16637559486879084300e-03)  # fmt: skip
_QA = (1.0, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02,
       1.26171219808761642112e-01, 1.36370839120290507362e-02,
       1.19844998467991074170e-02)  # fmt: skip
_RA = (-9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e+01,
       -6.23753324503260060396e+01, -1.62396669462573470355e+02, -1.84605092906711035994e+02,
       -8.12874355063065934246e+01, -9.81432934416914548592e+00)  # fmt: skip
_SA = (1.0, 1.96512716674392571292e+01, 1.37657754143519042600e+02, 4.34565877475229228821e+02,
       6.45387271733267880336e+02, 4.29008140027567833386e+02, 1.08635005541779435134e+02,
       6.57024977031928170135e+00, -6.04244152148580987438e-02)  # fmt: skip
_RB = (-9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e+01,
       -1.60636384855821916062e+02, -6.37566443368389627722e+02, -1.02509513161107724954e+03,
       -4.83519191608651397019e+02)  # fmt: skip
_SB = (1.0, 3.03380607434824582924e+01, 3.25792512996573918826e+02, 1.53672958608443695994e+03,
       3.19985821950859553908e+03, 2.55305040643316442583e+03, 4.74528541206955367215e+02,
       -2.24409524465858183362e+01)  # fmt: skip
# Numerical Recipes in C, 2nd ed., section 6.2, ``erfcc``: P(t) = -1.26551223 + 1.00002368 t + ...
_NR = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398,
       1.48851587, -0.82215223, 0.17087277)  # fmt: skip


def _poly(z: FloatArray, coefficients: tuple[float, ...]) -> FloatArray:
    """``c0 + c1 z + c2 z² + ...`` by Horner's rule, in ``z``'s dtype, in place on one array."""
    result = np.full_like(z, coefficients[-1])
    for c in coefficients[-2::-1]:
        result *= z
        result += z.dtype.type(c)
    return result


def _erfc_tail(a: FloatArray, p: tuple[float, ...], q: tuple[float, ...]) -> FloatArray:
    """erfc(a) for a >= 1.25 (float64): ``exp(-a² - 0.5625 + R/S) / a``, a² split to stay exact."""
    s = 1 / (a * a)
    z = (a.view(np.uint64) & np.uint64(0xFFFFFFFF00000000)).view(np.float64)  # z*z is exact
    return np.exp(-z * z - 0.5625) * np.exp((z - a) * (z + a) + _poly(s, p) / _poly(s, q)) / a


def _erf_fdlibm(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """erf in float64 to under 1 ulp: fdlibm's four ranges of |x|."""
    a = np.abs(x)
    out = np.ones_like(x)  # |x| >= 6: erfc(6) = 2e-17 is below float64's step at 1
    small = a < 0.84375  # erf(x) = x + x·P(x²)/Q(x²)
    z = x[small] * x[small]
    out[small] = x[small] + x[small] * (_poly(z, _PP) / _poly(z, _QQ))
    mid = ~small & (a < 1.25)  # erf(x) = erx + P(|x|-1)/Q(|x|-1), erx = erf(1) rounded
    s = a[mid] - 1
    out[mid] = _ERX + _poly(s, _PA) / _poly(s, _QA)
    near = (a >= 1.25) & (a < 1 / 0.35)
    far = (a >= 1 / 0.35) & (a < 6)
    out[near] = 1 - _erfc_tail(a[near], _RA, _SA)
    out[far] = 1 - _erfc_tail(a[far], _RB, _SB)
    out[~small] = np.copysign(out[~small], x[~small])
    out[np.isnan(x)] = np.nan
    return out


def _erf_fast32(x: NDArray[np.float32]) -> NDArray[np.float32]:
    """erf in float32 within 5e-7, with no branches: ``1 - t exp(P(t) - a²)``, sign restored."""
    a = np.abs(x)
    t = a * np.float32(0.5)
    t += 1
    np.reciprocal(t, out=t)  # t = 1 / (1 + a/2)
    p = _poly(t, _NR)
    a *= a
    p -= a
    np.exp(p, out=p)
    p *= t  # erfc(|x|)
    np.subtract(1, p, out=p)
    return np.copysign(p, x, out=p)


def erf(x: ArrayLike) -> FloatArray:
    """The error function, elementwise, in the dtype of ``x``: float64 to 1 ulp, float32 to 5e-7.

    Other dtypes are computed in float64."""
    x = np.asarray(x)
    if x.dtype == np.float32:
        return _erf_fast32(x)
    return _erf_fdlibm(x.astype(np.float64, copy=False))


# ---- the encoder, one short function per idea ---------------------------------------------


def gelu(x: FloatArray) -> FloatArray:
    """Gaussian Error Linear Unit, exact form: ``x · Φ(x) = ½ x (1 + erf(x / √2))``."""
    phi = erf(x * x.dtype.type(1 / math.sqrt(2)))  # (..., d), then Φ(x) in place:
    phi += 1
    phi *= 0.5
    return x * phi


def layer_norm(x: FloatArray, gain: FloatArray, bias: FloatArray, eps: float) -> FloatArray:
    """Normalise each row to mean 0, variance 1, then scale and shift: ``(..., d) -> (..., d)``."""
    mean = x.mean(axis=-1, keepdims=True)  # (..., 1)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)  # (..., 1), the biased variance
    return (x - mean) / np.sqrt(var + x.dtype.type(eps)) * gain + bias


def linear(x: FloatArray, w: FloatArray, b: FloatArray) -> FloatArray:
    """``x @ w + b``: ``(n, d_in)`` with ``w (d_in, d_out)`` -> ``(n, d_out)``."""
    return x @ w + b


def embed(
    weights: BertWeights,
    config: BertConfig,
    token_ids: NDArray[np.integer],
    token_types: NDArray[np.integer],
) -> FloatArray:
    """Each token's starting vector: what it is + where it is + which segment, normalised."""
    n = len(token_ids)
    x = weights.word[token_ids] + weights.position[:n] + weights.token_type[token_types]  # (n, h)
    return layer_norm(x, weights.norm_gain, weights.norm_bias, config.layer_norm_eps)


def heads_of(x: FloatArray, num_heads: int) -> FloatArray:
    """``(n, hidden)`` -> ``(heads, n, head_size)``: each head reads its own slice of width."""
    n, hidden = x.shape
    return x.reshape(n, num_heads, hidden // num_heads).transpose(1, 0, 2)


def self_attention(
    x: FloatArray, layer: LayerWeights, config: BertConfig
) -> tuple[FloatArray, FloatArray]:
    """Multi-head self-attention of one layer: ``x (n, hidden)`` -> ``(output (n, hidden),
    weights (heads, n, n))``. All heads go through the core's ``attention`` in one call."""
    n = x.shape[0]
    q = heads_of(linear(x, layer.w_q, layer.b_q), config.num_heads)  # (heads, n, head_size)
    k = heads_of(linear(x, layer.w_k, layer.b_k), config.num_heads)  # (heads, n, head_size)
    v = heads_of(linear(x, layer.w_v, layer.b_v), config.num_heads)  # (heads, n, head_size)
    result = attention(q, k, v)  # softmax(Q Kᵀ / √head_size) V, for every head at once
    weights = result.weights.astype(x.dtype, copy=False)  # (heads, n, n)
    heads = result.output.astype(x.dtype, copy=False)  # (heads, n, head_size)
    concat = heads.transpose(1, 0, 2).reshape(n, config.hidden_size)  # (n, hidden)
    return linear(concat, layer.w_o, layer.b_o), weights


def feed_forward(x: FloatArray, layer: LayerWeights) -> FloatArray:
    """Each token on its own: widen to ``intermediate``, GELU, narrow back. ``(n, h) -> (n, h)``."""
    return linear(gelu(linear(x, layer.w_1, layer.b_1)), layer.w_2, layer.b_2)


def encoder_layer(
    x: FloatArray, layer: LayerWeights, config: BertConfig
) -> tuple[FloatArray, FloatArray]:
    """One layer: attention, then feed-forward, each added to its input and normalised."""
    attended, weights = self_attention(x, layer, config)  # (n, h), (heads, n, n)
    eps = config.layer_norm_eps
    x = layer_norm(x + attended, layer.norm1_gain, layer.norm1_bias, eps)  # (n, h)
    x = layer_norm(x + feed_forward(x, layer), layer.norm2_gain, layer.norm2_bias, eps)  # (n, h)
    return x, weights


def mean_pool(hidden: FloatArray) -> FloatArray:
    """The sentence's vector: the average of its tokens' vectors, ``(n, h) -> (h,)``."""
    return hidden.mean(axis=0)


def check_token_ids(token_ids: ArrayLike, config: BertConfig) -> NDArray[np.intp]:
    """Token ids as an int array, or ``ValueError`` saying what is wrong with them."""
    ids = np.asarray(token_ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"token_ids must be a 1-D array of integers, got {ids.dtype} {ids.shape}")
    if not 1 <= len(ids) <= config.max_positions:
        raise ValueError(f"need 1 to {config.max_positions} tokens, got {len(ids)}")
    if ids.min() < 0 or ids.max() >= config.vocab_size:
        raise ValueError(
            f"token ids must be in [0, {config.vocab_size}), got {ids.min()} to {ids.max()}"
        )
    return ids.astype(np.intp, copy=False)


def encode(
    weights: BertWeights,
    config: BertConfig,
    token_ids: ArrayLike,
    token_types: ArrayLike | None = None,
) -> BertOutput:
    """Run one tokenised sentence through the whole encoder; keep every layer and every head.

    ``token_ids (n,)`` as the tokenizer gives them, ``[CLS]`` first and ``[SEP]`` last;
    ``token_types (n,)`` defaults to all 0 (one sentence). Computes in ``weights.dtype``.
    """
    ids = check_token_ids(token_ids, config)
    types = np.zeros_like(ids) if token_types is None else np.asarray(token_types, dtype=np.intp)
    x = embed(weights, config, ids, types)  # (n, hidden)
    hidden, patterns = [x], []
    for layer in weights.layers:
        x, w = encoder_layer(x, layer, config)  # (n, hidden), (heads, n, n)
        hidden.append(x)
        patterns.append(w)
    return BertOutput(
        hidden=np.stack(hidden),  # (layers + 1, n, hidden)
        weights=np.stack(patterns),  # (layers, heads, n, n)
        pooled=mean_pool(x),  # (hidden,)
    )
