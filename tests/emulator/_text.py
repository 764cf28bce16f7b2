"""Text helpers: Telegram measures entity offsets and lengths in UTF-16 code units."""

from __future__ import annotations

import re
from typing import Any


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of every Telegram entity offset/length."""
    return len(text.encode("utf-16-le")) // 2


# Commands and mentions as Telegram clients detect them: a command starts at a word boundary
# (start of text or after whitespace); a mention's "@" must not be glued to a word (that is how
# "/start@bot" stays a single bot_command instead of also producing a mention).
_DETECTORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bot_command", re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])")),
    ("mention", re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{3,32}(?![\w@])")),
    ("hashtag", re.compile(r"(?<![\w#])#(?!\d+\b)\w+")),
    ("url", re.compile(r"(?<![\w@/])https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")),
)


def detect_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram attaches to a user's plain text (commands, mentions, hashtags, URLs).

    Bots rely on these: PTB's ``CommandHandler`` looks for a ``bot_command`` entity at offset 0 and
    ``filters.Entity("mention")`` for mentions, so a fake update without them would not route.
    """
    entities = [
        _entity(kind, text, match.start(), match.end())
        for kind, pattern in _DETECTORS
        for match in pattern.finditer(text)
    ]
    return sorted(entities, key=lambda entity: (entity["offset"], -entity["length"]))


def _entity(kind: str, text: str, start: int, end: int) -> dict[str, Any]:
    """One entity with UTF-16 offsets for the code-point span ``[start, end)`` of ``text``."""
    return {"type": kind, "offset": utf16_len(text[:start]), "length": utf16_len(text[start:end])}
