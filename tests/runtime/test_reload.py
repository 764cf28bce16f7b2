"""Hot reload: atomic swaps under load, refused edits keep the old version, debounce."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from bot.knowledge.writer import add_phrasing
from bot.runtime import checks
from bot.runtime.store import ResponderStore
from bot.runtime.watcher import KnowledgeWatcher


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def cost_file(directory: Path) -> Path:
    return directory / "faq" / "cost-access.yaml"


def set_cost_answer(directory: Path, old: str, new: str) -> None:
    path = cost_file(directory)
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_invalid_edit_keeps_serving_the_old_version(knowledge_copy: Path) -> None:
    store = ResponderStore(knowledge_copy)
    before = store.current
    path = cost_file(knowledge_copy)
    path.write_text(path.read_text(encoding="utf-8").replace("related: [", "related: [gone, ", 1), encoding="utf-8")
    result = store.reload()
    assert not result.ok
    assert any(str(p).startswith(f"{path}:") and "related id 'gone' does not exist" in str(p)
               for p in result.problems)
    assert store.current is before
    assert store.current.decide("how much does it cost").id == "cost"


def test_a_good_reload_after_refused_ones_is_a_recovery(knowledge_copy: Path) -> None:
    store = ResponderStore(knowledge_copy)
    assert not store.reload().recovered  # nothing was refused
    path = cost_file(knowledge_copy)
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("related: [", "related: [gone, ", 1), encoding="utf-8")
    assert not store.reload().ok
    assert not store.reload().ok  # still broken: refused again, no news
    path.write_text(good, encoding="utf-8")
    fixed = store.reload()
    assert fixed.ok and fixed.recovered and fixed.version == store.current.knowledge.version
    assert not store.reload().recovered  # once


def test_watcher_debounces_a_file_written_in_two_steps(knowledge_copy: Path) -> None:
    clock = FakeClock()
    store = ResponderStore(knowledge_copy)
    watcher = KnowledgeWatcher(store, debounce=2.0, clock=clock)
    original = store.current
    path = cost_file(knowledge_copy)
    full = path.read_text(encoding="utf-8")
    path.write_text(full[: len(full) // 2], encoding="utf-8")  # the editor's first, partial write
    assert watcher.poll() is None
    clock.now = 1.0
    path.write_text(full.replace("between $400 and $800", "between $400 and $800 (updated)"), encoding="utf-8")
    assert watcher.poll() is None  # changed again: the debounce starts over
    clock.now = 2.5
    assert watcher.poll() is None
    assert store.current is original  # the half-written file was never loaded
    clock.now = 3.5
    result = watcher.poll()
    assert result is not None and result.ok
    assert "(updated)" in store.current.decide("how much does it cost").reply
    assert watcher.poll() is None  # nothing new


def test_watcher_reports_a_refused_edit_once(knowledge_copy: Path) -> None:
    clock = FakeClock()
    store = ResponderStore(knowledge_copy)
    watcher = KnowledgeWatcher(store, debounce=1.0, clock=clock)
    (knowledge_copy / "smalltalk.yaml").write_text("intents: [\n", encoding="utf-8")
    watcher.poll()
    clock.now = 5
    result = watcher.poll()
    assert result is not None and not result.ok
    clock.now = 10
    assert watcher.poll() is None


def test_a_version_the_bot_fails_to_build_is_refused_once_and_said(knowledge_copy: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    # A fault met while building (an import once left an entry that crashed the lexical index with an
    # IndexError) used to escape reload: the watcher retried the refit at every poll and the admins never heard.
    clock = FakeClock()
    store = ResponderStore(knowledge_copy)
    before = store.current
    watcher = KnowledgeWatcher(store, debounce=1.0, clock=clock)

    def broken(responder: object) -> checks.CheckResults:
        raise IndexError("list index out of range")

    monkeypatch.setattr(checks, "run_checks", broken)
    set_cost_answer(knowledge_copy, "In the United States", "In the USA")
    watcher.poll()
    clock.now = 5
    with caplog.at_level(logging.ERROR):
        result = watcher.poll()
    assert result is not None and not result.ok and store.current is before
    assert [str(p) for p in result.problems] == [f"{knowledge_copy}: this version could not be built (IndexError; the "
                                                 "log has the details), a fault in the bot that the edit ran into"]
    assert any(record.exc_info for record in caplog.records)  # the traceback, for whoever fixes it
    clock.now = 10
    assert watcher.poll() is None  # not tried again until the folder changes
    monkeypatch.undo()
    set_cost_answer(knowledge_copy, "In the USA", "In the United States")
    watcher.poll()
    clock.now = 15
    fixed = watcher.poll()
    assert fixed is not None and fixed.ok and fixed.recovered


def test_reload_under_load_answers_from_one_version(knowledge_copy: Path) -> None:
    store = ResponderStore(knowledge_copy)
    first = store.current.decide("how much does it cost").reply
    marker = "between $400 and $800"
    set_cost_answer(knowledge_copy, marker, marker + " (version B)")
    store.reload()
    second = store.current.decide("how much does it cost").reply
    assert first != second
    replies: list[str] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask() -> None:
        try:
            while not stop.is_set():
                replies.append(store.current.decide("how much does it cost").reply)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    workers = [threading.Thread(target=ask) for _ in range(3)]
    for worker in workers:
        worker.start()
    for step in range(6):
        old, new = (marker + " (version B)", marker) if step % 2 == 0 else (marker, marker + " (version B)")
        set_cost_answer(knowledge_copy, old, new)
        assert store.reload().ok
    stop.set()
    for worker in workers:
        worker.join()
    assert not errors
    assert len(replies) > 6
    assert set(replies) <= {first, second}


def test_the_watcher_serves_a_phrasing_added_by_the_writer(knowledge_copy: Path) -> None:
    clock = FakeClock()
    store = ResponderStore(knowledge_copy)
    watcher = KnowledgeWatcher(store, debounce=1.0, clock=clock)
    message = "what is the damage to my wallet for the zorblax sessions"
    assert store.current.decide(message).id != "cost"
    assert add_phrasing(knowledge_copy, "cost", message).ok
    assert watcher.poll() is None  # seen, debounced
    clock.now = 2.0
    result = watcher.poll()
    assert result is not None and result.ok
    assert store.current.decide(message).id == "cost"
