"""Lesson 4: move the query."""

import streamlit as st

import attention_core as ac
from ui import formulas, page
from ui.figures import weight_bars
from ui.figures.query import space
from ui.formats import format_number, two_places, written
from ui.lessons import QUERY

run = page.begin(
    QUERY,
    "The query is a point you can move. Every key is a point too, and each one gets a share of "
    "the spotlight from its **dot product** with the query: keys pointing the same way as the "
    "query, and far out along it, shine brightest. What comes back (the output) is the blend "
    "of the values, pulled toward the keys that shine.",
)

#: Where each key stands, for a prediction made before the map appears.
KEY_POSITIONS = ", ".join(
    f"*{key}* ({written(x)}, {written(y)})" for key, (x, y) in ac.SPACE_KEYS.items()
)


def winner_question(found: ac.Probe, t: float, scaled: bool) -> page.Question:
    """Which key gets the most weight from here? The winners are the core's, from the weights
    drawn (on the map and in the bars)."""
    race = ac.contest(found.weights)
    qx, qy = found.query_vector
    setting = f"With the query at ({written(qx)}, {written(qy)}) and temperature "
    setting += f"{format_number(t)}{'' if scaled else ', unscaled'}"
    return page.which_wins(race, found.keys, noun="key", setting=setting, why=_why(found, race))


def _why(found: ac.Probe, race: ac.Contest) -> str:
    """Why that key wins, from the dot products, weights and distances on screen."""
    w, s, keys = found.weights, found.scores, found.keys
    if not race.winners and found.flat:  # every key alike: nothing to compare
        return (
            "The query is the zero vector: every key scores q · k = 0, so every key gets "
            f"the same weight, {ac.percent(w[0])}: no key wins."
        )
    text = page.why_it_wins(
        race, keys, w, lambda i: f"q · k = {two_places(s[i])}", noun="key",
        order=found.by_dot, reason="it has the largest dot product with the query",
    )  # fmt: skip
    if not race.winners:
        return text
    lead = int(found.by_dot[0])
    nearest = int(found.by_distance[0])
    d, length = found.distances, found.lengths
    if d[nearest] < d[lead]:
        text += (
            f" The closest key is *{keys[nearest]}* (distance {two_places(d[nearest])}, against "
            f"{two_places(d[lead])}), but *{keys[lead]}* is longer (‖k‖ = "
            f"{two_places(length[lead])}, against {two_places(length[nearest])}): a dot product "
            "grows with a key's length, not with its closeness."
        )
    else:
        text += f" *{keys[lead]}* is also the closest key: here both rankings agree."
    return text


TEACHER = page.TeacherNotes(
    ask=(
        "Put the query at (1, 0), next to *kitten*. Which key do you expect to win? Why does "
        "*lion* win instead?",
        "Move the query to the origin: why does every key get the same weight?",
        "Double the query in the same direction, from (1, 0) to (2, 0): does the winner change? "
        "Does its weight?",
        "Where does the orange output diamond go at temperature 0.1, and where at 20? Why?",
    ),
    misconception="“Attention picks the nearest key.” It ranks keys by the dot product q · k, "
    "which grows with a key's length as well as its direction: with the query at (1, 0), next "
    "to *kitten* at (0.8, −0.6), *lion* gets the most weight, at every temperature.",
)


