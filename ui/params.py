"""Every control of every lesson in one table: URL name, label, default, range.

This is the share-link contract (like TensorFlow Playground's ``state.ts``): each control is a
Streamlit widget bound to the URL under its ``key``, values equal to the default stay out of the
URL, and the same table parses incoming links, builds share links and sets lesson presets.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Literal

from .formats import decimal, format_number

#: A log-spaced grid for the temperature slider: fine steps near 1, coarse at the ends.
TEMPERATURES: tuple[float, ...] = (
    0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0,
    1.5, 2.0, 3.0, 4.0, 5.0, 7.0, 10.0, 15.0, 20.0,
)  # fmt: skip

Kind = Literal["temperature", "grid", "float", "int", "bool", "choice", "text"]

# Plain ASCII decimals only: "1_000", "1e308", "nan" or Arabic-Indic digits are not link values.
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)")


@dataclass(frozen=True)
class Param:
    """One control: its URL name (``key``), what it means, its default and allowed values."""

    key: str
    label: str
    kind: Kind
    default: Any
    meaning: str
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: tuple[str, ...] = ()
    max_chars: int | None = None
    #: A ``grid`` control's values, in slider order (lesson 12's learning rates).
    grid: tuple[float, ...] = ()
    help: str | None = None
    #: False for a value the page manages itself (not a widget of its own), e.g. a picked word:
    #: ``ui.page`` keeps it in the link.
    bound: bool = True

    def parse(self, raw: str) -> Any:
        """The value a link's ``raw`` text stands for, or None when it is not a valid value."""
        text = raw.strip()
        if self.kind == "text":
            return raw[: self.max_chars] if self.max_chars else raw
        if self.kind == "bool":
            return {"true": True, "false": False}.get(text.lower())
        if self.kind == "choice":
            return text if text in self.options else None
        if self.kind in ("temperature", "grid"):
            return next((v for v in self.slider_values if self.to_url(v) == text), None)
        if not _NUMBER.fullmatch(text):
            return None
        value = float(text)
        if not (math.isfinite(value) and self.low <= value <= self.high):
            return None
        if self.kind == "int":
            return int(value) if value.is_integer() else None
        return value

    def why_not(self, raw: str) -> str | None:
        """Why the link's ``raw`` text is not a valid value, in plain words ("is not a whole
        number"), or None when it is valid. A notice says it after the value, so a teacher
        sees what to fix: ``voices=2.5`` is in range but not whole."""
        if self.parse(raw) is not None:
            return None
        text = raw.strip()
        if not text:
            return "is empty"
        if self.kind == "bool":
            return "is not true or false"
        if self.kind == "choice":
            return "is not one of " + ", ".join(self.options)
        if not _NUMBER.fullmatch(text) or not math.isfinite(value := float(text)):
            return "is not a plain number (write it like 3 or 0.5)"
        if self.kind == "temperature":
            return "is not a temperature on the slider (" + self.describe_range() + ")"
        if self.kind == "grid":
            return "is not a value on the slider (" + self.describe_range() + ")"
        if value < self.low:
            return f"is below the lowest value, {format_number(self.low)}"
        if value > self.high:
            return f"is above the highest value, {format_number(self.high)}"
        return f"is not a whole number ({self.describe_range()})"

    def describe_range(self) -> str:
        """The allowed values in words, for the README and for notices."""
        if self.kind in ("temperature", "grid"):
            return f"one of {', '.join(self.to_url(v) for v in self.slider_values)}"
        if self.kind in ("float", "int"):
            return f"{format_number(self.low)} to {format_number(self.high)}"
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return " or ".join(self.options)
        return f"any text up to {self.max_chars:,} characters"

    def to_url(self, value: Any) -> str:
        """How ``value`` is written in a link (the inverse of ``parse``)."""
        if self.kind == "bool":
            return "true" if value else "false"
        if self.kind == "grid":
            return decimal(float(value))
        if self.kind in ("temperature", "float"):
            return format_number(float(value))
        return str(value)

    @property
    def slider_values(self) -> tuple[float, ...]:
        """The values of a slider with fixed stops (a temperature, a grid), in order."""
        return TEMPERATURES if self.kind == "temperature" else self.grid


def temperature(help: str | None = None, default: float = 1.0) -> Param:
    return Param(
        "t",
        "Temperature",
        "temperature",
        default,
        "softmax temperature: low = hard lookup, high = even average",
        help=help
        or "Divides the scores before softmax. Low: the best match takes more and more of the "
        "weight. High: the weights even out.",
    )


SCALED = Param(
    "scaled",
    "Scale by √d_k",
    "bool",
    True,
    "use the scaled formula of Vaswani et al. (false = the notes' plain softmax(QKᵀ)V)",
    help="Vaswani et al. divide the scores by √d_k, where d_k is the number of dimensions of "
    "the queries and keys; the course notes leave it out.",
)


CAUSAL = Param(
    "causal",
    "Causal mask",
    "bool",
    False,
    "each word may only attend to itself and earlier words",
)
