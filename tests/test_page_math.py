"""AppTest for lesson 7, the math step by step: every chart shows the core's real numbers."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from apptest_helpers import (
    chart,
    chart_elements,
    charts,
    open_lesson,
    open_section,
    texts,
    values,
    widget,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reveal_helpers import band_names, options, predict_again, prompt, reveal, verdict, why

import attention_core as ac
from ui.formats import format_number, written
from ui.lessons import MATH
from ui.params import TEMPERATURES
from ui.questions import BAND_NAMES

DEFAULT_TEXT = MATH.param("sentence").default


def z(at, key: str) -> np.ndarray:
    """The matrix drawn by the heatmap whose chart key contains ``key``."""
    return values(chart(at, key)["data"][0], "z")


def tick_text(at, key: str) -> list[str]:
    return chart(at, key)["layout"]["yaxis"]["ticktext"]


def set_text(at, value: str):
    widget(at, MATH.param("sentence")).set_value(value).run()
    return at


def tied(row: np.ndarray) -> bool:
    """Does the row's best score occur more than once? (Then no temperature can pick one.)"""
    return int(np.sum(np.isclose(row, row.max()))) > 1


@pytest.fixture
def at():
    return open_lesson(MATH)


def test_default_renders_every_step_with_its_controls(at):
    assert not at.exception
    assert len(charts(at)) >= 5  # X, scores, scaled scores, weights, refined (+ change)
    for key in ("sentence", "t", "scaled"):
        assert widget(at, MATH.param(key)) is not None
    assert widget(at, MATH.param("sentence")).value == DEFAULT_TEXT
    # The rows are the words of the sentence, in order.
    assert tick_text(at, "math-weights") == ["the", "river", "bank"]


def test_every_chart_shows_the_numbers_the_core_computed(at):
    expected = ac.refine(DEFAULT_TEXT)
    np.testing.assert_allclose(z(at, "math-x"), expected.embeddings)
    np.testing.assert_allclose(z(at, "math-scores"), expected.attention.scores)
    np.testing.assert_allclose(z(at, "math-scaled"), expected.attention.scaled_scores)
    np.testing.assert_allclose(z(at, "math-refined"), expected.refined)
    assert not [c for c in chart_elements(at) if "math-change" in c.proto.id]  # closed tab
    at.session_state["math-x-tab"] = "Change X' − X"
    at.run()
    np.testing.assert_allclose(z(at, "math-change"), expected.refined - expected.embeddings)
    weights = z(at, "math-weights")
    np.testing.assert_allclose(weights, expected.weights, atol=1e-12)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-12)
    # river · river = 9 and river · bank = 3 × 1.2 = 3.6: the numbers the page works out by hand.
    assert z(at, "math-scores")[1, 1] == pytest.approx(9.0)
    assert z(at, "math-scores")[1, 2] == pytest.approx(3.6)
    by_hand = next(t for t in texts(at) if "One row by hand" in t)
    assert "3×1.2 (nature)" in by_hand and "**3.6**" in by_hand


def test_scaled_scores_are_the_raw_scores_divided_by_root_8(at):
    np.testing.assert_allclose(z(at, "math-scaled"), z(at, "math-scores") / np.sqrt(8))
    assert any("√8 ≈ 2.83" in t for t in texts(at))
    assert any("← in use" in t and "Vaswani" in t for t in texts(at))


def test_turning_scaling_off_skips_the_division_and_sharpens_the_weights(at):
    scaled_weights = z(at, "math-weights")
    widget(at, MATH.param("scaled")).set_value(False).run()
    assert not at.exception

    np.testing.assert_allclose(z(at, "math-scaled"), z(at, "math-scores"))
    unscaled_weights = z(at, "math-weights")
    np.testing.assert_allclose(unscaled_weights, ac.refine(DEFAULT_TEXT, scaled=False).weights)
    np.testing.assert_allclose(unscaled_weights.sum(axis=1), 1.0, atol=1e-12)
    assert not np.allclose(unscaled_weights, scaled_weights)
    scores = z(at, "math-scores")
    for i, row in enumerate(scores):
        if tied(row):  # "the": every score 0, an even split whatever we divide by
            np.testing.assert_allclose(unscaled_weights[i], scaled_weights[i])
        else:  # bigger scores, sharper spotlight
            assert unscaled_weights[i].max() > scaled_weights[i].max() + 0.01
    assert any("← in use" in t and "course notes" in t for t in texts(at))
    assert any("skipped" in t for t in texts(at))


