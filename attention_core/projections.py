"""Learned questions: ``Q = X W_Q``, ``K = X W_K``, ``V = X W_V`` (lesson 8).

With ``Q = K = V = X`` (lessons 6 and 7) a word can only look for words like itself, so it mostly
finds itself. Real transformers first multiply X by three matrices: the query can then ask for
something *else* than what the word is ("a person looks for what they did"), the key decides
how a word presents itself, the value what it hands over. Once ``W_Q ≠ W_K`` the score matrix
``Q K^T = X W_Q W_K^T X^T`` is in general no longer symmetric: the teacher looking for what they
did is not the same as the action looking for who did it. (Only in general: when ``W_Q W_K^T``
is itself symmetric, as for the topic head, so are the scores; ``is_symmetric`` tells.)

Our heads are hand-built from named links (``attention_core.links``) so every number stays
readable; a real model learns its matrices and they rarely mean one thing each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .attention import Attention, attention, causal_mask
from .links import Head, Link, identity_links
from .positions import positioned
from .sentence import MAX_TOKENS, embed, tokenize
from .vocabulary import FEATURES

Array = NDArray[np.float64]

_SAME = identity_links(FEATURES)

#: The hand-built heads, by the short name a link uses. Each asks a question you can say aloud;
#: keys and values are the words themselves (identity), so only the question changes.
HEADS: dict[str, Head] = {
    "none": Head("No projection", "every word looks for words like itself", _SAME, _SAME, _SAME),
    "person-action": Head(
        "Person → action",
        "a person looks for what they did",
        (Link("person", "action", 1.0),),
        _SAME,
        _SAME,
    ),
    "action-place": Head(
        "Action → place",
        "an action looks for where it happened",
        (Link("action", "place", 1.5),),
        _SAME,
        _SAME,
    ),
    "topic": Head(
        "Topic",
        "a word looks for its topic",
        (Link("nature", "nature", 1.5), Link("money", "money", 1.5)),
        _SAME,
        _SAME,
    ),
    "nature": Head(
        "Nature",
        "a word looks for nature around it",
        (Link("nature", "nature", 2.0),),
        _SAME,
        _SAME,
    ),
    "money": Head(
        "Money",
        "a word looks for money around it",
        (Link("money", "money", 2.0),),
        _SAME,
        _SAME,
    ),
}


def is_symmetric(matrix: ArrayLike, atol: float = 1e-12) -> bool:
    """True when a square ``(n, n)`` matrix equals its transpose (to ``atol``, relative).

    Guard the sentence "the score matrix is (not) symmetric" with this, on ``scores``: with
    ``Q = K`` the scores are symmetric, the softmax *weights* in general are not (each row is
    normalised on its own).
    """
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        return False
    return bool(np.allclose(m, m.T, rtol=0, atol=atol * (1 + np.max(np.abs(m), initial=0.0))))


def inputs(
    sentence: str | ArrayLike, dims: tuple[str, ...] = FEATURES, positions: float = 0.0
) -> tuple[tuple[str, ...], Array]:
    """The words and the ``(n, len(dims))`` input matrix X for a head working in ``dims``.

    Text is embedded over the named features, with each word's place added at ``positions``
    strength (``X + s·PE``, lesson 10; 0 adds nothing); an array is taken as X itself (no words).
    """
    if isinstance(sentence, str):
        if dims != FEATURES:
            raise ValueError(f"cannot embed text in dims {dims}: use the named features")
        if not positions:
            tokens = tuple(tokenize(sentence)[:MAX_TOKENS])
            return tokens, embed(list(tokens))[0]
        return positioned(sentence, positions)
    x = np.asarray(sentence, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != len(dims):
        raise ValueError(f"embeddings must have shape (n, {len(dims)}), got {x.shape}")
    return (), x


#: Why a word asks nothing with a head (``Projected.why_silent``).
Silence = Literal["asks", "no features", "links at 0", "looked for", "not asked"]


@dataclass(frozen=True)
class Projected:
    """One head's attention over a sentence, next to the same sentence with ``Q = K = V = X``.

    Shapes (``n`` words, ``d`` dims of the head):
        x           (n, d)  the words' embeddings
        w_q, w_k, w_v (d, d) the head's matrices, rows = a word's features
        q, k, v     (n, d)  ``x @ w_q``, ``x @ w_k``, ``x @ w_v``
        attention   the head: scores, scaled scores, weights (n, n), output (n, d)
        plain       the same sentence with ``Q = K = V = X`` (lesson 6), for comparison
    """

    tokens: tuple[str, ...]
    head: Head
    x: Array
    w_q: Array
    w_k: Array
    w_v: Array
    q: Array
    k: Array
    v: Array
    attention: Attention
    plain: Attention

    @property
    def weights(self) -> Array:
        return self.attention.weights

    @property
    def output(self) -> Array:
        return self.attention.output

    @property
    def symmetric(self) -> bool:
        """Is this head's score matrix ``Q K^T`` symmetric? (``plain``'s always is.)"""
        return is_symmetric(self.attention.scores)

    @property
    def asks(self) -> NDArray[np.bool_]:
        """``(n,)`` which words have a question at all (a non-zero query); the others get an even
        spread of attention, because every key scores 0 for them."""
        return np.any(self.q != 0, axis=1)

    def why_silent(self, i: int) -> Silence:
        """Why word ``i`` asks nothing with this head (its query is all zeros), or "asks".

        "no features"    the word has no features in this toy world (a small word)
        "links at 0"     it has features a link of W_Q reads, but those links are at strength 0
        "looked for"     no link reads its features, but a link looks *for* one of them: it is
                         what other words ask about (*wrote* for Person → action)
        "not asked"      the head asks about none of its features, either way
        """
        if self.asks[i]:
            return "asks"
        x = self.x[i]  # (d,)
        if not np.any(x):
            return "no features"
        at = {name: j for j, name in enumerate(self.head.dims)}
        if self.head.query and all(link.strength == 0 for link in self.head.query):
            return "links at 0"  # the head asks nothing of anyone
        if any(x[at[link.source]] != 0 for link in self.head.query):
            return "links at 0"
        if any(x[at[link.target]] != 0 and link.strength != 0 for link in self.head.query):
            return "looked for"
        return "not asked"

    @property
    def looks_at(self) -> NDArray[np.intp]:
        """``(n,)`` for each word, the word it gives the most weight (the first on a tie)."""
        return np.argmax(self.weights, axis=1)


def project(
    sentence: str | ArrayLike,
    head: Head,
    *,
    temperature: float = 1.0,
    scaled: bool = True,
    mask: ArrayLike | None = None,
    causal: bool = False,
    positions: float = 0.0,
) -> Projected:
    """Attention with the head's projections: ``softmax(X W_Q (X W_K)^T / sqrt(d)) X W_V``.

    ``sentence`` is text or an ``(n, d)`` embedding matrix; ``mask`` (bool ``(n, n)``, True = may
    attend) and ``causal`` combine; ``positions`` is the strength of the places added to text
    (``X + s·PE``, as ``positions.previous_word_head`` needs).
    """
    tokens, x = inputs(sentence, head.dims, positions)  # (n, d)
    if causal:
        causal_part = causal_mask(len(x))
        mask = causal_part if mask is None else np.asarray(mask) & causal_part
    w_q, w_k, w_v = head.w_q, head.w_k, head.w_v  # (d, d) each
    q, k, v = x @ w_q, x @ w_k, x @ w_v  # (n, d) each
    kw = {"temperature": temperature, "scaled": scaled, "mask": mask}
    return Projected(
        tokens=tokens,
        head=head,
        x=x,
        w_q=w_q,
        w_k=w_k,
        w_v=w_v,
        q=q,
        k=k,
        v=v,
        attention=attention(q, k, v, **kw),
        plain=attention(x, x, x, **kw),
    )
