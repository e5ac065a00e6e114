"""Where the weights come from: one attention head learns a task by gradient descent (lesson 12).

Every lesson so far used weights someone wrote down. A real model's W_Q, W_K, W_V and W_O start
as random numbers and are *learned*: show the model a batch of examples, measure how wrong it is
(the loss), work out which way each number should move to make it a little less wrong (the
gradient), nudge every number a little that way, repeat. Here that loop runs on the smallest
model that still needs attention, in plain NumPy, with the backward pass written out by hand
(the same chain rule PyTorch's autograd applies; ``tests/test_training.py`` checks it against
finite differences and against PyTorch).

The model (sizes in ``D_MODEL_LEARNER``, ``D_K_LEARNER``, ``SEQUENCE_LENGTH``)::

    X      = E[tokens] + PE                   fixed: word vectors + sinusoidal places (lesson 10)
    Q, K, V = X W_Q, X W_K, X W_V              learned: (d_model, d_k) each
    A      = softmax(Q K^T / (√d_k · T)) V     the core's own ``attention`` (T: lesson 4's dial)
    logits = (A W_O) E^T                       W_O learned (d_k, d_model); E^T reads out a word
    loss   = mean over the target places of −log softmax(logits)[target]

What is fixed and why: the word vectors ``E`` are random (seeded once, ``EMBEDDING_SEED``) and
never trained, so the only thing that can get better is attention; the output reads a word by
comparing with the same table (``E^T``, "tied embeddings", as GPT-2 does), so there is no
separate unembedding to learn. Positions are the paper's sinusoids, *added* as in lesson 10.
There is no residual, no feed-forward and no layer norm: the only way a place can learn
anything about another place is to look at it. That is why the tasks need attention. A real
transformer stacks many such blocks with those parts around them (lesson 13); one head with
nothing else is the smallest piece that learns to look.

The optimiser is Adam (Kingma & Ba, 2015) by default: each number moves by about ``lr`` per
step whatever the size of its gradient, which makes one learning rate work for W_Q and W_O
alike. Plain SGD (``optimiser="sgd"``: ``w ← w − lr · gradient``) is there too, the textbook
"nudge every number a little downhill".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .attention import Attention, attention, check_temperature
from .positions import sinusoidal_positions
from .predict import largest

Array = NDArray[np.float64]
Ints = NDArray[np.int64]
Optimiser = Literal["adam", "sgd"]

# --- sizes and settings (measured: see the presets below) ----------------------------------------

#: Places per sequence.
SEQUENCE_LENGTH = 8
#: Width of the word vectors and places (and of the head's input): wide enough that 17 random
#: word vectors and 8 places hardly overlap, small enough that a step costs a fraction of a ms.
D_MODEL_LEARNER = 32
#: Width of each query, key and value: one head as wide as each of four heads sharing 32 would
#: be (lesson 9); also what keeps a step cheap (the projections are the bulk of the arithmetic).
D_K_LEARNER = 8
#: The word vectors' seed: the same toy world for every training seed.
EMBEDDING_SEED = 2024
#: How big the random starting weights are: entries ~ N(0, (scale / √fan_in)²). Small enough that
#: every starting pattern is a blur (scores near 0, weights near 1/8) and the first answers are
#: guesses (loss ln V), large enough that the first gradients are not all tiny.
INIT_SCALE = 0.3
#: Training stops early (and says so) when a learned number passes this size or is not finite:
#: the arithmetic would soon overflow, and nothing useful is learned that far out.
BLOW_UP = 1e6
#: A run has diverged once its held-out loss is this many times the loss of guessing (ln V).
DIVERGED_FACTOR = 2.0
#: The most steps one run may take (the share link's contract): re-running to it takes ≤ 0.5 s.
MAX_STEPS = 1000
#: Adam's constants, the paper's defaults.
ADAM_BETAS = (0.9, 0.999)
ADAM_EPSILON = 1e-8

PARAMETERS: tuple[str, ...] = ("w_q", "w_k", "w_v", "w_o")


# --- the tasks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """A toy task that needs attention, and the words it is written in.

    ``vocabulary[i]`` names token ``i``; each place is made of ``parts`` tokens whose vectors are
    added (1 for a word; 2 for a recall card: a letter and its digit). ``batch_size`` sequences
    are drawn per step; ``held_out_size`` sequences, drawn once per seed and never trained on,
    are the exam after every step (enough for ~200 asked places, or 64 for recall's one per
    sequence); ``steps`` and ``lr`` are its measured defaults.
    """

    name: str
    vocabulary: tuple[str, ...]
    parts: int
    batch_size: int
    held_out_size: int
    steps: int
    lr: float

    @property
    def size(self) -> int:
        """V, the number of tokens (the length of a row of logits)."""
        return len(self.vocabulary)

    @property
    def chance_loss(self) -> float:
        """The loss of guessing every token equally: ln V."""
        return math.log(self.size)


#: "Say the word before you": every place from the second on outputs the previous word.
PREVIOUS_WORDS: tuple[str, ...] = (
    "cat", "dog", "sun", "moon", "tree", "fish", "bird", "rain", "star", "boat",
)  # fmt: skip
#: "Say the word that matched": seven cards (letter + digit), then a letter and a question mark.
RECALL_LETTERS: tuple[str, ...] = tuple("abcdefgh")
RECALL_DIGITS: tuple[str, ...] = tuple("12345678")
QUESTION = "?"

TASKS: dict[str, Task] = {
    "previous": Task(
        "previous", PREVIOUS_WORDS, parts=1, batch_size=16, held_out_size=32, steps=200, lr=0.01
    ),
    "recall": Task(
        "recall",
        RECALL_LETTERS + RECALL_DIGITS + (QUESTION,),
        parts=2,
        batch_size=32,
        held_out_size=64,
        steps=100,
        lr=0.01,
    ),
}
DEFAULT_TASK = "previous"


@dataclass(frozen=True)
class Batch:
    """Sequences of one task, with the answers.

    Shapes (``batch`` sequences, ``n`` places):
        tokens   (batch, n, parts)  token ids; a place's vector is the sum of its parts'
        targets  (batch, n)         the token each place must output, −1 where none is asked
        source   (batch, n)         the place that holds the answer (where to look), −1 if none
    """

    task: str
    tokens: Ints
    targets: Ints
    source: Ints

    def labels(self, example: int = 0) -> tuple[str, ...]:
        """The ``n`` places of sequence ``example`` as text: "cat", or "b7" for a card."""
        words = TASKS[self.task].vocabulary
        return tuple("".join(words[t] for t in place) for place in self.tokens[example])

    def answers(self, example: int = 0) -> tuple[str | None, ...]:
        """What each place of sequence ``example`` must say (None where nothing is asked)."""
        words = TASKS[self.task].vocabulary
        return tuple(words[t] if t >= 0 else None for t in self.targets[example])


def previous_word_batch(rng: np.random.Generator, count: int, n: int = SEQUENCE_LENGTH) -> Batch:
    """``count`` random sequences of ``n`` words; place ``i ≥ 1`` must say word ``i − 1``.

    Place ``i`` can only do it by looking at place ``i − 1``: nothing else tells it that word.
    """
    words = np.floor(rng.random((count, n)) * len(PREVIOUS_WORDS)).astype(np.int64)  # (count, n)
    targets = np.full((count, n), -1, dtype=np.int64)
    targets[:, 1:] = words[:, :-1]  # (count, n): the word one place back
    source = np.broadcast_to(np.arange(n) - 1, (count, n)).copy()  # (count, n): place i − 1
    return Batch("previous", words[:, :, None], targets, source)


def recall_batch(rng: np.random.Generator, count: int, n: int = SEQUENCE_LENGTH) -> Batch:
    """``count`` sequences like ``a3 b7 c1 d4 e2 f6 g5 b?``: ``n − 1`` cards with different
    letters, each with a digit, then a letter again and a question mark; the last place must say
    that letter's digit (7). It can only find it by looking for the card whose letter matches
    its own: lesson 2's soft dictionary, with a learned question.
    """
    letters = np.argsort(rng.random((count, len(RECALL_LETTERS))), axis=1)[:, : n - 1]  # (c, n-1)
    digits = np.floor(rng.random((count, n - 1)) * len(RECALL_DIGITS)).astype(np.int64)
    asked = np.floor(rng.random(count) * (n - 1)).astype(np.int64)  # (count,): which card
    rows = np.arange(count)
    tokens = np.empty((count, n, 2), dtype=np.int64)
    tokens[:, :-1, 0] = letters
    tokens[:, :-1, 1] = len(RECALL_LETTERS) + digits  # digit ids follow the letters
    tokens[:, -1, 0] = letters[rows, asked]  # (count,): the letter asked about
    tokens[:, -1, 1] = len(RECALL_LETTERS) + len(RECALL_DIGITS)  # "?"
    targets = np.full((count, n), -1, dtype=np.int64)
    targets[:, -1] = tokens[rows, asked, 1]  # (count,): that card's digit
    source = np.full((count, n), -1, dtype=np.int64)
    source[:, -1] = asked
    return Batch("recall", tokens, targets, source)


_MAKERS = {"previous": previous_word_batch, "recall": recall_batch}
_TRAIN_STREAM, _HELD_OUT_STREAM, _INIT_STREAM = 1, 2, 3  # independent streams of one seed
#: Training batches are drawn this many steps at a time, one generator per block of steps.
BLOCK = 100


def training_batch(task: str, seed: int, step: int) -> Batch:
    """The batch that step ``step`` (0, 1, ...) of a run with ``seed`` learns from.

    Steps ``0-99`` share one generator, ``100-199`` the next, ...: step 1,000 gets the same
    batch however the run got there (and a page can show the very sequences a step learned
    from), and drawing a block at once is cheaper than a generator per step."""
    t = checked_task(task)
    block = _training_block(t.name, seed, step // BLOCK)
    rows = slice((step % BLOCK) * t.batch_size, (step % BLOCK + 1) * t.batch_size)
    return Batch(t.name, block.tokens[rows], block.targets[rows], block.source[rows])


@lru_cache(maxsize=8)
def _training_block(task: str, seed: int, block: int) -> Batch:
    rng = np.random.default_rng([seed, _TRAIN_STREAM, block])
    return _read_only(_MAKERS[task](rng, BLOCK * TASKS[task].batch_size))


@lru_cache(maxsize=32)  # bounded: a server sees any seed a link asks for
def held_out(task: str, seed: int) -> Batch:
    """The task's ``held_out_size`` sequences the run with ``seed`` never trains on: its exam (from
    another stream of the seed; with 10⁸ possible sequences a repeat of a training one is rare
    and harmless). Read-only: it is shared."""
    t = checked_task(task)
    return _read_only(
        _MAKERS[t.name](np.random.default_rng([seed, _HELD_OUT_STREAM]), t.held_out_size)
    )


@lru_cache(maxsize=32)
def held_out_inputs(task: str, seed: int) -> Array:
    """``(held_out_size, n, d_model)`` the held-out sequences as the head's inputs."""
    return _frozen(batch_inputs(held_out(task, seed)))


