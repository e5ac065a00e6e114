"""Lesson 6, refine a sentence: "bank" leans toward river or money by its neighbours."""

from __future__ import annotations

from urllib.parse import parse_qs

import numpy as np
import pytest
from apptest_helpers import (
    chart,
    chart_elements,
    link_notice,
    open_lesson,
    share_link,
    texts,
    values,
)
from claims import check_looks_most
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reveal_helpers import (
    looked_at,
    options,
    predict_again,
    prompt,
    reveal,
    verdict,
    why,
)
from streamlit.util import calc_hash
from test_vocabulary_growth import PRESET_SENSES, strongest_feature

import attention_core as ac
from ui.figures.sentence import SAME_SPOT
from ui.formats import format_number
from ui.lessons import MATH, SENTENCE, SENTENCE_PRESETS
from ui.params import TEMPERATURES
from ui.questions import EVENLY

#: Words for generated sentences: known ones of every kind, small words, an unknown one.
WORDS = ["i", "sat", "on", "the", "river", "bank", "money", "paid", "into", "spring", "bat",
         "cave", "zorblat"]  # fmt: skip


def nearest_after(at) -> str:
    line = next(m.value for m in at.markdown if "refined in this sentence" in m.value)
    return line.split("closest to", 2)[2]


@pytest.mark.parametrize(
    ("preset", "toward", "away"),
    [("River bank", "river", "money"), ("Money bank", "money", "river")],
)
def test_bank_moves_toward_its_neighbour(preset: str, toward: str, away: str) -> None:
    at = open_lesson(SENTENCE)
    at.button(key=f"preset-sentence-{preset}").click().run()
    assert at.text_input(key="text").value == SENTENCE_PRESETS[preset]
    after = nearest_after(at)
    assert f"*{toward}*" in after and f"*{away}*" not in after
    # On the nature × money plane, the refined bank sits on its neighbour's side of the diagonal.
    movement = chart(at, "sentence-movement")
    refined = next(t for t in movement["data"] if t["name"] == "refined embedding")
    x, y = (
        values(refined, "x")[-1],
        values(refined, "y")[-1],
    )  # bank is the last word of both presets
    assert (x > y) if toward == "river" else (y > x)


def test_heatmap_rows_are_weights_and_causal_mask_hides_the_future() -> None:
    at = open_lesson(SENTENCE)
    z = values(chart(at, "sentence-heatmap")["data"][0], "z")
    assert np.allclose(z.sum(axis=1), 1)
    at.toggle(key="causal").set_value(True).run()
    z = values(chart(at, "sentence-heatmap")["data"][0], "z")
    assert np.all(z[np.triu_indices(len(z), 1)] == 0)
    assert z[0, 0] == 1


def test_the_inspected_word_comes_from_the_link_and_is_clamped() -> None:
    at = open_lesson(SENTENCE, {"word": "2"})
    assert "What “sat” looks at" in chart(at, "sentence-row")["layout"]["title"]["text"]
    assert "word=2" in share_link(at)
    at = open_lesson(SENTENCE, {"word": "30"})  # six words: the last one
    assert "What “bank” looks at" in chart(at, "sentence-row")["layout"]["title"]["text"]
    at = open_lesson(SENTENCE, {"word": "nan"})
    assert "**word=nan**" in link_notice(at)


def test_unknown_words_are_marked_and_long_text_is_cut() -> None:
    at = open_lesson(SENTENCE, {"text": "the zorblat sat by the bank"})
    heat = chart(at, "sentence-heatmap")
    assert "zorblat?" in heat["layout"]["yaxis"]["ticktext"]
    at.text_input(key="text").set_value("word " * 100).run()
    assert not at.exception
    assert any("first 40 words" in i.value for i in at.info)
    assert len(values(chart(at, "sentence-heatmap")["data"][0], "z")) == 40


def test_the_math_link_carries_temperature_and_scaling() -> None:
    # Issue 12, item 5: from T = 0.2 unscaled, *bank* gives 0.80 to itself; /math opened at
    # T = 1 scaled and showed 0.28. Follow the link's parameters into /math: the same weight.
    text = "I sat on the river bank"
    at = open_lesson(SENTENCE, {"text": text, "t": "0.2", "scaled": "false"})
    here = values(chart(at, "sentence-heatmap")["data"][0], "z")
    link = next(p for p in at.get("page_link") if p.proto.page == "math")
    query = {k: v[0] for k, v in parse_qs(link.proto.query_string).items()}
    assert query == {"sentence": text, "t": "0.2", "scaled": "false"}
    math = open_lesson(MATH, query)
    there = values(chart(math, "math-weights")["data"][0], "z")
    np.testing.assert_allclose(there, here)
    assert here[5, 5] == pytest.approx(0.80, abs=0.01)  # bank's weight on itself, as reported
    # /math has no causal mask: with it on, the page says so next to the link.
    at.toggle(key="causal").set_value(True).run()
    assert any("no causal mask" in c.value for c in at.caption)


