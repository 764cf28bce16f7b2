"""Running ``knowledge/crisis_checks.yaml`` against a built responder: what an edit may not change.

Why: the semantic crisis layer learns from the whole knowledge, the FAQ's texts and the out-of-scope examples
among its calm ones, so an edit far from crisis can change what it escalates, and an edit of crisis.yaml can
break a layer. The checks are clear messages that several layers catch: they flag an edit that breaks a layer
(measured: a threshold typo, or the medical-emergency examples deleted, each failed one of 162), not the small
drift of every retraining (310 new out-of-scope examples moved 4 of 1,642 development crises and passed).
A check that must escalate and no longer does is a problem: ``validate`` exits 1 naming its line, and a running
bot refuses the edit and keeps serving its last good version (``bot.runtime.store``), and ``learn`` and ``import``
write nothing (``verify_folder``, the check they give the writer). A check that must stay calm and now escalates is
a warning: a false alarm is bad, a missed crisis the worst failure there is; unless ten or more of them do, over a
quarter, which is a broken layer, refused the same way (``CheckResults.broken_calm``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.decision import CRISIS, Responder
from bot.knowledge.loader import KnowledgeError, load_knowledge
from bot.knowledge.yamlsource import Problem
from bot.semantic.encoder import ModelError
from bot.semantic.store import glossary_cache

log = logging.getLogger(__name__)


ALARMED_SHARE = 0.25  # more calm checks than this share escalating, and at least ALARMED_BROKEN of them: a layer
ALARMED_BROKEN = 10  # is broken, not drifting (a small checks file with one false alarm is still a warning)


@dataclass(frozen=True)
class CheckResults:
    missed: tuple[Problem, ...] = ()  # must escalate, and does not
    alarmed: tuple[Problem, ...] = ()  # must stay calm, and escalates
    calm: int = 0  # how many checks must stay calm

    @property
    def broken_calm(self) -> bool:
        """So many calm checks escalate that a layer is broken: a pattern ``ketamine`` in a crisis category alarmed
        45 of 119, and would have given every question about the treatment the crisis reply. One or two are the
        drift of a retraining, a warning; this many are refused like a missed check."""
        return len(self.alarmed) >= ALARMED_BROKEN and len(self.alarmed) > ALARMED_SHARE * self.calm

    @property
    def refused(self) -> tuple[Problem, ...]:
        """What refuses a version: every missed check, and the false alarms too when ``broken_calm``."""
        return self.missed + (self.alarmed if self.broken_calm else ())

    def refusal(self) -> str:
        """Why, in a few words, for the line after the problems."""
        reasons = [f"{len(self.missed)} crisis check(s) no longer escalate"] if self.missed else []
        if self.broken_calm:
            reasons.append(f"{len(self.alarmed)} of {self.calm} calm crisis checks now escalate")
        return "; ".join(reasons)


def run_checks(responder: Responder) -> CheckResults:
    """Every check of the responder's knowledge through the whole decision, as a message from a new chat.

    The problems name the check's line and what the bot does instead, never the message (logs and the admins'
    chat see them; the message is at that line)."""
    missed: list[Problem] = []
    alarmed: list[Problem] = []
    for check in responder.knowledge.crisis_checks:
        decision = responder.decide(check.text)
        if check.escalate and decision.kind != CRISIS:
            missed.append(Problem(check.path, check.line, f"crisis check: must escalate, but this version replies "
                                                          f"with {decision.kind} {decision.id or ''}".rstrip()))
        elif not check.escalate and decision.kind == CRISIS:
            category = decision.crisis.category if decision.crisis else CRISIS
            alarmed.append(Problem(check.path, check.line,
                                   f"crisis check: must stay calm, but this version escalates ({category})"))
    calm = sum(not check.escalate for check in responder.knowledge.crisis_checks)
    return CheckResults(tuple(missed), tuple(alarmed), calm)


def checked_responder(directory: Path) -> tuple[Responder, CheckResults]:
    """The responder of a folder and its check results; ``KnowledgeError`` when the folder does not load or the
    checks refuse it (``CheckResults.refused``: what a reload or a write refuses)."""
    responder = Responder(load_knowledge(directory, glossary_cache()))
    results = run_checks(responder)
    if results.refused:
        raise KnowledgeError(list(results.refused))
    return responder, results


def unbuilt(directory: Path, cause: str) -> Problem:
    """The problem of a folder whose build failed with an unexpected error: refused as an invalid edit is, in words
    that say the fault is the bot's, so the operator reports it instead of hunting for a typo in the files."""
    return Problem(str(directory), 0, f"this version could not be built ({cause}), a fault in the bot that the "
                                      "edit ran into")


def verify_folder(directory: Path) -> Sequence[Problem]:
    """What ``learn`` and ``import`` give the knowledge writer to check its scratch copy with: the edited folder
    must load and still escalate every check (``KnowledgeError`` otherwise); its false alarms are warnings.

    Why not only in a running bot: the bot refuses such an edit and keeps its last good version, but the files
    stay written, the next start serves them, and the operator who wrote them has already gone. It costs a
    build of the edited knowledge (a refit when phrasings change, tens of seconds), which the running bot's hot
    reload then reads from the cache instead of fitting again. A build that fails with an unexpected error is
    refused too, in one line (the writer has no traceback to show an operator; ``LOG_LEVEL=DEBUG`` logs it)."""
    try:
        return checked_responder(directory)[1].alarmed
    except (KnowledgeError, ModelError):
        raise
    except Exception as exc:
        log.debug("knowledge in %s could not be built", directory, exc_info=True)
        raise KnowledgeError([unbuilt(directory, f"{type(exc).__name__}: {exc}")]) from exc
