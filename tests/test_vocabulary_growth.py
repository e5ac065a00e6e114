"""Every sentence preset shows its point, and the words students obviously type are known.

Issue 12, item 8: the "Bat" preset used to demonstrate nothing ("dark" and "cave" were unknown, so
*bat* stayed closest to "bark, barked, fly" before and after). Here each preset's ambiguous word
must move toward the sense the preset names, and the nearest meaning the page prints must change.
"""

from __future__ import annotations

import numpy as np
import pytest

from attention_core import (
    FEATURES,
    VOCABULARY,
    focus_word,
    lookup,
    meaning,
    nearest_words,
    refine,
    tokenize,
)

#: preset sentence -> (ambiguous word, the sense the preset names, the sense it leaves), senses as
#: features. The sentences are those of the sentence page's presets
#: (``ui.lessons.SENTENCE_PRESETS``).
PRESET_SENSES: dict[str, tuple[str, str, str]] = {
    "I sat on the river bank": ("bank", "nature", "money"),
    "I paid the money into the bank": ("bank", "money", "nature"),
    # spring the season, in nature, rather than spring the jump (action)
    "the flowers bloom in spring after a cold winter": ("spring", "nature", "action"),
    # bat the animal rather than the cricket bat you swing (action)
    "a bat flew out of the dark cave at night": ("bat", "animal", "action"),
}


def strongest_feature(word: str) -> str:
    v = np.array(VOCABULARY[word])
    top = np.sort(v)[-2:]
    assert top[1] > top[0], (
        f"{word!r} has no single strongest feature: {dict(zip(FEATURES, v, strict=True))}"
    )
    return FEATURES[int(np.argmax(v))]


def lean(vector: np.ndarray, sense: str, other: str) -> float:
    """How far ``vector`` leans toward ``sense`` rather than ``other``, relative to its length."""
    return float(
        (vector[FEATURES.index(sense)] - vector[FEATURES.index(other)]) / np.linalg.norm(vector)
    )


@pytest.mark.parametrize(("text", "expected"), list(PRESET_SENSES.items()))
def test_each_preset_moves_its_ambiguous_word_toward_the_named_sense(text, expected):
    word, sense, other = expected
    r = refine(text)
    assert r.unknown_words == (), f"{text!r}: unknown words {r.unknown_words}"
    i = focus_word(r.tokens)
    assert r.tokens[i] == word
    before = nearest_words(r.embeddings[i], exclude=(word,))
    after = nearest_words(r.refined[i], exclude=(word,))
    # What the page prints ("closest to ...") changes, and now names the preset's sense.
    assert [w for w, _ in before] != [w for w, _ in after], f"{word}: nearest words unchanged"
    assert strongest_feature(after[0][0]) == sense, f"{word} refined is closest to {after}"
    # And the word really turned toward that sense.
    assert lean(r.refined[i], sense, other) > lean(r.embeddings[i], sense, other) + 0.1


def test_preset_table_covers_the_pages_presets():
    lessons = pytest.importorskip("ui.lessons")
    presets = getattr(lessons, "SENTENCE_PRESETS", None)
    if presets is None:
        pytest.skip("the sentence presets moved; keep PRESET_SENSES in step with them")
    assert set(presets.values()) <= set(PRESET_SENSES), "a sentence preset has no expected sense"


@pytest.mark.parametrize(
    "text",
    [
        "the teacher wrote on the board",
        "I paid money at the bank by the river",
        "dog bites man",
        "man bites dog",
    ],
)
def test_lesson_sentences_are_in_the_vocabulary(text):
    unknown = [t for t in tokenize(text) if t not in VOCABULARY]
    assert not unknown, f"{text!r}: {unknown} are not in the vocabulary"


# --- the dictionary: what students type --------------------------------------------------------


@pytest.mark.parametrize("typed", ["ci dessous", "Ci  Dessous ", "ci-dessous", "CI-DESSOUS"])
def test_ci_dessous_with_or_without_hyphen(typed):
    r = lookup(typed)
    assert r.query == "ci-dessous" and r.known_query
    assert r.answer == "below" and r.top_key == "sous"
    assert meaning(typed) == "below, hereunder"


def test_dessous_alone_means_below():
    r = lookup("dessous")
    assert r.known_query and r.answer == "below" and r.top_key == "sous", r.weights
    assert meaning("dessous") == "underneath"


@pytest.mark.parametrize(
    ("typed", "word"),
    [("au dessus", "au-dessus"), ("par dessus", "par-dessus"), ("là bas", "là-bas")],
)
def test_other_hyphenated_words_typed_with_a_space(typed, word):
    assert lookup(typed).query == word and meaning(typed) == meaning(word)


def test_a_space_is_kept_when_the_hyphenated_word_is_unknown():
    r = lookup("bonjour  monde")
    assert r.query == "bonjour monde" and not r.known_query and r.answer is None
