"""Lesson 7: the math, step by step (Q Kᵀ, ÷ √d_k, softmax, × V with the real numbers)."""

from typing import Any

import streamlit as st

import attention_core as ac
from ui import formulas, page
from ui.figures import weights_heatmap
from ui.figures.math import (
    by_hand_pair,
    change,
    dot_arithmetic,
    features_heatmap,
    mix_arithmetic,
    number,
    scores_heatmap,
    strongest_feature,
    symmetric_limit,
    token_labels,
)
from ui.lessons import MATH
from ui.safe import md

#: Past this many words the matrices stop fitting on a screen (they still work).
COMFORTABLE_TOKENS = 12

run = page.begin(
    MATH,
    "Nothing new here, only the same recipe with every number showing. Each word asks a "
    "question (its **query**), holds up a label (its **key**) and carries some information (its "
    "**value**). Compare, turn the scores into weights, mix: four small steps you could do with "
    "a pencil.",
)

text = page.control(MATH.param("sentence"))
scaled = page.control(MATH.param("scaled"))

# The whole formula first; the steps below take it apart, in the order the computer does them.
# Two lines, so it fits a phone.
st.latex(
    r"\begin{gathered} X' = \operatorname{softmax}\!\left(\frac{Q K^\top}{"
    + formulas.divisor(scaled=scaled)
    + r"}\right) V \\ Q = K = V = X \end{gathered}"
)
# Steps 1-3 do not depend on the temperature (it first acts in softmax, step 4), so moving it
# reruns steps 4 and 5 only: they are a fragment below, with the temperature slider.
refinement = ac.refine(text, scaled=scaled)

if not refinement.tokens:
    st.info(
        "Type a few words (or pick a preset above) to see every step of the math with "
        "real numbers.",
        icon=":material/keyboard:",
    )
    page.control(MATH.param("t"))  # kept on screen, so a link's temperature is not lost
    page.share_box(run)
    page.finish(run, code=[ac.refine, ac.attention, ac.softmax])
    st.stop()

if refinement.truncated:
    st.info(
        f"Only the first {ac.MAX_TOKENS} words are used (your text has {refinement.n_words:,}).",
        icon=":material/content_cut:",
    )
n = len(refinement.tokens)
if n > COMFORTABLE_TOKENS:
    st.warning(
        f"{n} words make {n} × {n} tables: everything still works, but the numbers get small. "
        "A short sentence (three to six words) is much easier to follow by hand.",
        icon=":material/zoom_out:",
    )
if refinement.unknown_words:
    st.caption(
        "Not in our vocabulary (marked “(unknown)”; each gets a small made-up vector): "
        + ", ".join(md(w, limit=30) for w in dict.fromkeys(refinement.unknown_words))
    )

result = refinement.attention
labels = token_labels(refinement)
numbered = [f"{i + 1}. {label}" for i, label in enumerate(labels)]
escaped = [md(label, limit=40) for label in labels]
d_k = result.d_k
root = d_k**0.5


def word_table(matrix, columns, *, extra=None) -> dict[str, Any]:
    """One row per word, for the "numbers" expanders (the text alternative of each chart)."""
    return {
        "word": numbered,
        **{column: matrix[:, j] for j, column in enumerate(columns)},
        **(extra or {}),
    }


def step(number_: int, title: str, explanation: str):
    """A step's heading and its plain-words line; returns (left, right) columns."""
    st.subheader(f"{number_}. {title}", divider="gray")
    # Big tables need the full width: then the chart goes below the words instead of beside.
    wide = n > COMFORTABLE_TOKENS
    left, right = (st.container(), st.container()) if wide else st.columns([1, 1.6], gap="large")
    left.markdown(explanation)
    return left, right


