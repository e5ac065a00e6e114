"""Lesson 10: word order. Attention alone is blind to it; positions and the causal mask see it."""

import streamlit as st

import attention_core as ac
from ui import formulas, page, questions
from ui.figures import weights_heatmap
from ui.figures.order import encodings_heatmap, refined_words, word_limit
from ui.formats import format_number, two_places
from ui.lessons import ORDER, ORDER_SENTENCES, SHUFFLES
from ui.safe import md, shorten

run = page.begin(
    ORDER,
    "Attention compares every word with every word, and nothing in that comparison says which "
    "word came first: shuffle a sentence and every refined word only moves with its word. "
    "Real transformers add each word's **position** to it, and a chatbot writing a sentence "
    "lets each word look **back** only (the causal mask).",
)


def difference(value: float) -> str:
    """A largest difference as written on screen: rounding-sized ones in scientific notation."""
    return "0" if value == 0 else f"{value:.1e}" if value < 0.005 else two_places(value)


def word_labels(tokens: tuple[str, ...]) -> list[str]:
    return [f"{i + 1}. {shorten(w, 20)}" for i, w in enumerate(tokens)]


def verdict(w: ac.WordOrder, head: str) -> str:
    """What the comparison shows, in words; every clause is guarded by the numbers."""
    if len(w.tokens) < 2:
        return "One word has nothing to shuffle: type a few more."
    if w.same_up_to_order:
        text = (
            "**The same vectors, only permuted.** Put the shuffled sentence's refined words back "
            f"in the original order and the largest difference is {difference(w.gap)} (rounding)."
        )
        if w.positions == 0 and not w.causal:
            return text + " Without positions or a mask, nothing in the formula knows order."
        if head == "plain" and not w.causal and w.is_reversal:
            return text + (
                " Plain attention with positions sees only how far apart two words are, and "
                "reading backwards keeps every distance. Try another shuffle, or the "
                "previous-word head, which knows *before* from *after*."
            )
        return text + " This shuffle changes nothing attention can tell apart here."
    text = (
        "**Different, not just permuted.** Put the shuffled sentence's refined words back in "
        f"the original order and they still differ by up to {difference(w.gap)}."
    )
    if w.positions == 0 and w.causal:
        return text + (
            " No positions, yet the causal mask sees order: each word may look only at the "
            "words before it, and the shuffle changes which words those are."
        )
    if w.positions > 0:
        return text + (
            " The positions make the difference: the same word in another place scores differently."
        )
    return text


def head_claim(p: ac.Projected, causal: bool) -> str:
    """What the previous-word head does on screen, guarded by its weights."""
    n = len(p.tokens)
    if n < 2:
        return "The previous-word head needs at least two words."
    first = (
        "The first word has no word before it; with the causal mask it can only look at itself."
        if causal
        else "The first word has no word before it, so its row is no previous-word look."
    )
    if not p.asks.any():
        return (
            "**No positions, no question:** every query of this head is zero, so each word "
            "spreads its attention evenly over the words it may see. " + first
        )
    found = ac.looks_at_previous(p.weights)
    back = ac.previous_word_weights(p.weights)
    if found.all():
        return (
            "**Every word after the first gives its largest weight to the word just before "
            f"it** ({two_places(back.min())} to {two_places(back.max())}). " + first
        )
    return (
        f"**{int(found.sum())} of the {n - 1} words after the first** give their largest weight "
        "to the word just before it. " + first
    )


def generation_line(g: ac.Generation, written: int) -> str:
    """What the step-through shows: the masked rows are the word-by-word readings."""
    if g.matches_reading:
        return (
            f"Row {written + 1} of the masked matrix is the last row of the reading that stops at "
            f"word {written + 1}, and the same holds for every row: the largest difference is "
            f"{difference(g.gap)}. So a model can train on all rows at once and still write one "
            "word at a time (plain self-attention here, positions at the strength above)."
        )
    return f"The largest difference between a reading and the masked rows is {difference(g.gap)}."


def asked_word(tokens: tuple[str, ...]) -> int:
    """The word the prediction follows: the middle one (*bites* in *dog bites man*)."""
    return (len(tokens) - 1) // 2


#: The answers to "has the word's refined vector changed?", in that order.
SAME, CHANGED = "No: the same vector", "Yes: a different vector"


def settings_text(w: ac.WordOrder, head: str, t: float) -> str:
    """The controls the answer depends on, as a student reads them."""
    return (
        f"position strength {format_number(w.positions)}, "
        f"{'the previous-word head' if head == 'previous-word' else 'plain attention'}, "
        f"causal mask {'on' if w.causal else 'off'}, temperature {format_number(t)}"
    )


