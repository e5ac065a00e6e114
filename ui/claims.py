"""What lessons 8 and 9 say about their numbers, in words: each sentence is read off the core's
result it describes and chooses its wording from that result, so it is true at every setting.

Pure functions of core results (no Streamlit): the page prints them, the tests check them as
properties over sentences and controls. ``labels`` are the words as shown; they are escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import attention_core as ac

from .formats import two_places
from .safe import md

#: Two weights closer than this are a tie: softmax gives equal scores equal weights, up to
#: rounding, and "most" would be a lie.
TIE = 1e-9


def tops(row: np.ndarray) -> list[int]:
    """The positions that share the largest weight of ``row (n,)`` (several on a tie)."""
    return [int(j) for j in np.flatnonzero(row >= row.max() - TIE)] if row.size else []


def is_even(row: np.ndarray) -> bool:
    """Is ``row (n,)`` an even spread (every weight the same)?"""
    return bool(row.size) and float(row.max() - row.min()) <= TIE


def _words(labels: Sequence[str], positions: Sequence[int]) -> str:
    names = [f"*{md(labels[j], 30)}*" for j in positions]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _looks(row: np.ndarray, labels: Sequence[str], focus: int) -> str:
    """ "*wrote* (0.83)", "*river* and *money* (0.25 each)", or "*teacher*, itself (0.83)"."""
    if is_even(row):
        return f"every word alike ({two_places(row[0])} each)"
    best = tops(row)
    each = " each" if len(best) > 1 else ""
    itself = ", itself" if best == [focus] else ""
    return f"{_words(labels, best)}{itself} ({two_places(row[best[0]])}{each})"


# ---- lesson 8: one head ---------------------------------------------------------------------


def inspect_first(p: ac.Projected) -> int:
    """The word lesson 8 follows first: the first ambiguous word with a question, else the first
    word with a question, else the first ambiguous word, else the last."""
    asking = [i for i in range(len(p.tokens)) if p.asks[i]]
    ambiguous = [i for i in asking if p.tokens[i] in ac.AMBIGUOUS_WORDS]
    return (ambiguous or asking or [ac.focus_word(p.tokens)])[0]


def question_line(p: ac.Projected, focus: int, labels: Sequence[str]) -> str:
    """What the inspected word finds with this head, next to what it found with Q = K = V = X."""
    word = f"*{md(labels[focus], 30)}*"
    alone = _looks(p.plain.weights[focus], labels, focus)
    plain = f"with no projection (Q = K = V = X) it looks most at {alone}"
    if not p.asks[focus]:
        return (
            f"{word} has none of the features this head asks about: its query is all zeros, "
            f"every key scores 0, and it spreads its attention evenly "
            f"({two_places(p.weights[focus, 0])} each). For comparison, {plain}."
        )
    return (
        f"With this head, {word} looks most at {_looks(p.weights[focus], labels, focus)}; {plain}."
    )


def askers_line(p: ac.Projected, labels: Sequence[str]) -> str:
    """Which words ask something (a non-zero query), and what the others do."""
    asking = np.flatnonzero(p.asks)
    if asking.size == 0:
        return (
            "No word of this sentence has a question with this head (every query is zero), so "
            "every word spreads its attention evenly."
        )
    silent = np.flatnonzero(~p.asks)
    line = f"Words with a question here: {_words(labels, asking[:8])}"
    line += " …" if asking.size > 8 else ""
    if silent.size:
        line += (
            f". The {silent.size} other word{'s' if silent.size > 1 else ''} ask nothing (a zero "
            "query) and spread evenly"
        )
    return line + "."


def most_asymmetric_pair(scores: np.ndarray) -> tuple[int, int]:
    """``(i, j)`` where the score of ``i → j`` differs most from ``j → i`` (i asks more)."""
    gap = scores - scores.T  # (n, n)
    i, j = np.unravel_index(int(np.argmax(gap)), gap.shape)
    return int(i), int(j)


def _is_diagonal(w: np.ndarray) -> bool:
    return bool(np.array_equal(w, np.diag(np.diag(w))))


def symmetry_line(p: ac.Projected, labels: Sequence[str]) -> str:
    """Is the score matrix ``Q Kᵀ`` symmetric, and why: guarded by ``p.symmetric``."""
    s = p.attention.scores
    if not p.symmetric:
        i, j = most_asymmetric_pair(s)
        return (
            f"The score matrix Q Kᵀ is **not symmetric**: *{md(labels[i], 30)}* → "
            f"*{md(labels[j], 30)}* scores {two_places(s[i, j])}, but *{md(labels[j], 30)}* → "
            f"*{md(labels[i], 30)}* scores {two_places(s[j, i])}. The question a word asks (its "
            "query) is no longer the label it shows (its key), so looking for someone and being "
            "looked for are different things."
        )
    if not p.asks.any():
        return (
            "The score matrix is symmetric, but only because it is all zeros: no word asks "
            "anything with this head."
        )
    if np.array_equal(p.w_q, p.w_k):
        return (
            "The score matrix Q Kᵀ is **symmetric**: W_Q = W_K, so Q = K and *a* → *b* scores "
            "exactly what *b* → *a* scores, as in lessons 6 and 7."
        )
    if ac.is_symmetric(p.w_q @ p.w_k.T):
        same = _is_diagonal(p.w_q) and _is_diagonal(p.w_k)
        return (
            "W_Q ≠ W_K, and yet the score matrix Q Kᵀ is **still symmetric**: W_Q W_Kᵀ is a "
            "symmetric matrix for this head"
            + (" (it asks for a feature and its keys offer that same feature)" if same else "")
            + ", so *a* → *b* scores what *b* → *a* scores. Different matrices are not enough; "
            "the question has to point somewhere else."
        )
    return (
        "W_Q W_Kᵀ is not symmetric, but on this sentence the score matrix still is: its words "
        "do not show the difference (try one with words of both kinds the head links)."
    )


# ---- lesson 9: many heads -------------------------------------------------------------------


def head_lines(r: ac.NamedHeads, focus: int, labels: Sequence[str]) -> list[str]:
    """For each head: where the inspected word looks in it (and whether the head is on)."""
    word = f"*{md(labels[focus], 30)}*"
    lines = []
    for head, on, weights in zip(r.heads, r.active, r.weights, strict=True):
        row = weights[focus]
        name = f"**{head.name}**" + ("" if on else " (off)")
        if is_even(row):
            lines.append(f"{name}: {word} asks nothing here, an even spread")
        else:
            lines.append(f"{name}: {word} looks most at {_looks(row, labels, focus)}")
    return lines


def heads_verdict(r: ac.NamedHeads, focus: int, labels: Sequence[str]) -> str:
    """The lesson's point, as far as the numbers on screen show it: one head cannot look for two
    things at once (it splits), two heads can (each finds its own)."""
    word = f"*{md(labels[focus], 30)}*"
    on = [h for h in range(len(r.heads)) if r.active[h]]
    if not on:
        return "Every head is off: W_O has nothing to mix, so every refined word is all zeros."
    asking = [h for h in on if not is_even(r.weights[h, focus])]
    single = {
        h: tops(r.weights[h, focus])[0] for h in asking if len(tops(r.weights[h, focus])) == 1
    }
    found = {}
    for h, j in single.items():
        found.setdefault(j, h)
    split = [h for h in asking if len(tops(r.weights[h, focus])) > 1]
    parts = []
    if len(found) >= 2:
        (j1, h1), (j2, h2) = list(found.items())[:2]
        parts.append(
            f"Two heads, two things: {word} looks most at *{md(labels[j1], 30)}* in "
            f"**{r.heads[h1].name}** and at *{md(labels[j2], 30)}* in **{r.heads[h2].name}**, "
            "and W_O mixes what both found."
        )
    for h in split:
        best = tops(r.weights[h, focus])
        parts.append(
            f"One head, one question: **{r.heads[h].name}** has to split {word} evenly between "
            f"{_words(labels, best)} ({two_places(r.weights[h, focus, best[0]])} each); it cannot "
            "look fully at both."
        )
    if not parts:
        if len(on) == 1:
            parts.append(
                f"One head on: {word} gets one question's answer. Turn on another head to look "
                "for a second thing."
            )
        else:
            parts.append(f"Here the heads that are on do not look at different words for {word}.")
    return " ".join(parts)


def shapes_line(r: ac.NamedHeads) -> str:
    """The shapes, from the arrays: n × d_model → h × n × d_head → n × h·d_head → n × d_model."""
    m = r.result
    n, d_model = m.x.shape
    h, _, d_head = m.q.shape
    return (
        f"X is {n} × {d_model} (words × features) → {h} heads, each {n} × {d_head}: "
        f"{h} × {n} × {d_head} → side by side, {m.concat.shape[0]} × {m.concat.shape[1]} → "
        f"× W_O ({m.w_o.shape[0]} × {m.w_o.shape[1]}) → {m.output.shape[0]} × "
        f"{m.output.shape[1]}, one refined vector per word again."
    )


def closest_line(r: ac.NamedHeads, focus: int, labels: Sequence[str]) -> str:
    """Which vocabulary words the inspected word is closest to, alone and after the mix.

    A word without features (a small word, or every head off) is close to nothing: say so
    rather than name the first words of the vocabulary."""
    word, shown = r.tokens[focus], f"**{md(labels[focus], 30)}**"

    def closest(vector: np.ndarray) -> str:
        return ", ".join(f"*{w}*" for w, _ in ac.nearest_words(vector, exclude=(word,)))

    alone, mixed = r.result.x[focus], r.output[focus]
    line = (
        f"{shown} alone is closest to {closest(alone)}"
        if np.any(alone)
        else f"{shown} alone has no features in this toy world"
    )
    if np.any(mixed):
        return line + f";  \nafter the heads and W_O, closest to {closest(mixed)}."
    return line + ";  \nafter the heads and W_O it is all zeros: nothing to compare."
