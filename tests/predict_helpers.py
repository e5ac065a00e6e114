"""Reading a lesson's "predict, then reveal" question in an AppTest, as a student answers it."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from ui.predict import HIDDEN_CHART

#: The radio of the prediction, as ``ui.predict.ask`` labels it.
LABEL = "Your prediction"


def prediction(at: AppTest) -> Any:
    """The radio of the prediction (its options are the option texts, Markdown-escaped)."""
    return next(r for r in at.radio if r.label == LABEL)


def has_question(at: AppTest) -> bool:
    return any(r.label == LABEL for r in at.radio)


def prompt(at: AppTest) -> str:
    """The question's prompt (Markdown), without the "Predict first." lead."""
    line = next(m.value for m in at.markdown if "**Predict first.**" in m.value)
    return line.split("**Predict first.** ", 1)[1]


def answer(at: AppTest, option: int) -> AppTest:
    """Pick option number ``option`` and commit: the page reruns with its answers."""
    prediction(at).set_value(option)
    at.run()
    at.button(key="predict-reveal").click().run()
    return at


def again(at: AppTest) -> AppTest:
    """Take back the prediction ("Predict again"): the question is asked anew."""
    at.button(key="predict-again").click().run()
    return at


def verdict(at: AppTest) -> tuple[bool, set[str]]:
    """Whether the committed answer was right, and (when it was not) the right options the
    page named, as they are written in the radio."""
    right = [s.value for s in at.success if s.value.startswith("**Right:**")]
    if right:
        return True, set()
    (wrong,) = [w.value for w in at.warning if w.value.startswith("**Not quite:**")]
    named = wrong.split("the numbers say ", 1)[1].rstrip(".")
    return False, {part.strip("*") for part in named.split(" or ")}


def _in_order(node: Any) -> list[Any]:
    """Every element under ``node``, in the order the page shows them."""
    children = getattr(node, "children", None)
    if children is None:
        return [node]
    return [el for key in sorted(children) for el in _in_order(children[key])]


def why(at: AppTest) -> str:
    """The explanation the page shows right under its verdict."""
    shown = _in_order(at.main)
    at_verdict = next(
        i
        for i, el in enumerate(shown)
        if el.type in ("success", "warning")
        and str(el.value).startswith(("**Right:**", "**Not quite:**"))
    )
    return next(el.value for el in shown[at_verdict + 1 :] if el.type == "markdown")


def hidden_captions(at: AppTest) -> int:
    """How many "this chart appears once you commit" placeholders the page shows."""
    return sum(c.value == HIDDEN_CHART for c in at.caption)


#: The expanders a lesson shows in predict mode: none of them holds a numbers table.
PAGE_SECTIONS = {"Share this view", "Teacher's notes", "Show the code that computed this"}