def word_why(w: ac.WordOrder, i: int, name: str, head: str) -> str:
    """Why word ``i`` changed or only moved; every clause is guarded by the numbers."""
    word = f"*{md(name, 40)}*"
    gap = difference(w.word_gap(i))
    if len(w.tokens) < 2:
        return f"One word has nothing to shuffle: {word} keeps its place and its vector."
    if not w.changed(i):
        place = "in the same place" if w.order.index(i) == i else "only in another place"
        text = (
            f"Before and after the shuffle, the refined vectors of {word} differ by {gap}"
            + (" (rounding)" if w.word_gap(i) > 0 else "")
            + f": the same vector, {place}."
        )
        if w.positions == 0 and not w.causal:
            return text + (
                " Without positions or a mask, attention compares words with words only: "
                "nothing in the formula knows order."
            )
        if head == "plain" and not w.causal and w.is_reversal:
            return text + (
                " Plain attention with positions sees only how far apart two words are, and "
                "reading backwards keeps every distance."
            )
        return text + f" This shuffle changes nothing {word}'s attention can tell apart."
    text = (
        f"Before and after the shuffle, the refined vectors of {word} differ by up to {gap}: "
        f"after the shuffle {word} weighs the words differently."
    )
    if w.positions == 0 and w.causal:
        return text + (
            " No positions, yet the causal mask sees order: a word may look only at the words "
            f"before it, and the shuffle changed which words those are for {word}."
        )
    if w.positions > 0 and not w.causal:
        return text + (
            " The positions make the difference: in other places, the same words score differently."
        )
    return text + (
        " Positions and the causal mask belong to the places, not to the words: move the words "
        "and what each place sees changes."
    )


def word_question(w: ac.WordOrder, head: str, t: float) -> page.Question:
    """Has the middle word's refined vector changed, or did it only move? The core compares
    the vectors (``WordOrder.changed``, at the rounding tolerance of the page's verdict)."""
    i = asked_word(w.tokens)
    name = questions.distinct(list(w.tokens))[i]
    slot = w.order.index(i)
    moved = f"*{md(' '.join(w.tokens), 120)}* into *{md(' '.join(w.shuffled_tokens), 120)}*"
    goes = f"moves from place {i + 1} to {slot + 1}" if slot != i else f"stays in place {i + 1}"
    return page.Question(
        prompt=f"Shuffle {moved} ({settings_text(w, head, t)}): *{md(name, 40)}* {goes}. "
        "Has its refined vector changed?",
        options=(SAME, CHANGED),
        right=frozenset({1 if w.changed(i) else 0}),
        why=word_why(w, i, name, head),
    )


TEACHER = page.TeacherNotes(
    ask=(
        "*Dog bites man* and *man bites dog*: same words, different news. What would a model "
        "need to know to tell them apart?",
        "With position strength 0, shuffle again and again: does any refined word ever change, "
        "or does each only move with its word? Why?",
        "**A reversal fools plain attention**: positions are on, and yet nothing changes. What "
        "do sines and cosines of two positions tell about the pair?",
        "Turn on the causal mask with no positions: why does order matter now?",
        "A chatbot writes one word at a time. Why can it still train on every row of the "
        "masked matrix at once?",
    ),
    misconception="“Self-attention alone knows word order.” It does not: it compares every "
    "word with every word, and nothing in softmax(QKᵀ/√d)V says which came first. Without "
    "positions or a mask, *man bites dog* gets the same refined vectors as *dog bites man* "
    "(to rounding), only in another order. Order comes from positions added to the words, "
    "or from the causal mask.",
)


