"""The BERT forward pass of ``attention_core.bert``, on a tiny random model (no real weights).

Checked against a float64 loop reference (``tests/bert_reference.py``) to 1e-10, in float64; the
float32 path against the float64 one; erf against ``math.erf``; and the forward pass is shown to
run on the core's own ``attention``, all heads in one call per layer.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import attention_core as ac
from attention_core import bert
from tests import bert_reference, bert_tiny

CONFIG = bert.BertConfig.from_dict(bert_tiny.CONFIG)
IDS = [bert_tiny.VOCAB[t] for t in ["[CLS]", "i", "sat", "on", "the", "river", "bank", "[SEP]"]]


@pytest.fixture(scope="module")
def tensors():
    return bert_tiny.tensors(seed=3)


@pytest.fixture(scope="module")
def weights64(tensors):
    return bert.BertWeights.from_tensors(tensors, CONFIG, dtype=np.float64)


# ---- erf and GELU ------------------------------------------------------------------------


def _grid() -> np.ndarray:
    rng = np.random.default_rng(1)
    return np.concatenate(
        [
            np.linspace(-8, 8, 200_001),
            np.geomspace(1e-300, 8, 20_000),
            -np.geomspace(1e-300, 8, 20_000),
            rng.standard_normal(20_000) * 3,
            [0.0, -0.0, 0.84375, 1.25, 1 / 0.35, 6.0, 30.0, -30.0],
        ]
    )


def test_erf_float64_matches_math_erf_to_one_ulp():
    x = _grid()
    expected = np.array([math.erf(v) for v in x])
    got = bert.erf(x)
    assert got.dtype == np.float64
    assert np.all(np.abs(got - expected) <= np.spacing(np.abs(expected)) + 1e-300)


def test_erf_float32_is_float32_and_within_5e7():
    x = _grid().astype(np.float32)
    expected = np.array([math.erf(float(v)) for v in x])
    got = bert.erf(x)
    assert got.dtype == np.float32
    assert np.max(np.abs(got.astype(np.float64) - expected)) < 5e-7


def test_erf_special_values():
    for dtype in (np.float32, np.float64):
        got = bert.erf(np.array([np.nan, np.inf, -np.inf, 0.0], dtype=dtype))
        assert np.isnan(got[0]) and list(got[1:]) == [1.0, -1.0, 0.0]
    assert bert.erf(np.array([1, 2])).dtype == np.float64  # integers computed in float64


def test_gelu_is_x_times_normal_cdf():
    x = np.linspace(-6, 6, 1001)
    expected = [v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x]
    np.testing.assert_allclose(bert.gelu(x), expected, rtol=0, atol=1e-15)
    assert bert.gelu(x.astype(np.float32)).dtype == np.float32


# ---- the forward pass ---------------------------------------------------------------------


def test_forward_float64_matches_the_loop_reference_to_1e10(tensors, weights64):
    out = bert.encode(weights64, CONFIG, IDS)
    hidden, weights, pooled = bert_reference.forward(tensors, bert_tiny.CONFIG, IDS)
    np.testing.assert_allclose(out.hidden, np.array(hidden), rtol=0, atol=1e-10)
    np.testing.assert_allclose(out.weights, np.array(weights), rtol=0, atol=1e-10)
    np.testing.assert_allclose(out.pooled, np.array(pooled), rtol=0, atol=1e-10)


@pytest.mark.parametrize("ids", [[2, 3], [2, 9, 3], [2, *range(5, 27), 3]])
def test_forward_matches_reference_for_other_lengths(tensors, weights64, ids):
    out = bert.encode(weights64, CONFIG, ids)
    hidden, weights, pooled = bert_reference.forward(tensors, bert_tiny.CONFIG, ids)
    np.testing.assert_allclose(out.hidden, np.array(hidden), rtol=0, atol=1e-10)
    np.testing.assert_allclose(out.weights, np.array(weights), rtol=0, atol=1e-10)
    np.testing.assert_allclose(out.pooled, np.array(pooled), rtol=0, atol=1e-10)


def test_shapes_and_invariants(weights64):
    out = bert.encode(weights64, CONFIG, IDS)
    n, layers, heads = len(IDS), CONFIG.num_layers, CONFIG.num_heads
    assert out.hidden.shape == (layers + 1, n, CONFIG.hidden_size)
    assert out.weights.shape == (layers, heads, n, n)
    assert out.pooled.shape == (CONFIG.hidden_size,)
    np.testing.assert_allclose(out.weights.sum(axis=-1), 1.0, atol=1e-12)
    assert np.all(out.weights >= 0)
    np.testing.assert_allclose(out.pooled, out.hidden[-1].mean(axis=0))
    # every hidden state leaves a LayerNorm: mean ≈ bias mean, and finite
    assert np.isfinite(out.hidden).all()


def test_float32_runs_in_float32_and_agrees_with_float64(tensors, weights64):
    weights32 = bert.BertWeights.from_tensors(tensors, CONFIG)  # float32 is the default
    assert weights32.dtype == np.float32
    out32 = bert.encode(weights32, CONFIG, IDS)
    out64 = bert.encode(weights64, CONFIG, IDS)
    for name in ("hidden", "weights", "pooled"):
        assert getattr(out32, name).dtype == np.float32, name
        np.testing.assert_allclose(getattr(out32, name), getattr(out64, name), atol=2e-5)


def test_embeddings_are_the_file_arrays_and_linear_weights_read_x_at_w(tensors):
    weights32 = bert.BertWeights.from_tensors(tensors, CONFIG)
    assert weights32.word is tensors["embeddings.word_embeddings.weight"]  # 47 MB: no copy
    w_2 = weights32.layers[1].w_2
    assert w_2.shape == (CONFIG.intermediate_size, CONFIG.hidden_size)  # (d_in, d_out)
    np.testing.assert_array_equal(w_2, tensors["encoder.layer.1.output.dense.weight"].T)
    assert w_2.flags.c_contiguous


def test_all_heads_go_through_the_core_attention_in_one_call_per_layer(weights64, monkeypatch):
    calls = []
    real = bert.attention

    def spy(query, keys, values, **kwargs):
        calls.append((np.shape(query), kwargs))
        return real(query, keys, values, **kwargs)

    monkeypatch.setattr(bert, "attention", spy)
    bert.encode(weights64, CONFIG, IDS)
    shape = (CONFIG.num_heads, len(IDS), CONFIG.head_size)
    assert calls == [(shape, {})] * CONFIG.num_layers
    assert bert.attention is not ac.attention  # (the spy was in place)


def test_token_types_default_to_segment_zero(weights64):
    a = bert.encode(weights64, CONFIG, IDS)
    b = bert.encode(weights64, CONFIG, IDS, token_types=np.zeros(len(IDS), dtype=int))
    c = bert.encode(weights64, CONFIG, IDS, token_types=np.ones(len(IDS), dtype=int))
    np.testing.assert_array_equal(a.hidden, b.hidden)
    assert not np.allclose(a.hidden, c.hidden)


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        ([], "need 1 to 128 tokens"),
        ([2] * 129, "need 1 to 128 tokens"),
        ([2, 999, 3], "token ids must be in"),
        ([2, -1, 3], "token ids must be in"),
        ([[2, 3]], "1-D array of integers"),
        ([2.0, 3.0], "1-D array of integers"),
    ],
)
def test_bad_token_ids_say_what_is_wrong(weights64, ids, message):
    with pytest.raises(ValueError, match=message):
        bert.encode(weights64, CONFIG, np.array(ids) if ids else np.array([], dtype=int))


def test_config_from_dict_refuses_what_it_cannot_run():
    with pytest.raises(ValueError, match="gelu"):
        bert.BertConfig.from_dict({**bert_tiny.CONFIG, "hidden_act": "relu"})
    with pytest.raises(ValueError, match="absolute"):
        bert.BertConfig.from_dict({**bert_tiny.CONFIG, "position_embedding_type": "relative_key"})
    with pytest.raises(ValueError, match="divide evenly"):
        bert.BertConfig.from_dict({**bert_tiny.CONFIG, "num_attention_heads": 3})
    assert CONFIG.head_size == 4 and CONFIG.num_layers == 2


def test_weights_accept_a_bert_prefix_and_name_a_missing_tensor(tensors):
    prefixed = {f"bert.{k}": v for k, v in tensors.items()}
    w = bert.BertWeights.from_tensors(prefixed, CONFIG, dtype=np.float64)
    assert w.word.shape == (CONFIG.vocab_size, CONFIG.hidden_size)
    missing = dict(tensors)
    del missing["encoder.layer.1.attention.self.key.bias"]
    with pytest.raises(ValueError, match=r"encoder\.layer\.1\.attention\.self\.key\.bias"):
        bert.BertWeights.from_tensors(missing, CONFIG)
    wrong = {**tensors, "encoder.layer.0.intermediate.dense.weight": np.zeros((3, 3))}
    with pytest.raises(ValueError, match="shape"):
        bert.BertWeights.from_tensors(wrong, CONFIG)


def test_forward_output_is_frozen(weights64):
    out = bert.encode(weights64, CONFIG, IDS)
    with pytest.raises(AttributeError):
        out.pooled = None  # type: ignore[misc]