# ---- Step 1: X --------------------------------------------------------------------------------
# One colour range for X (here) and X' (step 5). Each refined number is a weighted average of
# the same feature over the words, so X' never leaves X's range, whatever the temperature.
feature_limit = symmetric_limit(refinement.embeddings, floor=3.0)
left, right = step(
    1,
    "X: every word as numbers",
    f"Each word is a row of {len(ac.FEATURES)} numbers, one per named feature: *river* is pure "
    "nature, *bank* is a bit of nature, money and place. In this toy we use X itself as the "
    "queries, the keys and the values. Real transformers first multiply X by three learned "
    "matrices, W_Q, W_K and W_V, so a word can ask for something different from what it offers.",
)
with left:
    st.latex(rf"Q = K = V = X \in \mathbb{{R}}^{{{n} \times {len(ac.FEATURES)}}}")
    st.caption("In a real transformer:")
    st.latex(r"\begin{gathered} Q = X W_Q, \quad K = X W_K, \\ V = X W_V \end{gathered}")
with right:
    page.chart(
        features_heatmap(
            refinement.embeddings,
            labels,
            title="X, the embeddings",
            limit=feature_limit,
            colorbar_title="value",
        ),
        key="math-x",
    )
page.numbers(lambda: word_table(refinement.embeddings, ac.FEATURES), title="X as a table")

# ---- Step 2: Q Kᵀ -------------------------------------------------------------------------------
score_limit = symmetric_limit(result.scores)
left, right = step(
    2,
    "Q Kᵀ: compare every word with every word",
    "A score is a dot product: multiply two words' features pair by pair and add them up. "
    "Words that share features score high; words with nothing in common score 0.",
)
with left:
    st.latex(
        r"\begin{aligned} S &= Q K^\top \\ S_{ij} &= q_i \cdot k_j = \sum_{f=1}^{d_k} q_{if}\, k_{jf}"
        r"\end{aligned}"
    )
    asker, partner = by_hand_pair(refinement)
    first_note = (
        f"(We start at *{escaped[asker]}*, the first word with "
        + ("features in our vocabulary: small words are all zeros here and unknown words get "
           "made-up numbers.)  \n" if refinement.known[asker] else "any features.)  \n")
        if asker != 0
        else ""
    )  # fmt: skip
    arithmetic, skipped = dot_arithmetic(
        refinement.embeddings[asker], refinement.embeddings[partner]
    )
    st.markdown(
        "**One row by hand.** "
        + first_note
        + f"*{escaped[asker]}* · *{escaped[partner]}* = {arithmetic}"
        + f" = **{number(result.scores[asker, partner])}**"
        + (
            f" (the other {skipped} features are 0 in one of the two words, so they add nothing)"
            if 0 < skipped < len(ac.FEATURES)
            else ""
        )
        + ".  \n"
        + f"The whole row of *{escaped[asker]}*: "
        + ", ".join(f"{escaped[j]} {number(s)}" for j, s in enumerate(result.scores[asker][:12]))
        + (" …" if n > 12 else "")
        + "."
    )
with right:
    page.chart(
        scores_heatmap(result.scores, labels, title="Q Kᵀ, the raw scores", limit=score_limit),
        key="math-scores",
    )
page.numbers(lambda: word_table(result.scores, numbered), title="The raw scores as a table")

