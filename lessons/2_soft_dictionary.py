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


# Moving a control reruns only this part of the page (a fragment), not the header above it.
@st.fragment
def lesson_body() -> None:
    controls, charts = st.columns([1, 2.2], gap="large")
    with controls:
        # The word's box, then the other controls, then the word's suggestions: the rows of
        # suggestions would push the temperature down, out of sight of the chart beside it.
        word_box = st.container()
        encoding = run.control("enc").replace("-", "_")  # the core says "one_hot"
        t = run.control("t")
        scaled = run.control("scaled")
        word = run.control(
            "word",
            container=word_box,
            suggestions={
                "Not in the dictionary (the interesting ones)": list(ac.UNSEEN_WORDS),
                "In the dictionary (an exact match)": list(ac.DICTIONARY_KEYS),
            },
            suggestions_container=st.container(),
        )

        st.latex(r"\text{output} = " + formulas.softmax_of(r"q K^\top", scaled=scaled) + " V")
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
        if not found.query:
            pass  # one message is enough: the prompt above says what to do
        elif found.answer is not None:
            page.answer_notice(found, source="key")
        else:
            st.warning(
                f"No clear match: the weights are spread ({found.entropy_bits:.2f} bits of "
                f"{ac.max_entropy(len(found.keys)):.2f} possible), so the "
                "answer is a blur of every value.",
                icon=":material/blur_on:",
            )

    with charts:
        run.chart(scores_and_weights(found, look=run.look), key="dictionary-weights")

    run.note(
        "With **embeddings** at T = 1, *ci-dessous* was never in the dictionary, yet it lands "
        "on *sous* and answers *below*: similar meanings have similar vectors. Switch to "
        "**one-hot** and the same query scores exactly 0 against every key: the weights go flat "
        "and the answer is mush. Lower the temperature for a hard lookup; raise it and every "
        "value gets mixed in."
    )

    vectors_box = run.expander(
        "Why does it match? The vectors of the query and the keys", icon=":material/grid_on:"
    )
    if vectors_box.open:
        run.chart(
            vectors_heatmap(found, ac.vector_features(encoding), encoding=encoding, look=run.look),
            key="dictionary-vectors",
            container=vectors_box,
        )

    run.numbers(
        lambda: {
            "key (French)": found.keys,
            "value (English)": found.values,
            "score q·k": found.scores,
            "scaled score": found.scaled_scores,
            "weight": found.weights,
        }
    )

    run.share()


lesson_body()
run.finish(code=[ac.lookup, ac.attention, ac.softmax])
