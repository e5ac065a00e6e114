"""Every lesson chart: one small element that keeps its Plotly graph and redraws it in place.

``st.plotly_chart`` keys its element on a hash of the figure, so each slider step mounted a new
chart that plotly.js drew from scratch, twice (Streamlit applies its theme in a second pass),
and the server deep-copied and validated every figure on the way (bench/RESULTS.md, "Drawing a
step": 42% of a step's server time). Here a chart is a Custom Components v2 element
(``st.components.v2``, drawn in the page, not an iframe) whose JavaScript, ``static/chart.js``,
keeps one graph per chart and hands each step to ``Plotly.react``, which changes only what
moved. A step sends the figure's numbers as JSON bytes, nothing else: plotly.js and the
element's code are files Streamlit serves once (``server.enableStaticServing``) and the browser
caches; Streamlit's Plotly theme (light and dark) is a template inside ``chart.js``, so figures
do not carry one; the "Save as PNG" button is part of the element (plotly.js draws the image in
the browser at twice the size on screen).

Figures are plain Plotly dicts (``theme.figure``): tests/test_figures.py checks every builder's
output against Plotly's schema once, in CI, instead of on every step.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import streamlit as st

#: The folder Streamlit serves at ``/app/static/`` (next to streamlit_app.py).
STATIC = Path(__file__).resolve().parents[1] / "static"
#: plotly.js: a copy of the pinned Plotly's own ``package_data/plotly.min.js`` (a test checks).
PLOTLY_JS = STATIC / "plotly.min.js"
#: The element's code: draws, redraws, resizes, saves as PNG.
CHART_JS = STATIC / "chart.js"


def _version() -> str:
    """A short fingerprint of the two files, put in their URLs: a browser keeps its cached copy
    until a new release changes either file."""
    digest = hashlib.sha256(CHART_JS.read_bytes())
    digest.update(PLOTLY_JS.read_bytes())  # once per process, ~10 ms
    return digest.hexdigest()[:12]


def _chart_js_url() -> str:
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{'/' + base if base else ''}/app/static/chart.js?v={_version()}"


_HTML = (
    '<div class="spotlight-chart" data-testid="spotlight-chart">'
    '<div class="spotlight-plot"></div>'
    '<button type="button" class="spotlight-png" aria-label="Save the chart above as a PNG image">'
    "Save as PNG</button></div>"
)
_CSS = """
.spotlight-plot { width: 100%; }
.spotlight-png {
  min-height: 44px; margin-top: .5rem; padding: .25rem .9rem; font: inherit;
  font-size: .875rem; cursor: pointer; border-radius: .5rem; background: transparent;
  border: 1px solid var(--st-border-color, rgba(49, 51, 63, .3));
  color: var(--st-text-color, #31333F);
}
"""
# Sent with every chart on every step, so it only loads chart.js (once per page) and hands over.
_JS = """
export default function (args) {
  const ready = (window.spotlightChart ||= import(new URL(%s, location.origin).href));
  let cleanup = null;
  ready.then((chart) => { cleanup = chart.draw(args); });
  return () => cleanup && cleanup();
}
"""

_element = st.components.v2.component(
    "spotlight_chart",
    html=_HTML,
    css=_CSS,
    js=_JS % orjson.dumps(_chart_js_url()).decode(),
    isolate_styles=False,  # plotly.js styles its hover labels from the page's <head>
)


# The sidebar of every page carries this: it starts fetching and compiling chart.js and
# plotly.js as the page's first elements arrive, not when the lesson's first chart does (a cold
# visit drew its first chart ~0.6 s later without it: bench/RESULTS.md, "Cold start").
_PRELOAD_JS = """
export default function () {
  window.spotlightChart ||= import(new URL(%s, location.origin).href);
}
"""
_preloader = st.components.v2.component(
    "spotlight_chart_preload",
    html="",
    js=_PRELOAD_JS % orjson.dumps(_chart_js_url()).decode(),
    isolate_styles=False,
)


def preload() -> None:
    """Start loading the chart element's code and plotly.js now (hidden: ``theme``'s CSS)."""
    _preloader(key="spotlight-chart-preload")


def encoded(figure: dict[str, Any], *, file: str, dark: bool) -> bytes:
    """One step of a chart as the bytes the browser gets: the figure (NumPy arrays as
    plotly.js's typed arrays), the PNG's file name and the theme."""
    step = {"figure": figure, "file": file, "theme": "dark" if dark else "light"}
    return orjson.dumps(step, default=_plain)


#: plotly.js reads these NumPy kinds as typed arrays (``{"dtype", "bdata", "shape"}``), the
#: form plotly.py's own ``to_json`` uses: exact, and about half the bytes of decimal text.
_TYPED = {"float64": "f8", "float32": "f4", "int32": "i4", "uint32": "u4", "int16": "i2",
          "uint16": "u2", "int8": "i1", "uint8": "u1"}  # fmt: skip
_I4 = np.iinfo(np.int32)


def _plain(value: Any) -> Any:
    """What JSON has no word for: a NumPy array becomes a typed array (64-bit integers, which
    plotly.js lacks, as 32-bit ones or floats), or a list when it holds text or objects; a
    NumPy scalar its Python number."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iu" and value.dtype.name not in _TYPED:
            fits = value.size == 0 or (_I4.min <= value.min() and value.max() <= _I4.max)
            value = value.astype(np.int32 if fits else np.float64)
        if value.dtype.name not in _TYPED:
            return value.tolist()
        typed = {
            "dtype": _TYPED[value.dtype.name],
            "bdata": base64.b64encode(
                np.ascontiguousarray(value, value.dtype.newbyteorder("<"))
            ).decode(),
        }
        if value.ndim > 1:
            typed["shape"] = ",".join(map(str, value.shape))
        return typed
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"a chart cannot hold {type(value).__name__}")


def draw(figure: dict[str, Any], *, key: str, file: str, dark: bool, container: Any = st) -> None:
    """Draw ``figure`` (a plain Plotly dict) as the chart ``key``, full width, redrawn in
    place when a later step draws the same key; "Save as PNG" saves ``file``.png."""
    with container if container is not st else contextlib.nullcontext():
        _element(data=encoded(figure, file=file, dark=dark), key=key)
