"""Lesson 1: why attention? The noisy room."""

import streamlit as st

import attention_core as ac
from ui import page
from ui.figures import weight_bars
from ui.lessons import LESSONS, ROOM

run = page.begin(
    ROOM,
    "At a loud party you still hear your friend. Your brain gives each voice a share of your "
    "attention: most of it to the voice that matters (the **signal**), little to the chatter "
    "(the **noise**). A transformer does the same with words.",
)


# Moving a control reruns only this part of the page (a fragment), not the header above it.
@st.fragment
def lesson_body() -> None:
    controls, chart = st.columns([1, 2.2], gap="large")
    with controls:
        t = run.control("t")
        n_voices = run.control("voices")
        st.latex(r"\text{share}_i = \frac{e^{\,s_i / T}}{\sum_j e^{\,s_j / T}}")
        room = ac.listen(n_voices, temperature=t)
        st.metric("Your friend's share", f"{room.friend_share:.0%}")
        st.metric("The chatter's share", f"{room.chatter_share:.0%}")
        st.metric(
            "Spread (entropy)",
            f"{room.entropy_bits:.2f} bits",
            help="0 bits: you hear one voice only. "
            f"{ac.max_entropy(n_voices):.2f} bits: every voice equally.",
        )

    with chart:
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

    run.note(
        "Lower the temperature and your friend's share climbs toward 100%: a hard focus. Raise it "
        "and every voice gets about the same share: you hear everyone and understand no one. "
        "Attention is this dial, learned, for every word of a sentence."
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

run.finish(code=[ac.listen, ac.softmax])
