"""Predict, then reveal: a lesson's question, asked before its charts and numbers show.

A teacher's ``predict=true`` link turns it on. The student picks an answer and commits; only
then do the page's charts, numbers tables and notes appear, with the verdict and why. The right
answer comes from the core (``attention_core.predict``), computed from the settings on screen.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import streamlit as st

import attention_core as ac

from .formats import listed
from .safe import md

if TYPE_CHECKING:
    from .lessons import Lesson

#: Session-state key of the committed predictions: {lesson url_path: what was answered}.
_REVEALED = "_spotlightrevealed"
#: What stands where a chart will appear.
HIDDEN_CHART = ":material/visibility_off: This chart appears once you commit to a prediction."


@dataclass(frozen=True)
class Question:
    """A prediction question about the view on screen.

    ``prompt`` (Markdown: escape user text with ``ui.safe.md``) names the settings it is about;
    ``options`` are the choices (plain text, shown literally); ``right`` the indices the core
    found right (several when the numbers tie on screen); ``why`` (Markdown) explains the answer
    from the numbers.
    """

    prompt: str
    options: tuple[str, ...]
    right: frozenset[int]
    why: str

    def __post_init__(self) -> None:
        if not self.right or not all(0 <= i < len(self.options) for i in self.right):
            raise ValueError(f"right answers {set(self.right)} out of {len(self.options)} options")

    @property
    def answer(self) -> str:
        """The right option(s), as a student reads them."""
        return " or ".join(f"*{md(self.options[i])}*" for i in sorted(self.right))


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
    guess = md(asked.options[choice])
    if choice in asked.right:
        box.success(f"**Right:** *{guess}*.", icon=":material/check_circle:")
    else:
        box.warning(
            f"**Not quite:** you said *{guess}*; the numbers say {asked.answer}.",
            icon=":material/info:",
        )
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


def how_much(prompt: str, share: float, why: str) -> Question:
    """A "roughly how much?" question about ``share`` (0 to 1): the core's bands are the
    options, and the band(s) holding ``share`` on screen are right."""
    return Question(prompt, ac.BAND_NAMES, ac.bands(share), why)


def which_wins(
    race: ac.Contest, names: Sequence[str], *, noun: str, setting: str, why: str
) -> Question:
    """ "<setting>: which <noun> wins?" over a contest (``ac.contest``): the keys it offers,
    then "no single <noun>: several tie"; right are the core's winners and, when keys look
    tied on screen, the tie. ``why``: ``why_it_wins`` (and the lesson's own words)."""
    options, right = race.options(
        tuple(names), f"No single {noun}: several tie for the most weight"
    )
    return Question(
        prompt=f"{setting}: which {noun} wins (gets more weight than any other)?",
        options=options,
        right=right,
        why=why,
    )


def why_it_wins(
    race: ac.Contest,
    names: Sequence[str],
    weights: Any,
    score: Callable[[int], str],
    *,
    noun: str,
    order: Sequence[int],
    reason: str,
    before: str = "",
) -> str:
    """Why a lookup's contest (``ac.contest``) ends as the chart shows, in words (Markdown).

    On an exact tie, the keys that share the top: the same score, the same weight, "so no
    single ``noun`` wins". Otherwise the leader and the runner-up (``order``: key positions,
    heaviest first) with ``score(i)`` ("score 4.85", "q · k = 0.5") and their weights, why the
    leader leads (``reason``), and the keys close enough to look tied on screen. A flat row
    (every key alike, nothing to compare) is the lesson's own sentence, said before this.
    """
    if not race.winners:  # an exact tie at the top: nobody wins
        top = race.top[0]
        return (
            f"{listed([names[i] for i in race.top])} score the same ({score(top)}): they get "
            f"the same weight, {ac.percent(weights[top])} each, so no single {noun} wins."
        )
    lead, second = (int(i) for i in order[:2])
    text = (
        f"{before}*{md(names[lead])}* ({score(lead)}) gets the most weight, "
        f"{ac.percent(weights[lead])}: {reason}. The runner-up, *{md(names[second])}* "
        f"({score(second)}), gets {ac.percent(weights[second])}."
    )
    if race.close:
        verb = "is" if len(race.close) == 1 else "are"
        text += (
            f" {listed([names[i] for i in race.close])} {verb} within half a percentage point "
            "of it, too close to tell apart by eye: they count too."
        )
    return text
