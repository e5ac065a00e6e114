"""Lesson 7: the math, step by step (Q Kᵀ, ÷ √d_k, softmax, × V with the real numbers).

Each step is a function of the ``Refinement``: steps 1-3 do not depend on the temperature (it
first acts in softmax, step 4), so moving it reruns steps 4 and 5 only, a fragment.
"""

from typing import Any

import numpy as np
import streamlit as st

import attention_core as ac
from ui import formulas, page, questions
from ui.figures import weights_heatmap
from ui.figures.math import (
    blank_words,
    by_hand_pair,
    change,
    dot_arithmetic,
    feature_limit,
    features_heatmap,
    features_in_words,
    math_labels,
    mix_arithmetic,
    near_tie,
    scores_heatmap,
    strongest_feature,
    symmetric_limit,
)
from ui.formats import written, written_lead
from ui.lessons import MATH, PROJECTIONS
from ui.params import TEMPERATURES
from ui.questions import how_much, named
from ui.safe import md

#: Past this many words the matrices stop fitting on a screen (they still work).
COMFORTABLE_TOKENS = 12
#: The core functions that computed this page: "Show the code" prints them.
CODE = [ac.refine, ac.attention, ac.softmax]

TEACHER = page.TeacherNotes(
    ask=(
        "Step 2: why is the score of *river* with *bank* the same as the score of *bank* with "
        "*river*? Is the weight the same too (step 4)?",
        "Work out one row by hand: take the scores of step 2, divide by √8 (when scaling is "
        "on) and by T, and softmax them. Does your largest weight match step 4?",
        "Turn off the division by √d_k: which rows get sharper? Does any row change its "
        "largest word?",
        "What do small words like *the* score with everyone, and what does softmax make of it?",
        "Why divide by √d_k, and not by the lengths of the vectors?",
    ),
    misconception="“The scores are symmetric, so the attention weights are too.” Here Q = K, "
    "so *a* scores with *b* exactly what *b* scores with *a*; but softmax normalises each row "
    "on its own, so the weights are not symmetric: in *the river bank*, the weight *river* "
    "gives *bank* is not the weight *bank* gives *river* (compare the two cells in step 4).",
)

run = page.begin(
    MATH,
    "Nothing new here, only the same recipe with every number showing. Each word asks a "
    "question (its **query**), holds up a label (its **key**) and carries some information (its "
    "**value**). Compare, turn the scores into weights, mix: four small steps you could do with "
    "a pencil.",
)


def numbered(r: ac.Refinement) -> list[str]:
    return [f"{i + 1}. {label}" for i, label in enumerate(math_labels(r))]


def word_table(
    r: ac.Refinement, matrix: np.ndarray, columns: list[str], **extra: Any
) -> dict[str, Any]:
    """One row per word, for the "numbers" expanders (the text alternative of each chart)."""
    return {
        "word": numbered(r),
        **{column: matrix[:, j] for j, column in enumerate(columns)},
        **extra,
    }


def step(r: ac.Refinement, number: int, title: str, explanation: str) -> tuple[Any, Any]:
    """A step's heading and its plain-words line; returns (left, right) columns."""
    st.subheader(f"{number}. {title}", divider="gray")
    # Big tables need the full width: then the chart goes below the words instead of beside.
    if len(r.tokens) > COMFORTABLE_TOKENS:
        left, right = st.container(), st.container()
    else:
        left, right = st.columns([1, 1.6], gap="large")
    left.markdown(explanation)
    return left, right


def step_1_embeddings(r: ac.Refinement) -> None:
    n, d = r.embeddings.shape
    # Two words of this sentence, read out (the known ones with features first).
    shown = [i for i in range(n) if r.known[i] and np.any(r.embeddings[i])]
    shown += [i for i in range(n) if i not in shown]
    labels = [md(label, limit=40) for label in math_labels(r)]
    examples = " and ".join(
        f"*{labels[i]}* is {features_in_words(r.embeddings[i])}"
        for i in sorted(dict.fromkeys(shown[:2]))
    )
    left, right = step(
        r,
        1,
        "X: every word as numbers",
        f"Each word is a row of {d} numbers, one per named feature: {examples}. "
        "In this toy we use X itself as the "
        "queries, the keys and the values, so the score of *a* with *b* is the score of *b* "
        "with *a* (the score matrix is symmetric), and nothing in X says where a word stands: "
        "shuffle the words and the rows only shuffle with them, word order is invisible. Real "
        "transformers first multiply X by three learned matrices, W_Q, W_K and W_V, so a word "
        "can ask for something different from what it offers, and add the position of each "
        "word: lessons 8–10 lift both limits.",
    )
    with left:
        st.latex(rf"Q = K = V = X \in \mathbb{{R}}^{{{n} \times {d}}}")
        st.caption("In a real transformer:")
        st.latex(r"\begin{gathered} Q = X W_Q, \quad K = X W_K, \\ V = X W_V \end{gathered}")
    with right:
        run.chart(
            features_heatmap(
                r.embeddings,
                math_labels(r),
                title="X, the embeddings",
                limit=feature_limit(r),
                colorbar_title="value",
                look=run.look,
            ),
            key="math-x",
        )
    run.numbers(lambda: word_table(r, r.embeddings, list(ac.FEATURES)), title="X as a table")


