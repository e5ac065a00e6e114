"""Predict, then reveal: a lesson's question, asked before its charts and numbers show.

A teacher's ``predict=true`` link turns it on. The student picks an answer and commits; only
then do the page's charts, numbers tables and notes appear, with the verdict and why. The right
answer comes from the core (``attention_core.predict``), computed from the settings on screen.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

import streamlit as st

from .questions import Question
from .safe import md

if TYPE_CHECKING:
    from .lessons import Lesson

#: Session-state key of the committed predictions: {lesson url_path: what was answered}.
_REVEALED = "_spotlightrevealed"
#: What stands where a chart will appear.
HIDDEN_CHART = ":material/visibility_off: This chart appears once you commit to a prediction."


def revealed() -> dict[str, dict[str, Any]]:
    """The predictions committed in this session, by lesson."""
    return st.session_state.setdefault(_REVEALED, {})


def ask(lesson: Lesson, question: Question) -> bool:
    """Draw the question (or, once answered, the verdict); True once the answers may show.

    Committing reruns the whole page, so charts outside the lesson's fragment appear too.
    """
    box = st.container(border=True, key="predict-box")
    done = revealed().get(lesson.url_path)
    if done is None:
        box.markdown(f":material/psychology_alt: **Predict first.** {question.prompt}")
        signature = zlib.crc32("\x1f".join((question.prompt, *question.options)).encode())
        choice = box.radio(
            "Your prediction",
            range(len(question.options)),
            format_func=lambda i: md(question.options[i]),
            index=None,
            key=f"predict-choice-{signature}",
        )
        if box.button(
            "Reveal the answer",
            type="primary",
            disabled=choice is None,
            icon=":material/visibility:",
            key="predict-reveal",
            help="Commit to your prediction: the chart and the numbers appear.",
        ):
            revealed()[lesson.url_path] = {"question": question, "choice": choice}
            st.rerun()  # the whole page: every hidden chart appears
        box.caption(
            ":material/visibility_off: The chart and the numbers stay hidden until you commit."
        )
        return False
    asked, choice = done["question"], done["choice"]
    verdict(box, asked.options, asked.right, choice)
    if asked != question:  # a control moved since: the verdict was for the view then
        box.caption(
            ":material/history: That was your prediction for the view before you moved a "
            f"control. Now: {question.answer}."
        )
    box.markdown(question.why)  # the view on screen, explained
    if box.button("Predict again", icon=":material/replay:", key="predict-again"):
        revealed().pop(lesson.url_path, None)
        st.rerun()
    return True


def verdict(box: Any, options: Sequence[str], right: Collection[int], choice: int | None) -> None:
    """The verdict on a prediction ``choice`` (an index of ``options``; None: no answer given),
    against the ``right`` ones: one wording for a student alone and for a class poll."""
    answer = " or ".join(f"*{md(options[i])}*" for i in sorted(right))
    if choice is None:
        box.info(f"You did not answer this one. **The answer:** {answer}.", icon=":material/info:")
    elif choice in right:
        box.success(f"**Right:** *{md(options[choice])}*.", icon=":material/check_circle:")
    else:
        box.warning(
            f"**Not quite:** you said *{md(options[choice])}*; the numbers say {answer}.",
            icon=":material/info:",
        )
