"""Lesson 14, attention between two sentences: every sentence the page prints about the numbers
is checked against the core at random settings of every control (sentences, positions,
temperature, mask, the followed word), and no sentence ever says a word looks at "itself": the
rows and the columns are two different sentences."""

from __future__ import annotations

import re

import numpy as np
from apptest_helpers import chart, link_notice, open_lesson, share_link, texts, values
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from predict_helpers import answer, prediction, why
from predict_helpers import verdict as answered

import attention_core as ac
from ui import claims, questions
from ui.formats import format_number
from ui.lessons import TRANSLATE, TRANSLATE_PAIR, TWO_LE_PAIR
from ui.params import TEMPERATURES

PAGE = settings(
    max_examples=12, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate)
)
FAST = settings(max_examples=150, deadline=None)
FRENCH = sorted(ac.FRENCH)
ENGLISH = sorted(ac.ENGLISH)
#: Typed sentences: toy words, unknown words, the other language's words, hostile text.
french = st.lists(
    st.sampled_from([*FRENCH, "table", "cat", "<b>x</b>"]), min_size=1, max_size=14
).map(" ".join)
english = st.lists(
    st.sampled_from([*ENGLISH, "chat", "table", "$x$"]), min_size=1, max_size=14
).map(" ".join)
strengths = st.sampled_from([i / 4 for i in range(13)])  # the slider's 0 to 3 by 0.25
temperatures = st.sampled_from(TEMPERATURES)
PERCENT = r"(\d+(?:\.\d+)?%|under 1%|nearly 100%|less than 0\.5%)"


def page_texts(at) -> str:
    return "\n".join(texts(at))


def z(at, key: str) -> np.ndarray:
    return values(chart(at, key)["data"][0], "z")


def query(fr, en, s, t, mask=True, word=None) -> dict:
    q = {"fr": fr, "en": en, "pos": format_number(s), "t": format_number(t)}
    if not mask:
        q["mask"] = "false"
    if word is not None:
        q["word"] = str(word)
    return q


# ---- the page, wired to the core ------------------------------------------------------------


def test_default_view_is_the_story_pair():
    at = open_lesson(TRANSLATE)
    assert not at.exception
    tr = ac.translate(*TRANSLATE_PAIR)
    np.testing.assert_allclose(z(at, "translate-cross"), tr.weights, atol=1e-12)
    shown = page_texts(at)
    assert "*below* looks most at *ci\\-dessous*" in shown
    assert "**6 English words × 5 French words = 30 weights.**" in shown
    assert "not square" in shown
    np.testing.assert_allclose(z(at, "translate-decoder"), tr.decoder.weights, atol=1e-12)


@PAGE
@given(french, english, strengths, temperatures, st.booleans(), st.integers(1, 13))
def test_every_sentence_on_the_page_is_the_cores_at_every_setting(fr, en, s, t, mask, word):
    at = open_lesson(TRANSLATE, query(fr, en, s, t, mask, word))
    assert not at.exception
    assert not link_notice(at) or word > ac.MAX_WORDS  # only an out-of-range word is dropped
    tr = ac.translate(fr, en, positions=s, temperature=t)
    shown = page_texts(at)
    assert "itself" not in shown  # two sentences: no row is its own column
    np.testing.assert_allclose(z(at, "translate-cross"), tr.weights, atol=1e-12)
    # A link's word is clamped to the sentence (``run.pick``); one past the slider is dropped.
    focus = min(word, len(tr.target)) - 1 if word <= ac.MAX_WORDS else None
    if focus is None:
        focus = claims.followed_english(tr)
    assert claims.cross_look(tr, focus) in shown
    assert claims.shape_line(tr) in shown
    assert claims.decoder_line(tr) in shown
    batch = ac.padded_batch([(fr, en), ac.batch_mate(fr)], masked=mask, positions=s, temperature=t)
    assert claims.padding_line(batch) in shown
    for i in range(2):
        n_en = int(batch.target_lengths[i])
        np.testing.assert_allclose(
            z(at, f"translate-pair-{i + 1}"), batch.cross.weights[i, :n_en], atol=1e-12
        )


def test_an_empty_sentence_asks_for_one_and_nothing_breaks():
    for q in ({"fr": ""}, {"en": ""}, {"fr": "!!! ???", "en": "…"}):
        at = open_lesson(TRANSLATE, q)
        assert not at.exception
        assert any("Type a French sentence" in i.value for i in at.info)


def test_hostile_text_is_escaped_everywhere():
    at = open_lesson(
        TRANSLATE, {"fr": "le <script>alert(1)</script> chat", "en": "[x](javascript:1) cat"}
    )
    assert not at.exception
    for text in texts(at):
        assert "<script>" not in text and "](javascript" not in text
    ticks = chart(at, "translate-cross")["layout"]["xaxis"]["ticktext"]
    assert all("<" not in tick for tick in ticks)


def test_a_link_restores_every_control_and_the_share_link_keeps_them():
    q = query(*TWO_LE_PAIR, 0.5, 0.2, mask=False, word=6)
    at = open_lesson(TRANSLATE, q)
    assert not at.exception and not link_notice(at)
    assert at.text_input(key="fr").value == TWO_LE_PAIR[0]
    assert at.slider(key="pos").value == 0.5
    assert at.toggle(key="mask").value is False
    link = share_link(at)
    for key in ("pos", "t", "mask", "word"):
        assert f"{key}=" in link, (key, link)
    tr = ac.translate(*TWO_LE_PAIR, positions=0.5, temperature=0.2)
    assert claims.cross_look(tr, 5) in page_texts(at)  # word 6: the second *the*


