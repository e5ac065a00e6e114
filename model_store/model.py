"""The real model, ready to read a sentence: checked files -> config, weights, WordPiece tokenizer.

``load()`` takes the model from disk only (``SPOTLIGHT_MODEL_DIR``, then the cache), checks every
file's SHA-256 on the very bytes it then parses, and never downloads: ``sources.fetch`` does that.
Weights come through ``safetensors.numpy`` (a plain tensor table, no pickle, no code), the
tokenizer is the model's own ``tokenizer.json`` run by Hugging Face ``tokenizers`` (the real
WordPiece, no hand-written tokenizer), and the math is ``attention_core.bert``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import DTypeLike, NDArray
from safetensors.numpy import load as load_safetensors
from tokenizers import Tokenizer

from attention_core.bert import BertConfig, BertOutput, BertWeights, encode
from attention_core.head_roles import (
    HeadBehaviours,
    HeadLook,
    cosine_by_layer,
    head_behaviours,
    heads_that_look,
)

from . import pins
from .sources import Located, ModelUnavailable, find_on_disk, read_checked, unavailable_message


@dataclass(frozen=True)
class Word:
    """One word as the tokenizer cut the text (a punctuation mark is a word of its own there).

    ``text`` as typed, ``pieces`` its WordPiece tokens, ``kind``: ``"word"``; ``"mark"`` when it
    has no letter or digit (punctuation, symbols); ``"unknown"`` when the vocabulary could not
    spell it and the model reads one ``[UNK]`` (an emoji, say)."""

    text: str
    pieces: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Tokens:
    """A text as the model sees it: WordPiece tokens with ``[CLS]`` first and ``[SEP]`` last.

    Shapes (``n`` tokens): ``ids (n,)``; ``word_ids (n,)`` the index of the word each piece
    belongs to (``-1`` for ``[CLS]``/``[SEP]``); ``special (n,)`` True for ``[CLS]``/``[SEP]``;
    ``pieces`` the token strings (``##`` marks a piece that continues a word); ``spans`` each
    token's ``(start, end)`` characters in ``text`` (``(0, 0)`` for specials).
    ``truncated``: the text had more than ``max_tokens`` tokens and was cut (say so on screen).
    """

    text: str
    ids: NDArray[np.intp]
    pieces: tuple[str, ...]
    word_ids: NDArray[np.intp]
    special: NDArray[np.bool_]
    spans: tuple[tuple[int, int], ...]
    truncated: bool
    max_tokens: int

    def __len__(self) -> int:
        return len(self.ids)

    def words(self) -> tuple[Word, ...]:
        """The text's words in order, each with its pieces and kind (``[CLS]``/``[SEP]`` left
        out)."""
        out = []
        for word in dict.fromkeys(int(w) for w in self.word_ids if w >= 0):
            at = [i for i, w in enumerate(self.word_ids) if w == word]
            text = self.text[self.spans[at[0]][0] : self.spans[at[-1]][1]]
            pieces = tuple(self.pieces[i] for i in at)
            if pieces == ("[UNK]",):
                kind = "unknown"
            elif not any(c.isalnum() for c in text):
                kind = "mark"
            else:
                kind = "word"
            out.append(Word(text, pieces, kind))
        return tuple(out)

    def find(self, word: str) -> int | None:
        """Index of the first token whose piece is ``word`` (lower-cased), or None."""
        wanted = word.strip().lower()
        return next((i for i, piece in enumerate(self.pieces) if piece == wanted), None)


@dataclass(frozen=True)
class Reading:
    """One text read by the model: its tokens and everything the encoder computed."""

    tokens: Tokens
    output: BertOutput

    def behaviours(self, threshold: float = 0.5) -> HeadBehaviours:
        """Which heads mostly look at the previous/next token, [CLS]/[SEP], or the same word."""
        return head_behaviours(
            self.output.weights, self.tokens.word_ids, self.tokens.special, threshold
        )

    def heads_that_look(self, asker: int, threshold: float = 0.5) -> tuple[HeadLook, ...]:
        """The heads in which token ``asker`` looks most at another word (not [CLS]/[SEP],
        itself or a neighbour) and that do no simple thing most of the time, clearest first."""
        return heads_that_look(
            self.output.weights, self.tokens.word_ids, self.tokens.special, asker, threshold
        )


@dataclass(frozen=True)
class WordDrift:
    """One word in two sentences: its vectors' cosine similarity at every layer.

    ``cosine (layers + 1,)``, entry 0 the embeddings; ``indices`` the word's token position in
    each reading."""

    word: str
    readings: tuple[Reading, Reading]
    indices: tuple[int, int]
    cosine: NDArray[np.float64]


def clean_text(text: object) -> str:
    """Any input as text the tokenizer accepts: lone surrogates (invalid UTF-16 halves that a
    browser can send) become U+FFFD instead of crashing the Rust tokenizer."""
    return str(text).encode("utf-8", "replace").decode("utf-8")


def make_tokenizer(tokenizer_json: str, max_tokens: int = pins.MAX_TOKENS) -> Tokenizer:
    """The model's own tokenizer, set to cut at ``max_tokens`` and never pad.

    (all-MiniLM-L6-v2's file pads every text to 128 with ``[PAD]``: fine for batches, but one
    sentence needs no padding, and padding would add fake tokens to every heatmap.)"""
    tokenizer = Tokenizer.from_str(tokenizer_json)
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens)
    return tokenizer


#: Characters tokenized first from a long text: 128 tokens are nearly always within them, and
#: tokenizing 100 kB only to throw most of it away costs ~0.3 s.
PREFIX_CHARS = 4096


def _encode_capped(tokenizer: Tokenizer, text: str):
    """``tokenizer.encode(text)``, reading a long text's first ``PREFIX_CHARS`` characters (cut
    at a space) when they already fill the token budget; otherwise the whole text."""
    if len(text) > PREFIX_CHARS:
        head = text[:PREFIX_CHARS]
        cut = max(head.rfind(" "), head.rfind("\n"))
        encoding = tokenizer.encode(head[:cut] if cut > 0 else head)
        if encoding.overflowing:  # the budget is full before the cut: same tokens as the whole
            return encoding
    return tokenizer.encode(text)


def tokenize(tokenizer: Tokenizer, text: object, max_tokens: int = pins.MAX_TOKENS) -> Tokens:
    """``text`` as WordPiece tokens: at most ``max_tokens``, ``[CLS]`` and ``[SEP]`` included."""
    clean = clean_text(text)
    encoding = _encode_capped(tokenizer, clean)
    words = np.array([-1 if w is None else w for w in encoding.word_ids], dtype=np.intp)
    special = np.array(encoding.special_tokens_mask, dtype=bool)
    return Tokens(
        text=clean,
        ids=np.array(encoding.ids, dtype=np.intp),
        pieces=tuple(encoding.tokens),
        word_ids=words,
        special=special,
        spans=tuple((int(a), int(b)) for a, b in encoding.offsets),
        truncated=bool(encoding.overflowing),
        max_tokens=max_tokens,
    )


@dataclass(frozen=True)
class Model:
    """all-MiniLM-L6-v2 in memory: config, weights (NumPy), tokenizer, and where it came from."""

    config: BertConfig
    weights: BertWeights
    tokenizer: Tokenizer
    source: str
    directory: Path
    max_tokens: int = pins.MAX_TOKENS

    def tokenize(self, text: object) -> Tokens:
        return tokenize(self.tokenizer, text, self.max_tokens)

    def read(self, text: object) -> Reading:
        """Tokenize ``text`` and run it through every layer: the one call a page makes."""
        tokens = self.tokenize(text)
        return Reading(tokens, encode(self.weights, self.config, tokens.ids))

    def drift(self, text_a: object, text_b: object, word: str) -> WordDrift:
        """How far apart ``word`` ends up in two contexts, layer by layer (lesson 6's "bank").

        ``ValueError`` if ``word`` is not one whole token in both texts."""
        a, b = self.read(text_a), self.read(text_b)
        i, j = a.tokens.find(word), b.tokens.find(word)
        if i is None or j is None:
            missing = text_a if i is None else text_b
            raise ValueError(f"{word!r} is not one whole token of {str(missing)!r}")
        cosine = cosine_by_layer(a.output.hidden, i, b.output.hidden, j)
        return WordDrift(word, (a, b), (i, j), cosine)


def parse(files: dict[str, bytes], dtype: DTypeLike = np.float32) -> tuple:
    """Checked bytes -> ``(config, weights, tokenizer)``. Call only with bytes already checked.

    Takes the weights' bytes out of ``files`` so that the 90 MB can be freed as soon as the
    arrays exist (safetensors copies each tensor out of them)."""
    config = BertConfig.from_dict(json.loads(files["config.json"]))
    tensors = load_safetensors(files.pop("model.safetensors"))  # {name: array}, own memory
    weights = BertWeights.from_tensors(tensors, config, dtype)
    tokenizer = make_tokenizer(files["tokenizer.json"].decode("utf-8"))
    return config, weights, tokenizer


def load_from(located: Located, dtype: DTypeLike = np.float32) -> Model:
    """Read, check (SHA-256, before parsing) and parse the model in ``located``."""
    files = read_checked(located)  # raises ModelFileRejected before anything is parsed
    config, weights, tokenizer = parse(files, dtype)
    return Model(config, weights, tokenizer, located.source, located.directory)


def load(dtype: DTypeLike = np.float32) -> Model:
    """The model from disk (``SPOTLIGHT_MODEL_DIR``, else the cache); never downloads.

    Raises ``ModelUnavailable`` (nothing on disk: the message says how to get it) or
    ``ModelFileRejected`` (a file is not the pinned one). Cache the result per server process
    (``st.cache_resource``): it is ~90 MB and the same for every visitor.
    """
    located = find_on_disk()
    if located is None:
        raise ModelUnavailable(unavailable_message())
    return load_from(located, dtype)
