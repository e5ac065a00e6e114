"""User text, shown literally: never as HTML, Markdown, LaTeX or a link.

Streamlit Markdown understands links, ``$...$`` LaTeX and ``:red[...]`` directives; Plotly labels
understand ``<b>``, ``<a href>`` and entities. Anything a user typed goes through one of these
two functions before it reaches either.
"""

from __future__ import annotations

import html
import re

# Every ASCII punctuation character can be backslash-escaped in CommonMark; escaping them all
# also disarms Streamlit's own ``$``, ``:`` and ``~`` syntax.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:\"'&=/@^%;?,])")
# Direction and zero-width controls can reorder or hide what follows them in a label.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# GitHub-flavoured Markdown turns bare web addresses and e-mail addresses into live links after
# backslash escapes are resolved, so escaping cannot stop it: an invisible word joiner (U+2060)
# after the scheme or "www" and before "@" breaks the patterns, and the text still reads the same.
_AUTOLINK = re.compile(r"(?i)(?:(?:https?|ftp|mailto|xmpp)(?=:)|www(?=\.)|(?=@))")


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def md(text: str, limit: int = 200) -> str:
    """``text`` escaped for ``st.markdown``: it renders exactly as typed (shortened)."""
    cleaned = _INVISIBLE.sub("", shorten(str(text), limit))
    unlinked = _AUTOLINK.sub(lambda m: m.group() + "\u2060", cleaned)
    return _MD_SPECIAL.sub(r"\\\1", unlinked).replace("\n", " ")


def plot_text(text: str, limit: int = 40) -> str:
    """``text`` escaped for Plotly labels, titles and hover text (shortened)."""
    cleaned = _INVISIBLE.sub("", shorten(str(text), limit))
    return html.escape(cleaned, quote=True).replace("$", "&#36;")
