"""Lesson 13: one whole block of the real model, its sentence vectors, and a chatbot's sampling."""

import numpy as np
import streamlit as st

import attention_core as ac
from attention_core import block, sampling, search
from attention_core.sampling import CHATBOT_PROMPT, NEXT_WORD_LOGITS
from ui import model as real
from ui import page
from ui.figures.block import search_chart, two_temperatures, units_chart, update_sizes_chart
from ui.formats import distinct
from ui.lessons import BLOCK, SOFTMAX
from ui.readings import (
    attention_summary,
    bigger_update,
    sampling_summary,
    search_summary,
    units_summary,
    updates_summary,
)
from ui.safe import md

run = page.begin(
    BLOCK,
    "Lesson 11 showed the heads of all-MiniLM-L6-v2. A layer does more than attend: it adds "
    "what attention found to each token, normalises, lets a small feed-forward network work "
    "on every token alone, and adds and normalises again. Then: what the model's vectors are "
    "*for* — a search engine's sentence vectors, and a chatbot's next word.",
)
model = real.model_or_offer()  # None: the page has said how to get it (nothing is downloaded)

#: The feed-forward units named on the chart and in the sentence.
TOP_UNITS = 5
#: Draws shown under the chatbot's chart.
DRAWS = 20
#: Lesson 3's keys and scores: the attention side of the comparison.
KEYS = tuple(p.label for p in SOFTMAX.params if p.key.startswith("s"))
SCORES = np.array([p.default for p in SOFTMAX.params if p.key.startswith("s")])
WORDS = tuple(NEXT_WORD_LOGITS)

TEACHER = page.TeacherNotes(
    ask=(
        "Before looking: in a layer, does attention or the feed-forward network change a "
        "word's vector more? Does it depend on the layer?",
        "The feed-forward network sees one token at a time. So where does a token learn "
        "about its neighbours?",
        "Type a question that shares no word with the note that answers it. Does the search "
        "still find it? What did lesson 5's keyword labels do with such a question?",
        "A chatbot at temperature 0.05 answers the same way every time. Which dial would "
        "you turn to make it more surprising, and which one would change nothing?",
    ),
    misconception="“The temperature of a chatbot is the temperature of attention.” They are "
    "two different dials. Lessons 1–3's temperature divides the query-key scores inside "
    "attention, and real models keep it at 1. A chatbot's temperature divides the output "
    "logits, the scores of the next word, just before it draws one (section 4).",
)


def update_question(token: str, sizes: block.UpdateSizes, layer: int) -> page.Question:
    """Which sublayer adds more to the followed token in this layer? (Ties on screen: both.)"""
    options = ("attention", "the feed-forward network")
    bigger = bigger_update(sizes, layer)
    right = frozenset(i for i, name in enumerate(("attention", "feed-forward")) if name in bigger)
    why = (
        f"In layer {layer + 1}, attention adds **{ac.percent(sizes.attention[layer])}** "
        f"and the feed-forward network **{ac.percent(sizes.feed_forward[layer])}** of "
        "the size of the stream each one joins."
    )
    prompt = (
        f"In layer {layer + 1}, which adds the bigger update to *{md(token, 40)}*: attention, "
        "or the feed-forward network?"
    )
    return page.Question(prompt, options, right, why)


