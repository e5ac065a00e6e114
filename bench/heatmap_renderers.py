"""The next step for the heaviest chart: lesson 9's attention heatmap, redrawn three ways.

``python -m bench.heatmap_renderers`` opens lesson 9 in Chromium (the app's own server, so the
figure is the one the lesson sends), takes its first attention pattern (9 × 9 weights with the
numbers in the cells, as lessons 6–10 draw them) and times, interleaved, per new set of weights:

- **Plotly.newPlot**: drawing the chart from scratch (what every ``st.plotly_chart`` step did,
  twice);
- **Plotly.react**: the chart kept and updated in place (what ``static/chart.js`` does now);
- **SVG in place**: a minimal hand-written SVG heatmap (cells, numbers, word labels, axis
  titles, title, colour bar) that changes only the cells' colours and numbers. Not a design
  (no hover, zoom or PNG export yet): the floor a lighter renderer could reach.

Each is timed from the call to the end of the browser's layout of the changed chart (a forced
``getBoundingClientRect``), median of ``--rounds`` after 3 warm-ups.
"""

from __future__ import annotations

import argparse
import statistics

from .common import CHROMIUM_ARGS, CHROMIUM_PATH, launch, log, table

MEASURE_JS = r"""
async ([rounds]) => {
  const Plotly = window.Plotly;
  const source = document.querySelector('.spotlight-chart').chart;
  const figure = source.step.figure;
  const n = source.plot._fullData[0].z.length;
  const width = source.plot.clientWidth, height = figure.layout.height;
  const template = source.plot.layout.template;
  const scale = figure.data[0].colorscale;
  const labels = figure.layout.yaxis.ticktext;
  const holder = document.createElement('div');
  holder.style.cssText = `position:absolute;left:0;top:0;width:${width}px;background:#fff`;
  document.body.appendChild(holder);
  const make = () => { const d = document.createElement('div'); d.style.width = width + 'px';
                       holder.appendChild(d); return d; };
  const fresh = make(), kept = make(), svgHost = make();
  const weights = () => Array.from({length: n}, () => {
    const row = Array.from({length: n}, () => Math.exp(3 * Math.random()));
    const sum = row.reduce((a, b) => a + b, 0); return row.map(v => v / sum); });
  const plotlyArgs = (z) => {
    const data = [{...figure.data[0], z}];
    return [data, {...figure.layout, width, template}, {displayModeBar: false}];
  };
  // --- the minimal SVG heatmap -------------------------------------------------------------
  const hex = (c) => [1, 3, 5].map(i => parseInt(c.slice(i, i + 2), 16));
  const stops = scale.map(([p, c]) => [p, hex(c)]);
  const colour = (v) => {
    let i = 1; while (i < stops.length - 1 && v > stops[i][0]) i++;
    const [p0, c0] = stops[i - 1], [p1, c1] = stops[i], f = (v - p0) / (p1 - p0 || 1);
    const c = c0.map((x, k) => Math.round(x + f * (c1[k] - x)));
    return [`rgb(${c})`, (0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]) > 140 ? '#000' : '#fff'];
  };
  const NS = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, parent, text) => { const e = document.createElementNS(NS, tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    parent.appendChild(e); return e; };
  let cells = null;
  const drawSvg = (z) => {
    if (!cells) {
      const left = 90, top = 60, size = Math.min(width - left - 80, height - top - 90);
      const step = size / n;
      const svg = el('svg', {width, height, 'font-family': 'Source Sans, sans-serif'}, svgHost);
      el('text', {x: 4, y: 20, 'font-size': 16, 'font-weight': 700}, svg, figure.layout.title.text);
      cells = [];
      for (let r = 0; r < n; r++) {
        el('text', {x: left - 6, y: top + (r + 0.5) * step, 'text-anchor': 'end',
                    'dominant-baseline': 'middle', 'font-size': 12}, svg, labels[r]);
        const x = left + (r + 0.5) * step;
        el('text', {transform: `translate(${x},${top + size + 8}) rotate(-45)`,
                    'text-anchor': 'end', 'font-size': 12}, svg, labels[r]);
        const row = [];
        for (let c = 0; c < n; c++) {
          const rect = el('rect', {x: left + c * step + 0.5, y: top + r * step + 0.5,
                                   width: step - 1, height: step - 1}, svg);
          const text = el('text', {x: left + (c + 0.5) * step, y: top + (r + 0.5) * step,
                                   'text-anchor': 'middle', 'dominant-baseline': 'middle',
                                   'font-size': 13}, svg, '');
          row.push([rect, text]);
        }
        cells.push(row);
      }
      el('text', {x: left + size / 2, y: height - 8, 'text-anchor': 'middle', 'font-size': 14},
         svg, 'keys (the words it looks at)');
      const grad = el('linearGradient', {id: 'bench-scale', x1: 0, x2: 1, y1: 0, y2: 0},
                      el('defs', {}, svg));
      for (const [p, c] of scale) el('stop', {offset: p, 'stop-color': c}, grad);
      el('rect', {x: left, y: 30, width: 100, height: 12, fill: 'url(#bench-scale)'}, svg);
    }
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
      const [fill, ink] = colour(z[r][c]); const [rect, text] = cells[r][c];
      rect.setAttribute('fill', fill); text.setAttribute('fill', ink);
      text.textContent = z[r][c].toFixed(2);
    }
  };
  const ways = {
    'Plotly.newPlot (from scratch)': async (z) => {
      Plotly.purge(fresh);
      await Plotly.newPlot(fresh, ...plotlyArgs(z));
    },
    'Plotly.react (in place)': async (z) => { await Plotly.react(kept, ...plotlyArgs(z)); },
    'SVG in place (minimal)': async (z) => { drawSvg(z); },
  };
  const times = Object.fromEntries(Object.keys(ways).map(k => [k, []]));
  for (let i = 0; i < rounds + 3; i++) {
    const z = weights();
    const order = Object.keys(ways); if (i % 2) order.reverse();
    for (const name of order) {
      const t0 = performance.now();
      await ways[name](z);
      holder.getBoundingClientRect(); document.body.offsetHeight;  // force layout
      if (i >= 3) times[name].push(performance.now() - t0);
    }
  }
  holder.remove();
  return {n, times};
}
"""


def run(rounds: int = 30) -> dict:
    from playwright.sync_api import sync_playwright

    server, _ = launch()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS))
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(f"{server.url}/heads")
            page.wait_for_selector(".spotlight-plot .main-svg", timeout=60000)
            page.wait_for_timeout(1500)
            result = page.evaluate(MEASURE_JS, [rounds])
            browser.close()
    finally:
        server.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    log("  [heatmap] lesson 9's first pattern, three renderers, interleaved")
    result = run(args.rounds)
    rows = []
    base = statistics.median(result["times"]["Plotly.react (in place)"])
    for name, times in result["times"].items():
        p50 = statistics.median(times)
        p95 = sorted(times)[int(0.95 * (len(times) - 1))]
        rows.append([name, f"{p50:.1f}", f"{p95:.1f}", f"{base / p50:.1f}x"])
    print(f"A {result['n']} x {result['n']} attention heatmap with numbers, {args.rounds} rounds:")
    print(table(["renderer", "p50 ms", "p95 ms", "vs Plotly.react"], rows))


if __name__ == "__main__":
    main()
