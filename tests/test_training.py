"""Lesson 12: a head that learns. The hand-written backward pass, Adam, and what training does.

The gradients are checked three ways: against central finite differences on random small
problems (every learned matrix and every intermediate the backward pass returns), against
PyTorch autograd (a fixture written once by ``tests/fixtures/make_training_reference.py``; torch
is not a dependency), and by showing that the check catches a wrong gradient. Training is
checked as the issue states it: ≥ 95 % held-out accuracy within the default budget for at least
9 of the 10 seeds below, the learned pattern on the previous place, and the presets doing what
their names say.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attention_core import (
    MAX_STEPS,
    PRESETS,
    SEQUENCE_LENGTH,
    TASKS,
    Learned,
    adam_step,
    attention,
    backward,
    causal_mask,
    cross_entropy,
    embeddings,
    forward,
    fresh_adam,
    held_out,
    log_softmax,
    looks_at_previous,
    looks_right,
    next_step,
    position_scores,
    sgd_step,
    softmax,
    step_snapshot,
    train,
    train_more,
    training_batch,
    where_it_looks,
)

FAST = settings(max_examples=25, deadline=None)
SEEDS = tuple(range(10))  # the "≥ 9 of 10 seeds"
FIXTURE = json.loads(
    (Path(__file__).parent / "fixtures" / "training_reference.json").read_text(encoding="utf-8")
)
NAMES = ("w_q", "w_k", "w_v", "w_o")


@cache
def run(task: str = "previous", seed: int = 0, preset: str = "good", steps: int | None = None):
    """One training run per settings for the whole module (each takes a fraction of a second)."""
    p = PRESETS[preset]
    return train(task, seed, p.lr, steps, p.temperature, p.optimiser)


# --- gradients: finite differences -------------------------------------------------------------


def relative_error(a, b) -> float:
    """``‖a − b‖ / (max(‖a‖, ‖b‖) + 1e-4)``: 0 when equal, about 1 when unrelated.

    The 1e-4 is where finite differences stop resolving 1e-6: their own rounding is ~1e-13 × the
    loss per entry (at h = 1e-3), so a gradient that is tiny because a softmax saturated
    (~1e-7) or zero in theory (a place nobody asks about; a row the mask leaves one key) is
    held to ~1e-10 absolute instead. Every gradient above 1e-4 in size is held to 1e-6
    relative."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.linalg.norm(a - b) / (max(np.linalg.norm(a), np.linalg.norm(b)) + 1e-4))


def numeric_gradient(loss, a: np.ndarray, h: float = 1e-3) -> np.ndarray:
    """Central differences, one entry of ``a`` at a time, with the five-point stencil
    ``(−L(a + 2h) + 8 L(a + h) − 8 L(a − h) + L(a − 2h)) / 12h`` (error ~h⁴, where the plain
    ``(L(a + h) − L(a − h)) / 2h`` has ~h²; rounding stays ~1e-13 at this h). ``loss`` reads
    ``a``, which is changed in place and put back."""
    grad = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        kept = a[i]
        at = []
        for step in (2 * h, h, -h, -2 * h):
            a[i] = kept + step
            at.append(loss())
        a[i] = kept
        grad[i] = (-at[0] + 8 * at[1] - 8 * at[2] + at[3]) / (12 * h)
    return grad


def small_problem(seed: int, causal: bool, temperature: float, asked: str = "some"):
    """A random problem small enough for finite differences, scaled as the model is (entries
    ~ N(0, 1 / fan_in)) so the attention is neither uniform nor one-hot: a saturated softmax
    has gradients near 1e-9, below what finite differences can measure to 1e-6."""
    rng = np.random.default_rng(seed)
    batch, n, d, d_k, vocab = (
        int(rng.integers(lo, hi)) for lo, hi in ((1, 4), (2, 6), (2, 7), (1, 5), (2, 7))
    )
    x = rng.standard_normal((batch, n, d))
    learned = Learned(
        rng.standard_normal((d, d_k)) / math.sqrt(d),
        rng.standard_normal((d, d_k)) / math.sqrt(d),
        rng.standard_normal((d, d_k)) / math.sqrt(d),
        rng.standard_normal((d_k, d)) / math.sqrt(d_k),
    )
    unembed = rng.standard_normal((vocab, d))
    targets = rng.integers(0, vocab, size=(batch, n))
    if asked == "some":
        targets[rng.random((batch, n)) < 0.3] = -1
        targets[0, -1] = max(targets[0, -1], 0)  # at least one place is asked
    mask = causal_mask(n) if causal else None
    return x, learned, unembed, targets, mask, temperature


