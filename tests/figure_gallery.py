"""Every figure builder called with typical, edge and hostile inputs: one place for the figure
tests (and for comparing two versions of the builders) to get them all.

Each entry takes the ``Look`` to draw with (normal or projector size, light or dark), as the
builders do: they are pure functions of their inputs."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

import attention_core as ac
from attention_core.block import UpdateSizes
from attention_core.sampling import next_word
from ui.figures import (
    block,
    classroom,
    dictionary,
    heads,
    math,
    order,
    poll,
    query,
    real,
    scaling,
    sentence,
    softmax,
    training,
    translation,
    weight_bars,
    weights_heatmap,
)
from ui.formats import token_labels, word_labels
from ui.theme import Figure, Look

HOSTILE = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) $\\href{javascript:alert(1)}{x}$"

Builder = Callable[[Look], Figure]


def _sentence_figures(text: str, view: str) -> dict[str, Builder]:
    r = ac.refine(text, temperature=1.0)
    labels = token_labels(r)
    projection = sentence.projection_for(r, view)
    focus = ac.focus_word(r.tokens)
    limit = math.symmetric_limit(r.embeddings, r.refined, floor=3.0)
    mlabels = math.math_labels(r)
    return {
        f"sentence-movement[{text[:12]}|{view}]": lambda look: sentence.movement(
            r, projection, focus=focus, landmarks=sentence.LANDMARKS.get(view, ()), look=look
        ),
        f"sentence-weights[{text[:12]}]": lambda look: weights_heatmap(
            r.weights, labels, labels, look=look
        ),
        f"sentence-bars[{text[:12]}]": lambda look: weight_bars(
            labels, r.weights[focus], highlight=focus, look=look
        ),
        f"math-x[{text[:12]}]": lambda look: math.features_heatmap(
            r.embeddings, mlabels, title="X", limit=limit, colorbar_title="value", look=look
        ),
        f"math-scores[{text[:12]}]": lambda look: math.scores_heatmap(
            r.attention.scores,
            mlabels,
            title="S",
            limit=math.symmetric_limit(r.attention.scores),
            look=look,
        ),
    }


def gallery() -> dict[str, Builder]:
    """Name -> a function of the ``Look`` building that figure."""
    figures: dict[str, Builder] = {}
    for n in (2, 12, 40):
        room = ac.listen(n, temperature=0.5)
        figures[f"room[{n}]"] = lambda look, room=room: weight_bars(
            room.voices,
            room.weights,
            highlight=0,
            horizontal=True,
            title="t",
            axis_title="a",
            look=look,
        )
    for word, encoding in (
        ("ci-dessous", "embedding"),
        ("ci-dessous", "one_hot"),
        (HOSTILE, "embedding"),
        ("", "embedding"),
    ):
        found = ac.lookup(word, encoding=encoding, temperature=1.0, scaled=True)
        figures[f"dictionary-weights[{word[:10]}|{encoding}]"] = lambda look, f=found: (
            dictionary.scores_and_weights(f, look=look)
        )
        figures[f"dictionary-vectors[{word[:10]}|{encoding}]"] = lambda look, f=found, e=encoding: (
            dictionary.vectors_heatmap(f, ac.vector_features(e), encoding=e, look=look)
        )
    scores = np.array([3.0, 1.5, 1.0, 0.5, -1.0])
    keys = ["sous", "près", "dans", "sur", HOSTILE]
    for compare in (False, True):
        temps = [0.1, 1.0, 10.0] if compare else [1.0]
        weights_by_t = {t: ac.softmax(scores, temperature=t) for t in temps}
        verdicts = {t: ac.describe_spread(w).short for t, w in weights_by_t.items()}
        figures[f"softmax[{compare}]"] = lambda look, w=weights_by_t, v=verdicts: (
            softmax.scores_and_weights(keys, scores, w, 1.0, verdicts=v, look=look)
        )
    every = ac.score_spread(ac.D_K_CHOICES, n_samples=20)
    for d_k in (2, 64, 512):
        here = ac.score_spread((d_k,), n_samples=20)
        sample = ac.score_sample(d_k)
        figures[f"scaling-spread[{d_k}]"] = lambda look, h=here: scaling.spread_by_d_k(
            every, h, look=look
        )
        figures[f"scaling-sample[{d_k}]"] = lambda look, s=sample: scaling.sample_weights(
            s, [f"k{i}" for i in range(1, 9)], look=look
        )
    for qx, qy in ((1.0, 0.0), (0.0, 0.0), (-3.0, 3.0)):
        found = ac.probe(qx, qy, temperature=1.0, scaled=True)
        figures[f"query-space[{qx},{qy}]"] = lambda look, f=found: query.space(f, look=look)
        figures[f"query-bars[{qx},{qy}]"] = lambda look, f=found: weight_bars(
            f.keys, f.weights, highlight=0, look=look
        )
    for question in ("What is the capital of France?", "weather", HOSTILE):
        found = ac.ask(question, temperature=1.0)
        figures[f"classroom[{question[:10]}]"] = lambda look, f=found: classroom.notes_grid(
            f, look=look
        )
    for text, view in (
        ("I sat on the river bank", "nature-money"),
        ("I sat on the river bank", "pca"),
        ("bank " * 40, "money-person"),
        (HOSTILE, "nature-animal"),
    ):
        figures.update(_sentence_figures(text, view))
    for text, layers, residual, norm in (
        ("I sat on the river bank", 6, False, False),
        ("I sat on the river bank", 24, True, False),
        ("the", 1, True, True),
        (HOSTILE, 3, False, True),
    ):
        deep = ac.refine_deep(text, layers, residual=residual, layer_norm=norm)
        figures[f"sentence-depth[{text[:8]}|{layers}|{residual}|{norm}]"] = lambda look, d=deep: (
            sentence.depth_curves(d, look=look)
        )
    for text in ("dog bites man", "", HOSTILE, "dog " * 40):
        w = ac.shuffle(text, 3, positions=1.0)
        figures[f"order-refined[{text[:10]}]"] = lambda look, w=w: order.refined_words(
            w.shuffled.output, w.shuffled_tokens, title="t", limit=order.word_limit(w.x), look=look
        )
        figures[f"order-positions[{text[:10]}]"] = lambda look, w=w: order.encodings_heatmap(
            ac.sinusoidal_positions(len(w.tokens)), w.tokens, title="PE", look=look
        )
    for text in ("the teacher wrote on the board", HOSTILE, ""):
        figures.update(_head_figures(text))
    figures.update(_real_figures())
    figures.update(_training_figures())
    figures.update(_block_figures())
    costs = tuple(ac.attention_cost(n, repeats=1) for n in ac.COST_SIZES[:6])
    figures["translate-cost"] = lambda look: translation.cost_chart(costs, look=look)
    tr = ac.translate(HOSTILE, "the red cat is sleeping below")
    figures["translate-decoder"] = lambda look: translation.narrow_heatmap(
        tr.decoder.weights, tr.target, tr.target, title="t", look=look
    )
    options = ("sous", HOSTILE, "no word stands out (an even spread)")
    for name, counts, right in (("empty", (0, 0, 0), None), ("voted", (12, 3, 0), {0})):
        figures[f"poll-votes[{name}]"] = lambda look, c=counts, r=right: poll.votes(
            options, c, right=r, look=look
        )
    return figures


def _head_figures(text: str) -> dict[str, Builder]:
    """Lessons 8 and 9: a head's matrices and pattern, several heads' findings and their mix."""
    p = ac.project(text, ac.HEADS["person-action"])
    narrow = [ac.NARROW_HEADS[name] for name in ("nature", "money", "topic", "action-place")]
    many = ac.many_heads(text, narrow, active=[True, False, True, False])
    hostile = dataclasses.replace(narrow[0], name=HOSTILE)  # a head name is escaped too
    labels = word_labels(p.tokens, ac.embed(list(p.tokens))[1])
    names = [HOSTILE, "Money", "Topic", "Action → place"]
    focus = len(labels) - 1
    limit = heads.matrix_limit(p.w_q, p.w_k)
    figures: dict[str, Builder] = {
        f"heads-w-q[{text[:12]}]": lambda look: heads.projection_matrix(
            p.w_q, title="W_Q", limit=limit, look=look
        ),
        f"heads-pattern-off[{text[:12]}]": lambda look: heads.head_pattern(
            many.weights[1], labels, title=HOSTILE, on=False, look=look
        ),
    }
    if labels:
        figures[f"heads-found[{text[:12]}]"] = lambda look: heads.found_by_heads(
            many.found[:, focus], many.output[focus], names, many.active,
            word=labels[focus], look=look,
        )  # fmt: skip
        figures[f"heads-concat[{text[:12]}]"] = lambda look: heads.concat_heatmap(
            many.result.concat,
            labels,
            heads.head_columns([hostile, *narrow[1:]]),
            title=HOSTILE,
            look=look,
        )
    return figures


def _real_figures() -> dict[str, Builder]:
    """Lesson 11's charts on made-up patterns of a 6 x 12 model (no weights needed)."""
    rng = np.random.default_rng(11)
    figures: dict[str, Builder] = {}
    for n in (2, 8, 128):
        weights = ac.softmax(rng.normal(size=(6, 12, n, n)) * 3, temperature=1.0)
        pieces = ["[CLS]", *(["bank", "##s", HOSTILE] * n)[: n - 2], "[SEP]"]
        figures[f"real-head[{n}]"] = lambda look, w=weights, p=pieces: real.head_heatmap(
            w[0, 2], p, title=f"Layer 1, head 3 {HOSTILE}", look=look
        )
        figures[f"real-grid[{n}]"] = lambda look, w=weights: real.head_grid(w, (5, 11), look=look)
    for word, cosine in (("bank", [0.99, 0.87, 0.87, 0.86, 0.86, 0.89, 0.79]), (HOSTILE, [1.0])):
        figures[f"real-drift[{word[:8]}]"] = lambda look, c=cosine, w=word: real.drift_chart(
            np.array(c), w, look=look
        )
    return figures


