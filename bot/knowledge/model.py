"""The loaded knowledge: immutable values the whole core reads from.

Everything is a frozen dataclass of tuples so one loaded version can be shared by
concurrent handlers and swapped atomically on reload without anyone mutating it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

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
    lexical_only: bool = False


@dataclass(frozen=True)
class Region:
    """Emergency and crisis-line contacts for one region."""

    code: str
    name: str
    emergency: str
    lines: tuple[str, ...]
    short: str  # the one-line footer form, e.g. "call or text 988"
    language_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrisisPolicy:
    """The crisis knowledge file: the fixed response, hotlines, and detection rules."""

    response: str
    footer: str
    sticky_hours: float
    default_region: str
    regions: Mapping[str, Region]
    detection: DetectionRules
    international_region: str = "INTL"

    def region(self, code: str | None) -> Region:
        """The region for ``code``, falling back to the configured default."""
        return self.regions.get((code or "").upper()) or self.regions[self.default_region]

    def region_for_language(self, language_code: str | None) -> str | None:
        """Region implied by a Telegram language code, only where it is unambiguous ("en-gb")."""
        wanted = (language_code or "").lower()
        matches = [r.code for r in self.regions.values() if wanted and wanted in r.language_codes]
        return matches[0] if len(matches) == 1 else None


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
    warnings: tuple[Problem, ...] = ()  # what the loader saw in the text that loads but is likely a slip
    by_id: Mapping[str, FaqEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", MappingProxyType({e.id: e for e in self.entries}))

    def in_category(self, category: str) -> tuple[FaqEntry, ...]:
        return tuple(e for e in self.entries if e.category == category)
