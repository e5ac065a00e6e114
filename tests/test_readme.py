"""The README is the newcomer's contract: its commands, link table and layout must stay true."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from ui.lessons import APP_PARAMS, LESSONS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def table_rows() -> list[str]:
    section = README.split("## Share links", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("|")]


def test_every_link_parameter_is_documented() -> None:
    rows = table_rows()
    for lesson in LESSONS:
        for param in lesson.params:
            documented = any(
                re.search(rf"`{param.key}`|`s1` … `s5`", row)
                and (f"/{lesson.url_path}`" in row or "every lesson" in row)
                for row in rows
            )
            assert documented, f"README lacks /{lesson.url_path} `{param.key}`"
    for param in APP_PARAMS:  # projector, predict, hide
        assert any(f"`{param.key}`" in row for row in rows), param.key


def test_the_classroom_section_shows_predict_mode_and_a_locked_link() -> None:
    section = README.split("## Classroom mode", 1)[1].split("\n## ", 1)[0]
    for name in ("classroom-predict.png", "classroom-locked-phone.png"):
        assert f"docs/screenshots/{name}" in section
        assert (ROOT / "docs" / "screenshots" / name).is_file(), name


def test_every_lesson_is_listed_with_its_url() -> None:
    for lesson in LESSONS:
        assert f"(`/{lesson.url_path}`)" in README, lesson.title


def test_the_two_commands_are_marked_for_ci() -> None:
    printed = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run"), "--print-test-command"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "pytest" in printed and "requirements-dev.txt" in printed
    assert "<!-- run-command -->\n```bash\n" in README
    assert "streamlit run streamlit_app.py" in README


def test_layout_names_every_top_level_entry() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.split()
    top = {path.split("/")[0] for path in tracked} - {".gitignore", "README.md"}
    layout = README.split("## Project layout", 1)[1]
    for entry in sorted(top):
        assert f"`{entry}" in layout, f"README layout does not mention {entry}"


def test_every_screenshot_the_readme_shows_exists() -> None:
    shown = re.findall(r"\]\((docs/screenshots/[^)]+\.png)\)", README)
    assert len(shown) >= 3 * len(LESSONS) + 2  # every lesson at three sizes, and classroom mode
    for path in shown:
        assert (ROOT / path).is_file(), path
