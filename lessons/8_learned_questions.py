"""Lesson 8: ask for something else (Q = X W_Q, K = X W_K, V = X W_V)."""

import streamlit as st

import attention_core as ac
from ui import claims, formulas, page
from ui.figures.heads import head_pattern, matrix_limit, pattern_size, projection_matrix
from ui.figures.math import features_heatmap, scores_heatmap, symmetric_limit
from ui.formats import format_number, word_labels
from ui.lessons import (
    HEADS_LESSON,
    LINK_PARAMS,
    PROJECTIONS,
    SENTENCE_PRESETS,
    TEACHER_SENTENCE,
    link_key,
)
from ui.questions import asker, where_it_looks
from ui.safe import md

SUGGESTIONS = (
    TEACHER_SENTENCE,
    "the girl ran to the school",
    SENTENCE_PRESETS["River bank"],
    SENTENCE_PRESETS["Money bank"],
)

run = page.begin(
    PROJECTIONS,
    "In lessons 6 and 7 every word used itself as its question, so it mostly found itself and "
    "words like it. Real transformers first multiply each word by three learned matrices: "
    "**W_Q** turns it into a question, **W_K** into the label it shows, **W_V** into what it hands "
    "over. Now a word can ask for something *else*: a person can look for what they did. "
    "The heads here are built by hand, so you can say their question out loud; a real model "
    "learns its own (lessons 11 and 12).",
)


def look_question(p: ac.Projected, labels: list[str], focus: int) -> page.Question:
    """Where does the inspected word look most with this head? The words the core finds
    largest in its row (ties on screen all right), the row the head's pattern then draws; the
    why compares it with no projection (Q = K = V = X)."""
    row = p.weights[focus]  # (n,)
    choice = where_it_looks(labels, row)
    word = asker(labels, focus)
    head = f"**{md(p.head.name)}**"
    if p.head.name != ac.HEADS["none"].name:  # its links, at the sliders' strengths
        links = [f"W_Q {md(link.label)} = {format_number(link.strength)}" for link in p.head.query]
        head += f" ({', '.join(links)})"
    return page.Question(
        prompt=f"With the head {head} on *{md(' '.join(p.tokens), 80)}*, at temperature "
        f"{format_number(p.attention.temperature)}: where does {word} look most?",
        options=choice.options,
        right=choice.right,
        why=f"{claims.question_line(p, focus, labels)}  \nThe head's W_Q turns a word's "
        "features into its question (its query); each key is the word itself (W_K = identity), "
        "and the larger the dot product of the question with a key, the larger that word's "
        "weight.",
    )


TEACHER = page.TeacherNotes(
    ask=(
        "With no projection, where does *teacher* look most? Why would a model want it to look "
        "somewhere else?",
        "Slide the Person → action link to 0: what does *teacher* ask now, and why does its row "
        "become even?",
        "Which words ask nothing with this head, and what do they do with their attention?",
        "The Topic head has W_Q ≠ W_K, yet its scores are symmetric. How can that be?",
        "Can one head look for what a person did and where it happened at once? (Lesson 9.)",
    ),
    misconception="“Attention means similarity: a word looks most at the words most like it.” "
    "Only while Q = K = X, as in lessons 6 and 7. A W_Q lets a word ask a question (these "
    "heads are built by hand, so the question can be said out loud; a real model learns its "
    "W_Q, lessons 11 and 12): "
    "with the Person → action head at its default strength (1, T = 1), *teacher* in *the "
    "teacher wrote on the board* looks most at *wrote*, while with no projection it looks most "
    "at itself.",
)


def choose_head() -> tuple[str, str]:
    """The sentence and the head (by its short name).

    Outside the fragment below: a temperature step does not redraw them, and moving them reruns
    the page (the fragment then gets the new sentence and head).
    """
    text = run.control(
        "text", suggestions=SUGGESTIONS, suggestions_label="Or try one of these sentences"
    )
    chosen = run.control("head")
    base = ac.HEADS[chosen]
    st.markdown(f"**{base.name}**: *{base.question}*.")
    return text, chosen


def link_sliders(chosen: str) -> ac.Head:
    """The head ``chosen`` with its W_Q links at the sliders' strengths.

    The sliders sit right above the patterns they change (on a phone the first one docks at
    the bottom of the screen, in sight of them). They live in the fragment with the patterns,
    but "Inside the head" (outside it) draws W_Q too: when a link moves, the whole page reruns,
    so no chart shows an old W_Q.
    """
    base = ac.HEADS[chosen]
    st.caption(
        "The links of W_Q (a word's feature → the feature its query asks for); only the chosen "
        "head's apply. Keys and values stay the words themselves: W_K = W_V = identity."
    )
    sliders = st.columns(len(LINK_PARAMS))
    strengths = {
        key: run.control(key, container=column, disabled=owner != chosen)
        for column, (key, (owner, _)) in zip(sliders, LINK_PARAMS.items(), strict=True)
    }
    run.rerun_page_if_changed("W_Q links", strengths)  # "Inside the head" draws W_Q too
    if chosen == "none":  # no links, no sliders of its own
        return base
    return base.with_strengths({link.label: strengths[link_key(link)] for link in base.query})


