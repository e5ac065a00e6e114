"""The soft dictionary: French keys, English values, and a query that may not be in the book.

From the source notes: the query ``ci-dessous`` is not in our dictionary, but its meaning is close
to the key ``sous``, so a soft lookup answers with that key's value, ``below``. With one-hot
vectors the same query matches nothing at all: every score is 0, the weights are even, and the
answer is mush. That contrast is the reason word embeddings exist.

The embeddings are hand-made over a few named features so students can read every number.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from .lookup import Lookup, soft_lookup

#: What each embedding coordinate means.
DICTIONARY_FEATURES: tuple[str, ...] = (
    "down",
    "up",
    "inside",
    "near",
    "time",
    "later",
    "animal",
    "small",
    "food",
    "sweet",
    "colour",
    "warm",
)

#: Raw feature values are on a 0-3 scale; this stretch makes a good match decisive at T = 1.
EMBEDDING_SCALE = 1.4


def _vec(**features: float) -> NDArray[np.float64]:
    v = np.zeros(len(DICTIONARY_FEATURES))
    for name, value in features.items():
        v[DICTIONARY_FEATURES.index(name)] = value
    return v * EMBEDDING_SCALE


#: The dictionary itself: French key -> (English value, embedding of its meaning).
ENTRIES: dict[str, tuple[str, NDArray[np.float64]]] = {
    "sous": ("below", _vec(down=3)),
    "sur": ("on", _vec(up=2.2, near=2.2)),
    "au-dessus": ("above", _vec(up=3)),
    "dans": ("in", _vec(inside=3)),
    "dehors": ("outside", _vec(inside=-3)),
    "près": ("near", _vec(near=3)),
    "loin": ("far", _vec(near=-3)),
    "avant": ("before", _vec(time=2.5, later=-1.5)),
    "après": ("after", _vec(time=2.5, later=1.5)),
    "chat": ("cat", _vec(animal=3, small=1.2)),
    "chien": ("dog", _vec(animal=3, small=-0.5)),
    "souris": ("mouse", _vec(animal=2, small=2.6)),
    "pain": ("bread", _vec(food=3, sweet=-0.5)),
    "gâteau": ("cake", _vec(food=2.5, sweet=2.5)),
    "rouge": ("red", _vec(colour=3, warm=2)),
    "bleu": ("blue", _vec(colour=3, warm=-2)),
}

#: Words that are *not* keys but have embeddings: the interesting queries.
UNSEEN_WORDS: dict[str, tuple[str, NDArray[np.float64]]] = {
    "ci-dessous": ("below, hereunder", _vec(down=2.8, near=0.6)),
    "dessous": ("underneath", _vec(down=2.9, inside=0.4)),
    "par-dessus": ("over", _vec(up=2.8, near=0.4)),
    "dedans": ("inside", _vec(inside=2.8, near=0.4)),
    "là-bas": ("over there", _vec(near=-2.6, down=0.3)),
    "bientôt": ("soon", _vec(time=2.4, later=1.2, near=0.5)),
    "chaton": ("kitten", _vec(animal=2.6, small=1.2)),
    "tarte": ("tart", _vec(food=2.6, sweet=2.0)),
    "écarlate": ("scarlet", _vec(colour=2.8, warm=2.4)),
}

DICTIONARY_KEYS: tuple[str, ...] = tuple(ENTRIES)
DICTIONARY_VALUES: tuple[str, ...] = tuple(value for value, _ in ENTRIES.values())
#: Every French word we have an embedding for (keys first), e.g. for a query picker.
KNOWN_WORDS: tuple[str, ...] = DICTIONARY_KEYS + tuple(UNSEEN_WORDS)
_HYPHENATED = frozenset(w for w in KNOWN_WORDS if "-" in w)

Encoding = Literal["embedding", "one_hot"]
ENCODINGS: tuple[Encoding, ...] = ("embedding", "one_hot")


def vector_features(encoding: Encoding = "embedding") -> tuple[str, ...]:
    """What each coordinate of a query or key vector stands for, in ``encoding``."""
    if encoding == "one_hot":
        return (*KNOWN_WORDS, "(any other word)")  # one slot per word, and the spare one
    return DICTIONARY_FEATURES


def normalize_word(word: str) -> str:
    """Lower-case, NFC-normalised, surrounding whitespace dropped (so "  Sous " finds "sous").

    Students often type a hyphenated word with a space ("ci dessous", "au  dessus"): when the
    hyphenated spelling is a word we know, that is the word they meant.
    """
    w = " ".join(unicodedata.normalize("NFC", str(word)).casefold().split())
    hyphenated = w.replace(" ", "-")
    return hyphenated if " " in w and hyphenated in _HYPHENATED else w


def meaning(word: str) -> str | None:
    """The English gloss of a French word we know (key or unseen word), else None."""
    w = normalize_word(word)
    if w in ENTRIES:
        return ENTRIES[w][0]
    if w in UNSEEN_WORDS:
        return UNSEEN_WORDS[w][0]
    return None


def embedding_matrix() -> NDArray[np.float64]:
    """``(n_keys, n_features)``: the embedding of every key, in ``DICTIONARY_KEYS`` order."""
    return np.stack([vec for _, vec in ENTRIES.values()])


def one_hot_matrix() -> NDArray[np.float64]:
    """``(n_keys, n_words)``: each key a one-hot over every word we know (plus one spare slot).

    One-hots get the same length as a typical embedding so the comparison is fair: an exact match
    scores as high as a good embedding match, but a different word always scores exactly 0.
    """
    return np.eye(len(DICTIONARY_KEYS), len(KNOWN_WORDS) + 1) * _one_hot_length()


def _one_hot_length() -> float:
    return float(np.mean(np.linalg.norm(embedding_matrix(), axis=1)))


def encode(word: str, encoding: Encoding = "embedding") -> tuple[NDArray[np.float64], bool]:
    """The query vector for ``word`` and whether we know the word.

    Embedding: its hand-made embedding, or a zero vector for a word we have never seen.
    One-hot: a one-hot in the word's own slot; a word outside our list uses the spare last slot.
    Either way an unknown word matches no key, so its weights are even.
    """
    w = normalize_word(word)
    if encoding == "embedding":
        source = ENTRIES if w in ENTRIES else UNSEEN_WORDS
        if w in source:
            return source[w][1].copy(), True
        return np.zeros(len(DICTIONARY_FEATURES)), False
    if encoding == "one_hot":
        known = w in KNOWN_WORDS
        v = np.zeros(len(KNOWN_WORDS) + 1)
        v[KNOWN_WORDS.index(w) if known else -1] = _one_hot_length()
        return v, known
    raise ValueError(f"encoding must be one of {ENCODINGS}, got {encoding!r}")


def lookup(
    word: str,
    *,
    encoding: Encoding = "embedding",
    temperature: float = 1.0,
    scaled: bool = True,
) -> Lookup:
    """Look ``word`` up softly: ``softmax(q K^T / sqrt(d)) V`` over the French dictionary.

    Values are one-hot over the English words, so the output reads directly as "how much of each
    English word is in the answer", and the nearest value is the one with the most weight.
    """
    query_vector, known = encode(word, encoding)
    keys_matrix = embedding_matrix() if encoding == "embedding" else one_hot_matrix()
    values_matrix = np.eye(len(DICTIONARY_VALUES))  # (n_keys, n_values): one-hot English words
    return soft_lookup(
        normalize_word(word),
        DICTIONARY_KEYS,
        DICTIONARY_VALUES,
        query_vector,  # (d,)
        keys_matrix,  # (n_keys, d)
        values_matrix,
        temperature=temperature,
        scaled=scaled,
        known_query=known,
    )
