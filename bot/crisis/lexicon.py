"""The multilingual layer: core crisis phrases per language, matched on folded text.

The sentence encoder reads English only, and patterns are written in English, so messages in
other languages rest on these phrases (``languages:`` in knowledge/crisis.yaml): strong phrases,
mentions and context cues (see ``LanguageLexicon``), each compiled to one regular expression once per
knowledge load.

Folding: NFKC, casefold, apostrophes and interchangeable Arabic-script letters unified,
punctuation to spaces; accents dropped on both sides (phrase and message) so "quiero morir" and
"quiero morír" meet, except for languages marked ``marks: keep`` (Vietnamese tones, Devanagari
and Thai vowel signs, Japanese voicing marks carry meaning there). Phrases match whole words; a
trailing ``*`` allows any ending ("suicid*"); languages written without spaces (``words: false``:
Chinese, Japanese, Thai) match as substrings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")
_QUOTE_EDGES = re.compile(r"(?<!\w)'|'(?!\w)")  # a quote around a word ('perdón por todo'), not inside (j'ai)


class _Folding(dict[int, str | None]):
    """What ``fold`` does to each character, worked out the first time it is met, for ``str.translate``.

    Apostrophes become one; Arabic-script letters that keyboards and writers swap freely become one
    (Arabic and Persian/Urdu yeh and kaf, the Urdu heh forms, and teh marbuta, which chat writes as
    heh: "حياه" for "حياة"); punctuation, symbols, control characters and separators become spaces by
    their Unicode category, not by ``\\W``: Python's ``\\w`` does not cover combining marks, and Hindi,
    Bengali or Thai vowel signs turned into spaces made "जीना" (to live) and "जाना" (to go) the same.
    A table rather than a loop over characters: the glossaries fold some 200,000 forms at every load.
    """

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        folded = _LETTERS.get(char, char)
        self[code] = folded = " " if unicodedata.category(folded)[0] in "PSCZ" and folded != "'" else folded
        return folded


_LETTERS = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02bb": "'", "`": "'", "\u064a": "\u06cc",
            "\u0649": "\u06cc", "\u0643": "\u06a9", "\u06c1": "\u0647", "\u06c0": "\u0647", "\u0629": "\u0647"}
_FOLDING = _Folding()


def fold(text: str, *, keep_marks: bool) -> str:
    """Text as lexicon phrases are compared: see the module docstring and ``_Folding``."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not keep_marks and not text.isascii():
        text = strip_marks(text)
    spaced = text.translate(_FOLDING)
    return _SPACES.sub(" ", _QUOTE_EDGES.sub(" ", spaced) if "'" in spaced else spaced).strip()


class _Unmarked(dict[int, str]):
    """Each character without its combining marks, worked out the first time it is met, for ``str.translate``."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFD", chr(code))
        self[code] = bare = unicodedata.normalize("NFC", "".join(c for c in decomposed
                                                                 if unicodedata.category(c) != "Mn"))
        return bare


_UNMARKED = _Unmarked()


def strip_marks(text: str) -> str:
    """``text`` (composed, as NFKC leaves it) without its combining marks: accents, tones, vowel signs
    ("öldü" -> "oldu"). Character by character through a table: the glossaries strip some 150,000 forms."""
    return text if text.isascii() else text.translate(_UNMARKED)


STEM = 5  # letters of a word that must match in a loose phrase ("avalé" ~ "avalés", "somnifères" ~ "somnifère")
GAP = 2  # words that may stand between two words of a loose phrase ("toute [ma] boîte")
MIN_LOOSE_WORDS = 3  # phrases of fewer content words match only exactly
CONTENT_LETTERS = 4  # shorter words ("het", "de", "ma") are left out of a loose phrase: they carry no meaning


@dataclass(frozen=True)
class PhraseSet:
    """A list of phrases, compiled: exactly (the regex) and loosely (their content words in order).

    People rarely type a phrase word for word: "j'ai avalé toute MA boîte" for "j'ai avalé toute LA
    boîte". A phrase of three or more content words (four letters or more) also matches when those
    words appear in order, each by its first five letters, with at most two other words between.
    """

    regex: re.Pattern[str] | None
    loose: tuple[tuple[str, ...], ...] = ()

    def matches(self, text: str) -> bool:
        """Whether the folded ``text`` holds one of the phrases."""
        if self.regex is not None and self.regex.search(text) is not None:
            return True
        if not self.loose:
            return False
        words = [word[:STEM] for word in text.split()]
        present = set(words)
        return any(set(phrase) <= present and _in_order(phrase, words) for phrase in self.loose)


NOTHING = PhraseSet(None)


@dataclass(frozen=True)
class LanguageLexicon:
    """One language's phrases: strong ones, and mentions that a context cue sets aside.

    A strong phrase says a person is at risk now ("quiero suicidarme") and always escalates. A
    mention merely names the subject ("pensamientos suicidas", "自杀"): it escalates unless the
    message also holds a context cue (of any language: ``Lexicon.find``), a sign that it is
    informational, clinical, about the past or about fiction ("ketamina", "tratamiento", "hace
    años"). With no cue the mention escalates: when unsure, the bot escalates.
    """

    code: str
    keep_marks: bool
    strong: PhraseSet
    mentions: PhraseSet = NOTHING
    context: PhraseSet = NOTHING


def compile_phrases(phrases: Sequence[str], *, keep_marks: bool, words: bool) -> PhraseSet:
    """One alternation for all the phrases (longest first, so the reported phrase is the fullest)."""
    if not phrases:
        return NOTHING
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
    return PhraseSet(re.compile("|".join(parts)), loose)


def compile_language(code: str, phrases: Sequence[str], *, keep_marks: bool, words: bool,
                     mentions: Sequence[str] = (), context: Sequence[str] = ()) -> LanguageLexicon:
    """A language's strong phrases, mentions and context cues, each compiled once per knowledge load."""
    return LanguageLexicon(code, keep_marks, compile_phrases(phrases, keep_marks=keep_marks, words=words),
                           compile_phrases(mentions, keep_marks=keep_marks, words=words),
                           compile_phrases(context, keep_marks=keep_marks, words=words))


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
        """The language whose phrases the message holds, trying ``first`` (its detected language) first.

        A strong phrase in any language escalates. A mention escalates unless a context cue of ANY
        language is present: languages share words ("suicidio" is Spanish, Italian and Portuguese;
        "overdose" is everywhere), so a Portuguese question about research must not escalate because
        the Spanish list names the topic and only the Portuguese one knows the question.
        """
        folded = _folded(text)
        ordered = sorted(self.languages, key=lambda lexicon: lexicon.code != first)
        strong = next((lexicon.code for lexicon in ordered if lexicon.strong.matches(folded[lexicon.keep_marks])), None)
        if strong is not None:
            return strong
        mentioned = next((lexicon.code for lexicon in ordered if lexicon.mentions.matches(folded[lexicon.keep_marks])),
                         None)
        if mentioned is None or any(lexicon.context.matches(folded[lexicon.keep_marks]) for lexicon in ordered):
            return None
        return mentioned

    def in_context(self, text: str) -> bool:
        """No strong phrase in any language, and a context cue in one: the message talks about the subject."""
        folded = _folded(text)
        return not any(lexicon.strong.matches(folded[lexicon.keep_marks]) for lexicon in self.languages) \
            and any(lexicon.context.matches(folded[lexicon.keep_marks]) for lexicon in self.languages)


def _folded(text: str) -> dict[bool, str]:
    return {False: fold(text, keep_marks=False), True: fold(text, keep_marks=True)}


EMPTY = Lexicon(())