def loss_of(learned, x, targets, unembed, temperature, mask) -> float:
    return forward(learned, x, targets, unembed, temperature=temperature, mask=mask).loss


problems = st.tuples(
    st.integers(0, 10_000),
    st.booleans(),
    st.sampled_from([0.3, 1.0, 2.5]),
    st.sampled_from(["some", "all"]),
)


@FAST
@given(problems)
def test_every_weight_gradient_equals_central_differences(problem):
    x, learned, unembed, targets, mask, t = small_problem(*problem)
    g = backward(learned, forward(learned, x, targets, unembed, temperature=t, mask=mask), unembed)
    for name in NAMES:
        a = getattr(learned, name)
        numeric = numeric_gradient(lambda: loss_of(learned, x, targets, unembed, t, mask), a)
        assert relative_error(getattr(g, name), numeric) <= 1e-6, name


@FAST
@given(problems)
def test_every_intermediate_gradient_equals_central_differences(problem):
    """Each gradient on the way back, checked by treating that intermediate as the input of the
    rest of the forward pass."""
    x, learned, unembed, targets, mask, t = small_problem(*problem)
    f = forward(learned, x, targets, unembed, temperature=t, mask=mask)
    g = backward(learned, f, unembed)
    d_k = f.q.shape[-1]

    def rest_from_logits(logits):
        return cross_entropy(log_softmax(logits), targets)[0]

    def rest_from_out(out):
        return rest_from_logits(out @ unembed.T)

    def rest_from_attended(attended):
        return rest_from_out(attended @ learned.w_o)

    def rest_from_weights(weights):
        return rest_from_attended(weights @ f.v)

    def rest_from_scaled(scaled):
        logits = scaled if mask is None else np.where(mask, scaled, -np.inf)
        return rest_from_weights(softmax(logits, t))

    def rest_from_scores(scores):
        return rest_from_scaled(scores / math.sqrt(d_k))

    def rest_from_qkv(q, k, v):
        return rest_from_attended(attention(q, k, v, temperature=t, mask=mask).output)

    checks = {
        "logits": (f.logits, rest_from_logits),
        "out": (f.out, rest_from_out),
        "attended": (f.attended, rest_from_attended),
        "weights": (f.weights, rest_from_weights),
        "scaled_scores": (f.scaled_scores, rest_from_scaled),
        "scores": (f.scores, rest_from_scores),
    }
    for name, (value, rest) in checks.items():
        a = value.copy()
        numeric = numeric_gradient(lambda rest=rest, a=a: rest(a), a)
        assert relative_error(getattr(g, name), numeric) <= 1e-6, name
    q, k, v = f.q.copy(), f.k.copy(), f.v.copy()
    for name, a in (("q", q), ("k", k), ("v", v)):
        numeric = numeric_gradient(lambda: rest_from_qkv(q, k, v), a)
        assert relative_error(getattr(g, name), numeric) <= 1e-6, name


def test_the_check_catches_a_wrong_gradient():
    """The finite-difference check is sharp: nudging one entry of a right gradient, or leaving
    out one piece of the chain, fails it by orders of magnitude."""
    x, learned, unembed, targets, mask, t = small_problem(7, causal=False, temperature=2.0)
    f = forward(learned, x, targets, unembed, temperature=t, mask=mask)
    g = backward(learned, f, unembed)
    numeric = {
        name: numeric_gradient(
            lambda: loss_of(learned, x, targets, unembed, t, mask), getattr(learned, name)
        )
        for name in ("w_q", "w_k")
    }
    assert relative_error(g.w_k, numeric["w_k"]) <= 1e-6
    off = g.w_k.copy()
    off.flat[0] += 1e-3 * np.abs(g.w_k).max()  # one entry a thousandth off
    assert relative_error(off, numeric["w_k"]) > 1e-5

    w, d_weights, d_k = f.weights, g.weights, f.q.shape[-1]
    x_flat = x.reshape(-1, x.shape[-1]).T

    def w_q_grad(d_z):  # the rest of the chain, done right
        d_scores = d_z / (t * math.sqrt(d_k))
        return x_flat @ (d_scores @ f.k).reshape(-1, d_k)

    right = w * (d_weights - (w * d_weights).sum(axis=-1, keepdims=True))
    assert relative_error(w_q_grad(right), numeric["w_q"]) <= 1e-6
    diagonal_only = w * d_weights  # softmax's Jacobian without its − w wᵀ part
    assert relative_error(w_q_grad(diagonal_only), numeric["w_q"]) > 1e-2
    no_temperature = x_flat @ ((right / math.sqrt(d_k)) @ f.k).reshape(-1, d_k)  # forgot ÷ T
    assert relative_error(no_temperature, numeric["w_q"]) > 1e-2


