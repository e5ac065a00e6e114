"""Save for slides: every chart as a PNG, drawn by the browser from the chart on screen.

Plotly's own toolbar sat on the chart's title on touch screens (no hover there), so it stays
hidden (``theme``'s CSS) and holds one button, "download as PNG"; a visible button under each
chart presses it. The image is made in the browser at twice the size on screen: nothing is
rendered on the server, and nothing is added to the page until it is pressed.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

import streamlit as st

if TYPE_CHECKING:
    from .lessons import Lesson


def chart_config(lesson: Lesson, key: str) -> dict[str, Any]:
    """Plotly's config for a lesson chart: only the PNG button, under a readable file name."""
    return {
        "displayModeBar": True,
        "modeBarButtons": [["toImage"]],
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": "png",
            "filename": f"spotlight-{lesson.url_path}-{key}",
            "scale": 2,
        },
    }


_PNG_HTML = '<button type="button" class="spotlight-png">Save as PNG</button>'
_PNG_CSS = """
.spotlight-png {
  min-height: 44px; padding: .25rem .9rem; font: inherit; font-size: .875rem; cursor: pointer;
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, .3)); border-radius: .5rem;
  background: transparent; color: var(--st-text-color, #31333F);
}
"""
# The button finds its chart by the chart's key (Streamlit's "st-key-<key>" class) and presses
# the chart's own hidden "download as PNG" button: Plotly makes the image from what is drawn.
_PNG_JS = """
export default function ({ parentElement, data }) {
  const button = parentElement.querySelector("button");
  button.setAttribute("aria-label", "Save the chart above as a PNG image");
  button.onclick = () => {
    const chart = document.querySelector(".st-key-" + CSS.escape(data.key));
    const save = chart && chart.querySelector('.modebar-btn[data-title^="Download plot"]');
    if (save) { save.click(); }
  };
}
"""
_png_component = st.components.v2.component(
    "spotlight_png", html=_PNG_HTML, css=_PNG_CSS, js=_PNG_JS
)


def png_button(key: str, *, container: Any = st) -> None:
    """A visible "Save as PNG" button for the chart drawn with ``key``."""
    with container if container is not st else contextlib.nullcontext():
        _png_component(data={"key": key}, key=f"png-{key}")
