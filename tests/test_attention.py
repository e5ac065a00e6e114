"""Core invariants of ``attention`` and ``multi_head_attention``, and agreement with the loop
reference in ``tests/reference.py``."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from attention_core import (
    attention,
    causal_mask,
    entropy,
    multi_head_attention,
    softmax,
    split_heads,
)
from tests import reference

FAST = settings(max_examples=50, deadline=None)

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
modest = st.floats(-3, 3, allow_nan=False, allow_infinity=False)
TEMPERATURES = st.sampled_from([1e-6, 0.05, 1.0, 20.0, 1e6])


@st.composite
def qkv(draw, elements=finite, max_n=6, max_d=5, batch=()):
    """Draw query (*batch, n_q, d_k), keys (*batch, n_k, d_k), values (*batch, n_k, d_v)."""
    n_q, n_k = draw(st.integers(1, max_n)), draw(st.integers(1, max_n))
    d_k, d_v = draw(st.integers(1, max_d)), draw(st.integers(1, max_d))
    q = draw(arrays(np.float64, (*batch, n_q, d_k), elements=elements))
    k = draw(arrays(np.float64, (*batch, n_k, d_k), elements=elements))
    v = draw(arrays(np.float64, (*batch, n_k, d_v), elements=elements))
    return q, k, v


def reference_attention(q, k, v, *, temperature=1.0, scaled=True, mask=None):
    """The loop reference applied to every batch slice (leading dims broadcast), as arrays."""
    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    single = q.ndim == 1
    if single:
        q = q[None, :]
    batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    n_q, n_k = q.shape[-2], k.shape[-2]
    if mask is not None:
        m = np.asarray(mask)
        m = m[None, :] if single and m.ndim == 1 else m
        mask = np.broadcast_to(m, np.broadcast_shapes(m.shape, (*batch, n_q, n_k)))
        batch = mask.shape[:-2]
    qb = np.broadcast_to(q, (*batch, *q.shape[-2:]))
    kb = np.broadcast_to(k, (*batch, *k.shape[-2:]))
    vb = np.broadcast_to(v, (*batch, *v.shape[-2:]))
    out = [np.zeros((*batch, n_q, n_k)) for _ in range(3)] + [np.zeros((*batch, n_q, v.shape[-1]))]
    for idx in np.ndindex(*batch):
        m = None if mask is None else mask[idx].tolist()
        parts = reference.attention(
            qb[idx].tolist(),
            kb[idx].tolist(),
            vb[idx].tolist(),
            temperature=temperature,
            scaled=scaled,
            mask=m,
        )
        for arr, part in zip(out, parts, strict=True):
            arr[idx] = np.array(part).reshape(arr[idx].shape)
    if single:
        out = [a[..., 0, :] for a in out]
    return out


def assert_matches_reference(result, q, k, v, **kwargs):
    names = ("scores", "scaled_scores", "weights", "output")
    for name, theirs in zip(names, reference_attention(q, k, v, **kwargs), strict=True):
        ours = getattr(result, name)
        assert ours.shape == theirs.shape, f"{name}: shape {ours.shape} != reference {theirs.shape}"
        np.testing.assert_allclose(
            ours, theirs, rtol=0, atol=1e-12, err_msg=f"{name} differs from the loop reference"
        )


# --- weights are distributions ------------------------------------------------------------------


@FAST
@given(data=qkv(), temperature=TEMPERATURES, scaled=st.booleans())
def test_weights_are_distributions_and_output_is_finite(data, temperature, scaled):
    q, k, v = data
    r = attention(q, k, v, temperature=temperature, scaled=scaled)
    assert np.isfinite(r.weights).all() and np.isfinite(r.output).all()
    assert (r.weights >= 0).all(), f"negative weights {r.weights}"
    np.testing.assert_allclose(r.weights.sum(axis=-1), 1.0, atol=1e-12)
    assert r.weights.shape == (q.shape[0], k.shape[0])
    assert r.output.shape == (q.shape[0], v.shape[1])
    # The output is a convex blend of the values: it stays inside their bounding box.
    lo, hi = v.min(axis=0), v.max(axis=0)
    slack = 1e-9 * (1 + np.abs(v).max())
    assert (r.output >= lo - slack).all() and (r.output <= hi + slack).all()


@FAST
@given(data=qkv(), data2=st.data(), temperature=TEMPERATURES)
def test_masked_rows_are_zero_and_masked_keys_get_nothing(data, data2, temperature):
    q, k, v = data
    mask = data2.draw(arrays(np.bool_, (q.shape[0], k.shape[0])), label="mask")
    r = attention(q, k, v, temperature=temperature, mask=mask)
    assert np.isfinite(r.weights).all() and np.isfinite(r.output).all(), "NaN from a mask"
    assert (r.weights[~mask] == 0).all(), f"masked-out keys got weight:\n{r.weights}\n{mask}"
    open_rows = mask.any(axis=1)
    np.testing.assert_allclose(r.weights[open_rows].sum(axis=1), 1.0, atol=1e-12)
    assert (r.weights[~open_rows] == 0).all(), "a fully masked row got weight"
    assert (r.output[~open_rows] == 0).all(), "a fully masked row got a non-zero output"
    np.testing.assert_array_equal(r.mask, mask)


@FAST
@given(data=qkv(), data2=st.data(), temperature=TEMPERATURES)
def test_permuting_keys_and_values_together(data, data2, temperature):
    q, k, v = data
    perm = np.array(data2.draw(st.permutations(range(k.shape[0])), label="perm"))
    before = attention(q, k, v, temperature=temperature)
    after = attention(q, k[perm], v[perm], temperature=temperature)
    np.testing.assert_allclose(
        after.weights,
        before.weights[:, perm],
        rtol=1e-9,
        atol=1e-12,
        err_msg="weights did not follow the permutation of the keys",
    )
    scale = 1 + np.abs(v).max()
    np.testing.assert_allclose(
        after.output,
        before.output,
        rtol=0,
        atol=1e-9 * scale,
        err_msg="permuting keys and values together changed the output",
    )


@FAST
@given(data=qkv(), data2=st.data())
def test_permuting_queries_permutes_rows(data, data2):
    q, k, v = data
    perm = np.array(data2.draw(st.permutations(range(q.shape[0])), label="perm"))
    before, after = attention(q, k, v), attention(q[perm], k, v)
    np.testing.assert_allclose(after.weights, before.weights[perm], rtol=1e-9, atol=1e-12)


@FAST
@given(
    n=st.integers(1, 7),
    d=st.integers(1, 4),
    temperature=TEMPERATURES,
    data=st.data(),
)
def test_causal_mask_puts_exactly_zero_above_the_diagonal(n, d, temperature, data):
    x = data.draw(arrays(np.float64, (n, d), elements=finite), label="x")
    r = attention(x, x, x, temperature=temperature, mask=causal_mask(n))
    upper = np.triu_indices(n, k=1)
    assert (r.weights[upper] == 0.0).all(), f"weight above the diagonal:\n{r.weights}"
    np.testing.assert_allclose(r.weights.sum(axis=1), 1.0, atol=1e-12)
    assert r.weights[0, 0] == 1.0, "the first position can only attend to itself"


def test_causal_mask_shape_and_values():
    np.testing.assert_array_equal(
        causal_mask(3), [[True, False, False], [True, True, False], [True, True, True]]
    )
    assert causal_mask(0).shape == (0, 0)
    with pytest.raises(ValueError, match="n >= 0"):
        causal_mask(-1)


# --- agreement with the loop reference ------------------------------------------------------------


@FAST
@given(data=qkv(elements=modest), scaled=st.booleans(), temperature=st.sampled_from([0.3, 1, 4]))
def test_matches_reference(data, scaled, temperature):
    q, k, v = data
    r = attention(q, k, v, scaled=scaled, temperature=temperature)
    assert_matches_reference(r, q, k, v, scaled=scaled, temperature=temperature)


@FAST
@given(data=qkv(elements=modest), data2=st.data(), scaled=st.booleans())
def test_matches_reference_with_mask(data, data2, scaled):
    q, k, v = data
    mask = data2.draw(arrays(np.bool_, (q.shape[0], k.shape[0])), label="mask")
    r = attention(q, k, v, scaled=scaled, mask=mask)
    assert_matches_reference(r, q, k, v, scaled=scaled, mask=mask)


@FAST
@given(data=qkv(elements=modest, batch=(2, 3)), scaled=st.booleans())
def test_matches_reference_with_batch(data, scaled):
    q, k, v = data
    r = attention(q, k, v, scaled=scaled)
    assert_matches_reference(r, q, k, v, scaled=scaled)


@FAST
@given(data=qkv(elements=modest), data2=st.data(), scaled=st.booleans())
def test_matches_reference_single_query(data, data2, scaled):
    _, k, v = data
    q = data2.draw(arrays(np.float64, (k.shape[1],), elements=modest), label="q")
    mask = data2.draw(st.none() | arrays(np.bool_, (k.shape[0],)), label="mask")
    r = attention(q, k, v, scaled=scaled, mask=mask)
    assert r.weights.shape == (k.shape[0],) and r.output.shape == (v.shape[1],)
    assert_matches_reference(r, q, k, v, scaled=scaled, mask=mask)
    # The single-query form is exactly the first row of the (1, d_k) form.
    r2 = attention(q[None, :], k, v, scaled=scaled, mask=None if mask is None else mask[None])
    np.testing.assert_array_equal(r.weights, r2.weights[0])
    np.testing.assert_array_equal(r.output, r2.output[0])


def test_reference_agreement_on_a_hand_checked_example():
    # One query, two keys: scores 1 and 0, scaled by sqrt(2); weights by hand.
    q, k, v = [1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], [[10.0], [20.0]]
    r = attention(q, k, v)
    a = math.exp(1 / math.sqrt(2))
    np.testing.assert_allclose(r.weights, [a / (a + 1), 1 / (a + 1)], atol=1e-15)
    np.testing.assert_allclose(r.output, [(10 * a + 20) / (a + 1)], atol=1e-12)


# --- scores, scaling, the result record -----------------------------------------------------------


@FAST
@given(data=qkv(elements=modest))
def test_scaled_scores_divide_by_sqrt_d_k(data):
    q, k, v = data
    d_k = q.shape[-1]
    scaled, plain = attention(q, k, v, scaled=True), attention(q, k, v, scaled=False)
    np.testing.assert_allclose(scaled.scores, q @ k.T, atol=1e-12)
    np.testing.assert_array_equal(scaled.scores, plain.scores)
    np.testing.assert_allclose(scaled.scaled_scores, scaled.scores / math.sqrt(d_k), atol=1e-13)
    np.testing.assert_array_equal(plain.scaled_scores, plain.scores)
    assert scaled.scaled and not plain.scaled and scaled.d_k == plain.d_k == d_k


def test_temperature_divides_the_scaled_scores():
    q, k, v = np.array([[1.0, 2.0]]), np.array([[0.5, 1.0], [2.0, -1.0], [0.0, 0.0]]), np.eye(3)
    r = attention(q, k, v, temperature=2.5)
    s = (q @ k.T / math.sqrt(2))[0] / 2.5
    expected = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
    np.testing.assert_allclose(r.weights[0], expected, atol=1e-15)
    assert r.temperature == 2.5 and r.mask is None


def test_result_is_frozen():
    r = attention(np.ones((1, 2)), np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(AttributeError):
        r.weights = None  # type: ignore[misc]


def test_attention_entropy_in_bits():
    keys = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [-1.0, 0.0]])
    sharp = attention([1e3, 0.0], keys, np.eye(4))
    assert entropy(sharp.weights) == pytest.approx(0.0, abs=1e-12)
    flat = attention([0.0, 0.0], keys, np.eye(4))
    assert entropy(flat.weights) == pytest.approx(2.0, abs=1e-12), "uniform over 4 -> 2 bits"


# --- shape contract -------------------------------------------------------------------------------


def test_batch_broadcasting_query_against_shared_keys():
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(2, 1, 3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 6))
    r = attention(q, k, v)
    assert r.scores.shape == r.scaled_scores.shape == r.weights.shape == (2, 1, 3, 5)
    assert r.output.shape == (2, 1, 3, 6)
    assert_matches_reference(r, q, k, v)


def test_batch_dims_broadcast_against_each_other():
    rng = np.random.default_rng(1)
    q, k, v = rng.normal(size=(2, 1, 3, 4)), rng.normal(size=(7, 5, 4)), rng.normal(size=(1, 5, 2))
    r = attention(q, k, v)
    assert r.weights.shape == (2, 7, 3, 5) and r.output.shape == (2, 7, 3, 2)
    assert_matches_reference(r, q, k, v)


@pytest.mark.parametrize("mask_shape", [(5,), (1, 5), (3, 5), (1, 1, 3, 5), (2, 1, 3, 5)])
def test_mask_broadcasts(mask_shape):
    rng = np.random.default_rng(2)
    q, k, v = rng.normal(size=(2, 1, 3, 4)), rng.normal(size=(5, 4)), rng.normal(size=(5, 6))
    mask = rng.random(mask_shape) < 0.6
    r = attention(q, k, v, mask=mask)
    assert r.mask.shape == (2, 1, 3, 5) and r.weights.shape == (2, 1, 3, 5)
    full = np.broadcast_to(mask, (2, 1, 3, 5))
    assert (r.weights[~full] == 0).all(), "a masked-out key got weight"
    assert_matches_reference(r, q, k, v, mask=mask)


def test_mask_can_add_batch_dims():
    q, k, v = np.ones((3, 2)), np.ones((4, 2)), np.ones((4, 1))
    mask = np.ones((6, 3, 4), dtype=bool)
    r = attention(q, k, v, mask=mask)
    assert r.weights.shape == (6, 3, 4) and r.output.shape == (6, 3, 1)


def test_empty_sequence_is_valid():
    r = attention(np.zeros((0, 3)), np.zeros((0, 3)), np.zeros((0, 3)), mask=causal_mask(0))
    assert r.weights.shape == (0, 0) and r.output.shape == (0, 3)


@pytest.mark.parametrize(
    ("q_shape", "k_shape", "v_shape", "expected"),
    [
        ((3, 4), (5, 3), (5, 2), ["(3, 4)", "(5, 3)", "d_k"]),
        ((4,), (5, 3), (5, 2), ["(4,)", "(5, 3)", "d_k"]),
        ((3, 4), (5, 4), (6, 2), ["(5, 4)", "(6, 2)", "n_k"]),
        ((2, 3, 4), (3, 5, 4), (5, 2), ["(2, 3, 4)", "(3, 5, 4)", "(5, 2)", "batch"]),
        ((3, 4), (4,), (1, 2), ["keys", "(4,)"]),
        ((3, 4), (5, 4), (5,), ["values", "(5,)"]),
        ((), (5, 4), (5, 2), ["query", "()"]),
    ],
)
def test_mismatched_shapes_name_the_shapes(q_shape, k_shape, v_shape, expected):
    with pytest.raises(ValueError) as err:
        attention(np.ones(q_shape), np.ones(k_shape), np.ones(v_shape))
    for text in expected:
        assert text in str(err.value), f"{text!r} missing from the error: {err.value}"


@pytest.mark.parametrize("mask_shape", [(4,), (2, 5), (3, 4), (2, 2, 5)])
def test_mask_that_does_not_broadcast_names_its_shape(mask_shape):
    with pytest.raises(ValueError) as err:
        attention(np.ones((3, 2)), np.ones((5, 2)), np.ones((5, 1)), mask=np.ones(mask_shape, bool))
    assert str(mask_shape) in str(err.value) and "(3, 5)" in str(err.value), str(err.value)


def test_non_boolean_mask_raises():
    with pytest.raises(ValueError, match="boolean"):
        attention(np.ones((1, 2)), np.ones((2, 2)), np.ones((2, 2)), mask=np.ones((1, 2)))


@pytest.mark.parametrize("where", ["query", "keys", "values"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_raise(where, bad):
    arrays_ = {"query": np.ones((2, 3)), "keys": np.ones((4, 3)), "values": np.ones((4, 2))}
    arrays_[where][0, 0] = bad
    with pytest.raises(ValueError, match=where):
        attention(arrays_["query"], arrays_["keys"], arrays_["values"])


@pytest.mark.parametrize("temperature", [0.0, -1.0, float("nan"), float("inf")])
def test_attention_rejects_bad_temperature(temperature):
    with pytest.raises(ValueError, match="temperature"):
        attention(np.ones((1, 2)), np.ones((2, 2)), np.ones((2, 2)), temperature=temperature)


def test_extreme_temperatures_stay_finite_and_limit_correctly():
    q, k, v = np.array([[1.0, 0.0]]), np.array([[3.0, 0.0], [1.0, 0.0], [0.0, 2.0]]), np.eye(3)
    cold = attention(q, k, v, temperature=1e-6)
    np.testing.assert_allclose(cold.weights, [[1, 0, 0]], atol=1e-15)
    hot = attention(q, k, v, temperature=1e6)
    np.testing.assert_allclose(hot.weights, 1 / 3, rtol=1e-5)


# --- multi-head -----------------------------------------------------------------------------------


def manual_multi_head(x, w_q, w_k, w_v, w_o, n_heads, *, mask=None, temperature=1.0):
    """Slice the projections per head, attend per head with the loop reference, concatenate."""
    q_all, k_all, v_all = x @ w_q, x @ w_k, x @ w_v
    d_head = x.shape[1] // n_heads
    outputs, weights = [], []
    for h in range(n_heads):
        cols = slice(h * d_head, (h + 1) * d_head)
        _, _, w, out = reference.attention(
            q_all[:, cols].tolist(),
            k_all[:, cols].tolist(),
            v_all[:, cols].tolist(),
            temperature=temperature,
            mask=None if mask is None else np.asarray(mask).tolist(),
        )
        weights.append(w)
        outputs.append(np.array(out))
    concat = np.concatenate(outputs, axis=1)
    return np.array(weights), concat, concat @ w_o


@st.composite
def mha_inputs(draw):
    n_heads = draw(st.sampled_from([1, 2, 3, 4]))
    d_model = n_heads * draw(st.integers(1, 3))
    n = draw(st.integers(1, 6))
    x = draw(arrays(np.float64, (n, d_model), elements=modest))
    ws = [draw(arrays(np.float64, (d_model, d_model), elements=modest)) for _ in range(4)]
    return x, ws, n_heads


@FAST
@given(inputs=mha_inputs(), causal=st.booleans(), temperature=st.sampled_from([0.5, 1.0, 3.0]))
def test_multi_head_matches_manual_per_head_computation(inputs, causal, temperature):
    x, (w_q, w_k, w_v, w_o), n_heads = inputs
    n = x.shape[0]
    mask = causal_mask(n) if causal else None
    r = multi_head_attention(x, w_q, w_k, w_v, w_o, n_heads, mask=mask, temperature=temperature)
    weights, concat, output = manual_multi_head(
        x, w_q, w_k, w_v, w_o, n_heads, mask=mask, temperature=temperature
    )
    assert r.weights.shape == (n_heads, n, n), f"weights shape {r.weights.shape}"
    assert r.n_heads == n_heads
    np.testing.assert_allclose(r.weights, weights, atol=1e-9, err_msg="per-head weights")
    np.testing.assert_allclose(r.concat, concat, atol=1e-9, err_msg="concatenated heads")
    np.testing.assert_allclose(r.output, output, atol=1e-8, err_msg="output = concat @ w_o")
    if causal:
        upper = np.triu_indices(n, k=1)
        assert (r.weights[:, upper[0], upper[1]] == 0).all(), "a head looked ahead"


def test_multi_head_with_one_head_is_single_head_attention_of_the_projections():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 6))
    w_q, w_k, w_v, w_o = (rng.normal(size=(6, 6)) for _ in range(4))
    r = multi_head_attention(x, w_q, w_k, w_v, w_o, 1)
    single = attention(x @ w_q, x @ w_k, x @ w_v)
    np.testing.assert_allclose(r.weights[0], single.weights, atol=1e-12)
    np.testing.assert_allclose(r.concat, single.output, atol=1e-12)
    np.testing.assert_allclose(r.output, single.output @ w_o, atol=1e-12)


def test_multi_head_causal_per_head():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(4, 8))
    ws = [rng.normal(size=(8, 8)) for _ in range(4)]
    r = multi_head_attention(x, *ws, n_heads=4, mask=causal_mask(4))
    for h in range(4):
        assert (np.triu(r.weights[h], k=1) == 0).all(), f"head {h} looked ahead:\n{r.weights[h]}"
        assert r.weights[h, 0, 0] == 1.0
        np.testing.assert_allclose(r.weights[h].sum(axis=1), 1.0, atol=1e-12)
    # Heads really differ: each sees its own slice of the projections.
    assert not np.allclose(r.weights[0], r.weights[1])


def test_split_heads_slices_columns():
    x = np.arange(12.0).reshape(2, 6)  # (n=2, d_model=6)
    heads = split_heads(x, 3)  # (3, 2, 2)
    assert heads.shape == (3, 2, 2)
    for h in range(3):
        np.testing.assert_array_equal(heads[h], x[:, 2 * h : 2 * h + 2])


@pytest.mark.parametrize(("d_model", "n_heads"), [(6, 4), (5, 2), (3, 6)])
def test_multi_head_rejects_uneven_heads(d_model, n_heads):
    x, w = np.ones((2, d_model)), np.eye(d_model)
    with pytest.raises(ValueError, match="divisible"):
        multi_head_attention(x, w, w, w, w, n_heads)


@pytest.mark.parametrize("n_heads", [0, -1, 1.5, "2"])
def test_multi_head_rejects_bad_head_counts(n_heads):
    x, w = np.ones((2, 4)), np.eye(4)
    with pytest.raises(ValueError, match="n_heads"):
        multi_head_attention(x, w, w, w, w, n_heads)


def test_multi_head_rejects_wrong_weight_shape_and_x_rank():
    x, w = np.ones((2, 4)), np.eye(4)
    with pytest.raises(ValueError, match="w_k"):
        multi_head_attention(x, w, np.eye(3), w, w, 2)
    with pytest.raises(ValueError, match=r"\(n, d_model\)"):
        multi_head_attention(np.ones((2, 2, 4)), w, w, w, w, 2)


# --- float32 in, float32 out (a real model's weights stay in their own precision) ------------


def test_float32_inputs_stay_float32_and_agree_with_float64():
    rng = np.random.default_rng(11)
    q, k, v = (
        rng.normal(size=shape).astype(np.float32) for shape in ((2, 3, 8), (2, 5, 8), (2, 5, 4))
    )
    mask = causal_mask(5)[:3]
    r32 = attention(q, k, v, mask=mask, temperature=0.7)
    for name in ("scores", "scaled_scores", "weights", "output"):
        assert getattr(r32, name).dtype == np.float32, name
    r64 = attention(q.astype(np.float64), k, v, mask=mask, temperature=0.7)
    assert r64.weights.dtype == np.float64, "one float64 input: computed in float64"
    np.testing.assert_allclose(r32.weights, r64.weights, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(r32.output, r64.output, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(r32.weights.sum(axis=-1), 1.0, atol=1e-6)
    one = attention(q[0, 0], k[0], v[0])
    assert one.weights.dtype == one.output.dtype == np.float32 and one.weights.shape == (5,)


def test_softmax_keeps_float32_and_lists_become_float64():
    s32 = np.array([[1.0, 2.0, -np.inf], [3.0, 3.0, 0.0]], dtype=np.float32)
    w = softmax(s32, temperature=0.5)
    assert w.dtype == np.float32 and w[0, 2] == 0
    np.testing.assert_allclose(w, softmax(s32.astype(np.float64), temperature=0.5), rtol=1e-6)
    assert softmax([1, 2, 3]).dtype == np.float64


def test_the_attention_students_read_is_the_formula():
    """ "Show the code" prints ``attention``: scores, scale, mask, softmax, mix; no checks."""
    import inspect

    source = inspect.getsource(attention)
    body = source.split('"""', 2)[2].strip().splitlines()
    assert len(body) <= 14, "\n".join(body)
    for step in ("@ np.swapaxes", "sqrt", "-np.inf", "softmax(", "weights @ v"):
        assert step in source.replace("_root", "sqrt"), step
    assert "raise" not in source
