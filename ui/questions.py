"""Prediction questions whose options are the words (or tokens) on screen (lessons 9 and 11).

The right answer always comes from the core (``ac.largest`` on the weights the chart then
draws); these helpers only choose which words to offer (at most ``MAX_OPTIONS``, every right one
among them), give repeated words a name a student can tell apart, and word the explanation from
the same numbers. Pure functions, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numpy as np

import attention_core as ac

from .formats import distinct as distinct  # repeated words told apart by place
from .predict import Question
from .safe import md

#: A radio of more than this many words is a wall of text on a phone.
MAX_OPTIONS = 8


def offered(
    n: int, right: Collection[int], *, first: Iterable[int] = (), limit: int = MAX_OPTIONS
) -> list[int]:
    """Which of ``n`` words to offer, in reading order: every right one (up to ``limit``), then
    the ones named in ``first`` (e.g. the asking word itself, ``[CLS]``), then the rest from the
    start of the sentence, until there are ``limit``. Out-of-range indices in ``first`` are
    skipped. The result holds at least one right word whenever ``right`` is not empty."""
    wanted = [*sorted(right), *(i for i in first if 0 <= i < n), *range(n)]
    return sorted(list(dict.fromkeys(wanted))[:limit])


def question(
    prompt: str, names: Sequence[str], shown: Sequence[int], right: Collection[int], why: str
) -> Question:
    """The question offering the words ``names[j]`` for ``j`` in ``shown`` (``offered``), the
    core's ``right`` positions among them marked right."""
    return Question(
        prompt=prompt,
        options=tuple(names[j] for j in shown),
        right=frozenset(shown.index(j) for j in right if j in shown),
        why=why,
    )


def _percents(tops: Sequence[float], runner: float) -> tuple[list[str], str]:
    """The right shares and the next one as percents, precise enough that the next one never
    reads like one of the right ones ("30%" and "30%" for 0.304 and 0.296 would contradict the
    answer): whole percents (``ac.percent``) when they differ, else up to six decimals."""
    shown, after = [ac.percent(v) for v in tops], ac.percent(runner)
    for decimals in range(1, 7):
        if after not in shown:
            break
        shown = [f"{100 * v:.{decimals}f}%" for v in tops]
        after = f"{100 * runner:.{decimals}f}%"
    return shown, after


def looks_most(
    row: np.ndarray, labels: Sequence[str], focus: int, right: Collection[int], *, noun: str
) -> str:
    """Where word ``focus`` looks most, from its weights ``row (n,)`` and the core's ``right``
    (the largest weight, and any within ``ac.SHOWN_PRECISION`` of it), with the share of the
    next largest (Markdown; labels escaped).

    "*bank* looks most at *river* (45%). The next is *money* (12%)."
    """
    row = np.asarray(row, dtype=np.float64)
    asker = f"*{md(labels[focus], 40)}*"

    def named(j: int, share: str) -> str:
        itself = ", itself" if j == focus else ""
        return f"*{md(labels[j], 40)}* ({share}{itself})"

    tops = sorted(right)
    rest = [j for j in range(len(row)) if j not in right]
    if not rest:
        low, high = ac.percent(row.min()), ac.percent(row.max())
        each = f"{low}" if low == high else f"between {low} and {high}"
        return (
            f"{asker} spreads its attention evenly: every {noun} gets {each}, so every {noun} "
            "is a right answer."
        )
    runner = max(rest, key=lambda j: row[j])
    shares, next_share = _percents([float(row[j]) for j in tops], float(row[runner]))
    parts = [named(j, share) for j, share in zip(tops, shares, strict=True)]
    if len(parts) == 1:
        most = parts[0]
    else:
        most = ", ".join(parts[:-1]) + " and " + parts[-1] + ": a tie on screen"
    return f"{asker} looks most at {most}. The next is {named(runner, next_share)}."


def asking_token(pieces: Sequence[str], special: Sequence[bool]) -> int:
    """The token a question about a real model's sentence follows: the first one that is a
    word with two meanings (*bank*, *bat*, *spring*: ``ac.AMBIGUOUS_WORDS``), else the last
    token of the text (the one before ``[SEP]``), else ``[CLS]`` (an empty text)."""
    words = [i for i, s in enumerate(special) if not s]
    return next((i for i in words if pieces[i] in ac.AMBIGUOUS_WORDS), words[-1] if words else 0)
