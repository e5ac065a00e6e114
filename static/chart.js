// Spotlight's chart element (ui/chart.py): one Plotly graph per chart that stays on the page.
//
// Streamlit's own st.plotly_chart mounts a new chart whenever the figure changes and draws it
// from scratch (twice: once more for its theme). Here the graph is made once and every slider
// step hands Plotly.react the new figure, which changes only what moved (bench/RESULTS.md,
// "Drawing a step"). This file and plotly.js are served once by Streamlit's static serving
// and cached by the browser; a step sends only the figure.
//
// What it keeps from st.plotly_chart: Streamlit's Plotly theme (light and dark, below), the
// full width of the column, hover and zoom (no zoom by dragging on touch screens, where a
// finger scrolls the page), and "Save as PNG" (a button under the chart, drawn by the browser
// at twice the size on screen).

const VERSION = new URL(import.meta.url).search;
const PLOTLY_SRC = new URL(`plotly.min.js${VERSION}`, import.meta.url).href;
const FONT = '"Source Sans", sans-serif';

// Streamlit 1.67's Plotly theme, as its frontend resolves it for light and dark (read from
// st.plotly_chart's drawn layout in Chromium). Titles are bold, as st.plotly_chart draws them.
// Sizes follow the page's root font size (``rem``: 1.5 in projector mode), as Streamlit's do.
function streamlitTemplate(dark, rem) {
  const px = (size) => Math.round(size * rem);
  const text = dark ? "#e6eaf1" : "#808495";
  const heading = dark ? "#EDEBE8" : "#2F2D2B";
  const grid = dark ? "#31333F" : "#e6eaf1";
  const background = dark ? "#171614" : "#FFFFFF";
  const axis = (standoff) => ({
    zerolinecolor: grid,
    gridcolor: grid,
    tickcolor: grid,
    tickfont: { color: text, size: px(12) },
    title: { font: { color: text, size: px(14) }, standoff: px(standoff) },
    minor: { gridcolor: grid },
    automargin: true,
  });
  return {
    layout: {
      colorway: dark
        ? ["#83c9ff", "#0068c9", "#ffabab", "#ff2b2b", "#7defa1", "#29b09d", "#ffd16a", "#ff8700", "#6d3fc0", "#d5dae5"]
        : ["#0068c9", "#83c9ff", "#ff2b2b", "#ffabab", "#29b09d", "#7defa1", "#ff8700", "#ffd16a", "#6d3fc0", "#d5dae5"],
      font: { color: text, family: FONT, size: px(12), weight: 400 },
      title: {
        font: { family: FONT, size: px(16), color: heading, weight: 700 },
        pad: { l: px(4) },
        xanchor: "left",
        x: 0,
      },
      legend: {
        title: { font: { size: px(12), color: text }, side: "top" },
        valign: "top",
        bordercolor: "transparent",
        borderwidth: 0,
        font: { size: px(12), color: dark ? "#fafafa" : "#262730" },
      },
      paper_bgcolor: background,
      plot_bgcolor: background,
      xaxis: { ...axis(20), showgrid: false, zeroline: false },
      yaxis: { ...axis(24), ticklabelposition: "outside" },
      margin: { pad: px(8), r: 0, l: 0 },
      hoverlabel: {
        bgcolor: background,
        bordercolor: dark ? "rgba(237, 235, 232, 0.2)" : "rgba(47, 45, 43, 0.2)",
        font: { color: text, family: FONT, size: px(12) },
      },
    },
  };
}
const templates = new Map();
function template(theme) {
  const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) / 16 || 1;
  const key = `${theme} ${rem}`;
  if (!templates.has(key)) templates.set(key, streamlitTemplate(theme === "dark", rem));
  return templates.get(key);
}

// A finger on a phone scrolls the page: dragging must not zoom or pan the chart there.
const TOUCH = window.matchMedia("(pointer: coarse)");
const CONFIG = { displayModeBar: false, displaylogo: false, responsive: false };

let plotly = null;
// plotly.min.js is a classic script that sets window.Plotly (4.8 MB; fetching and compiling it
// takes ~1 s here, warm cache or not: the same as Streamlit's own Plotly chunk).
function loadPlotly() {
  plotly ||= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = PLOTLY_SRC;
    script.onload = () => {
      performance.mark("spotlight:plotly-ready");
      resolve(window.Plotly);
    };
    script.onerror = () => {
      plotly = null; // try again at the next step
      script.remove();
      reject(new Error("plotly.js did not load"));
    };
    document.head.appendChild(script);
  });
  return plotly;
}

// Imported (ui/chart.py's preload) as soon as a page opens: plotly.js starts loading at once.
loadPlotly().catch(() => {});

function text(data) {
  return typeof data === "string" ? data : new TextDecoder().decode(data);
}

// Draw the newest figure handed to this chart; steps that arrive while Plotly is still busy
// with an earlier one collapse into one redraw with the newest.
async function redraw(chart) {
  if (chart.busy) {
    chart.again = true;
    return;
  }
  chart.busy = true;
  try {
    const Plotly = await loadPlotly();
    if (!chart.draws && chart.plot.dataset.error) {
      delete chart.plot.dataset.error; // plotly.js came after all: draw where the message was
      chart.plot.textContent = "";
    }
    do {
      chart.again = false;
      const width = chart.plot.clientWidth;
      if (!width) break; // not laid out yet (a closed tab): the resize observer comes back
      const { figure, theme } = chart.step;
      const layout = { ...figure.layout, width, template: template(theme) };
      if (TOUCH.matches) layout.dragmode = false;
      await Plotly.react(chart.plot, figure.data, layout, CONFIG);
      chart.width = width;
      chart.draws += 1;
      chart.plot.dataset.draws = String(chart.draws);
      // Benchmarks and tests listen for this: the step is on screen.
      chart.plot.dispatchEvent(
        new CustomEvent("spotlight:drawn", { bubbles: true, detail: { at: performance.now() } }),
      );
    } while (chart.again);
  } catch (error) {
    // Say so where the chart would be (the numbers table under it still has every number).
    chart.plot.dataset.error = String(error);
    if (!chart.draws) chart.plot.textContent = "This chart could not be drawn. Reload the page.";
    console.error("Spotlight chart:", error);
  } finally {
    chart.busy = false;
  }
}

export function draw({ parentElement, data }) {
  const root = parentElement.querySelector(".spotlight-chart");
  const chart = (root.chart ||= {
    plot: root.querySelector(".spotlight-plot"),
    button: root.querySelector(".spotlight-png"),
    width: 0,
    draws: 0,
  });
  performance.mark("spotlight:step");
  const sent = text(data);
  // A step that left this chart as it was (another control moved) costs nothing here.
  if (sent === chart.sent) return chart.cleanup;
  chart.sent = sent;
  chart.step = JSON.parse(sent);
  // Hold the chart's height before plotly.js has drawn it, so the page does not jump.
  chart.plot.style.minHeight = `${chart.step.figure.layout.height || 450}px`;
  chart.button.onclick = () =>
    loadPlotly().then((Plotly) =>
      Plotly.downloadImage(chart.plot, { format: "png", filename: chart.step.file, scale: 2 }),
    );
  if (!chart.observer) {
    chart.observer = new ResizeObserver(() => {
      if (chart.plot.clientWidth && chart.plot.clientWidth !== chart.width) redraw(chart);
    });
    chart.observer.observe(chart.plot);
  }
  redraw(chart);
  chart.cleanup ||= () => {
    chart.observer.disconnect();
    if (window.Plotly) window.Plotly.purge(chart.plot);
    delete root.chart;
  };
  return chart.cleanup;
}
