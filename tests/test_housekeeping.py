"""ui.housekeeping: expired sessions are dropped from Streamlit's session storage, and memory
is released only when no tab is connected (never while students are working)."""

from __future__ import annotations

import gc
import threading
import weakref
from types import SimpleNamespace

import pytest
from streamlit.runtime.caching.ttl_cache import TTLCache

from ui import housekeeping


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _manager(clock: Clock, active: int = 0) -> SimpleNamespace:
    # The shape of Streamlit 1.67's WebsocketSessionManager that housekeeping relies on.
    cache = TTLCache(maxsize=128, ttl=120, timer=clock)
    return SimpleNamespace(
        _session_storage=SimpleNamespace(_cache=cache),
        _storage_lock=threading.Lock(),
        list_active_sessions=lambda: [object()] * active,
    )


def test_streamlit_keeps_expired_sessions_until_they_are_reaped() -> None:
    clock = Clock()
    manager = _manager(clock)
    cache = manager._session_storage._cache
    for i in range(5):
        cache[f"s{i}"] = object()
    clock.now = 121
    assert list(cache.values()) == []  # expired: invisible ...
    assert len(cache._data) == 5  # ... but still held (what housekeeping is for)
    assert housekeeping.reap_expired_sessions(manager) == 5
    assert len(cache._data) == 0


def test_memory_is_released_only_when_nobody_is_connected(monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(housekeeping, "release_memory", lambda: calls.append("release"))
    clock = Clock()
    busy = _manager(clock, active=3)
    assert housekeeping.tidy(busy, busy_since_last=False) is True
    assert calls == []
    idle = _manager(clock, active=0)
    assert housekeeping.tidy(idle, busy_since_last=True) is False  # the class just left
    assert calls == ["release"]
    assert housekeeping.tidy(idle, busy_since_last=False) is False  # nothing new: no work
    assert calls == ["release"]
    idle._session_storage._cache["late"] = object()
    clock.now = 200
    housekeeping.tidy(idle, busy_since_last=False)  # expired sessions dropped: release again
    assert calls == ["release", "release"]


def test_unknown_session_storage_is_left_alone() -> None:
    manager = SimpleNamespace(_session_storage=object(), list_active_sessions=list)
    assert housekeeping.reap_expired_sessions(manager) == 0


@pytest.mark.filterwarnings("ignore")
def test_release_memory_runs_here() -> None:
    housekeeping.release_memory()  # gc + malloc_trim: must not raise on this platform


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_class_connecting_freezes_what_the_process_holds_once(unfrozen, monkeypatch) -> None:
    """With a class connected, a full collection walked every object of the process (~140 ms
    at 120 students, a pause for all of them): the first round with tabs freezes what is
    loaded, without collecting anything while students work."""
    monkeypatch.setattr(housekeeping, "release_memory", lambda: pytest.fail("collected"))
    clock = Clock()
    assert gc.get_freeze_count() == 0
    housekeeping.tidy(_manager(clock, active=0), busy_since_last=False)
    assert gc.get_freeze_count() == 0  # nobody came yet: nothing to protect
    housekeeping.tidy(_manager(clock, active=2), busy_since_last=False)
    frozen = gc.get_freeze_count()
    assert frozen > 1000
    housekeeping.tidy(_manager(clock, active=2), busy_since_last=True)
    assert gc.get_freeze_count() == frozen  # once


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_after_the_class_garbage_frozen_with_it_is_collected(unfrozen) -> None:
    """What was frozen while students worked and is garbage now (a closed session's state in a
    reference cycle) is collected when nobody is connected; what survives is frozen again."""
    cycle = _Cycle()
    gone = weakref.ref(cycle)
    gc.freeze()
    del cycle
    gc.collect()
    assert gone() is not None  # frozen: no collection sees it
    housekeeping.release_memory()
    assert gone() is None
    assert gc.get_freeze_count() > 0
