"""Recognising small talk: greetings, thanks, goodbyes, "are you a bot".

Small talk is made of the very words the FAQ matcher ignores ("who are you" is all
stop words), so it gets its own matcher: the whole message must closely resemble a
small-talk phrasing. "hi, how much does it cost" is not small talk; the FAQ answers it.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.knowledge.model import Intent
from bot.language.normalize import normalize

SIMILARITY_CUTOFF = 86  # whole-message similarity (0-100) a greeting must reach


class SmallTalkIndex:
    """Normalised small-talk phrasings, built once per knowledge version."""

    def __init__(self, intents: tuple[Intent, ...]) -> None:
        self._phrasings: list[str] = []
        self._owners: list[Intent] = []
        for intent in intents:
            for phrasing in intent.phrasings:
                self._phrasings.append(normalize(phrasing))
                self._owners.append(intent)

    def match(self, normalized: str) -> Intent | None:
        """The intent whose phrasing the message closely resembles, if any."""
        if not self._phrasings or len(normalized) > 60:
            return None
        found = process.extractOne(normalized, self._phrasings, scorer=fuzz.ratio,
                                   score_cutoff=SIMILARITY_CUTOFF)
        return self._owners[found[2]] if found else None
