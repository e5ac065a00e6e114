"""Lesson 14's live measurement of attention's cost, once per server process.

Timing ``attention`` at 4,096 tokens builds 4,096² weights: 64 MiB in float32, and the core keeps
three such matrices (scores, scaled scores, weights) while it works. A class of thirty opening the
page must not do that thirty times, so the measurement runs once per server process
(``st.cache_resource`` lets one session compute while the others wait), in float32, one size at a
time, and only the numbers are kept.
"""

from __future__ import annotations

import streamlit as st

import attention_core as ac

#: Timed runs per size: the fastest counts. One run for the big sizes (they take the time).
REPEATS = {n: 5 if n <= 512 else 3 if n <= 1024 else 1 for n in ac.COST_SIZES}


@st.cache_resource(show_spinner="Measuring attention at 8 to 4,096 tokens (once) …")
def attention_costs() -> tuple[ac.Cost, ...]:
    """The core's ``attention`` timed at every size of ``ac.COST_SIZES`` (float32)."""
    return tuple(ac.attention_cost(n, repeats=REPEATS[n]) for n in ac.COST_SIZES)
