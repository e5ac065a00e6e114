"""The class poll's chart on the projector: how many students chose each answer (no names)."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

import attention_core as ac

from .. import theme
from ..safe import plot_text
from ..theme import NORMAL, Figure, Look


def votes(
    options: Sequence[str],
    counts: Sequence[int],
    *,
    right: Collection[int] | None = None,
    look: Look = NORMAL,
) -> Figure:
    """One horizontal bar per answer, its count and share written beside it, in the order the
    students see the answers. Before the reveal (``right`` None) every bar is the same blue, so
    the chart gives nothing away; after it the right answers turn green and the others grey."""
    total = sum(counts)
    n = len(options)
    if right is None:
        colors = [theme.OKABE_ITO["blue"]] * n
    else:
        colors = [theme.OKABE_ITO["green" if i in right else "grey"] for i in range(n)]
    labels = [
        plot_text(option, 40) + (" ✓" if right is not None and i in right else "")
        for i, option in enumerate(options)
    ]
    # The one way the app writes a share (never a false "100%" for 299 of 300).
    text = [f"{c} ({ac.percent(c / total)})" if total else "0" for c in counts]
    top = max(max(counts, default=0), 1) * 1.25
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": list(counts),
        "y": list(range(n)),
        "marker": {"color": colors},
        "text": text,
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{x} students<extra></extra>",
    }
    layout = {
        "showlegend": False,
        "bargap": 0.25,
        "xaxis": {
            "title": {"text": "students"},
            "rangemode": "tozero",
            "range": [0, top],
            # Whole students only: ticks 1 apart (or 2, 5, ... for a big class), never "1 1 2".
            "dtick": max(1, math.ceil(top / 6)),
            "tickformat": "d",
            "fixedrange": True,
        },
        "yaxis": {
            "tickmode": "array",
            "tickvals": list(range(n)),
            "ticktext": labels,
            "autorange": "reversed",  # the first answer on top, as in the students' list
            "automargin": True,
            "fixedrange": True,
        },
    }
    return theme.figure([trace], layout, height=90 + 48 * n, look=look)