def test_lowest_temperature_is_a_hard_lookup_except_for_exact_ties(at):
    everyday = z(at, "math-weights")
    widget(at, MATH.param("t")).set_value(TEMPERATURES[0]).run()
    assert not at.exception
    sharp = z(at, "math-weights")
    np.testing.assert_allclose(sharp, ac.refine(DEFAULT_TEXT, temperature=TEMPERATURES[0]).weights)
    scaled_scores = z(at, "math-scaled")
    for i, row in enumerate(scaled_scores):
        if tied(row):
            np.testing.assert_allclose(sharp[i], everyday[i])  # an even split stays even
        else:
            assert sharp[i].max() > everyday[i].max()
            assert sharp[i].argmax() == row.argmax()
    # With the notes' formula the scores are big enough that every untied row is one-hot.
    # (Scaled, "bank" keeps ~12% on "river": its two best scores, 1.37 and 1.27, nearly tie.)
    widget(at, MATH.param("scaled")).set_value(False).run()
    one_hot = z(at, "math-weights")
    for i, row in enumerate(z(at, "math-scores")):
        if not tied(row):
            assert one_hot[i].max() >= 0.99


def test_highest_temperature_spreads_every_row(at):
    everyday = z(at, "math-weights")
    widget(at, MATH.param("t")).set_value(TEMPERATURES[-1]).run()
    assert not at.exception
    spread = z(at, "math-weights")
    for i in range(len(spread)):
        assert spread[i].max() - spread[i].min() < 0.1  # close to an even 1/3 each
        assert spread[i].max() <= everyday[i].max() + 1e-12


@pytest.mark.parametrize("t", [TEMPERATURES[0], TEMPERATURES[-1]])
@pytest.mark.parametrize("scaled", [True, False])
def test_every_control_at_its_extremes(at, t, scaled):
    widget(at, MATH.param("t")).set_value(t)
    widget(at, MATH.param("scaled")).set_value(scaled).run()
    assert not at.exception
    weights = z(at, "math-weights")
    assert np.isfinite(weights).all()
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-9)


@pytest.mark.parametrize("text", ["", "?!", "   ", "🙂🙂"])
def test_text_without_words_gets_a_friendly_hint(at, text):
    set_text(at, text)
    assert not at.exception
    assert any("Type a few words" in i.value for i in at.info)


HOSTILE = [
    "<script>alert(1)</script>",
    "$\\href{javascript:alert(1)}{x}$",
    "<a href='https://example.com'>bank</a> river",
    "x" * 100_000,
    "word " * 20_000,
]


@pytest.mark.parametrize("text", HOSTILE, ids=["script", "latex-href", "link", "100kB", "words"])
def test_hostile_or_huge_text_never_raises_and_is_never_live(at, text):
    set_text(at, text)
    assert not at.exception
    for figure in charts(at):
        dumped = json.dumps(figure)
        assert "<script" not in dumped and "<a " not in dumped
    for shown in texts(at):
        assert "<script" not in shown and "<a " not in shown and "\\href{" not in shown


def test_unknown_words_are_marked_and_listed(at):
    set_text(at, "the river zorblat")
    assert not at.exception
    assert tick_text(at, "math-weights")[2] == "zorblat (unknown)"
    assert any("Not in our vocabulary" in t and "zorblat" in t for t in texts(at))


def test_repeated_words_keep_their_own_rows(at):
    set_text(at, "the bank the bank")
    assert z(at, "math-weights").shape == (4, 4)
    assert tick_text(at, "math-x") == ["the", "bank", "the", "bank"]


def test_long_sentences_warn_and_are_cut_at_max_tokens(at):
    set_text(at, " ".join(["river", "bank", "money"] * 5))  # 15 words: big tables, still fine
    assert not at.exception
    assert z(at, "math-weights").shape == (15, 15)
    assert any("15 words" in w.value for w in at.warning)
    assert not any(f"first {ac.MAX_TOKENS} words" in i.value for i in at.info)

    set_text(at, "river bank " * 30)  # 60 words: only the first MAX_TOKENS are used
    assert not at.exception
    assert z(at, "math-weights").shape == (ac.MAX_TOKENS, ac.MAX_TOKENS)
    assert any(f"first {ac.MAX_TOKENS} words" in i.value and "60" in i.value for i in at.info)


def test_a_shared_link_opens_the_same_numbers():
    at = open_lesson(MATH, {"sentence": "I paid the money into the bank", "t": "0.5"})
    assert not at.exception
    expected = ac.refine("I paid the money into the bank", temperature=0.5)
    np.testing.assert_allclose(z(at, "math-weights"), expected.weights, atol=1e-12)


def test_the_code_that_ran_is_shown(at):
    open_section(at, "Show the code that computed this")
    shown = "\n".join(str(c.value) for c in at.code)
    for fn in ("def refine", "def attention", "def softmax"):
        assert fn in shown