def test_the_math_link_still_carries_them_when_streamlit_drops_them() -> None:
    """Following the link, Streamlit keeps only ``sentence``: ``t`` and ``scaled`` are bound to
    this page's controls, and it drops those from the URL of a page switch. /math puts them back
    from the session, even though this page draws another link (to /projections) after it."""
    text = "I sat on the river bank"
    at = open_lesson(SENTENCE, {"text": text, "t": "0.2", "scaled": "false"})
    pages = [p.proto.page for p in at.get("page_link")]
    assert "projections" in pages[pages.index("math") + 1 :]  # a later link exists
    at.query_params.clear()
    at.query_params["sentence"] = text  # what survives of the link in the browser
    at._page_hash = calc_hash(MATH.url_path)  # the click on the link
    at.run()
    assert not at.exception
    assert at.title[0].value == MATH.title
    assert at.text_input(key="sentence").value == text
    assert at.select_slider(key="t").value == 0.2
    assert at.toggle(key="scaled").value is False


def refined_trace(at) -> dict:
    movement = chart(at, "sentence-movement")
    return next(t for t in movement["data"] if t["name"] == "refined embedding")


@pytest.mark.parametrize("preset", list(SENTENCE.presets))
def test_every_preset_shows_its_point_on_screen(preset: str) -> None:
    """Issue 12, item 8: the ambiguous word's nearest meaning, as printed, changes toward the
    sense the preset names, and the 2-D view is the pair of senses it is torn between."""
    at = open_lesson(SENTENCE)
    at.button(key=f"preset-sentence-{preset}").click().run()
    assert not at.exception
    text = SENTENCE.presets[preset]["text"]
    word, sense, other = PRESET_SENSES[text]
    line = next(m.value for m in at.markdown if "refined in this sentence" in m.value)
    assert line.startswith(f"**{word}** alone")
    before = line.split("closest to", 1)[1].split(";")[0]
    after = nearest_after(at)
    assert before != after
    first_after = after.split("*")[1]
    assert strongest_feature(first_after) == sense, line

    # The 2-D plot: its axes are the two senses, and the word's arrow turns toward the named one.
    layout = chart(at, "sentence-movement")["layout"]
    axes = (layout["xaxis"]["title"]["text"], layout["yaxis"]["title"]["text"])
    assert set(axes) == {sense, other}
    refined = refined_trace(at)
    i = ac.refine(text).tokens.index(word)
    start = next(
        t for t in chart(at, "sentence-movement")["data"] if t["name"] == "input embedding"
    )
    lean = 1 if axes[0] == sense else -1
    end_x, end_y = values(refined, "x")[i], values(refined, "y")[i]
    start_x, start_y = values(start, "x")[i], values(start, "y")[i]
    assert lean * (end_x - end_y) > lean * (start_x - start_y)
    assert_labels_apart(refined, ac.refine(text).tokens)


def assert_labels_apart(refined: dict, tokens) -> None:
    """Every word is named in some label, and no two labels sit on the same spot."""
    points = np.column_stack([values(refined, "x"), values(refined, "y")])
    labels = refined["text"]
    named = " · ".join(labels).split(" · ")
    assert set(tokens) <= {w.rstrip("?").lower() for w in named}  # "I" is shown capitalised
    shown = [p for p, label in zip(points, labels, strict=True) if label]
    span = max(np.ptp(points, axis=0).max(), 1e-9)
    for a in range(len(shown)):
        for b in range(a + 1, len(shown)):
            assert np.linalg.norm(shown[a] - shown[b]) > SAME_SPOT * span * 0.999


@pytest.mark.parametrize("view", SENTENCE.param("view").options)
@pytest.mark.parametrize(
    "text",
    ["I sat on the river bank", "the cat sat on the mat by the door", "i on the the on i"],
)
def test_words_on_the_same_spot_share_one_label(view: str, text: str) -> None:
    # Issue 12, item 7: "i", "on", "the" printed on top of each other in the 2-D plot.
    at = open_lesson(SENTENCE, {"text": text, "view": view})
    assert_labels_apart(refined_trace(at), ac.refine(text).tokens)