def step_2_scores(r: ac.Refinement) -> None:
    scores, labels = r.attention.scores, math_labels(r)
    escaped = [md(label, limit=40) for label in labels]
    left, right = step(
        r,
        2,
        "Q Kᵀ: compare every word with every word",
        "A score is a dot product: multiply two words' features pair by pair and add them up. "
        "Words that share features score high; words with nothing in common score 0.",
    )
    with left:
        st.latex(
            r"\begin{aligned} S &= Q K^\top \\ "
            r"S_{ij} &= q_i \cdot k_j = \sum_{f=1}^{d_k} q_{if}\, k_{jf} \end{aligned}"
        )
        asker, partner = by_hand_pair(r)
        arithmetic, skipped, sign = dot_arithmetic(r.embeddings[asker], r.embeddings[partner])
        left_out = (
            f" (the other {skipped} features are 0 in one of the two words, so they add nothing)"
            if 0 < skipped < len(ac.FEATURES)
            else ""
        )
        why = (
            "the pair of different words with the biggest score here"
            if scores[asker, partner] != 0
            else "no two different words share a feature here, so every such score is 0"
        )
        row = ", ".join(f"{escaped[j]} {written(s)}" for j, s in enumerate(scores[asker][:12]))
        st.markdown(
            f"**One row by hand.** The row of *{escaped[asker]}*, and in full its score with "
            f"*{escaped[partner]}* ({why}):  \n"
            f"*{escaped[asker]}* · *{escaped[partner]}* = {arithmetic}"
            f" {sign} **{written(scores[asker, partner])}**{left_out}.  \n"
            f"The whole row of *{escaped[asker]}*: {row}{' …' if len(labels) > 12 else ''}."
        )
    with right:
        run.chart(
            scores_heatmap(
                scores,
                labels,
                title="Q Kᵀ, the raw scores",
                limit=symmetric_limit(scores),
                look=run.look,
            ),
            key="math-scores",
        )
    run.numbers(lambda: word_table(r, scores, numbered(r)), title="The raw scores as a table")


def step_3_scale(r: ac.Refinement) -> None:
    scaled, d_k = r.attention.scaled, r.attention.d_k
    root = d_k**0.5
    left, right = step(
        r,
        3,
        "÷ √d_k: calm the scores down" if scaled else "÷ √d_k: skipped (the notes' formula)",
        f"Each word has d_k = {d_k} features, so √{d_k} ≈ {root:.2f}. "
        + (
            "A score adds up d_k products. If the entries of q and k were independent, with "
            "mean 0 and variance 1, the spread of those sums would grow like √d_k: the more "
            "dimensions, the bigger "
            "the scores, and softmax saturates into one weight near 1, where learning gets "
            "almost no gradient. Vaswani et al. divide by √d_k to bring the spread back to about "
            "1 whatever d_k is. It is about the number of dimensions, not long vectors: at a "
            "fixed d_k, dividing by a constant does nothing to make long vectors fair."
            if scaled
            else "The course notes leave this division out, so the scores go to softmax as they "
            "are: the table on the right is the same as step 2. Turn on the switch above to "
            "divide."
        ),
    )
    with left:
        st.latex(
            rf"\tilde S = \frac{{S}}{{\sqrt{{d_k}}}} = \frac{{S}}{{\sqrt{{{d_k}}}}} "
            rf"\approx \frac{{S}}{{{root:.2f}}}"
            if scaled
            else r"\tilde S = S \quad \text{(no division)}"
        )
    with right:
        run.chart(
            scores_heatmap(
                r.attention.scaled_scores,
                math_labels(r),
                title=f"Q Kᵀ ÷ {root:.2f}, the scaled scores" if scaled else "Q Kᵀ, not scaled",
                # The same colour range as step 2: scaling shows up as paler.
                limit=symmetric_limit(r.attention.scores),
                look=run.look,
            ),
            key="math-scaled",
        )
    notes, paper = st.columns(2, gap="large")
    for column, in_use, formula, source in (
        (notes, not scaled, r"\operatorname{softmax}\!\left(Q K^\top\right) V", "the course notes"),
        (paper, scaled,
         r"\operatorname{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V",
         "Vaswani et al. (2017)"),
    ):  # fmt: skip
        with column, st.container(horizontal=True, vertical_alignment="center"):
            # The formula not in use is greyed out, so the eye lands on the one that ran.
            st.latex(formula if in_use else rf"\color{{gray}}{{{formula}}}", width="content")
            st.caption(f"**← in use** ({source})" if in_use else f"({source}; not in use)")
    run.numbers(
        lambda: word_table(r, r.attention.scaled_scores, numbered(r)),
        title="The scaled scores as a table",
    )