def test_words_reach_the_charts_escaped(at):
    # The tokenizer already drops "<", ">" and "$"; an apostrophe survives inside a word, and
    # Plotly labels must still get it as an entity, not as raw markup.
    set_text(at, "don't bank")
    assert tick_text(at, "math-weights")[0] == "don&#x27;t (unknown)"
    assert tick_text(at, "math-x")[0] == "don&#x27;t (unknown)"


def test_by_hand_starts_at_a_readable_word_and_its_strongest_match(at):
    # "don't" and "zorblat" are unknown (made-up numbers), "the" is all zeros: start at "pay".
    set_text(at, "don't pay the zorblat into the bank")
    by_hand = next(t for t in texts(at) if "One row by hand" in t)
    assert "*pay* · *bank* = 2×1.2 (money) = **2.4**" in by_hand
    assert z(at, "math-scores")[1, 6] == pytest.approx(2.4)


def test_refine_runs_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Steps 1-3 and the temperature fragment (steps 4-5) share one ``refine`` per rerun."""
    calls = []
    real = ac.refine

    def counting(*args, **kwargs):
        calls.append(kwargs.get("temperature"))
        return real(*args, **kwargs)

    monkeypatch.setattr(ac, "refine", counting)
    at = open_lesson(MATH, {"t": "0.2"})
    assert not at.exception and calls == [0.2]
    calls.clear()
    widget(at, MATH.param("t")).set_value(5.0).run()
    assert not at.exception and calls == [5.0]
    np.testing.assert_allclose(z(at, "math-weights"), real(DEFAULT_TEXT, temperature=5.0).weights)


def test_by_hand_shows_an_informative_pair_and_a_mix_that_adds_up():
    # Issue 12, item 3: this sentence showed "she · went = 0" and a mix hiding its big terms.
    at = open_lesson(MATH, {"sentence": "she went to the bank to deposit money"})
    by_hand = next(t for t in texts(at) if "One row by hand" in t)
    assert "*she* · *went*" not in by_hand
    assert "*deposit* · *money* = 2×3 (money) = **6**" in by_hand
    mix = next(t for t in texts(at) if t.startswith("**By hand:**"))
    assert "**1.6**" in mix and " = **" in mix and "smaller term" not in mix
    for word in ("bank", "deposit", "money"):  # the three words with money in them, all shown
        assert f"({word})" in mix


@pytest.mark.parametrize(
    ("sentence", "named", "absent"),
    [
        ("the river bank", ("*bank*", "*river*", "*the*"), ()),
        ("dog cat teacher", ("*dog*", "*cat*"), ("river", "bank", "*the*")),
        ("river sea lake", (), ("bank", "*the*", "keeps a little")),
    ],
)
def test_the_hint_is_about_the_words_on_screen(sentence, named, absent):
    # Issue 12, item 12: the hint talked about *river* and *bank* whatever the sentence.
    at = open_lesson(MATH, {"sentence": sentence})
    hint = next(i.value for i in at.info if "Turn off" in i.value)
    for word in named:
        assert word in hint
    for word in absent:
        assert word not in hint


@pytest.mark.parametrize("t", TEMPERATURES)
@pytest.mark.parametrize("scaled", [True, False])
def test_the_hint_s_near_tie_is_true_at_the_coldest_temperature(t, scaled):
    """The hint names a word that "keeps a little of both" only if it does at T = 0.05."""
    text = "I sat on the river bank"
    at = open_lesson(MATH, {"sentence": text, "t": str(t), "scaled": str(scaled).lower()})
    hint = next(i.value for i in at.info if "Turn off" in i.value)
    cold = ac.refine(text, temperature=TEMPERATURES[0], scaled=scaled).weights
    if "keeps a little of both" in hint:
        word = hint.split("tie: *", 1)[1].split("*", 1)[0]
        row = cold[ac.refine(text).tokens.index(word)]
        assert np.sort(row)[-2] >= 0.05
    else:
        assert all(np.sort(row)[-2] < 0.05 or np.allclose(row, row[0]) for row in cold)


def test_step_3_gives_the_dimension_reason_for_root_d_k(at):
    # Issue 13: "long vectors give big dot products" was the wrong reason.
    step_3 = next(t for t in texts(at) if "d_k = 8" in t)
    assert "Long vectors give big dot products" not in step_3
    assert "number of dimensions" in step_3 and "gradient" in step_3
    step_1 = next(t for t in texts(at) if "Each word is a row of" in t)
    assert "symmetric" in step_1 and "word order is invisible" in step_1


def test_step_1_reads_out_words_of_this_sentence():
    # Issue 12, item 12: the page talked about *river* and *bank* whatever the sentence.
    at = open_lesson(MATH, {"sentence": "the man paid the dog"})
    step_1 = next(t for t in texts(at) if "Each word is a row of" in t)
    assert "*man* is person 3 and *paid* is money 2, action 1.5" in step_1
    assert "river" not in step_1 and "bank" not in step_1


# ---- predict, then reveal (issue 15) ----------------------------------------------------------


def test_predict_mode_hides_every_answer_until_a_prediction():
    at = open_lesson(MATH, {"predict": "true"})
    assert not at.exception
    assert not chart_elements(at)
    assert not any("table" in e.label for e in at.expander)
    shown = " ".join(texts(at))
    assert "By hand:" not in shown  # step 5's mix quotes the weights
    assert "Turn off" not in shown  # the note
    # The inputs stay: step 2's row by hand is what a student works from.
    assert "One row by hand" in shown
    assert any("question waits in step 4" in i.value for i in at.info)
    question = prompt(at)
    assert "the row of *river*?" in question and "divided by √8" in question
    assert "temperature 1" in question
    assert options(at) == list(BAND_NAMES)


def test_a_right_prediction_is_confirmed_and_a_wrong_one_corrected():
    at = open_lesson(MATH, {"predict": "true"})
    top = ac.refine(DEFAULT_TEXT).weights[1].max()  # the row of river
    right = next(i for i, name in enumerate(BAND_NAMES) if name in band_names(top))
    reveal(at, right)
    assert not at.exception
    assert verdict(at) == (True, set())
    assert len(charts(at)) >= 5 and "By hand:" in " ".join(texts(at))
    assert not any("question waits in step 4" in i.value for i in at.info)
    line = why(at, "The largest weight is")
    assert "leads the next one by 5.4" in line and ac.percent(top) in line  # 9 against 3.6
    predict_again(at)
    assert not chart_elements(at)
    wrong = next(i for i, name in enumerate(BAND_NAMES) if name not in band_names(top))
    reveal(at, wrong)
    assert verdict(at) == (False, band_names(z(at, "math-weights")[1].max()))


#: Words for generated sentences: known ones, a small word, an unknown one.
MATH_WORDS = ["the", "river", "bank", "money", "paid", "sat", "zorblat", "spring", "cave"]


def asked_row(at, question: str) -> tuple[int, str]:
    """The row ``question`` (read before the reveal) is about, on the weights chart: the first
    row labelled with the word it names (a repeated word has the same row everywhere)."""
    word = re.search(r"the row of \*(.+?)\*\?", question).group(1)
    return tick_text(at, "math-weights").index(word), word


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sentence=st.one_of(
        st.sampled_from([p["sentence"] for p in MATH.presets.values()]),
        st.lists(st.sampled_from(MATH_WORDS), min_size=1, max_size=6).map(" ".join),
    ),
    t=st.sampled_from(TEMPERATURES),
    scaled=st.booleans(),
    pick=st.integers(0, len(BAND_NAMES) - 1),
)
def test_the_band_marked_right_is_what_the_revealed_row_shows(sentence, t, scaled, pick):
    query = {"predict": "true", "sentence": sentence, "t": format_number(t),
             "scaled": str(scaled).lower()}  # fmt: skip
    at = open_lesson(MATH, query)
    assert options(at) == list(BAND_NAMES)
    question = prompt(at)
    assert f"temperature {written(t)}" in question
    assert ("the scores divided by √8" in question) == scaled
    reveal(at, pick)
    assert not at.exception
    row, _ = asked_row(at, question)
    weights = z(at, "math-weights")[row]
    shown = band_names(weights.max())
    right, named = verdict(at)
    assert right == (BAND_NAMES[pick] in shown)
    if not right:
        assert named == shown
    # The why quotes the row drawn: its largest weight, and its scores' lead.
    line = why(at, "The largest weight is")
    assert f"The largest weight is {ac.percent(weights.max())}" in line
    scores = z(at, "math-scores")[row]
    if np.ptp(scores) == 0:
        assert "the same weight" in line
    else:
        below = scores[scores < scores.max()]
        assert f"the best score, {written(scores.max())}" in line
        gap = scores.max() - below.max()
        assert f"by {written(gap) if written(gap) != '0' else 'less than 0.01'}" in line


def test_the_misconception_is_true_of_the_default_weights(at):
    # Teacher's notes: the scores are symmetric here, the weights are not.
    scores, weights = z(at, "math-scores"), z(at, "math-weights")
    np.testing.assert_allclose(scores, scores.T)
    river, bank = tick_text(at, "math-weights").index("river"), 2
    assert abs(weights[river, bank] - weights[bank, river]) > 0.01
    open_section(at, "Teacher's notes")
    notes = " ".join(texts(at))
    assert "the weights are not symmetric" in notes and "Ask the room" in notes
