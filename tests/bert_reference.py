"""A plain float64 BERT forward pass: Python lists, loops, ``math.erf``, ``math.fsum``.

Independent of ``attention_core``: it reads the checkpoint's tensors by their names and follows
the BERT paper step by step, one token and one number at a time, with ``tests/reference.py``'s
loop attention per head. Slow and obvious, so the vectorised core can be checked against it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from tests import reference

Matrix = list[list[float]]


def _rows(array) -> Matrix:
    return [[float(v) for v in row] for row in array]


def _vec(array) -> list[float]:
    return [float(v) for v in array]


def linear(x: Matrix, w: Matrix, b: Sequence[float]) -> Matrix:
    """``y[i][o] = sum_k x[i][k] w[o][k] + b[o]`` (PyTorch's layout: ``w`` is ``(d_out, d_in)``)."""
    return [[reference.dot(row, w[o]) + b[o] for o in range(len(w))] for row in x]


def layer_norm(x: Matrix, gain: Sequence[float], bias: Sequence[float], eps: float) -> Matrix:
    out = []
    for row in x:
        mean = math.fsum(row) / len(row)
        var = math.fsum((v - mean) ** 2 for v in row) / len(row)
        out.append(
            [
                (v - mean) / math.sqrt(var + eps) * g + c
                for v, g, c in zip(row, gain, bias, strict=True)
            ]
        )
    return out


def gelu(v: float) -> float:
    return 0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0)))


def forward(
    tensors: Mapping[str, object], config: Mapping[str, object], ids: Sequence[int]
) -> tuple[list[Matrix], list[list[Matrix]], list[float]]:
    """``(hidden (layers + 1) × n × h, weights layers × heads × n × n, pooled h)``, as lists."""
    h = int(config["hidden_size"])
    heads = int(config["num_attention_heads"])
    d = h // heads
    eps = float(config["layer_norm_eps"])
    t = {name: value for name, value in tensors.items()}
    word = _rows(t["embeddings.word_embeddings.weight"])
    pos = _rows(t["embeddings.position_embeddings.weight"])
    typ = _rows(t["embeddings.token_type_embeddings.weight"])
    x = [[word[i][c] + pos[p][c] + typ[0][c] for c in range(h)] for p, i in enumerate(ids)]
    x = layer_norm(
        x, _vec(t["embeddings.LayerNorm.weight"]), _vec(t["embeddings.LayerNorm.bias"]), eps
    )
    hidden, all_weights = [x], []
    for layer in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{layer}."

        def w(name: str, p: str = p) -> Matrix:
            return _rows(t[p + name + ".weight"])

        def b(name: str, p: str = p) -> list[float]:
            return _vec(t[p + name + ".bias"])

        q = linear(x, w("attention.self.query"), b("attention.self.query"))
        k = linear(x, w("attention.self.key"), b("attention.self.key"))
        v = linear(x, w("attention.self.value"), b("attention.self.value"))
        concat = [[] for _ in x]
        layer_weights = []
        for head in range(heads):
            cols = slice(head * d, (head + 1) * d)
            _, _, weights, output = reference.attention(
                [r[cols] for r in q], [r[cols] for r in k], [r[cols] for r in v]
            )
            layer_weights.append(weights)
            for i, row in enumerate(output):
                concat[i].extend(row)
        all_weights.append(layer_weights)
        attended = linear(concat, w("attention.output.dense"), b("attention.output.dense"))
        x = layer_norm(
            [
                [a + c for a, c in zip(r1, r2, strict=True)]
                for r1, r2 in zip(x, attended, strict=True)
            ],
            _vec(t[p + "attention.output.LayerNorm.weight"]),
            _vec(t[p + "attention.output.LayerNorm.bias"]),
            eps,
        )
        inner = linear(x, w("intermediate.dense"), b("intermediate.dense"))
        inner = [[gelu(v) for v in row] for row in inner]
        ff = linear(inner, w("output.dense"), b("output.dense"))
        x = layer_norm(
            [[a + c for a, c in zip(r1, r2, strict=True)] for r1, r2 in zip(x, ff, strict=True)],
            _vec(t[p + "output.LayerNorm.weight"]),
            _vec(t[p + "output.LayerNorm.bias"]),
            eps,
        )
        hidden.append(x)
    pooled = [math.fsum(row[c] for row in x) / len(x) for c in range(h)]
    return hidden, all_weights, pooled
