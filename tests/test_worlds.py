"""The toy worlds the lessons explore: dictionary, classroom, sentence, noisy room, query space.

These pin the stories the pages tell ("ci-dessous" finds "sous", "bank" leans toward "river"),
so a change to a hand-made embedding that breaks a lesson fails here first.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attention_core import (
    AMBIGUOUS_WORDS,
    COUNTRIES,
    DICTIONARY_KEYS,
    DICTIONARY_VALUES,
    FEATURES,
    MAX_TOKENS,
    MAX_VOICES,
    MIN_VOICES,
    NOTE_FACTS,
    NOTE_LABELS,
    SPACE_KEYS,
    TOPICS,
    UNSEEN_WORDS,
    VOCABULARY,
    Lookup,
    ask,
    competing_notes,
    cosine,
    embed,
    is_clear_match,
    listen,
    lookup,
    meaning,
    probe,
    project_2d,
    refine,
    tokenize,
    word_vector,
)

ROOT = Path(__file__).resolve().parents[1]
N_KEYS = len(DICTIONARY_KEYS)


def assert_uniform(weights: np.ndarray, what: str) -> None:
    n = weights.shape[-1]
    np.testing.assert_allclose(weights, 1.0 / n, rtol=0, atol=1e-12, err_msg=f"{what}: not flat")


def spread(r) -> dict[str, float]:
    """A lookup's weights by key, rounded, for failure messages."""
    return {key: round(float(w), 3) for key, w in zip(r.keys, r.weights, strict=True)}


# --- the soft dictionary ------------------------------------------------------------------------


def test_ci_dessous_finds_sous():
    r = lookup("ci-dessous")
    assert r.answer == "below", f"answer {r.answer!r}, weights {spread(r)}"
    assert r.top_key == "sous"
    assert r.known_query
    assert r.weights.shape == (N_KEYS,) and r.output.shape == (len(DICTIONARY_VALUES),)
    np.testing.assert_allclose(r.weights.sum(), 1.0, atol=1e-12)


def test_one_hot_encoding_finds_nothing():
    r = lookup("ci-dessous", encoding="one_hot")
    assert_uniform(r.weights, "one-hot lookup of an unseen word")
    assert r.answer is None, f"one-hot gave an answer {r.answer!r}"
    np.testing.assert_array_equal(r.scores, 0.0)


def test_one_hot_encoding_still_finds_an_exact_key():
    r = lookup("sous", encoding="one_hot")
    assert r.answer == "below" and r.top_key == "sous"


@pytest.mark.parametrize(
    ("key", "value"), list(zip(DICTIONARY_KEYS, DICTIONARY_VALUES, strict=True))
)
def test_every_key_finds_its_own_value(key, value):
    r = lookup(key)
    assert r.top_key == key, f"{key!r} spotlit {r.top_key!r}"
    assert r.answer == value, f"{key!r} answered {r.answer!r}, expected {value!r}"
    assert meaning(key) == value


#: A sensible English answer for each unseen French word (the dictionary's nearest entry).
UNSEEN_ANSWERS = {
    "ci-dessous": "below",
    "dessous": "below",
    "par-dessus": "above",
    "dedans": "in",
    "là-bas": "far",
    "bientôt": "after",
    "chaton": "cat",
    "tarte": "cake",
    "écarlate": "red",
}


def test_unseen_answer_table_covers_every_unseen_word():
    assert set(UNSEEN_ANSWERS) == set(UNSEEN_WORDS), "update UNSEEN_ANSWERS with the new words"


@pytest.mark.parametrize("word", list(UNSEEN_WORDS))
def test_unseen_words_get_a_clear_sensible_answer(word):
    r = lookup(word)
    assert r.known_query and word not in DICTIONARY_KEYS
    assert r.answer is not None, f"{word!r} has no clear answer: {spread(r)}"
    assert r.answer == UNSEEN_ANSWERS[word], f"{word!r} ({meaning(word)}) -> {r.answer!r}"
    assert is_clear_match(r.weights)


@pytest.mark.parametrize(
    ("word", "answer"), [("chaton", "cat"), ("écarlate", "red"), ("tarte", "cake")]
)
def test_explicit_unseen_translations(word, answer):
    assert lookup(word).answer == answer


