"""Lesson 12: where the weights come from. One attention head learns, step by step."""

import numpy as np
import streamlit as st

import attention_core as ac
from ui import page, questions
from ui.figures.heads import pattern_size
from ui.figures.training import (
    accuracy_curve,
    learned_pattern,
    loss_curve,
    place_labels,
    place_scores,
)
from ui.formats import decimal
from ui.lessons import TRAINING
from ui.training_lines import (
    answer_place,
    nudge_line,
    places_line,
    progress_line,
    trouble_line,
    when,
    where_line,
)
from ui.training_runs import run_at

run = page.begin(
    TRAINING,
    "Every lesson so far said W_Q, W_K and W_V are *learned*. Here is how. Start from random "
    "numbers: the head looks everywhere at once, a blur. Show it examples, measure how wrong "
    "its answers are (the **loss**), work out which way each of its 1,024 numbers should move "
    "to be a little less wrong (the **gradient**), move every number a small step that way, "
    "and repeat. Press the step buttons and watch the blur sharpen into a spotlight on the "
    "right place.",
)

#: The matrices a student can follow one number of, as the page names them.
MATRICES = {"w_q": "W_Q", "w_k": "W_K", "w_v": "W_V", "w_o": "W_O"}


def play_stride(step: int) -> int:
    """How many steps one tick of Play trains: one at a time while the pattern changes fast,
    then faster, so step 1,000 is reached in about a minute."""
    return 1 if step < 20 else 2 if step < 60 else 5 if step < 200 else 10 if step < 500 else 25


def look_question(r: ac.Training, labels: list[str], place: int) -> page.Question:
    """Where does the followed place look most after this many steps? The core's largest
    weights of the very row the pattern draws (ties on screen all right)."""
    row = r.history.pattern[r.steps, place]  # (n,)
    prompt = (
        f"The head is trained to *{TASK_NAMES[r.task]}* at learning rate {decimal(r.lr)}. "
        f"{when(r.steps).capitalize()}, where does place {place + 1}, *{labels[place]}*, look "
        "most?"
    )
    why = (
        where_line(row, labels, place)
        + " "
        + answer_place(r.held_out.source[0], place, labels, r.task)
    )
    return questions.word_question(
        prompt, labels, row, why, first=(place - 1, place, place + 1), noun="place"
    )


TASK_NAMES = {"previous": "say the word before you", "recall": "say the digit that matched"}

TEACHER = page.TeacherNotes(
    ask=(
        "At step 0, where does place 5 look? Why is the pattern a blur, and why is the loss "
        "close to ln 10?",
        "Before pressing +10 steps ten times: after 100 steps, where will place 5 look? "
        "(Then turn on *Predict first* in the share box and ask the whole class.)",
        "Press **Too large: it diverges**. What does the loss curve do, and why would a bigger "
        "step make things worse, not faster?",
        "The same head learns the recall task (a3 b7 … b? → 7). Is it looking by place or by "
        "content now? What does the picture of W_Q·W_Kᵀ say?",
        "Nobody wrote *look one place back* anywhere. Where did it come from?",
    ),
    misconception="“Someone programs what each head looks at.” Nobody does: the weights start "
    "random and only the loss says what is wanted. Here the previous-word task never mentions "
    "places, yet after about 100 steps at the default settings every asked place looks most "
    "at the place before it, because that is where the answer is. A real model learns its "
    "heads the same way, with billions of numbers and far more text.",
)


def settings() -> tuple[str, int, float, float]:
    """The run's settings (in the fragment: moving one reruns it, and trains that run)."""
    top = st.columns([1.2, 1, 1, 1], gap="medium")
    task = run.control("task", container=top[0])
    seed = run.control("seed", container=top[1])
    lr = run.control("lr", container=top[2])
    t = run.control("t", container=top[3])
    return task, seed, lr, t


def the_model() -> None:
    """What is being trained, in one formula and one caption (after the charts)."""
    st.subheader("The head being trained")
    st.latex(
        r"\begin{gathered} X = E[\text{words}] + PE,\qquad Q, K, V = X W_Q,\; X W_K,\; X W_V"
        r" \\ p = \operatorname{softmax}\!\Big(\operatorname{softmax}\!\Big("
        r"\frac{Q K^\top}{\sqrt{d_k}\,T}\Big) V\, W_O\, E^\top\Big),\qquad "
        r"\text{loss} = -\operatorname{mean}\,\log p[\text{answer}]"
        r" \\ w \leftarrow w - \text{lr}\cdot \frac{\hat m}{\sqrt{\hat v} + \epsilon}"
        r"\end{gathered}"
    )
    st.caption(
        "A toy, but a real one. Each word (for recall: each letter, digit and ?) has a random "
        "vector of 32 numbers that never changes; the sinusoidal places of lesson 10 are added "
        "to it. One head, 8 wide (as each of four heads sharing 32 would be, lesson 9). W_Q, "
        "W_K, W_V and W_O are the only numbers it learns: 1,024 of them. The last line is Adam: "
        "m̂ and v̂ are running averages of each number's gradient ∂loss/∂w and of its square "
        "(plain SGD would be w ← w − lr · ∂loss/∂w). To keep the point in sight the toy has no "
        "residual, feed-forward or layer norm (lesson 13), and it reads its answer with the "
        "word vectors themselves (Eᵀ, tied, as GPT-2 does)."
    )


