"""Colours, sizes and projector mode, shared by every chart.

Colour-blind-safe by construction: Viridis for weights (sequential, readable in grey),
Okabe-Ito for categories. Projector mode enlarges text through one root font-size rule, which
Streamlit's rem-based layout and its Plotly theme both follow, and thickens marks and lines here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# pandas before any chart, on purpose (~0.7 s, once per process, under the import lock).
# Plotly checks ``isinstance(v, pd.Series)`` on every figure through ``sys.modules["pandas"]``
# without importing it; while another session's thread is still importing pandas (the first
# st.dataframe on a server, e.g. lesson 4 or any opened table), that is a half-initialised
# module and the chart fails with "partially initialized module 'pandas' has no attribute
# 'Series'". Seen by bench/school.py: a fresh replica taking many sessions at once (a class
# opening the link, or students reconnecting after a failover) showed exceptions.
import pandas  # noqa: F401
import streamlit as st
from plotly.colors import get_colorscale

#: Okabe & Ito (2008), the categorical palette readable with every colour-vision deficiency.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "purple": "#CC79A7",
    "grey": "#999999",
}
# Colour scales as explicit stops: a name would reach plotly.js unexpanded (charts skip Plotly's
# validation, see ``figure``), and plotly.js's own "RdBu" runs the other way round.
#: Weights always use the same scale and the same 0..1 range, so colours compare across views.
WEIGHTS_SCALE = get_colorscale("Viridis")
#: Signed scores: a diverging scale that stays readable for colour-blind viewers.
SCORES_SCALE = get_colorscale("RdBu")

BASE_FONT_PX = 16
PROJECTOR_FONT_PX = 24  # 1.5x: legible from the back of a classroom
#: Streamlit stacks columns below this width: phones, and where touch targets matter.
NARROW = "(max-width: 640px)"
#: A 390 px phone's column: what Streamlit's 16 px padding on each side leaves for a chart.
PHONE_COLUMN_PX = 358
#: The smallest touch target on a phone (WCAG 2.5.5, Apple's and Google's guidelines).
TOUCH_PX = 44
#: Text colours in projector mode: WCAG AA asks 4.5:1; these give 12:1 or more.
INK = {"light": "#1B1C22", "dark": "#FFFFFF"}
BACKGROUND = {"light": "#FFFFFF", "dark": "#0E1117"}  # Streamlit's own, light and dark

# Style only, no user text: Streamlit sizes everything in rem, so one root rule scales the page.
# Projector mode is also high contrast: captions, slider ends, metric labels and the greyed-out
# formula of lesson 7 go from Streamlit's faded greys (about 3.7:1) to full ink, and the
# sidebar grows so the lesson names fit (wrapping rather than cut with an ellipsis).
_PROJECTOR_CSS = (
    f"<style>html{{font-size:{PROJECTOR_FONT_PX}px}}"
    ".block-container{max-width:100%;padding-left:2rem;padding-right:2rem}"
    # Not on a phone: there the sidebar slides over the page, and Streamlit slides it away by
    # its own width (300 px), which left 180 px of a wider one over the page and the dock.
    f"@media not all and {NARROW}{{[data-testid=stSidebar]"
    "{width:max(300px,20rem)!important;min-width:max(300px,20rem)!important}}"
    "[data-testid=stSidebarNavLink] span,[data-testid=stSidebarNavLink] p"
    "{white-space:normal!important;overflow:visible!important;text-overflow:clip!important}"
    "[data-testid=stCaptionContainer],[data-testid=stCaptionContainer] *,"
    "[data-testid=stSliderTickBar] *,[data-testid=stMetricLabel] *,[data-testid=stWidgetLabel] *,"
    "[data-testid=stSidebar] *,[data-testid=stExpander] summary *,"
    # A disabled control's value and options stay legible (Streamlit greys them to ~2.4:1).
    "[data-testid=stSliderThumbValue],[data-testid=stSliderThumbValue] *,"
    "label:has(input:disabled) *"
    "{color:var(--spotlight-ink)!important;opacity:1!important}"
    ".katex [style*='color:gray'],.katex [style*='color: gray']"
    "{color:var(--spotlight-ink)!important}"
    "</style>"
)
# Phones: every tap target at least TOUCH_PX (WCAG 2.5.5), wherever it is: the page, the header and
# the sidebar. Word pills, radio options, switches, buttons (the table toolbars' and the header's
# Stop too), expander headers, tabs, text boxes, the multiselect, the lesson links and Previous/Next
# grow to it. The sidebar's open button grows with them: on a phone it is the only way to the lesson
# list. Slider thumbs and the "?" help icons keep their small drawing inside a TOUCH_PX hit area (a
# help icon's negative margin gives the room back, so labels keep their line). Every screen: the
# large QR code fits the screen.
_HELP_PAD = (TOUCH_PX - 16) // 2  # Streamlit draws the "?" 16 px wide
_TOUCH_CSS = (
    f"<style>@media {NARROW}{{"
    "[data-testid=stMain] [data-testid=stButtonGroup] button,"
    "[data-testid=stMain] [data-testid=stBaseButton-tertiary],"
    "[data-testid=stMain] [data-testid=stBaseButton-secondary],"
    "[data-testid=stMain] [data-testid=stBaseButton-primary],"
    "[data-testid=stElementToolbar] button,"
    "[data-testid=stExpandSidebarButton],[data-testid=stSidebarCollapseButton] button,"
    "[data-testid=stMainMenuButton],[data-testid=stStatusWidget] button,[role=tab],"
    "[data-testid=stMultiSelect] [role=group] > button,"  # "clear all" and "open"
    "[data-testid=stMultiSelect] [data-tag] button"
    f"{{min-height:{TOUCH_PX}px;min-width:{TOUCH_PX}px}}"
    "[data-testid=stMain] [data-testid=stRadio] [role=radiogroup] label,"
    "[data-testid=stCheckbox] label,"
    "[data-testid=stMain] [data-testid=stExpander] summary,"
    "[data-testid=stSidebarNavLink],[data-testid=stPageLink-NavLink],"
    "[data-testid=stMultiSelect] [data-tag]"
    f"{{min-height:{TOUCH_PX}px;align-items:center}}"
    "[data-testid=stTextInputRootElement],[data-testid=stTextInput] input,"
    "[data-testid=stMultiSelect] [data-rac][role=group]"
    f"{{min-height:{TOUCH_PX}px}}"
    # A table's toolbar keeps the 44 px Streamlit leaves for it above the table: its padding
    # goes, its buttons grow into the room.
    "[data-testid=stElementToolbar],[data-testid=stElementToolbarButtonContainer]{padding:0}"
    "[data-testid=stTooltipIcon] button"
    f"{{min-width:{TOUCH_PX}px;min-height:{TOUCH_PX}px;margin:-{_HELP_PAD}px;"
    "display:inline-flex;align-items:center;justify-content:center}"
    # A table of numbers written in Markdown (lesson 12's one step) scrolls sideways in
    # itself on a phone, instead of widening the whole page.
    "[data-testid=stMain] [data-testid=stMarkdownContainer] table{display:block;"
    "overflow-x:auto;max-width:100%}"
    "[data-testid=stSlider] div[data-rac]:has(> div > input[type=range])"
    f"{{width:{TOUCH_PX}px;height:{TOUCH_PX}px;padding:{(TOUCH_PX - 18) // 2}px;"
    "background-clip:content-box}"
    "}"
    # The share box's large QR code: square (a stretched code may not scan), as large as the
    # screen's shorter side allows beside the dialog's title and caption, drawn with sharp
    # module edges. Streamlit sets the image's width inline, hence !important.
    "[data-testid=stDialog] [data-testid=stFullScreenFrame]>div,"
    "[data-testid=stDialog] [data-testid=stImage],"
    "[data-testid=stDialog] [data-testid=stImageContainer]{width:100%}"
    "[data-testid=stDialog] [data-testid=stImage] img{display:block;aspect-ratio:1/1;"
    "width:min(100%,calc(100vh - 12rem))!important;height:auto!important;max-width:100%;"
    "margin:0 auto;image-rendering:pixelated}"
    # The chart element's early start (ui/chart.py, ``preload``) takes no room in the sidebar.
    ".st-key-spotlight-chart-preload{display:none}"
    "</style>"
)


@dataclass(frozen=True)
class Look:
    """How a chart is drawn for this viewer: ``scale`` (1.5 on a projector), the theme, and
    ``high_contrast`` (projector: every chart text in full ink, not Streamlit's grey)."""

    scale: float = 1.0
    dark: bool = False
    high_contrast: bool = False

    @property
    def text_color(self) -> str:
        if self.high_contrast:
            return INK["dark" if self.dark else "light"]
        return "#FAFAFA" if self.dark else "#31333F"

    @property
    def background(self) -> str:
        return BACKGROUND["dark" if self.dark else "light"]

    def px(self, size: float) -> int:
        """A font size in whole pixels at this scale."""
        return int(size * self.scale)


NORMAL = Look()
PROJECTOR = Look(scale=PROJECTOR_FONT_PX / BASE_FONT_PX, high_contrast=True)


def apply_projector_css(on: bool, look: Look = NORMAL) -> None:
    """The app's style sheets: touch targets on phones always, projector mode when ``on``."""
    st.html(_TOUCH_CSS)
    if on:
        # The ink follows the theme (dark or light); the colour is ours, never a visitor's.
        st.html(f"<style>:root{{--spotlight-ink:{look.text_color}}}</style>")
        st.html(_PROJECTOR_CSS)


#: Streamlit's header (1.67): 3.75rem tall, fixed over the top of the page as it scrolls.
HEADER_REM = 3.75
#: The dock's height: one row of sliders (label, value, track) and its padding. Measured at
#: 390x844: 5.65rem at 16 px and at the projector's 24 px (everything in it is in rem).
DOCK_REM = 5.75
#: Room between a chart scrolled into view and the dock, clear of the dock's shadow.
DOCK_GAP_REM = 0.75


def dock_css(control_key: str, look: Look) -> str:
    """A lesson's main control docked at the bottom of a phone's screen.

    On a phone the columns stack, and a control ends up hundreds of pixels from the chart it
    moves; docked, it stays in sight whatever the student scrolls to. ``control_key`` comes from
    the lesson registry, never from a visitor: a control's key, or the key of a container whose
    controls dock together, side by side (lesson 4's query: x and y). Wider screens keep the
    control where the lesson put it, next to its chart.

    A dock must never sit on a chart. The page scrolls inside Streamlit's ``stMain``; its
    ``scroll-padding`` tells the browser that the bottom of the screen (the dock) and the top
    (Streamlit's header) are not really there, so a chart a student scrolls to, taps or follows
    a link to stops above the dock and below the header, the way a fixed toolbar should be
    treated. The extra padding at the end lets the last chart scroll clear of the dock too.
    A control that cannot move (disabled, or hidden by a teacher's link) does not dock: there
    is nothing to keep in sight.
    """
    assert control_key.replace("_", "").replace("-", "").isalnum(), control_key
    dock = f".st-key-{control_key}:has(input:not(:disabled))"
    height = f"calc({DOCK_REM}rem + env(safe-area-inset-bottom))"
    return (
        f"<style>@media {NARROW}{{"
        f"{dock}{{position:fixed;left:0;right:0;bottom:0;z-index:999980;box-sizing:border-box;"
        f"min-height:{height};margin:0;"
        f"padding:.25rem 1.25rem calc(.5rem + env(safe-area-inset-bottom));"
        f"background:{look.background};box-shadow:0 -2px 10px rgba(0,0,0,.25)}}"
        # A docked container: its controls share the one row, side by side.
        f"{dock}[data-testid=stVerticalBlock]{{flex-direction:row;gap:1rem}}"
        f"{dock}[data-testid=stVerticalBlock] > *{{flex:1 1 0;min-width:0}}"
        # The value rides above the thumb: keep it off the label's line. One line of label,
        # so the dock keeps the height the page's scroll padding makes room for (a long label
        # in projector mode ends in an ellipsis; its full text stays the slider's name).
        f".st-key-{control_key} [data-testid=stWidgetLabel]{{margin-bottom:.9rem;min-width:0}}"
        f".st-key-{control_key} [data-testid=stWidgetLabel] > span{{min-width:0;overflow:hidden}}"
        f".st-key-{control_key} [data-testid=stWidgetLabel] p"
        "{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}"
        f"[data-testid=stMain]:has(.st-key-{control_key} input:not(:disabled)){{"
        f"scroll-padding-top:{HEADER_REM}rem;"
        f"scroll-padding-bottom:calc({DOCK_REM + DOCK_GAP_REM}rem + env(safe-area-inset-bottom))}}"
        f"[data-testid=stMainBlockContainer]{{padding-bottom:calc({DOCK_REM + 3}rem"
        " + env(safe-area-inset-bottom))}"
        "}</style>"
    )


def apply_dock_css(control_key: str, look: Look) -> None:
    st.html(dock_css(control_key, look))


def chart_row_css(key: str, *, min_width: int, basis: int) -> str:
    """Charts in the row container ``key`` (one place per chart, each holding a chart and its
    PNG button) that never get narrower than ``min_width`` px and take ``basis`` px when the
    row has room: side by side while two bases fit, else one per row, each growing to fill it.

    A row narrower than ``min_width`` (a long sentence on a phone) keeps the chart's width and
    scrolls its place sideways: every label stays whole and apart, and the page itself never
    scrolls sideways. The place keyed ``<key>-hint`` (a "swipe sideways" caption) spans the row
    and shows only then: the row is a CSS size container, so the browser, which knows the
    width, decides. ``key`` comes from the code (a lesson's chart key), never from a visitor.
    """
    assert key.replace("-", "").replace("_", "").isalnum(), key
    hint = f".st-key-{key}>*:has(.st-key-{key}-hint)"
    return (
        f"<style>.st-key-{key}{{container-type:inline-size}}"
        f".st-key-{key}>*{{flex:1 1 {basis}px;min-width:min({min_width}px,100%);overflow-x:auto}}"
        f".st-key-{key} [data-testid=stElementContainer]:has([data-testid=spotlight-chart])"
        f"{{min-width:{min_width}px}}"
        f"{hint}{{flex-basis:100%}}"
        f"@container (min-width:{min_width}px){{{hint}{{display:none}}}}</style>"
    )


def apply_chart_row_css(key: str, *, min_width: int, basis: int) -> None:
    st.html(chart_row_css(key, min_width=min_width, basis=basis))


def base_layout(*, height: int, titled: bool, look: Look) -> dict[str, Any]:
    """What every chart shares: tight margins, scaled height and fonts, legend on top."""
    return {
        "height": int(height * look.scale),
        "margin": {"l": 10, "r": 10, "t": 50 if titled else 10, "b": 10},
        "font": {"size": look.px(14)},
        "hoverlabel": {"font": {"size": look.px(14)}},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    }


#: A chart as plotly.js takes it: ``{"data": [trace, ...], "layout": {...}}``, plain dicts
#: (NumPy arrays allowed), drawn by ``ui.chart``.
Figure = dict[str, Any]


def figure(
    traces: list[dict[str, Any]], layout: dict[str, Any], *, height: int, look: Look = NORMAL
) -> Figure:
    """A chart from plain trace and layout dicts, on top of ``base_layout``.

    Plotly's ``go.Figure`` checks every property as a figure is built and Streamlit copied and
    checked it again: 10-20 ms per chart, most of a step. A figure here is the plain dict
    plotly.js draws; tests/test_figures.py checks every builder's output against Plotly's full
    schema instead, so a typo still fails, in CI rather than live.
    """
    titled = bool(layout.get("title", {}).get("text") or layout.get("annotations"))
    base = base_layout(height=height, titled=titled, look=look)
    spec = {"data": traces, "layout": merged(base, layout)}
    if look.high_contrast:
        inked(spec, look.text_color)
    return spec


def inked(spec: dict[str, Any], color: str) -> None:
    """Every text of a chart that sits on the page's background in ``color`` (in place).

    Streamlit's Plotly theme draws ticks, axis titles and legends in a faded grey (3.7:1 on
    white), too faint for a projector. Text that sits on a mark (heatmap cells, text inside a
    bar) keeps Plotly's automatic contrast with its mark; colours a builder set stay.
    """
    layout = spec["layout"]

    def ink(node: dict[str, Any], *path: str) -> None:
        for key in path:
            node = node.setdefault(key, {})
        node.setdefault("color", color)

    ink(layout, "font")
    ink(layout, "title", "font")
    ink(layout, "legend", "font")
    for name, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", name) and isinstance(axis, dict):
            ink(axis, "tickfont")
            ink(axis, "title", "font")
            axis.setdefault("linecolor", color)
    for note in layout.get("annotations") or []:
        ink(note, "font")
    for trace in spec["data"]:
        if "colorbar" in trace:
            ink(trace, "colorbar", "tickfont")
            ink(trace, "colorbar", "title", "font")
        if "text" not in trace and "texttemplate" not in trace:
            continue
        if trace.get("type") == "scatter" or trace.get("textposition") == "outside":
            ink(trace, "textfont")
        elif trace.get("type") == "bar":
            # Text inside a bar: black or white, whichever stands out more from that bar.
            ink(trace, "outsidetextfont")
            fill = trace.get("marker", {}).get("color")
            if isinstance(fill, str) and _HEX.fullmatch(fill):
                trace.setdefault("insidetextfont", {}).setdefault("color", ink_on(fill))
            elif isinstance(fill, list | tuple) and all(
                isinstance(c, str) and _HEX.fullmatch(c) for c in fill
            ):
                trace.setdefault("insidetextfont", {}).setdefault(
                    "color", [ink_on(c) for c in fill]
                )


_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


def _luminance(hex_color: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ink_on(hex_color: str) -> str:
    """Black or white, whichever contrasts more with ``hex_color`` (at least 4.58:1)."""
    lum = _luminance(hex_color)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#FFFFFF"


def merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """``override`` on top of ``base``, nested dicts merged key by key."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out