@pytest.mark.parametrize("word", ["xyzzy", "", "   ", "🦄", "chat noir", "\u200b", "SOUS-MARIN"])
@pytest.mark.parametrize("encoding", ["embedding", "one_hot"])
def test_unknown_words_give_flat_weights_and_no_answer(word, encoding):
    r = lookup(word, encoding=encoding)
    assert not r.known_query, f"{word!r} was treated as known"
    assert_uniform(r.weights, f"lookup({word!r}, encoding={encoding!r})")
    assert r.answer is None
    assert r.entropy_bits == pytest.approx(math.log2(N_KEYS), abs=1e-12)


@pytest.mark.parametrize("word", ["  Sous ", "SOUS", "\tsous\n", "Ci-Dessous", "GÂTEAU"])
def test_case_and_whitespace_insensitive(word):
    r = lookup(word)
    assert r.known_query and r.answer is not None
    assert r.query == word.strip().casefold()


def test_unicode_normalisation():
    decomposed = "ga\u0302teau"  # "gâteau" typed as a plus a combining circumflex
    assert lookup(decomposed).answer == "cake"
    assert meaning("pre\u0300s") == "near"


def test_unknown_encoding_raises():
    with pytest.raises(ValueError, match="encoding"):
        lookup("sous", encoding="bag_of_words")  # type: ignore[arg-type]


def test_temperature_sharpens_and_flattens_the_dictionary():
    cold = lookup("ci-dessous", temperature=0.05)
    assert cold.weights.max() > 0.99, f"top weight at T=0.05: {cold.weights.max()}"
    assert cold.top_key == "sous"
    hot = lookup("ci-dessous", temperature=20)
    assert hot.entropy_bits == pytest.approx(math.log2(16), abs=0.02), hot.entropy_bits
    assert hot.entropy_bits < math.log2(16)
    assert N_KEYS == 16


@pytest.mark.parametrize("temperature", [0.0, -1.0, float("nan"), float("inf")])
def test_worlds_reject_bad_temperature(temperature):
    for call in (
        lambda: lookup("sous", temperature=temperature),
        lambda: ask("What is the capital of France?", temperature=temperature),
        lambda: refine("the river bank", temperature=temperature),
        lambda: listen(5, temperature=temperature),
        lambda: probe(1.0, 0.0, temperature=temperature),
    ):
        with pytest.raises(ValueError, match="temperature"):
            call()


def test_unscaled_lookup_uses_raw_dot_products():
    scaled, plain = lookup("chaton"), lookup("chaton", scaled=False)
    np.testing.assert_allclose(plain.scaled_scores, plain.scores)
    np.testing.assert_allclose(scaled.scaled_scores, scaled.scores / math.sqrt(12))
    assert plain.weights.max() > scaled.weights.max(), "without the scale the match is sharper"


# --- the classroom --------------------------------------------------------------------------------


def test_capital_of_france_is_paris():
    r = ask("What is the capital of France?")
    assert r.answer == "Paris", f"answer {r.answer!r}"
    assert r.keys[int(np.argmax(r.weights))] == "France · capital"
    assert r.known_query and r.query == "capital, France"


#: Written out by hand (not read from the module) so the test checks the facts, not a copy.
CAPITALS = {
    "France": "Paris",
    "Japan": "Tokyo",
    "Italy": "Rome",
    "Germany": "Berlin",
    "Spain": "Madrid",
    "Egypt": "Cairo",
    "Brazil": "Brasília",
    "Canada": "Ottawa",
    "India": "New Delhi",
    "Kenya": "Nairobi",
}
LANGUAGES = {
    "France": "French",
    "Japan": "Japanese",
    "Italy": "Italian",
    "Germany": "German",
    "Spain": "Spanish",
    "Egypt": "Arabic",
    "Brazil": "Portuguese",
    "Canada": "English and French",
    "India": "Hindi and English",
    "Kenya": "Swahili and English",
}
CURRENCIES = {
    "France": "euro",
    "Japan": "yen",
    "Italy": "euro",
    "Germany": "euro",
    "Spain": "euro",
    "Egypt": "Egyptian pound",
    "Brazil": "real",
    "Canada": "Canadian dollar",
    "India": "rupee",
    "Kenya": "Kenyan shilling",
}
QUESTIONS = [
    *((f"What is the capital of {c}?", a) for c, a in CAPITALS.items()),
    *((f"Which language do they speak in {c}?", a) for c, a in LANGUAGES.items()),
    *((f"What currency do people use in {c}?", a) for c, a in CURRENCIES.items()),
    ("what city is the CAPITAL of japan", "Tokyo"),
    ("How do you pay in Kenya?", "Kenyan shilling"),
    ("Which languages are spoken in India?", "Hindi and English"),
]


