"""Lesson 6: refine a sentence (self-attention)."""

import numpy as np
import streamlit as st

import attention_core as ac
from ui import formulas, page
from ui.figures import weight_bars, weights_heatmap
from ui.figures.sentence import LANDMARKS, depth_curves, movement, projection_for
from ui.formats import format_number, token_labels, two_places
from ui.lessons import MATH, PROJECTIONS, SENTENCE
from ui.questions import asker, looks_most, where_it_looks
from ui.safe import md, plot_text

run = page.begin(
    SENTENCE,
    "Now every word of a sentence is a query, a key and a value at once. Each word asks every "
    "word how relevant it is, then becomes a blend of what it found: its **refined** embedding "
    "carries its context. A *bank* by a *river* is not the *bank* that holds your *money*.",
)


#: Mean cosine from which we call the words "the same vector".
ALL_ALIKE = 0.99


def look_question(r: ac.Refinement, labels: list[str], focus: int) -> page.Question:
    """Where does the inspected word look most? The words the core finds largest in its row
    (ties on screen all right), the very row the bar chart then draws."""
    row = r.weights[focus]  # (n,)
    choice = where_it_looks(labels, row)
    word = asker(labels, focus)
    setting = [f"temperature {format_number(r.attention.temperature)}"]
    d_k = r.attention.d_k
    setting.append(f"scores ÷ √{d_k}" if r.attention.scaled else f"scores not divided by √{d_k}")
    if r.causal:
        setting.append("causal mask on")
    masked = r.causal and focus < len(labels) - 1
    silent = None
    if not np.any(r.embeddings[focus]):
        silent = f"{word} has no features in this toy (all zeros): it scores 0 with every word"
    found = looks_most(row, labels, asking=word, itself=focus, silent=silent)
    how = (
        f"Here every word is its own query and key (Q = K = X): the weight {word} gives a word "
        "follows the dot product of their features, the larger the product the larger the "
        f"weight. The temperature (here {format_number(r.attention.temperature)}) and the "
        f"division by √{d_k} (here {'on' if r.attention.scaled else 'off'}) set how sharp the "
        "row is; they never change its order."
    )
    if masked:
        how += " The causal mask gives every word after it 0."
    return page.Question(
        prompt=f"In *{md(' '.join(r.tokens), 80)}* ({', '.join(setting)}): where does {word} "
        "look most?",
        options=choice.options,
        right=choice.right,
        why=f"{found} {how}",
    )


TEACHER = page.TeacherNotes(
    ask=(
        "Before the presets: in *I sat on the river bank*, which word should *bank* listen to? "
        "And in *I paid the money into the bank*?",
        "Does a word always look most at itself? Find one that does not.",
        "Why do *the*, *on* and *into* drift to the middle of the sentence?",
        "Shuffle the words (causal mask off): does any word's refined vector change? What does "
        "that say about word order?",
        "Refine again, 6 layers without the residual: what happens to the words? And with it?",
    ),
    misconception="“A word has one fixed meaning: its embedding.” Self-attention gives every "
    "word a new vector built from its sentence: the same *bank* starts at the same point, and "
    "comes out closest to *river* in the River bank preset and to *money* in the Money bank "
    "preset (at the presets' settings: T = 1, scaled).",
)


