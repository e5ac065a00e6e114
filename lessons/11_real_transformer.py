"""Lesson 11: a real transformer (all-MiniLM-L6-v2) on our own NumPy attention."""

import streamlit as st

import attention_core as ac
from attention_core import bert
from ui import model as real
from ui import page, questions
from ui.figures.real import GRID_TOKENS, drift_chart, head_grid, head_heatmap
from ui.lessons import REAL, REAL_LOOKS
from ui.readings import (
    behaviours_list,
    drift_summary,
    head_name,
    head_summary,
    presets_note,
    shares_table,
    token_chips,
    tokens_summary,
)
from ui.safe import md

run = page.begin(
    REAL,
    "Everything so far ran in a toy world of named features. This is a real, well-known model, "
    "**all-MiniLM-L6-v2** (6 layers × 12 heads, 22 million numbers: first trained to copy the "
    "attention of a larger model, then fine-tuned on about a billion sentence pairs to give "
    "similar sentences similar vectors), run here by the very same `attention` function lessons "
    "2–7 showed. Type "
    "a sentence and look inside: 72 heads, each one a spotlight with its own question.",
)
model = real.model_or_offer()  # None: the page has said how to get it (nothing is downloaded)


def token_question(text: str, reading: real.Reading, layer: int, head: int) -> page.Question:
    """Which token does the followed token attend to most in this head? The right tokens are
    the core's (``ac.largest``) on the row of the forward pass's weights the heatmap draws."""
    tokens = reading.tokens
    asker = questions.asking_token(tokens.pieces, tokens.special)
    row = reading.output.weights[layer, head, asker]  # (n,)
    right = ac.largest(row)
    names = questions.distinct(list(tokens.pieces), noun="token")
    n = len(names)
    why = f"In {head_name(layer, head)}, " + questions.looks_most(
        row, names, asking=f"*{md(names[asker], 40)}*", itself=asker, noun="token"
    )
    if right == {asker - 1} or right == {asker + 1}:
        side = "before" if right == {asker - 1} else "after"
        (j,) = right
        why += f" *{md(names[j], 40)}* is the token just {side} *{md(names[asker], 40)}*."
    elif len(right) < n and any(tokens.special[j] for j in right):
        why += (
            " Resting on `[CLS]` or `[SEP]` is how many heads of trained models say “nothing to "
            "do here” (Clark et al., 2019)."
        )
    prompt = f"In *{md(text, 120)}*, {head_name(layer, head)}: which token does "
    prompt += f"*{md(names[asker], 40)}* attend to most?"
    # [CLS] and [SEP] are always offered: resting there is a common answer of a trained head.
    first = (0, n - 1, asker, asker - 1, asker + 1)
    return questions.word_question(prompt, names, row, why, first=first, noun="token")


TEACHER = page.TeacherNotes(
    ask=(
        "Before looking: how many tokens will the model read in *I sat on the river bank*? "
        "(It adds two of its own.)",
        "Find a head whose pattern is a line just under the diagonal. What does it do, and why "
        "would a model learn that?",
        "Many heads pour most of their attention onto `[SEP]` or `[CLS]`. Is that a head that "
        "understood the sentence?",
        "Follow *bank* through the layers in the two sentences: where do its two vectors drift "
        "apart, and do they ever come back?",
    ),
    misconception="“Every head of a real model reads for meaning.” Many do something "
    "simple instead, found here from the numbers: look at the previous token, at the next "
    "one, or rest on `[CLS]`/`[SEP]` when they have nothing to do (Clark et al., 2019). On "
    "the default sentence, *I sat on the river bank*, section 3 finds both: heads that look "
    "at the previous token, and heads that rest on `[CLS]`/`[SEP]`.",
)


