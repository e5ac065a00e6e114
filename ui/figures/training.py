"""Figures for lesson 12: a head learning, step by step.

The loss and accuracy curves are plain lines over the steps taken; the pattern is lesson 8's
``head_pattern`` (the 0..1 weights scale of every lesson) with the cell each asked place should
look at outlined; the learned scores between places are lesson 7's signed ``matrix_heatmap``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import attention_core as ac

from .. import theme
from ..theme import NORMAL, Figure, Look
from .heads import head_pattern
from .math import matrix_heatmap, symmetric_limit

#: The x axis shows at least this many steps, so the first steps are not drawn edge to edge.
MIN_STEPS_SHOWN = 10


def _steps_axis(steps: int) -> dict[str, Any]:
    return {
        "title": {"text": "training steps"},
        "range": [0, max(steps, MIN_STEPS_SHOWN)],
        "fixedrange": True,
        "zeroline": False,
    }


def _guide(
    y: float, text: str, color: str, look: Look, *, left: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A dashed horizontal line across the plot at ``y`` in ``color``, and its label at its
    right end (or left, where the curve it guides is not), in the text's colour: a coloured
    label would be too faint on a projector."""
    line = {
        "type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": y, "y1": y,
        "line": {"color": color, "dash": "dash", "width": 1.5 * look.scale},
    }  # fmt: skip
    label = {
        "text": text, "xref": "paper", "x": 0 if left else 1,
        "xanchor": "left" if left else "right", "yref": "y", "y": y,
        "yanchor": "bottom", "showarrow": False, "font": {"size": look.px(12)},
    }  # fmt: skip
    return line, label


def loss_curve(run: ac.Training, step: int, *, look: Look = NORMAL) -> Figure:
    """The held-out loss after each step ``0..step`` (the random start is step 0), the loss of
    each step's own batch before it learned from it, and the loss of guessing (ln V)."""
    h, chance = run.history, ac.TASKS[run.task].chance_loss
    steps = np.arange(step + 1)
    held = {
        "type": "scatter", "mode": "lines+markers" if step <= 30 else "lines",
        "x": steps, "y": h.loss[: step + 1], "name": "held-out loss (the exam)",
        "line": {"color": theme.OKABE_ITO["blue"], "width": 3 * look.scale},
        "marker": {"size": 5 * look.scale},
        "hovertemplate": "after %{x} steps: loss %{y:.3f}<extra></extra>",
    }  # fmt: skip
    batch = {
        "type": "scatter", "mode": "lines", "x": steps[1:] - 1, "y": h.batch_loss[:step],
        "name": "loss of the batch it learned from",
        "line": {"color": theme.OKABE_ITO["grey"], "width": 1.5 * look.scale},
        "hovertemplate": "step %{x}'s batch: loss %{y:.3f}<extra></extra>",
    }  # fmt: skip
    line, label = _guide(chance, f"guessing: ln {ac.TASKS[run.task].size} = {chance:.2f}",
                         theme.OKABE_ITO["vermillion"], look)  # fmt: skip
    top = float(max(h.loss[: step + 1].max(), h.batch_loss[:step].max(initial=0.0), chance))
    layout = {
        "title": {"text": "The loss: how wrong it is (lower is better)"},
        "xaxis": _steps_axis(step),
        "yaxis": {"title": {"text": "cross-entropy loss"}, "range": [0, 1.08 * top],
                  "fixedrange": True},
        "shapes": [line], "annotations": [label],
        "legend": {"orientation": "h", "x": 0, "y": -0.3, "yanchor": "top"},
        "dragmode": False,
    }  # fmt: skip
    return theme.figure([held, batch], layout, height=340, look=look)


def accuracy_curve(run: ac.Training, step: int, *, look: Look = NORMAL) -> Figure:
    """Held-out accuracy after each step ``0..step``, against guessing (1 / V) and 95 %."""
    h, task = run.history, ac.TASKS[run.task]
    steps = np.arange(step + 1)
    right = {
        "type": "scatter", "mode": "lines+markers" if step <= 30 else "lines",
        "x": steps, "y": 100 * h.accuracy[: step + 1], "name": "said right",
        "line": {"color": theme.OKABE_ITO["green"], "width": 3 * look.scale},
        "marker": {"size": 5 * look.scale},
        "hovertemplate": "after %{x} steps: %{y:.1f}% right<extra></extra>",
    }  # fmt: skip
    chance_line, chance_label = _guide(
        100 / task.size, f"guessing: {100 / task.size:.0f}%", theme.OKABE_ITO["vermillion"], look
    )
    goal_line, goal_label = _guide(95, "95%", theme.OKABE_ITO["grey"], look, left=True)
    layout = {
        "title": {"text": "Held-out accuracy: sequences it never trained on"},
        "xaxis": _steps_axis(step),
        "yaxis": {"title": {"text": "% of asked places said right"}, "range": [0, 104],
                  "fixedrange": True},
        "shapes": [chance_line, goal_line], "annotations": [chance_label, goal_label],
        "showlegend": False, "dragmode": False,
    }  # fmt: skip
    return theme.figure([right], layout, height=340, look=look)


def place_labels(example: Sequence[str]) -> list[str]:
    """The places of the example sequence as the charts name them: "1 cat", "2 tree", ..."""
    return [f"{i + 1} {word}" for i, word in enumerate(example)]


def learned_pattern(
    weights: np.ndarray, labels: Sequence[str], source: np.ndarray, *, title: str,
    look: Look = NORMAL,
) -> Figure:  # fmt: skip
    """The example sequence's pattern ``weights (n, n)``, with the cell each asked place must
    look at to answer (``source (n,)``, −1 where nothing is asked) outlined."""
    figure = head_pattern(weights, labels, title=title, look=look)
    outline = theme.OKABE_ITO["vermillion"]
    figure["layout"]["shapes"] = [
        {"type": "rect", "xref": "x", "yref": "y", "x0": j - 0.5, "x1": j + 0.5,
         "y0": i - 0.5, "y1": i + 0.5, "line": {"color": outline, "width": 2.5 * look.scale}}
        for i, j in enumerate(source) if j >= 0
    ]  # fmt: skip
    return figure


def place_scores(scores: np.ndarray, *, look: Look = NORMAL) -> Figure:
    """``ac.position_scores``: what the learned W_Q W_Kᵀ says about places alone (n × n)."""
    places = [f"place {i + 1}" for i in range(len(scores))]
    return matrix_heatmap(
        scores, places, places, title="What W_Q·W_Kᵀ learned about places",
        x_title="key's place", y_title="query's place", limit=symmetric_limit(scores),
        colorbar_title="score", look=look,
    )  # fmt: skip