def _training_figures() -> dict[str, Builder]:
    """Lesson 12's charts: a run at its start, one that learned, one that diverged, recall."""
    figures: dict[str, Builder] = {}
    for name, run in (
        ("start", ac.train(steps=0)),
        ("learned", ac.train(steps=120)),
        ("diverged", ac.train(lr=0.5, steps=20)),
        ("recall", ac.train("recall", steps=40, temperature=20.0)),
    ):
        labels = training.place_labels(run.example)
        source = run.held_out.source[0]
        figures[f"learn-loss[{name}]"] = lambda look, r=run: training.loss_curve(
            r, r.steps, look=look
        )
        figures[f"learn-accuracy[{name}]"] = lambda look, r=run: training.accuracy_curve(
            r, r.steps, look=look
        )
        figures[f"learn-pattern[{name}]"] = lambda look, r=run, names=labels, s=source: (
            training.learned_pattern(r.history.pattern[r.steps], names, s, title="t", look=look)
        )
        figures[f"learn-scores[{name}]"] = lambda look, r=run: training.place_scores(
            ac.position_scores(r.learned, r.task), look=look
        )
    return figures


def _block_figures() -> dict[str, Builder]:
    """Lesson 13's charts on made-up numbers of a 6-layer model (no weights needed)."""
    rng = np.random.default_rng(13)
    figures: dict[str, Builder] = {}
    sizes = UpdateSizes(rng.uniform(0, 1.5, 6), rng.uniform(0, 1.5, 6))
    figures["block-updates"] = lambda look: block.update_sizes_chart(sizes, HOSTILE, look=look)
    for n in (1, 1536):
        units = rng.normal(size=n)
        top = list(np.argsort(-units)[:5])
        figures[f"block-units[{n}]"] = lambda look, u=units, t=top: block.units_chart(
            u, t, 3, HOSTILE, look=look
        )
    for notes in (["The capital of France is Paris.", HOSTILE, "x" * 300], [HOSTILE]):
        scores = rng.uniform(-0.2, 1, len(notes))
        figures[f"block-search[{len(notes)}]"] = lambda look, sc=scores, ns=notes: (
            block.search_chart(sc, ns, ac.largest(sc), look=look)
        )
    keys = ["cat", "sat", HOSTILE]
    weights = ac.softmax(np.array([2.0, 1.0, 0.5]), temperature=1.0)
    words = ["mat", "sofa", HOSTILE, "floor"]
    for top_k, top_p in ((None, 1.0), (1, 0.5)):
        found = next_word(np.array([2.0, 1.0, 0.5, -1.0]), 0.7, top_k, top_p)
        figures[f"block-temperatures[{top_k}]"] = lambda look, f=found: block.two_temperatures(
            keys, weights, 1.0, words, f, 0.7, look=look
        )
    return figures
