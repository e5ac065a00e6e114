"""Every figure builder called with typical, edge and hostile inputs: one place for the figure
tests (and for comparing two versions of the builders) to get them all."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

import attention_core as ac
from ui.figures import (
    classroom,
    dictionary,
    math,
    query,
    sentence,
    softmax,
    weight_bars,
    weights_heatmap,
)

HOSTILE = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) $\\href{javascript:alert(1)}{x}$"


def _sentence_figures(text: str, view: str) -> dict[str, Callable[[], go.Figure]]:
    r = ac.refine(text, temperature=1.0)
    labels = sentence.token_labels(r)
    projection = sentence.projection_for(r, view)
    focus = ac.focus_word(r.tokens)
    limit = math.symmetric_limit(r.embeddings, r.refined, floor=3.0)
    mlabels = math.token_labels(r)
    return {
        f"sentence-movement[{text[:12]}|{view}]": lambda: sentence.movement(
            r, projection, focus=focus, landmarks=sentence.LANDMARKS.get(view, ())
        ),
        f"sentence-weights[{text[:12]}]": lambda: weights_heatmap(r.weights, labels, labels),
        f"sentence-bars[{text[:12]}]": lambda: weight_bars(
            labels, r.weights[focus], highlight=focus
        ),
        f"math-x[{text[:12]}]": lambda: math.features_heatmap(
            r.embeddings, mlabels, title="X", limit=limit, colorbar_title="value"
        ),
        f"math-scores[{text[:12]}]": lambda: math.scores_heatmap(
            r.attention.scores, mlabels, title="S", limit=math.symmetric_limit(r.attention.scores)
        ),
    }


def gallery() -> dict[str, Callable[[], go.Figure]]:
    """Name -> a function building that figure (call it inside the projector/theme you want)."""
    figures: dict[str, Callable[[], go.Figure]] = {}
    for n in (2, 12, 40):
        room = ac.listen(n, temperature=0.5)
        figures[f"room[{n}]"] = lambda room=room: weight_bars(
            room.voices, room.weights, highlight=0, horizontal=True, title="t", axis_title="a"
        )
    for word, encoding in (
        ("ci-dessous", "embedding"),
        ("ci-dessous", "one_hot"),
        (HOSTILE, "embedding"),
        ("", "embedding"),
    ):
        found = ac.lookup(word, encoding=encoding, temperature=1.0, scaled=True)
        features = (
            ac.DICTIONARY_FEATURES
            if encoding == "embedding"
            else [*ac.KNOWN_WORDS, "(any other word)"]
        )
        figures[f"dictionary-weights[{word[:10]}|{encoding}]"] = lambda f=found: (
            dictionary.scores_and_weights(f)
        )
        figures[f"dictionary-vectors[{word[:10]}|{encoding}]"] = (
            lambda w=word, f=found, feats=features, e=encoding: dictionary.vectors_heatmap(
                w, f, feats, encoding=e
            )
        )
    scores = np.array([3.0, 1.5, 1.0, 0.5, -1.0])
    keys = ["sous", "près", "dans", "sur", HOSTILE]
    for compare in (False, True):
        temps = [0.1, 1.0, 10.0] if compare else [1.0]
        weights_by_t = {t: ac.softmax(scores, temperature=t) for t in temps}
        figures[f"softmax[{compare}]"] = lambda w=weights_by_t: softmax.scores_and_weights(
            keys, scores, w, 1.0
        )
    for qx, qy in ((1.0, 0.0), (0.0, 0.0), (-3.0, 3.0)):
        found = ac.probe(qx, qy, temperature=1.0, scaled=True)
        figures[f"query-space[{qx},{qy}]"] = lambda f=found: query.space(f)
        figures[f"query-bars[{qx},{qy}]"] = lambda f=found: weight_bars(
            f.labels, f.weights, highlight=0
        )
    for question in ("What is the capital of France?", "weather", HOSTILE):
        found = ac.ask(question, temperature=1.0)
        figures[f"classroom[{question[:10]}]"] = lambda f=found: classroom.notes_grid(f)
    for text, view in (
        ("I sat on the river bank", "nature-money"),
        ("I sat on the river bank", "pca"),
        ("bank " * 40, "money-person"),
        (HOSTILE, "nature-animal"),
    ):
        figures.update(_sentence_figures(text, view))
    return figures
