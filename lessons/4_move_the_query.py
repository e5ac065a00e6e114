"""Lesson 4: move the query."""

import numpy as np
import streamlit as st

import attention_core as ac
from ui import formulas, page
from ui.figures import weight_bars
from ui.figures.query import space
from ui.lessons import QUERY

run = page.begin(
    QUERY,
    "The query is a point you can move. Every key is a point too, and each one gets a share of "
    "the spotlight from its **dot product** with the query: keys pointing the same way as the "
    "query, and far out along it, shine brightest. What comes back (the output) is the blend "
    "of the values, pulled toward the keys that shine.",
)


def _two_places(x: float) -> str:
    """A number to two decimals, without the puzzling "-0.00" of a tiny negative."""
    return f"{round(float(x), 2) + 0.0:.2f}"


# Moving a control reruns only this part of the page (a fragment), not the header above it.
@st.fragment
def lesson_body() -> None:
    controls, charts = st.columns([1, 2.2], gap="large")
    with controls:
        qx = page.control(QUERY.param("qx"))
        qy = page.control(QUERY.param("qy"))
        t = page.control(QUERY.param("t"))
        scaled = page.control(QUERY.param("scaled"))

        st.latex(
            r"\begin{aligned} w_i &= \operatorname{softmax}\!\left(\frac{q \cdot k_i}{"
            + formulas.divisor(scaled=scaled, d="d")
            + r"}\right) \\ \text{output} &= \sum_i w_i\, v_i \end{aligned}"
        )
        found = ac.probe(qx, qy, temperature=t, scaled=scaled)

        top = int(np.argmax(found.weights))
        # At the origin the query is the zero vector: every score is 0, so no key stands out.
        flat = bool(np.ptp(found.attention.scores) < 1e-12)
        st.metric(
            "Brightest key",
            "none (all equal)" if flat else found.labels[top],
            help="The key with the largest weight.",
        )
        st.metric("Its weight", f"{found.weights[top]:.0%}")
        ox, oy = found.output
        st.caption(f"The output lands at ({ox:.2f}, {oy:.2f}): a blend of every key's position.")

    with charts:
        page.chart(space(found), key="query-space")
        page.chart(
            weight_bars(
                found.labels,
                found.weights,
                highlight=None if flat else top,
                title="How much of the spotlight each key gets",
            ),
            key="query-weights",
        )

    st.subheader("Attention ranks by dot product, not by distance")
    by_dot, by_distance = found.dot_ranking, found.distance_ranking
    if flat:
        st.info(
            "The query sits on the origin: it is the zero vector, so it scores 0 against every key "
            "and every key gets the same weight. Nothing to rank; move it somewhere.",
            icon=":material/blur_on:",
        )
    elif by_dot[0] != by_distance[0]:
        st.warning(
            f"**{by_dot[0]}** wins on dot product although **{by_distance[0]}** is closer. "
            f"The dot product grows with a key's length along the query's direction, so a long key "
            f"pointing your way beats a short one sitting next to you.",
            icon=":material/compare_arrows:",
        )
    else:
        st.success(
            f"Here both rankings agree: **{by_dot[0]}** is the closest key *and* has the largest "
            "dot product. Move the query near *kitten* to see them disagree.",
            icon=":material/check_circle:",
        )
    index = {label: i for i, label in enumerate(found.labels)}
    st.dataframe(
        {
            "rank": range(1, len(by_dot) + 1),
            "by dot product q · k (what attention uses)": [
                f"{k} ({_two_places(found.attention.scores[index[k]])})" for k in by_dot
            ],
            "by distance (closest first)": [
                f"{k} ({_two_places(found.distances[index[k]])})" for k in by_distance
            ],
        },
        hide_index=True,
    )

    page.intuition_note(
        "Put the query right next to *kitten* (the preset **Near the kitten**): *lion* still wins, "
        "because *lion* is a longer vector pointing roughly the same way. Drag the query around and "
        "watch the orange output diamond chase the brightest keys; at low temperature it jumps onto "
        "one key (a hard lookup), at high temperature it sinks toward the middle of all keys."
    )

    page.numbers(
        lambda: {
            "key": found.labels,
            "x": found.keys[:, 0],
            "y": found.keys[:, 1],
            "score q · k": found.attention.scores,
            "scaled score": found.attention.scaled_scores,
            "weight": found.weights,
            "distance to the query": found.distances,
        }
    )

    page.share_box(run)


lesson_body()
page.finish(run, code=[ac.probe, ac.attention, ac.softmax])
