"""The on-disk array store: speed only, never a reason to stop answering."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

import numpy as np
import pytest

from bot.semantic.store import KEEP_FILES, ArrayStore, cache_dir, code_fingerprint


def test_round_trip(tmp_path: Path) -> None:
    store = ArrayStore(tmp_path / "cache")
    store.save("fit-abc", {"weights": np.arange(6.0).reshape(2, 3), "keys": np.array([b"a" * 32], dtype="S32")})
    loaded = store.load("fit-abc")
    assert loaded is not None
    assert np.array_equal(loaded["weights"], np.arange(6.0).reshape(2, 3))
    assert loaded["keys"].tolist() == [b"a" * 32]
    assert store.load("missing") is None


def test_a_corrupt_file_is_ignored_with_one_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "fit-bad.npz").write_bytes(b"not a zip at all")
    store = ArrayStore(tmp_path)
    with caplog.at_level(logging.WARNING):
        assert store.load("fit-bad") is None
        assert store.load("fit-bad") is None
    assert caplog.text.count("is unreadable") == 1


def test_an_unwritable_folder_costs_speed_not_answers(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    store = ArrayStore(blocker / "cache")
    with caplog.at_level(logging.WARNING):
        store.save("fit-x", {"a": np.zeros(2)})  # must not raise
    assert "cannot write the cache" in caplog.text
    assert store.load("fit-x") is None


def test_old_files_are_pruned(tmp_path: Path) -> None:
    store = ArrayStore(tmp_path)
    for n in range(KEEP_FILES + 3):
        store.save(f"fit-{n}", {"a": np.zeros(1)})
    assert len(list(tmp_path.glob("*.npz"))) == KEEP_FILES
    assert store.load(f"fit-{KEEP_FILES + 2}") is not None  # the newest stay


def test_cache_dir_from_the_environment(tmp_path: Path) -> None:
    assert cache_dir({"CACHE_DIR": str(tmp_path)}) == tmp_path
    assert cache_dir({}) == Path.cwd() / "data" / "cache"


def test_no_folder_means_memory_only() -> None:
    store = ArrayStore(None)
    store.save("x", {"a": np.zeros(1)})
    assert store.load("x") is None


def test_a_code_fingerprint_follows_the_source_of_its_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("fingerprinted_first", "fingerprinted_second"):
        (tmp_path / f"{name}.py").write_text(f"WEIGHT = 2.0  # {name}\n", encoding="utf-8")
    importlib.invalidate_caches()
    before = code_fingerprint("fingerprinted_first", "fingerprinted_second")
    assert code_fingerprint("fingerprinted_first", "fingerprinted_second") == before and len(before) == 12
    (tmp_path / "fingerprinted_second.py").write_text("WEIGHT = 1.0\n", encoding="utf-8")  # a changed constant
    assert code_fingerprint("fingerprinted_first", "fingerprinted_second") != before
    assert code_fingerprint("fingerprinted_first") != before
    # a package that exports a function under its module's name: still the module's source
    assert code_fingerprint("bot.language.normalize") != code_fingerprint("bot.language")