@cache
def embeddings(task: str) -> Array:
    """``(V, d_model)`` the task's fixed word vectors, entries ~ N(0, 1): about √d_model long,
    the size of the places' vectors (the paper's √d_model scaling gives the same)."""
    size = checked_task(task).size
    return _frozen(np.random.default_rng(EMBEDDING_SEED).standard_normal((size, D_MODEL_LEARNER)))


@cache
def _places(n: int) -> Array:
    return _frozen(sinusoidal_positions(n, D_MODEL_LEARNER))  # (n, d_model)


def _frozen(a: Array) -> Array:
    a.flags.writeable = False
    return a


def _read_only(batch: Batch) -> Batch:
    for a in (batch.tokens, batch.targets, batch.source):
        _frozen(a)
    return batch


def batch_inputs(batch: Batch) -> Array:
    """``(batch, n, d_model)`` each place's word vectors (its parts added) plus its place."""
    e = embeddings(batch.task)  # (V, d_model)
    x = e[batch.tokens[..., 0]] + _places(batch.tokens.shape[1])  # (batch, n, d_model): X + PE
    for part in range(1, batch.tokens.shape[2]):  # a recall card: its digit's vector too
        x += e[batch.tokens[..., part]]
    return x


# --- the model: forward, backward, a step downhill -------------------------------------------