def depth_section(
    text: str, focus: int, labels: list[str], *, t: float, scaled: bool, causal: bool
) -> None:
    """Refine again: the same attention N times, with or without residual and layer norm."""
    st.subheader("Refine again: depth", divider="gray")
    st.markdown(
        "A transformer stacks layers. Apply this same attention again and again and watch what "
        "happens to the words, with or without two parts every real transformer has around its "
        "attention: the residual (each layer adds to the word's vector) and layer norm. This toy "
        "repeats one attention with no learned weights, so it shows what the two do to the "
        "words' lengths and angles, not all they do in a trained model."
    )
    row = st.columns([1.4, 1, 1], vertical_alignment="bottom")
    layers = run.control("layers", container=row[0])
    residual = run.control("residual", container=row[1])
    norm = run.control("layernorm", container=row[2])
    update = r"x + \operatorname{attention}(x)" if residual else r"\operatorname{attention}(x)"
    step = rf"\operatorname{{LayerNorm}}\!\left({update}\right)" if norm else update
    st.latex(rf"x \leftarrow {step} \quad \text{{({layers} times)}}")
    if not labels:
        return
    if not run.shown:  # predict mode: the numbers of this section wait for the prediction too
        st.caption(page.HIDDEN_CHART)
        return
    deep = ac.refine_deep(
        text, layers, residual=residual, layer_norm=norm, temperature=t, scaled=scaled,
        causal=causal,
    )  # fmt: skip
    other = ac.refine_deep(
        text, layers, residual=not residual, layer_norm=norm, temperature=t, scaled=scaled,
        causal=causal,
    )  # fmt: skip
    run.chart(depth_curves(deep, look=run.look), key="sentence-depth")
    st.markdown(depth_story(deep, other, focus, labels))
    run.numbers(
        lambda: {
            "after layer": list(range(deep.layers + 1)),
            "mean cosine of word pairs": deep.mean_cosine,
            "spread around the centre": deep.spread,
            "mean length": deep.norms.mean(axis=1),
            "longest": deep.norms.max(axis=1),
            **{f"length of {i + 1}. {w}": deep.norms[:, i] for i, w in enumerate(labels)},
        },
        title="Depth: the numbers layer by layer",
    )


def depth_story(deep: ac.Depth, other: ac.Depth, focus: int, labels: list[str]) -> str:
    """What the depth numbers say, each sentence guarded by the numbers it states."""
    cos, lengths = deep.mean_cosine, deep.norms.mean(axis=1)
    n_layers = deep.layers
    lines = [
        f"After {n_layers} layer{'s' if n_layers > 1 else ''}, the mean cosine of the word pairs "
        f"went from {two_places(cos[0])} to **{two_places(cos[-1])}**, and the mean length "
        f"from {two_places(lengths[0])} to **{two_places(lengths[-1])}**."
    ]
    last = deep.vectors[-1]  # (n, d)
    others = [j for j in range(len(labels)) if j != focus and np.any(last[j])]
    alike = [ac.cosine(last[focus], last[j]) for j in others]
    if others and min(alike) >= ALL_ALIKE:
        named = " or ".join(f"*{md(labels[j], 30)}*" for j in others[:2])
        lines.append(
            f"Every word has become nearly the same vector: *{md(labels[focus], 30)}* is now no "
            f"different from {named} (cosine ≥ {ALL_ALIKE} with every other word). Whatever "
            "the sentence said is averaged away."
        )
    elif others:
        lines.append(
            f"*{md(labels[focus], 30)}* still differs from some words: its cosine with the others "
            f"ranges from {two_places(min(alike))} to {two_places(max(alike))}."
        )
    name, mine, theirs = (
        ("without", cos[-1], other.mean_cosine[-1])
        if deep.residual
        else ("with", cos[-1], other.mean_cosine[-1])
    )
    if deep.residual and mine < theirs - 0.02:
        lines.append(
            "The residual keeps each word's own vector in the sum, so the words stay further "
            f"apart than {name} it (mean cosine {two_places(mine)} against {two_places(theirs)})."
        )
    elif deep.residual:
        lines.append(
            f"Here the residual does not keep the words apart: mean cosine {two_places(mine)}, "
            f"against {two_places(theirs)} {name} it."
        )
    else:
        lines.append(
            f"Turn on the residual to compare: {name} it, the mean cosine after {n_layers} "
            f"layer{'s' if n_layers > 1 else ''} would be {two_places(theirs)}."
        )
    if deep.residual and not deep.layer_norm and lengths[-1] > 2 * lengths[0]:
        lines.append(
            f"Adding instead of replacing makes the vectors grow, layer after layer: mean "
            f"length {two_places(lengths[0])} → {two_places(lengths[-1])}. Layer norm rescales "
            "them after each layer (switch it on). In a real transformer it is there mainly to "
            "keep training stable, with a learned gain and bias; BERT and MiniLM put it after "
            "each sublayer (post-LN), many newer models before (pre-LN)."
        )
    if deep.layer_norm and n_layers:
        longest = float(deep.norms[1:].max())
        bound = np.sqrt(deep.vectors.shape[-1])
        if longest <= bound + 1e-6:
            lines.append(
                f"Layer norm rescales every word after each layer (mean 0, variance 1), so no "
                f"vector gets longer than √{deep.vectors.shape[-1]} ≈ {bound:.2f}: the longest "
                f"after a layer is {two_places(longest)}."
            )
    if deep.residual and deep.layer_norm and cos[-1] >= ALL_ALIKE:
        lines.append(
            f"Even with both, the words end up alike here (mean cosine {two_places(cos[-1])}): "
            "the same attention with no learned weights, repeated, keeps averaging them. Real "
            "layers each learn their own W_Q, W_K, W_V and add a feed-forward network, which "
            "keeps words apart."
        )
    return "  \n".join(lines)


