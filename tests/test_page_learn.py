"""Lesson 12, watch a head learn: the page trains what the core trains, a link restores the exact
step, the step buttons and Play move the link, and every sentence is true of the run on screen."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

import attention_core as ac
from tests.apptest_helpers import chart, charts, link_notice, open_lesson, plain, share_link
from ui import training_runs
from ui.figures.training import place_labels
from ui.lessons import LEARNING_RATES, TRAINING
from ui.questions import EVENLY
from ui.safe import md
from ui.training_lines import (
    nudge_line,
    places_line,
    progress_line,
    trouble_line,
    where_line,
)

LESSON = TRAINING


def markdowns(at: Any) -> list[str]:
    return [m.value for m in at.markdown]


def pattern_z(at: Any) -> np.ndarray:
    return np.array(plain(chart(at, "learn-pattern")["data"][0]["z"]), dtype=float)


def step_of(at: Any) -> int:
    return at.slider(key="step").value


# ---- the page trains the core's run, and a link restores it exactly ---------------------------


def test_opens_on_the_random_start() -> None:
    at = open_lesson(LESSON)
    assert not at.exception, at.exception
    assert step_of(at) == 0
    assert len(charts(at)) == 4
    run = ac.train(steps=0)
    assert np.array_equal(pattern_z(at), run.history.pattern[0])
    assert progress_line(run) in markdowns(at)
    assert any(m.startswith("**Random start**") for m in markdowns(at))


@pytest.mark.parametrize(
    ("query", "settings"),
    [
        ({"step": "137", "seed": "3", "lr": "0.003", "t": "2"}, ("previous", 3, 0.003, 2.0, 137)),
        ({"step": "1000"}, ("previous", 0, 0.01, 1.0, 1000)),
        ({"task": "recall", "step": "60", "word": "3"}, ("recall", 0, 0.01, 1.0, 60)),
        ({"lr": "0.5", "step": "40"}, ("previous", 0, 0.5, 1.0, 40)),
    ],
)
def test_a_link_restores_the_exact_trained_view_on_a_cold_process(
    query: dict[str, str], settings: tuple
) -> None:
    training_runs.forget()  # nothing trained yet: as on a server that just started
    at = open_lesson(LESSON, query)
    assert not at.exception, at.exception
    task, seed, lr, t, step = settings
    run = ac.train(task, seed, lr, step, t)
    assert step_of(at) == step
    assert np.array_equal(pattern_z(at), run.history.pattern[step])  # bit for bit
    loss = chart(at, "learn-loss")["data"][0]
    assert np.array_equal(np.array(plain(loss["y"]), dtype=float), run.history.loss)
    scores = np.array(plain(chart(at, "learn-scores")["data"][0]["z"]), dtype=float)
    assert np.array_equal(scores, ac.position_scores(run.learned, task))
    assert progress_line(run) in markdowns(at)
    link = share_link(at)
    for key, value in query.items():
        assert f"{key}={value}" in link, link


def test_the_step_buttons_train_on_and_the_link_follows() -> None:
    at = open_lesson(LESSON)
    for key, expected in (("plus1", 1), ("plus10", 11), ("plus100", 111), ("plus10", 121)):
        at.button(key=f"set-step-{key}").click().run()
        assert not at.exception, at.exception
        assert step_of(at) == expected
        assert at.query_params["step"] == str(expected)
        assert np.array_equal(pattern_z(at), ac.train(steps=expected).history.pattern[expected])
    at.button(key="set-step-reset").click().run()
    assert step_of(at) == 0 and "step" not in at.query_params


def test_the_buttons_stop_at_the_last_step() -> None:
    at = open_lesson(LESSON, {"step": str(ac.MAX_STEPS - 50)})
    at.button(key="set-step-plus100").click().run()
    assert step_of(at) == ac.MAX_STEPS
    at.button(key="set-step-plus10").click().run()  # nothing past the last step
    assert not at.exception, at.exception
    assert step_of(at) == ac.MAX_STEPS
    assert any("no next step" in c.value for c in at.caption)


def test_play_trains_step_by_step_and_pause_stops() -> None:
    at = open_lesson(LESSON)
    at.button(key="play-step").click().run()  # starts, and reruns the page to start the timer
    assert not at.exception, at.exception
    assert at.button(key="play-step").label == "Pause"
    first = step_of(at)
    assert first >= 1
    at.run()  # one tick of the timer
    assert step_of(at) == first + 1
    assert at.query_params["step"] == str(first + 1)
    at.button(key="play-step").click().run()
    paused = step_of(at)
    at.run()
    assert step_of(at) == paused and at.button(key="play-step").label == "Play"


def test_play_stops_by_itself_at_the_last_step() -> None:
    at = open_lesson(LESSON, {"step": str(ac.MAX_STEPS - 30)})
    at.button(key="play-step").click().run()
    for _ in range(5):
        at.run()
    assert step_of(at) == ac.MAX_STEPS
    assert at.button(key="play-step").label == "Play"
    at.button(key="play-step").click().run()  # at the end, Play stops at once
    assert step_of(at) == ac.MAX_STEPS and at.button(key="play-step").label == "Play"


# ---- hostile links ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("step", "-1"),
        ("step", "1001"),
        ("step", "12.5"),
        ("step", "1e3"),
        ("lr", "0.02"),
        ("lr", "3e-05"),
        ("lr", "nan"),
        ("seed", "100"),
        ("seed", "99999999999999999999"),
        ("task", "<script>alert(1)</script>"),
        ("task", "PREVIOUS"),
        ("word", "0"),
        ("word", "999"),
    ],
)
def test_a_hostile_link_value_is_refused_and_the_lesson_goes_on(key: str, raw: str) -> None:
    at = open_lesson(LESSON, {key: raw, "step": "20"} if key != "step" else {key: raw})
    assert not at.exception, at.exception
    assert len(charts(at)) == 4
    if key != "word":  # a place is clamped to the sequence, like a word of a sentence
        assert f"**{key}" in link_notice(at)
    assert "<script>" not in link_notice(at)


def test_the_learning_rate_link_is_written_in_plain_decimals() -> None:
    at = open_lesson(LESSON, {"lr": "0.00003", "step": "5"})
    assert at.select_slider(key="lr").value == 0.00003
    assert "lr=0.00003" in share_link(at)


# ---- predict, then reveal -----------------------------------------------------------------------


@pytest.mark.parametrize(("step", "place"), [(0, 5), (30, 5), (100, 5), (100, 2), (400, 8)])
def test_the_prediction_is_marked_by_the_core(step: int, place: int) -> None:
    query = {"predict": "true", "step": str(step)}
    if place != 5:
        query["word"] = str(place)
    at = open_lesson(LESSON, query)
    assert not at.exception, at.exception
    assert not charts(at), "the charts must wait for the prediction"
    run = ac.train(steps=step)
    labels = place_labels(run.example)
    right = ac.where_it_looks(run, place - 1)
    question = next(r for r in at.radio if r.label == "Your prediction")
    assert any(f"place {place}, *{md(labels[place - 1])}*" in m for m in markdowns(at))
    even = ac.is_even(run.history.pattern[step, place - 1])
    wanted = EVENLY if even else labels[sorted(right)[0]]
    options = list(question.options)
    assert md(wanted) in options, (wanted, options)
    question.set_value(options.index(md(wanted))).run()
    at.button(key="predict-reveal").click().run()
    assert not at.exception, at.exception
    assert charts(at), "the charts show once the prediction is in"
    assert any(s.value.startswith("**Right:**") for s in at.success), [s.value for s in at.success]


# ---- every sentence is true of the run on screen (properties over the controls) ---------------

RUNS = [
    (task, seed, lr, t, steps)
    for task in ac.TASKS
    for seed in (0, 7)
    for lr in (LEARNING_RATES[0], 0.001, 0.01, 0.1, 0.5)
    for t in (0.05, 1.0, 20.0)
    for steps in (0, 1, 30, 250)
]


@pytest.fixture(scope="module")
def runs() -> dict[tuple, ac.Training]:
    longest: dict[tuple, ac.Training] = {}
    out: dict[tuple, ac.Training] = {}
    for task, seed, lr, t, steps in RUNS:
        key = (task, seed, lr, t)
        start = longest.get(key) or ac.train(task, seed, lr, 0, t)
        run = start if start.blew_up else ac.train_more(start, steps - start.steps)
        longest[key] = run
        out[(task, seed, lr, t, steps)] = run
    return out


def _numbers(text: str) -> list[float]:
    return [
        float(x.replace("−", "-").replace(",", ""))
        for x in re.findall(r"[−-]?[\d,]*\d\.?\d*", text)
    ]


@pytest.mark.parametrize("settings", RUNS, ids=[str(r) for r in RUNS])
def test_the_progress_sentence_is_true(runs: dict, settings: tuple) -> None:
    run = runs[settings]
    line = progress_line(run)
    h = run.history
    assert f"{h.loss[-1]:.2f}" in line and ac.percent(h.accuracy[-1]) in line
    reached = np.flatnonzero(h.accuracy >= 0.95)
    if reached.size:
        assert f"95% or more right after {reached[0]:,} step" in line
        assert h.accuracy[: reached[0]].max(initial=0) < 0.95
    else:
        assert "95%" not in line
    if run.steps == 0:
        assert line.startswith("**Random start**")
    else:
        assert line.startswith(f"**After {run.steps:,} step")
    trouble = trouble_line(run)
    assert (trouble is not None) == (run.diverged_at is not None or run.blew_up)
    if run.diverged_at is not None and not run.blew_up:
        loss = h.loss[run.diverged_at]
        assert loss > ac.DIVERGED_FACTOR * ac.TASKS[run.task].chance_loss
        assert (
            h.loss[: run.diverged_at].max() <= ac.DIVERGED_FACTOR * ac.TASKS[run.task].chance_loss
        )
        assert f"{loss:.1f}" in trouble


@pytest.mark.parametrize("settings", RUNS[::3], ids=[str(r) for r in RUNS[::3]])
def test_where_a_place_looks_and_the_places_picture_are_true(runs: dict, settings: tuple) -> None:
    run = runs[settings]
    labels = place_labels(run.example)
    for place in range(len(labels)):
        row = run.history.pattern[run.steps, place]
        line = where_line(row, labels, place)
        top = ac.largest(row)
        if ac.is_even(row):
            assert "evenly" in line
        elif len(top) <= 4:  # past four, the sentence says "and 2 more"
            for j in top:
                name = "itself" if j == place else f"*{md(labels[j])}*"
                assert name in line.split(":")[0], (line, top)
        else:
            assert f"and {len(top) - 4} more" in line
    scores = ac.position_scores(run.learned, run.task)
    line = places_line(scores, run.task)
    if run.task == "previous":
        back = sum(ac.largest(scores[i]) == {i - 1} for i in range(1, len(scores)))
        if back == len(scores) - 1:
            assert line.startswith("In every row")
        else:
            assert line.startswith(f"In {back} of the {len(scores) - 1} rows")


@pytest.mark.parametrize("settings", RUNS[::2], ids=[str(r) for r in RUNS[::2]])
@pytest.mark.parametrize("matrix", ac.PARAMETERS)
def test_the_one_number_sentence_is_true(runs: dict, settings: tuple, matrix: str) -> None:
    run = runs[settings]
    if run.blew_up or run.steps >= ac.MAX_STEPS:
        pytest.skip("no next step")
    snap = ac.next_step(run)
    grads = getattr(snap.gradients, matrix)
    i, j = np.unravel_index(np.abs(grads).argmax(), grads.shape)
    nudge = snap.nudge(matrix, int(i), int(j))
    line = nudge_line(nudge, run.optimiser, run.lr, run.steps)
    assert f"In step {run.steps + 1}, " in line
    assert ("downhill is *down*" in line) == (nudge.gradient > 0)
    assert ("downhill is *up*" in line) == (nudge.gradient < 0)
    downhill = nudge.change != 0 and np.sign(nudge.change) == -np.sign(nudge.gradient)
    assert (": downhill, a step of" in line) == downhill
    assert (": the other way" in line) == (nudge.change != 0 and not downhill)
    if downhill:
        ratio = float(re.search(r"a step of ([\d.]+) ×", line).group(1))
        assert ratio == pytest.approx(abs(nudge.change) / run.lr, abs=0.005)
    # Every number it prints is the nudge's, as printed in the table beside it.
    assert f"{nudge.before:.5f}".replace("-", "−") in line
    assert f"{nudge.after:.5f}".replace("-", "−") in line
    assert f"{nudge.change:+.6f}".replace("-", "−") in line


@pytest.mark.parametrize(
    "query",
    [
        {"step": "30"},
        {"step": "300", "seed": "7", "t": "20"},
        {"lr": "0.5", "step": "10"},
        {"task": "recall", "step": "45", "lr": "0.001"},
        {"lr": "0.00003", "step": "1000"},
    ],
)
def test_the_page_says_what_the_core_computed(query: dict[str, str]) -> None:
    at = open_lesson(LESSON, query)
    assert not at.exception, at.exception
    task = query.get("task", "previous")
    run = ac.train(
        task, int(query.get("seed", 0)), float(query.get("lr", 0.01)), int(query["step"]),
        float(query.get("t", 1)),
    )  # fmt: skip
    shown = markdowns(at)
    assert progress_line(run) in shown
    trouble = trouble_line(run)
    assert (trouble is not None) == any(trouble == w.value for w in at.warning)
    labels = place_labels(run.example)
    place = len(labels) - 1 if task == "recall" else 4
    where = where_line(run.history.pattern[run.steps, place], labels, place)
    assert any(m.startswith(where) for m in shown)
    if run.steps < ac.MAX_STEPS:
        snap = ac.next_step(run)
        grads = snap.gradients.w_q
        i, j = np.unravel_index(np.abs(grads).argmax(), grads.shape)
        line = nudge_line(snap.nudge("w_q", int(i), int(j)), run.optimiser, run.lr, run.steps)
        assert line in shown
