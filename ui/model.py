"""Lesson 11's real model inside the app: loaded once per server process, never downloaded unasked.

``get_model`` is an ``st.cache_resource``: the first visitor's page loads the 90 MB of weights
from disk (~0.5 s), every later session of the same server reuses them. A model that is not on
disk raises, and exceptions are not cached, so a model fetched later is found on the next run.
``read`` and ``drift`` keep the last few readings (they are read-only), so moving the layer or
head slider costs no new forward pass. ``model_or_offer`` is what a page calls: the model, or
(when it is missing) a clear message, the "Get the model" button and the terminal command.
"""

from __future__ import annotations

import contextlib
import ctypes
import sys

import numpy as np
import streamlit as st

import model_store
from attention_core import block, search
from model_store import Model, ModelFileRejected, ModelUnavailable, Reading, Tokens, WordDrift

from .safe import md

#: Readings kept per server process. A reading of 128 tokens holds ~6 MB (every head's
#: weights, every layer's vectors); a classroom shares the same few sentences.
KEPT_READINGS = 16


@st.cache_resource(show_spinner="Loading the model (90 MB) …")
def get_model() -> Model:
    """The model from disk, once per server process (``ModelUnavailable`` if it is not there)."""
    model = model_store.load()
    _return_freed_memory()
    return model


def _return_freed_memory() -> None:
    """Hand the load's temporary copies back to the system.

    Loading frees ~45 MB it needed only for a moment (the file's bytes, tensors before they are
    transposed). In a script thread glibc keeps such memory in the thread's malloc arena, so the
    server's RSS stayed ~140 MB above where it was instead of ~100 MB (measured, bench/RESULTS.md
    section 6); ``malloc_trim`` returns it. Linux with glibc only; elsewhere nothing to do."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc (e.g. musl): nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@st.cache_resource(max_entries=KEPT_READINGS, show_spinner=False)
def read(text: str) -> Reading:
    """``text`` read by the model: its tokens and every layer and head (shared, read-only)."""
    return get_model().read(text)


@st.cache_resource(max_entries=KEPT_READINGS, show_spinner=False)
def drift(text_a: str, text_b: str, word: str) -> WordDrift:
    """``word`` in two sentences, layer by layer (``ValueError`` if it is not one whole token of
    both: not cached, so the page can say which)."""
    return get_model().drift(text_a, text_b, word)


@st.cache_resource(max_entries=KEPT_READINGS, show_spinner=False)
def trace(text: str) -> tuple[Tokens, block.Block]:
    """``text``'s tokens and every step of every layer (lesson 13; shared, read-only)."""
    model = get_model()
    tokens = model.tokenize(text)
    return tokens, block.trace(model.weights, model.config, tokens.ids)


#: Sentence vectors kept per server process (1.5 kB each): a class's questions and notes.
KEPT_VECTORS = 256


@st.cache_resource(max_entries=KEPT_VECTORS, show_spinner=False)
def sentence_vector(text: str) -> np.ndarray:
    """``text`` as one unit vector, the sentence-transformers recipe (lesson 13's search)."""
    return search.sentence_vector(get_model().read(text).output.hidden[-1])


def forget() -> None:
    """Drop the loaded model and its readings (after a fetch, and in tests)."""
    for cached in (get_model, read, drift, trace, sentence_vector):
        cached.clear()


def model_or_offer() -> Model | None:
    """The model, or None after telling the visitor how to get it (the rest of the app works)."""
    try:
        return get_model()
    except ModelUnavailable:
        _offer_download()
    except ModelFileRejected as rejected:
        st.error(md(str(rejected), limit=1000), icon=":material/gpp_bad:")
        _offer_download(again=True)
    return None


def _offer_download(*, again: bool = False) -> None:
    mb = model_store.DOWNLOAD_MB
    if not again:
        st.info(
            f"This lesson runs a real model, **{model_store.MODEL_NAME}**, and its weights "
            f"({mb} MB) are not on this computer yet. Nothing is downloaded unless you ask: press "
            "the button, or run the command below in a terminal and reload this page. "
            "Every other lesson works without it.",
            icon=":material/cloud_download:",
        )
    st.caption("In a terminal, from the app's folder:")
    st.code(model_store.FETCH_COMMAND, language="bash")
    if not st.button(f"Get the model ({mb} MB)", icon=":material/download:", type="primary"):
        return
    bar = st.progress(0.0, text="Starting …")
    try:
        model_store.fetch(
            progress=lambda done, what: bar.progress(min(max(done, 0.0), 1.0), md(what))
        )
    except (ModelUnavailable, ModelFileRejected, OSError, RuntimeError) as failed:
        bar.empty()
        st.error(
            "The download did not work: " + md(str(failed), limit=1000),
            icon=":material/cloud_off:",
        )
        return
    forget()
    st.rerun()