@pytest.mark.parametrize(("question", "answer"), QUESTIONS)
def test_classroom_answers(question, answer):
    r = ask(question)
    assert r.answer == answer, f"{question!r} -> {r.answer!r} (expected {answer!r})"
    top = r.keys[int(np.argmax(r.weights))]
    assert r.values[int(np.argmax(r.weights))] == answer, f"brightest note {top!r}"


def test_every_note_is_answerable():
    assert len(NOTE_LABELS) == len(NOTE_FACTS) == 30


def test_weather_question_is_flat():
    r = ask("What is the weather like today?")
    assert_uniform(r.weights, "weather question")
    assert r.answer is None and not r.known_query and r.query == ""


def test_tell_me_about_germany_is_a_three_way_tie():
    r = ask("Tell me about Germany")
    assert r.answer is None, f"a tie should not answer, got {r.answer!r}"
    top3 = np.argsort(-r.weights, kind="stable")[:3]
    assert {r.keys[i] for i in top3} == {
        "Germany · capital",
        "Germany · language",
        "Germany · currency",
    }
    np.testing.assert_allclose(r.weights[top3], r.weights[top3[0]], atol=1e-15)
    assert r.weights[top3].sum() > 0.9


@pytest.mark.parametrize("question", ["", "   ", "?!", "🌍🌍🌍", "capital capital capital"])
def test_odd_questions_never_raise(question):
    r = ask(question)
    assert np.isfinite(r.weights).all()
    np.testing.assert_allclose(r.weights.sum(), 1.0, atol=1e-12)


# --- sentences: tokenize and embed ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Café, naïve — мир!", ["café", "naïve", "мир"]),
        ("I don't know.", ["i", "don't", "know"]),
        ("I don’t know", ["i", "don’t", "know"]),
        ("The River BANK", ["the", "river", "bank"]),
        ("a well-known 🏦 bank 😀!!", ["a", "well-known", "bank"]),
        ("zero\u200bwidth", ["zero", "width"]),
        ("snake_case 42 ciudad", ["snake", "case", "42", "ciudad"]),
        ("", []),
        ("?!… — 🎉", []),
    ],
)
def test_tokenize(text, tokens):
    assert tokenize(text) == tokens


def test_embed_known_and_unknown_words():
    x, known = embed(["river", "xyzzy", "bank", "🦄"])
    assert x.shape == (4, len(FEATURES)) and x.dtype == np.float64
    np.testing.assert_array_equal(known, [True, False, True, False])
    np.testing.assert_array_equal(x[0], VOCABULARY["river"])
    assert np.isfinite(x).all() and np.linalg.norm(x[1]) > 0, "an unknown word needs a vector"


def test_embed_empty():
    x, known = embed([])
    assert x.shape == (0, len(FEATURES)) and known.shape == (0,)


def _in_fresh_process(code: str, arg: object, **env_changes: str | None) -> object:
    """Run ``code`` in a new interpreter and return the JSON it prints.

    The child inherits this process's environment (these machines set ``OPENBLAS_*`` on purpose);
    ``env_changes`` adds variables, or removes them when the value is None.
    """
    env = dict(os.environ)
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(arg)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(out.stdout)


#: The OpenBLAS settings of the machine, removed for the "unset" run (whatever is set here).
_BLAS_UNSET = {name: None for name in os.environ if name.startswith("OPENBLAS_")}


