"""The unanswered inbox: which messages may be kept, and how they are redacted first.

A message is kept only when all of these hold (anything else is never stored):

* the bot had no answer: the fallback or a "did you mean" (``fallback``/``clarify``), and not a
  boundary decline (a recognised topic, such as dosing, that the bot declines on purpose: those
  questions often carry personal medical details and teach nothing new);
* it was read as English (``decision.language``), the language the knowledge is written in;
* every crisis layer scored it clearly below its threshold (``decision.screened_calm``: a
  deliberately over-sensitive screen, because a missed crisis lands in the fallback), never a
  crisis or a support decision;
* it carries no distress: none of :data:`DISTRESS` in the crisis detector's canonical spelling
  (leetspeak and slang folded). Broader than any crisis rule on purpose: figurative speech
  ("this wait is killing me") and low mood are not kept either; losing a few questions costs
  less than keeping one that should not have been kept;
* the chat is not inside a crisis footer window (``context.flagged``): what follows an
  escalation is not kept, however calm it reads.

Then the text is redacted (emails, URLs, @handles, phone numbers, long numbers, a name after
"my name is"), whitespace-collapsed and capped at 300 characters.
"""

from __future__ import annotations

import datetime as dtm
import re

from bot.crisis.detector import canonical_text
from bot.decision import CLARIFY, FALLBACK, ChatContext, Decision
from bot.knowledge.model import Knowledge
from bot.storage.models import MAX_UNANSWERED_CHARS
from bot.storage.repositories import Question

STORABLE_KINDS = (FALLBACK, CLARIFY)
MAX_NEAREST = 3
DISTRESS = re.compile(
    r"\b(?:kill\w*|die|dies|died|dying|dead|death|suicid\w*|harm\w*|hurt\w*|cut|cuts|cutting|overdos\w*|od|"
    r"pills?|end it|end my|hopeless\w*|worthless|pointless|no point|give up|can not go on|scared|afraid|unsafe|"
    r"danger\w*|abus\w*|rape\w*|assault\w*|emergenc\w*|bleed\w*|ambulance|low|depressed|alone|lonely|panic\w*|"
    r"cry|crying|desperate|breathe|breathing|unconscious|seizure|help me)\b")

_REDACTIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|me|co|uk|de|info|app)\b(?:/\S*)?",
                re.IGNORECASE), "[link]"),
    (re.compile(r"(?<![\w@])@\w{3,}"), "[handle]"),
    (re.compile(r"(?:\+|\b00)?\d[\d\s().-]{6,}\d"), "[number]"),  # phone numbers, card and id numbers
    (re.compile(r"\d{5,}"), "[number]"),  # what is left of long numbers
    (re.compile(r"\b(my name is|my name's|i am called|i'm called)\s+[^\s,.!?;:]+(?:\s+[A-Z][\w'-]*)?",
                re.IGNORECASE), r"\1 [name]"),
)


def redact(text: str) -> str:
    """``text`` without contact details, identifying numbers or a stated name; capped at 300 characters."""
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    text = " ".join(text.split())
    return text[:MAX_UNANSWERED_CHARS].rstrip()


def may_store(text: str, decision: Decision, context: ChatContext, knowledge: Knowledge) -> bool:
    """Whether a message with this decision may enter the inbox (see the module docstring)."""
    return (decision.kind in STORABLE_KINDS and decision.topic is None and decision.crisis is None
            and decision.screened_calm and decision.language == "en" and not context.flagged
            and not DISTRESS.search(canonical_text(knowledge.crisis.detection, text)))


def question_for(text: str, decision: Decision, context: ChatContext, knowledge: Knowledge,
                 day: dtm.date) -> Question | None:
    """The inbox row for a message, or ``None`` when it must not be kept."""
    if not may_store(text, decision, context, knowledge):
        return None
    redacted = redact(text)
    if not redacted:
        return None
    return Question(redacted, decision.kind, tuple(decision.options[:MAX_NEAREST]), round(decision.score, 1),
                    knowledge.version, day)
