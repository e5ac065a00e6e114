"""Lesson 14: translating *ci-dessous*. Attention between two sentences, padding, the n² cost."""

import streamlit as st

import attention_core as ac
from model_store import MAX_TOKENS
from ui import claims, formulas, page, questions
from ui.figures import weights_heatmap
from ui.figures.translation import cost_chart, narrow_heatmap
from ui.formats import format_number
from ui.lessons import TRANSLATE
from ui.measured import REPEATS, attention_costs
from ui.safe import md

run = page.begin(
    TRANSLATE,
    "Lesson 2 looked up one French word. A translation model does it for every English word it "
    "writes: the **encoder** reads the French sentence, and each English word's **query** looks "
    "at the French words' **keys** and takes their **values**. That is **cross-attention**: one "
    "row per English word, one column per French word, so the matrix need not be square.",
)

MINILM = ac.BertConfig()


def labels(words: tuple[str, ...]) -> list[str]:
    return [f"{i + 1}. {w}" for i, w in enumerate(words)]


def look_question(tr: ac.Translation, focus: int, t: float, s: float) -> page.Question:
    """Which French word does the followed English word look at most? The core's weights
    decide (ties on screen all right); the answer is the sentence printed beside the chart."""
    asking = questions.asker(list(tr.target), focus)
    return questions.word_question(
        f"Writing {asking} (English word {focus + 1}; position strength {format_number(s)}, "
        f"temperature {format_number(t)}): which French word does its query look at most?",
        questions.distinct(list(tr.source)),
        tr.weights[focus],
        claims.cross_look(tr, focus),
    )


TEACHER = page.TeacherNotes(
    ask=(
        "Before the reveal: writing *below*, which French word should the model look at? How "
        "could it know, if *ci-dessous* was never in lesson 2's dictionary?",
        "*red* is the 2nd English word, *rouge* the 3rd French word. Why is the 2nd column "
        "not the right place to look? What does row 2, column 2 of this matrix compare?",
        "The English sentence has 6 words, the French 5. What shape is the matrix? Which "
        "English words share one French word, and why is that fine?",
        "Switch the padding mask off: where does the leaking weight come from, and why would a "
        "model trained like that translate worse?",
        "Double the text: how much more memory do the weights need? Why does lesson 11 stop "
        "at 128 tokens?",
    ),
    misconception="“The i-th English word looks at the i-th French word.” In cross-attention "
    "the rows and columns are two different sentences: row 2 is *red*, column 2 is *chat*. Each "
    "English word looks wherever its meaning is found, in any order (*the red cat* ↔ *le chat "
    "rouge*), and the two sentences need not have the same length.",
)


