"""The loaded knowledge: immutable values the whole core reads from.

Everything is a frozen dataclass of tuples so one loaded version can be shared by
concurrent handlers and swapped atomically on reload without anyone mutating it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from bot.crisis.gloss import NO_GLOSSARIES, Glossaries
from bot.crisis.lexicon import EMPTY, Lexicon
from bot.crisis.thresholds import Thresholds
from bot.language.normalize import normalize

if TYPE_CHECKING:
    from collections.abc import Mapping

    from bot.crisis.rules import DetectionRules
    from bot.knowledge.yamlsource import Problem


@dataclass(frozen=True)
class FaqEntry:
    """One vetted question and answer."""

    id: str
    category: str
    question: str
    phrasings: tuple[str, ...]
    answer: str
    related: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    hotline_footer: bool = False
    source: str = ""  # "path:line" of the entry, for operator reports


@dataclass(frozen=True)
class Intent:
    """A small-talk intent or a boundary topic: phrasings that lead to one fixed reply."""

    id: str
    phrasings: tuple[str, ...]
    reply: str
    source: str = ""


@dataclass(frozen=True)
class Category:
    id: str
    title: str


@dataclass(frozen=True)
class Texts:
    """Fixed bot texts that operators word themselves."""

    start: str
    help: str
    fallback: str
    clarify: str
    non_text: str
    error: str
    unknown_topic: str
    related_heading: str
    nearest: str  # heading of the nearest questions a fallback offers
    unknown_command: str  # the reply to a command the bot does not have (or an admin's, from anyone else)


@dataclass(frozen=True)
class MatchSettings:
    """Matching thresholds, kept in knowledge so operators can tune them without a code change.

    The confidences are the fused confidence (0-1) of ``bot.matching.fusion``; ``min_score`` and
    ``ambiguity_margin`` are lexical scores (0-100), used only when ``lexical_only`` is set.
    """

    min_score: float = 60.0
    ambiguity_margin: float = 4.0
    max_options: int = 3
    synonyms: tuple[tuple[str, ...], ...] = ()
    answer_confidence: float = 0.5
    clarify_margin: float = 0.15
    suggest_confidence: float = 0.2
    boundary_margin: float = 0.2
    smalltalk_probability: float = 0.6
    short_message_confidence: float = 0.8
    function_words_confidence: float = 1.01  # a question of function words only ("who is it for"); >1: never
    gloss_answer_confidence: float = 1.01  # a question in another language, read through its gloss (>1: never)
    lexical_only: bool = False
    other_treatments: tuple[str, ...] = ()  # a message naming one of these and no subject word is not ours
    subject_words: tuple[str, ...] = ()


ENGLISH_ONLY = ("I can only answer questions in English. If you are in crisis or in danger, please call your "
                "local emergency number now.")


@dataclass(frozen=True)
class Source:
    """Where a number or a translation was checked, and when: what a human signs off before launch."""

    what: str
    url: str
    checked: str


@dataclass(frozen=True)
class Region:
    """Emergency and crisis-line contacts for one region."""

    code: str
    name: str
    emergency: str
    lines: tuple[str, ...]
    short: str  # the one-line footer form, e.g. "call or text 988"
    language_codes: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class LanguagePolicy:
    """What the bot knows in one language besides English: crisis phrases, and the replies written in it."""

    code: str
    name: str
    phrases: tuple[str, ...]
    response: str | None = None  # the fixed crisis response, translated
    footer: str | None = None
    english_only: str | None = None  # "I answer in English; if in crisis..." in this language
    region: str | None = None  # the region this language implies, where it implies exactly one
    keep_marks: bool = False
    words: bool = True
    source: Source | None = None
    mentions: tuple[str, ...] = ()  # words that only name the subject: escalate unless a context cue is present
    context: tuple[str, ...] = ()  # cues that a mention is informational, clinical, past or fiction
    danger_now: tuple[str, ...] = ()  # cues of danger now after a past story: the context cues then set nothing aside


@dataclass(frozen=True)
class CrisisPolicy:
    """The crisis knowledge file: the fixed response, hotlines, detection rules and languages."""

    response: str
    footer: str
    sticky_hours: float
    default_region: str
    regions: Mapping[str, Region]
    detection: DetectionRules
    international_region: str = "INTL"
    support: str = ""  # the support tier's reply, with {lines}
    thresholds: Thresholds = field(default_factory=Thresholds)
    languages: Mapping[str, LanguagePolicy] = field(default_factory=dict)
    lexicon: Lexicon = EMPTY
    aliases: Mapping[str, str] = field(default_factory=dict)  # "GB" -> "UK"

    def known_region(self, code: str | None) -> Region | None:
        """The region for a code or its alias ("gb" -> UK), or None: unknown codes are refused, never guessed."""
        wanted = (code or "").upper()
        return self.regions.get(self.aliases.get(wanted, wanted))

    def region(self, code: str | None) -> Region:
        """The region for ``code``, or the default region when none was chosen (or a stored one no longer exists)."""
        return self.known_region(code) or self.regions[self.default_region]

    def region_for_language(self, language_code: str | None) -> str | None:
        """Region implied by a Telegram language code, only where it is unambiguous ("en-gb")."""
        wanted = (language_code or "").lower()
        matches = [r.code for r in self.regions.values() if wanted and wanted in r.language_codes]
        return matches[0] if len(matches) == 1 else None

    def reply_region(self, chosen: str | None, language: str = "en", default: str | None = None) -> Region:
        """Whose numbers a reply gives: the chat's choice; else, for a message in another language, the
        country that language implies or the international lines (never US numbers by accident);
        else ``default`` (DEFAULT_REGION) or the file's default region."""
        if (region := self.known_region(chosen)) is not None:
            return region
        if language != "en":
            implied = self.languages.get(language)
            return self.known_region(implied.region if implied else None) or self.regions[self.international_region]
        return self.known_region(default) or self.regions[self.default_region]

    def lines(self, region: Region, international: bool = False) -> str:
        """The region's lines as bullets, with the international directory when asked for."""
        lines = list(region.lines)
        directory = self.regions.get(self.international_region)
        if international and directory is not None and region is not directory:
            lines.extend(directory.lines)
        return "\n".join(f"• {line}" for line in lines)

    def crisis_text(self, chosen: str | None, language: str = "en", default: str | None = None) -> str:
        """The fixed escalation, in ``language`` where this file has it, else in English.

        The international directory is added for another language, and when the chat's stored
        region no longer exists here (it falls back to the default region, never an error).
        """
        region = self.reply_region(chosen, language, default)
        lost = chosen is not None and self.known_region(chosen) is None
        translated = self.languages.get(language)
        template = translated.response if translated and translated.response else self.response
        return template.format(emergency=region.emergency, lines=self.lines(region, language != "en" or lost)).strip()

    def support_text(self, chosen: str | None, default: str | None = None) -> str:
        region = self.reply_region(chosen, "en", default)
        return self.support.format(lines=self.lines(region, chosen is not None and region.code != chosen)).strip()

    def english_only_text(self, language: str) -> str:
        """For a message in a language the bot cannot answer: that it answers in English, and the lines."""
        translated = self.languages.get(language)
        text = translated.english_only if translated and translated.english_only else ENGLISH_ONLY
        return f"{text}\n{self.lines(self.reply_region(None, language), international=True)}".strip()