def the_block() -> None:
    """Sections 1 and 2: one layer opened up, on the student's sentence."""
    text = run.control("text")
    tokens, traced = real.trace(text)  # every step of every layer (kept for the sliders)
    if tokens.special.all():  # nothing but [CLS] and [SEP]
        st.info(
            "Type a sentence (or pick a preset above) to see what each part of a layer does "
            "to its tokens.",
            icon=":material/keyboard:",
        )
        return
    if tokens.truncated:
        st.info(
            f"Only the first {tokens.max_tokens} tokens are read; the rest was cut.",
            icon=":material/content_cut:",
        )

    st.subheader("1. One layer, all of it")
    st.latex(r"m = \operatorname{LayerNorm}\big(x + \operatorname{Attention}(x)\big)")
    st.latex(r"\text{out} = \operatorname{LayerNorm}\big(m + \operatorname{FFN}(m)\big)")
    st.latex(r"\operatorname{FFN}(m) = \operatorname{GELU}(m W_1 + b_1)\,W_2 + b_2")
    st.caption(
        "Each sublayer's result is *added* to the stream that came in (the residual), then "
        "normalised: that is MiniLM's and BERT's order, called post-LN. Many newer models "
        "(GPT-2 onward) put the norm first instead, x + Attention(LayerNorm(x)). The "
        "feed-forward network widens each token from 384 numbers to 1,536, applies GELU, and "
        "narrows back to 384: one token at a time, so only attention moves information "
        "between tokens."
    )
    labels = distinct(list(tokens.pieces), noun="token")
    focus = run.pick("word", labels, default=len(tokens) - 2)
    token = tokens.pieces[focus]
    sizes = block.update_sizes(traced, focus)  # (layers,) each: update / stream
    layer = run.control("layer") - 1  # students count from 1, the code from 0
    run.predict(lambda: update_question(token, sizes, layer))
    run.chart(update_sizes_chart(sizes, token, look=run.look), key="block-updates")
    if run.shown:
        st.markdown(updates_summary(sizes, token))
    run.note(
        "Each bar is the length of what a sublayer adds, divided by the length of the vector "
        "it is added to (both come out of a LayerNorm, so they are on the same scale). Follow "
        "another token, or a token of another sentence: which sublayer does more changes "
        "from layer to layer."
    )
    run.numbers(
        lambda: {
            "layer": list(range(1, len(sizes.attention) + 1)),
            "attention adds (share of the stream)": sizes.attention,
            "feed-forward adds (share of the stream)": sizes.feed_forward,
        },
        title="The updates as a table",
    )

    st.subheader("2. Inside the feed-forward network")
    units = traced.units[layer, focus]  # (1536,) after GELU
    top = block.top_units(units, TOP_UNITS)
    run.chart(units_chart(units, top, layer + 1, token, look=run.look), key="block-units")
    if run.shown:
        st.markdown(units_summary(units, top, layer + 1, token))
    st.caption(
        "Each unit is one column of W₁ (a pattern it looks for in the token's vector) and one "
        "row of W₂ (what it writes back when it fires). GELU lets positive values through and "
        "squashes negative ones to just below 0."
    )
    run.numbers(
        lambda: {"unit": list(range(len(units))), "activation": units},
        title="Every unit of this layer as a table",
    )


def read_notes() -> tuple[list[str], list[str]]:
    """The notes typed (empty ones left out), with their names ("note 2")."""
    boxes = st.columns(2)
    typed = [run.control(f"n{i}", container=boxes[(i - 1) % 2]) for i in range(1, 6)]
    kept = [(f"note {i}", note) for i, note in enumerate(typed, 1) if note.strip()]
    return [name for name, _ in kept], [note for _, note in kept]