@dataclass(frozen=True)
class Learned:
    """The numbers training changes: the head's four matrices.

    Shapes: ``w_q, w_k, w_v (d_model, d_k)``; ``w_o (d_k, d_model)``.
    """

    w_q: Array
    w_k: Array
    w_v: Array
    w_o: Array

    def arrays(self) -> tuple[Array, Array, Array, Array]:
        """``(w_q, w_k, w_v, w_o)``, in ``PARAMETERS`` order."""
        return (self.w_q, self.w_k, self.w_v, self.w_o)

    @property
    def size(self) -> int:
        """P, how many numbers are learned (1,024 at the lesson's sizes: 4 × 32 × 8)."""
        return sum(w.size for w in self.arrays())

    def flat(self) -> Array:
        """``(P,)`` every learned number in one vector: ``w_q``, ``w_k``, ``w_v``, ``w_o``."""
        return np.concatenate([w.ravel() for w in self.arrays()])

    def like(self, flat: Array) -> Learned:
        """``flat (P,)`` cut back into four matrices shaped like these (views of ``flat``)."""
        parts, start = [], 0
        for w in self.arrays():
            parts.append(flat[start : start + w.size].reshape(w.shape))
            start += w.size
        return Learned(*parts)

    @property
    def qk(self) -> Array:
        """``(d_model, d_model)`` ``W_Q W_K^T``: the question-to-key comparison the head learned
        (a score is ``x_i W_Q W_K^T x_j``)."""
        return self.w_q @ self.w_k.T


def init_learned(seed: int, d_model: int = D_MODEL_LEARNER, d_k: int = D_K_LEARNER) -> Learned:
    """Random starting weights for ``seed``: entries ~ N(0, (INIT_SCALE / √fan_in)²)."""
    rng = np.random.default_rng([seed, _INIT_STREAM])
    w_q, w_k, w_v = (
        rng.standard_normal((d_model, d_k)) * INIT_SCALE / math.sqrt(d_model) for _ in range(3)
    )
    w_o = rng.standard_normal((d_k, d_model)) * INIT_SCALE / math.sqrt(d_k)
    return Learned(w_q, w_k, w_v, w_o)


@dataclass(frozen=True)
class Forward:
    """Every step of the forward pass over a batch, for drawing and for the backward pass.

    Shapes (``batch`` sequences, ``n`` places, ``V`` tokens):
        x            (batch, n, d_model)  inputs: word vectors + places
        q, k, v      (batch, n, d_k)      ``x W_Q``, ``x W_K``, ``x W_V``
        attention    the core's ``Attention``: scores, scaled scores, weights (batch, n, n),
                     output (batch, n, d_k)
        out          (batch, n, d_model)  ``attended W_O``
        logits       (batch, n, V)        ``out E^T``: how much each place says each word
        log_probs    (batch, n, V)        ln softmax of the logits (``probs``: the softmax)
        targets      (batch, n)           the right token, −1 where nothing is asked
        loss         mean −ln(probability of the right token) over the asked places
        accuracy     share of asked places whose most likely token is the right one
    """

    x: Array
    q: Array
    k: Array
    v: Array
    attention: Attention
    out: Array
    logits: Array
    log_probs: Array
    targets: Ints
    loss: float
    accuracy: float

    @cached_property
    def probs(self) -> Array:
        """``(batch, n, V)`` how likely the head finds each token at each place."""
        return np.exp(self.log_probs)

    @property
    def scores(self) -> Array:
        """``(batch, n, n)`` raw ``Q K^T``."""
        return self.attention.scores

    @property
    def scaled_scores(self) -> Array:
        """``(batch, n, n)`` ``Q K^T / √d_k`` (softmax then divides by the temperature)."""
        return self.attention.scaled_scores

    @property
    def weights(self) -> Array:
        """``(batch, n, n)`` the attention pattern: row i is where place i looks."""
        return self.attention.weights

    @property
    def attended(self) -> Array:
        """``(batch, n, d_k)`` the values mixed by the weights."""
        return self.attention.output