@dataclass(frozen=True)
class CrisisExamples:
    """``knowledge/crisis_examples.yaml``: what the semantic crisis detector learns from."""

    crisis: tuple[tuple[str, str], ...] = ()  # (text, category)
    calm: tuple[tuple[str, str], ...] = ()  # (text, kind of hard negative)
    # crisis_examples_other_languages.yaml: (text, language, category or kind, whether it is a crisis),
    # learned from through their English gloss, as messages in those languages are read
    other_languages: tuple[tuple[str, str, str, bool], ...] = ()


@dataclass(frozen=True)
class CrisisCheck:
    """A line of ``knowledge/crisis_checks.yaml``: a message whose crisis decision no edit may change.

    The semantic crisis layer is trained from the knowledge, the FAQ's texts included, and crisis.yaml holds its
    rules: an edit far from crisis, or a slip in a rule, can change what it escalates (``bot.runtime.checks``)."""

    text: str
    escalate: bool  # True: it must get the crisis reply; False: it must not
    path: str
    line: int


@dataclass(frozen=True)
class Knowledge:
    """One consistent version of everything the bot knows."""

    entries: tuple[FaqEntry, ...]
    smalltalk: tuple[Intent, ...]
    boundaries: tuple[Intent, ...]
    categories: tuple[Category, ...]
    texts: Texts
    matching: MatchSettings
    crisis: CrisisPolicy
    version: str
    out_of_scope: tuple[str, ...] = ()  # messages the FAQ must not answer: the classifier's "other" class
    # Those of them near the FAQ's subject (other treatments for the same conditions, ketamine outside therapy):
    # not among the crisis classifier's calm texts (``bot.knowledge.training`` says why)
    near_subject: frozenset[str] = frozenset()
    crisis_examples: CrisisExamples = CrisisExamples()
    glossaries: Glossaries = NO_GLOSSARIES  # other languages in English words, for the semantic crisis layer
    warnings: tuple[Problem, ...] = ()  # what the loader saw in the text that loads but is likely a slip
    crisis_checks: tuple[CrisisCheck, ...] = ()  # what every version must still escalate, or not
    by_id: Mapping[str, FaqEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", MappingProxyType({e.id: e for e in self.entries}))

    def in_category(self, category: str) -> tuple[FaqEntry, ...]:
        return tuple(e for e in self.entries if e.category == category)

    def word_counts(self) -> Counter[str]:
        """How often the knowledge's English texts use each word: with the function words, what makes a message
        English to the language identifier; ranked, the speller's first choices."""
        texts = [text for entry in self.entries for text in (entry.question, *entry.phrasings, entry.answer)]
        texts += [text for intent in (*self.smalltalk, *self.boundaries) for text in (*intent.phrasings,)]
        texts += self.off_subject()  # "wieght", "realy"
        texts += self.matching.other_treatments  # "st john's wort" is no typo of "work"
        return Counter(word for text in texts for word in normalize(text).split())

    def off_subject(self) -> tuple[str, ...]:
        """The out-of-scope examples not near the FAQ's subject: those the crisis classifier learns as calm and
        whose words the speller and the language identifier learn (``near_subject`` says why the others not)."""
        return tuple(text for text in self.out_of_scope if text not in self.near_subject)
