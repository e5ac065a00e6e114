"""Lesson 5: notes in class (the classroom analogy)."""

import streamlit as st

import attention_core as ac
from ui import page
from ui.figures.classroom import notes_grid
from ui.formats import format_number
from ui.lessons import CLASSROOM
from ui.questions import listed
from ui.safe import md

run = page.begin(
    CLASSROOM,
    "The teacher asks a question: that question is your **query**. Your notes carry keyword "
    "labels (the **keys**: a country and a topic, like *Japan · language*) and facts (the "
    "**values**, like *Japanese*). You compare the question with every label, spotlight the note "
    "that matches best, and read its fact out loud.",
)


def _no_clear_match(found: ac.Answer) -> str:
    """Which notes share the spotlight when none stands out, in words."""
    close = ac.competing_notes(found)
    brightest = found.weights[found.top]
    if len(close) == 1:  # it leads, but holds too little of the weight to be the answer
        return (
            f"every note: the brightest, *{md(found.top_key)}*, leads but gets only "
            f"{ac.percent(brightest)}, so most of the answer comes from the other notes. Lower "
            "the temperature to sharpen the spotlight."
        )
    tied = ac.largest(found.weights)  # the one tie rule
    if len(close) == len(found.keys) and len(tied) < len(found.keys):
        return (
            f"all {len(found.keys)} notes (the brightest, *{md(found.top_key)}*, gets only "
            f"{ac.percent(brightest)}). Lower the temperature to sharpen the spotlight."
        )
    if set(close) <= tied:
        return (
            f"{listed([found.keys[i] for i in close])}, which tie ({ac.percent(brightest)} "
            "each). Name both a country and a topic to single out one note."
        )
    named = [f"{found.keys[i]} ({ac.percent(found.weights[i])})" for i in close]
    return f"{listed(named)}. Lower the temperature to sharpen the spotlight."


def winner_question(found: ac.Answer, question: str, t: float) -> page.Question:
    """Which note wins? The winners are the core's, from the weights the grid draws."""
    race = ac.contest(found.weights)
    asked = f"“{md(question.strip(), limit=80)}”" if question.strip() else "nothing yet"
    setting = f"The teacher asks {asked}, at temperature {format_number(t)}"
    return page.which_wins(race, found.keys, noun="note", setting=setting, why=_why(found, race))


def _why(found: ac.Answer, race: ac.Contest) -> str:
    """Why that note wins, from the scores and weights on screen."""
    w, s, keys = found.weights, found.scores, found.keys
    if not race.winners and not found.known_query:  # every note alike: nothing to compare
        return (
            "The question names no country and no topic of the notes: every note scores "
            f"q · k = 0, so every note gets the same weight, {ac.percent(w[race.top[0]])}. No "
            "note wins, and the answer is a blur of every fact."
        )
    lead = int(found.by_weight[0])
    text = page.why_it_wins(
        race, keys, w, lambda i: f"q · k = {format_number(s[i])}", noun="note",
        order=found.by_weight, reason=f"its fact is *{md(found.values[lead])}*",
    )  # fmt: skip
    if not race.winners:
        text += " The question does not single out one note."
    return text


TEACHER = page.TeacherNotes(
    ask=(
        "Before the notes light up: which note answers *What is the capital of France?*, and "
        "which notes come next?",
        "Ask *Tell me about Germany*: why do three notes share the spotlight?",
        "Ask about the weather: what does attention give back when nothing matches?",
        "Ask just *capital*: how many notes tie, and what would the answer be?",
        "Raise the temperature to 20: the right note still gets the most weight. Is the answer "
        "still useful?",
    ),
    misconception="“Attention understands the question.” It only matches what the query and "
    "the keys share: *Tell me about Germany* lights the three Germany notes equally, and a "
    "question with no known keyword (the weather) lights all 30 notes the same. Attention "
    "cannot pick a fact the query does not ask for.",
)


@st.fragment
def lesson_body() -> None:
    question = run.control(
        "question",
        suggestions=ac.EXAMPLE_QUESTIONS,
        suggestions_label="Or pick one of the teacher's questions",
    )

    story, grid = st.columns([1, 1.7], gap="large")
    t = run.control("t", container=story)  # beside the notes it lights up
    with story:
        if question.strip():
            st.markdown(f"The teacher asks: “{md(question, limit=200)}”")
        else:
            st.info(
                "Type the teacher's question, or pick one of the examples.",
                icon=":material/keyboard:",
            )

        st.latex(r"\text{answer} = \operatorname{softmax}\!\left(\frac{q K^\top}{T}\right) V")
        st.caption(
            "The notes' own formula: no division by √d_k here, so a keyword's strength reads "
            "directly as a score (a country counts 6, a topic 3)."
        )
        found = ac.ask(question, temperature=t)

        recognised = md(found.query) if found.query else "none"
        st.markdown(f"**Keywords recognised:** {recognised}")

        if not run.shown:
            pass  # predict mode: the answer waits for the prediction
        elif found.answer is not None:
            page.answer_notice(found, source="note")
        elif not found.known_query:
            st.info(
                f"No clear match: the spotlight is spread evenly over all {len(found.keys)} notes, "
                "because your question mentions no country or topic in the notes. Try a country "
                "(France, Japan, ...) and a topic (capital, language, currency).",
                icon=":material/blur_on:",
            )
        else:
            st.info(
                f"No clear match: the spotlight is spread over {_no_clear_match(found)}",
                icon=":material/blur_on:",
            )

    with grid:
        run.predict(lambda: winner_question(found, question, t))
        run.chart(notes_grid(found, look=run.look), key="classroom-notes")

    run.note(
        "Ask about a country *and* a topic and one note lights up. Ask only *“Tell me about "
        "Germany”* and the three Germany notes share the spotlight: attention cannot guess which "
        "fact you wanted. Ask about the weather and every note gets the same dim light: the answer "
        "is a blur of everything. Raise the temperature and even a clear question blurs."
    )

    run.numbers(
        lambda: {
            "note (key)": found.keys,
            "fact (value)": found.values,
            "score q · k": found.scores,
            "weight": found.weights,
        }
    )

    run.share()


lesson_body()
run.finish(code=[ac.ask, ac.attention, ac.softmax], teacher=TEACHER)
