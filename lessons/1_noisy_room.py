"""Lesson 1: why attention? The noisy room."""

import streamlit as st

import attention_core as ac
from ui import page, questions
from ui.figures import weight_bars
from ui.lessons import LESSONS, ROOM
from ui.params import TEMPERATURES

run = page.begin(
    ROOM,
    "At a loud party you still hear your friend. Your brain gives each voice a share of your "
    "attention: the voice that matters (the **signal**) gets more than any other, each voice of "
    "the chatter (the **noise**) less. A transformer does the same with words.",
)


def friend_question(room: ac.Room, t: float) -> page.Question:
    """How much does your friend get? The band is the core's, from the shares drawn."""
    return page.how_much(
        f"With {len(room.voices)} voices at temperature {t:g}: how much of your attention "
        "does your friend get?",
        room.friend_share,
        f"Your friend gets {ac.percent(room.friend_share)} and the loudest voice of the "
        f"chatter {ac.percent(room.loudest_chatter)}: softmax gives the highest score the largest "
        "share, and the lower the temperature, the larger it is. More voices share what is "
        "left, so each one costs your friend a little.",
    )


TEACHER = page.TeacherNotes(
    ask=(
        "Before moving anything: if you hear 12 voices equally, what share does each get?",
        "Lower the temperature: does your friend's voice get louder, or the others quieter? "
        "(The shares always add up to 100%.)",
        "Add voices at a fixed temperature: why does your friend's share fall, though their "
        "score did not change?",
        "At temperature 20 every voice gets about the same: what would a model understand "
        "from such an average?",
    ),
    misconception="“Attention picks one word.” It never does: it gives every word a share, "
    "and the shares always add up to 1. Even at the lowest temperature the others keep a "
    "sliver; what the temperature changes is how sharp the shares are, never their order.",
)


@st.fragment
def lesson_body() -> None:
    controls, chart = st.columns([1, 2.2], gap="large")
    with controls:
        t = run.control("t")
        n_voices = run.control("voices")
        st.latex(r"\text{share}_i = \frac{e^{\,s_i / T}}{\sum_j e^{\,s_j / T}}")
        room = ac.listen(n_voices, temperature=t)
        if run.shown:  # in predict mode, once the student has committed
            st.metric("Your friend's share", ac.percent(room.friend_share))
            st.metric("The chatter's share", ac.percent(room.chatter_share))
            st.caption(questions.room_summary(room))
            st.metric(
                "Spread (entropy)",
                f"{room.entropy_bits:.2f} bits",
                help="0 bits: you hear one voice only. "
                f"{ac.max_entropy(n_voices):.2f} bits: every voice equally.",
            )

    with chart:
        run.predict(lambda: friend_question(room, t))
        run.chart(
            weight_bars(
                room.voices,
                room.weights,
                highlight=0,
                horizontal=True,
                title="How much of your attention each voice gets",
                axis_title="share of your attention",
                look=run.look,
            ),
            key="room-chart",
        )

    # The ends of the dial, for this room: the note quotes what the chart will show there.
    coldest = ac.listen(n_voices, temperature=TEMPERATURES[0])
    hottest = ac.listen(n_voices, temperature=TEMPERATURES[-1])
    run.note(
        f"Lower the temperature to {TEMPERATURES[0]:g} and your friend gets "
        f"{ac.percent(coldest.friend_share)}: a hard focus. Raise it to {TEMPERATURES[-1]:g} and "
        f"every voice gets between {ac.percent(hottest.weights.min())} and "
        f"{ac.percent(hottest.weights.max())}: you hear everyone and understand no one.\n\n"
        "Our temperature is a teaching dial. Inside a real transformer's attention T = 1: how "
        "sharply a word focuses is learned, through the weights W_Q and W_K that make its "
        "query and keys (lesson 8). The “temperature” of a chatbot is the same softmax in "
        "another place: it divides the *output* scores (logits) when the next word is sampled."
    )

    run.numbers(
        lambda: {
            "voice": room.voices,
            "relevance score": room.scores,
            "share of attention": room.weights,
        }
    )

    run.share()


lesson_body()

st.subheader("The lessons")
for other in LESSONS[1:]:
    st.page_link(
        other.file, label=f"{other.number}. {other.title} — {other.summary}", icon=other.icon
    )

run.finish(code=[ac.listen, ac.softmax], teacher=TEACHER)