@st.fragment
def lesson_body() -> None:
    text = run.control("text")
    # The formula, the notices and the word picker go above the temperature, which sits right
    # over the pattern it sharpens (a student sees both at once); they are filled in below.
    above = st.container()
    row = st.columns(3)
    t = run.control("t", container=row[0])
    scaled = run.control("scaled", container=row[1])
    causal = run.control("causal", container=row[2])

    scores = r"X X^\top + M" if causal else r"X X^\top"
    above.latex("X' = " + formulas.softmax_of(scores, scaled=scaled, d="d") + " X")
    refinement = ac.refine(text, temperature=t, scaled=scaled, causal=causal)
    with above:
        page.text_notice(
            refinement, cut="refined", unknown="marked with ?; they get a small made-up vector"
        )
    if not refinement.tokens:
        above.info(
            "Type a sentence (or pick a preset above) to watch its words refine each other.",
            icon=":material/keyboard:",
        )
        run.control("view")  # keeps its link value
        depth_section(text, 0, [], t=t, scaled=scaled, causal=causal)  # keeps its link values
        run.share()
        return

    labels = token_labels(refinement)
    focus = run.pick("word", labels, default=ac.focus_word(refinement.tokens), container=above)

    run.predict(lambda: look_question(refinement, labels, focus))
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
        if run.shown:  # where the word went gives away where it looked
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

    view = run.control("view")  # right over the chart it turns
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
    # Under the charts: between the controls and the charts it would push them apart on a phone.
    st.caption(
        "In this toy every word is its own query, key and value (Q = K = V = X): the score of "
        "*a* with *b* is the score of *b* with *a* (the scores are symmetric; each row of "
        "weights is then normalised on its own), and "
        + (
            "only the causal mask knows where a word stands."
            if causal
            else "nothing says where a word stands: shuffle the words and each one comes back "
            "the same, word order is invisible."
        )
        + " Lessons 8–10 lift both: learned W_Q, W_K, W_V, several heads, and positions."
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
    depth_section(text, focus, labels, t=t, scaled=scaled, causal=causal)

    run.link_to(
        MATH, "See the math step by step for this sentence", sentence=text, t=t, scaled=scaled
    )
    if causal:
        st.caption(
            "The math page has no causal mask: it shows this sentence, temperature and scaling "
            "with every word looking at every word."
        )
    run.link_to(PROJECTIONS, "Lessons 8–10 go beyond Q = K = V = X: learned questions first")

    run.share()


lesson_body()
run.finish(code=[ac.refine, ac.attention, ac.softmax], teacher=TEACHER)
