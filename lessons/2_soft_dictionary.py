"""Lesson 2: a soft dictionary — query, key, value."""

import streamlit as st

import attention_core as ac
from ui import formulas, page, questions
from ui.figures.dictionary import scores_and_weights, vectors_heatmap
from ui.formats import format_number, two_places
from ui.lessons import DICTIONARY
from ui.safe import md

run = page.begin(
    DICTIONARY,
    "A dictionary has **keys** (French words) and **values** (their English translations). "
    "Your **query** is the word you want to understand. A normal dictionary fails when the "
    "word is not in it; attention compares the query with *every* key, and blends the values "
    "of the keys that match best.",
)

ENCODING_WORDS = {"embedding": "embeddings", "one_hot": "one-hot vectors"}


def winner_question(found: ac.Lookup, encoding: str, t: float, scaled: bool) -> page.Question:
    """Which French word wins the lookup? The winners are the core's, from the weights drawn."""
    race = ac.contest(found.weights)
    word = f"*{md(found.query, limit=40)}*" if found.query else "an empty query"
    setting = f"{ENCODING_WORDS[encoding]} at temperature {format_number(t)}"
    setting += "" if scaled else ", unscaled"
    return page.which_wins(
        race, found.keys, noun="word", setting=f"Looking up {word} with {setting}",
        why=_why(found, race, word, encoding),
    )  # fmt: skip


def _why(found: ac.Lookup, race: ac.Contest, word: str, encoding: str) -> str:
    """Why those words win, from the scores and weights on screen."""
    w, s = found.weights, found.scaled_scores
    if not race.winners and found.flat:  # every key alike: nothing to compare
        if not found.query:
            reason = "there is nothing to compare"
        elif encoding == "one_hot" and found.known_query:
            reason = "its one-hot slot is its own, and no key shares it"
        else:
            reason = "we have no vector for it that shares anything with a key"
        return (
            f"Every key scores {two_places(s[0])} against {word}: {reason}. So every key "
            f"gets the same weight, {ac.percent(w[0])}: no word wins, and the answer is a "
            "blur of every value."
        )
    text = page.why_it_wins(
        race, found.keys, w, lambda i: f"score {two_places(s[i])}", noun="word",
        order=found.by_weight, reason="softmax gives the highest score the largest share",
        before=f"Against {word}, ",
    )  # fmt: skip
    lead = int(found.by_weight[0])
    if not race.winners:
        return text
    if encoding == "one_hot" and found.query in ac.DICTIONARY_KEYS:
        text += f" In one-hot only {word} itself has its slot: every other key scores exactly 0."
    elif encoding == "embedding" and found.query not in ac.DICTIONARY_KEYS and s[lead] > 0:
        text += (
            f" {word} is not a key, yet it shares features with *{md(found.keys[lead])}*: "
            "similar meanings, similar vectors."
        )
    return text


TEACHER = page.TeacherNotes(
    ask=(
        "Before looking: *ci-dessous* is not in the dictionary. Which key should it land on, and "
        "how could a computer know that?",
        "Switch to one-hot. Why does every key get the same weight? What is the dot product of "
        "two different one-hot vectors?",
        "Still in one-hot, look up *chat*, a key: why does the lookup work again?",
        "Lower the temperature to 0.1, then raise it to 20: what changes in the answer, and "
        "what never does?",
        "The answer is a blend of every value. When is a blend useful, and when is it mush?",
    ),
    misconception="“The computer knows that *ci-dessous* is like *sous*.” Only if the vectors "
    "say so. With one-hot vectors every two different words score exactly 0, so *ci-dessous* "
    "matches all 16 keys equally (each gets 1/16) and the answer is a blur. Embeddings give "
    "similar meanings similar vectors: that is what lets the soft lookup land on *sous*.",
)


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
            exact = ": an exact match exists" if run.shown else ""  # predict mode: no hint
            st.caption(f"**{shown}** is a key of the dictionary{exact}.")
        elif gloss:
            st.caption(f"**{shown}** means “{md(gloss)}”, but it is **not** in the dictionary.")
        elif not run.shown:  # predict mode: what an unknown word scores is the answer
            st.caption(f"We have no embedding for **{shown}**.")
        else:
            st.caption(
                f"We have no embedding for **{shown}**: its vector is all zeros, so it scores 0 "
                "against every key."
            )
        if not found.query or not run.shown:
            pass  # one message is enough: the prompt above says what to do
        elif found.answer is not None:
            page.answer_notice(found, source="key")
        else:
            tied = sorted(ac.largest(found.weights))  # the one tie rule
            heaviest = (
                f"every key gives {ac.percent(found.weights.max())} of it"
                if len(tied) == len(found.keys)
                else f"the heaviest key{'s' if len(tied) > 1 else ''}, "
                f"{questions.listed([found.keys[i] for i in tied])}, "
                f"{'give' if len(tied) > 1 else 'gives'} only {ac.percent(found.weights.max())}"
                f"{' each' if len(tied) > 1 else ''} of it"
            )
            st.warning(
                f"No clear match: the weights are spread ({found.entropy_bits:.2f} bits of "
                f"{ac.max_entropy(len(found.keys)):.2f} possible), so the answer is a blur of "
                f"the values: {heaviest}.",
                icon=":material/blur_on:",
            )

    with charts:
        run.predict(lambda: winner_question(found, encoding, t, scaled))
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
run.finish(code=[ac.lookup, ac.attention, ac.softmax], teacher=TEACHER)