def test_the_last_word_keeps_its_label_in_the_row_chart() -> None:
    # Issue 12, item 7: Plotly slanted crowded labels by 30° and hid the last one.
    at = open_lesson(SENTENCE, {"text": "I paid the money into the bank yesterday morning"})
    axis = chart(at, "sentence-row")["layout"]["xaxis"]
    assert axis["ticktext"][-1] == "morning"
    assert axis["tickangle"] in (0, -90)


def depth_text(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("After "))


@pytest.mark.parametrize("norm", [False, True])
@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("layers", [1, 6, 24])
@pytest.mark.parametrize(
    ("text", "t", "scaled", "causal"),
    [
        ("I sat on the river bank", 1.0, True, False),
        ("I paid the money into the bank", 0.05, False, False),
        ("a bat flew out of the dark cave at night", 20.0, True, True),
        ("zorblat the quux", 1.0, True, False),
    ],
)
def test_every_depth_sentence_is_true_of_the_numbers(
    text, t, scaled, causal, layers, residual, norm
):
    """Issue 13, depth: each claim printed under the depth chart holds for the numbers."""
    query = {"text": text, "t": f"{t:g}", "scaled": str(scaled).lower(),
             "causal": str(causal).lower(), "layers": str(layers),
             "residual": str(residual).lower(), "layernorm": str(norm).lower()}  # fmt: skip
    at = open_lesson(SENTENCE, query)
    assert not at.exception
    kwargs = {"temperature": t, "scaled": scaled, "causal": causal, "layer_norm": norm}
    deep = ac.refine_deep(text, layers, residual=residual, **kwargs)
    other = ac.refine_deep(text, layers, residual=not residual, **kwargs)
    story = depth_text(at)
    assert "forget" not in story
    fig = chart(at, "sentence-depth")
    np.testing.assert_allclose(values(fig["data"][0], "y"), deep.mean_cosine)
    cos, lengths = deep.mean_cosine, deep.norms.mean(axis=1)
    assert f"to **{cos[-1]:.2f}**" in story and f"to **{lengths[-1]:.2f}**" in story

    focus = ac.focus_word(deep.tokens)
    last = deep.vectors[-1]
    others = [j for j in range(len(deep.tokens)) if j != focus and np.any(last[j])]
    if "nearly the same vector" in story:
        assert min(ac.cosine(last[focus], last[j]) for j in others) >= 0.99
    if "stay further apart" in story:
        assert residual and cos[-1] < other.mean_cosine[-1] - 0.02
    if "does not keep the words apart" in story:
        assert residual and cos[-1] >= other.mean_cosine[-1] - 0.02
    if "vectors grow" in story:
        assert residual and not norm and lengths[-1] > 2 * lengths[0]
    if "no vector gets longer" in story:
        assert norm and deep.norms[1:].max() <= np.sqrt(len(ac.FEATURES)) + 1e-6


def test_depth_shows_collapse_without_residual_and_identity_with_it_on_the_river_bank():
    at = open_lesson(SENTENCE)  # 6 layers, no residual
    story = depth_text(at)
    assert "*bank* is now no different from *I* or *sat*" in story
    at = open_lesson(SENTENCE, {"residual": "true"})
    story = depth_text(at)
    assert "stay further apart than without it" in story and "vectors grow" in story
    at = open_lesson(SENTENCE, {"residual": "true", "layernorm": "true"})
    assert "no vector gets longer than √8" in depth_text(at)


def test_the_page_says_what_q_equals_k_equals_v_hides() -> None:
    # Issue 13: lessons 6-7 say the scores are symmetric and order is invisible (unless masked).
    at = open_lesson(SENTENCE)
    line = next(c.value for c in at.caption if "Q = K = V = X" in c.value)
    assert "symmetric" in line and "word order is invisible" in line and "Lessons 8–10" in line
    scores = ac.refine(SENTENCE_PRESETS["River bank"]).attention.scores
    np.testing.assert_allclose(scores, scores.T)
    at.toggle(key="causal").set_value(True).run()
    line = next(c.value for c in at.caption if "Q = K = V = X" in c.value)
    assert "invisible" not in line and "causal mask" in line


# ---- predict, then reveal (issue 15) ----------------------------------------------------------

