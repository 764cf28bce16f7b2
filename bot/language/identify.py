"""Which language a message is written in, with lingua (its models ship inside its wheel: no download).

Why it matters here: the sentence encoder reads English only, so a message in another language
rests on the crisis lexicon, and is answered in its own language where the knowledge has the
words (the crisis response, the "I answer in English" reply). Low-accuracy mode (trigram models
only) is used: about 0.1 ms a message and some 60 MB for thirty languages, against several
hundred MB for the full models; short messages stay uncertain, which the callers treat as
"maybe not English" for the lexicon and as English for the reply.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lingua import IsoCode639_1, LanguageDetector, LanguageDetectorBuilder

ENGLISH = "en"


REPLY_CONFIDENCE = 0.8  # lingua's confidence at which a message is answered as written in another language
SURELY_ENGLISH = 0.9  # lingua's confidence in English above which other languages' phrases are not looked for
ENGLISH_SHARE = 0.5  # share of a message's words the bot knows as English: at least this, and it is English
LEXICON_SHARE = 0.75  # below this share, other languages' strong phrases are looked for however English it reads
FOREIGN_SHARE = 0.25  # below this share (and with FOREIGN_WORDS words), the bot cannot read the message at all
FOREIGN_WORDS = 3
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True)
class Identified:
    """How a message reads: ``code`` its language for the reply ("en" unless clearly another), and
    ``surely_english`` when other languages' crisis phrases need not be looked for."""

    code: str
    confidence: float | None  # lingua's, or None where it was not asked (the words alone made it English)
    surely_english: bool
    english_share: float = 0.0  # of its words, the share the bot knows as English

    def unreadable(self, words: int) -> bool:
        """A message of ``words`` words that is hardly English to the bot, in a language it has no phrases for
        ("Nataka kufa leo, siwezi tena"): nothing the bot has can tell whether it is a crisis."""
        return self.code == ENGLISH and words >= FOREIGN_WORDS and self.english_share < FOREIGN_SHARE

    @property
    def partly_foreign(self) -> bool:
        """Enough words the bot does not know as English that another language's crisis phrase may hide among
        them: "ya no aguanto. me quiero matar" is half English words ("ya", "no", "me") to the bot."""
        return self.english_share < LEXICON_SHARE

    def reads_better(self, coverage: Callable[[], float]) -> bool:
        """Whether a glossary that knows ``coverage()`` of the message's words reads it better than English does:
        "to no telhado do predio agora" (I'm on the building's roof now) is half English words ("to", "no",
        "do") and wholly Portuguese ones, so its gloss is read too. Only a message partly foreign (on some 8,000
        development messages, no English one had a glossary that knew more of it); ``coverage`` is only called
        then, because glossing a message with every glossary costs more than the rest of the lexical step."""
        return self.partly_foreign and coverage() > self.english_share

    @property
    def in_known_english(self) -> bool:
        """Mostly words the bot knows as English: lingua's confidence alone misreads romanised Hindi."""
        return self.english_share >= ENGLISH_SHARE


class LanguageIdentifier:
    """A lingua detector limited to English and the languages the knowledge serves, checked against the
    English words the bot knows: in low-accuracy mode lingua reads short English questions as French or
    Polish now and then ("will my insurance pay for ketamine"), and a bot must not answer those in French."""

    def __init__(self, codes: Iterable[str], english_words: Iterable[str] = ()) -> None:
        known = {ENGLISH, *codes}
        supported = sorted(code for code in known if _iso(code) is not None)
        self.codes = tuple(supported)
        self.english_words = frozenset(word.lower() for word in english_words)
        self._detector = _detector(self.codes)

    def identify(self, text: str) -> Identified:
        words = _WORD.findall(text.lower())
        share = sum(word in self.english_words for word in words) / len(words) if words else 0.0
        if share >= ENGLISH_SHARE:  # English whatever lingua says: most messages, and lingua is a third of a ms
            return Identified(ENGLISH, None, True, share)
        if self._detector is None or not words:
            return Identified(ENGLISH, 0.0, False, share)
        # Lone surrogates (possible in a forged update) are not text lingua accepts: drop them.
        values = self._detector.compute_language_confidence_values(text.encode("utf-8", "ignore").decode("utf-8"))
        if not values:
            return Identified(ENGLISH, 0.0, False, share)
        code, confidence = values[0].language.iso_code_639_1.name.lower(), float(values[0].value)
        surely_english = code == ENGLISH and confidence >= SURELY_ENGLISH
        if code != ENGLISH and confidence < REPLY_CONFIDENCE:
            code = ENGLISH
        return Identified(code, confidence, surely_english, share)


def _iso(code: str) -> IsoCode639_1 | None:
    try:
        return IsoCode639_1.from_str(code)
    except ValueError:  # a language lingua does not know (e.g. Uzbek): its lexicon still runs
        return None


@functools.cache
def _detector(codes: tuple[str, ...]) -> LanguageDetector | None:
    """One detector per set of languages, built once per process (a reload with the same languages reuses it)."""
    isos = [iso for code in codes if (iso := _iso(code)) is not None]
    if len(isos) < 2:
        return None
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*isos)
    return builder.with_low_accuracy_mode().with_preloaded_language_models().build()