def step_buttons(end: int) -> None:
    """Play, +1, +10, +100 steps and Reset: each sets the step control, so the link keeps it.
    None is ever greyed out (a faded label is unreadable on a projector): at the last step a
    "+" changes nothing, and Play stops at once."""
    row = st.container(horizontal=True, gap="small", vertical_alignment="bottom")
    run.player("step", stride=play_stride, end=end, container=row)
    step = int(run.value("step"))
    for more in (1, 10, 100):
        run.set_button(
            "step", min(step + more, end), label=f"+{more}", icon=":material/skip_next:",
            name=f"plus{more}", container=row,
            help=f"Train {more} more step{'s' if more > 1 else ''} (up to step {end:,})",
        )  # fmt: skip
    run.set_button(
        "step", 0, label="Reset", icon=":material/restart_alt:", name="reset", container=row,
        help="Back to the random start (step 0)",
    )  # fmt: skip


def lesson_body() -> None:
    task, seed, lr, t = settings()
    step_buttons(ac.MAX_STEPS)
    step = run.control("step")
    r = run_at(task, seed, lr, t, step)  # trained once per process, continued step by step
    if r.blew_up:
        run.stop_playing()
    labels = place_labels(r.example)
    source = r.held_out.source[0]  # (n,) where each place of the example must look

    # The pattern sharpening beside the loss falling: right under the slider that moves them.
    size = pattern_size(labels, run.look)  # as lessons 8 and 9 size a pattern
    pattern_place, loss_place = run.chart_row(
        "learn-head", 2, min_width=size.min_width, basis=max(size.basis, 420)
    )
    run.chart(
        learned_pattern(
            r.history.pattern[r.steps], labels, source,
            title=f"Where each place looks, {when(r.steps)}", look=run.look,
        ),
        key="learn-pattern", container=pattern_place,
    )  # fmt: skip
    run.chart(loss_curve(r, r.steps, look=run.look), key="learn-loss", container=loss_place)
    if run.shown:
        answers = r.held_out.answers(0)
        asked = ", ".join(f"{labels[i]} → {a}" for i, a in enumerate(answers) if a is not None)
        st.caption(
            "The example is one held-out sequence (never trained on). Outlined: the place each "
            f"asked place must look at to answer ({asked})."
        )

    default = len(labels) - 1 if task == "recall" else min(4, len(labels) - 1)
    place = run.pick("word", labels, default=default)
    row = r.history.pattern[r.steps, place]  # (n,) the row the pattern draws
    if run.predict(lambda: look_question(r, labels, place)):
        st.markdown(progress_line(r))
        trouble = trouble_line(r)
        if trouble:
            st.warning(trouble, icon=":material/trending_up:")
        st.markdown(
            where_line(row, labels, place) + " " + answer_place(source, place, labels, task)
        )

    accuracy_place, scores_place = run.chart_row("learn-more", 2, min_width=300, basis=420)
    run.chart(
        accuracy_curve(r, r.steps, look=run.look), key="learn-accuracy", container=accuracy_place
    )
    scores = ac.position_scores(r.learned, task)  # (n, n)
    run.chart(place_scores(scores, look=run.look), key="learn-scores", container=scores_place)
    if run.shown:
        st.caption(
            "*What W_Q·W_Kᵀ learned about places*: the score between two places that hold the "
            "same, average word, x̄ W_Q W_Kᵀ x̄ᵀ / √d_k. " + places_line(scores, task)
        )

    run.numbers(
        lambda: {
            "after step": np.arange(r.steps + 1),
            "held-out loss": r.history.loss,
            "held-out accuracy": r.history.accuracy,
            "weight on the answer's place": r.history.answer_weight,
        },
        title="The loss and accuracy at every step",
    )
    run.numbers(
        lambda: {
            "place that asks": labels,
            **{label: r.history.pattern[r.steps][:, j] for j, label in enumerate(labels)},
        },
        title="The pattern's weights as a table",
    )
    one_step(r)
    run.share()


def one_step(r: ac.Training) -> None:
    """The next step in the open: one number's gradient and how far the step moves it."""
    st.subheader("What one step does to one number")
    if r.blew_up or r.steps >= ac.MAX_STEPS:
        st.caption("Training has stopped here: there is no next step to show.")
        return
    snapshot = ac.next_step(r)
    which = st.radio(
        "Follow a number of", list(MATRICES), format_func=MATRICES.get, horizontal=True,
        key="learn-matrix",
    )  # fmt: skip
    grads = getattr(snapshot.gradients, which)  # (rows, cols)
    order = np.argsort(-np.abs(grads), axis=None)[:5]
    cells = [tuple(int(i) for i in np.unravel_index(k, grads.shape)) for k in order]
    nudges = [snapshot.nudge(which, i, j) for i, j in cells]
    if not run.shown:
        return
    st.markdown(nudge_line(nudges[0], r.optimiser, r.lr, r.steps))
    st.caption(
        f"The five numbers of {MATRICES[which]} with the largest gradients in step "
        f"{r.steps + 1} (rows and columns counted from 1; the code counts from 0). The whole "
        f"step moves all {snapshot.before.size:,} numbers at once."
    )
    rows = [
        f"| {MATRICES[which]}[{n.row + 1}, {n.col + 1}] | {n.before:.5f} | {n.gradient:+.5f} "
        f"| {n.change:+.6f} | {n.after:.5f} |".replace("-", "−")
        for n in nudges
    ]
    st.markdown("\n".join(["| number | before | gradient | change | after |",
                           "|---|--:|--:|--:|--:|", *rows]))  # fmt: skip


run.fragment(lesson_body)()
the_model()
run.finish(code=[ac.forward, ac.backward, ac.adam_step, ac.train_more], teacher=TEACHER)
