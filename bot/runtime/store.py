"""The live knowledge version, swapped atomically on reload.

Handlers read ``store.current`` once per update and use that one :class:`Responder`
for the whole reply, so a message is always answered from one consistent version even
while a reload runs. A failed reload leaves the current version serving.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.decision import Responder
from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.yamlsource import Problem
from bot.runtime.checks import checked_responder, unbuilt
from bot.semantic.store import glossary_cache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: the new version's summary, or the problems that kept the old one.

    ``recovered``: this good version ends a run of refused edits, so whoever heard about the
    refusal (the admins) should hear that it is over.
    """

    ok: bool
    version: str
    summary: str
    problems: tuple[Problem, ...] = ()
    recovered: bool = False


def summarize(responder: Responder) -> str:
    knowledge = responder.knowledge
    return (f"{len(knowledge.entries)} FAQ entries in {len(knowledge.categories)} categories, "
            f"{len(knowledge.smalltalk)} small-talk intents, {len(knowledge.boundaries)} boundary topics, "
            f"{len(knowledge.crisis.regions)} crisis regions")


class ResponderStore:
    """Owns the knowledge folder and the responder built from its last good version."""

    def __init__(self, directory: Path, responder: Responder | None = None) -> None:
        self.directory = Path(directory)
        self.current = responder or Responder(load_knowledge(self.directory, glossary_cache()))
        self._refused = False  # the last reload was refused: the next good one is a recovery

    def reload(self) -> ReloadResult:
        """Load the folder again; swap only if it is valid and still escalates every crisis check that must
        (``bot.runtime.checks``), by one reference assignment (atomic)."""
        try:
            fresh, _ = checked_responder(self.directory)
        except KnowledgeError as exc:
            return self._refuse(tuple(exc.problems))
        except Exception as exc:  # a bug this version meets must not end the bot, nor pass unsaid
            # The watcher would otherwise try it again at every poll (a refit each time) and the admins never hear.
            log.exception("knowledge in %s could not be built", self.directory)
            return self._refuse((unbuilt(self.directory, f"{type(exc).__name__}; the log has the details"),))
        self.current = fresh
        recovered, self._refused = self._refused, False
        return ReloadResult(True, fresh.knowledge.version, summarize(fresh), recovered=recovered)

    def _refuse(self, problems: tuple[Problem, ...]) -> ReloadResult:
        self._refused = True
        current = self.current
        return ReloadResult(False, current.knowledge.version, summarize(current), problems)
