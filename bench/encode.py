"""What it costs the server to turn a step's figures into bytes, three ways (issue 23).

``python -m bench.encode`` times, over every figure the tests' gallery builds (normal look):

- **plotly.py** (the old path's encoder): ``go.Figure(spec, _validate=False).to_json()`` — what
  ``st.plotly_chart`` did with each figure, minus its own copy and checks;
- **json**: the standard library's encoder, NumPy arrays as lists of decimals;
- **orjson** (what ``ui.chart.encoded`` uses): NumPy arrays as plotly.js typed arrays.

Best of 7 rounds, interleaved, single thread. Prints ms for the whole gallery and bytes sent.
"""

from __future__ import annotations

import json
import time

import numpy as np
import plotly.graph_objects as go

from tests.figure_gallery import gallery
from ui import chart, theme

from .common import table


def _plain_lists(value: object) -> object:
    if isinstance(value, np.ndarray):
        return (
            np.where(np.isnan(value), None, value).tolist()
            if value.dtype.kind == "f"
            else (value.tolist())
        )
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value).__name__)


WAYS = {
    "plotly.py to_json": lambda spec: go.Figure(spec, _validate=False).to_json().encode(),
    "json (lists)": lambda spec: json.dumps(
        {"figure": spec, "file": "f", "theme": "light"}, default=_plain_lists
    ).encode(),
    "orjson (typed arrays)": lambda spec: chart.encoded(spec, file="f", dark=False),
}


def run(rounds: int = 7) -> dict[str, dict[str, float]]:
    specs = [build(theme.NORMAL) for build in gallery().values()]
    best = {name: float("inf") for name in WAYS}
    sizes = {name: sum(len(way(spec)) for spec in specs) for name, way in WAYS.items()}
    for _ in range(rounds):
        for name, way in WAYS.items():
            start = time.perf_counter()
            for spec in specs:
                way(spec)
            best[name] = min(best[name], (time.perf_counter() - start) * 1000)
    return {
        name: {"ms": best[name], "per_figure_ms": best[name] / len(specs), "kb": sizes[name] / 1e3}
        for name in WAYS
    }


def main() -> None:
    results = run()
    n = len(gallery())
    print(f"{n} figures (tests/figure_gallery.py, normal look), best of 7 rounds:")
    print(
        table(
            ["encoder", "all figures ms", "per figure ms", "bytes sent kB"],
            [
                [name, f"{r['ms']:.1f}", f"{r['per_figure_ms']:.3f}", f"{r['kb']:.0f}"]
                for name, r in results.items()
            ],
        )
    )


if __name__ == "__main__":
    main()
