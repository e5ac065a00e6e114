"""Lesson 3: softmax and temperature."""

from typing import Any

import numpy as np
import streamlit as st

import attention_core as ac
from ui import page, questions
from ui.figures.scaling import sample_weights, spread_by_d_k
from ui.figures.softmax import scores_and_weights
from ui.formats import format_number, written, written_lead
from ui.lessons import SOFTMAX
from ui.params import TEMPERATURES
from ui.safe import md

run = page.begin(
    SOFTMAX,
    "Softmax turns scores into probabilities: the higher the score, the larger the weight, and "
    "together they always add up to 1. **Temperature** is how hard you focus: turn it down and "
    "the weight piles onto the best score (a hard lookup, if the runner-up is far enough "
    "behind); turn it up and the weights even out, as when you listen to everyone in the noisy "
    "room at once.",
)

# The dictionary lesson's keys, each with a score you can drag.
SCORE_KEYS = [f"s{i}" for i in range(1, 6)]
labels = [SOFTMAX.param(key).label for key in SCORE_KEYS]
#: The reference temperatures drawn next to yours in the overlay.
COMPARE_AT = (0.1, 1.0, 10.0)


@st.cache_data(show_spinner=False)
def score_spread(d_ks: tuple[int, ...]) -> ac.ScoreSpread:
    """The spread of random scores per d_k (~33 ms for the whole range: computed once)."""
    return ac.score_spread(d_ks)


def top_weight_question(scores: list[float], weights: np.ndarray, t: float) -> page.Question:
    """How large is the top weight at this temperature? The band is the core's."""
    top = float(np.max(scores))
    leaders = [labels[i] for i in range(len(scores)) if scores[i] == top]
    below = [s for s in scores if s < top]
    if below:
        gap = top - max(below)
        lead = (
            f"The best score, {written(top)}, leads the next one by {written_lead(gap)}; "
            f"divided by T = {format_number(t)} that lead becomes {written_lead(gap / t)}"
        )
    else:
        lead = "Every key has the same score, so every key gets the same weight"
    return page.how_much(
        f"At temperature {format_number(t)}: how large is the largest weight softmax gives?",
        float(np.max(weights)),
        f"{lead}. The largest weight is {ac.percent(float(np.max(weights)))} "
        f"({questions.joined([md(w) for w in leaders])}). The lower the temperature, the more a "
        "lead "
        "counts; the order of the weights never changes.",
    )


def metrics(verdict: ac.Spread, spread: float, even: float) -> None:
    """The top weight and the spread, next to the most spread five weights can have."""
    top, spread_col, limit_col = st.columns(3)
    top.metric(
        "Top weight", ac.percent(verdict.top_weight), help="The largest weight softmax gives."
    )
    spread_col.metric(
        "Spread (entropy)",
        f"{spread:.2f} bits",
        help="0 bits: one key takes everything. The maximum: every key gets the same weight.",
    )
    limit_col.metric("Most possible", f"{even:.2f} bits", help="log₂(5): five equal weights.")


TEACHER = page.TeacherNotes(
    ask=(
        "Before touching the dial: which key gets the most weight, and why can no temperature "
        "change that?",
        "Set two scores equal. Can any temperature give one of them more than the other?",
        "At temperature 20 the weights nearly even out. Is the lookup still useful?",
        "Why does a model divide its scores by √d_k before softmax? What would happen with "
        "d_k = 512 and no division?",
        "Add 10 to every score: do the weights change? (Softmax only sees differences.)",
    ),
    misconception="“Temperature reorders the keys.” It never does: dividing every score by the "
    "same positive T keeps their order, so the best key stays the best. Temperature changes "
    "how sharp the weights are: how much of the whole the best key takes.",
)


