"""The math core stays pure: NumPy only, no UI libraries, no global random state.

Like TensorFlow Playground's ``nn.ts``, ``attention_core`` must be importable (and testable, and
readable) without the app around it.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "attention_core"
SOURCES = sorted(CORE.glob("*.py"))
UI_LIBRARIES = ("streamlit", "plotly", "pandas")


def test_core_sources_are_found():
    names = {p.name for p in SOURCES}
    assert {"__init__.py", "attention.py", "sentence.py"} <= names, names


def test_import_leaves_ui_libraries_out():
    code = (
        "import json, sys; import attention_core; "
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(out.stdout))
    assert "attention_core" in loaded and "numpy" in loaded
    pulled_in = sorted(loaded & {*UI_LIBRARIES, "ui", "matplotlib", "scipy"})
    assert not pulled_in, f"importing attention_core also imported {pulled_in}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_core_imports_only_numpy_and_the_standard_library(path):
    allowed = {"numpy"} | set(sys.stdlib_module_names)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= allowed, f"{path.name} imports {sorted(imported - allowed)}"
    assert "random" not in imported, f"{path.name} imports the global-state `random` module"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_global_numpy_random(path):
    source = path.read_text(encoding="utf-8")
    calls = re.findall(r"\b(?:np|numpy)\.random\.(\w+)", source)
    bad = sorted(set(calls) - {"default_rng", "Generator"})  # Generator: the type, for hints
    assert not bad, f"{path.name} uses global np.random.{bad}; use np.random.default_rng(seed)"
    assert not re.search(r"from\s+numpy\.random\s+import|import\s+numpy\.random", source), (
        f"{path.name} imports numpy.random directly; use np.random.default_rng(seed)"
    )


def test_random_generators_are_seeded():
    for path in SOURCES:
        for call in re.findall(r"default_rng\(([^)]*)\)", path.read_text(encoding="utf-8")):
            assert call.strip(), f"{path.name} calls default_rng() without a seed"
