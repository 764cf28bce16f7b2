"""The questions of a message that asks more than one: "is it addictive and what are the side effects?".

Such a message splits its meaning between two entries, so neither reaches the answer bar and the bot
fell back (or asked "did you mean") with both as buttons. The FAQ step reads each question alone
instead (``Responder``), and answers when every one of them is clear on its own.

A question is split off at a question mark or semicolon, and at "and", "also" or "plus" when a question
word follows ("... and how many sessions will I need"): "pros and cons" or "ketamine and esketamine"
stay whole. A piece of one word ("why?") is no question of its own.
"""

from __future__ import annotations

import re

_QUESTION_WORDS = ("what", "whats", "what's", "how", "is", "are", "does", "do", "can", "could", "will", "would",
                   "should", "who", "where", "when", "why", "which")
# "and can't wait" opens no question: a question word is one only without a negation joined to it
_JOIN = re.compile(r"[?;]+|,?\s+\b(?:and|also|plus)\s+(?=(?:" + "|".join(map(re.escape, _QUESTION_WORDS))
                   + r")\b(?!n?['\u2019]t\b))", re.IGNORECASE)
_LEADING = re.compile(r"^(?:and|also|plus)\s+", re.IGNORECASE)
MIN_WORDS = 2


def questions(text: str, first_asks: bool = False) -> list[str]:
    """The questions ``text`` asks, in order; one item (the text) when it asks one, none when it is empty.
    ``first_asks``: only when the first opens with a question word, as "is nausea common, and is it expensive?"
    does: "an anesthetic for mood? sounds dangerous, how safe is it really" asks one question after a remark."""
    parts = (_LEADING.sub("", part.strip(" ,.!")) for part in _JOIN.split(text))
    found = [part for part in parts if len(part.split()) >= MIN_WORDS]
    if first_asks and found and found[0].split()[0].lower() not in _QUESTION_WORDS:
        found = found[:1]
    return found if len(found) > 1 else [text.strip()] if text.strip() else []