@st.fragment  # moving a control reruns this part only
def lesson_body() -> None:
    text = run.control("text")
    reading = real.read(text)  # one forward pass through every layer (kept for the sliders)
    tokens = reading.tokens
    if tokens.special.all():  # nothing but [CLS] and [SEP]: blank, or only invisible characters
        st.info(
            "Type a sentence (or pick a preset above) to see how the model reads it and where "
            "each of its 72 heads looks.",
            icon=":material/keyboard:",
        )
        run.share()
        return
    if tokens.truncated:
        st.info(
            f"Only the first {tokens.max_tokens} tokens are read ({tokens.max_tokens - 2} of your "
            "text, plus `[CLS]` and `[SEP]`); the rest was cut.",
            icon=":material/content_cut:",
        )

    st.subheader("1. Your sentence as the model reads it")
    st.markdown(token_chips(tokens))
    st.markdown(tokens_summary(tokens))
    st.caption(
        "WordPiece tokens: the text is lower-cased and cut into pieces from a vocabulary of "
        "30,522. A word the vocabulary lacks is split, and a piece that continues a word starts "
        "with `##` (a word it cannot spell even in pieces is read as `[UNK]`). `[CLS]` opens "
        "every text and `[SEP]` closes it: the model adds them, and in trained BERT models many "
        "heads rest their attention there when they have nothing better to do (Clark et al., "
        "2019)."
    )

    st.subheader("2. One head at a time")
    st.caption(
        "Layers and heads are counted from 1 here; the code counts from 0, so layer 1, head 3 "
        "is `weights[0, 2]`."
    )
    # A real model has no temperature dial: T = 1, the formula of Vaswani et al. as it is.
    st.latex(
        r"\text{head}_h = \operatorname{softmax}\!\left(\frac{Q_h K_h^\top}{\sqrt{32}}\right)"
        r" V_h,\qquad Q_h = X W_Q^{(h)} + b_Q^{(h)},\ K_h = X W_K^{(h)} + b_K^{(h)},\ "
        r"V_h = X W_V^{(h)} + b_V^{(h)}"
    )
    row = st.columns(2)
    layer = run.control("layer", container=row[0]) - 1  # students count from 1, the code from 0
    head = run.control("head", container=row[1]) - 1
    behaviours = reading.behaviours()
    weights = reading.output.weights  # (6 layers, 12 heads, n, n): rows sum to 1
    run.predict(lambda: token_question(text, reading, layer, head))
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
        if run.shown:  # predict mode: what the head does is part of the answer
            st.markdown(head_summary(behaviours, layer, head))
        run.chart(head_grid(weights, (layer, head), look=run.look), key="real-grid")
        if len(tokens) > GRID_TOKENS:
            st.caption(f"The small squares show the first {GRID_TOKENS} tokens of each head.")
    run.note(presets_note(REAL_LOOKS, REAL.presets))

    st.subheader("3. What the heads do, found from the numbers")
    if run.shown:
        st.markdown(behaviours_list(behaviours))
    else:
        st.caption(
            ":material/visibility_off: What each head does appears once you commit to a prediction."
        )
    run.note(
        "A head is named above when, on average, at least half of a token's attention goes to "
        "one kind of token. No one wrote these rules into the model: MiniLM learned its "
        "attention by copying a larger trained model's (distillation), and that model learned "
        "it from text. Try **Split "
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

    run.share()


def follow_a_word() -> None:
    """Section 4: one word through two sentences of its own, layer by layer.

    Outside the fragment above: a step of the layer or head does not redraw it, and moving its
    controls reruns the page, so the share link (in the fragment) follows them too.
    """
    st.subheader("4. Back to lesson 6: one word, two meanings")
    st.markdown(
        "Lesson 6 moved *bank* toward *river* or toward *money*. Does a real model do that? "
        "Follow one word through two sentences and compare its two vectors after every layer "
        "(cosine similarity: 1 means the same direction)."
    )
    cols = st.columns([2, 2, 1])
    text_a = run.control("a", container=cols[0])
    text_b = run.control("b", container=cols[1])
    word = run.control("follow", container=cols[2]).strip()
    if not text_a.strip() or not text_b.strip():
        st.info(
            "Type two sentences to compare the word in (the presets have some).",
            icon=":material/keyboard:",
        )
        return
    if not word:
        st.info(
            "Type a word to follow: one that appears, unsplit, in both sentences (the presets "
            "have some).",
            icon=":material/keyboard:",
        )
        return
    try:
        drift = real.drift(text_a, text_b, word)
    except ValueError:
        where = [
            name
            for name, t in (("first", text_a), ("second", text_b))
            if real.read(t).tokens.find(word) is None
        ]
        st.info(
            f"**{md(word, 40)}** is not one whole token of "
            f"{'both sentences' if len(where) != 1 else 'the ' + where[0] + ' sentence'}. Pick "
            "a word that appears, unsplit, in both (the presets have some).",
            icon=":material/search_off:",
        )
    else:
        run.chart(drift_chart(drift.cosine, word, look=run.look), key="real-drift")
        if run.shown:
            st.markdown(drift_summary(drift.cosine, word))
        run.numbers(
            lambda: {
                "after layer": ["embeddings", *(str(k) for k in range(1, len(drift.cosine)))],
                "cosine": drift.cosine,
            },
            title="The cosines as a table",
        )


if model is not None:
    lesson_body()
    follow_a_word()
run.finish(code=[bert.encoder_layer, bert.self_attention, ac.attention], teacher=TEACHER)
