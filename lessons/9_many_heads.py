"""Lesson 9: many heads (several questions at once, each d_model / h wide, written back by W_O)."""

import streamlit as st

import attention_core as ac
from ui import claims, page, questions
from ui.figures.heads import (
    concat_heatmap,
    found_by_heads,
    head_columns,
    head_pattern,
    pattern_size,
    w_o_rows,
)
from ui.formats import format_number, word_labels
from ui.lessons import BANK_SENTENCE, HEADS_LESSON, MANY_HEADS, SENTENCE_PRESETS
from ui.safe import md

SUGGESTIONS = (
    BANK_SENTENCE,
    SENTENCE_PRESETS["River bank"],
    "the girl ran to the school by the river",
    "I saved money in the bank near the lake",
)

run = page.begin(
    HEADS_LESSON,
    "One head asks one question. A word often needs several answers at once: *bank* wants to "
    "know whether there is water nearby **and** whether there is money. So a transformer runs "
    "several heads side by side, each with its own W_Q, W_K, W_V in its own slice of the "
    "width, and a last matrix **W_O** writes what they found back into one vector per word.",
)


def asked_head(active: list[bool]) -> int:
    """The head the prediction is about: the first head that is on (else the first head)."""
    return next((i for i, on in enumerate(active) if on), 0)


def head_question(
    r: ac.NamedHeads, focus: int, labels: list[str], t: float, scaled: bool
) -> page.Question:
    """Where does the inspected word look most in the first head that is on? The right words
    are the core's (``ac.largest``: the largest weight, and any that look the same on screen),
    read off the row of the pattern the page then draws."""
    k = asked_head(list(r.active))
    head, row = r.heads[k], r.weights[k, focus]
    right = ac.largest(row)
    names = questions.distinct(labels)
    off = "" if r.active[k] else " (switched off, but its pattern is still drawn)"
    settings = f"temperature {format_number(t)}" + ("" if scaled else ", not scaled by √d_k")
    word = questions.asker(labels, focus)
    why = f"In **{md(head.name)}**, " + questions.looks_most(row, labels, asking=word, itself=focus)
    if len(right) > 1 and not ac.is_even(row):
        why += (
            f" One head, one question: **{md(head.name)}** has a single query for "
            f"*{md(names[focus], 40)}*, so it has to split its attention between the words "
            "that answer it about equally well."
        )
    if not r.active[k]:
        why += (
            " This head is off: its block of W_O is zero, so the refined word gets nothing of it."
        )
    prompt = (
        f"In *{md(' '.join(r.tokens), 120)}* at {settings}: in the **{md(head.name)}** head "
        f"({md(head.question)}){off}, where does *{md(names[focus], 40)}* look most?"
    )
    return questions.word_question(prompt, names, row, why, first=(focus,))


#: The misconception's two settings: the presets "One topic head" and "Two heads, two things".
_TOPIC, _TWO = (
    [HEADS_LESSON.presets[name].get(key, on) for key, on in MANY_HEADS.items()]
    for name in ("One topic head", "Two heads, two things")
)
_BANK = ac.tokenize(BANK_SENTENCE).index("bank")

TEACHER = page.TeacherNotes(
    ask=(
        "Before switching anything: *bank* can mean a river's edge or a place for money. "
        "Which words of the sentence would tell you which one?",
        "Pick **One topic head**: why does *bank* split its attention between *money* and "
        "*river* instead of choosing one? Can any temperature give it both in full?",
        "With two heads on, how much nature and how much money does the refined *bank* carry, "
        "and what would a third head have to ask to add something new?",
        "Turn every head off: why is every refined word all zeros?",
        f"Each head here is {ac.D_HEAD} numbers wide, and MiniLM's are 32 (lesson 11). Why cut "
        "the width into 12 heads instead of one head 384 wide?",
    ),
    misconception="“One head can look for two things at once.” Not in full: a head gives each "
    "word one query, softmax hands out one set of weights that sum to 1, so the head hands "
    "over a weighted average of its words' values. At the presets' temperature, 1, "
    + claims.one_vs_two(
        ac.many_heads(BANK_SENTENCE, [ac.NARROW_HEADS[n] for n in MANY_HEADS], active=_TOPIC),
        ac.many_heads(BANK_SENTENCE, [ac.NARROW_HEADS[n] for n in MANY_HEADS], active=_TWO),
        _BANK,
    )
    + ": each head looks mostly at its own word, and W_O writes both answers back.",
)