NOTE = "Pick the **River bank** preset"


def test_predict_mode_hides_every_answer_until_a_prediction() -> None:
    at = open_lesson(SENTENCE, {"predict": "true"})
    assert not at.exception
    assert not chart_elements(at)  # heatmap, row, movement and depth all wait
    assert not any("table" in e.label or "before and after" in e.label for e in at.expander)
    shown = " ".join(texts(at))
    assert NOTE not in shown  # the note quotes the numbers
    assert "refined in this sentence" not in shown and "mean cosine" not in shown
    assert "where does *bank* look most?" in prompt(at)
    assert "temperature 1" in prompt(at) and "÷ √8" in prompt(at)
    # The words of the sentence, then the even spread.
    assert options(at) == ["I", "sat", "on", "the", "river", "bank", EVENLY]


def test_a_right_prediction_is_confirmed_and_a_wrong_one_corrected() -> None:
    at = open_lesson(SENTENCE, {"predict": "true"})
    words = options(at)
    row = ac.refine(SENTENCE_PRESETS["River bank"]).weights[-1]  # bank, the last word
    best = words.index(["i", "sat", "on", "the", "river", "bank"][int(np.argmax(row))])
    reveal(at, best)
    assert not at.exception
    assert verdict(at) == (True, set())
    for key in ("sentence-heatmap", "sentence-row", "sentence-movement", "sentence-depth"):
        chart(at, key)  # every chart is back
    assert any(NOTE in i.value for i in at.info)
    assert "Here every word is its own query and key" in why(at, "its own query and key")
    # "Predict again" hides them; a wrong prediction names the answer the chart shows.
    predict_again(at)
    assert not chart_elements(at)
    reveal(at, words.index("the"))
    right, named = verdict(at)
    bars = chart(at, "sentence-row")
    labels = bars["layout"]["xaxis"]["ticktext"]
    assert not right and named == looked_at(labels, values(bars["data"][0], "y"), EVENLY)
    assert named == {words[best]}


def test_a_word_without_features_spreads_evenly_and_says_so() -> None:
    # "the" is all zeros in this toy: every score 0, an even row, "no word stands out".
    at = open_lesson(SENTENCE, {"predict": "true", "word": "4"})
    assert "where does *the* look most?" in prompt(at)
    reveal(at, options(at).index("the"))
    right, named = verdict(at)
    assert not right and named == {EVENLY}
    line = why(at, "its own query and key")
    assert "has no features in this toy" in line and "17%" in line  # 1/6 of the attention


sentences = st.one_of(
    st.sampled_from(list(SENTENCE_PRESETS.values())),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=10).map(" ".join),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=sentences,
    t=st.sampled_from(TEMPERATURES),
    scaled=st.booleans(),
    causal=st.booleans(),
    word=st.integers(1, 10),
    pick=st.integers(0, 7),
)
def test_the_answer_marked_right_is_what_the_revealed_row_shows(
    text, t, scaled, causal, word, pick
) -> None:
    query = {"predict": "true", "text": text, "t": format_number(t), "word": str(word),
             "scaled": str(scaled).lower(), "causal": str(causal).lower()}  # fmt: skip
    at = open_lesson(SENTENCE, query)
    words = options(at)
    assert len(words) <= 8
    choice = pick % len(words)
    reveal(at, choice)
    assert not at.exception
    bars = chart(at, "sentence-row")
    labels = bars["layout"]["xaxis"]["ticktext"]
    row = values(bars["data"][0], "y")
    shown = looked_at(labels, row, EVENLY)
    assert shown <= set(words)  # the right answer is always among the choices
    right, named = verdict(at)
    assert right == (words[choice] in shown)
    if not right:
        assert named == shown
    # The why is true of the row drawn.
    line = why(at, "its own query and key")
    focus = min(word, len(labels)) - 1
    said = line.split(" Here every word is its own query", 1)[0]
    if len(labels) == 1:
        assert "100%" in said
    else:
        check_looks_most(said, row, labels, focus)
    top = {j for j in range(len(row)) if labels[j] in shown}
    if EVENLY not in shown and len(labels) > 1 and focus not in top:
        itself = ac.percent(row[focus])
        # The next one is written precisely enough never to read like the top (10.5%, 11.1%).
        assert f"It gives itself {itself}" in said or "The next is itself (" in said
    assert ("causal mask gives every word after it 0" in line) == (
        causal and focus < len(labels) - 1
    )
