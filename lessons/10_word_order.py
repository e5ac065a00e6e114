"""Lesson 10: word order. Attention alone is blind to it; positions and the causal mask see it."""

from collections.abc import Callable

import streamlit as st

import attention_core as ac
from ui import formulas, page, questions
from ui.figures import weights_heatmap
from ui.figures.order import encodings_heatmap, refined_words, word_limit
from ui.formats import format_number, two_places
from ui.lessons import ORDER, ORDER_SENTENCES
from ui.questions import listed
from ui.safe import md, shorten

run = page.begin(
    ORDER,
    "Attention compares every word with every word, and nothing in that comparison says which "
    "word came first: shuffle a sentence and every refined word only moves with its word. "
    "Real transformers **add** each word's **position** to its vector, and a chatbot writing a "
    "sentence lets each word look **back** only (the causal mask).",
)

#: How a largest difference of rounding size reads (3b: not "1.1e-16 (rounding)").
SAME_TEXT = "0 (exactly the same, up to rounding)"
#: The causes of order by the name a sentence gives them.
CAUSE_NAMES = {"positions": "the positions", "mask": "the mask"}


def amount(gap: float, same: bool) -> str:
    """A largest difference as a 16-year-old reads it: "0.52", "less than 0.01", or exactly the
    same. ``same`` is the core's rounding verdict (``WordOrder.same_up_to_order``, ``changed``)."""
    if same:
        return SAME_TEXT
    return "less than 0.01" if gap < 0.005 else two_places(gap)


#: A number the page credits: (largest difference, the same to rounding?) of a comparison.
Figure = Callable[[ac.WordOrder], tuple[float, bool]]


def whole(w: ac.WordOrder) -> tuple[float, bool]:
    """The whole sentence's figure: its largest difference."""
    return w.gap, w.same_up_to_order


def one_word(i: int) -> Figure:
    """Word ``i``'s figure: how far its refined vector moved."""
    return lambda w: (w.word_gap(i), not w.changed(i))


def credit(w: ac.WordOrder, figure: Figure, explain: dict[str, str]) -> str:
    """What made the shown difference: each cause switched on (positions, mask) is taken away
    in turn (``w.without``), and a cause is credited only when that changes the number on
    screen. Each figure without a cause is printed, so a reader can check the credit."""
    shown = amount(*figure(w))
    without = {cause: amount(*figure(w.without(cause))) for cause in w.causes}
    named = [cause for cause in w.causes if without[cause] != shown]

    def gone(cause: str) -> str:
        verb = "would be" if cause in named else "is still"
        return f"without {CAUSE_NAMES[cause]} it {verb} {without[cause]}"

    if not w.causes:
        return ""
    if len(w.causes) == 1:  # the one cause on: why it sees order, if taking it away shows so
        (cause,) = w.causes
        said = gone(cause)
        return (explain[cause] if named else "") + f" {said[0].upper()}{said[1:]}."
    if len(named) == 2:
        return (
            " The positions and the causal mask both make it: "
            f"{gone('positions')}, and {gone('mask')}."
        )
    if named == ["positions"]:
        return f" The positions make it: {gone('positions')}, but {gone('mask')}."
    if named == ["mask"]:
        return f" The causal mask makes it: {gone('mask')}, but {gone('positions')}."
    return f" Either one alone gives it: {gone('positions')}, and {gone('mask')}."


def verdict(w: ac.WordOrder) -> str:
    """What the comparison shows, in words; every clause is guarded by the numbers."""
    if len(w.tokens) < 2:
        return "One word has nothing to shuffle: type a few more."
    if w.same_up_to_order:
        text = (
            "**The same vectors, only permuted.** Put the shuffled sentence's refined words back "
            "in the original order and they are exactly the same (up to rounding)."
        )
        if not w.causes:
            return text + " Without positions or a mask, nothing in the formula knows order."
        return text + " This shuffle changes nothing attention can tell apart here."
    text = (
        "**Different, not just permuted.** Put the shuffled sentence's refined words back in "
        f"the original order and they still differ by up to {amount(*whole(w))}."
    )
    return text + credit(
        w,
        whole,
        {
            "positions": " The positions make the difference: each word now carries its place, "
            "so the same word in another place is a different vector.",
            "mask": " No positions, yet the causal mask sees order: each word may look only at "
            "the words before it, and the shuffle changes which words those are.",
        },
    )


