"""Independent checks that a sentence the app prints is true of the numbers it is printed next to.

Written from the sentences' plain meaning, not from the code that writes them: "even" means the
weights are nearly equal, "hard lookup" that one key holds (almost) everything, a percentage must
round to the weight it quotes. A test feeds them the sentence on screen and the numbers drawn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

import attention_core as ac

PCT = r"(nearly 100%|under 1%|\d+(?:\.\d)?%)"


def pct_matches(text: str, value: float) -> bool:
    """Does a printed share ("42%", "99.6%", "under 1%", "nearly 100%") fit ``value``?"""
    if text == "nearly 100%":
        return 0.999 <= value < 1.0
    if text == "under 1%":
        return 0 < value < 0.01
    shown = float(text.rstrip("%"))
    step = 0.1 if "." in text else 1.0
    if abs(100 * value - shown) > step / 2 + 1e-9:
        return False
    # A share below 100% must never be printed as 100%; nor a positive one as 0%.
    return not (text == "100%" and value < 1.0) and not (text == "0%" and value > 0)


def check_spread(sentence: str, labels: Sequence[str], weights: np.ndarray) -> None:
    """Raise AssertionError unless ``sentence`` (a verdict on ``weights``) is true of them."""
    w = np.asarray(weights, dtype=float)
    assert abs(w.sum() - 1) < 1e-9
    largest, smallest = w.max(), w.min()
    named = [labels.index(n) for n in re.findall(r"\*([^*]+)\*", sentence)]
    percents = re.findall(PCT, sentence)
    if sentence.startswith("Even average"):
        # "every key counts about the same": within 25% of each other, and the ratio quoted.
        assert largest <= 1.25 * smallest, (sentence, w)
        quoted = float(re.search(r"is (\d+\.\d+)× the smallest", sentence).group(1))
        assert abs(quoted - largest / smallest) <= 0.005 + 1e-12, (sentence, w)
    elif sentence.startswith("Hard lookup"):
        (i,) = named
        assert w[i] >= 0.99 and w[i] == largest, (sentence, w)
        assert (w[np.arange(w.size) != i] < w[i]).all(), (sentence, w)
        assert pct_matches(percents[0], w[i]), (sentence, w)
    elif sentence.startswith("A tie at the top"):
        # The app's one tie rule: within half a percentage point, as the screen shows them.
        assert len(named) >= 2, sentence
        assert (w[named] >= largest - ac.SHOWN_PRECISION).all(), (sentence, w)
        others = np.delete(w, named)
        assert (others < largest - ac.SHOWN_PRECISION).all(), (sentence, w)
        if " to " in sentence.split("(", 1)[1].split(",", 1)[0]:  # "22% to 23%"
            assert pct_matches(percents[0], w[named].min()), (sentence, w)
            assert pct_matches(percents[1], largest), (sentence, w)
            percents = percents[1:]
        assert pct_matches(percents[0], largest), (sentence, w)
        assert pct_matches(percents[1], w[named].sum()), (sentence, w)
    elif sentence.startswith("Soft lookup"):
        (i,) = named
        assert w[i] == largest and (np.delete(w, i) < largest).all(), (sentence, w)
        assert largest < 0.99, (sentence, w)  # not a hard lookup
        assert largest > 1.25 * smallest, (sentence, w)  # not even
        assert pct_matches(percents[0], w[i]), (sentence, w)
        assert pct_matches(percents[1], 1 - w[i]), (sentence, w)
    else:
        raise AssertionError(f"unknown verdict: {sentence!r}")


def check_room(sentence: str, weights: np.ndarray) -> None:
    """The noisy room's summary is true of the voices' shares (your friend first)."""
    w = np.asarray(weights, dtype=float)
    friend, chatter = w[0], w[1:]
    shares = re.findall(PCT, sentence)
    assert pct_matches(shares[0], friend), (sentence, w)
    assert pct_matches(shares[1], chatter.sum()), (sentence, w)
    if len(chatter) > 1:
        assert pct_matches(shares[2], chatter.max()), (sentence, w)
        if shares[0] == shares[2]:
            raise AssertionError(f"rounding hides who leads: {sentence!r}")
    if "most of your attention" in sentence:
        assert friend > 0.5, (sentence, w)
    if "more than any other voice" in sentence:
        assert friend > chatter.max(), (sentence, w)
    if "less than all the chatter together" in sentence:
        assert friend < chatter.sum(), (sentence, w)


def top_named(sentence: str) -> set[str]:
    """The words a ``looks_most`` sentence names as the top (before "The next is"), unescaped;
    "itself" when it says so."""
    if " looks most at " not in sentence:
        return set()
    top = sentence.split(" looks most at ", 1)[1].split(". The next is ", 1)[0]
    top = top.split(". It gives itself", 1)[0]
    words = {re.sub(r"\\(.)", r"\1", w) for w in re.findall(r"\*((?:[^*\\]|\\.)+)\*", top)}
    return words | ({"itself"} if re.search(r"(^|, | and )itself\b", top) else set())


def check_looks_most(
    sentence: str, row: np.ndarray, labels: Sequence[str], focus: int | None
) -> None:
    """Raise AssertionError unless the ``ui.questions.looks_most`` sentence is true of ``row``:
    "spreads" exactly when the row reads even, else the top it names is the core's largest
    (itself only when that is the asking word alone)."""
    row = np.asarray(row, dtype=float)
    if "gets the same weight" in sentence:  # a zero query: every word it sees alike
        assert np.ptp(row[row > 0]) <= 1e-9, (sentence, row)
        return
    if "spreads its attention" in sentence:
        assert len(row) > 1 and ac.is_even(row), (sentence, row)
        return
    assert not (len(row) > 1 and ac.is_even(row)), (sentence, row)
    top = sorted(ac.largest(row))
    names = top_named(sentence)
    if top == [focus]:
        assert names == {"itself"}, (sentence, row)
    elif len(top) <= 4:
        expected = {"itself" if j == focus else re.sub(r"\\(.)", r"\1", labels[j]) for j in top}
        assert names == expected, (sentence, row)
