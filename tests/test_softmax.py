"""Core invariants of ``softmax`` and ``entropy``: probabilities, stability, temperature limits."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from attention_core import check_temperature, entropy, softmax
from tests import reference

FAST = settings(max_examples=60, deadline=None)

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
score_arrays = arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=6), elements=finite)
#: Whole-number scores: either exactly tied or at least 1 apart, so T -> 0 has a crisp answer.
integer_scores = arrays(
    np.float64,
    array_shapes(min_dims=1, max_dims=2, max_side=6),
    elements=st.integers(-50, 50).map(float),
)


def assert_distribution(w: np.ndarray, scores: np.ndarray) -> None:
    assert w.shape == scores.shape, f"weights shape {w.shape} != scores shape {scores.shape}"
    assert np.isfinite(w).all(), f"non-finite weights {w} for scores {scores}"
    assert (w >= 0).all(), f"negative weights {w} for scores {scores}"
    sums = w.sum(axis=-1)
    assert np.allclose(sums, 1.0, rtol=0, atol=1e-12), f"rows sum to {sums}, not 1"


# --- probabilities -----------------------------------------------------------------------------


@FAST
@given(scores=score_arrays, temperature=st.sampled_from([1e-6, 0.05, 1.0, 20.0, 1e6]))
def test_weights_are_a_distribution_over_the_last_axis(scores, temperature):
    assert_distribution(softmax(scores, temperature), scores)


@FAST
@given(scores=score_arrays)
def test_other_axis_sums_to_one_along_that_axis(scores):
    w = softmax(scores, axis=0)
    assert np.isfinite(w).all()
    assert np.allclose(w.sum(axis=0), 1.0, atol=1e-12), f"sums over axis 0: {w.sum(axis=0)}"


@FAST
@given(
    scores=arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 6)), elements=finite),
    data=st.data(),
)
def test_shift_invariance_per_row(scores, data):
    shift = data.draw(arrays(np.float64, (scores.shape[0], 1), elements=finite), label="shift")
    before, after = softmax(scores), softmax(scores + shift)
    assert np.allclose(before, after, rtol=0, atol=1e-9), (
        f"adding {shift.ravel()} per row changed the weights:\n{before}\n->\n{after}"
    )


@FAST
@given(scores=score_arrays, temperature=st.sampled_from([1e-6, 0.05, 1.0, 20.0, 1e6]))
def test_arg_max_keeps_the_largest_weight(scores, temperature):
    w = softmax(scores, temperature)
    flat_s, flat_w = scores.reshape(-1, scores.shape[-1]), w.reshape(-1, w.shape[-1])
    for s_row, w_row in zip(flat_s, flat_w, strict=True):
        # Softmax is monotonic: the top score gets the top weight (ties in weight are allowed,
        # e.g. scores 0 and 1e-99 are indistinguishable after rounding).
        assert w_row[np.argmax(s_row)] == w_row.max(), f"weights {w_row} peak away from {s_row}"
        order = np.argsort(s_row, kind="stable")
        assert (np.diff(w_row[order]) >= 0).all(), f"weights {w_row} not monotonic in {s_row}"


@FAST
@given(scores=integer_scores)
def test_temperature_to_zero_is_one_hot_with_ties_shared(scores):
    w = softmax(scores, temperature=1e-6)
    is_max = scores == scores.max(axis=-1, keepdims=True)
    expected = is_max / is_max.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(w, expected, rtol=0, atol=1e-12, err_msg=f"scores {scores}")


def test_tied_maxima_share_equally_at_tiny_temperature():
    np.testing.assert_allclose(softmax([2.0, 2.0, 1.0], 1e-6), [0.5, 0.5, 0.0], atol=1e-15)
    np.testing.assert_allclose(softmax([3.0, 1.0, 3.0, 3.0], 1e-6), [1 / 3, 0, 1 / 3, 1 / 3])


@FAST
@given(scores=score_arrays)
def test_huge_temperature_is_nearly_uniform(scores):
    w = softmax(scores, temperature=1e6)
    n = scores.shape[-1]
    # Scores span at most 2e3, so every weight is within a factor exp(2e3 / 1e6) of 1/n.
    np.testing.assert_allclose(w, 1.0 / n, rtol=3e-3, err_msg=f"scores {scores}")


def test_temperature_sharpens_and_flattens():
    s = np.array([3.0, 1.0, 0.0])
    sharp, plain, flat = softmax(s, 0.1), softmax(s, 1.0), softmax(s, 10.0)
    assert sharp[0] > plain[0] > flat[0] > 1 / 3
    assert entropy(sharp) < entropy(plain) < entropy(flat) < math.log2(3)


# --- -inf, NaN, +inf and huge scores ----------------------------------------------------------


def test_minus_inf_gets_zero_weight():
    w = softmax([1.0, -np.inf, 2.0, -np.inf])
    assert w[1] == 0.0 and w[3] == 0.0, f"excluded entries got weight: {w}"
    np.testing.assert_allclose(w[[0, 2]], reference.softmax([1.0, 2.0]), atol=1e-15)


@pytest.mark.parametrize("temperature", [1e-6, 1.0, 1e6])
def test_all_minus_inf_row_is_zeros_not_nan(temperature):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "invalid value" warning on the way to the zeros
        w = softmax([[-np.inf, -np.inf, -np.inf], [0.0, 1.0, -np.inf]], temperature)
    assert not np.isnan(w).any(), f"NaN weights: {w}"
    np.testing.assert_array_equal(w[0], [0.0, 0.0, 0.0])
    assert w[1].sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "scores", [[1.0, np.nan], [np.inf, 0.0], [[0.0, 1.0], [np.nan, np.nan]], [np.inf, -np.inf]]
)
def test_nan_or_plus_inf_scores_raise(scores):
    with pytest.raises(ValueError, match="NaN or \\+inf"):
        softmax(scores)


@pytest.mark.parametrize("temperature", [1e-6, 1.0, 1e6])
@pytest.mark.parametrize("big", [1e300, 1e308, np.finfo(np.float64).max])
# Beyond ±1e300 the gap ``s - max`` overflows to -inf inside NumPy (a RuntimeWarning); the weight
# it leads to, exp(-inf) = 0, is still the right answer, which is what we check.
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_huge_finite_scores_stay_finite(temperature, big):
    s = np.array([[big, -big, 0.0], [-big, -big, big], [big, big, -big]])
    w = softmax(s, temperature)
    assert np.isfinite(w).all(), f"non-finite weights at T={temperature}: {w}"
    assert np.allclose(w.sum(axis=-1), 1.0, atol=1e-12)
    if temperature == 1e-6:
        np.testing.assert_allclose(w, [[1, 0, 0], [0, 0, 1], [0.5, 0.5, 0]], atol=1e-15)


def test_empty_scores_give_empty_weights():
    assert softmax(np.zeros((0, 3))).shape == (0, 3)
    assert softmax(np.zeros((2, 0))).shape == (2, 0)


# --- temperature validation --------------------------------------------------------------------

BAD_TEMPERATURES = [0.0, -0.0, -1.0, -1e-9, float("nan"), float("inf"), float("-inf")]


@pytest.mark.parametrize("temperature", BAD_TEMPERATURES)
def test_bad_temperature_raises(temperature):
    with pytest.raises(ValueError, match="temperature"):
        softmax([1.0, 2.0], temperature)
    with pytest.raises(ValueError, match="temperature"):
        check_temperature(temperature)


@pytest.mark.parametrize("temperature", [1e-300, 1e-6, 1, 3.5, 1e300])
def test_good_temperature_is_returned_as_float(temperature):
    t = check_temperature(temperature)
    assert isinstance(t, float) and t == temperature


# --- agreement with the loop reference ----------------------------------------------------------


@FAST
@given(
    scores=arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(1, 7)),
        elements=st.floats(-30, 30, allow_nan=False) | st.just(-np.inf),
    ),
    temperature=st.sampled_from([0.05, 0.5, 1.0, 3.0, 20.0]),
)
def test_matches_loop_reference(scores, temperature):
    ours = softmax(scores, temperature)
    theirs = np.array([reference.softmax(row, temperature) for row in scores.tolist()])
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12, err_msg=f"scores {scores}")


# --- entropy ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 16, 40])
def test_entropy_uniform_is_log2_n(n):
    assert entropy(np.full(n, 1.0 / n)) == pytest.approx(math.log2(n), abs=1e-12)


@pytest.mark.parametrize("n", [1, 2, 7])
def test_entropy_one_hot_is_zero(n):
    e = entropy(np.eye(n))
    np.testing.assert_array_equal(e, np.zeros(n))
    assert not np.signbit(e).any(), "entropy returned -0.0"


def test_entropy_of_all_zero_row_is_zero_and_is_per_row():
    e = entropy([[0.0, 0.0], [0.5, 0.5], [0.25, 0.75]])
    expected = [0.0, 1.0, -(0.25 * math.log2(0.25) + 0.75 * math.log2(0.75))]
    np.testing.assert_allclose(e, expected, atol=1e-12)


@FAST
@given(scores=score_arrays)
def test_entropy_is_between_zero_and_log2_n(scores):
    e = entropy(softmax(scores))
    n = scores.shape[-1]
    assert (e >= 0).all() and (e <= math.log2(n) + 1e-12).all(), (
        f"entropy {e} outside [0, log2 {n}]"
    )


@pytest.mark.parametrize("temperature", [1e-6, 1.0, 1e6])
def test_scores_of_1e300_need_no_overflow(temperature):
    s = np.array([1e300, -1e300, 0.0, 1e300])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow warning fails the test
        w = softmax(s, temperature)
    assert np.isfinite(w).all() and w.sum() == pytest.approx(1.0, abs=1e-12)
    assert w[0] == w[3] and w[1] <= w[2] <= w[0], f"weights {w} do not follow the scores {s}"