def test_a_hostile_link_gets_a_clear_message():
    at = open_lesson(TRANSLATE, {"pos": "9", "t": "abc", "mask": "maybe", "word": "0"})
    assert not at.exception
    notice = link_notice(at)
    assert "pos" in notice and "mask" in notice and "t=" in notice


# ---- predict, then reveal --------------------------------------------------------------------


@PAGE
@given(french, english, strengths, temperatures)
def test_the_prediction_agrees_with_the_sentence_it_reveals(fr, en, s, t):
    at = open_lesson(TRANSLATE, {**query(fr, en, s, t), "predict": "true"})
    assert not at.exception
    tr = ac.translate(fr, en, positions=s, temperature=t)
    if not tr.source or not tr.target:
        return
    assert "itself" not in page_texts(at)
    assert "translate-cross" not in " ".join(el.proto.id for el in at.get("bidi_component"))
    radio = prediction(at)
    focus = claims.followed_english(tr)
    q = questions.word_question("", questions.distinct(list(tr.source)), tr.weights[focus], "")
    right = sorted(q.right)
    answer(at, right[0])
    ok, _ = answered(at)
    assert ok, (radio.options, right)
    assert why(at) == claims.cross_look(tr, focus)


# ---- the sentences themselves, as properties -------------------------------------------------


@FAST
@given(french, english, strengths, temperatures, st.integers(0, 11))
def test_looks_most_names_the_largest_french_words_and_never_itself(fr, en, s, t, focus):
    tr = ac.translate(fr, en, positions=s, temperature=t)
    if not tr.source or not tr.target:
        return
    focus = min(focus, len(tr.target) - 1)
    line = claims.cross_look(tr, focus)
    assert "itself" not in line
    row = tr.weights[focus]
    if " looks most at " in line:
        top = sorted(ac.largest(row))
        head = line.split(" looks most at ", 1)[1].split(": ", 1)[0]
        named = set(re.split(r", | and ", head))
        if len(top) <= 4:  # past four, "... and 3 more"
            assert named == {questions.asker(list(tr.source), j) for j in top}, line
    else:
        assert ac.is_even(row) and "evenly" in line


@FAST
@given(french, english, strengths, temperatures)
def test_the_shape_and_the_decoder_lines_are_true(fr, en, s, t):
    tr = ac.translate(fr, en, positions=s, temperature=t)
    n_en, n_fr = tr.weights.shape
    line = claims.shape_line(tr)
    assert line.startswith(f"**{n_en} English word") and f"= {n_en * n_fr} weights" in line
    assert ("not square" in line) == (n_en != n_fr)
    decoder = claims.decoder_line(tr)
    if n_en >= 2:
        assert "exactly 0" in decoder
        assert np.all(tr.decoder.weights[np.triu_indices(n_en, 1)] == 0.0)
    assert f"all {n_fr} French words" in decoder
    assert "itself" not in line + decoder


@FAST
@given(french, english, strengths, temperatures, st.booleans())
def test_the_padding_line_quotes_the_weight_on_padding(fr, en, s, t, masked):
    batch = ac.padded_batch(
        [(fr, en), ac.batch_mate(fr)], masked=masked, positions=s, temperature=t
    )
    line = claims.padding_line(batch)
    padded = [i for i in range(2) if batch.padding[i].any()]
    assert len(padded) == 1  # the batch mate always has another length
    (i,) = padded
    leak = batch.leak(i)
    if masked:
        assert "exactly 0" in line and np.all(leak == 0.0)
    else:
        assert "Without the mask" in line
        assert np.all(leak > 0) or t < 1
        if not ac.leaks(leak):
            assert "less than a billionth" in line and np.all(leak <= ac.ROUNDING)
            return
        shares = re.search(rf"give {PERCENT}( to {PERCENT})?", line)
        assert shares, line
        low, high = shares.group(1), shares.group(3) or shares.group(1)
        assert low == claims.share_or_less(float(leak.min()))
        assert high == claims.share_or_less(float(leak.max()))
    assert f"pair {i + 1}" in line


def test_the_cost_line_is_n_squared():
    costs = [ac.Cost(n, n * n, 4 * n * n, 12 * n * n, 0.0, "float32") for n in ac.COST_SIZES]
    line = claims.cost_line(costs)
    assert "8 to 4,096 tokens" in line and "512-fold" in line and "262,144-fold" in line
    assert "64 → 16,777,216 weights" in line and "256 bytes → 64 MiB" in line
    assert "128 MiB in float64" in line


def test_the_real_model_line_counts_every_head():
    line = claims.real_model_line(6, 12, 128, 512)
    assert "6 layers × 12 heads × 128² = 1,179,648 weights" in line
    assert "16 times as many (18,874,368)" in line


def test_the_presets_show_what_the_note_says():
    """The note: *below* finds *ci-dessous*, *red* finds *rouge*; two *le* tie for *the*
    without places, and places tell them apart."""
    tr = ac.translate(*TRANSLATE_PAIR, positions=TRANSLATE.presets["Ci-dessous"].get("pos", 1.0))
    assert "*below* looks most at *ci\\-dessous*" in claims.cross_look(tr, 5)
    assert "*red* looks most at *rouge*" in claims.cross_look(tr, 1)
    tie = ac.translate(*TWO_LE_PAIR, positions=0.0)
    assert ", an exact tie." in claims.cross_look(tie, 0)
    apart = ac.translate(*TWO_LE_PAIR, positions=1.0)
    assert "*the* (word 1) looks most at *le* (word 1):" in claims.cross_look(apart, 0)
    leak = ac.padded_batch([TRANSLATE_PAIR, ac.batch_mate(TRANSLATE_PAIR[0])], masked=False)
    assert ac.leaks(leak.leak(0))