def head_claim(p: ac.Projected, causal: bool, strength: float) -> str:
    """What the previous-word head does on screen, guarded by its weights."""
    n = len(p.tokens)
    if n < 2:
        return "The previous-word head needs at least two words."
    # "Largest" as the screen shows it: ahead of every other weight by half a point or more.
    found = ac.looks_at_previous(p.weights, ac.SHOWN_PRECISION)
    back = ac.previous_word_weights(p.weights)
    if n == 2:
        text = (
            f"**The second word gives its largest weight to the first** ({two_places(back[0])})."
            if found[0]
            else "**The second word does not give its largest weight to the first.**"
        )
    elif found.all():
        text = (
            "**Every word after the first gives its largest weight to the word just before "
            f"it** ({two_places(back.min())} to {two_places(back.max())})."
        )
    elif found.any():
        text = (
            f"**{int(found.sum())} of the {n - 1} words after the first** give their largest "
            "weight to the word just before it."
        )
    else:
        text = (
            f"**None of the {n - 1} words after the first** gives its largest weight to the "
            "word just before it."
        )
    text += (
        " The first word has no word before it; with the causal mask it can only look at itself."
        if causal
        else " The first word has no word before it, so its row is no previous-word look."
    )
    blurred = [w for w, b in zip(questions.distinct(list(p.tokens)), ac.blurs_place(p.tokens),
                                 strict=True) if b]  # fmt: skip
    if strength == 0 and not p.asks.any():
        return text + (
            " **No positions, no question:** this head reads only a place, so every query is "
            "zero and each word spreads its attention evenly over the words it may see."
        )
    if strength == 0:
        return text + (
            f" **No positions:** its only questions come from {listed(blurred, limit=4)}, "
            "whose *nature* or *money* sits where this head reads a place."
        )
    if blurred:
        return text + (
            f" {listed(blurred, limit=4)} {'has' if len(blurred) == 1 else 'have'} some "
            "*nature* or *money*, where this head reads a place: that blurs its question."
        )
    return text


def generation_line(g: ac.Generation, written: int) -> str:
    """What the step-through shows: the reading is the masked matrix, row by row."""
    k = written + 1
    if not g.matches_reading:
        return f"The largest difference between a reading and the masked rows is {g.gap:.2g}."
    new = (
        "Row 1 is the first word: with the mask it can only look at itself."
        if written == 0
        else f"Row {k} is the new word; the rows above it were written before and have not "
        "changed, because each word looks back only."
    )
    return new + (
        " Every step of the reading is exactly (up to rounding) the top-left corner of the "
        "masked matrix on the right. So a model can train on all rows at once and still write "
        "one word at a time (plain self-attention here, positions at the strength above)."
    )


def shuffles_line(n: int, number: int) -> str:
    """How many shuffles the sentence has, and which one is on screen."""
    count = ac.shuffle_count(n)
    if n < 2:
        return "One word has nothing to shuffle."
    if count == 1:
        return "Two words have one other order: every shuffle number gives it."
    if count < ac.SHUFFLES:
        return (
            f"{n} words have {count + 1:,} orders: the sentence and {count:,} shuffles. The "
            f"numbers go round every {count:,}: this is shuffle {number % count + 1} of {count:,}."
        )
    orders = f"{count + 1:,}" if count < 10**6 else "more than a million"
    return (
        f"{n} words have {orders} orders: the numbers 0 to {ac.SHUFFLES - 1:,} are "
        f"{ac.SHUFFLES:,} different shuffles of them."
    )


def word_labels(tokens: tuple[str, ...]) -> list[str]:
    return [f"{i + 1}. {shorten(w, 20)}" for i, w in enumerate(tokens)]


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