@st.fragment
def lesson_body() -> None:
    controls, shown = st.columns([1, 2.2], gap="large")
    with controls:
        source = run.control("fr")
        target = run.control("en")
        strength = run.control("pos")
        t = run.control("t")
        st.latex(r"\tilde X = X_{fr} + s\,PE")  # two lines: one ran out of the column
        st.latex(r"\tilde Y = Y_{en} + s\,PE")
        st.latex(r"W = " + formulas.softmax_of(r"\tilde Y \tilde X^\top", scaled=True))
        st.latex(r"\text{output} = W\, \tilde X")
        st.caption(
            "One head as wide as the model (h = 1, d = 8), with W_Q = W_K = W_V = I: a word's "
            "query, key and value are its 8 named features plus its place. A trained model "
            "learns its three matrices and has many heads."
        )
    tr = ac.translate(source, target, positions=strength, temperature=t)

    with shown:
        if not tr.source or not tr.target:
            st.info(
                "Type a French sentence and its English translation (or pick a preset).",
                icon=":material/keyboard:",
            )
            run.share()
            return
        if tr.cut:
            st.info(
                f"Only the first {ac.MAX_WORDS} words of each sentence are used.",
                icon=":material/content_cut:",
            )
        page.made_up_notice(
            [*tr.source, *tr.target], [*tr.known_source, *tr.known_target]
        )  # fmt: skip
        english, french = labels(tr.target), labels(tr.source)
        focus = run.pick("word", english, default=claims.followed_english(tr))
        if run.predict(lambda: look_question(tr, focus, t, strength)):
            st.markdown(claims.cross_look(tr, focus))
        run.chart(
            weights_heatmap(
                tr.weights, english, french, title="Cross-attention: English asks, French answers",
                x_title="French keys (the encoder's words)",
                y_title="English queries (the decoder's words)", look=run.look,
            ),
            key="translate-cross",
        )  # fmt: skip
        if run.shown:
            st.markdown(claims.shape_line(tr))
    run.numbers(
        lambda: {
            "English word (query)": english,
            **{f"→ {label}": tr.weights[:, j] for j, label in enumerate(french)},
        },
        title="The cross-attention weights as a table",
    )

    st.subheader("Inside the decoder: looking back, and looking across")
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.latex(
            r"\text{self: } " + formulas.softmax_of(r"\tilde Y \tilde Y^\top + M", scaled=True)
        )
        run.chart(
            narrow_heatmap(
                tr.decoder.weights, english, english, title="Decoder self-attention (causal)",
                x_title="English keys", y_title="English queries", look=run.look,
            ),
            key="translate-decoder",
        )  # fmt: skip
    with right:
        st.latex(r"\text{cross: } " + formulas.softmax_of(r"\tilde Y \tilde X^\top", scaled=True))
        if run.shown:
            st.markdown(claims.decoder_line(tr))
        st.caption(
            "A real decoder layer does both in turn: masked self-attention, then "
            "cross-attention whose queries come out of the first step (after add & norm), "
            "then a feed-forward layer. Here both read the English words with their places, "
            "so each step's numbers stay readable. A trained decoder also asks with the words "
            "written so far, before the next one; each row here is labelled by the word it "
            "writes, as in Bahdanau et al.'s alignment figures."
        )

    st.subheader("A batch: padding, and the mask that hides it")
    mask_col, pad_col = st.columns([1, 2.2], gap="large")
    with mask_col:
        masked = run.control("mask")
        st.caption(
            f"Models learn from many pairs at once. This batch holds the pair above and one of "
            f"another length; the shorter French sentence is filled with {md(ac.PAD)} up to "
            "the longer one: a zero vector plus its place. The mask (PyTorch's "
            "key_padding_mask) gives those places −∞ before the softmax, so weight 0."
        )
    batch = ac.padded_batch(
        [(source, target), ac.batch_mate(source)], masked=masked, positions=strength,
        temperature=t,
    )  # fmt: skip
    with pad_col:
        if run.shown:
            st.markdown(claims.padding_line(batch))
    places = run.chart_row("translate-batch", 2, min_width=300, basis=420)
    for i, place in enumerate(places):
        n_en = int(batch.target_lengths[i])
        run.chart(
            narrow_heatmap(
                batch.cross.weights[i, :n_en], labels(batch.targets[i][:n_en]),
                labels(batch.sources[i]),
                title=f"Pair {i + 1}{' (above)' if i == 0 else ''}, "
                f"{'masked' if masked else 'no mask'}",
                x_title="French keys, padded", y_title="English queries", look=run.look,
            ),
            key=f"translate-pair-{i + 1}",
            container=place,
        )  # fmt: skip
    rows = [(i, j) for i in range(len(batch.sources)) for j in range(batch.target_lengths[i])]
    run.numbers(
        lambda: {
            "pair": [i + 1 for i, _ in rows],
            "English word": [batch.targets[i][j] for i, j in rows],
            "weight on padding": [float(batch.on_padding[i, j]) for i, j in rows],
        },
        title="The weight on padding, row by row",
    )

    st.subheader("The cost: n queries × n keys")
    costs = attention_costs()
    if run.shown:
        st.markdown(claims.cost_line(costs))
    run.chart(cost_chart(costs, look=run.look), key="translate-cost")
    big = costs[-1]
    st.caption(
        f"Self-attention over n random tokens, timed on this server with the core's own "
        f"attention: once per server process (not on every visit), in float32 (half the memory "
        f"of float64), one size at a time, the fastest of {REPEATS[costs[0].n]} runs for small "
        f"sizes and a single run at {big.n:,}. The times change from run to run; the sizes do "
        f"not. While it works, the core keeps 3 n × n matrices (scores, scaled scores, "
        f"weights): {claims.mebibytes(big.held_bytes)} at {big.n:,} tokens, freed right after."
    )
    st.markdown(
        claims.real_model_line(
            MINILM.num_layers, MINILM.num_heads, MAX_TOKENS, MINILM.max_positions
        )
    )
    st.markdown(
        "**How long-context models cope:** they never hold the whole n × n matrix at once "
        "(FlashAttention computes the exact result tile by tile), or let each token look only "
        "at a window of nearby tokens (sliding-window attention, as in Longformer and Mistral), "
        "or approximate the softmax so the cost grows like n (linear attention)."
    )
    run.numbers(
        lambda: {
            "tokens n": [c.n for c in costs],
            "weights n²": [c.weights for c in costs],
            "weight matrix (bytes, float32)": [c.weight_bytes for c in costs],
            "n × n matrices kept (bytes)": [c.held_bytes for c in costs],
            "time (ms, measured)": [1000 * c.seconds for c in costs],
        },
        title="The cost as a table",
    )

    run.note(
        "Start from **Ci-dessous**: *below* finds *ci-dessous* although it was never in lesson "
        "2's dictionary, and *red*, the 2nd English word, finds *rouge*, the 3rd French one: "
        "rows and columns are two different sentences. **Two le, no places** has two *le*: "
        "without positions *the* cannot tell them apart; **Places tell them apart** adds the "
        "places. **Padding leaks** switches the mask off in the batch."
    )
    run.share()


lesson_body()
run.finish(
    code=[ac.cross_attention, ac.attention, ac.key_padding_mask, ac.attention_cost],
    teacher=TEACHER,
)
