"""Lesson 13's numbers on the real all-MiniLM-L6-v2, against PyTorch's (skipped without weights).

``tests/fixtures/block_reference.json`` (``make_block_reference.py``) holds what
``transformers.BertModel`` computes inside every layer (forward hooks, float64) for one
sentence, and sentence-transformers' own sentence vectors (float32, ``Transformer`` +
``Pooling(mean)`` + ``Normalize``) for the lesson's default question and notes. The app's
float32 forward pass matches both to 1e-5; a float64 load matches the block to 1e-8.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import model_store
from attention_core import block, search
from model_store import pins

REAL = json.loads(
    (Path(__file__).parent / "fixtures" / "block_reference.json").read_text(encoding="utf-8")
)["real"]
TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def minilm64(minilm):
    return model_store.load(np.float64)


def test_the_fixture_was_made_from_the_pinned_files():
    assert REAL["file_sha256"] == pins.FILES


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_every_intermediate_of_every_layer_equals_bertmodels(minilm, minilm64, dtype):
    model = minilm if dtype == "float32" else minilm64
    tolerance = TOLERANCE if dtype == "float32" else 1e-8
    tokens = model.tokenize(REAL["sentence"])
    assert tokens.ids.tolist() == REAL["ids"]
    traced = block.trace(model.weights, model.config, tokens.ids)
    at = REAL["tokens"].index(REAL["word"])
    for stage, layers in REAL["word_vectors"].items():
        ours = getattr(traced, stage)
        assert ours.shape[0] == 6 and ours.shape[-1] == (1536 if stage == "units" else 384)
        np.testing.assert_allclose(ours[:, at], layers, rtol=0, atol=tolerance, err_msg=stage)
        norms = np.linalg.norm(ours.astype(np.float64), axis=-1)
        np.testing.assert_allclose(norms, REAL["norms"][stage], rtol=0, atol=10 * tolerance)


def test_the_trace_ends_where_lesson_11s_forward_pass_ends(minilm):
    reading = minilm.read(REAL["sentence"])
    traced = block.trace(minilm.weights, minilm.config, reading.tokens.ids)
    np.testing.assert_array_equal(traced.output, reading.output.hidden[1:])


def test_sentence_vectors_equal_sentence_transformers(minilm):
    ref = REAL["sentence_vectors"]
    for text, expected in zip(ref["texts"], ref["vectors"], strict=True):
        vector = search.sentence_vector(minilm.read(text).output.hidden[-1])
        np.testing.assert_allclose(vector, expected, rtol=0, atol=TOLERANCE, err_msg=text)


def test_the_default_question_finds_the_france_note(minilm):
    ref = REAL["sentence_vectors"]
    q, *notes = ref["vectors"][:6]
    found = search.search(q, np.array(notes))
    assert found.best == {0}  # "The capital of France is Paris."