def forward(
    learned: Learned,
    x: Array,
    targets: Ints,
    unembed: Array,
    *,
    temperature: float = 1.0,
    mask: NDArray[np.bool_] | None = None,
) -> Forward:
    """Run the head on ``x (batch, n, d_model)`` and score it against ``targets (batch, n)``.

    ``unembed (V, d_model)`` is the word table the logits compare with (``embeddings(task)``);
    ``mask`` (bool, broadcastable to ``(n, n)``, True = may look) is optional.
    """
    q, k, v = x @ learned.w_q, x @ learned.w_k, x @ learned.w_v  # (batch, n, d_k) each
    att = attention(q, k, v, temperature=temperature, mask=mask)  # weights (batch, n, n)
    out = att.output @ learned.w_o  # (batch, n, d_model)
    logits = out @ unembed.T  # (batch, n, V)
    log_probs = log_softmax(logits)  # (batch, n, V)
    loss, accuracy = cross_entropy(log_probs, targets)
    return Forward(x, q, k, v, att, out, logits, log_probs, targets, loss, accuracy)


def log_softmax(logits: Array) -> Array:
    """``ln softmax`` along the last axis, stable: ``z − max − ln Σ exp(z − max)``."""
    shifted = logits - row_max(logits)  # (..., V): every exponent <= 0
    return shifted - np.log(row_sum(np.exp(shifted)))  # (..., V)


def cross_entropy(log_probs: Array, targets: Ints) -> tuple[float, float]:
    """The loss (mean −ln p[target] over asked places) and the accuracy there.

    ``log_probs (batch, n, V)``, ``targets (batch, n)`` with −1 where nothing is asked."""
    b, i = np.nonzero(targets >= 0)  # the asked places: sequence b, place i
    said = log_probs[b, i]  # (asked, V)
    right = said[np.arange(len(b)), targets[b, i]]  # (asked,): ln p of the right token
    hits = np.count_nonzero(said.argmax(axis=-1) == targets[b, i])  # most likely = right
    return -float(right.sum()) / len(b), hits / len(b)


def row_max(a: Array) -> Array:
    """``(..., m)`` -> ``(..., 1)``: ``a.max(axis=-1, keepdims=True)``, the same numbers.

    Taken across a transposed copy: NumPy reduces a short last axis row by row (~20 ns a
    row), and a step has ~1,500 rows of 8 or 10."""
    return np.ascontiguousarray(np.moveaxis(a, -1, 0)).max(axis=0)[..., None]


def row_sum(a: Array) -> Array:
    """``(..., m)`` -> ``(..., 1)``: ``a.sum(axis=-1, keepdims=True)`` (by ``einsum``, which
    adds short rows ~3× faster; the last bits can differ)."""
    return np.einsum("...m->...", a)[..., None]


@dataclass(frozen=True)
class Gradients:
    """How the loss changes with each number: ∂loss/∂(that number), same shape as it.

    Learned (what the optimiser uses): ``w_q, w_k, w_v (d_model, d_k)``, ``w_o (d_k, d_model)``.
    On the way back (``batch`` sequences, ``n`` places): ``logits (batch, n, V)``;
    ``out (batch, n, d_model)``; ``attended (batch, n, d_k)``; ``weights (batch, n, n)``;
    ``scaled_scores`` and ``scores (batch, n, n)`` (through softmax's Jacobian); ``q, k, v
    (batch, n, d_k)``.
    """

    w_q: Array
    w_k: Array
    w_v: Array
    w_o: Array
    logits: Array
    out: Array
    attended: Array
    weights: Array
    scaled_scores: Array
    scores: Array
    q: Array
    k: Array
    v: Array

    @property
    def learned(self) -> Learned:
        """The four weight gradients, shaped like ``Learned``."""
        return Learned(self.w_q, self.w_k, self.w_v, self.w_o)