# --- gradients and optimisers: PyTorch -------------------------------------------------------


def fixture_case(case):
    learned = Learned(*(np.array(case[name]) for name in NAMES))
    x, unembed, targets = np.array(case["x"]), np.array(case["unembed"]), np.array(case["targets"])
    mask = causal_mask(x.shape[1]) if case["causal"] else None
    return learned, x, unembed, targets, mask, case["temperature"]


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=lambda c: f"seed{c['seed']}")
def test_forward_and_gradients_match_pytorch_autograd(case):
    learned, x, unembed, targets, mask, t = fixture_case(case)
    f = forward(learned, x, targets, unembed, temperature=t, mask=mask)
    g = backward(learned, f, unembed)
    assert f.loss == pytest.approx(case["loss"], rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(f.logits, case["logits"], rtol=0, atol=1e-10)
    np.testing.assert_allclose(f.weights, case["weights"], rtol=0, atol=1e-12)
    for name, expected in case["grad"].items():
        expected = np.array(expected)
        scale = np.abs(expected).max()
        np.testing.assert_allclose(
            getattr(g, name), expected, rtol=0, atol=1e-10 * scale, err_msg=name
        )


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=lambda c: f"seed{c['seed']}")
def test_adam_and_sgd_steps_match_pytorch_optimisers(case):
    learned, x, unembed, targets, mask, t = fixture_case(case)

    def grads(now):
        f = forward(now, x, targets, unembed, temperature=t, mask=mask)
        return backward(now, f, unembed).learned

    adam, state = learned, fresh_adam(learned)
    for _ in range(case["adam"]["steps"]):
        adam, state = adam_step(adam, grads(adam), state, case["adam"]["lr"])
    sgd = sgd_step(learned, grads(learned), case["sgd"]["lr"])
    for name in NAMES:
        np.testing.assert_allclose(getattr(adam, name), case["adam"][name], rtol=0, atol=1e-12)
        np.testing.assert_allclose(getattr(sgd, name), case["sgd"][name], rtol=0, atol=1e-12)


def test_fixture_covers_masks_temperatures_and_the_lesson_sizes():
    cases = FIXTURE["cases"]
    assert {c["causal"] for c in cases} == {True, False}
    assert len({c["temperature"] for c in cases}) >= 3
    assert any(np.array(c["x"]).shape[1:] == (SEQUENCE_LENGTH, 32) for c in cases)
    assert any((np.array(c["targets"]) == -1).any() for c in cases)


# --- the tasks ---------------------------------------------------------------------------------


def test_previous_word_batches_ask_for_the_word_one_place_back():
    b = training_batch("previous", 3, 17)
    words = b.tokens[:, :, 0]
    assert b.tokens.shape == (TASKS["previous"].batch_size, SEQUENCE_LENGTH, 1)
    assert (b.targets[:, 0] == -1).all() and (b.targets[:, 1:] == words[:, :-1]).all()
    assert (b.source[:, 1:] == np.arange(SEQUENCE_LENGTH - 1)).all()
    labels = b.labels(0)
    assert len(labels) == SEQUENCE_LENGTH and b.answers(0)[1:] == labels[:-1]


def test_recall_batches_ask_for_the_digit_on_the_matching_card():
    b = training_batch("recall", 5, 0)
    vocab = TASKS["recall"].vocabulary
    for i in range(len(b.tokens)):
        labels, answers = b.labels(i), b.answers(i)
        cards, query = labels[:-1], labels[-1]
        assert len({c[0] for c in cards}) == len(cards)  # every letter once
        assert query.endswith("?") and all(a is None for a in answers[:-1])
        src = b.source[i, -1]
        assert cards[src][0] == query[0] and answers[-1] == cards[src][1]
        assert vocab[b.targets[i, -1]] == answers[-1]


def test_batches_are_seeded_per_step_and_the_exam_is_apart():
    a, b = training_batch("previous", 0, 5), training_batch("previous", 0, 5)
    assert np.array_equal(a.tokens, b.tokens)
    assert not np.array_equal(a.tokens, training_batch("previous", 0, 6).tokens)
    assert not np.array_equal(a.tokens, training_batch("previous", 1, 5).tokens)
    exam = held_out("previous", 0)
    assert len(exam.tokens) == TASKS["previous"].held_out_size and not exam.tokens.flags.writeable
    assert not np.array_equal(exam.tokens[:16], training_batch("previous", 0, 0).tokens)


