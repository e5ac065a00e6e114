"""Lesson 11: a real transformer (all-MiniLM-L6-v2) on our own NumPy attention."""

import streamlit as st

import attention_core as ac
from attention_core import bert
from ui import model as real
from ui import page
from ui.figures.real import GRID_TOKENS, drift_chart, head_grid, head_heatmap
from ui.lessons import REAL
from ui.readings import (
    behaviours_list,
    drift_summary,
    head_name,
    head_summary,
    shares_table,
    token_chips,
    tokens_summary,
)
from ui.safe import md

run = page.begin(
    REAL,
    "Everything so far ran in a toy world of named features. This is a real, well-known model, "
    "**all-MiniLM-L6-v2** (6 layers × 12 heads, 22 million numbers learned from a billion "
    "sentence pairs), run here by the very same `attention` function lessons 2–7 showed. Type "
    "a sentence and look inside: 72 heads, each one a spotlight with its own question.",
)
model = real.model_or_offer()  # None: the page has said how to get it (nothing is downloaded)


@st.fragment  # moving a control reruns this part only
def lesson_body() -> None:
    text = run.control("text")
    reading = real.read(text)  # one forward pass through every layer (kept for the sliders)
    tokens = reading.tokens
    if tokens.truncated:
        st.info(
            f"Only the first {tokens.max_tokens} tokens are read ({tokens.max_tokens - 2} of your "
            "text, plus `[CLS]` and `[SEP]`); the rest was cut.",
            icon=":material/content_cut:",
        )
    if tokens.special.all():
        st.info(
            "Type a sentence (or pick a preset above): the model now reads only `[CLS]` and "
            "`[SEP]`.",
            icon=":material/keyboard:",
        )

    st.subheader("1. Your sentence as the model reads it")
    st.markdown(token_chips(tokens))
    st.markdown(tokens_summary(tokens))
    st.caption(
        "WordPiece tokens: the text is lower-cased and cut into pieces from a vocabulary of "
        "30,522. A word the vocabulary lacks is split, and a piece that continues a word starts "
        "with `##`. `[CLS]` opens every text and `[SEP]` closes it: the model adds them, and "
        "in trained BERT models many heads rest their attention there when they have nothing "
        "better to do (Clark et al., 2019)."
    )

    st.subheader("2. One head at a time")
    st.caption(
        "Layers and heads are counted from 1 here; the code counts from 0, so layer 1, head 3 "
        "is `weights[0, 2]`."
    )
    # A real model has no temperature dial: T = 1, the formula of Vaswani et al. as it is.
    st.latex(
        r"\text{head}_h = \operatorname{softmax}\!\left(\frac{Q_h K_h^\top}{\sqrt{32}}\right)"
        r" V_h,\qquad Q_h = X W_Q^{(h)},\ K_h = X W_K^{(h)},\ V_h = X W_V^{(h)}"
    )
    row = st.columns(2)
    layer = run.control("layer", container=row[0]) - 1  # students count from 1, the code from 0
    head = run.control("head", container=row[1]) - 1
    behaviours = reading.behaviours()
    weights = reading.output.weights  # (6 layers, 12 heads, n, n): rows sum to 1
    heat, grid = st.columns([1.1, 1], gap="large")
    with heat:
        run.chart(
            head_heatmap(
                weights[layer, head],
                tokens.pieces,
                title=f"{head_name(layer, head).capitalize()}: who looks at whom",
                look=run.look,
            ),
            key="real-head",
        )
    with grid:
        st.markdown(head_summary(behaviours, layer, head))
        run.chart(head_grid(weights, (layer, head), look=run.look), key="real-grid")
        if len(tokens) > GRID_TOKENS:
            st.caption(f"The small squares show the first {GRID_TOKENS} tokens of each head.")

    st.subheader("3. What the heads do, found from the numbers")
    st.markdown(behaviours_list(behaviours))
    run.note(
        "A head is named above when, on average, at least half of a token's attention goes to "
        "one kind of token. Nobody told the model to do this: it learned it. Try **Split "
        "words** to see heads that gather the pieces of one word, and compare the grid's "
        "stripes: a line just under the diagonal is a previous-token head, a column at the "
        "left or right edge is a head resting on `[CLS]` or `[SEP]`."
    )

    run.numbers(
        lambda: {
            "token that asks": [f"{i + 1}. {p}" for i, p in enumerate(tokens.pieces)],
            **{f"{j + 1}. {p}": weights[layer, head][:, j] for j, p in enumerate(tokens.pieces)},
        },
        title="This head's weights as a table",
    )
    run.numbers(lambda: shares_table(behaviours), title="Every head's shares as a table")

    st.subheader("4. Back to lesson 6: one word, two meanings")
    st.markdown(
        "Lesson 6 moved *bank* toward *river* or toward *money*. Does a real model do that? "
        "Follow one word through two sentences and compare its two vectors after every layer "
        "(cosine similarity: 1 means the same direction)."
    )
    cols = st.columns([2, 2, 1])
    text_a = run.control("a", container=cols[0])
    text_b = run.control("b", container=cols[1])
    word = run.control("follow", container=cols[2])
    try:
        drift = real.drift(text_a, text_b, word)
    except ValueError:
        where = [
            name
            for name, t in (("first", text_a), ("second", text_b))
            if real.read(t).tokens.find(word) is None
        ]
        st.info(
            f"**{md(word, 40) or '(empty)'}** is not one whole token of "
            f"{'both sentences' if len(where) != 1 else 'the ' + where[0] + ' sentence'}. Pick "
            "a word that appears, unsplit, in both (the presets have some).",
            icon=":material/search_off:",
        )
    else:
        run.chart(drift_chart(drift.cosine, word, look=run.look), key="real-drift")
        st.markdown(drift_summary(drift.cosine, word))
        run.numbers(
            lambda: {
                "after layer": ["embeddings", *(str(k) for k in range(1, len(drift.cosine)))],
                "cosine": drift.cosine,
            },
            title="The cosines as a table",
        )

    run.share()


if model is not None:
    lesson_body()
run.finish(code=[bert.encoder_layer, bert.self_attention, ac.attention])