# ---- Step 3: ÷ √d_k -----------------------------------------------------------------------------
left, right = step(
    3,
    "÷ √d_k: calm the scores down" if scaled else "÷ √d_k: skipped (the notes' formula)",
    f"Each word has d_k = {d_k} features, so √{d_k} ≈ {root:.2f}. "
    + (
        "Long vectors give big dot products, and big scores make softmax jump to a hard "
        "yes/no; Vaswani et al. divide by √d_k to keep it gentle."
        if scaled
        else "The course notes leave this division out, so the scores go to softmax as they "
        "are: the table on the right is the same as step 2. Turn on the switch above to divide."
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
    page.chart(
        scores_heatmap(
            result.scaled_scores,
            labels,
            title=f"Q Kᵀ ÷ {root:.2f}, the scaled scores" if scaled else "Q Kᵀ, not scaled",
            limit=score_limit,  # the same colour range as step 2: scaling shows up as paler
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
page.numbers(
    lambda: word_table(result.scaled_scores, numbered), title="The scaled scores as a table"
)


@st.fragment
def softmax_and_mix() -> None:
    """Steps 4 and 5, with the temperature: moving it reruns only this part of the page."""
    # ---- Step 4: softmax ------------------------------------------------------------------------
    left, right = step(
        4,
        "softmax (÷ T): scores become weights",
        "Each row (the word that asks) turns its scores into weights between 0 and 1 that add up "
        "to 1: the best match gets the most. The temperature T divides first: low T makes a hard "
        "lookup, high T an even average.",
    )
    with left:
        t = page.control(MATH.param("t"))
        refinement = ac.refine(text, temperature=t, scaled=scaled)
        result = refinement.attention
        st.latex(
            r"\begin{aligned} A_{ij} &= \frac{e^{\tilde S_{ij} / T}}{\sum_{j'} e^{\tilde S_{ij'} / T}}"
            rf"\\ T &= {number(t)} \end{{aligned}}"
        )
    with right:
        page.chart(
            weights_heatmap(
                result.weights,
                labels,
                labels,
                title="A, the attention weights (each row sums to 1)",
            ),
            key="math-weights",
        )
    page.numbers(
        lambda: word_table(result.weights, numbered, extra={"row sum": result.weights.sum(axis=1)}),
        title="The weights as a table, with each row's sum",
    )

    # ---- Step 5: × V -----------------------------------------------------------------------------
    feature = strongest_feature(refinement.refined[asker])
    left, right = step(
        5,
        "× V: mix the values",
        "Each word's new vector is a blend of every word's value, in the proportions of its row of "
        "weights. The word now carries its context.",
    )
    with left:
        st.latex(r"\begin{aligned} X' &= A\,V \\ x'_i &= \sum_j A_{ij}\, v_j \end{aligned}")
        st.markdown(
            f"**By hand:** the new *{ac.FEATURES[feature]}* of *{escaped[asker]}* = "
            + mix_arithmetic(result.weights[asker], refinement.embeddings[:, feature], escaped)
            + f" = **{number(refinement.refined[asker, feature])}**."
        )
    with right:
        # Only the open tab is drawn: Streamlit reruns the page when the reader switches tabs.
        refined_tab, change_tab = st.tabs(
            ["Refined X'", "Change X' − X"], key="math-x-tab", on_change="rerun"
        )
        picked_up = change(refinement)
        if refined_tab.open:
            page.chart(
                features_heatmap(
                    refinement.refined,
                    labels,
                    title="X', the refined embeddings",
                    limit=feature_limit,
                    colorbar_title="value",
                ),
                key="math-refined",
                container=refined_tab,
            )
        if change_tab.open:
            page.chart(
                features_heatmap(
                    picked_up,
                    labels,
                    title="X' − X: what each word picked up (+) or lost (−)",
                    limit=symmetric_limit(picked_up),
                    colorbar_title="change",
                ),
                key="math-change",
                container=change_tab,
            )
    page.numbers(
        lambda: word_table(
            refinement.refined,
            [f"refined {f}" for f in ac.FEATURES],
            extra={f"change {f}": picked_up[:, j] for j, f in enumerate(ac.FEATURES)},
        ),
        title="X' (and the change) as a table",
    )

    page.intuition_note(
        f"Turn off **{MATH.param('scaled').label}**: step 3 becomes a copy of step 2, the scores reach softmax "
        "bigger, and every row of weights gets sharper. Slide the temperature to 0.05: most rows "
        "become a hard lookup (one weight near 1), except where two scores nearly tie: *bank* "
        "scores almost the same with *river* as with itself, so it keeps a little of both. At 20 every row is an even average. Small words like "
        "*the* are all zeros here: they score 0 with everyone and spread their attention evenly."
    )

    page.share_box(run)


softmax_and_mix()
page.finish(run, code=[ac.refine, ac.attention, ac.softmax])
