"""The noisy room: at a loud party you still hear your friend.

From the source notes: attention lets a model focus on the words that matter (signal) and ignore
the rest (noise). Here each voice in the room gets a relevance score; softmax with a "focus"
temperature decides how much of your attention each voice receives. Low temperature: you hear
only your friend. High temperature: you listen to everyone and understand no one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .attention import entropy, softmax

#: How relevant your friend's voice is to you (the chatter scores between 0 and 1.5).
FRIEND_SCORE = 3.0
MIN_VOICES, MAX_VOICES = 2, 40
_CHATTER = (
    "music",
    "laughter",
    "glasses",
    "a phone",
    "the DJ",
    "a stranger",
    "a waiter",
    "the kitchen",
    "a toast",
    "a dog",
    "traffic",
    "a game",
    "the TV",
    "a baby",
    "a door",
    "a song",
)


@dataclass(frozen=True)
class Room:
    """Who is talking and how much of your attention each voice gets.

    Shapes (``n`` voices, your friend first): ``voices`` n labels, ``scores (n,)``,
    ``weights (n,)``. ``friend_share`` = ``weights[0]``; ``entropy_bits`` how spread you are.
    """

    voices: tuple[str, ...]
    scores: NDArray[np.float64]
    weights: NDArray[np.float64]
    temperature: float

    @property
    def friend_share(self) -> float:
        return float(self.weights[0])

    @property
    def chatter_share(self) -> float:
        return float(self.weights[1:].sum())

    @property
    def entropy_bits(self) -> float:
        return float(entropy(self.weights))

    @property
    def loudest_chatter(self) -> float:
        """The largest share any one voice of the chatter gets."""
        return float(self.weights[1:].max())

    @property
    def friend_has_most(self) -> bool:
        """Does your friend get more than half of your attention (more than all chatter)?"""
        return self.friend_share > 0.5

    @property
    def friend_leads(self) -> bool:
        """Does your friend get more than any single other voice?"""
        return self.friend_share > self.loudest_chatter


def voices(n_voices: int) -> tuple[str, ...]:
    """Labels for ``n_voices`` voices: your friend, then the room's chatter."""
    return (
        "your friend",
        *(
            _CHATTER[i % len(_CHATTER)]
            + ("" if i < len(_CHATTER) else f" #{i // len(_CHATTER) + 1}")
            for i in range(n_voices - 1)
        ),
    )


def listen(n_voices: int = 12, *, temperature: float = 1.0, seed: int = 7) -> Room:
    """Attention over a room of ``n_voices`` (2..40): your friend scores high, the chatter low.

    The chatter scores are drawn once from a seeded generator, so the room is the same every time.
    """
    n = _checked_voices(n_voices)
    chatter = np.random.default_rng(seed).uniform(0.0, 1.5, size=MAX_VOICES - 1)[: n - 1]
    scores = np.concatenate([[FRIEND_SCORE], chatter])  # (n,)
    return Room(voices(n), scores, softmax(scores, temperature), float(temperature))


def _checked_voices(n_voices: int) -> int:
    if not MIN_VOICES <= int(n_voices) <= MAX_VOICES:
        raise ValueError(f"n_voices must be between {MIN_VOICES} and {MAX_VOICES}, got {n_voices}")
    return int(n_voices)
