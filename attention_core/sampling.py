"""What a chatbot does with its last vector: next-word probabilities, and how it picks one.

A language model's last layer gives one score (a *logit*) per word of its vocabulary: the last
token's vector times a matrix, ``logits = h W_vocab``. Softmax turns them into probabilities and
the chatbot draws the next word from them. Its "temperature" divides these *output* logits,
``softmax(logits / T)``; top-k keeps only the k likeliest words, top-p (nucleus sampling,
Holtzman et al., 2020) the fewest likeliest words whose probabilities add up to at least p.
This is a different dial from the temperature inside attention (lessons 1–3), which real
models leave at 1. Applied in the order of Hugging Face ``transformers``' sampling: temperature,
then top-k, then top-p.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .attention import softmax

#: The made-up example: a prompt and a few next words with their logits. (all-MiniLM-L6-v2 has
#: no next-word head; a chatbot's is the same softmax over a vocabulary of ~50,000 words.)
CHATBOT_PROMPT = "The capital of France is"
NEXT_WORD_LOGITS: dict[str, float] = {
    "Paris": 6.0,
    "a": 3.6,
    "the": 3.1,
    "located": 2.7,
    "known": 2.2,
    "Lyon": 1.7,
    "beautiful": 1.3,
    "not": 0.9,
    "Nice": 0.4,
    "purple": -1.5,
}


@dataclass(frozen=True)
class NextWord:
    """Every step from logits to the distribution a word is drawn from (``V`` words).

    ``logits (V,)``; ``scaled (V,)`` = logits / temperature; ``softmax (V,)`` their
    probabilities before any cut; ``kept (V,)`` the words top-k and top-p leave;
    ``probabilities (V,)`` the kept words' probabilities renormalised to sum to 1 (0 elsewhere).
    """

    logits: NDArray[np.float64]
    scaled: NDArray[np.float64]
    softmax: NDArray[np.float64]
    kept: NDArray[np.bool_]
    probabilities: NDArray[np.float64]


def next_word(
    logits: ArrayLike, temperature: float = 1.0, top_k: int | None = None, top_p: float = 1.0
) -> NextWord:
    """The distribution a chatbot samples from: ``(V,) -> NextWord``."""
    z = np.asarray(logits, dtype=np.float64)  # (V,)
    scaled = z / temperature  # the output temperature divides the logits
    kept = np.ones(z.shape, dtype=bool)
    if top_k is not None and top_k < z.size:
        kept &= scaled >= np.sort(scaled)[-top_k]  # the k best (ties with the k-th stay)
    if top_p < 1:
        p = softmax(np.where(kept, scaled, -np.inf))  # (V,), renormalised over the top k
        order = np.argsort(-p, kind="stable")[::-1]  # least likely first (of equals: the last)
        dropped = np.cumsum(p[order]) <= 1 - top_p  # the unlikely tail, worth at most 1 - p
        dropped[-1] = False  # the likeliest word always stays
        kept[order[dropped]] = False
    return NextWord(z, scaled, softmax(scaled), kept, softmax(np.where(kept, scaled, -np.inf)))


def sample(probabilities: ArrayLike, draws: int, seed: int) -> NDArray[np.intp]:
    """``draws`` words drawn from ``probabilities (V,)``, reproducibly: ``(draws,)`` indices."""
    rng = np.random.default_rng(seed)
    return rng.choice(len(probabilities), size=draws, p=np.asarray(probabilities))