def word_why(w: ac.WordOrder, i: int, name: str) -> str:
    """Why word ``i`` changed or only moved; every clause is guarded by the numbers."""
    word = f"*{md(name, 40)}*"
    if len(w.tokens) < 2:
        return f"One word has nothing to shuffle: {word} keeps its place and its vector."
    slot = w.order.index(i)
    if not w.changed(i):
        place = "in the same place" if slot == i else "only in another place"
        text = (
            f"Before and after the shuffle, the refined vectors of {word} are exactly the same "
            f"(up to rounding): the same vector, {place}."
        )
        if not w.causes:
            return text + (
                " Without positions or a mask, attention compares words with words only: "
                "nothing in the formula knows order."
            )
        return text + f" This shuffle changes nothing {word}'s attention can tell apart."
    text = (
        f"Before and after the shuffle, the refined vectors of {word} differ by up to "
        f"{amount(*one_word(i)(w))}."
    )
    moved = (
        f" The positions make the difference: in place {slot + 1}, {word} carries another place "
        f"than in place {i + 1}, so it goes into attention as a different vector."
    )
    stayed = (
        f" The positions make the difference: {word} keeps its place, but the words around it "
        "now carry other places."
    )
    return text + credit(
        w,
        one_word(i),
        {
            "positions": moved if slot != i else stayed,
            "mask": " No positions, yet the causal mask sees order: a word may look only at the "
            f"words before it, and the shuffle changed which words those are for {word}.",
        },
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
        why=word_why(w, i, name),
    )


