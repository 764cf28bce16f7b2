"""Loading the knowledge for a command, or exiting 1 with every problem: what all commands share."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bot.decision import Responder
from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.location import HINT
from bot.knowledge.model import Knowledge
from bot.knowledge.writer import WriteProblem
from bot.runtime.checks import unbuilt, verify_folder
from bot.runtime.report import Warning_
from bot.semantic.encoder import ModelError
from bot.semantic.store import glossary_cache


def load_or_exit(directory: Path) -> Knowledge:
    """Load knowledge, or print every problem as ``path:line: message`` and exit 1."""
    try:
        return load_knowledge(directory, glossary_cache())
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        if not directory.is_dir():
            print(f"hint: {HINT}", file=sys.stderr)
        print(f"knowledge in {directory} was refused: {len(exc.problems)} problem(s)", file=sys.stderr)
        raise SystemExit(1) from None


def region_or_exit(responder: Responder, code: str | None, what: str) -> str | None:
    """A region code from crisis.yaml (or its alias, GB for UK); an unknown one is refused with the list,
    never silently replaced by the default region's numbers."""
    if not code:
        return None
    policy = responder.knowledge.crisis
    region = policy.known_region(code)
    if region is None:
        known = ", ".join([*policy.regions, *(f"{alias} (= {target})" for alias, target in policy.aliases.items())])
        print(f"error: {what} '{code}' is not a region of crisis.yaml; known: {known}", file=sys.stderr)
        raise SystemExit(2)
    return region.code


def default_region_or_exit(responder: Responder) -> str | None:
    """``DEFAULT_REGION``, as ``run`` reads it: ``ask`` and ``chat`` make the decisions the Telegram bot makes, and
    an unknown code is refused there too rather than silently giving the file's default region's numbers."""
    return region_or_exit(responder, os.environ.get("DEFAULT_REGION", "").strip().upper() or None, "DEFAULT_REGION")


def responder_or_exit(directory: Path) -> Responder:
    """Load knowledge and build its Responder (the classifier needs the model file), or exit 1 saying why."""
    knowledge = load_or_exit(directory)
    with built_or_exit(directory):
        return Responder(knowledge)


@contextmanager
def built_or_exit(directory: Path) -> Iterator[None]:
    """Around building a folder's responder and running its checks: a failure other than invalid files ends the
    command with one line, never a traceback an operator has to read.

    A missing or corrupt model file names the file and how to rebuild it. Any other error is a fault in the bot
    that the knowledge ran into: refused in the words a running bot uses (``bot.runtime.checks.unbuilt``), with
    the traceback for whoever fixes it only under ``LOG_LEVEL=DEBUG``."""
    try:
        yield
    except ModelError as exc:  # one line: the file, and how to rebuild it
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except Exception as exc:
        if _debugging():
            traceback.print_exc()
        print(unbuilt(directory, f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        print(f"knowledge in {directory} was refused (LOG_LEVEL=DEBUG prints the traceback)", file=sys.stderr)
        raise SystemExit(1) from None


@contextmanager
def checked_writes() -> Iterator[None]:
    """Around a knowledge write that builds the edited version to run its crisis checks (``learn``, ``import``):
    that build needs the model file, and a missing one is the one line ``built_or_exit`` prints. Any other
    failure of that build is a refusal the writer reports (``bot.runtime.checks.verify_folder``), whose traceback
    is logged at debug level: shown here under ``LOG_LEVEL=DEBUG``."""
    handler = logging.StreamHandler(sys.stderr)
    checks_log = logging.getLogger(verify_folder.__module__)
    if _debugging():
        checks_log.addHandler(handler)
        checks_log.setLevel(logging.DEBUG)
    try:
        yield
    except ModelError as exc:
        print(f"error: {exc}; nothing was written", file=sys.stderr)
        raise SystemExit(1) from None
    finally:
        checks_log.removeHandler(handler)


def _debugging() -> bool:
    return os.environ.get("LOG_LEVEL", "").upper() == "DEBUG"


def print_write_warnings(warnings: Sequence[WriteProblem]) -> None:
    """What ``learn`` or ``import`` wrote despite (a calm crisis check now escalating), as ``validate`` prints it."""
    for warning in warnings:
        print(Warning_(warning.where or "", warning.message))