@st.fragment
def lesson_body() -> None:
    box, tries = st.columns([1.4, 1], gap="medium")
    text = run.control(
        "text",
        container=box,
        suggestions=ORDER_SENTENCES,
        suggestions_label="Try",
        suggestions_container=tries,
    )
    controls, shown = st.columns([1, 2.2], gap="large")
    with controls:
        seed = run.control("order")
        shuffle_again = st.container()
        head = run.control("head")
        causal = run.control("causal")
        t = run.control("t")
        # The lesson's main control, last in the column: scrolling to it brings the shuffled
        # words beside it into view (on a phone it docks at the bottom of the screen).
        strength = run.control("pos")

        chosen = ac.previous_word_head() if head == "previous-word" else None
        st.latex(r"\tilde X = [\,X \;|\; s\,PE\,]")
        if chosen is not None:
            st.latex(r"Q, K, V = \tilde X\, W_{Q,\,K,\,V}")
        q, k, v = (r"\tilde X", r"\tilde X", r"\tilde X") if chosen is None else ("Q", "K", "V")
        scores = q + k + r"^\top" + (" + M" if causal else "")
        st.latex("X' = " + formulas.softmax_of(scores, scaled=True) + " " + v)
    w = ac.shuffle(text, seed, head=chosen, positions=strength, temperature=t, causal=causal)
    run.set_button(
        "order",
        ac.next_shuffle(len(w.tokens), seed, SHUFFLES),
        label="Shuffle again",
        icon=":material/shuffle:",
        container=shuffle_again,
    )

    with shown:
        if len(ac.tokenize(text)) > len(w.tokens):
            st.info(
                f"Only the first {len(w.tokens)} words are used.", icon=":material/content_cut:"
            )
        if not w.tokens:
            st.info(
                "Type a sentence (or pick a suggestion) to shuffle its words.",
                icon=":material/keyboard:",
            )
            run.share()
            return
        page.text_notice(w, unknown="they get a small made-up vector")
        st.markdown(
            f"**{md(' '.join(w.tokens), 300)}** → shuffled: "
            f"**{md(' '.join(w.shuffled_tokens), 300)}**"
        )
        if run.predict(lambda: word_question(w, head, t)):
            st.markdown(verdict(w, head))

        labels = word_labels(w.tokens)
        moved = [
            f"{slot + 1}. {shorten(w.tokens[i], 20)} (was {i + 1})"
            for slot, i in enumerate(w.order)
        ]
        limit = word_limit(w.x)
        run.chart(
            refined_words(
                w.original.output, labels, title="Refined, original order", limit=limit,
                look=run.look,
            ),
            key="order-original",
        )  # fmt: skip
        run.chart(
            refined_words(
                w.shuffled.output, moved, title="Refined, shuffled", limit=limit, look=run.look
            ),
            key="order-shuffled",
        )
    run.numbers(
        lambda: {
            "slot": list(range(1, len(w.order) + 1)),
            "word": list(w.shuffled_tokens),
            "was word no.": [i + 1 for i in w.order],
            "largest difference": w.row_gaps,
            **{f"shuffled {f}": w.shuffled.output[:, j] for j, f in enumerate(ac.FEATURES)},
            **{
                f"original {f}": w.original.output[list(w.order), j]
                for j, f in enumerate(ac.FEATURES)
            },
        },
        title="The refined words, side by side (original rows put in the shuffled order)",
    )

    st.subheader("Positions: a fingerprint for every place")
    pe = ac.sinusoidal_positions(len(w.tokens))
    enc, head_col = st.columns(2, gap="large")
    with enc:
        st.latex(r"PE_{p,\,2i} = \sin\frac{p}{10000^{2i/8}}")
        st.latex(r"PE_{p,\,2i+1} = \cos\frac{p}{10000^{2i/8}}")
        run.chart(
            encodings_heatmap(
                pe, [f"{i + 1}. {shorten(tok, 20)}" for i, tok in enumerate(w.tokens)],
                title="Sinusoidal encodings (one row per place)", look=run.look,
            ),
            key="order-encodings",
        )  # fmt: skip
        st.caption(
            f"Each row goes next to the word in that place, times the strength s = {strength:g}"
            + (" (so here it adds nothing)." if strength == 0 else ".")
        )
    with head_col:
        # W_Q turns a word's position back by one place (a rotation, ``ac.shift_matrix``).
        st.latex(r"q_p = 3s\,PE_{p-1},\quad k_j = s\,PE_j,\quad v_j = x_j")
        p = ac.project(
            text, ac.previous_word_head(), positions=strength, causal=causal, temperature=t
        )
        run.chart(
            weights_heatmap(
                p.weights, labels, labels, title="The previous-word head", look=run.look
            ),
            key="order-previous",
        )
        if run.shown:
            st.markdown(head_claim(p, causal))
    run.numbers(
        lambda: {
            "place": labels,
            **{d: pe[:, j] for j, d in enumerate(ac.position_dims())},
        },
        title="The encodings as a table",
    )
    run.numbers(
        lambda: {
            "word that asks": labels,
            **{label: p.weights[:, j] for j, label in enumerate(labels)},
        },
        title="The previous-word head's weights as a table",
    )

    st.subheader("The causal mask is writing word by word")
    st.latex(
        r"X' = " + formulas.softmax_of(r"\tilde X \tilde X^\top + M", scaled=True)
        + r"\tilde X,\qquad M_{ij} = \begin{cases} 0 & j \le i \\ -\infty & j > i \end{cases}"
    )  # fmt: skip
    g = ac.generate(text, positions=strength, temperature=t)
    written = run.pick("step", labels, default=len(labels) - 1)
    step = g.steps[written]
    reading, masked = st.columns(2, gap="large")
    with reading:
        run.chart(
            weights_heatmap(
                step.weights, labels[: written + 1], labels[: written + 1],
                title=f"Reading {written + 1} word{'s' if written else ''} (the last row is new)",
                look=run.look,
            ),
            key="order-step",
        )  # fmt: skip
    with masked:
        run.chart(
            weights_heatmap(
                g.full.weights, labels, labels, title="All at once, with the causal mask",
                look=run.look,
            ),
            key="order-causal",
        )  # fmt: skip
    if run.shown:  # predict mode: the sentence quotes the charts, hidden until the answer
        st.markdown(generation_line(g, written))
    run.numbers(
        lambda: {
            "looked at": labels[: written + 1],
            f"reading to word {written + 1}": step.weights[-1],
            f"masked row {written + 1}": g.full.weights[written, : written + 1],
        },
        title="That row, both ways",
    )

    run.note(
        "Start from **Blind to order**: *man bites dog* gives the same refined words as *dog "
        "bites man*, only in another order. Raise the position strength: for this reversal plain "
        "attention still cannot tell (it sees distances, not direction); **Who bit whom?** "
        "switches to the previous-word head, and *bites* now carries *dog* in one order and "
        "*man* in the other. Turn on the causal mask and the mask alone gives order away."
    )
    run.share()


lesson_body()
run.finish(code=[ac.sinusoidal_positions, ac.attention, ac.generate], teacher=TEACHER)