MINILM = ac.BertConfig()
TEACHER = page.TeacherNotes(
    ask=(
        "*Dog bites man* and *man bites dog*: same words, different news. What would a model "
        "need to know to tell them apart?",
        "With position strength 0, shuffle again and again: does any refined word ever change, "
        "or does each only move with its word? Why? Then turn on the causal mask, still with no "
        "positions: why does order matter now?",
        "The encodings alone compare two places only by how far apart they are (PE(i) · PE(j) "
        "depends on i − j alone), and reading backwards keeps every distance. Yet with "
        "positions added, *man bites dog* is not *dog bites man* reordered. Where does the "
        "direction come in? (A word and its place are added together, so one word's meaning "
        "meets the other word's place.)",
        "A chatbot writes one word at a time. When a new word arrives, do the rows already "
        "written change? Why can it train on every row of the masked matrix at once?",
        "The places are added to the same 8 numbers as the meaning: the fastest pair lands on "
        "*nature* and *money*. Try the previous-word head on *I sat on the river bank with my "
        f"dog*: what goes wrong, and why? MiniLM (lesson 11) learned a table of "
        f"{MINILM.max_positions} positions instead: what can a learned table not do that the "
        "formula can?",
    ),
    misconception="“Self-attention alone knows word order.” It does not: it compares every "
    "word with every word, and nothing in softmax(QKᵀ/√d)V says which came first. Without "
    "positions or a mask, *man bites dog* gets the same refined vectors as *dog bites man* "
    "(exactly, up to rounding), only in another order. Order comes from positions added to the "
    "words, or from the causal mask.",
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
        st.latex(r"\tilde X = X + s\,PE")
        if chosen is not None:
            st.latex(r"Q, K, V = \tilde X\, W_{Q,\,K,\,V}")
        q, k, v = (r"\tilde X", r"\tilde X", r"\tilde X") if chosen is None else ("Q", "K", "V")
        scores = q + k + r"^\top" + (" + M" if causal else "")
        st.latex("X' = " + formulas.softmax_of(scores, scaled=True) + " " + v)
    w = ac.shuffle(text, seed, head=chosen, positions=strength, temperature=t, causal=causal)
    n = len(w.tokens)
    if ac.shuffle_count(n) >= 2:  # two words have one shuffle: "again" would change nothing
        run.set_button(
            "order",
            ac.next_shuffle(n, seed),
            label="Shuffle again",
            icon=":material/shuffle:",
            container=shuffle_again,
        )
    if not run.hidden("order"):
        shuffle_again.caption(shuffles_line(n, seed))

    with shown:
        if len(ac.tokenize(text)) > n:
            st.info(f"Only the first {n} words are used.", icon=":material/content_cut:")
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
            st.markdown(verdict(w))

        labels = word_labels(w.tokens)
        moved = [
            f"{slot + 1}. {shorten(w.tokens[i], 20)} (was {i + 1})"
            for slot, i in enumerate(w.order)
        ]
        limit = word_limit(w.x, w.x_shuffled)
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
        if strength and run.shown:
            st.caption(
                "With positions on, each of the 8 columns also carries some of a word's "
                "place: the encoding is added to the same 8 numbers."
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

    st.subheader("Positions: a fingerprint for every place, added to the word")
    pe = ac.sinusoidal_positions(n)
    enc, head_col = st.columns(2, gap="large")
    with enc:
        st.latex(r"PE_{p,\,2i} = \sin\frac{p}{10000^{2i/8}}")
        st.latex(r"PE_{p,\,2i+1} = \cos\frac{p}{10000^{2i/8}}")
        run.chart(
            encodings_heatmap(
                pe, labels, title="Sinusoidal encodings (one row per place)", look=run.look
            ),
            key="order-encodings",
        )
        st.caption(
            f"Each row is added to the word in that place, times the strength s = {strength:g}"
            + (" (so here it adds nothing)" if strength == 0 else "")
            + ". The encoding has the embedding's width, 8: its fastest pair lands on *nature* "
            "and *money*, the next on *animal* and *person*, and so on. A real model has "
            "hundreds of dimensions, where places need not crowd meanings; here you see them "
            "share. Vaswani et al. add these sinusoids; MiniLM, the real model of lesson 11, adds "
            f"learned absolute positions instead: a table of {MINILM.max_positions} trained "
            f"vectors of {MINILM.hidden_size} numbers, one per place."
        )
        run.chart(
            refined_words(
                w.x, labels, title=f"What attention reads: X + {strength:g}·PE", limit=limit,
                look=run.look,
            ),
            key="order-inputs",
        )  # fmt: skip
    with head_col:
        # W_Q turns the fastest pair back by one place (a rotation, ``ac.shift_matrix``).
        sharp = format_number(ac.PREVIOUS_WORD_STRENGTH)
        # Two lines: on a phone one line ran off the screen.
        st.latex(rf"q_p = {sharp}\,(\tilde x_{{p,0}},\,\tilde x_{{p,1}})\,R_1")
        st.latex(r"k_j = (\tilde x_{j,0},\,\tilde x_{j,1}),\quad v_j = \tilde x_j")
        st.caption(
            "Dims 0 and 1 are *nature* and *money*, where the fastest pair (sin0, cos0) is "
            "added. R₁ turns that pair back one place: (sin p, cos p) R₁ = (sin(p − 1), "
            f"cos(p − 1)). So for words with no nature or money, q_p · k_j = {sharp} s² "
            "cos(p − 1 − j): largest at j = p − 1."
        )
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
            st.markdown(head_claim(p, causal, strength))
        st.caption(
            "Built by hand, and simpler than a learned head: it reads a place only from the "
            "fastest pair, which shares its two numbers with *nature* and *money*, so a word "
            "about nature or money blurs its question; and that pair comes round every "
            "2π ≈ 6.3 places, so a word 7 places back scores almost as high as the one just "
            "before (cos 6 ≈ 0.96). A learned head in a wide model reads directions where places "
            "and meanings hardly overlap."
        )
    run.numbers(
        lambda: {
            "place": labels,
            **{d: pe[:, j] for j, d in enumerate(ac.position_dims())},
            **{f"X + s·PE: {f}": w.x[:, j] for j, f in enumerate(ac.FEATURES)},
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
        r"X' = " + formulas.softmax_of(r"\tilde X \tilde X^\top + M", scaled=True) + r"\tilde X"
    )
    st.latex(r"M_{ij} = \begin{cases} 0 & j \le i \\ -\infty & j > i \end{cases}")
    g = ac.generate(text, positions=strength, temperature=t)
    written = run.pick("step", labels, default=len(labels) - 1)
    step = g.steps[written]
    reading, masked = st.columns(2, gap="large")
    with reading:
        run.chart(
            weights_heatmap(
                step.weights, labels[: written + 1], labels[: written + 1],
                title=f"Reading {written + 1} word{'s' if written else ''}, masked "
                "(the last row is new)",
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
        "Start from **Blind to order**: without positions, *man bites dog* gives the same "
        "refined words as *dog bites man*, only in another order. **Positions see order** adds "
        "each word's place to its vector, as real transformers do: now the two orders give "
        "different refined words, although reading backwards keeps every distance between "
        "words. **Who bit whom?** switches to the previous-word head: *bites* gives most of its "
        "weight to *dog* in one order and to *man* in the other. **Look back only** turns on "
        "the causal mask: with no positions at all, the mask alone gives order away."
    )
    run.share()


lesson_body()
run.finish(
    code=[ac.sinusoidal_positions, ac.with_positions, ac.attention, ac.generate], teacher=TEACHER
)
