"""Shared fixtures: the repository's knowledge, loaded once, and a writable copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.decision import Responder
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Knowledge

REPO_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(REPO_KNOWLEDGE)


@pytest.fixture(scope="session")
def responder(knowledge: Knowledge) -> Responder:
    return Responder(knowledge)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A private copy of the repository's knowledge that a test may break."""
    target = tmp_path / "knowledge"
    shutil.copytree(REPO_KNOWLEDGE, target)
    return target
