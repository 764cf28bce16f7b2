"""The multilingual layer: core crisis phrases per language, matched on folded text.

The sentence encoder reads English only, and patterns are written in English, so messages in
other languages rest on these phrases (``languages:`` in knowledge/crisis.yaml). Each language
compiles to one regular expression, once per knowledge load.

Folding: NFKC, casefold, apostrophes unified, punctuation to spaces; accents dropped on both
sides (phrase and message) so "quiero morir" and "quiero morír" meet, except for languages
marked ``marks: keep`` (Vietnamese tones, Devanagari and Thai vowel signs, Japanese voicing
marks carry meaning there). Phrases match whole words; a trailing ``*`` allows any ending
("suicid*"); languages written without spaces (``words: false``: Chinese, Japanese, Thai)
match as substrings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02bb": "'", "`": "'"})
_SPACES = re.compile(r"\s+")


def fold(text: str, *, keep_marks: bool) -> str:
    """Text as lexicon phrases are compared: see the module docstring.

    Punctuation, symbols and control characters become spaces by their Unicode category, not by
    ``\\W``: Python's ``\\w`` does not cover combining marks, and Hindi, Bengali or Thai vowel signs
    turned into spaces made "जीना" (to live) and "जाना" (to go) the same consonants.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    if not keep_marks:
        decomposed = unicodedata.normalize("NFD", text)
        text = unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))
    spaced = "".join(" " if unicodedata.category(c)[0] in "PSCZ" and c != "'" else c for c in text)
    return _SPACES.sub(" ", spaced).strip()


STEM = 5  # letters of a word that must match in a loose phrase ("avalé" ~ "avalés", "somnifères" ~ "somnifère")
GAP = 2  # words that may stand between two words of a loose phrase ("toute [ma] boîte")
MIN_LOOSE_WORDS = 3  # phrases of fewer content words match only exactly
CONTENT_LETTERS = 4  # shorter words ("het", "de", "ma") are left out of a loose phrase: they carry no meaning


@dataclass(frozen=True)
class LanguageLexicon:
    """One language's phrases, compiled: exactly (the regex) and loosely (their content words in order).

    People rarely type a phrase word for word: "j'ai avalé toute MA boîte" for "j'ai avalé toute LA
    boîte". A phrase of three or more content words (four letters or more) also matches when those
    words appear in order, each by its first five letters, with at most two other words between.
    """

    code: str
    keep_marks: bool
    regex: re.Pattern[str]
    phrases: tuple[str, ...]
    loose: tuple[tuple[str, ...], ...] = ()

    def matches(self, folded: Mapping[bool, str]) -> bool:
        """Whether the message (``folded[keep_marks]``) holds one of the phrases."""
        text = folded[self.keep_marks]
        if self.regex.search(text) is not None:
            return True
        if not self.loose:
            return False
        words = [word[:STEM] for word in text.split()]
        present = set(words)
        return any(set(phrase) <= present and _in_order(phrase, words) for phrase in self.loose)


def compile_language(code: str, phrases: Sequence[str], *, keep_marks: bool, words: bool) -> LanguageLexicon:
    """One alternation for all of a language's phrases (longest first, so the reported phrase is the fullest)."""
    parts = []
    for phrase in sorted({fold(p.rstrip("*"), keep_marks=keep_marks) + ("*" if p.endswith("*") else "")
                          for p in phrases}, key=len, reverse=True):
        stem, open_end = phrase.rstrip("*"), phrase.endswith("*")
        body = r"\s+".join(re.escape(word) for word in stem.split())
        if words:
            parts.append(rf"(?<!\w){body}" + (r"\w*" if open_end else r"(?!\w)"))
        else:
            parts.append(body)
    loose = tuple(stems for phrase in phrases if words
                  and len(stems := tuple(w[:STEM] for w in fold(phrase.rstrip("*"), keep_marks=keep_marks).split()
                                         if len(w) >= CONTENT_LETTERS)) >= MIN_LOOSE_WORDS)
    return LanguageLexicon(code, keep_marks, re.compile("|".join(parts)), tuple(phrases), loose)


def _in_order(phrase: tuple[str, ...], words: list[str]) -> bool:
    """The phrase's stems appear in ``words`` in order, with at most GAP other words between neighbours."""
    for start, word in enumerate(words):
        if word != phrase[0]:
            continue
        position = start
        for stem in phrase[1:]:
            following = words[position + 1: position + 2 + GAP]
            if stem not in following:
                break
            position += 1 + following.index(stem)
        else:
            return True
    return False


@dataclass(frozen=True)
class Lexicon:
    """Every language's phrases."""

    languages: tuple[LanguageLexicon, ...]

    def find(self, text: str, first: str | None = None) -> str | None:
        """The language whose phrases the message holds, trying ``first`` (its detected language) first."""
        folded = {False: fold(text, keep_marks=False), True: fold(text, keep_marks=True)}
        ordered = sorted(self.languages, key=lambda lexicon: lexicon.code != first)
        return next((lexicon.code for lexicon in ordered if lexicon.matches(folded)), None)


EMPTY = Lexicon(())
