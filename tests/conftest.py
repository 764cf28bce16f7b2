"""Shared fixtures: the repository's knowledge, loaded once, a writable copy of it, and a real PostgreSQL."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.decision import Responder
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Knowledge
from tests.support.postgres import PostgresServer, PostgresUnavailable, postgres_server

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


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL 15 for the session (tests/support/postgres.py); under CI=true it must start."""
    try:
        yield from postgres_server()
    except PostgresUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL could not start, and CI requires it: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    """The URL of a fresh, empty PostgreSQL database, as Heroku writes it (postgres://...)."""
    return postgres.new_database()
