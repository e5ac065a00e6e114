"""Where does a word look most? The choices of the lessons' "predict, then reveal" question
about one row of attention weights (lessons 6 and 8), and how to name the words it finds.

Pure functions (no Streamlit): the right answers are the core's (``ac.largest``, with its
on-screen tie tolerance), read off the same row the chart then draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

import attention_core as ac

from .formats import listed
from .safe import md, shorten

#: The choice for a row the chart shows as even: every weight the same, give or take what
#: the screen can show (``ac.SHOWN_PRECISION``).
EVENLY = "every word alike (an even spread)"
#: At most this many words to pick from (with ``EVENLY``, eight choices): a long sentence
#: offers its words with the largest weights, so the right ones are always among them.
MAX_WORD_OPTIONS = 7
#: A choice shows a word to this many characters (a typed "word" can be very long).
OPTION_CHARS = 30


@dataclass(frozen=True)
class WordChoice:
    """The choices for "where does this word look most?" and which of them are right.

    ``options``: distinct words as shown (sentence order, capped), then ``EVENLY`` when the
    sentence has two words or more; ``right``: indices into ``options``; ``top``: the positions
    in the sentence whose weight is the largest, or within ``ac.SHOWN_PRECISION`` of it;
    ``even``: every position is among ``top`` (an even spread on screen).
    """

    options: tuple[str, ...]
    right: frozenset[int]
    top: tuple[int, ...]
    even: bool


def where_it_looks(labels: Sequence[str], row: Sequence[float] | np.ndarray) -> WordChoice:
    """The choices for one row of weights ``row (n,)`` over the words ``labels (n,)``.

    A word that occurs twice is one choice, right when any of its places is. When the row is
    even on screen (two words or more), "every word alike" is the right answer; the words are
    then right only if they are all one word ("word word word").
    """
    weights = np.asarray(row, dtype=np.float64)
    if len(weights) != len(labels) or not len(labels):
        raise ValueError(f"{len(labels)} labels for {len(weights)} weights")
    top = tuple(sorted(ac.largest(weights)))
    even = len(labels) > 1 and len(top) == len(labels)
    shown = [shorten(label, OPTION_CHARS) for label in labels]
    first: dict[str, int] = {}
    most: dict[str, float] = {}
    for j, word in enumerate(shown):
        first.setdefault(word, j)
        most[word] = max(most.get(word, -np.inf), float(weights[j]))
    words = list(first)  # sentence order
    if len(words) > MAX_WORD_OPTIONS:  # keep the words with the largest weights (ties: first)
        keep = set(sorted(words, key=lambda w: (-most[w], first[w]))[:MAX_WORD_OPTIONS])
        words = [w for w in words if w in keep]
    options = (*words, EVENLY) if len(labels) > 1 else tuple(words)
    found = {shown[j] for j in top}
    if even:
        right = {len(words)} | ({0} if len(words) == 1 else set())
    else:
        right = {i for i, w in enumerate(words) if w in found}
    return WordChoice(options, frozenset(right), top, even)


def asker(labels: Sequence[str], focus: int) -> str:
    """The word a question is about, as its sentences name it: "*bank*", or "*the* (word 3)"
    when the sentence has it more than once."""
    word = f"*{md(labels[focus], OPTION_CHARS)}*"
    return word + (f" (word {focus + 1})" if labels.count(labels[focus]) > 1 else "")


def looked(
    labels: Sequence[str],
    row: np.ndarray,
    choice: WordChoice,
    focus: int,
    *,
    silent: str | None = None,
) -> str:
    """Where word ``focus`` looks, in words, from the row ``row (n,)`` the chart then draws and
    its ``choice`` (``where_it_looks``): the words it looks at most with their shares (a tie
    on screen said so) and what it gives itself, or its even spread. ``silent``: why the row
    is even when the word's query is all zeros (said instead, with the weight every word gets).
    """
    word = asker(labels, focus)
    if choice.even:
        if silent is not None:
            return f"{silent}, so every word gets the same weight, {ac.percent(row[0])}."
        return (
            f"{word} spreads its attention evenly: every word gets "
            f"{shares(row, labels, range(len(labels)))}."
        )
    top = choice.top
    target = "itself" if list(top) == [focus] else named(labels, top)
    text = f"{word} looks most at {target}: {shares(row, labels, top)}"
    tie = len({labels[j] for j in top}) > 1
    text += ", a tie on screen (within half a percentage point)." if tie else "."
    if focus not in top:
        text += f" It gives itself {ac.percent(row[focus])}."
    return text


def named(labels: Sequence[str], positions: Sequence[int], *, limit: int = 4) -> str:
    """The words at ``positions``, escaped for Markdown, each once: "*river*", "*a* and *b*",
    "*a*, *b*, *c* and 3 more"."""
    words = list(dict.fromkeys(labels[j] for j in positions))
    return listed(words, limit=limit, chars=OPTION_CHARS)


def shares(row: np.ndarray, labels: Sequence[str], positions: Sequence[int]) -> str:
    """The weights of the words at ``positions`` as shares: "83%", "25% each" (a tie), or
    "40% to 41%" (a tie on screen: within ``ac.SHOWN_PRECISION``)."""
    weights = [float(row[j]) for j in positions]
    low, high = ac.percent(min(weights)), ac.percent(max(weights))
    if low != high:
        return f"{low} to {high}"
    return low + (" each" if len({labels[j] for j in positions}) > 1 else "")