def top_weight_question(r: ac.Refinement) -> page.Question:
    """How large is the largest weight in the row step 2 writes out by hand? The band is the
    core's, from the very row the weights chart then draws."""
    asker, _ = by_hand_pair(r)
    labels = [md(label, limit=40) for label in math_labels(r)]
    word = f"*{labels[asker]}*"
    raw, weights = r.attention.scores[asker], r.weights[asker]  # (n,) each
    t, d_k, scaled = r.attention.temperature, r.attention.d_k, r.attention.scaled
    root = d_k**0.5
    division = f"divided by √{d_k} ≈ {root:.2f}" if scaled else f"not divided by √{d_k} (the notes)"
    best = float(raw.max())
    below = raw[raw < best]
    if below.size == 0:
        lead = f"Every score in the row of {word} is {written(best)}: softmax gives every word "
        lead += "the same weight"
    else:
        gap = best - float(below.max())
        lead = (
            f"In the row of {word} the best score, {written(best)} (with "
            + named(math_labels(r), np.flatnonzero(raw == best), limit=3)
            + f"), leads the next one by {written_lead(gap)}; divided by "
            + (f"√{d_k} and by T = {written(t)}" if scaled else f"T = {written(t)}")
            + f", that lead becomes {written_lead(gap / (root if scaled else 1.0) / t)}"
        )
    why = f"{lead}. The largest weight is {ac.percent(float(weights.max()))}."
    if below.size:
        why += " The bigger the lead after dividing, the larger the top weight: " + (
            f"turn off the division by √{d_k}, or lower T, and it can only grow."
            if scaled
            else f"divide by √{d_k}, or raise T, and it can only shrink."
        )
    return how_much(
        f"In *{md(' '.join(r.tokens), 80)}*, with the scores {division} and at "
        f"temperature {written(t)}: how large is the largest weight in the row of {word}? "
        "(Step 2 writes that row's scores out.)",
        float(weights.max()),
        why,
    )


def step_4_softmax(r: ac.Refinement) -> None:
    left, right = step(
        r,
        4,
        "softmax (÷ T): scores become weights",
        "Each row (the word that asks) turns its scores into weights between 0 and 1 that add up "
        "to 1: the best match gets the most. The temperature T divides first: low T makes a hard "
        "lookup, high T an even average.",
    )
    with left:
        run.control("t")  # r was computed at its value (``run.value``)
        st.latex(
            r"\begin{aligned} "
            r"A_{ij} &= \frac{e^{\tilde S_{ij} / T}}{\sum_{j'} e^{\tilde S_{ij'} / T}}"
            rf"\\ T &= {written(r.attention.temperature)} \end{{aligned}}"
        )
    labels = math_labels(r)
    with right:
        run.predict(lambda: top_weight_question(r))
        run.chart(
            weights_heatmap(
                r.weights,
                labels,
                labels,
                title="A, the attention weights (each row sums to 1)",
                look=run.look,
            ),
            key="math-weights",
        )
    run.numbers(
        lambda: word_table(r, r.weights, numbered(r), **{"row sum": r.weights.sum(axis=1)}),
        title="The weights as a table, with each row's sum",
    )


def step_5_mix(r: ac.Refinement) -> None:
    asker, _ = by_hand_pair(r)
    feature = strongest_feature(r.refined[asker])
    escaped = [md(label, limit=40) for label in math_labels(r)]
    left, right = step(
        r,
        5,
        "× V: mix the values",
        "Each word's new vector is a blend of every word's value, in the proportions of its row of "
        "weights. The word now carries its context.",
    )
    with left:
        st.latex(r"\begin{aligned} X' &= A\,V \\ x'_i &= \sum_j A_{ij}\, v_j \end{aligned}")
    if run.shown:  # the mix quotes the weights: it waits for the prediction
        left.markdown(
            f"**By hand:** the new *{ac.FEATURES[feature]}* of *{escaped[asker]}* = "
            + mix_arithmetic(r.weights[asker], r.embeddings[:, feature], escaped)
            + "."
        )
    picked_up = change(r)
    with right:
        refined_tab, change_tab = run.tabs(["Refined X'", "Change X' − X"], key="math-x-tab")
        for tab, key, matrix, title, limit, colorbar in (
            (refined_tab, "math-refined", r.refined, "X', the refined embeddings",
             feature_limit(r), "value"),
            (change_tab, "math-change", picked_up,
             "X' − X: what each word picked up (+) or lost (−)", symmetric_limit(picked_up),
             "change"),
        ):  # fmt: skip
            if tab.open:
                figure = features_heatmap(
                    matrix, math_labels(r), title=title, limit=limit, colorbar_title=colorbar,
                    look=run.look,
                )  # fmt: skip
                run.chart(figure, key=key, container=tab)
    run.numbers(
        lambda: word_table(
            r,
            r.refined,
            [f"refined {f}" for f in ac.FEATURES],
            **{f"change {f}": picked_up[:, j] for j, f in enumerate(ac.FEATURES)},
        ),
        title="X' (and the change) as a table",
    )


