"""The on-disk array store: speed only, never a reason to stop answering."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from bot.semantic.store import KEEP_FILES, ArrayStore, cache_dir


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