@pytest.mark.parametrize("blas_env", ["inherited", "openblas unset"])
def test_unknown_vector_is_bit_for_bit_the_same_in_a_fresh_process(blas_env):
    """An unknown word's vector is computed without BLAS, so every server, whatever kernel
    OpenBLAS picks for its CPU, gives the same bits (and a share link the same numbers)."""
    words = ["xyzzy", "flibbertigibbet", "мир", "🦄"]
    here = [word_vector(w).tolist() for w in words]
    assert here == [word_vector(w).tolist() for w in words], "changed within one process"
    assert here[0] != here[1], "different unknown words should get different vectors"
    code = (
        "import json, sys; from attention_core import word_vector; "
        "print(json.dumps([word_vector(w).tolist() for w in json.loads(sys.argv[1])]))"
    )
    changes = {"PYTHONHASHSEED": "12345", **(_BLAS_UNSET if blas_env != "inherited" else {})}
    there = _in_fresh_process(code, words, **changes)
    assert there == here, "unknown-word vectors differ in a fresh process"


@pytest.mark.parametrize("blas_env", ["inherited", "openblas unset"])
def test_a_sentence_refines_to_the_same_numbers_in_a_fresh_process(blas_env):
    """What a share link promises: the same sentence gives the same weights and refined vectors
    on another server, far beyond the two decimals on screen. Matrix products go through BLAS,
    whose rounding may differ in the last bit between CPU kernels, so this is to 1e-12, not
    bit-for-bit."""
    text = "I sat on the river bank with a xyzzy"
    here = refine(text, temperature=0.3)
    code = (
        "import json, sys; from attention_core import refine; "
        "r = refine(json.loads(sys.argv[1]), temperature=0.3); "
        "print(json.dumps([r.weights.tolist(), r.refined.tolist()]))"
    )
    changes = _BLAS_UNSET if blas_env != "inherited" else {}
    weights, refined = _in_fresh_process(code, text, **changes)
    np.testing.assert_allclose(weights, here.weights, rtol=0, atol=1e-12)
    np.testing.assert_allclose(refined, here.refined, rtol=0, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=60))
def test_any_text_refines_without_error(text):
    r = refine(text)
    n = len(r.tokens)
    assert r.embeddings.shape == r.refined.shape == (n, len(FEATURES))
    assert r.weights.shape == (n, n) and r.known.shape == (n,)
    assert np.isfinite(r.refined).all()
    if n:
        np.testing.assert_allclose(r.weights.sum(axis=1), 1.0, atol=1e-12)


def test_vocabulary_size_and_shape():
    assert len(VOCABULARY) >= 200, len(VOCABULARY)
    assert all(len(v) == len(FEATURES) for v in VOCABULARY.values())
    assert all(w == w.casefold() and w.strip() == w for w in VOCABULARY), "keys must be tokens"
    assert set(AMBIGUOUS_WORDS) <= set(VOCABULARY)
    for w in ("river", "money", "bank"):
        assert w in VOCABULARY


# --- sentences: self-attention --------------------------------------------------------------------


def bank_after(sentence: str) -> tuple[np.ndarray, np.ndarray]:
    r = refine(sentence)
    i = r.tokens.index("bank")
    return r.embeddings[i], r.refined[i]


RIVER = "I sat on the river bank"
MONEY = "I paid the money into the bank"


def test_bank_leans_toward_its_context():
    _, river_bank = bank_after(RIVER)
    _, money_bank = bank_after(MONEY)
    river, money = word_vector("river"), word_vector("money")
    assert cosine(river_bank, river) > cosine(river_bank, money), "river bank leans to money"
    assert cosine(money_bank, money) > cosine(money_bank, river), "money bank leans to river"


def test_bank_shift_is_visible_on_the_nature_money_plane():
    before_r, after_r = bank_after(RIVER)
    before_m, after_m = bank_after(MONEY)
    proj = project_2d(np.vstack([before_r, after_r, before_m, after_m]), ("nature", "money"))

    def angle(v: np.ndarray) -> float:
        x, y = proj(v)[0]
        return math.degrees(math.atan2(y, x))

    def gap(a: float, b: float) -> float:
        return abs((a - b + 180) % 360 - 180)

    # Where refined "bank" points, and which way it moved from its input embedding.
    position_gap = gap(angle(after_r), angle(after_m))
    arrow_gap = gap(angle(after_r - before_r), angle(after_m - before_m))
    assert position_gap > 20, f"refined bank points {position_gap:.1f} degrees apart"
    assert arrow_gap > 20, f"bank's shift arrows are only {arrow_gap:.1f} degrees apart"
    assert angle(after_r) < 45 < angle(after_m), "river bank below the diagonal, money above"


