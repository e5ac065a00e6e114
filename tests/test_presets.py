"""One rule for presets on every lesson: a preset is a whole starting view, and the page says so.

Issue 12: "Hard lookup" silently threw away the scores a student had dragged and the overlay
they had turned on. Now every preset sets every control (what it does not name goes back to
its default, so it always shows its point), the caption and each button's help say so, and
after a preset has reset controls it does not name, a line names them with an Undo.
Checked over every preset of every lesson in the registry.
"""

from __future__ import annotations

from typing import Any

import pytest
from apptest_helpers import open_lesson, widget

from ui.lessons import LESSONS, Lesson
from ui.page import PRESETS_CAPTION
from ui.params import Param

CASES = [(lesson, name) for lesson in LESSONS for name in lesson.presets]
IDS = [f"{lesson.url_path}-{name}" for lesson, name in CASES]


def changed_value(param: Param, preset_value: Any) -> Any:
    """A valid value of ``param`` that is neither its default nor what the preset sets."""
    if param.kind == "temperature":
        return next(t for t in (0.3, 0.4) if t not in (param.default, preset_value))
    if param.kind == "grid":
        return next(v for v in param.grid if v not in (param.default, preset_value))
    if param.kind == "bool":
        return not param.default
    if param.kind == "choice":
        return next(o for o in param.options if o != param.default)
    if param.kind == "text":
        return "a cat sat by the river"
    step = param.step or 1
    for value in (param.low, param.high, param.low + step, param.high - step):
        if value not in (param.default, preset_value):
            return int(value) if param.kind == "int" else value
    raise AssertionError(param)


def bound(lesson: Lesson) -> list[Param]:
    return [p for p in lesson.params if p.bound]


@pytest.mark.parametrize(("lesson", "name"), CASES, ids=IDS)
def test_a_preset_is_a_whole_starting_view_says_so_and_can_be_undone(
    lesson: Lesson, name: str
) -> None:
    values = lesson.presets[name]
    at = open_lesson(lesson)
    captions = [c.value for c in at.caption]
    assert PRESETS_CAPTION in captions, "the presets row does not say what a preset does"
    button = at.button(key=f"preset-{lesson.url_path}-{name}")
    assert "Every other control goes back to its default" in (button.help or "")

    # A student changes every control, then starts from the preset.
    # (A disabled control, e.g. lesson 8's sliders of another head, cannot be moved by a student.)
    for param in bound(lesson):
        if not widget(at, param).disabled:
            widget(at, param).set_value(changed_value(param, values.get(param.key)))
    at.run()
    assert not at.exception, at.exception
    mine = {p.key: widget(at, p).value for p in bound(lesson)}
    at.button(key=f"preset-{lesson.url_path}-{name}").click().run()
    assert not at.exception, at.exception

    # The rule: every control is what the preset names, else its default.
    for param in bound(lesson):
        expected = values.get(param.key, param.default)
        assert widget(at, param).value == expected, f"{param.key} after {name!r}"

    # What the preset reset beyond what it names is named, with an Undo.
    reset = [p for p in bound(lesson) if p.key not in values and mine[p.key] != p.default]
    note = next((c.value for c in at.caption if "also reset" in c.value), "")
    undo = [b for b in at.button if b.key == f"preset-undo-{lesson.url_path}"]
    if not reset:
        assert not note and not undo
        return
    for param in reset:
        assert param.label.split("(")[0].strip()[:12] in note.replace("\\", ""), (param.key, note)
    assert undo, "no Undo next to the reset note"
    undo[0].click().run()
    assert not at.exception, at.exception
    for param in bound(lesson):
        assert widget(at, param).value == mine[param.key], f"Undo did not restore {param.key}"
    assert not any("also reset" in c.value for c in at.caption)


def test_the_note_goes_once_the_view_moves_on() -> None:
    lesson = next(lesson for lesson in LESSONS if lesson.url_path == "temperature")
    at = open_lesson(lesson)
    at.toggle(key="compare").set_value(True).run()
    at.button(key="preset-temperature-Hard lookup").click().run()
    assert any("also reset" in c.value for c in at.caption)
    at.select_slider(key="t").set_value(2.0).run()
    at.run()  # a full run: the header redraws
    assert not any("also reset" in c.value for c in at.caption)
