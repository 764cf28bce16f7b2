"""The operators' review: what people asked that had no answer, which answers were rated down, the decision mix.

Unanswered questions are grouped by meaning (the sentence encoder: cosine of at least
:data:`SAME_QUESTION`, greedily around the most frequent wording) or, in lexical-only mode, by
shared words. Each group gets the entry the *current* knowledge would suggest, so a question
already fixed by an edit shows up as answered.
"""

from __future__ import annotations

import datetime as dtm
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from bot.decision import ANSWER, Responder
from bot.storage.database import Database
from bot.storage.repositories import Question, count_totals, feedback_totals, unanswered_since

SAME_QUESTION = 0.7  # cosine between two wordings taken as the same question
SAME_WORDS = 80  # rapidfuzz token_set_ratio, lexical-only mode
DECISION_KINDS = ("answers", "clarify", "fallback", "smalltalk", "support", "crisis")  # every reply counted
WINDOWS = (7, 30)


@dataclass
class Group:
    text: str  # the most frequent wording
    count: int
    suggested: str | None
    now: str  # what the current knowledge does with it: answer, clarify, fallback, ...
    examples: list[str] = field(default_factory=list)  # other wordings, most frequent first

    def as_json(self) -> dict[str, object]:
        return {"text": self.text, "count": self.count, "suggested": self.suggested, "now": self.now,
                "examples": self.examples}


@dataclass
class Review:
    days: int
    unanswered: list[Group]
    feedback: dict[str, dict[str, int]]
    decisions: dict[int, dict[str, int]]

    def as_json(self) -> dict[str, object]:
        return {"days": self.days, "unanswered": [g.as_json() for g in self.unanswered], "feedback": self.feedback,
                "decisions": {str(days): mix for days, mix in self.decisions.items()}}

    def most_down(self) -> list[tuple[str, dict[str, int]]]:
        rated = [(entry, votes) for entry, votes in self.feedback.items() if votes["down"]]
        return sorted(rated, key=lambda item: (-item[1]["down"], item[1]["up"], item[0]))


async def gather(database: Database, responder: Responder, days: int, today: dtm.date | None = None) -> Review:
    """Read the inbox of the last ``days`` days, the votes and the counters, and group the questions."""
    today = today or dtm.datetime.now(dtm.UTC).date()
    async with database.sessions() as session:
        questions = await unanswered_since(session, today - dtm.timedelta(days=days - 1))
        feedback = await feedback_totals(session)
        mixes = {window: await count_totals(session, today - dtm.timedelta(days=window - 1)) for window in WINDOWS}
    decisions = {window: {kind: mix[kind] for kind in DECISION_KINDS} for window, mix in mixes.items()}
    return Review(days, group(questions, responder), dict(sorted(feedback.items())), decisions)


def group(questions: list[Question], responder: Responder) -> list[Group]:
    """Questions grouped by meaning, biggest group first."""
    wordings = Counter(q.text for q in questions)
    if not wordings:
        return []
    texts = [text for text, _ in wordings.most_common()]
    same = _similarity(texts, responder)
    owner: list[int] = []  # for each text, the index of the group leader
    for i in range(len(texts)):
        leader = next((j for j in sorted(set(owner)) if same[i, j]), i)
        owner.append(leader)
    stored_nearest = {q.text: q.nearest for q in questions}
    groups = []
    for leader in sorted(set(owner)):
        members = [texts[i] for i in range(len(texts)) if owner[i] == leader]
        decision = responder.decide(texts[leader])
        suggested = decision.id if decision.kind == ANSWER else (decision.options or stored_nearest[texts[leader]]
                                                                  or (None,))[0]
        groups.append(Group(texts[leader], sum(wordings[m] for m in members), suggested, decision.kind, members[1:4]))
    return sorted(groups, key=lambda g: (-g.count, g.text))


def _similarity(texts: list[str], responder: Responder) -> np.ndarray:
    """Which pairs of wordings ask the same thing."""
    if responder.understanding is not None:
        vectors = responder.understanding.embedder.encoder.encode(texts)
        return (vectors @ vectors.T) >= SAME_QUESTION
    return np.array([[fuzz.token_set_ratio(a, b) >= SAME_WORDS for b in texts] for a in texts])