def test_embeddings_are_fixed_and_as_long_as_the_places():
    e = embeddings("recall")
    assert e.shape == (TASKS["recall"].size, 32) and not e.flags.writeable
    assert 4 < np.linalg.norm(e, axis=1).mean() < 8  # √32 ≈ 5.7; a place's vector is 4 long


# --- training ----------------------------------------------------------------------------------


def test_the_default_task_reaches_95_percent_for_at_least_9_of_10_seeds():
    reached = {seed: run(seed=seed).reached_95 for seed in SEEDS}
    budget = TASKS["previous"].steps
    ok = [seed for seed, step in reached.items() if step is not None and step <= budget]
    assert len(ok) >= 9, reached


@pytest.mark.parametrize("seed", SEEDS)
def test_the_learned_pattern_looks_at_the_previous_place(seed):
    r = run(seed=seed)
    if r.reached_95 is None:
        pytest.skip("the one seed in ten allowed to miss")
    assert looks_at_previous(r.history.mean_pattern[-1]).all()
    exam = r.held_out
    right = looks_right(r.result.weights, exam.source)
    assert right[:, 1:].mean() >= 0.95  # nearly every place of every held-out sentence
    assert where_it_looks(r, 5) == frozenset({4})
    assert r.history.answer_weight[-1] > 4 * r.history.answer_weight[0]  # from a blur (1/8)


def test_the_pattern_starts_as_a_blur_and_the_loss_as_a_guess():
    r = run(steps=0)
    assert np.abs(r.history.mean_pattern[0] - 1 / SEQUENCE_LENGTH).max() < 0.03
    assert r.history.loss[0] == pytest.approx(TASKS["previous"].chance_loss, rel=0.05)


def test_the_recall_task_learns_to_look_at_the_matching_card():
    r = run("recall", 0)
    assert r.reached_95 is not None and r.reached_95 <= TASKS["recall"].steps
    source = r.held_out.source[0, -1]
    assert where_it_looks(r, SEQUENCE_LENGTH - 1) == frozenset({int(source)})
    assert looks_right(r.result.weights, r.held_out.source)[:, -1].mean() >= 0.95


def test_position_scores_peak_one_place_back_after_training():
    for seed in SEEDS:
        s = position_scores(run(seed=seed).learned)
        assert (s[1:].argmax(axis=1) == np.arange(SEQUENCE_LENGTH - 1)).all(), seed


# --- the presets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("task", list(TASKS))
def test_the_diverging_preset_diverges_and_says_so_without_nan(task):
    for seed in SEEDS[:3]:
        r = run(task, seed, preset="diverges")
        assert r.diverged_at is not None and r.diverged_at <= 5, seed
        assert r.history.loss.max() > 10 * TASKS[task].chance_loss
        assert r.reached_95 is None and r.history.accuracy.max() < 0.5
        for a in (r.history.loss, r.history.accuracy, r.history.pattern, *r.learned.arrays()):
            assert np.isfinite(a).all()


def test_a_run_that_blows_up_stops_and_keeps_numbers_finite():
    r = train(lr=5.0, optimiser="sgd", steps=100)
    assert r.blew_up and r.steps < 100 and r.diverged_at is not None
    assert len(r.history.loss) == r.steps + 1
    assert all(np.isfinite(a).all() for a in (r.history.loss, *r.learned.arrays()))
    assert train_more(r, 10).steps == r.steps  # nothing more to learn from
    with pytest.raises(ValueError, match="blew up"):
        next_step(r)


@pytest.mark.parametrize("task", list(TASKS))
def test_the_tiny_learning_rate_barely_moves(task):
    for seed in SEEDS[:3]:
        good, tiny = run(task, seed), run(task, seed, preset="barely_moves")
        assert tiny.history.loss[-1] > 0.9 * tiny.history.loss[0]
        assert tiny.reached_95 is None and tiny.history.accuracy[-1] < 0.3
        assert good.history.loss[-1] < 0.1 * good.history.loss[0]


@pytest.mark.parametrize("task", list(TASKS))
def test_the_slow_temperature_learns_slower_than_the_good_preset(task):
    for seed in SEEDS[:3]:
        good = run(task, seed).reached_95
        slow = run(task, seed, preset="slow_temperature", steps=MAX_STEPS).reached_95
        assert good is not None and slow is not None and slow >= 1.5 * good, (seed, good, slow)


