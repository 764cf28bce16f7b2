"""The crisis layer's fits are stored under everything that shapes them, its training code included: a stored
fit is reused only by the same code on the same examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.crisis import semantic
from bot.crisis.semantic import CrisisClassifier
from bot.semantic.embedder import Embedder
from bot.semantic.encoder import DEFAULT_MODEL_DIR, Encoder
from bot.semantic.store import ArrayStore

CRISIS = [("i am going to end my life tonight", "suicidal-thoughts"), ("i swallowed all my pills", "overdose")]
CALM = [("what does a session cost", "informational"), ("this exam is killing me", "figurative")]


def fits(directory: Path) -> set[str]:
    return {path.name for path in directory.glob("crisis-*.npz")}


def test_a_change_to_the_training_code_fits_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    embedder = Embedder(Encoder.load(DEFAULT_MODEL_DIR), ArrayStore(tmp_path))
    CrisisClassifier.build(CRISIS, CALM, ["how long is a session"], embedder)
    first = fits(tmp_path)
    CrisisClassifier.build(CRISIS, CALM, ["how long is a session"], embedder)
    assert fits(tmp_path) == first and len(first) == 1  # the same code and examples: the stored fit
    monkeypatch.setattr(semantic, "_fit_code", lambda: "a changed class weight")
    CrisisClassifier.build(CRISIS, CALM, ["how long is a session"], embedder)
    assert len(fits(tmp_path) - first) == 1  # fitted again, under a name of its own
