"""Pieces of the attention formula in LaTeX, shared by the lessons that write it out."""


def divisor(*, scaled: bool, d: str = "d_k") -> str:
    r"""What the scores are divided by: ``\sqrt{d_k}\,T`` (Vaswani et al.), or ``T`` alone
    (the course notes' unscaled formula)."""
    return (rf"\sqrt{{{d}}}\," if scaled else "") + "T"