@st.fragment
def lesson_body() -> None:
    controls, charts = st.columns([1, 2.2], gap="large")
    with controls:
        t = run.control("t")  # first: the lesson's main control, in view on arrival
        if not all(run.hidden(key) for key in SCORE_KEYS):  # a teacher's link may hide them
            st.caption("How well the query matches each key (the dictionary's French words):")
        scores = [run.control(key) for key in SCORE_KEYS]
        compare = run.control("compare")

    with charts:
        st.latex(
            r"w_i = \operatorname{softmax}(s / T)_i = \frac{e^{\,s_i / T}}{\sum_j e^{\,s_j / T}}"
        )
        # The overlay is computed by the same softmax, once per reference temperature.
        temperatures = sorted({*COMPARE_AT, t}) if compare else [t]
        weights_by_t = {temp: ac.softmax(scores, temperature=temp) for temp in temperatures}
        weights = weights_by_t[t]
        spread = float(ac.entropy(weights))
        even = ac.max_entropy(len(weights))

        # The verdict is the core's: its words are true of these weights by construction.
        verdicts = {temp: ac.describe_spread(w) for temp, w in weights_by_t.items()}
        verdict = verdicts[t]
        if run.predict(lambda: top_weight_question(scores, weights, t)):
            icon = {"even": "blur_on", "hard": "target", "tie": "drag_handle", "soft": "tune"}
            st.markdown(
                f":material/{icon[verdict.kind]}: **{questions.spread_headline(verdict, labels)}.**"
            )
            metrics(verdict, spread, even)

        run.chart(
            scores_and_weights(
                labels,
                np.array(scores),
                weights_by_t,
                t,
                verdicts={temp: v.short for temp, v in verdicts.items()} if compare else None,
                look=run.look,
            ),
            key="softmax-weights",
        )

    # The ends of the dial, for these scores: the note quotes what the chart will show there.
    coldest, hottest = TEMPERATURES[0], TEMPERATURES[-1]
    cold = questions.spread_headline(
        ac.describe_spread(ac.softmax(scores, temperature=coldest)), labels
    )
    hot = questions.spread_headline(
        ac.describe_spread(ac.softmax(scores, temperature=hottest)), labels
    )
    run.note(
        f"Drag the temperature to its lowest, {format_number(coldest)}, and these scores give: "
        f"{cold}. To its highest, {format_number(hottest)}: {hot}. The closer the runner-up's "
        "score, the lower the temperature must go before the best key takes (almost) "
        "everything. The order of the weights never changes, only how sharp they are. Try the "
        "tie preset: two equal scores always share equally."
    )

    def numbers_table() -> dict[str, Any]:
        """score / T and e^(score / T) are the steps of the formula above, for reading along."""
        table = {
            "key": labels,
            "score": scores,
            "score / T": np.array(scores) / t,
            "e^(score / T)": np.exp(np.array(scores) / t),
            "weight": weights,
        }
        for temp, w in weights_by_t.items():
            if temp != t:
                table[f"weight at T = {format_number(temp)}"] = w
        return table

    run.numbers(numbers_table)

    run.share()


def why_scale() -> None:
    """Why √d_k: random unit-variance queries and keys, scored with and without the scaling.

    Outside the fragment above: moving the temperature does not redraw it, and moving d_k
    reruns the page, so the share link (in the fragment) follows d_k too.
    """
    st.subheader("Why divide by √d_k?")
    st.markdown(
        "In a transformer a score is the dot product q · k of two vectors of d_k numbers each. "
        "Draw those numbers at random (mean 0, variance 1): q · k adds up d_k random terms, so "
        "its spread grows like √d_k. Big scores act like a tiny temperature: softmax hands one "
        "key nearly everything, and learning stalls (the gradients of a saturated softmax "
        "vanish). Dividing by √d_k brings the spread back to about 1, whatever d_k is."
    )
    controls, numbers = st.columns([1, 2.2], gap="large")
    with controls:
        d_k = run.control("dk")
        st.latex(r"\operatorname{std}(q \cdot k) = \sqrt{d_k}")
    if not run.shown:  # predict mode: the numbers of this section wait for the prediction too
        st.caption(page.HIDDEN_CHART)
        return
    every = score_spread(ac.D_K_CHOICES)
    here = score_spread((d_k,))
    sample = ac.score_sample(d_k)
    keys = [f"k{i + 1}" for i in range(len(sample.keys))]
    unscaled = ac.describe_spread(sample.unscaled.weights)
    scaled = ac.describe_spread(sample.scaled.weights)
    with numbers:
        raw, divided = st.columns(2)
        raw.metric(
            "Spread of q · k",
            f"{here.std_unscaled[0]:.2f}",
            help=f"Standard deviation over {here.n_samples} random queries; √d_k = "
            f"{here.sqrt_d_k[0]:.2f}.",
        )
        divided.metric("Spread of q · k / √d_k", f"{here.std_scaled[0]:.2f}")
        st.caption(
            f"At d_k = {d_k}, √d_k = {here.sqrt_d_k[0]:.2f}. Over {here.n_samples} random "
            f"queries, each against {here.n_keys} keys, the largest weight averages "
            f"{ac.percent(here.top_weight_unscaled[0])} unscaled and "
            f"{ac.percent(here.top_weight_scaled[0])} scaled."
        )
        st.markdown(
            "One of those queries, drawn below. Unscaled: "
            f"{questions.spread_headline(unscaled, keys)}. "
            f"Scaled: {questions.spread_headline(scaled, keys)}."
        )
    left, right = st.columns(2)
    run.chart(spread_by_d_k(every, here, look=run.look), key="scaling-spread", container=left)
    run.chart(sample_weights(sample, keys, look=run.look), key="scaling-sample", container=right)
    run.numbers(
        lambda: {
            "d_k": every.d_k,
            "√d_k": every.sqrt_d_k,
            "spread of q · k": every.std_unscaled,
            "spread of q · k / √d_k": every.std_scaled,
            "mean top weight, unscaled": every.top_weight_unscaled,
            "mean top weight, scaled": every.top_weight_scaled,
        },
        title="The numbers behind “Why √d_k”",
    )


lesson_body()
why_scale()
run.finish(code=[ac.softmax, ac.describe_spread, ac.entropy, ac.score_spread], teacher=TEACHER)
