"""Lesson 6: refine a sentence (self-attention)."""

import zlib

import streamlit as st

import attention_core as ac
from ui import formulas, page
from ui.figures import weight_bars, weights_heatmap
from ui.figures.sentence import LANDMARKS, movement, projection_for, token_labels
from ui.lessons import SENTENCE
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
    text = page.control(SENTENCE.param("text"))
    options, view_col = st.columns([2, 1], gap="large")
    with options:
        row = st.columns(3)
        t = page.control(SENTENCE.param("t"), container=row[0])
        scaled = page.control(SENTENCE.param("scaled"), container=row[1])
        causal = page.control(SENTENCE.param("causal"), container=row[2])
    with view_col:
        view = page.control(SENTENCE.param("view"))

    st.latex(
        r"X' = \operatorname{softmax}\!\left(\frac{X X^\top"
        + (r" + M" if causal else "")
        + r"}{"
        + formulas.divisor(scaled=scaled, d="d")
        + r"}\right) X"
    )
    refinement = ac.refine(text, temperature=t, scaled=scaled, causal=causal)

    if refinement.truncated:
        st.info(
            f"Only the first {ac.MAX_TOKENS} words are refined (your text has {refinement.n_words:,}).",
            icon=":material/content_cut:",
        )
    if refinement.unknown_words:
        st.caption(
            "Not in our vocabulary (marked with ?; they get a small made-up vector): "
            + ", ".join(md(w, limit=30) for w in dict.fromkeys(refinement.unknown_words))
        )

    if not refinement.tokens:
        st.info(
            "Type a sentence (or pick a preset above) to watch its words refine each other.",
            icon=":material/keyboard:",
        )
        page.share_box(run)
        return

    # The inspected word is page state, not a widget of its own: read from the link, clamped.
    tokens = refinement.tokens
    labels = token_labels(refinement)
    default_focus = ac.focus_word(tokens)
    if st.session_state.get("sentence-tokens", tokens) != tokens:
        st.query_params.pop("word", None)  # a new sentence: the old position means nothing here
    st.session_state["sentence-tokens"] = tokens
    from_link = SENTENCE.param("word").parse(st.query_params.get("word", ""))
    start_focus = min(from_link, len(tokens)) - 1 if from_link else default_focus
    focus = st.pills(
        "Inspect the word",
        list(range(len(tokens))),
        format_func=lambda i: md(labels[i], limit=30),
        default=start_focus,
        required=True,
        # A new sentence gets a fresh picker (its words changed); the same sentence keeps its pick.
        key=f"focus-{zlib.crc32(' '.join(tokens).encode())}",
    )
    if focus == default_focus:
        st.query_params.pop("word", None)
        run.extra_values["word"] = None
    else:
        st.query_params["word"] = str(focus + 1)
        run.extra_values["word"] = focus + 1

    heat, detail = st.columns([1.3, 1], gap="large")
    with heat:
        page.chart(
            weights_heatmap(
                refinement.weights, labels, labels, title="Who looks at whom (each row sums to 1)"
            ),
            key="sentence-heatmap",
        )
    with detail:
        page.chart(
            weight_bars(
                labels,
                refinement.weights[focus],
                highlight=focus,
                title=f"What “{plot_text(labels[focus])}” looks at",
                axis_title="attention weight",
            ),
            key="sentence-row",
        )
        before = ac.nearest_words(refinement.embeddings[focus], exclude=(tokens[focus],))
        after = ac.nearest_words(refinement.refined[focus], exclude=(tokens[focus],))
        st.markdown(
            f"**{md(labels[focus], 30)}** alone is closest to "
            + ", ".join(f"*{w}*" for w, _ in before)
            + ";  \nrefined in this sentence, closest to "
            + ", ".join(f"*{w}*" for w, _ in after)
            + "."
        )

    page.chart(
        movement(
            refinement,
            projection_for(refinement, view),
            focus=focus,
            landmarks=LANDMARKS.get(view, ()),
        ),
        key="sentence-movement",
    )

    page.intuition_note(
        "Pick the **River bank** preset, then **Money bank**: the same word *bank* starts at the "
        "same point, but its arrow bends toward *river* in one sentence and toward *money* in the "
        "other. Small words (the, on, into) have no meaning of their own here, so they drift to "
        "the middle of the sentence. Turn on the causal mask: the first word can only look at "
        "itself, the upper triangle of the heatmap goes dark."
    )

    page.numbers(
        lambda: {
            "word that asks": [f"{i + 1}. {w}" for i, w in enumerate(labels)],
            **{f"{j + 1}. {w}": refinement.weights[:, j] for j, w in enumerate(labels)},
        },
        title="The attention weights as a table",
    )
    page.numbers(
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
    st.page_link(
        "lessons/7_the_math.py",
        label="See the math step by step for this sentence",
        icon=":material/functions:",
        query_params={"sentence": text} if text else None,
    )

    page.share_box(run)


lesson_body()
page.finish(run, code=[ac.refine, ac.attention, ac.softmax])
