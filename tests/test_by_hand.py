"""Lesson 7's pencil-and-paper lines add up, over any sentence, temperature and scaling.

Issue 12, item 3: "by hand" once showed "…0.12×1.2 (bank) + … (2 smaller terms) = 0.74" where the
shown terms added to 0.14 and the hidden ones to 0.60; "one row by hand" picked "she · went = 0";
and "0.84×3 + 0.12×1.2" was shown as 2.67 although it makes 2.664.
"""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import attention_core as ac
from ui.figures.math import by_hand_pair, dot_arithmetic, mix_arithmetic, strongest_feature
from ui.formats import written
from ui.params import TEMPERATURES

WORDS = sorted(ac.VOCABULARY)
sentences = st.lists(st.sampled_from([*WORDS, "zorblat", "quux"]), min_size=1, max_size=14).map(
    " ".join
)

TERM = re.compile(r"^(−?[\d.]+)×(−?[\d.]+) \((\d+)\)$")
REST = re.compile(r"^(−?[\d.]+) \((\d+) smaller terms?\)$")


def number(text: str) -> float:
    return float(text.replace("−", "-"))


def parse_mix(line: str) -> tuple[list[tuple[float, float, int]], float, int, str, float]:
    """(terms (weight, value, position), remainder, remainder count, sign, total) of a mix line."""
    match = re.fullmatch(r"(.*) ([=≈]) \*\*(−?[\d.]+)\*\*(?: \(leaving out .*\))?", line)
    assert match, line
    body, sign, total = match.groups()
    terms, remainder, count = [], 0.0, 0
    for part in body.split(" + ") if body != "0" else []:
        if m := TERM.match(part):
            terms.append((number(m[1]), number(m[2]), int(m[3])))
        else:
            m = REST.match(part)
            assert m, part
            remainder, count = number(m[1]), int(m[2])
    return terms, remainder, count, sign, number(total)


@settings(max_examples=300, deadline=None)
@given(text=sentences, t=st.sampled_from(TEMPERATURES), scaled=st.booleans())
def test_the_mix_by_hand_adds_up_and_elides_only_the_smallest_terms(text, t, scaled):
    r = ac.refine(text, temperature=t, scaled=scaled)
    asker, _ = by_hand_pair(r)
    feature = strongest_feature(r.refined[asker])
    weights, values = r.weights[asker], r.embeddings[:, feature]
    labels = [str(i) for i in range(len(r.tokens))]  # positions, so the test can find each term
    terms, remainder, count, sign, total = parse_mix(mix_arithmetic(weights, values, labels))

    # The total is the number the page computed, to two decimals.
    assert abs(total - r.refined[asker, feature]) <= 0.005 + 1e-9
    # A pencil sum of what is written reaches the written total ("=" is honest).
    pencil = sum(w * v for w, v, _ in terms) + remainder
    # "=" only when a pencil sum of what is written gives the written total; else an honest "≈"
    # (e.g. three weights of 0.3328 × 3 = 2.9948: 0.33, 0.333 and 0.3328 give 2.97, 3.00, 3.00).
    assert (sign == "=") == (round(pencil, 2) == round(total, 2)), (sign, pencil, total)
    assert abs(pencil - total) <= 0.05 * (1 + abs(total))
    # The elided terms are the smallest ones, and the remainder is their sum.
    products = weights * values
    shown = {j for _, _, j in terms}
    nonzero = {j for j in range(len(values)) if abs(values[j]) >= 0.005}
    elided = nonzero - shown
    assert len(elided) == count
    if shown and elided:
        assert min(abs(products[j]) for j in shown) >= max(abs(products[j]) for j in elided)
    assert abs(remainder - sum(products[j] for j in elided)) <= 0.005 + 1e-9


@settings(max_examples=300, deadline=None)
@given(text=sentences, scaled=st.booleans())
def test_one_row_by_hand_picks_a_pair_that_shares_something_when_there_is_one(text, scaled):
    r = ac.refine(text, scaled=scaled)
    row, col = by_hand_pair(r)
    scores = r.attention.scores
    n = len(r.tokens)
    off_diagonal = scores[~np.eye(n, dtype=bool)]
    readable = r.known & np.any(r.embeddings != 0, axis=1)
    if n > 1:
        assert row != col
    if readable.sum() >= 2 and np.any(
        scores[np.ix_(readable, readable)][~np.eye(readable.sum(), dtype=bool)]
    ):
        assert scores[row, col] != 0
        assert readable[row] and readable[col]
    elif off_diagonal.size and not np.any(off_diagonal):
        assert scores[row, col] == 0
    arithmetic, _, sign = dot_arithmetic(r.embeddings[row], r.embeddings[col])
    pencil = sum(number(a) * number(b) for a, b in re.findall(r"(−?[\d.]+)×(−?[\d.]+)", arithmetic))
    if sign == "=":
        assert written(pencil) == written(scores[row, col])


def test_the_walkthrough_sentence_shows_its_big_terms():
    r = ac.refine("she went to the bank to deposit money")
    row, col = by_hand_pair(r)
    assert {r.tokens[row], r.tokens[col]} != {"she", "went"}
    assert r.attention.scores[row, col] != 0
    feature = strongest_feature(r.refined[row])
    line = mix_arithmetic(r.weights[row], r.embeddings[:, feature], list(r.tokens))
    assert "smaller term" not in line or "…" not in line
    assert " = **" in line
