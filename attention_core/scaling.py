"""Why divide by √d_k? Because the spread of ``q · k`` grows with the number of dimensions.

If the entries of a query and a key are independent with mean 0 and variance 1, their dot
product ``q · k = Σ q_i k_i`` is a sum of ``d_k`` terms of variance 1: its variance is ``d_k``,
its standard deviation ``√d_k`` (Vaswani et al. 2017, footnote 4). At ``d_k = 512`` the scores
spread over tens of units, softmax gives nearly all the weight to one key, and its gradients
vanish. Dividing by ``√d_k`` brings the spread back to about 1 at every ``d_k``. It is about the
number of dimensions, not about long vectors: at a fixed ``d_k`` it is just a constant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .attention import Attention, attention, softmax

Array = NDArray[np.float64]

#: The d_k values of the chart: 2 to 512, doubling.
D_K_CHOICES: tuple[int, ...] = (2, 4, 8, 16, 32, 64, 128, 256, 512)
#: The largest d_k the lesson offers.
D_K_MAX = 512


@dataclass(frozen=True)
class ScoreSpread:
    """How the scores of random unit-variance queries and keys behave as ``d_k`` grows.

    Shapes (``m`` values of d_k): every field is ``(m,)``.
        d_k                   the dimensions tried
        std_unscaled          standard deviation of ``q · k``: grows like √d_k
        std_scaled            standard deviation of ``q · k / √d_k``: stays about 1
        top_weight_unscaled   mean largest softmax weight over ``n_keys`` keys, unscaled -> 1
        top_weight_scaled     the same, scaled: stays put
    """

    d_k: NDArray[np.int64]
    std_unscaled: Array
    std_scaled: Array
    top_weight_unscaled: Array
    top_weight_scaled: Array
    n_keys: int
    n_samples: int

    @property
    def sqrt_d_k(self) -> Array:
        """``(m,)`` √d_k, the curve ``std_unscaled`` follows."""
        return np.sqrt(self.d_k)


def random_queries_and_keys(
    d_k: int, n_keys: int = 8, n_samples: int = 1, seed: int = 0
) -> tuple[Array, Array]:
    """Seeded standard-normal ``queries (n_samples, d_k)`` and ``keys (n_samples, n_keys, d_k)``.

    They are the first ``d_k`` coordinates of the same 512-dimensional draws, so a larger d_k
    only adds dimensions to the same vectors (and each d_k's sample does not depend on which
    others are asked for).
    """
    if not 1 <= int(d_k) <= D_K_MAX:
        raise ValueError(f"d_k must be a whole number from 1 to {D_K_MAX}, got {d_k!r}")
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((n_samples, D_K_MAX))  # (s, 512)
    k = rng.standard_normal((n_samples, n_keys, D_K_MAX))  # (s, n_keys, 512)
    return q[:, :d_k], k[:, :, :d_k]  # (s, d_k), (s, n_keys, d_k)


def score_spread(
    d_ks: tuple[int, ...] = D_K_CHOICES, *, n_keys: int = 8, n_samples: int = 300, seed: int = 0
) -> ScoreSpread:
    """Measure the spread of ``q · k`` and softmax's top weight, unscaled and scaled, per d_k."""
    q_all, k_all = random_queries_and_keys(D_K_MAX, n_keys, n_samples, seed)  # all 512 dims
    rows = []
    for d_k in d_ks:
        if not 1 <= int(d_k) <= D_K_MAX:
            raise ValueError(f"d_k must be a whole number from 1 to {D_K_MAX}, got {d_k!r}")
        q, k = q_all[:, :d_k], k_all[:, :, :d_k]  # (s, d_k), (s, n_keys, d_k)
        scores = (k @ q[:, :, None])[:, :, 0]  # (s, n_keys): each query against its own keys
        scaled = scores / np.sqrt(d_k)  # (s, n_keys)
        rows.append(
            (
                scores.std(),
                scaled.std(),
                softmax(scores).max(axis=-1).mean(),
                softmax(scaled).max(axis=-1).mean(),
            )
        )
    cols = np.array(rows, dtype=np.float64).reshape(len(d_ks), 4).T  # (4, m)
    return ScoreSpread(np.array(d_ks, dtype=np.int64), *cols, n_keys, n_samples)


@dataclass(frozen=True)
class ScoreSample:
    """One random query against ``n_keys`` random keys at one d_k, both ways, for drawing.

    Shapes: ``query (d_k,)``, ``keys (n_keys, d_k)``; ``unscaled`` and ``scaled`` are the
    ``Attention`` of the query over the keys (values: one-hot per key), weights ``(n_keys,)``.
    """

    d_k: int
    query: Array
    keys: Array
    unscaled: Attention
    scaled: Attention


def score_sample(d_k: int, n_keys: int = 8, seed: int = 0) -> ScoreSample:
    """One seeded query and its keys at ``d_k``, attended unscaled and scaled (for a d_k slider)."""
    q, k = random_queries_and_keys(int(d_k), n_keys, 1, seed)
    query, keys = q[0], k[0]  # (d_k,), (n_keys, d_k)
    values = np.eye(n_keys)  # (n_keys, n_keys): the output reads as "how much of each key"
    return ScoreSample(
        int(d_k),
        query,
        keys,
        attention(query, keys, values, scaled=False),
        attention(query, keys, values, scaled=True),
    )
