"""Lesson 3: softmax and temperature."""

from typing import Any

import numpy as np
import streamlit as st

import attention_core as ac
from ui import page
from ui.figures.softmax import scores_and_weights
from ui.formats import format_number
from ui.lessons import SOFTMAX

run = page.begin(
    SOFTMAX,
    "Softmax turns scores into probabilities: the highest score gets a weight close to 1, the "
    "others close to 0, and together they always add up to 1. **Temperature** is how hard you "
    "focus: turn it down for a hard lookup (only the best match counts), turn it up and you "
    "listen to everyone in the noisy room at once.",
)

# The dictionary lesson's keys, each with a score you can drag.
SCORE_KEYS = [f"s{i}" for i in range(1, 6)]
labels = [SOFTMAX.param(key).label for key in SCORE_KEYS]
#: The reference temperatures drawn next to yours in the overlay.
COMPARE_AT = (0.1, 1.0, 10.0)
#: How close to the even spread (in share of the maximum entropy) counts as "even average".
EVEN_SHARE = 0.95
#: How much of the weight the best score must hold to count as a hard lookup.
HARD_WEIGHT = 0.99


# Moving a control reruns only this part of the page (a fragment), not the header above it.
@st.fragment
def lesson_body() -> None:
    controls, charts = st.columns([1, 2.2], gap="large")
    with controls:
        t = run.control("t")  # first: the lesson's main control, in view on arrival
        st.caption("How well the query matches each key (the dictionary's French words):")
        scores = [run.control(key) for key in SCORE_KEYS]
        compare = run.control("compare")

    with charts:
        st.latex(
            r"w_i = \operatorname{softmax}(s / T)_i = \frac{e^{\,s_i / T}}{\sum_j e^{\,s_j / T}}"
        )
        weights = ac.softmax(scores, temperature=t)
        spread = float(ac.entropy(weights))
        even = ac.max_entropy(len(weights))

        # The weight held by the best score (shared by every key tied for it).
        best = np.isclose(scores, max(scores))
        best_weight = float(weights[best].sum())
        tied = [label for label, is_best in zip(labels, best, strict=True) if is_best]
        # Even first: when every key ties for best, the "best" holds everything, yet nothing
        # stands out.
        if spread >= EVEN_SHARE * even:
            verdict = (":material/blur_on:", "Even average: every key counts the same")
        elif best_weight >= HARD_WEIGHT:
            verdict = (":material/target:", "Hard lookup (arg-max): only the best score counts")
        else:
            verdict = (
                ":material/tune:",
                "Soft lookup: the best score leads, the others still count",
            )
        st.markdown(f"{verdict[0]} **{verdict[1]}.**")
        if len(tied) > 1:
            st.caption(
                f"A tie at the top: {', '.join(f'*{w}*' for w in tied[:-1])} and *{tied[-1]}* have "
                "the same score, so they always get the same weight and share the spotlight "
                f"({best_weight / len(tied):.0%} each here)."
            )

        top, spread_col, limit_col = st.columns(3)
        top.metric("Top weight", f"{weights.max():.0%}", help="The largest weight softmax gives.")
        spread_col.metric(
            "Spread (entropy)",
            f"{spread:.2f} bits",
            help="0 bits: one key takes everything. The maximum: every key gets the same weight.",
        )
        limit_col.metric("Most possible", f"{even:.2f} bits", help="log₂(5): five equal weights.")

        # The overlay is computed by the same softmax, once per reference temperature.
        temperatures = sorted({*COMPARE_AT, t}) if compare else [t]
        weights_by_t = {temp: ac.softmax(scores, temperature=temp) for temp in temperatures}
        run.chart(
            scores_and_weights(labels, np.array(scores), weights_by_t, t, look=run.look),
            key="softmax-weights",
        )

    run.note(
        "Drag the temperature to its lowest: the key with the highest score takes (almost) all the "
        "weight, whatever the gap to the runner-up. Drag it to its highest: every key gets about "
        "20%, even *loin*, the worst match. The order of the weights never changes, only how sharp "
        "they are. Try the tie preset: two equal scores always share equally."
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


lesson_body()
run.finish(code=[ac.softmax, ac.entropy])