@st.fragment
def lesson_body() -> None:
    text = run.control(
        "text", suggestions=SUGGESTIONS, suggestions_label="Or try one of these sentences"
    )
    heads = [ac.NARROW_HEADS[name] for name in MANY_HEADS]
    switches = st.columns(len(heads))
    active = []
    for column, name in zip(switches, MANY_HEADS, strict=True):
        active.append(run.control(name, container=column))
    # The formula, the notices and the word picker go above the temperature, which sits right
    # over the patterns it sharpens (a student sees both at once); they are filled in below.
    above = st.container()
    row = st.columns(2)
    t = run.control("t", container=row[0])
    scaled = run.control("scaled", container=row[1])

    above.latex(
        r"\begin{gathered} \mathrm{head}_i = \operatorname{Attention}"
        r"\left(X W_Q^{i},\, X W_K^{i},\, X W_V^{i}\right) \\ "
        r"X' = \operatorname{Concat}\left(\mathrm{head}_1, \dots, \mathrm{head}_h\right) W_O"
        r"\end{gathered}"
    )
    r = ac.many_heads(text, heads, active=active, temperature=t, scaled=scaled)

    if not page.words_or_prompt(
        r.tokens,
        text,
        empty="Type a sentence (or pick one above) to watch several heads look at it at once.",
        container=above,
    ):
        run.share()
        return
    known = ac.embed(list(r.tokens))[1]
    labels = word_labels(r.tokens, known)
    with above:  # said once: a made-up vector is noise, not a finding
        page.made_up_notice(r.tokens, known)
    focus = run.pick("word", labels, default=ac.focus_word(r.tokens), container=above)
    # Predict mode asks first, right over the patterns; once answered (or outside predict mode)
    # what the patterns show for that word is read right above them.
    if run.predict(lambda: head_question(r, focus, labels, t, scaled)):
        above.markdown(claims.heads_verdict(r, focus, labels))
        above.markdown("\n".join(f"- {line}" for line in claims.head_lines(r, focus, labels)))
        carried = claims.carried_line(r, focus, labels)
        if carried:
            above.markdown(carried)

    # Two heads side by side while their words fit, one per row for long sentences.
    size = pattern_size(labels, run.look)
    places = run.chart_row("heads-patterns", len(heads), min_width=size.min_width, basis=size.basis)
    for i, place in enumerate(places):
        title = f"{heads[i].name}{'' if active[i] else ' (off)'}: {heads[i].question}"
        run.chart(
            head_pattern(r.weights[i], labels, title=title, on=active[i], look=run.look),
            key=f"heads-head-{i + 1}",
            container=place,
        )

    found_col, words_col = st.columns([3, 2], gap="large")
    run.chart(
        found_by_heads(
            r.found[:, focus],
            r.output[focus],
            [h.name for h in heads],
            active,
            word=labels[focus],
            look=run.look,
        ),
        key="heads-found",
        container=found_col,
    )
    with words_col:
        if run.shown:
            st.markdown(claims.closest_line(r, focus, labels))
        st.caption(
            "W_O is built by hand here: each head's answer goes back into the feature it is "
            "about (the Nature head's into *nature*, the Topic head's into *nature* and "
            "*money*), and where two heads write the same feature their answers add up. A "
            "head switched off gets a zero block. A real model learns W_O."
        )

    st.markdown(claims.width_line(r))
    st.markdown("**Shapes:** " + claims.shapes_line(r))
    concat_tab, w_o_tab = run.tabs(["Concat(heads)", "W_O"], key="heads-mix")
    if concat_tab.open:
        concat = r.result.concat
        run.chart(
            concat_heatmap(
                concat, labels, head_columns(heads),
                title=f"The heads' outputs side by side ({concat.shape[0]} × {concat.shape[1]})",
                look=run.look,
            ),
            key="heads-concat",
            container=concat_tab,
        )  # fmt: skip
    if w_o_tab.open:
        w_o = r.result.w_o
        run.chart(
            concat_heatmap(
                w_o, w_o_rows(heads), ac.FEATURES,
                title=f"W_O ({w_o.shape[0]} × {w_o.shape[1]}): writes each head back (off: zeros)",
                x_title="feature of the refined word", y_title="head: its number",
                colorbar_title="weight", look=run.look,
            ),
            key="heads-w-o",
            container=w_o_tab,
        )  # fmt: skip

    run.note(
        "With **Two heads, two things**, *bank* looks at *river* in the Nature head and at "
        "*money* in the Money head, and the refined *bank* (the diamonds) carries nature "
        "**and** money, each close to full strength (3). Now pick **One topic head**: a single "
        "head that asks for nature *or* money splits *bank* evenly between them, and hands "
        "over at most half of each (1.5 of 3). Slide the temperature: no setting lets one "
        "head give both in full; raise it far enough and the two heads lose their edge too."
    )

    numbered = [f"{i + 1}. {w}" for i, w in enumerate(labels)]
    run.numbers(
        lambda: {
            "head": [h.name for h in heads for _ in labels],
            "on": [bool(a) for a in active for _ in labels],
            "word that asks": numbered * len(heads),
            **{f"{j + 1}. {w}": r.weights[:, :, j].reshape(-1) for j, w in enumerate(labels)},
        },
        title="Every head's attention weights as a table",
    )
    run.numbers(
        lambda: {
            "feature": list(ac.FEATURES),
            **{
                f"{h.name}{'' if a else ' (off)'}": r.written[i, focus]
                for i, (h, a) in enumerate(zip(heads, active, strict=True))
            },
            "refined (sum through W_O)": r.output[focus],
        },
        title=f"What each head writes into word {focus + 1}, and the sum",
    )
    run.share()


lesson_body()
run.finish(
    code=[ac.many_heads, ac.write_back, ac.multi_head_attention, ac.attention], teacher=TEACHER
)
