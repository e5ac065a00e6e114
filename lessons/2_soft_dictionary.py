"""Lesson 2: a soft dictionary — query, key, value."""

import streamlit as st

import attention_core as ac
from ui import formulas, page
from ui.figures.dictionary import scores_and_weights, vectors_heatmap
from ui.lessons import DICTIONARY
from ui.safe import md

run = page.begin(
    DICTIONARY,
    "A dictionary has **keys** (French words) and **values** (their English translations). "
    "Your **query** is the word you want to understand. A normal dictionary fails when the "
    "word is not in it; attention compares the query with *every* key, and blends the values "
    "of the keys that match best.",
)


def _pick_suggestion() -> None:
    # Copy the clicked suggestion into the bound text box (and so into the link).
    if st.session_state.get("word_pick"):
        st.session_state["word"] = st.session_state["word_pick"]
    st.session_state["word_pick"] = None


# Moving a control reruns only this part of the page (a fragment), not the header above it.
@st.fragment
def lesson_body() -> None:
    controls, charts = st.columns([1, 2.2], gap="large")
    with controls:
        word = page.control(DICTIONARY.param("word"))
        st.pills(
            "Try a word that is not in the dictionary, or one that is",
            [*ac.UNSEEN_WORDS, *ac.DICTIONARY_KEYS],
            key="word_pick",
            on_change=_pick_suggestion,
        )
        encoding = page.control(DICTIONARY.param("enc")).replace("-", "_")  # core: "one_hot"
        t = page.control(DICTIONARY.param("t"))
        scaled = page.control(DICTIONARY.param("scaled"))

        st.latex(
            r"\text{output} = \operatorname{softmax}\!\left(\frac{q K^\top}{"
            + formulas.divisor(scaled=scaled)
            + r"}\right) V"
        )
        found = ac.lookup(word, encoding=encoding, temperature=t, scaled=scaled)

        gloss = ac.meaning(word)
        shown = md(found.query, limit=60) or "(nothing)"
        if not found.query:
            st.info(
                "Type a French word, or pick one of the suggestions.", icon=":material/keyboard:"
            )
        elif found.query in ac.DICTIONARY_KEYS:
            st.caption(f"**{shown}** is a key of the dictionary: an exact match exists.")
        elif gloss:
            st.caption(f"**{shown}** means “{md(gloss)}”, but it is **not** in the dictionary.")
        else:
            st.caption(
                f"We have no embedding for **{shown}**: its vector is all zeros, so it scores 0 "
                "against every key."
            )
        if found.answer is not None:
            st.success(
                f"Answer: **{md(found.answer)}** (from the key *{md(found.top_key)}*, "
                f"weight {found.weights.max():.0%})",
                icon=":material/check_circle:",
            )
        else:
            st.warning(
                f"No clear match: the weights are spread ({found.entropy_bits:.2f} bits of "
                f"{ac.entropy([1 / len(found.keys)] * len(found.keys)):.2f} possible), so the "
                "answer is a blur of every value.",
                icon=":material/blur_on:",
            )

    with charts:
        page.chart(scores_and_weights(found), key="dictionary-weights")

    page.intuition_note(
        "With **embeddings**, *ci-dessous* was never in the dictionary, yet it lands on *sous* and "
        "answers *below*: similar meanings have similar vectors. Switch to **one-hot** and the "
        "same query scores exactly 0 against every key: the weights go flat and the answer is mush. "
        "Lower the temperature for a hard lookup; raise it and every value gets mixed in."
    )

    features = (
        ac.DICTIONARY_FEATURES if encoding == "embedding" else [*ac.KNOWN_WORDS, "(any other word)"]
    )
    vectors_box = page.lazy_expander(
        "Why does it match? The vectors of the query and the keys", icon=":material/grid_on:"
    )
    if vectors_box.open:
        page.chart(
            vectors_heatmap(found.query, found, features, encoding=encoding),
            key="dictionary-vectors",
            container=vectors_box,
        )

    page.numbers(
        lambda: {
            "key (French)": found.keys,
            "value (English)": found.values,
            "score q·k": found.scores,
            "scaled score": found.scaled_scores,
            "weight": found.weights,
        }
    )

    page.share_box(run)


lesson_body()
page.finish(run, code=[ac.lookup, ac.attention, ac.softmax])
