"""Whether a message asks: a window that is one question, and a message that asks anything anywhere.

The crisis screen reads questions apart from statements: a window that asks has its own floor and margin (people ask
this bot about the treatment, and the model learned crisis mostly from statements), and distress told, not asked, may
replace an answer with the support reply.
"""

from __future__ import annotations

import re

from bot.semantic.embedder import sentences

_TRAILING = re.compile(r"[^\w.!?]+$")  # emoji and spaces after the last mark
# How a question opens: chat questions often come without their question mark, in shorthand ("r u ..."), or with no
# question word ("any chance my plan would pay part of it", "best way to fall asleep faster")
_ASKS = re.compile(r"(?:how|what|whats|why|when|where|which|who|is|are|am|can|could|will|would|should|do|does|did|has"
                   r"|have|was|were|r(?= u\b)|any (?:chance|hope|way|idea|tips|advice)|anyone|anybody"
                   r"|(?:the )?(?:best|easiest|quickest|fastest|simplest|safest) ways? to)"
                   r"\b(?!['\u2019]t\b)", re.IGNORECASE)  # "can't feel my face" does not ask
# A clause after a comma that asks: a question word, or an auxiliary before its subject ("..., can someone pick me up";
# chat drops the subject of a statement: "..., can barely stand up")
_CLAUSE_ASKS = re.compile(r"[,;:\u2013\u2014]\s*(?:(?:how|what|whats|why|when|where|which|who)\b|(?:is|are|am|can|could"
                          r"|will|would|should|do|does|did|has|have|was|were)\s+(?:i|you|u|it|this|that|they|we|he|she"
                          r"|there|someone|anyone|ketamine|my|the|a)\b)", re.IGNORECASE)


def asks_a_question(window: str) -> bool:
    """Whether a window is one sentence that asks: it ends with a question mark or, typed without one, it ends with
    no mark at all and opens as a question does ("why would an anesthetic stop me from overthinking all the time"),
    or a clause after a comma does ("ngl i need something that works quick, how fast does ketamine hit"; an
    auxiliary with its subject: "..., can barely stand up" tells, it does not ask)."""
    core = _TRAILING.sub("", window)
    if len(sentences(core)) != 1:
        return False
    return core.endswith("?") or (core[-1:] not in (".", "!") and (_ASKS.match(core) is not None
                                                                   or _CLAUSE_ASKS.search(core) is not None))


# Anywhere in a message, what asks: a mark, a clause opening as a question ("tried everything, would ketamine do
# anything for me"; after "and", not a verb going on: "and is trying to climb out", nor a question word that ends the
# clause: "i have decided how and when"), a question word before its verb
# ("roughly what would one session cost"), a request ("i need to know roughly what one appointment would set me back").
_ASKS_ANYWHERE = re.compile(r"\?|(?:^|[.!,;:\u2013\u2014]|\s-)\s*" + _ASKS.pattern + r"|\b(?:and|but|so)\s+(?!(?:is|are"
                            r"|am|has|have|was|were)\s+(?:not|\w+ing|\w+ed)\b|(?:can|could|will|would|do|does|did)\s+not\b)"
                            + _ASKS.pattern + r"(?=\s+\w)|\b(?:how|what|whats|why|when|where|which|who)\s+(?:is|are|do"
                            r"|does|did|can|could|will|would|should|much|many|long)\b|\b(?:wonder(?:ing)?|(?:like|want"
                            r"|need) to know|tell me|curious|explain|describe|walk me thr(?:ough|u))\b", re.IGNORECASE)


def asks_anything(text: str) -> bool:
    """Whether a message asks anything at all, in any of its sentences: ``CrisisScreen.distressed`` lets distress
    told, not asked, replace an answer."""
    return _ASKS_ANYWHERE.search(text) is not None


# A question mark in any script: Latin and Cyrillic, full-width (Chinese, Japanese), Arabic and Urdu, and the Greek
# question mark (U+037E; Greek typed on a Latin keyboard uses ";", which is not counted: it ends clauses elsewhere)
_QUESTION_MARK = re.compile("[?\uff1f\u061f\u037e]")
# In a gloss, what asks: a question word opening a sentence or before its verb, an auxiliary opening a sentence before
# a pronoun subject ("can i drive after the session ketamine"), or a request. Not "do" opening one: a gloss keeps the
# message's word order, and a verb glossed "do" opens statements ("do esketamine nasal spray after ...": 做完,
# done); nor "has", "is" or "was" before a noun, which open statements where a language drops its subject ("has a
# seizure since the session", "was my mother after the session not breathing"); nor a question word inside a
# sentence, which glosses "like" ("chest how crazy": wie verrückt)
_WH = r"(?:how|what|whats|why|when|where|which|who)"
_GLOSS_ASKS = re.compile(rf"(?:^|\.\s+)(?:{_WH}\b|(?:is|are|am|can|could|will|would|should|may|must)"
                         r"\s+(?:i|you|u|it|he|she|they|we|there|this)\b)"
                         rf"|\b{_WH}\s+(?:is|are|do|does|did|can|could|will|would|should|much|many|long)\b"
                         r"|\b(?:wonder(?:ing)?|(?:like|want|need) to know|tell me|curious|explain)\b", re.IGNORECASE)


def gloss_asks(message: str, gloss: str, answered: int = 0) -> bool:
    """Whether a message not in English asks anything: it has a question mark in any script (more than ``answered``:
    those of requests for help taken out of its gloss, ``without_help_requests``), or its English gloss
    (``bot.crisis.gloss``) has a question word, an auxiliary before its subject, or a request. A gloss keeps no
    question mark (its sentences are joined by full stops), and ``asks_anything`` on it reads a glossed verb opening
    a statement as a question."""
    return len(_QUESTION_MARK.findall(message)) > answered or _GLOSS_ASKS.search(gloss) is not None


# A request for help, not a question about anything ("what do I do?", "what to do": a gloss of 怎么办, "should I
# call an ambulance?", "should I take her to the ER?"), ending the message or its sentence. An emergency told with one
# asks nothing about the time it tells; "what do I do about the cost" asks.
_HELP_REQUEST = re.compile(r"(?:^|[\s,;:.!?\u2013\u2014-]+)(?:what (?:do|should|can|shall) (?:i|we) do(?: now)?"
                           r"|what (?:am i|are we) (?:supposed|meant) to do|what to do(?: now)?|what now"
                           r"|(?:should|do) (?:i|we)(?: need to)? call (?:an ambulance|the ambulance|911|999|112|000"
                           r"|someone|for help)|should (?:i|we) take (?:him|her|them|me) to (?:the |a )?(?:er|ed|a&e"
                           r"|hospital|emergency room)|(?:is|was) (?:this|it|that) an? (?:medical )?emergency"
                           r"|(?:can|could) (?:you|someone|anyone) help(?: me)?|please help|help me)"
                           r"(?:\s*[?!.\uff1f\uff01\u061f]+\s*|\s*$)", re.IGNORECASE)


def without_help_requests(text: str) -> tuple[str, int]:
    """``text`` without its requests for help ("..., what do I do?"), their marks with them and a sentence end
    left in their place, and how many it took out."""
    plain, removed = _HELP_REQUEST.subn(". ", text)
    return plain.strip(" ."), removed