def backward(learned: Learned, f: Forward, unembed: Array) -> Gradients:
    """The chain rule, from the loss back to every weight, one line per step of ``forward``.

    Each line turns "how the loss changes with this step's output" into "... with its inputs".
    Shapes as in ``Forward``; every ``x.T``-style product sums over the batch and places.
    """
    att, t = f.attention, f.attention.temperature
    asked = (f.targets >= 0)[..., None]  # (batch, n, 1)
    # Loss: mean over asked places of −ln p[target]  ->  ∂/∂logits = p − one_hot(target)
    d_logits = (f.probs - one_hot(f.targets, f.probs.shape[-1])) * asked / asked.sum()
    d_out = d_logits @ unembed  # (batch, n, d_model): logits = out E^T
    d_w_o = flat(att.output).T @ flat(d_out)  # (d_k, d_model): out = attended W_O
    d_attended = d_out @ learned.w_o.T  # (batch, n, d_k)
    d_weights = d_attended @ swap(f.v)  # (batch, n, n): attended = weights V
    d_v = swap(att.weights) @ d_attended  # (batch, n, d_k)
    # Softmax's Jacobian, ∂w_ij/∂z_il = w_ij (δ_jl − w_il), applied to a row in one go:
    d_z = att.weights * (d_weights - row_sum(att.weights * d_weights))  # (batch, n, n)
    d_scaled = d_z / t  # (batch, n, n): weights = softmax(scaled / T)
    d_scores = d_scaled / math.sqrt(att.d_k)  # (batch, n, n): scaled = scores / √d_k
    d_q = d_scores @ f.k  # (batch, n, d_k): scores = Q K^T
    d_k = swap(d_scores) @ f.q  # (batch, n, d_k)
    x = flat(f.x).T  # (d_model, batch · n)
    d_w_q, d_w_k, d_w_v = x @ flat(d_q), x @ flat(d_k), x @ flat(d_v)  # (d_model, d_k): X W
    return Gradients(
        d_w_q, d_w_k, d_w_v, d_w_o, d_logits, d_out, d_attended, d_weights, d_scaled, d_scores,
        d_q, d_k, d_v,
    )  # fmt: skip


def one_hot(targets: Ints, size: int) -> Array:
    """``(..., size)``: 1 at each target token, all 0 where the target is −1."""
    return (targets[..., None] == np.arange(size)).astype(np.float64)


def flat(a: Array) -> Array:
    """``(batch, n, d)`` -> ``(batch · n, d)``: every place of every sequence, one per row."""
    return a.reshape(-1, a.shape[-1])


def swap(a: Array) -> Array:
    """Transpose the last two axes: ``(..., n, m)`` -> ``(..., m, n)``."""
    return np.swapaxes(a, -1, -2)


@dataclass(frozen=True)
class AdamState:
    """Adam's memory after ``t`` steps: running means of each gradient entry (``m``) and of its
    square (``v``), one entry per learned number, in ``Learned.flat()`` order: ``(P,)`` each."""

    m: Array
    v: Array
    t: int


def fresh_adam(learned: Learned) -> AdamState:
    """Adam before its first step: zero means."""
    zeros = np.zeros(learned.size)
    return AdamState(zeros, zeros, 0)


def adam_step(
    learned: Learned, grads: Learned, state: AdamState, lr: float
) -> tuple[Learned, AdamState]:
    """One Adam step: move each number against a running mean of its gradient, divided by a
    running size of that gradient, so each moves about ``lr`` whatever its gradient's scale.
    Adam treats every learned number alike, so all of them stand in one vector here.

    As ``torch.optim.Adam`` computes it (checked in ``tests/test_training.py``).
    """
    b1, b2 = ADAM_BETAS
    t = state.t + 1
    g = grads.flat()  # (P,): every gradient entry
    m = b1 * state.m + (1 - b1) * g  # running mean of the gradient
    v = b2 * state.v + (1 - b2) * g * g  # running mean of its square
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)  # undo their start at zero
    w = learned.flat() - lr * m_hat / (np.sqrt(v_hat) + ADAM_EPSILON)  # (P,)
    return learned.like(w), AdamState(m, v, t)


def sgd_step(learned: Learned, grads: Learned, lr: float) -> Learned:
    """One step of plain gradient descent: ``w ← w − lr · ∂loss/∂w`` for every number."""
    return Learned(*(w - lr * g for w, g in zip(learned.arrays(), grads.arrays(), strict=True)))