def test_long_text_is_truncated():
    text = " ".join(["river"] * 50 + ["money"] * 50)
    r = refine(text)
    assert len(r.tokens) == MAX_TOKENS == 40
    assert r.truncated and r.n_words == 100
    assert r.weights.shape == (40, 40) and r.refined.shape == (40, len(FEATURES))
    short = refine("the river bank")
    assert not short.truncated and short.n_words == 3


@pytest.mark.parametrize(("n_words", "truncated"), [(39, False), (40, False), (41, True)])
def test_truncation_boundary(n_words, truncated):
    r = refine(" ".join(["bank"] * n_words))
    assert r.truncated is truncated, f"{n_words} words: truncated={r.truncated}"
    assert len(r.tokens) == min(n_words, MAX_TOKENS) and r.n_words == n_words


def test_max_tokens_can_be_lowered():
    r = refine("I sat on the river bank", max_tokens=3)
    assert r.tokens == ("i", "sat", "on") and r.truncated and r.n_words == 6


@pytest.mark.parametrize("text", ["", "?!…", "   ", "🎉🎉"])
@pytest.mark.parametrize("causal", [False, True])
def test_empty_refinement_is_valid(text, causal):
    r = refine(text, causal=causal)
    assert r.tokens == () and r.n_words == 0 and not r.truncated
    assert r.weights.shape == (0, 0)
    assert r.refined.shape == r.embeddings.shape == (0, len(FEATURES))
    assert r.entropy_bits.shape == (0,) and r.shift.shape == (0,)
    assert r.unknown_words == ()


def test_causal_refinement_looks_back_only():
    r = refine("the money went into the river bank", causal=True)
    n = len(r.tokens)
    assert (np.triu(r.weights, k=1) == 0).all(), f"a word looked ahead:\n{r.weights}"
    np.testing.assert_array_equal(r.weights[0], np.eye(n)[0])
    np.testing.assert_allclose(r.refined[0], r.embeddings[0], atol=1e-15)
    assert r.causal


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", max_size=60)
    | st.sampled_from(["I sat on the river bank", "the bank lent money to the teacher"]),
    temperature=st.sampled_from([0.05, 1.0, 20.0]),
    causal=st.booleans(),
)
def test_refined_numbers_stay_within_the_range_of_the_inputs(text, temperature, causal):
    """Each refined feature is a weighted average of that feature over the words, so lesson 7
    can fix one colour range for X and X' that no temperature can break."""
    r = refine(text, temperature=temperature, causal=causal)
    if not r.tokens:
        return
    low, high = r.embeddings.min(axis=0), r.embeddings.max(axis=0)  # (d,)
    assert (r.refined >= low - 1e-12).all() and (r.refined <= high + 1e-12).all()


@pytest.mark.parametrize("temperature", [1e-6, 1e6])
def test_refine_at_extreme_temperatures(temperature):
    r = refine("I sat on the river bank with my dog", temperature=temperature)
    assert np.isfinite(r.weights).all() and np.isfinite(r.refined).all()
    np.testing.assert_allclose(r.weights.sum(axis=1), 1.0, atol=1e-12)
    if temperature == 1e6:
        np.testing.assert_allclose(r.weights, 1 / len(r.tokens), rtol=1e-4)


def test_repeated_word_attends_evenly():
    r = refine("bank bank bank")
    assert_uniform(r.weights, "bank bank bank")
    np.testing.assert_allclose(r.refined, r.embeddings, atol=1e-15)


def test_refinement_records_unknown_words_and_shift():
    r = refine("the glorp river bank")
    assert r.unknown_words == ("glorp",)
    np.testing.assert_array_equal(r.known, [True, False, True, True])
    np.testing.assert_allclose(r.shift, np.linalg.norm(r.refined - r.embeddings, axis=1))
    np.testing.assert_allclose(r.entropy_bits, -np.sum(r.weights * np.log2(r.weights), axis=1))


