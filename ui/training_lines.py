"""Lesson 12's sentences about a training run, built from the run's own numbers.

Pure functions, no Streamlit (tests import them directly and check them as properties over
tasks, seeds, learning rates, temperatures and steps): nothing says "it learned" unless the
held-out numbers do. Where a place looks is ``ui.questions.looks_most``, the one sentence of its
kind, with the core's tie rule.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import attention_core as ac

from .questions import looks_most
from .safe import md

#: Held-out accuracy that counts as "learned" (the issue's bar; ``Training.reached_95``).
LEARNED = 0.95


def when(steps: int) -> str:
    """ "at the random start", or "after 30 steps"."""
    return "at the random start" if steps == 0 else f"after {steps_word(steps)}"


def steps_word(n: int) -> str:
    return f"{n:,} step" + ("" if n == 1 else "s")


def progress_line(run: ac.Training) -> str:
    """Where the run stands after ``run.steps`` steps: the held-out loss and accuracy against
    guessing, and when it first reached 95 %."""
    h, task = run.history, ac.TASKS[run.task]
    chance, guess = task.chance_loss, 1 / task.size
    right = ac.percent(h.accuracy[-1])
    if run.steps == 0:
        return (
            f"**Random start** (no training yet): the held-out loss is {h.loss[0]:.2f} "
            f"(guessing every word alike scores ln {task.size} = {chance:.2f}), and {right} of "
            f"the asked places are said right (guessing: {ac.percent(guess)})."
        )
    text = (
        f"**After {steps_word(run.steps)}**: the held-out loss went from {h.loss[0]:.2f} to "
        f"{h.loss[-1]:.2f} (guessing scores {chance:.2f}), and {right} of the asked places are "
        f"said right (guessing: {ac.percent(guess)})."
    )
    reached = run.reached_95
    if reached is not None:
        text += f" It first said 95% or more right after {steps_word(reached)}."
    return text


def trouble_line(run: ac.Training) -> str | None:
    """What went wrong, if anything: the loss ran away (too large a learning rate), or the
    numbers blew up and training stopped. None when neither happened."""
    if run.blew_up:
        return (
            f"Step {run.steps + 1} sent a learned number past {ac.BLOW_UP:,.0f}: the learning "
            f"rate is far too large, so training stopped after {steps_word(run.steps)}."
        )
    if run.diverged_at is None:
        return None
    at = run.diverged_at
    bound = ac.DIVERGED_FACTOR * ac.TASKS[run.task].chance_loss
    return (
        f"After {steps_word(at)} the held-out loss was {run.history.loss[at]:.1f}, more than "
        f"twice what guessing scores ({bound:.2f}): each step overshoots the valley it is "
        "trying to go down into. A smaller learning rate fixes it."
    )


def answer_place(source: np.ndarray, place: int, labels: Sequence[str], task: str) -> str:
    """What place ``place`` of the example is asked to do, and so where it should look.
    ``source (n,)``: the place holding each place's answer, −1 where nothing is asked."""
    j = int(source[place])
    if j >= 0 and task == "previous":
        return f"Its job is to say the word before it, so the place to look is *{md(labels[j])}*."
    if j >= 0:
        return (
            f"Its job is to say the digit on the card whose letter matches its own, so the "
            f"place to look is *{md(labels[j])}*."
        )
    if task == "previous":
        return (
            "No word comes before it, so nothing is asked of it: training never shapes where "
            "it looks."
        )
    return (
        "Only the last place (the question) is asked anything, so training never shapes where "
        "this place looks."
    )


def where_line(row: np.ndarray, labels: Sequence[str], place: int) -> str:
    """Where place ``place`` looks, from its weights ``row (n,)``: ``looks_most``, one voice."""
    return looks_most(row, labels, asking=f"*{md(labels[place])}*", itself=place, noun="place")


def places_line(scores: np.ndarray, task: str) -> str:
    """What ``ac.position_scores`` shows: for the previous-word task, how many rows (places 2
    on) have their largest score one place back (ties on screen count, ``ac.largest``)."""
    if task != "previous":
        return (
            "A recall head looks by content (the card whose letter matches), not by place, so "
            "this picture of places alone has little to show."
        )
    n = len(scores)
    back = [i for i in range(1, n) if ac.largest(scores[i]) == {i - 1}]
    if len(back) == n - 1:
        return (
            f"In every row from place 2 to place {n}, the largest score is on the place just "
            "before: the head has learned to ask for the previous place."
        )
    return (
        f"In {len(back)} of the {n - 1} rows from place 2 to place {n}, the largest score is "
        "on the place just before (and only there)."
    )


def _n(value: float, places: int, sign: str = "") -> str:
    """A number as the table beside it writes it, with a real minus sign: "−0.06909"."""
    return f"{value:{sign}.{places}f}".replace("-", "−")


def nudge_line(nudge: ac.Nudge, optimiser: str, lr: float, step: int) -> str:
    """What one step does to one number: its gradient, which way is downhill, and the move."""
    name = {"w_q": "W_Q", "w_k": "W_K", "w_v": "W_V", "w_o": "W_O"}[nudge.name]
    cell = f"{name}[{nudge.row + 1}, {nudge.col + 1}]"
    g = nudge.gradient
    if g > 0:
        slope = "raising it would raise the loss, so downhill is *down*"
    elif g < 0:
        slope = "raising it would lower the loss, so downhill is *up*"
    else:
        slope = "the loss does not change with it at all here"
    before, gradient = _n(nudge.before, 5), _n(g, 5, "+")
    text = f"In step {step + 1}, {cell} = {before} has gradient {gradient}: {slope}. "
    if optimiser == "sgd":
        return text + (
            f"SGD moves it by −lr × gradient = {_n(nudge.change, 6, '+')}, to {_n(nudge.after, 5)}."
        )
    text += f"Adam moves it by {_n(nudge.change, 6, '+')}, to {_n(nudge.after, 5)}"
    if nudge.change == 0:
        return text + "."
    if g != 0 and np.sign(nudge.change) == -np.sign(g):
        return text + (
            f": downhill, a step of {abs(nudge.change) / lr:.2f} × the learning rate. (Adam "
            "divides each number's gradient by that number's own recent gradient size, so a "
            "number with a tiny gradient moves about as far as one with a huge gradient.)"
        )
    return text + (
        ": the other way. Adam follows the average of the recent steps' gradients (its "
        "momentum), and that still points this way."
    )