def the_search() -> None:
    """Section 3: sentence vectors doing a real semantic search (lesson 5, trained)."""
    st.subheader("3. What comes out: one vector per sentence")
    st.markdown(
        "MiniLM's job is a **sentence vector**: average the last layer's token vectors (mean "
        "pooling), then scale to length 1. Texts that mean similar things point the same way. "
        "Type a question and a few notes: the model searches them."
    )
    st.latex(
        r"s = \frac{\bar h}{\lVert \bar h \rVert},\quad \bar h = \frac{1}{n}\sum_i h_i,\qquad "
        r"\text{score}(q, k) = s_q \cdot s_k = \cos(q, k)"
    )
    question = run.control("question")
    _, notes = read_notes()
    if not question.strip() or not notes:
        st.info(
            "Type a question and at least one note to search (the presets have some).",
            icon=":material/keyboard:",
        )
        return
    query = real.sentence_vector(question)  # (384,), length 1
    keys = np.stack([real.sentence_vector(note) for note in notes])  # (notes, 384)
    found = search.search(query, keys)
    run.chart(search_chart(found.scores, notes, found.best, look=run.look), key="block-search")
    if run.shown:
        st.markdown(search_summary(found, notes))
    run.note(
        "This is lesson 5 again. The question is the query, each note a key (and its own "
        "value); the score is the dot product of the two vectors, and the spotlight goes to "
        "the best note. Lesson 5's keys were hand-made keyword labels, so a question matched "
        "only the keywords it named. Here a trained model wrote every vector, so a question "
        "can match a note that shares none of its words: try one."
    )
    run.numbers(
        lambda: {"note": notes, "cosine with the question": found.scores},
        title="The cosines as a table",
    )


@st.fragment  # moving a dial of this section reruns this part only
def the_chatbot() -> None:
    """Section 4: a chatbot's output temperature, top-k and top-p, beside attention's."""
    st.subheader("4. And for a chatbot: the other temperature")
    st.markdown(
        "A chatbot turns its last vector into one score (a *logit*) per word of its "
        "vocabulary, softmax makes them probabilities, and it **draws** the next word. The "
        "“temperature” in a chatbot's settings is **this** one: it divides those output "
        "logits. It is not the temperature of lessons 1–3, which sits inside attention and "
        "which real models keep at 1. (MiniLM has no next-word head: the words and logits for "
        f"*{md(CHATBOT_PROMPT)} …* below are made up to show the dials.)"
    )
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.latex(r"\text{attention: } \operatorname{softmax}\!\Big(\frac{q \cdot k}{T}\Big)")
        t = run.control("t")
    with right:
        st.latex(r"\text{next word: } \operatorname{softmax}\!\Big(\frac{h\,W_{vocab}}{T}\Big)")
        out_t = run.control("out_t")
        cut = st.columns(2)
        top_k = run.control("top_k", container=cut[0])
        top_p = run.control("top_p", container=cut[1])
    weights = ac.softmax(SCORES, temperature=t)  # lesson 3's keys
    found = sampling.next_word(list(NEXT_WORD_LOGITS.values()), out_t, top_k, top_p)
    draw = run.control("draw")
    draws = sampling.sample(found.probabilities, DRAWS, seed=draw)
    run.chart(
        two_temperatures(KEYS, weights, t, WORDS, found, out_t, look=run.look),
        key="block-next-word",
    )
    if run.shown:
        st.markdown(attention_summary(KEYS, weights, t))
        st.markdown(sampling_summary(WORDS, found, out_t, draws))
        st.markdown(f"*{md(CHATBOT_PROMPT)}* … " + " · ".join(f"*{md(WORDS[i])}*" for i in draws))
    run.set_button("draw", (draw + 1) % 1000, label="Draw again", icon=":material/casino:")
    run.note(
        "Top-k keeps the k likeliest words, top-p the fewest likeliest words whose "
        "probabilities add up to at least p; the kept ones share all the probability (the grey "
        "outlines are the probabilities before the cut). Turn the output temperature down: the "
        "draws become the same word every time. Turn it up: unlikely words appear, and top-k or "
        "top-p keep the silliest ones out."
    )
    run.numbers(
        lambda: {
            "next word": list(WORDS),
            "logit": found.logits,
            "probability before the cut": found.softmax,
            "kept": found.kept,
            "probability": found.probabilities,
            "times drawn": np.bincount(draws, minlength=len(WORDS)),
        },
        title="The next-word numbers as a table",
    )
    run.share()


if model is not None:
    the_block()
    the_search()
the_chatbot()
run.finish(
    code=[block.encoder_block, search.sentence_vector, search.search, sampling.next_word],
    teacher=TEACHER,
)