# --- determinism, continuing, one step in the open ---------------------------------------------


def test_same_arguments_give_the_same_history():
    a, b = train(seed=4, steps=60), train(seed=4, steps=60)
    for name in ("loss", "accuracy", "answer_weight", "pattern", "batch_loss", "gradient_size"):
        assert np.array_equal(getattr(a.history, name), getattr(b.history, name)), name
    assert all(
        np.array_equal(p, q) for p, q in zip(a.learned.arrays(), b.learned.arrays(), strict=True)
    )


@pytest.mark.parametrize("optimiser", ["adam", "sgd"])
def test_a_short_run_is_the_start_of_a_longer_one(optimiser):
    lr = 0.02 if optimiser == "adam" else 0.1
    long = train(seed=2, steps=50, lr=lr, optimiser=optimiser)
    short = train(seed=2, steps=20, lr=lr, optimiser=optimiser)
    assert np.array_equal(short.history.loss, long.history.loss[:21])
    assert np.array_equal(short.history.pattern, long.history.pattern[:21])
    continued = train_more(short, 30)
    assert np.array_equal(continued.history.loss, long.history.loss)
    assert np.array_equal(continued.history.batch_loss, long.history.batch_loss)
    assert all(
        np.array_equal(p, q)
        for p, q in zip(continued.learned.arrays(), long.learned.arrays(), strict=True)
    )


@pytest.mark.parametrize("optimiser", ["adam", "sgd"])
def test_one_step_in_the_open_is_the_step_training_takes(optimiser):
    lr = 0.02 if optimiser == "adam" else 0.1
    snap = step_snapshot(seed=1, lr=lr, step=10, optimiser=optimiser)
    after = train(seed=1, lr=lr, steps=11, optimiser=optimiser).learned
    assert all(
        np.array_equal(p, q) for p, q in zip(snap.after.arrays(), after.arrays(), strict=True)
    )
    assert (
        snap.forward.loss
        == train(seed=1, lr=lr, steps=11, optimiser=optimiser).history.batch_loss[10]
    )
    nudge = snap.nudge("w_q", 2, 3)
    assert nudge.after == nudge.before + nudge.change
    if optimiser == "sgd":
        assert nudge.change == pytest.approx(-lr * nudge.gradient, rel=1e-12)


def test_adams_first_step_moves_every_weight_by_lr_against_its_gradient():
    snap = step_snapshot(step=0)
    lr = TASKS["previous"].lr
    for name in NAMES:
        g, change = (
            getattr(snap.gradients, name),
            getattr(snap.after, name) - getattr(snap.before, name),
        )
        big = np.abs(g) > 1e-4  # where ε = 1e-8 does not show
        np.testing.assert_allclose(change[big], -lr * np.sign(g[big]), rtol=1e-3)


def test_where_it_looks_reads_any_step_of_the_run():
    r = run()
    assert r.history.pattern[0, 5].max() < 0.2  # at the start: a blur, no place stands out
    assert where_it_looks(r, 5, step=100) == frozenset({4})
    with pytest.raises(ValueError, match="position"):
        where_it_looks(r, SEQUENCE_LENGTH)
    with pytest.raises(ValueError, match="step"):
        where_it_looks(r, 1, step=r.steps + 1)


# --- errors that say how to fix them -------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"task": "poems"}, "task must be one of previous, recall"),
        ({"lr": 0.0}, "lr must be a finite number > 0"),
        ({"lr": math.nan}, "lr must be a finite number > 0"),
        ({"steps": MAX_STEPS + 1}, f"steps must be a whole number 0..{MAX_STEPS}"),
        ({"steps": 2.5}, "steps must be a whole number"),
        ({"seed": -1}, "seed must be a whole number >= 0"),
        ({"temperature": 0}, "temperature must be a finite number > 0"),
        ({"optimiser": "rmsprop"}, "optimiser must be 'adam' or 'sgd'"),
    ],
)
def test_bad_settings_say_what_is_allowed(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train(**kwargs)


def test_a_nudge_outside_the_matrix_says_its_shape():
    snap = step_snapshot(step=0)
    with pytest.raises(ValueError, match=r"w_o has shape \(8, 32\)"):
        snap.nudge("w_o", 8, 0)
    with pytest.raises(ValueError, match="name must be one of w_q, w_k, w_v, w_o"):
        snap.nudge("w_x", 0, 0)
