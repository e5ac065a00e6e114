"""A third floor for ``bench.figures_floor``: a lesson's own charts and nothing else.

``bench.figures_floor`` captures, for every value of a lesson's live slider, the Plotly figures
of that lesson that change with it (exactly the JSON the lesson sends), and starts this page
with their file in ``$SPOTLIGHT_FIGURES_FLOOR``. The page draws the same slider and, for its
value, those figures in the lesson's order through the same server path: ``ui.chart``'s element
(the figure, file name and theme the lesson sent), or for the ``st.plotly_chart`` design a
figure built from dicts without Plotly's checks with the lesson's chart config and Streamlit's
theme. ``ui.chart`` needs ``bench/static`` (a symlink to ``static/``) and static serving (the
repository's ``.streamlit/config.toml``). What a lesson's step costs beyond this page is the
lesson's own: its other elements, its computing, its layout.
"""

import json
import os
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from ui.chart import draw
from ui.params import TEMPERATURES, format_number

floor = json.loads(Path(os.environ["SPOTLIGHT_FIGURES_FLOOR"]).read_text(encoding="utf-8"))
if floor["kind"] == "temperature":
    value = st.select_slider(
        floor["label"], TEMPERATURES, floor["default"], key=floor["control"],
        format_func=format_number, bind="query-params",
    )  # fmt: skip
else:
    grid = floor["grid"]
    value = st.slider(
        floor["label"], int(min(grid)), int(max(grid)), int(floor["default"]),
        key=floor["control"], bind="query-params",
    )  # fmt: skip
for chart in floor["charts"].get(f"{value:g}", []):
    if chart.get("kind") == "spotlight":  # ui.chart's element, as the lessons draw it now
        step = json.loads(chart["spec"])
        draw(step["figure"], key=chart["key"], file=step["file"], dark=step["theme"] == "dark")
    else:  # st.plotly_chart, as the lessons drew it before commit 3925bed
        st.plotly_chart(
            go.Figure(json.loads(chart["spec"]), _validate=False),
            key=chart["key"],
            config=chart["config"],
            width="stretch",
        )
