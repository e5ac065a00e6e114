"""Lesson 13, one whole block and what comes out, as a student sees it.

With the real weights (the shared ``minilm`` fixture: skipped with a message when absent, fetched
in CI): the charts draw the core's numbers, and every sentence the page prints about them is
checked, from its plain meaning, against those numbers, as a property over sentences, tokens,
layers, notes and every value the chatbot's dials allow. The chatbot section needs no model and
is checked either way.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from apptest_helpers import (
    chart,
    chart_elements,
    figure_of,
    open_lesson,
    share_link,
    texts,
    values,
)
from claims import pct_matches
from hypothesis import given
from hypothesis import strategies as st
from predict_helpers import answer, hidden_captions, prediction, prompt
from predict_helpers import verdict as answered

import attention_core as ac
from attention_core import block, sampling, search
from ui import model as real
from ui.formats import two_places
from ui.lessons import BLOCK, NEXT_WORDS
from ui.params import TEMPERATURES
from ui.readings import (
    attention_summary,
    sampling_summary,
    search_summary,
    units_summary,
    updates_summary,
)
from ui.safe import md

SENTENCES = (
    "I sat on the river bank",
    "I paid the money into the bank",
    "Transformers tokenize unbelievably long words",
    "<a href='x'>click</a> 🙂 مرحبا",
    "the the the the",
    "?",
)
WORDS = list(sampling.NEXT_WORD_LOGITS)
LOGITS = list(sampling.NEXT_WORD_LOGITS.values())
HOSTILE = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) $\\href{javascript:x}{y}$"


@pytest.fixture
def model(minilm):
    real.forget()
    return minilm


def trace(model, text):
    tokens = model.tokenize(text)
    return tokens, block.trace(model.weights, model.config, tokens.ids)


def layers_named(sentence: str, lead: str) -> set[int]:
    """The layers a sentence names after ``lead`` ("attention adds more in layers 1 and 3")."""
    first = sentence.split(". ", 1)[0].split(": ", 1)[1]
    part = next((p for p in first.split("; ") if p.startswith(lead)), "")
    return {int(k) for k in re.findall(r"\d+", part.split(" in layer", 1)[-1])} if part else set()


# ---- the block, on the real weights ------------------------------------------------------------


def test_the_default_page_draws_the_core_numbers(model) -> None:
    at = open_lesson(BLOCK)
    assert not at.exception, at.exception
    tokens, traced = trace(model, BLOCK.param("text").default)
    bank = list(tokens.pieces).index("bank")  # the default: the last token before [SEP]
    sizes = block.update_sizes(traced, bank)
    updates = chart(at, "block-updates")["data"]
    np.testing.assert_allclose(values(updates[0], "y"), sizes.attention)
    np.testing.assert_allclose(values(updates[1], "y"), sizes.feed_forward)
    units = chart(at, "block-units")["data"]
    np.testing.assert_allclose(values(units[0], "y"), traced.units[0, bank], rtol=1e-6)
    top = block.top_units(traced.units[0, bank], 5)
    assert values(units[1], "x").astype(int).tolist() == top.tolist()
    shown = texts(at)
    assert updates_summary(sizes, "bank") in shown
    assert units_summary(traced.units[0, bank], top, 1, "bank") in shown
    # The search: the France note wins, as sentence-transformers' vectors say (test_block_real).
    bars = chart(at, "block-search")["data"][0]
    notes = [BLOCK.param(f"n{i}").default for i in range(1, 6)]
    q = search.sentence_vector(model.read(BLOCK.param("question").default).output.hidden[-1])
    expected = [q @ search.sentence_vector(model.read(n).output.hidden[-1]) for n in notes]
    np.testing.assert_allclose(values(bars, "x"), expected, rtol=1e-6)
    assert any(t.startswith("The closest note is note 1, *The capital of France") for t in shown)


@pytest.mark.parametrize("text", SENTENCES)
def test_every_update_sentence_is_true_of_its_numbers(model, text: str) -> None:
    """Every token of several sentences: the layers named for each sublayer are exactly those
    where it is larger beyond a tie on screen, and the largest update is the largest."""
    tokens, traced = trace(model, text)
    for token in range(len(tokens)):
        sizes = block.update_sizes(traced, token)
        said = updates_summary(sizes, tokens.pieces[token])
        a, f = sizes.attention, sizes.feed_forward
        tol = ac.SHOWN_PRECISION
        assert layers_named(said, "the feed-forward network adds more") == {
            k + 1 for k in range(6) if f[k] > a[k] + tol
        }, said
        assert layers_named(said, "attention adds more") == {
            k + 1 for k in range(6) if a[k] > f[k] + tol
        }, said
        assert layers_named(said, "the two are") == {
            k + 1 for k in range(6) if abs(a[k] - f[k]) <= tol
        }, said
        biggest = re.search(r"layer (\d)'s (attention|feed-forward network): \*\*(.+?)\*\*", said)
        layer, which, percent = int(biggest[1]), biggest[2], biggest[3]
        value = (a if which == "attention" else f)[layer - 1]
        assert value == max(a.max(), f.max())
        assert pct_matches(percent, value) or percent == f"{100 * value:.0f}%"


@pytest.mark.parametrize("text", SENTENCES[:4])
def test_every_units_sentence_is_true_of_its_numbers(model, text: str) -> None:
    tokens, traced = trace(model, text)
    for layer, token in itertools.product(range(6), range(len(tokens))):
        units = traced.units[layer, token]
        top = block.top_units(units, 5)
        said = units_summary(units, top, layer + 1, tokens.pieces[token])
        on, total = (
            int(n.replace(",", ""))
            for n in re.search(r"\*\*([\d,]+) of ([\d,]+)\*\*", said).groups()
        )
        assert (on, total) == (int((units > 0).sum()), 1536)
        assert units[units <= 0].min(initial=0) >= -0.17  # "between -0.17 and 0"
        named = [(int(i), v) for i, v in re.findall(r"#(\d+) \((-?[\d.]+)\)", said)]
        assert [i for i, _ in named] == top.tolist()
        assert all(v == two_places(units[i]) for i, v in named)
        assert units[top[-1]] >= np.delete(units, top).max()


def test_following_another_token_and_layer_redraws(model) -> None:
    at = open_lesson(BLOCK, {"word": "2", "layer": "4"})
    assert not at.exception, at.exception
    _, traced = trace(model, BLOCK.param("text").default)
    sizes = block.update_sizes(traced, 1)  # "i"
    np.testing.assert_allclose(values(chart(at, "block-updates")["data"][0], "y"), sizes.attention)
    np.testing.assert_allclose(
        values(chart(at, "block-units")["data"][0], "y"), traced.units[3, 1], rtol=1e-6
    )
    link = share_link(at)
    assert "word=2" in link and "layer=4" in link


@pytest.mark.parametrize("text", ["", "   ", "\u200b"])
def test_a_blank_sentence_asks_for_one_and_the_rest_still_works(model, text) -> None:
    at = open_lesson(BLOCK, {"text": text})
    assert not at.exception, at.exception
    assert any("Type a sentence" in i.value for i in at.info)
    keys = {el.proto.id for el in chart_elements(at)}
    assert not any("block-updates" in k for k in keys)
    assert chart(at, "block-search") and chart(at, "block-next-word")


def test_hostile_text_is_shown_literally_everywhere(model) -> None:
    at = open_lesson(BLOCK, {"text": HOSTILE, "question": HOSTILE, "n1": HOSTILE})
    assert not at.exception, at.exception
    shown = texts(at)
    for t in shown:
        assert not re.search(r"(?<!\\)<img|(?<!\\)\]\(javascript", t), t
    assert any(md(HOSTILE, 60) in t for t in shown)  # the note, escaped, in the search sentence
    search_fig = chart(at, "block-search")
    assert all("<img" not in str(tick) for tick in search_fig["layout"]["yaxis"]["ticktext"])


def test_empty_notes_are_left_out_and_no_notes_asks_for_some(model) -> None:
    at = open_lesson(BLOCK, {"n2": "", "n4": " "})
    bars = chart(at, "block-search")
    assert len(values(bars["data"][0], "x")) == 3
    at = open_lesson(BLOCK, {f"n{i}": "" for i in range(1, 6)})
    assert not at.exception
    assert any("at least one note" in i.value for i in at.info)


def test_predict_mode_asks_which_sublayer_and_agrees_with_the_sentence(model) -> None:
    at = open_lesson(BLOCK, {"predict": "true", "layer": "6"})
    assert not at.exception, at.exception
    assert not chart_elements(at) and hidden_captions(at) >= 3
    assert "layer 6" in prompt(at) and "*bank*" in prompt(at)
    everything = " ".join(texts(at))
    assert "adds more in" not in everything and "The closest note" not in everything
    tokens, traced = trace(model, BLOCK.param("text").default)
    sizes = block.update_sizes(traced, list(tokens.pieces).index("bank"))
    right = 1 if sizes.feed_forward[5] > sizes.attention[5] else 0
    assert prediction(at).options == ["attention", "the feed\\-forward network"]
    answer(at, right)
    assert answered(at) == (True, set())
    assert "layers 2, 3, 4, 5 and 6" in " ".join(texts(at))  # and the sentence says it too


# ---- search sentences (no model needed) ---------------------------------------------------------

unit_rows = st.lists(st.floats(-1, 1), min_size=1, max_size=6)


@given(unit_rows)
def test_the_search_sentence_names_the_best_note_and_the_next(scores) -> None:
    scores = np.array(scores)
    found = search.Search(scores, ac.largest(scores))
    notes = [f"note text {i}" for i in range(len(scores))]
    said = search_summary(found, notes)
    named = {int(i) - 1 for i in re.findall(r"note (\d+), \*", said)}
    assert named == set(found.best)
    shown = {float(x) for x in re.findall(r"cosine \*\*(-?[\d.]+)", said)}
    assert shown <= {float(two_places(scores[i])) for i in found.best}
    rest = [i for i in range(len(scores)) if i not in found.best]
    if rest:
        runner = int(re.search(r"The next is note (\d+)", said)[1]) - 1
        assert scores[runner] == max(scores[i] for i in rest)
        assert scores[runner] < scores.max() - ac.SHOWN_PRECISION
    if len(found.best) > 1:
        assert "a tie on screen" in said


# ---- the chatbot: every setting the dials allow ------------------------------------------------

TOP_P = np.round(np.arange(0.05, 1.0001, 0.05), 2)


@pytest.mark.parametrize("out_t", TEMPERATURES)
def test_every_sampling_sentence_is_true_at_every_setting(out_t: float) -> None:
    """Every output temperature x top-k x top-p the sliders allow (19 x 10 x 20 settings)."""
    for top_k, top_p in itertools.product(range(1, NEXT_WORDS + 1), TOP_P):
        found = sampling.next_word(LOGITS, out_t, top_k, float(top_p))
        draws = sampling.sample(found.probabilities, 20, seed=top_k)
        said = sampling_summary(WORDS, found, out_t, draws)
        lead = re.match(r"Output at T = ([\d.]+): (.+?) (?:gets|each get) \*\*(.+?)\*\*", said)
        assert float(lead[1]) == out_t
        top = {WORDS.index(w) for w in re.findall(r"\*(\w+)\*", lead[2])}
        assert top == set(ac.largest(found.probabilities))
        assert pct_matches(lead[3], found.probabilities[min(top)]), said
        kept = set(np.flatnonzero(found.kept))
        if "keep all" in said:
            assert kept == set(range(NEXT_WORDS))
        else:
            keep = re.search(r"keep \*\*(\d+) of (\d+)\*\* words \((.+?)\);", said)
            assert int(keep[1]) == len(kept) < NEXT_WORDS
            assert {WORDS.index(w) for w in re.findall(r"\*(\w+)\*", keep[3])} == kept
        # The draws: counts add up, and only kept words are ever drawn.
        counted = dict(re.findall(r"\*(\w+)\* ×(\d+)", said.split("draws:", 1)[1]))
        assert sum(int(c) for c in counted.values()) == 20
        assert {WORDS.index(w) for w in counted} <= kept
        assert len(kept) <= top_k or len(set(found.scaled[list(kept)])) < len(kept)


@pytest.mark.parametrize("t", TEMPERATURES)
def test_the_attention_sentence_is_true_at_every_temperature(t: float) -> None:
    keys = ["sous", "près", "dans", "sur", "loin"]
    weights = ac.softmax([3.0, 1.5, 1.0, 0.5, -1.0], temperature=t)
    said = attention_summary(keys, weights, t)
    lead = re.match(r"Attention at T = ([\d.]+): (.+?) (?:gets|each get) \*\*(.+?)\*\*", said)
    assert {keys.index(w) for w in re.findall(r"\*(\w+)\*", lead[2])} == set(ac.largest(weights))
    assert pct_matches(lead[3], weights.max())
    assert "real models keep it at 1" in said


def test_the_chatbot_dials_drive_the_chart_and_the_link() -> None:
    at = open_lesson(BLOCK, {"out_t": "0.5", "top_k": "3", "top_p": "0.8", "t": "0.2"})
    assert not at.exception, at.exception
    fig = chart(at, "block-next-word")
    found = sampling.next_word(LOGITS, 0.5, 3, 0.8)
    np.testing.assert_allclose(values(fig["data"][2], "y"), found.probabilities)
    np.testing.assert_allclose(values(fig["data"][1], "y"), found.softmax)
    np.testing.assert_allclose(
        values(fig["data"][0], "y"), ac.softmax([3.0, 1.5, 1.0, 0.5, -1.0], temperature=0.2)
    )
    link = share_link(at)
    for part in ("out_t=0.5", "top_k=3", "top_p=0.8", "t=0.2"):
        assert part in link
    # "Draw again" moves to the next draw number, and so the link and the draws shown.
    at.button(key="set-draw").click().run()
    assert at.slider(key="draw").value == 1
    assert "draw=1" in share_link(at)
    drawn = sampling.sample(found.probabilities, 20, seed=1)
    line = next(t for t in texts(at) if t.startswith("*The capital"))
    assert re.findall(r"\*(\w+)\*", line.split("…", 1)[1]) == [WORDS[i] for i in drawn]


def test_the_page_says_which_temperature_a_chatbot_has() -> None:
    at = open_lesson(BLOCK)
    everything = " ".join(texts(at))
    assert "The “temperature” in a chatbot's settings is **this** one" in everything
    assert "real models keep it at 1" in everything
    assert at.select_slider(key="out_t").label.startswith("Output temperature")
    assert at.select_slider(key="t").label == "Temperature"


def test_the_chatbot_section_works_without_the_model(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tmp_path / "none"))
    monkeypatch.setenv("SPOTLIGHT_MODEL_CACHE", str(tmp_path / "cache"))
    real.forget()
    try:
        at = open_lesson(BLOCK)
        assert not at.exception, at.exception
        assert any("not on this computer yet" in t for t in texts(at))
        assert [figure_of(e)["layout"]["annotations"][1]["text"] for e in chart_elements(at)] == [
            "The chatbot's output<br>T = 1: next-word probabilities"
        ]
    finally:
        real.forget()