def test_cosine():
    assert cosine(np.array([1.0, 0.0]), np.array([2.0, 0.0])) == pytest.approx(1.0)
    assert cosine(np.array([1.0, 0.0]), np.array([0.0, 3.0])) == pytest.approx(0.0)
    assert cosine(np.array([1.0, 1.0]), np.array([-1.0, -1.0])) == pytest.approx(-1.0)
    assert cosine(np.zeros(2), np.array([1.0, 0.0])) == 0.0


# --- 2-D projections ------------------------------------------------------------------------------


def test_feature_axes_pick_the_named_columns():
    rng = np.random.default_rng(0)
    v = rng.normal(size=(6, len(FEATURES)))
    proj = project_2d(v, ("money", "nature"))
    np.testing.assert_array_equal(
        proj(v), v[:, [FEATURES.index("money"), FEATURES.index("nature")]]
    )
    assert proj.axis_labels == ("money", "nature")


def test_unknown_feature_names_the_choices():
    with pytest.raises(ValueError) as err:
        project_2d(np.zeros((2, len(FEATURES))), ("nature", "colour"))
    message = str(err.value)
    assert "colour" in message and all(f in message for f in FEATURES), message


def test_pca_components_are_orthonormal_and_labelled():
    r = refine("I sat on the river bank and paid money to my friend at the shop")
    v = np.vstack([r.embeddings, r.refined])
    proj = project_2d(v)
    c = proj.components
    np.testing.assert_allclose(c @ c.T, np.eye(2), atol=1e-12)
    assert proj.axis_labels[0].startswith("PC1") and proj.axis_labels[1].startswith("PC2")
    # Sign convention: the largest loading of each component is positive.
    for row in c:
        assert row[np.argmax(np.abs(row))] > 0
    # PC1 carries at least as much variance as PC2, and both are centred.
    xy = proj(v)
    np.testing.assert_allclose(xy.mean(axis=0), 0.0, atol=1e-12)
    assert xy[:, 0].var() >= xy[:, 1].var()


def test_pca_sign_is_stable():
    rng = np.random.default_rng(5)
    v = rng.normal(size=(10, len(FEATURES)))
    base = project_2d(v).components
    np.testing.assert_allclose(project_2d(v).components, base, atol=0)
    np.testing.assert_allclose(project_2d(-v).components, base, atol=1e-12, err_msg="flipped")
    np.testing.assert_allclose(project_2d(v[::-1]).components, base, atol=1e-12)
    np.testing.assert_allclose(project_2d(v + 3.0).components, base, atol=1e-12)


@pytest.mark.parametrize("n", [0, 1])
def test_pca_of_zero_or_one_vector(n):
    v = np.ones((n, len(FEATURES)))
    proj = project_2d(v)
    assert proj.components.shape == (2, len(FEATURES))
    assert proj(v).shape == (n, 2)
    assert np.isfinite(proj(v)).all()
    assert proj.axis_labels[0].startswith("PC1") and proj.axis_labels[1].startswith("PC2")
    assert project_2d(v, ("nature", "money"))(v).shape == (n, 2)


def test_pca_of_points_on_a_line_has_one_axis():
    v = np.outer(np.arange(4.0), np.eye(len(FEATURES))[2])
    proj = project_2d(v)
    np.testing.assert_allclose(proj.components[0], np.eye(len(FEATURES))[2], atol=1e-12)
    np.testing.assert_array_equal(proj.components[1], 0.0)


# --- the noisy room ---------------------------------------------------------------------------


def test_low_temperature_hears_only_the_friend():
    room = listen(12, temperature=0.05)
    assert room.friend_share > 0.999, room.friend_share
    assert room.voices[0] == "your friend" and len(room.voices) == 12


@pytest.mark.parametrize("n", [MIN_VOICES, 5, 12, MAX_VOICES])
def test_high_temperature_hears_everyone(n):
    room = listen(n, temperature=20)
    assert abs(room.friend_share - 1 / n) < 0.25 / n, f"friend share {room.friend_share} vs 1/{n}"
    assert room.entropy_bits == pytest.approx(math.log2(n), abs=0.02)
    assert room.chatter_share == pytest.approx(1 - room.friend_share)


