"""Lesson 4's space: wherever the query stands, its marker never hides a key's label.

Read from the figure JSON: each key's position, label text, marker size and ``textposition``;
the label's box is estimated in pixels (a character ~0.6 font sizes wide, a line 1.2 tall, set
off by the marker's radius) at every scale the chart is drawn, from a narrow phone (25 px per
unit) to a projector (100 px per unit), and must stay off the query's cross.
"""

from __future__ import annotations

import numpy as np
import pytest
from apptest_helpers import values

import attention_core as ac
from ui.figures.query import space
from ui.theme import NORMAL, PROJECTOR, Look

PX_PER_UNIT = (25, 30, 40, 55, 70, 100)


def label_box(x, y, spot, text, font_px, marker_px, ppu):
    w, h = len(text) * 0.6 * font_px / ppu, 1.2 * font_px / ppu
    gap = (marker_px / 2 + 2) / ppu
    return {
        "top center": (x - w / 2, y + gap, x + w / 2, y + gap + h),
        "bottom center": (x - w / 2, y - gap - h, x + w / 2, y - gap),
        "middle right": (x + gap, y - h / 2, x + gap + w, y + h / 2),
        "middle left": (x - gap - w, y - h / 2, x - gap, y + h / 2),
    }[spot]


def hidden_labels(fig: dict, look: Look) -> list[str]:
    keys = next(tr for tr in fig["data"] if tr["name"] == "keys")
    query = next(tr for tr in fig["data"] if tr["name"] == "query (you)")
    qx, qy = values(query, "x")[0], values(query, "y")[0]
    radius_px = query["marker"]["size"] / 2
    xs, ys = values(keys, "x"), values(keys, "y")
    sizes = values(keys["marker"], "size")
    spots = keys["textposition"]
    spots = [spots] * len(xs) if isinstance(spots, str) else spots
    font = keys["textfont"]["size"]
    hidden = []
    for x, y, text, size, spot in zip(xs, ys, keys["text"], sizes, spots, strict=True):
        for ppu in PX_PER_UNIT:
            if np.hypot(x - qx, y - qy) * ppu < size / 2 + radius_px:
                continue  # the query sits on the key's own marker: no side of it is free
            x0, y0, x1, y1 = label_box(x, y, spot, text, font, size, ppu)
            r = radius_px / ppu
            if x0 < qx + r and x1 > qx - r and y0 < qy + r and y1 > qy - r:
                hidden.append(f"{text} ({spot}) under the query at ({qx:g}, {qy:g}), {ppu} px/unit")
    return hidden


def test_the_kitten_label_is_not_under_the_query_at_the_default_view() -> None:
    """The walkthrough's case: query (1, 0), kitten at (0.8, -0.6)."""
    fig = space(ac.probe(1.0, 0.0), look=NORMAL)
    assert hidden_labels(fig, NORMAL) == []
    keys = next(tr for tr in fig["data"] if tr["name"] == "keys")
    assert keys["textposition"][0] != "top center"  # kitten's label stepped aside


@pytest.mark.parametrize("look", [NORMAL, PROJECTOR], ids=["normal", "projector"])
def test_no_query_position_hides_a_key_label(look: Look) -> None:
    step = 0.2 if look is NORMAL else 0.5  # the sliders' grid is 0.1: every other point
    grid = np.round(np.arange(-ac.SPACE_LIMIT, ac.SPACE_LIMIT + 1e-9, step), 1)
    problems = []
    for x in grid:
        for y in grid:
            fig = space(ac.probe(float(x), float(y)), look=look)
            problems += hidden_labels(fig, look)
    assert problems == [], problems[:10]
