"""Pieces of the attention formula in LaTeX, shared by the lessons that write it out."""


def divisor(*, scaled: bool, d: str = "d_k") -> str:
    r"""What the scores are divided by: ``\sqrt{d_k}\,T`` (Vaswani et al.), or ``T`` alone
    (the course notes' unscaled formula)."""
    return (rf"\sqrt{{{d}}}\," if scaled else "") + "T"


def softmax_of(scores: str, *, scaled: bool, d: str = "d_k") -> str:
    r"""``softmax(scores / divisor)`` in LaTeX, e.g. ``softmax_of(r"q K^\top", scaled=True)``."""
    below = divisor(scaled=scaled, d=d)
    return rf"\operatorname{{softmax}}\!\left(\frac{{{scores}}}{{{below}}}\right)"
