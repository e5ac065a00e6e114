"""Lesson 6: refine a sentence (self-attention)."""

import streamlit as st

import attention_core as ac
from ui import formulas, page
from ui.figures import weight_bars, weights_heatmap
from ui.figures.sentence import LANDMARKS, movement, projection_for
from ui.formats import token_labels
from ui.lessons import MATH, PROJECTIONS, SENTENCE
from ui.safe import md, plot_text

run = page.begin(
    SENTENCE,
    "Now every word of a sentence is a query, a key and a value at once. Each word asks every "
    "word how relevant it is, then becomes a blend of what it found: its **refined** embedding "
    "carries its context. A *bank* by a *river* is not the *bank* that holds your *money*.",
)


# Moving a control reruns only this part of the page (a fragment), not the header above it.
@st.fragment
def lesson_body() -> None:
    text = run.control("text")
    options, view_col = st.columns([2, 1], gap="large")
    with options:
        row = st.columns(3)
        t = run.control("t", container=row[0])
        scaled = run.control("scaled", container=row[1])
        causal = run.control("causal", container=row[2])
    with view_col:
        view = run.control("view")

    scores = r"X X^\top + M" if causal else r"X X^\top"
    st.latex("X' = " + formulas.softmax_of(scores, scaled=scaled, d="d") + " X")
    refinement = ac.refine(text, temperature=t, scaled=scaled, causal=causal)

    page.cut_text_notice(refinement, verb="refined")
    page.unknown_words_notice(refinement, how="marked with ?; they get a small made-up vector")
    if not refinement.tokens:
        st.info(
            "Type a sentence (or pick a preset above) to watch its words refine each other.",
            icon=":material/keyboard:",
        )
        run.share()
        return

    labels = token_labels(refinement)
    focus = run.pick("word", labels, default=ac.focus_word(refinement.tokens))

    heat, detail = st.columns([1.3, 1], gap="large")
    with heat:
        run.chart(
            weights_heatmap(
                refinement.weights,
                labels,
                labels,
                title="Who looks at whom (each row sums to 1)",
                look=run.look,
            ),
            key="sentence-heatmap",
        )
    with detail:
        run.chart(
            weight_bars(
                labels,
                refinement.weights[focus],
                highlight=focus,
                title=f"What “{plot_text(labels[focus])}” looks at",
                axis_title="attention weight",
                look=run.look,
            ),
            key="sentence-row",
        )
        word = refinement.tokens[focus]
        before = ac.nearest_words(refinement.embeddings[focus], exclude=(word,))
        after = ac.nearest_words(refinement.refined[focus], exclude=(word,))
        st.markdown(
            f"**{md(labels[focus], 30)}** alone is closest to "
            + ", ".join(f"*{w}*" for w, _ in before)
            + ";  \nrefined in this sentence, closest to "
            + ", ".join(f"*{w}*" for w, _ in after)
            + "."
        )

    run.chart(
        movement(
            refinement,
            projection_for(refinement, view),
            focus=focus,
            landmarks=LANDMARKS.get(view, ()),
            look=run.look,
        ),
        key="sentence-movement",
    )

    run.note(
        "Pick the **River bank** preset, then **Money bank**: the same word *bank* starts at the "
        "same point, but its arrow bends toward *river* in one sentence and toward *money* in the "
        "other. Small words (the, on, into) have no meaning of their own here, so they drift to "
        "the middle of the sentence. Turn on the causal mask: the first word can only look at "
        "itself, the upper triangle of the heatmap goes dark."
    )

    run.numbers(
        lambda: {
            "word that asks": [f"{i + 1}. {w}" for i, w in enumerate(labels)],
            **{f"{j + 1}. {w}": refinement.weights[:, j] for j, w in enumerate(labels)},
        },
        title="The attention weights as a table",
    )
    run.numbers(
        lambda: {
            "word": labels,
            "known": refinement.known,
            "moved by": refinement.shift,
            "spread (bits)": refinement.entropy_bits,
            **{f"input {f}": refinement.embeddings[:, j] for j, f in enumerate(ac.FEATURES)},
            **{f"refined {f}": refinement.refined[:, j] for j, f in enumerate(ac.FEATURES)},
        },
        title="Every word's embedding before and after",
    )
    run.link_to(MATH, "See the math step by step for this sentence", sentence=text)
    run.link_to(PROJECTIONS, "Lessons 8–10 go beyond Q = K = V = X: learned questions first")

    run.share()


lesson_body()
run.finish(code=[ac.refine, ac.attention, ac.softmax])
