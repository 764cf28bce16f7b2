"""Running ``knowledge/crisis_checks.yaml`` against a built responder: what an edit may not change.

Why: the semantic crisis layer learns from the whole knowledge, the FAQ's texts and the out-of-scope examples
among its calm ones, so an edit far from crisis can change what it escalates, and an edit of crisis.yaml can
break a layer. The checks are clear messages that several layers catch: they flag an edit that breaks a layer
(measured: a threshold typo, or the medical-emergency examples deleted, each failed one of 162), not the small
drift of every retraining (310 new out-of-scope examples moved 4 of 1,642 development crises and passed).
A check that must escalate and no longer does is a problem: ``validate`` exits 1 naming its line, and a running
bot refuses the edit and keeps serving its last good version (``bot.runtime.store``). A check that must stay
calm and now escalates is a warning: a false alarm is bad, a missed crisis the worst failure there is.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.decision import CRISIS, Responder
from bot.knowledge.yamlsource import Problem


@dataclass(frozen=True)
class CheckResults:
    missed: tuple[Problem, ...] = ()  # must escalate, and does not
    alarmed: tuple[Problem, ...] = ()  # must stay calm, and escalates


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
    return CheckResults(tuple(missed), tuple(alarmed))