# --- training -------------------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """What a run did, step by step. Index ``t`` is "after ``t`` steps" (0 = the random start).

    Shapes (``s`` steps taken, ``n`` places):
        loss           (s + 1,)       held-out loss
        accuracy       (s + 1,)       held-out accuracy (share of asked places said right)
        answer_weight  (s + 1,)       mean weight asked held-out places give the place holding
                                      their answer (1/n for a blur, 1 for a perfect spotlight)
        pattern        (s + 1, n, n)  the weights of held-out sequence 0 (``Training.example``)
        mean_pattern   (s + 1, n, n)  the weights averaged over the held-out sequences
        batch_loss     (s,)           the loss of the batch step t learned from, before learning
        gradient_size  (s,)           the length of step t's whole gradient (all four matrices)
    """

    loss: Array
    accuracy: Array
    answer_weight: Array
    pattern: Array
    mean_pattern: Array
    batch_loss: Array
    gradient_size: Array

    @property
    def steps(self) -> int:
        """How many steps this history covers."""
        return len(self.batch_loss)

    def first_step_reaching(self, accuracy: float = 0.95) -> int | None:
        """The first step count after which held-out accuracy is at least ``accuracy``."""
        reached = np.flatnonzero(self.accuracy >= accuracy)
        return int(reached[0]) if reached.size else None


@dataclass(frozen=True)
class Training:
    """A run: its settings, the weights after ``steps`` steps, and its ``history``.

    ``diverged_at`` is the first step count whose held-out loss passed ``DIVERGED_FACTOR`` × the
    loss of guessing (or whose weights blew up), None if it never did. ``blew_up`` says training
    stopped early because a learned number passed ``BLOW_UP`` or stopped being a number: then
    ``steps`` is less than asked, ``learned`` is the last state that was still fine, and the
    history ends there (no NaN ever enters it). ``adam`` is the optimiser's memory (None for
    SGD), so ``train_more`` continues exactly.
    """

    task: str
    seed: int
    lr: float
    temperature: float
    optimiser: Optimiser
    steps: int
    learned: Learned
    adam: AdamState | None
    history: History
    diverged_at: int | None
    blew_up: bool

    @property
    def held_out(self) -> Batch:
        """The held-out sequences accuracy is measured on."""
        return held_out(self.task, self.seed)

    @cached_property
    def result(self) -> Forward:
        """The forward pass of the final weights over the held-out sequences."""
        return evaluate(self.task, self.learned, self.held_out, self.temperature)

    @property
    def example(self) -> tuple[str, ...]:
        """The places of held-out sequence 0, whose weights ``history.pattern`` keeps."""
        return self.held_out.labels(0)

    @property
    def reached_95(self) -> int | None:
        """The first step count with held-out accuracy ≥ 95 %, or None."""
        return self.history.first_step_reaching(0.95)


def evaluate(task: str, learned: Learned, batch: Batch, temperature: float = 1.0) -> Forward:
    """The forward pass of ``learned`` over ``batch`` of ``task`` (no learning)."""
    return forward(
        learned, batch_inputs(batch), batch.targets, embeddings(task), temperature=temperature
    )


def train(
    task: str = DEFAULT_TASK,
    seed: int = 0,
    lr: float | None = None,
    steps: int | None = None,
    temperature: float = 1.0,
    optimiser: Optimiser = "adam",
) -> Training:
    """Train a fresh head on ``task`` for ``steps`` steps (defaults: the task's ``lr``, ``steps``).

    Deterministic: the same arguments give the same numbers, and a run of ``k`` steps is the
    first ``k`` steps of any longer one (step ``t``'s batch depends on the seed and ``t`` only:
    ``training_batch``). The seed picks the starting weights, the batches and the exam.
    """
    t = checked_task(task)
    seed, lr, steps, temperature, optimiser = checked_settings(
        seed,
        t.lr if lr is None else lr,
        t.steps if steps is None else steps,
        temperature,
        optimiser,
    )
    learned = init_learned(seed)
    start = Training(
        task=t.name,
        seed=seed,
        lr=lr,
        temperature=temperature,
        optimiser=optimiser,
        steps=0,
        learned=learned,
        adam=fresh_adam(learned) if optimiser == "adam" else None,
        history=_history([_exam(t.name, seed, learned, temperature)]),
        diverged_at=None,
        blew_up=False,
    )
    return train_more(start, steps)


def train_more(run: Training, steps: int) -> Training:
    """``run`` continued for ``steps`` more steps: the same numbers as training that much longer.

    One step: the step's batch → forward → backward → one optimiser step → an exam on the
    held-out sequences. That is all "learning" is.
    """
    steps = _checked_steps(steps, MAX_STEPS - run.steps)
    unembed, bound = embeddings(run.task), DIVERGED_FACTOR * TASKS[run.task].chance_loss
    learned, adam, diverged_at, blew_up = run.learned, run.adam, run.diverged_at, run.blew_up
    rows: list[_Row] = []
    for step in range(run.steps, run.steps + (0 if blew_up else steps)):
        batch = training_batch(run.task, run.seed, step)
        f = forward(
            learned, batch_inputs(batch), batch.targets, unembed, temperature=run.temperature
        )
        g = backward(learned, f, unembed).learned
        new, new_adam = _descend(learned, g, adam, run.lr)
        if not _tame(new):  # the numbers ran away: stop, keep the last weights that were fine
            blew_up, diverged_at = True, step + 1 if diverged_at is None else diverged_at
            break
        learned, adam = new, new_adam
        row = _exam(run.task, run.seed, learned, run.temperature, f.loss, g)
        if diverged_at is None and not row.loss <= bound:
            diverged_at = step + 1
        rows.append(row)
    return Training(
        task=run.task,
        seed=run.seed,
        lr=run.lr,
        temperature=run.temperature,
        optimiser=run.optimiser,
        steps=run.steps + len(rows),
        learned=learned,
        adam=adam,
        history=_history(rows, run.history),
        diverged_at=diverged_at,
        blew_up=blew_up,
    )


def _descend(
    learned: Learned, grads: Learned, adam: AdamState | None, lr: float
) -> tuple[Learned, AdamState | None]:
    """One optimiser step: Adam when there is Adam memory, else plain SGD."""
    if adam is None:
        return sgd_step(learned, grads, lr), None
    return adam_step(learned, grads, adam, lr)


@dataclass(frozen=True)
class _Row:
    """One line of the history (see ``History``)."""

    loss: float
    accuracy: float
    answer_weight: float
    pattern: Array
    mean_pattern: Array
    batch_loss: float = math.nan
    gradient_size: float = math.nan


def _exam(
    task: str,
    seed: int,
    learned: Learned,
    temperature: float,
    batch_loss: float = math.nan,
    grads: Learned | None = None,
) -> _Row:
    """The exam after a step: the held-out sequences through ``learned``, and what to keep."""
    exam = held_out(task, seed)
    e = forward(learned, held_out_inputs(task, seed), exam.targets, embeddings(task),
                temperature=temperature)  # fmt: skip
    size = math.nan if grads is None else float(np.linalg.norm(grads.flat()))
    return _Row(
        e.loss, e.accuracy, _answer_weight(e.weights, exam.source), e.weights[0].copy(),
        e.weights.mean(axis=0), batch_loss, size,
    )  # fmt: skip


def _history(rows: list[_Row], before: History | None = None) -> History:
    """``before`` with ``rows`` appended (the first row of a fresh run has no batch)."""
    if before is None:
        first = rows[0]
        return History(
            loss=np.array([first.loss]),
            accuracy=np.array([first.accuracy]),
            answer_weight=np.array([first.answer_weight]),
            pattern=first.pattern[None].copy(),
            mean_pattern=first.mean_pattern[None],
            batch_loss=np.zeros(0),
            gradient_size=np.zeros(0),
        )
    if not rows:
        return before

    def column(name: str) -> Array:
        return np.array([getattr(r, name) for r in rows])

    return History(
        loss=np.concatenate([before.loss, column("loss")]),
        accuracy=np.concatenate([before.accuracy, column("accuracy")]),
        answer_weight=np.concatenate([before.answer_weight, column("answer_weight")]),
        pattern=np.concatenate([before.pattern, column("pattern")]),
        mean_pattern=np.concatenate([before.mean_pattern, column("mean_pattern")]),
        batch_loss=np.concatenate([before.batch_loss, column("batch_loss")]),
        gradient_size=np.concatenate([before.gradient_size, column("gradient_size")]),
    )


def _answer_weight(weights: Array, source: Ints) -> float:
    """Mean weight that asked places give the place holding their answer."""
    b, i = np.nonzero(source >= 0)
    return float(weights[b, i, source[b, i]].sum()) / len(b)


def _tame(learned: Learned) -> bool:
    """Every learned number finite and below ``BLOW_UP`` in size (NaN fails the test too)."""
    return bool(np.abs(learned.flat()).max() < BLOW_UP)


# --- presets: settings worth showing, found by measuring -------------------------------------


@dataclass(frozen=True)
class Preset:
    """Settings for ``train`` that show one thing about learning."""

    lr: float
    temperature: float = 1.0
    optimiser: Optimiser = "adam"


#: Found by measuring (Adam, seeds 0-9 of both tasks; ``tests/test_training.py`` keeps them true):
#:
#: - "good", lr 0.01: the default task reaches 95 % held-out accuracy after 72-85 steps (seeds
#:   0-9), recall after 35-54, and both stay there to step 1,000 (held-out accuracy ≥ 92 % after
#:   step 150). lr 0.02 is a little faster (50-68 steps on the default task) but its loss
#:   spikes more later on: Adam takes big steps once the gradient is tiny.
#: - "diverges", lr 0.5 (50×): the first step already throws the held-out loss from ln V ≈ 2.3
#:   to hundreds (280-590), and accuracy stays near chance (≤ 25 %) for the whole budget. From
#:   lr 0.1 on, both tasks shoot up like this. (Plain SGD, ``optimiser="sgd"``: lr 0.1 learns
#:   the default task in 182-191 steps, after a long flat start; lr 0.2-0.3 makes the numbers
#:   blow up within 3-94 steps, which ``Training.blew_up`` reports.)
#: - "barely_moves", lr 3e-5 (÷ 300): after the whole budget the loss is still 96-99 % of what
#:   guessing scores, accuracy at chance.
#: - "slow_temperature", T = 20 (the top of the app's temperature range): every score counts a
#:   twentieth, so every place starts at ~1/8 and the scores must grow 20× bigger before the
#:   pattern sharpens: 210-223 steps to 95 % on the default task (×2.8), 80-107 on recall
#:   (×2.2). (T = 5: 120-136 steps; T = 10: 158-178. A cold temperature does not slow Adam down
#:   here: at T = 0.2 the default task takes 47-61 steps and ends with a sharper pattern.)
PRESETS: dict[str, Preset] = {
    "good": Preset(lr=0.01),
    "diverges": Preset(lr=0.5),
    "barely_moves": Preset(lr=3e-5),
    "slow_temperature": Preset(lr=0.01, temperature=20.0),
}


# --- reading a run: one step's gradient, where a place looks --------------------------------


@dataclass(frozen=True)
class Nudge:
    """One weight at one step: its value, its gradient, the step's change, its new value.

    With SGD ``change == −lr · gradient``; with Adam the change has the opposite sign of the
    running mean of the gradient, about ``lr`` in size."""

    name: str
    row: int
    col: int
    before: float
    gradient: float
    change: float
    after: float


@dataclass(frozen=True)
class StepSnapshot:
    """Step number ``step`` of a run (``step`` steps already taken) in the open: the batch it
    learns from, its forward and backward passes, and the weights before and after it."""

    step: int
    optimiser: Optimiser
    lr: float
    batch: Batch
    forward: Forward
    gradients: Gradients
    before: Learned
    after: Learned

    def nudge(self, name: str, row: int, col: int) -> Nudge:
        """What this step does to ``name[row, col]`` (``name`` one of ``PARAMETERS``)."""
        if name not in PARAMETERS:
            raise ValueError(f"name must be one of {', '.join(PARAMETERS)}, got {name!r}")
        before, after = getattr(self.before, name), getattr(self.after, name)
        if not (0 <= row < before.shape[0] and 0 <= col < before.shape[1]):
            raise ValueError(
                f"{name} has shape {before.shape}: row must be 0..{before.shape[0] - 1} and "
                f"col 0..{before.shape[1] - 1}, got ({row}, {col})"
            )
        b, a = float(before[row, col]), float(after[row, col])
        return Nudge(name, row, col, b, float(getattr(self.gradients, name)[row, col]), a - b, a)


def next_step(run: Training) -> StepSnapshot:
    """The step ``run`` would take next, in full (the one ``train_more(run, 1)`` takes)."""
    if run.blew_up:
        raise ValueError(f"this run blew up after step {run.steps}: pick an earlier step")
    batch = training_batch(run.task, run.seed, run.steps)
    unembed = embeddings(run.task)
    f = forward(
        run.learned, batch_inputs(batch), batch.targets, unembed, temperature=run.temperature
    )
    g = backward(run.learned, f, unembed)
    after, _ = _descend(run.learned, g.learned, run.adam, run.lr)
    return StepSnapshot(run.steps, run.optimiser, run.lr, batch, f, g, run.learned, after)


def step_snapshot(
    task: str = DEFAULT_TASK,
    seed: int = 0,
    lr: float | None = None,
    step: int = 0,
    temperature: float = 1.0,
    optimiser: Optimiser = "adam",
) -> StepSnapshot:
    """Step number ``step`` of ``train(task, seed, lr, ..., temperature, optimiser)`` in full:
    the run is repeated for ``step`` steps, then ``next_step``."""
    return next_step(train(task, seed, lr, step, temperature, optimiser))


def where_it_looks(run: Training, position: int, step: int | None = None) -> frozenset[int]:
    """The place(s) that ``position`` of the example sequence (``run.example``) looks at most
    after ``step`` steps (default: the end of the run): the answer to "where will place 5
    look?". Places within ``SHOWN_PRECISION`` of the top tie, as everywhere in the app."""
    step = run.steps if step is None else step
    n = run.history.pattern.shape[1]
    if not 0 <= position < n:
        raise ValueError(f"position must be a place 0..{n - 1}, got {position}")
    if not 0 <= step <= run.steps:
        raise ValueError(f"step must be 0..{run.steps} (the steps this run took), got {step}")
    return largest(run.history.pattern[step, position])


def looks_right(weights: ArrayLike, source: Ints) -> NDArray[np.bool_]:
    """``(batch, n)``: for each asked place, is its largest weight (strictly) on the place that
    holds its answer? False where nothing is asked. ``weights (batch, n, n)``."""
    w = np.asarray(weights, dtype=np.float64)
    b, i = np.nonzero(source >= 0)
    right = np.zeros(source.shape, dtype=bool)
    others = w[b, i].copy()  # (asked, n)
    others[np.arange(len(b)), source[b, i]] = -np.inf
    right[b, i] = w[b, i, source[b, i]] > others.max(axis=-1, initial=-np.inf)
    return right


def position_scores(learned: Learned, task: str = DEFAULT_TASK) -> Array:
    """``(n, n)`` the scaled scores between places that all hold the same, average word (the
    mean of the task's word vectors at each of its parts): ``x̄_i W_Q W_K^T x̄_j^T / √d_k`` with
    ``x̄_i = parts · mean(E) + PE_i``. What the head learned about places alone, drawn as an
    ``n × n`` picture of ``W_Q W_K^T``. After training on the default task every row from the
    second peaks one place back (the test checks seeds 0-9); a recall head looks by content,
    so there is little to see here. (``PE W_Q W_K^T PE^T`` alone, without the average word, is
    not a fair picture: its first rows can peak on themselves, because a place's score also
    depends on the words there.)"""
    t = checked_task(task)
    x = t.parts * embeddings(t.name).mean(axis=0) + _places(SEQUENCE_LENGTH)  # (n, d_model)
    return (x @ learned.w_q) @ (x @ learned.w_k).T / math.sqrt(learned.w_q.shape[1])  # (n, n)


# --- checks ---------------------------------------------------------------------------------


def checked_task(task: str) -> Task:
    """The ``Task`` named ``task``, or a ``ValueError`` listing the names."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}, got {task!r}")
    return TASKS[task]


def checked_settings(
    seed: int, lr: float, steps: int, temperature: float, optimiser: str
) -> tuple[int, float, int, float, Optimiser]:
    """``train``'s settings as plain numbers, or a ``ValueError`` saying what is allowed."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    lr = float(lr)
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0 (e.g. 0.01), got {lr!r}")
    if optimiser not in ("adam", "sgd"):
        raise ValueError(f"optimiser must be 'adam' or 'sgd', got {optimiser!r}")
    return (
        int(seed),
        lr,
        _checked_steps(steps, MAX_STEPS),
        check_temperature(temperature),
        optimiser,
    )


def _checked_steps(steps: int, most: int) -> int:
    if (
        not isinstance(steps, (int, np.integer))
        or isinstance(steps, bool)
        or not 0 <= steps <= most
    ):
        raise ValueError(f"steps must be a whole number 0..{most}, got {steps!r}")
    return int(steps)
