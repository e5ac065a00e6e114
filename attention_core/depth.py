"""Depth: apply the same attention again and again, and why residuals and layer norm exist.

A transformer stacks layers. Stack bare attention (``x <- attention(x)``) and each layer
averages the words again: after a few layers every word is the same blend, *bank* no longer
knows it sat next to *river* (the "rank collapse" of Dong et al. 2021). A residual connection
(``x <- x + attention(x)``, He et al. 2016, used by Vaswani et al.) keeps each word's own vector
in the sum, so words keep their identity, but the vectors grow layer after layer. Layer norm
(Ba et al. 2016; here without its learned gain and bias) rescales each word back to mean 0 and
variance 1 after every layer, so the numbers stay bounded.

Here every layer is the same ``Q = K = V = X`` attention (no learned weights), so what you see is
what depth itself does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .attention import attention, causal_mask
from .projections import inputs
from .sentence import cosine, word_vector

Array = NDArray[np.float64]

#: Most layers a page may ask for.
MAX_LAYERS = 24


def layer_norm(x: ArrayLike, eps: float = 1e-5) -> Array:
    """``(n, d)`` -> ``(n, d)``: each row to mean 0, variance 1 (a zero row stays zero)."""
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(axis=-1, keepdims=True)  # (n, 1)
    var = x.var(axis=-1, keepdims=True)  # (n, 1)
    return (x - mean) / np.sqrt(var + eps)


@dataclass(frozen=True)
class Depth:
    """A sentence refined by the same attention ``layers`` times.

    Shapes (``L`` layers, ``n`` words, ``d`` features):
        vectors  (L + 1, n, d)  step 0 is the embeddings, step ``l`` the output of layer ``l``
        weights  (L, n, n)      each layer's attention pattern
    """

    tokens: tuple[str, ...]
    vectors: Array
    weights: Array
    residual: bool
    layer_norm: bool

    @property
    def layers(self) -> int:
        return len(self.weights)

    @property
    def norms(self) -> Array:
        """``(L + 1, n)`` the length of each word's vector after each layer."""
        return np.linalg.norm(self.vectors, axis=-1)

    @property
    def mean_cosine(self) -> Array:
        """``(L + 1,)`` mean cosine similarity over all pairs of different words; 1 = all alike.

        A zero vector (a small word before any layer) counts as cosine 0 with everything.
        """
        n = self.vectors.shape[1]
        if n < 2:
            return np.ones(len(self.vectors))
        norms = np.linalg.norm(self.vectors, axis=-1, keepdims=True)  # (L + 1, n, 1)
        unit = np.divide(self.vectors, norms, out=np.zeros_like(self.vectors), where=norms > 0)
        gram = unit @ np.swapaxes(unit, -1, -2)  # (L + 1, n, n): cosines of every pair
        i, j = np.triu_indices(n, k=1)
        return gram[:, i, j].mean(axis=-1)

    @property
    def spread(self) -> Array:
        """``(L + 1,)`` mean distance of the words from their centroid; 0 = every word the same."""
        if self.vectors.shape[1] == 0:
            return np.zeros(len(self.vectors))
        centroid = self.vectors.mean(axis=1, keepdims=True)  # (L + 1, 1, d)
        return np.linalg.norm(self.vectors - centroid, axis=-1).mean(axis=1)

    def similarity(self, index: int, word: str) -> Array:
        """``(L + 1,)`` cosine between word ``index``'s vector and ``word``'s embedding, per step
        (e.g. how much of *river* is left in *bank*)."""
        target = word_vector(word)
        return np.array([cosine(v[index], target) for v in self.vectors])


def refine_deep(
    sentence: str | ArrayLike,
    layers: int = 6,
    *,
    residual: bool = False,
    layer_norm: bool = False,
    temperature: float = 1.0,
    scaled: bool = True,
    causal: bool = False,
) -> Depth:
    """Apply ``Q = K = V = X`` self-attention ``layers`` times, optionally with residual and norm.

    One layer: ``a = attention(x, x, x).output``; ``x = x + a`` with a residual, else ``a``;
    then ``x = layer_norm(x)`` when asked (post-norm, as in Vaswani et al.).
    """
    if not 0 <= int(layers) <= MAX_LAYERS:
        raise ValueError(f"layers must be between 0 and {MAX_LAYERS}, got {layers!r}")
    tokens, x = inputs(sentence)  # (n, d)
    mask = causal_mask(len(x)) if causal else None
    vectors, weights = [x], []
    for _ in range(int(layers)):
        step = attention(x, x, x, temperature=temperature, scaled=scaled, mask=mask)
        x = x + step.output if residual else step.output  # (n, d)
        x = _layer_norm(x) if layer_norm else x
        vectors.append(x)
        weights.append(step.weights)
    n = len(tokens) if tokens else x.shape[0]
    return Depth(
        tokens,
        np.stack(vectors),  # (L + 1, n, d)
        np.stack(weights) if weights else np.zeros((0, n, n)),  # (L, n, n)
        bool(residual),
        bool(layer_norm),
    )


_layer_norm = layer_norm  # refine_deep's flag shadows the function's name
