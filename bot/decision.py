"""The one decision the bot makes for a message, shared by Telegram, terminal and CLI.

Order is fixed and deliberate: crisis first (on the whole message, it always wins),
then small talk, then the FAQ, then an honest fallback. Every reply text comes from
the knowledge files; nothing is generated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.crisis.detector import CrisisHit, detect_crisis
from bot.knowledge.model import FaqEntry, Knowledge
from bot.matching.lexical import BOUNDARY, Candidate, MatchIndex
from bot.matching.smalltalk import SmallTalkIndex

ANSWER, CLARIFY, CRISIS, SMALLTALK, FALLBACK = "answer", "clarify", "crisis", "smalltalk", "fallback"
MAX_MESSAGE_CHARS = 4000  # the user's text we look at; Telegram itself caps messages at 4096


@dataclass(frozen=True)
class ChatContext:
    """What the decision needs to know about the chat: hotline region and recent escalation."""

    region: str | None = None
    flagged: bool = False
    language: str | None = None


NO_CONTEXT = ChatContext()


@dataclass(frozen=True)
class Decision:
    """What to reply and why. ``reply`` is the full plain text; shells add buttons from ids."""

    kind: str
    reply: str
    id: str | None = None
    options: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    score: float = 0.0
    crisis: CrisisHit | None = None
    footer: str | None = None
    body: str = field(default="", repr=False)  # reply without the footer, for shells that format it

    def as_json(self) -> dict[str, object]:
        """The stable ``ask --json`` protocol: exactly these five keys."""
        return {"kind": self.kind, "id": self.id, "options": list(self.options),
                "score": round(self.score, 1), "reply": self.reply}


class Responder:
    """A knowledge version with everything derived from it, ready to decide messages."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.index = MatchIndex(knowledge)
        self.smalltalk = SmallTalkIndex(knowledge.smalltalk)

    def decide(self, text: str, context: ChatContext = NO_CONTEXT) -> Decision:
        hit = detect_crisis(self.knowledge.crisis.detection, text)
        if hit is not None:
            return self.crisis_decision(hit, context)
        decision = self._calm_decision(text[:MAX_MESSAGE_CHARS])
        return self._with_footer(decision, context)

    def decide_entry(self, entry_id: str, context: ChatContext = NO_CONTEXT) -> Decision:
        """The answer for an entry picked from a button or a numbered suggestion.

        Ids come back from users (callback data), so an unknown or forged id gets the
        polite "that topic no longer exists" rather than an error.
        """
        entry = self.knowledge.by_id.get(entry_id)
        if entry is None:
            text = self.knowledge.texts.unknown_topic
            return self._with_footer(Decision(FALLBACK, text, body=text), context)
        return self._with_footer(self._answer(entry, 100.0), context)

    def crisis_decision(self, hit: CrisisHit | None, context: ChatContext) -> Decision:
        text = self.crisis_text(context, hit.language if hit else "en")
        return Decision(CRISIS, text, score=100.0, crisis=hit, body=text)

    def crisis_text(self, context: ChatContext, language: str = "en") -> str:
        """The fixed escalation for the chat's region; non-English speakers also get the international line."""
        policy = self.knowledge.crisis
        region = policy.region(context.region)
        lines = list(region.lines)
        international = policy.regions.get(policy.international_region)
        if language != "en" and international is not None and region is not international:
            lines.extend(international.lines)
        return policy.response.format(emergency=region.emergency,
                                      lines="\n".join(f"• {line}" for line in lines)).strip()

    def footer_text(self, context: ChatContext) -> str:
        policy = self.knowledge.crisis
        return policy.footer.format(short=policy.region(context.region).short)

    def _calm_decision(self, text: str) -> Decision:
        query = self.index.analyze(text)
        if not query.normalized:
            return self._fallback(0.0)
        intent = self.smalltalk.match(query.normalized)
        if intent is not None:
            return Decision(SMALLTALK, intent.reply, id=intent.id, score=100.0, body=intent.reply)
        return self._from_candidates(self.index.rank(query))

    def _from_candidates(self, ranked: list[Candidate]) -> Decision:
        settings = self.knowledge.matching
        if not ranked or ranked[0].score < settings.min_score:
            return self._fallback(ranked[0].score if ranked else 0.0)
        top = ranked[0]
        if top.target.kind == BOUNDARY:
            reply = next(t.reply for t in self.knowledge.boundaries if t.id == top.target.id)
            return Decision(FALLBACK, reply, score=top.score, body=reply)
        close = [c.target.id for c in ranked if c.target.kind != BOUNDARY
                 and top.score - c.score <= settings.ambiguity_margin][: settings.max_options]
        if len(close) > 1:
            return self._clarify(close, top.score)
        return self._answer(self.knowledge.by_id[top.target.id], top.score)

    def _answer(self, entry: FaqEntry, score: float) -> Decision:
        return Decision(ANSWER, entry.answer, id=entry.id, related=entry.related, score=score, body=entry.answer)

    def _clarify(self, options: list[str], score: float) -> Decision:
        texts = self.knowledge.texts
        lines = [texts.clarify] + [f"{n}. {self.knowledge.by_id[i].question}" for n, i in enumerate(options, 1)]
        reply = "\n".join(lines)
        return Decision(CLARIFY, reply, options=tuple(options), score=score, body=reply)

    def _fallback(self, score: float) -> Decision:
        reply = self.knowledge.texts.fallback
        return Decision(FALLBACK, reply, score=score, body=reply)

    def _with_footer(self, decision: Decision, context: ChatContext) -> Decision:
        """Add the hotline line where the entry demands it or the chat escalated recently."""
        entry = self.knowledge.by_id.get(decision.id or "") if decision.kind == ANSWER else None
        if not context.flagged and not (entry and entry.hotline_footer):
            return decision
        footer = self.footer_text(context)
        return Decision(decision.kind, f"{decision.body}\n\n{footer}", id=decision.id, options=decision.options,
                        related=decision.related, score=decision.score, footer=footer, body=decision.body)