@pytest.mark.parametrize("n", range(MIN_VOICES, MAX_VOICES + 1))
def test_room_is_a_distribution_with_unique_voices(n):
    room = listen(n)
    assert room.weights.shape == room.scores.shape == (n,)
    np.testing.assert_allclose(room.weights.sum(), 1.0, atol=1e-12)
    assert room.friend_share == room.weights.max()
    assert len(set(room.voices)) == n, "two voices share a label"


def test_room_is_deterministic_and_seeded():
    np.testing.assert_array_equal(listen(10).scores, listen(10).scores)
    assert not np.array_equal(listen(10, seed=1).scores, listen(10, seed=2).scores)
    # Adding voices keeps the ones already in the room.
    np.testing.assert_array_equal(listen(20).scores[:10], listen(10).scores)


@pytest.mark.parametrize("n", [MIN_VOICES - 1, 0, -3, MAX_VOICES + 1, 1000])
def test_room_size_outside_range_raises(n):
    with pytest.raises(ValueError, match="n_voices"):
        listen(n)


# --- the query space --------------------------------------------------------------------------


def test_dot_product_ranking_differs_from_distance_ranking():
    p = probe(1.0, 0.0)
    assert p.keys[p.by_dot[0]] == "lion", p.by_dot
    assert p.keys[p.by_distance[0]] == "kitten", p.by_distance
    assert p.keys[int(np.argmax(p.weights))] == "lion" == p.top_key


@settings(max_examples=40, deadline=None)
@given(
    x=st.floats(-3, 3, allow_nan=False),
    y=st.floats(-3, 3, allow_nan=False),
    temperature=st.sampled_from([0.05, 1.0, 20.0]),
    scaled=st.booleans(),
)
def test_probe_output_is_the_weighted_mean_of_the_values(x, y, temperature, scaled):
    p = probe(x, y, temperature=temperature, scaled=scaled)
    keys = np.array(list(SPACE_KEYS.values()))
    np.testing.assert_array_equal(p.keys_matrix, keys)
    np.testing.assert_array_equal(p.values_matrix, keys)
    np.testing.assert_allclose(p.output, p.weights @ keys, atol=1e-12)
    np.testing.assert_allclose(p.weights.sum(), 1.0, atol=1e-12)
    np.testing.assert_allclose(p.distances, np.hypot(keys[:, 0] - x, keys[:, 1] - y), atol=1e-12)
    np.testing.assert_allclose(p.attention.scores, keys @ [x, y], atol=1e-12)
    assert sorted(p.by_dot) == sorted(p.by_distance) == list(range(len(SPACE_KEYS)))
    assert p.keys == p.values == tuple(SPACE_KEYS)


def test_probe_at_origin_is_flat():
    p = probe(0.0, 0.0)
    assert_uniform(p.weights, "query at the origin")
    np.testing.assert_allclose(p.output, np.array(list(SPACE_KEYS.values())).mean(axis=0))


def test_notes_are_country_topic_pairs_laid_out_as_a_grid():
    r = ask("What is the capital of France?")
    assert r.notes[0] == ("France", "capital") and r.notes[0].country == "France"
    grid = r.weight_grid
    assert grid.shape == (len(COUNTRIES), len(TOPICS))
    for (country, topic), w, fact in zip(r.notes, r.weights, r.values, strict=True):
        row, col = COUNTRIES.index(country), TOPICS.index(topic)
        assert grid[row, col] == w and r.fact_grid[row][col] == fact
    assert r.fact_grid[0][0] == "Paris"


def test_competing_notes_are_those_close_to_the_brightest():
    assert list(competing_notes(ask("What is the capital of France?"))) == [0]
    germany = ask("Tell me about Germany")
    assert {germany.keys[i] for i in competing_notes(germany)} == {
        "Germany · capital",
        "Germany · language",
        "Germany · currency",
    }
    weather = ask("What is the weather like today?")
    assert len(competing_notes(weather)) == len(weather.keys)


def test_every_lookup_world_exposes_the_same_steps():
    for found in (lookup("ci-dessous"), probe(1.0, 0.0), ask("capital of France")):
        assert isinstance(found, Lookup)
        for name in ("scores", "scaled_scores", "weights", "output"):
            np.testing.assert_array_equal(getattr(found, name), getattr(found.attention, name))
        assert found.keys[found.top] == found.top_key and isinstance(found.query, str)