def dot_versus_distance(found: ac.Probe) -> None:
    """Attention ranks by dot product, not by distance: both rankings, side by side."""
    st.subheader("Attention ranks by dot product, not by distance")
    if not run.shown:  # predict mode: the rankings name the winner
        st.caption(
            ":material/visibility_off: The two rankings appear once you commit to a prediction."
        )
        return
    by_dot, by_distance = found.by_dot, found.by_distance
    best_dot, closest = found.keys[by_dot[0]], found.keys[by_distance[0]]
    if found.flat:
        st.info(
            "The query sits on the origin: it is the zero vector, so it scores 0 against every key "
            "and every key gets the same weight. Nothing to rank; move it somewhere.",
            icon=":material/blur_on:",
        )
    elif best_dot != closest:
        st.warning(
            f"**{best_dot}** wins on dot product although **{closest}** is closer. "
            f"The dot product grows with a key's length along the query's direction, so a long key "
            f"pointing your way beats a short one sitting next to you.",
            icon=":material/compare_arrows:",
        )
    else:
        st.success(
            f"Here both rankings agree: **{best_dot}** is the closest key *and* has the largest "
            "dot product. Move the query near *kitten* to see them disagree.",
            icon=":material/check_circle:",
        )
    # A plain table with short headers: on a phone every column fits, "by distance" included.
    st.table(
        {
            "rank": [str(r) for r in range(1, len(by_dot) + 1)],
            "by q · k (attention)": [
                f"{found.keys[i]} {two_places(found.scores[i])}" for i in by_dot
            ],
            "by distance": [
                f"{found.keys[i]} {two_places(found.distances[i])}" for i in by_distance
            ],
        },
        hide_index=True,
    )
    # Why they differ, with this query's numbers: −½‖q − k‖² = q · k − ½‖q‖² − ½‖k‖².
    terms = ac.dot_vs_distance(found.query_vector, found.keys_matrix)
    named = (
        (by_dot[0], by_distance[0])
        if best_dot != closest
        else (int(terms.half_key_sq.argmax()), int(terms.half_key_sq.argmin()))
    )
    st.latex(
        r"-\tfrac12\lVert q - k\rVert^2 = q \cdot k - \tfrac12\lVert k\rVert^2"
        r" - \tfrac12\lVert q\rVert^2"
    )
    st.caption(
        "Distance and dot product differ only by −½‖k‖² (and by ½‖q‖² = "
        f"{two_places(terms.half_query_sq)}, the same for every key, which changes no ranking): "
        + " and ".join(
            f"*{found.keys[i]}* pays ½‖k‖² = {two_places(terms.half_key_sq[i])}" for i in named
        )
        + ". Keys of equal length would rank the same by both."
    )


@st.fragment
def lesson_body() -> None:
    controls, charts = st.columns([1, 2.2], gap="large")
    with controls:
        # Together: on a phone the query's two coordinates dock at the bottom of the screen.
        with st.container(key=QUERY.main_control):
            qx = run.control("qx")
            qy = run.control("qy")
        t = run.control("t")
        scaled = run.control("scaled")

        st.latex(
            r"\begin{aligned} w_i &= "
            + formulas.softmax_of(r"q \cdot k_i", scaled=scaled, d="d")
            + r" \\ \text{output} &= \sum_i w_i\, v_i \end{aligned}"
        )
        found = ac.probe(qx, qy, temperature=t, scaled=scaled)

        if not run.shown:  # predict mode: the map is hidden, so say where the keys stand
            st.caption(f"Where the keys stand (x, y): {KEY_POSITIONS}.")
        else:
            # At the origin the query is the zero vector: every score is 0, no key stands out.
            st.metric(
                "Brightest key",
                found.top_key
                if found.leader is not None
                else ("none (all equal)" if found.flat else "none (a tie)"),
                help="The key with the largest weight.",
            )
            st.metric("Its weight", ac.percent(found.weights[found.top]))
            ox, oy = found.output
            st.caption(
                f"The output lands at ({ox:.2f}, {oy:.2f}): a blend of every key's position."
            )

    with charts:
        run.predict(lambda: winner_question(found, t, scaled))
        run.chart(space(found, look=run.look), key="query-space")
        run.chart(
            weight_bars(
                found.keys,
                found.weights,
                highlight=found.leader,
                title="How much of the spotlight each key gets",
                look=run.look,
            ),
            key="query-weights",
        )

    dot_versus_distance(found)

    run.note(
        "Put the query right next to *kitten* (the preset **Near the kitten**): *lion* still wins, "
        "because *lion* is a longer vector pointing roughly the same way. Drag the query around "
        "and watch the orange output diamond chase the brightest keys; at low temperature it "
        "jumps onto one key (a hard lookup), at high temperature it sinks toward the middle of "
        "all keys."
    )

    run.numbers(
        lambda: {
            "key": found.keys,
            "x": found.keys_matrix[:, 0],
            "y": found.keys_matrix[:, 1],
            "score q · k": found.scores,
            "scaled score": found.scaled_scores,
            "weight": found.weights,
            "distance to the query": found.distances,
        }
    )

    run.share()


lesson_body()
run.finish(code=[ac.probe, ac.attention, ac.softmax], teacher=TEACHER)
