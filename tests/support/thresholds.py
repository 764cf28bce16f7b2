"""A responder on the repository's knowledge with some crisis thresholds changed: to see what one rule alone does."""

from __future__ import annotations

import dataclasses

from bot.decision import Responder
from bot.knowledge import Knowledge


def with_thresholds(knowledge: Knowledge, **changes: object) -> Responder:
    return Responder(dataclasses.replace(knowledge, crisis=dataclasses.replace(
        knowledge.crisis, thresholds=dataclasses.replace(knowledge.crisis.thresholds, **changes))))