def what_to_notice(r: ac.Refinement) -> str:
    """The hint under the steps, about this sentence's own words (computed, never assumed)."""
    coldest = TEMPERATURES[0]
    labels = [md(label, limit=40) for label in math_labels(r)]
    tie = near_tie(r, coldest)
    if tie is None:
        at_coldest = "every row becomes a hard lookup (one weight near 1) or stays an even split."
    else:
        row, first, second = tie
        word, a, b = (labels[k] for k in tie)
        scores = r.attention.scaled_scores[row]
        same = np.abs(scores - scores[first]) <= ac.ROUNDING * max(1.0, abs(scores[first]))
        if same[second]:  # an exact tie, of two words or more: every one of them alike
            tied = questions.joined(
                ["itself" if k == row else f"*{labels[k]}*" for k in np.flatnonzero(same)]
            )
            at_coldest = (
                "most rows become a hard lookup (one weight near 1), except where scores tie: "
                f"*{word}* scores exactly the same with {tied}, so it splits its attention "
                "equally among them at every temperature."
            )
        else:
            at_coldest = (
                "most rows become a hard lookup (one weight near 1), except where two scores "
                f"nearly tie: *{word}* scores almost the same with *{a}* as with *{b}*, so it "
                "keeps a little of both."
            )
    blanks = blank_words(r)
    small = (
        f" Small words like *{labels[blanks[0]]}* are all zeros here: they score 0 with everyone "
        "and spread their attention evenly."
        if blanks
        else ""
    )
    return (
        f"Turn off **{MATH.param('scaled').label}**: step 3 becomes a copy of step 2, the scores "
        "reach softmax bigger, and every row that is not an even split gets sharper. Slide the "
        f"temperature to {written(coldest)}: {at_coldest} At {written(TEMPERATURES[-1])} every "
        f"row flattens toward an even average.{small}"
    )


@st.fragment
def softmax_and_mix(r: ac.Refinement) -> None:
    """Steps 4 and 5, with the temperature: moving it reruns only this part of the page."""
    t = run.value("t")
    if t != r.attention.temperature:  # only this fragment reran: the temperature moved
        r = ac.refine(r.text, temperature=t, scaled=r.attention.scaled)
    step_4_softmax(r)
    step_5_mix(r)
    run.note(what_to_notice(r))
    run.share()


text = run.control("sentence")
scaled = run.control("scaled")
# The whole formula first; the steps below take it apart, in the order the computer does them.
# Two lines, so it fits a phone.
st.latex(
    r"\begin{gathered} X' = "
    + formulas.softmax_of(r"Q K^\top", scaled=scaled)
    + r" V \\ Q = K = V = X \end{gathered}"
)
refinement = ac.refine(text, temperature=run.value("t"), scaled=scaled)

if not refinement.tokens:
    st.info(
        "Type a few words (or pick a preset above) to see every step of the math with "
        "real numbers.",
        icon=":material/keyboard:",
    )
    run.control("t")  # kept on screen, so a link's temperature is not lost
    run.share()
else:
    page.text_notice(refinement, cut="used")
    n = len(refinement.tokens)
    if n > COMFORTABLE_TOKENS:
        st.warning(
            f"{n} words make {n} × {n} tables: everything still works, but the numbers get "
            "small. A short sentence (three to six words) is much easier to follow by hand.",
            icon=":material/zoom_out:",
        )
    page.text_notice(refinement, unknown="marked “(unknown)”; each gets a small made-up vector")
    if not run.shown:  # predict mode: say where the question is, below the hidden charts
        st.info(
            "**Predict first:** the question waits in step 4, next to the temperature. Steps 1 "
            "and 2 write out the words and one row of scores to work from.",
            icon=":material/psychology_alt:",
        )
    step_1_embeddings(refinement)
    step_2_scores(refinement)
    step_3_scale(refinement)
    softmax_and_mix(refinement)
run.link_to(PROJECTIONS, "Next: let a word ask for something else than itself (W_Q, W_K, W_V)")
run.finish(code=CODE, teacher=TEACHER)