@st.fragment
def lesson_body(text: str, chosen: str) -> ac.Head:
    # The formula, the notices and the word picker go first; then the head's links and the
    # temperature, right over the patterns they change (a student sees both at once).
    above = st.container()
    head = link_sliders(chosen)
    row = st.columns(2)
    t = run.control("t", container=row[0])
    scaled = run.control("scaled", container=row[1])
    # Two lines, so it fits a phone.
    above.latex(
        r"\begin{gathered} Q = X W_Q,\quad K = X W_K,\quad V = X W_V \\ X' = "
        + formulas.softmax_of(r"Q K^\top", scaled=scaled)
        + r" V \end{gathered}"
    )
    p = ac.project(text, head, temperature=t, scaled=scaled)

    if not page.words_or_prompt(
        p.tokens,
        text,
        empty="Type a sentence (or pick one above) to see what each word asks for.",
        container=above,
    ):
        run.share()
        return head
    known = ac.embed(list(p.tokens))[1]
    labels = word_labels(p.tokens, known)
    with above:  # said once: a made-up vector is noise, not a finding
        page.made_up_notice(p.tokens, known)
    focus = run.pick("word", labels, default=claims.inspect_first(p), container=above)
    if run.predict(lambda: look_question(p, labels, focus)):  # the line says where it looks
        above.markdown(claims.question_line(p, focus, labels))

    # Side by side while the words fit, one above the other for long sentences.
    size = pattern_size(labels, run.look)
    left, right = run.chart_row(
        "projections-patterns", 2, min_width=size.min_width, basis=size.basis
    )
    run.chart(
        head_pattern(p.weights, labels, title=f"With the head: {head.name}", look=run.look),
        key="projections-head",
        container=left,
    )
    run.chart(
        head_pattern(p.plain.weights, labels, title="No projection: Q = K = V = X", look=run.look),
        key="projections-plain",
        container=right,
    )
    if run.shown:  # both lines read the patterns out: they wait for the prediction
        st.caption(claims.askers_line(p, labels))
        st.markdown(claims.symmetry_line(p, labels))
        st.caption("The scores Q Kᵀ are drawn below, in *Inside the head*.")

    run.note(
        "Start from **Person → action**: *teacher* looks at *wrote*, not at itself. Switch the "
        "head to **none** and it finds itself again, like every word in lesson 6. Slide its link "
        "to 0: the question goes away and the row spreads evenly. Then try **Topic**: W_Q differs "
        "from W_K, yet the scores stay symmetric (read the line under the patterns)."
    )

    numbered = [f"{i + 1}. {w}" for i, w in enumerate(labels)]
    run.numbers(
        lambda: {
            "word that asks": numbered,
            **{f"{j + 1}. {w}": p.weights[:, j] for j, w in enumerate(labels)},
        },
        title="The head's attention weights as a table",
    )
    run.share()
    return head


def inside_the_head(text: str, head: ac.Head) -> None:
    """W_Q and W_K, and the Q and K they make of the sentence.

    Outside the fragment above: they do not depend on the temperature, so a temperature step
    does not redraw them; the sentence, the head and its links rerun the page.
    """
    p = ac.project(text, head)
    if not p.tokens:
        return
    labels = word_labels(p.tokens, ac.embed(list(p.tokens))[1])
    st.subheader("Inside the head")
    # The scores the symmetry line talks about. They do not depend on the temperature (it
    # divides them later), so they are drawn here, outside the fragment: a temperature step
    # does not rebuild them.
    run.chart(
        scores_heatmap(
            p.attention.scores, labels, title="The head's scores Q Kᵀ (before softmax)",
            limit=symmetric_limit(p.attention.scores), look=run.look,
        ),
        key="projections-scores",
    )  # fmt: skip
    matrices_tab, vectors_tab = run.tabs(["W_Q and W_K", "Q and K"], key="projections-inside")
    if matrices_tab.open:
        limit = matrix_limit(p.w_q, p.w_k)
        a, b = matrices_tab.columns(2, gap="large")
        run.chart(projection_matrix(p.w_q, title="W_Q: what a word asks for", limit=limit,
                                    look=run.look), key="projections-wq", container=a)  # fmt: skip
        run.chart(projection_matrix(p.w_k, title="W_K: the label a word shows", limit=limit,
                                    look=run.look), key="projections-wk", container=b)  # fmt: skip
    if vectors_tab.open:
        limit = matrix_limit(p.q, p.k, p.x)
        a, b = vectors_tab.columns(2, gap="large")
        for column, matrix, name, key in (
            (a, p.q, "Q = X W_Q, the questions", "projections-q"),
            (b, p.k, "K = X W_K, the labels", "projections-k"),
        ):
            figure = features_heatmap(
                matrix, labels, title=name, limit=limit, colorbar_title="value", look=run.look
            )
            run.chart(figure, key=key, container=column)

    run.numbers(
        lambda: {
            "word": [f"{i + 1}. {w}" for i, w in enumerate(labels)],
            **{f"Q {f}": p.q[:, j] for j, f in enumerate(ac.FEATURES)},
            **{f"K {f}": p.k[:, j] for j, f in enumerate(ac.FEATURES)},
        },
        title="Q and K as a table",
    )
    run.numbers(
        lambda: {
            "a word's feature": list(ac.FEATURES),
            **{f"W_Q → {f}": p.w_q[:, j] for j, f in enumerate(ac.FEATURES)},
        },
        title="W_Q as a table",
    )
    run.link_to(HEADS_LESSON, "Next: several heads at once, each with its own question")


text, chosen = choose_head()
head = lesson_body(text, chosen)
inside_the_head(text, head)
run.finish(code=[ac.project, ac.attention], teacher=TEACHER)
