"""The multilingual layer: core crisis phrases per language, matched on folded text.

The sentence encoder reads English only, and patterns are written in English, so messages in other languages rest
on these phrases (``languages:`` in knowledge/crisis.yaml): strong phrases, mentions and context cues (see
``LanguageLexicon``), each indexed once per knowledge load.

Folding: NFKC, casefold, apostrophes and interchangeable Arabic-script letters unified, punctuation to spaces;
accents dropped on both sides (phrase and message) so "quiero morir" and "quiero morír" meet, except for languages
marked ``marks: keep`` (Vietnamese tones, Devanagari and Thai vowel signs, Japanese voicing marks carry meaning
there). Phrases match whole words; a trailing ``*`` allows any ending ("suicid*"); languages written without spaces
(``words: false``: Chinese, Japanese, Thai) match as substrings, and Korean, whose spaces chat often leaves out,
also with them left out (``SPACES_OPTIONAL``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from bot.crisis.clitics import conjunctions_apart
from bot.crisis.spelt import spelt_together

# Languages written a syllable per word: there, content words in order with others between are not the phrase
# ("mình mệt muốn chết", I'm tired to death, is not "mình muốn chết", I want to die), so phrases match only as written.
SYLLABLE_WORDS = frozenset({"vi"})
SPACES_OPTIONAL = frozenset({"ko"})  # written with spaces chat leaves out: "숨을쉴수가없어" for "숨을 쉴 수가 없어"
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w")
_WORD_STARTS = re.compile(r"(?<!\w)(?=.)", re.DOTALL)  # every place not right after a letter of a word
_QUOTE_EDGES = re.compile(r"(?<!\w)'|'(?!\w)")  # a quote around a word ('perdón por todo'), not inside (j'ai)
# French texting clips "je" before a consonant: "jveux", "j'veux", "jsuis" for "je veux", "je suis".
_CLIPPED_JE = re.compile(r"(?<!\w)j'?(?=[bcdfghklmnpqrstvwxz]\w)")


class _Folding(dict[int, str | None]):
    """What ``fold`` does to each character, worked out the first time it is met, for ``str.translate``.

    Apostrophes become one; Arabic-script letters that keyboards and writers swap freely become one
    (Arabic and Persian/Urdu yeh and kaf, the Urdu heh forms, and teh marbuta, which chat writes as
    heh: "حياه" for "حياة"); the nukta of Devanagari, Bengali and Gurmukhi goes, since keyboards and writers
    leave it out as freely ("खतरा" for "ख़तरा", danger: NFKC keeps it apart from its letter); punctuation,
    symbols, control characters and separators become spaces by their Unicode category, not by ``\\W``:
    Python's ``\\w`` does not cover combining marks, and Hindi, Bengali or Thai vowel signs turned into spaces
    made "जीना" (to live) and "जाना" (to go) the same.
    A table rather than a loop over characters: the glossaries fold some 200,000 forms at every load.
    """

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        folded = _LETTERS.get(char, char)
        self[code] = folded = " " if folded and unicodedata.category(folded)[0] in "PSCZ" and folded != "'" else folded
        return folded


_LETTERS = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02bb": "'", "`": "'", "\u064a": "\u06cc",
            "\u0649": "\u06cc", "\u0643": "\u06a9", "\u06c1": "\u0647", "\u06c0": "\u0647", "\u0629": "\u0647",
            "\u093c": "", "\u09bc": "", "\u0a3c": ""}
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
# Scripts written without spaces: a phrase of at least GAPPED_MIN characters also matches with up to
# CHAR_GAP other characters put in at one point, or standing for one of its characters, as long as at
# least ANCHOR characters stay on each side ("我是个累赘" ~ "我是家里的累赘": "个" became "家里的").
GAPPED_MIN = 4
HEAD = 3  # letters of a phrase's beginning that index it (a shorter phrase: all of it)
CHAR_GAP = 3
ANCHOR = 2


@dataclass(frozen=True)
class PhraseSet:
    """A list of phrases, compiled: exactly (``exact``) and loosely (their content words in order, or in
    scripts without spaces, their characters with a few others put in: ``gapped``).

    People rarely type a phrase word for word: "j'ai avalé toute MA boîte" for "j'ai avalé toute LA boîte". A
    phrase of three or more content words (four letters or more) also matches when those words appear in order,
    each by its first five letters, with at most two other words between. Not in ``SYLLABLE_WORDS`` languages,
    where a word is a syllable. Chinese and Japanese have no words to count, so there a phrase of four or more
    letters also matches with up to three characters added or swapped at one point ("我是个累赘", I am a burden,
    also in "我是家里的累赘", I am the family's burden). Thai phrases with vowel or tone marks (most of them) are
    left out (``_gapped``): a mark is not a letter, and a gap could split a letter from its mark.

    Exact phrases are indexed by their first ``HEAD`` letters, not compiled to a regex: each list was one
    regex (a trie) of up to 17,000 characters, and compiling the 101 of them took half a second of every
    start; an index is built in a tenth of that and looked up only at the heads the message has. Loose
    phrases are indexed by their first word's stem: trying each of some thousands on every message was
    most of the lexicon's 0.8 ms on a message in another language (0.2 ms indexed).
    """

    exact: Mapping[str, tuple[tuple[str, bool], ...]] = field(default_factory=dict)  # HEAD letters -> (phrase, open)
    words: bool = True  # phrases are whole words (else substrings: scripts written without spaces)
    loose: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)  # by the first word's stem
    gapped: GappedPhrases | None = None

    def matches(self, text: FoldedText) -> bool:
        """Whether the folded message holds one of the phrases."""
        if self.exact and self._exactly(text):
            return True
        if self.gapped is not None and self.gapped.search(text.text):
            return True
        if not self.loose:
            return False
        words, present = text.stems
        return any(present.issuperset(phrase) and _in_order(phrase, words)
                   for first in self.loose.keys() & present for phrase in self.loose[first])

    def _exactly(self, text: FoldedText) -> bool:
        """A phrase as written, at a word's start (anywhere, without words), ending at a word's end unless open."""
        heads = text.word_heads if self.words else text.all_heads
        written = text.text
        for head in self.exact.keys() & heads.keys():  # a set operation over the smaller side, in C
            for phrase, open_end in self.exact[head]:
                for start in heads[head]:
                    if written.startswith(phrase, start) \
                            and (open_end or not self.words or not _WORD.match(written, start + len(phrase))):
                        return True
        return False


@dataclass(frozen=True)
class FoldedText:
    """A message folded as the phrases are (``fold``), with the heads phrases are looked up by: read once
    for all of a message's phrase lists, not once per list."""

    text: str

    @cached_property
    def word_heads(self) -> dict[str, list[int]]:
        """The first 1 to ``HEAD`` letters at each place a word may start (not after a word letter)."""
        return _heads(self.text, [m.start() for m in _WORD_STARTS.finditer(self.text)])

    @cached_property
    def unspaced(self) -> FoldedText:  # for ``LanguageLexicon.unspaced``
        return FoldedText(self.text.replace(" ", ""))

    @cached_property
    def stems(self) -> tuple[list[str], set[str]]:
        """The first ``STEM`` letters of each word, in order and as a set: what loose phrases are matched on."""
        words = [word[:STEM] for word in self.text.split()]
        return words, set(words)

    @cached_property
    def all_heads(self) -> dict[str, list[int]]:
        """The first 1 to ``HEAD`` letters at every place: scripts without spaces match anywhere."""
        return _heads(self.text, range(len(self.text)))


def _heads(text: str, starts: Iterable[int]) -> dict[str, list[int]]:
    heads: dict[str, list[int]] = {}
    for start in starts:
        for size in range(1, min(HEAD, len(text) - start) + 1):
            heads.setdefault(text[start:start + size], []).append(start)
    return heads


NOTHING = PhraseSet()


@dataclass(frozen=True)
class LanguageLexicon:
    """One language's phrases: strong ones, and mentions that a context cue sets aside.

    A strong phrase says a person is at risk now ("quiero suicidarme") and always escalates. A mention merely names
    the subject ("pensamientos suicidas", "自杀"): it escalates unless the message also holds a context cue (of any
    language: ``Lexicon.find``), a sign that it is informational, clinical, about the past or about fiction
    ("ketamina", "tratamiento", "hace años"). With no cue the mention escalates: when unsure, the bot escalates.

    A danger-now cue ("volvió todo", "esta vez", "сейчас всё вернулось") says a past story has come back to the
    present: with one, the context cues set nothing aside. "Hace tres años intenté matarme" is a past story; "...
    pero volvió todo y esta vez no voy a fallar" is a crisis now.
    """

    code: str
    keep_marks: bool
    strong: PhraseSet
    mentions: PhraseSet = NOTHING
    context: PhraseSet = NOTHING
    danger_now: PhraseSet = NOTHING
    unspaced: PhraseSet = NOTHING  # strong phrases of several words, written together (``SPACES_OPTIONAL``)

    def holds_strong(self, folded: FoldedText) -> bool:
        """A strong phrase, or one of several words also with the message's spaces left out (never one word so:
        "자 살 좀 빼자", let's lose some weight, is no 자살)."""
        return self.strong.matches(folded) or (self.unspaced is not NOTHING and self.unspaced.matches(folded.unspaced))


def compile_phrases(phrases: Sequence[str], *, keep_marks: bool, words: bool, loose_words: bool = True) -> PhraseSet:
    """The phrases folded, indexed by their first ``HEAD`` letters (see ``PhraseSet``); ``loose_words``: also
    in order with other words between (not for ``SYLLABLE_WORDS`` languages)."""
    if not phrases:
        return NOTHING
    folded = {phrase: unclipped(fold(phrase.rstrip("*"), keep_marks=keep_marks)) for phrase in phrases}  # once
    exact: dict[str, list[tuple[str, bool]]] = {}
    for stem, open_end in sorted({(stem, phrase.endswith("*")) for phrase, stem in folded.items() if stem}):
        exact.setdefault(stem[:HEAD], []).append((stem, open_end))
    loose: dict[str, list[tuple[str, ...]]] = {}
    for stem in folded.values():
        stems = tuple(w[:STEM] for w in stem.split() if len(w) >= CONTENT_LETTERS)
        if words and loose_words and len(stems) >= MIN_LOOSE_WORDS:
            loose.setdefault(stems[0], []).append(stems)
    gapped = None if words else _gapped(set(folded.values()))
    return PhraseSet({head: tuple(found) for head, found in exact.items()}, words,
                     {first: tuple(found) for first, found in loose.items()}, gapped)


@dataclass(frozen=True)
class GappedPhrases:
    """Phrases of a script without spaces, each split into a head and a tail with a gap between them: every
    way to split a phrase with ``ANCHOR`` characters or more on each side, the gap holding up to ``CHAR_GAP``
    characters added between two of its characters, or in place of one. The gap never holds a space
    (punctuation folds to one), so it stays within a clause.

    Indexed by the heads' first characters rather than compiled to one regex: thousands of alternatives
    tried at every position of a long message took some 50 ms; a lookup per position takes microseconds.
    """

    by_start: dict[str, tuple[tuple[str, str, int], ...]]  # first ANCHOR characters -> (head, tail, fewest gap)

    def search(self, text: str) -> bool:
        """Whether ``text`` holds one of the phrases with a gap."""
        for position in range(len(text) - 2 * ANCHOR + 1):
            for head, tail, fewest in self.by_start.get(text[position:position + ANCHOR], ()):
                if not text.startswith(head, position):
                    continue
                start = position + len(head)
                found = text.find(tail, start + fewest, start + CHAR_GAP + len(tail))
                if found >= 0 and " " not in text[start:found]:
                    return True
        return False


def _gapped(phrases: set[str]) -> GappedPhrases | None:
    """The ``GappedPhrases`` of phrases of at least ``GAPPED_MIN`` letters, none of them ASCII (none: no such
    phrase). Latin words in these lists ("overdose", "kms") are words, matched as written; a phrase with
    a combining mark (Thai vowels and tones) is not all letters and is left out too."""
    splits: dict[str, set[tuple[str, str, int]]] = {}
    for phrase in phrases:
        if len(phrase) < GAPPED_MIN or not phrase.isalpha() or phrase.isascii():
            continue
        for cut in range(ANCHOR, len(phrase) - ANCHOR + 1):
            head = phrase[:cut]
            found = splits.setdefault(head[:ANCHOR], set())
            found.add((head, phrase[cut:], 1))
            if len(phrase) - cut - 1 >= ANCHOR:
                found.add((head, phrase[cut + 1:], 0))
    return GappedPhrases({start: tuple(sorted(found)) for start, found in splits.items()}) if splits else None


def compile_language(code: str, phrases: Sequence[str], *, keep_marks: bool, words: bool,
                     mentions: Sequence[str] = (), context: Sequence[str] = (),
                     danger_now: Sequence[str] = ()) -> LanguageLexicon:
    """A language's strong phrases (with a word chat writes by its initials so written: ``initialled``), mentions,
    context and danger-now cues (with their Latin spellings where people type the language in Latin letters:
    ``romanised``), each compiled once per knowledge load."""
    def compiled(listed: Sequence[str]) -> PhraseSet:
        return compile_phrases([*listed, *romanised(code, listed)], keep_marks=keep_marks, words=words,
                               loose_words=code not in SYLLABLE_WORDS)

    strong = [*phrases, *initialled(code, phrases), *spoken(code, phrases)]
    together = [phrase.replace(" ", "") for phrase in strong if " " in phrase.strip() and code in SPACES_OPTIONAL]
    return LanguageLexicon(code, keep_marks, compiled(strong), compiled(mentions), compiled(context),
                           compiled(danger_now), compile_phrases(together, keep_marks=keep_marks, words=False))


# Cyrillic letters as chat writes them in Latin, two ways: (common chat, formal). Russian and Ukrainian
# speakers often type in Latin letters ("ne hochu zhit" for "не хочу жить"); a phrase list in Cyrillic
# alone missed every such message. Only these two: Arabic, Persian or Hindi written in Latin letters
# leave out vowels the script leaves out too, so no table can spell them; their lists name such
# spellings directly ("3ayez amot", "mikham bemiram", "marna chahta").
_CYRILLIC = {  # language: (its letters, each letter's Latin spelling in common chat, and in formal use; "-": none)
    "ru": ("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
           "a b v g d e e zh z i y k l m n o p r s t u f h ts ch sh sch - y - e yu ya",
           "a b v g d e e zh z i i k l m n o p r s t u f kh c ch sh shch - y - e yu ya"),
    "uk": ("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'",
           "a b v h g d e ye zh z y i yi y k l m n o p r s t u f kh ts ch sh shch - yu ya -",
           "a b v h g d e ie zh z y i i i k l m n o p r s t u f h ts ch sh sch - iu ia -"),
}
# Shorter phrases, and single words, in Latin letters could be words of other languages ("суицид" -> "suicid").
ROMANISED_MIN_LETTERS = 6


def romanised(code: str, phrases: Sequence[str]) -> list[str]:
    """The phrases of language ``code`` spelt in Latin letters both ways of ``_CYRILLIC`` (none for other
    languages); phrases with a letter the table lacks, or too short to be safe (one word, or fewer than
    ``ROMANISED_MIN_LETTERS`` letters), are left out."""
    if code not in _CYRILLIC:
        return []
    letters, *ways = _CYRILLIC[code]
    tables = [dict(zip(letters, way.replace("-", "").split(" "), strict=True)) for way in ways]
    spelt = []
    for phrase in phrases:
        stem = phrase.rstrip("*").casefold()
        written = [char for char in stem if not char.isspace()]
        if len(written) < ROMANISED_MIN_LETTERS or len(stem.split()) < 2 \
                or any(char not in letters for char in written):
            continue
        spelt += ["".join(table.get(char, char) for char in stem) + phrase[len(phrase.rstrip("*")):]
                  for table in tables]
    return spelt


# Words chat writes by their initial consonants, to dodge filters or out of habit: Korean "ㅈㅅ" for 자살
# (suicide), as English writes "kms" or "sewer slide". Only inside a strong phrase: alone, "ㅈㅅ" is as often
# 죄송 (sorry).
_INITIALS: Mapping[str, Mapping[str, str]] = {"ko": {"자살": "ㅈㅅ"}}


def initialled(code: str, phrases: Sequence[str]) -> list[str]:
    """The phrases of language ``code`` of two or more words or syllables after the word, with a word of
    ``_INITIALS`` written as its initials ("자살 생각밖에" as "ㅈㅅ 생각밖에"); none for other languages."""
    spelt = []
    for word, initials in _INITIALS.get(code, {}).items():
        spelt += [phrase.replace(word, initials) for phrase in phrases
                  if word in phrase and len(phrase.rstrip("*").replace(word, "").strip()) >= 2]
    return spelt


# Particles speech and chat leave out: Japanese drops the object marker を ("ロープ買ってきた" for
# "ロープを買ってきた", I bought a rope), so a phrase written with it missed the way people type it.
_DROPPED: Mapping[str, str] = {"ja": "を"}


def spoken(code: str, phrases: Sequence[str]) -> list[str]:
    """The phrases of language ``code`` that hold a particle of ``_DROPPED``, without it; none for other languages."""
    particle = _DROPPED.get(code)
    return [phrase.replace(particle, "") for phrase in phrases if particle in phrase] if particle else []


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

    def find(self, text: str, first: str | None = None, *, mentions: bool = True) -> str | None:
        """The language whose phrases the message holds, trying ``first`` (its detected language) first;
        strong phrases only unless ``mentions``.

        A strong phrase in any language escalates. A mention escalates unless a context cue of ANY
        language is present, and no danger-now cue: languages share words ("suicidio" is Spanish, Italian
        and Portuguese; "overdose" is everywhere), so a Portuguese question about research must not
        escalate because the Spanish list names the topic and only the Portuguese one knows the question.
        """
        found = self._find(text, first, mentions, text)
        for read_again in (spelt_together, conjunctions_apart):
            # second readings, made only while no phrase is found: they can only add words; the context and
            # danger-now cues are read as written, since a reading could hide them
            if found is not None:
                break
            if (reading := read_again(text)) != text:
                found = self._find(reading, first, mentions, text)
        return found

    def _find(self, text: str, first: str | None, mentions: bool, cues_in: str) -> str | None:
        folded = _folded(text)
        ordered = sorted(self.languages, key=lambda lexicon: lexicon.code != first)
        strong = next((lexicon.code for lexicon in ordered if lexicon.holds_strong(folded[lexicon.keep_marks])), None)
        if strong is not None or not mentions:
            return strong
        mentioned = next((lexicon.code for lexicon in ordered if lexicon.mentions.matches(folded[lexicon.keep_marks])),
                         None)
        if mentioned is None or self._set_aside(_folded(cues_in)):
            return None
        return mentioned

    def in_context(self, text: str) -> bool:
        """No strong phrase in any language, a context cue in one and no danger-now cue in any: the message
        talks about the subject, or tells a story that has not come back."""
        folded = _folded(text)
        return not any(lexicon.holds_strong(folded[lexicon.keep_marks]) for lexicon in self.languages) \
            and self._set_aside(folded)

    def danger_now(self, text: str) -> bool:
        """Whether a danger-now cue of any language is present (a past story that has come back)."""
        folded = _folded(text)
        return any(lexicon.danger_now.matches(folded[lexicon.keep_marks]) for lexicon in self.languages)

    def _set_aside(self, folded: dict[bool, FoldedText]) -> bool:
        """A context cue in some language and a danger-now cue in none."""
        return any(lexicon.context.matches(folded[lexicon.keep_marks]) for lexicon in self.languages) \
            and not any(lexicon.danger_now.matches(folded[lexicon.keep_marks]) for lexicon in self.languages)


@lru_cache(maxsize=4)
def _folded(text: str) -> dict[bool, FoldedText]:
    """The message folded both ways; cached because one message is read by ``find``, ``in_context`` and
    ``danger_now`` in turn (and its folds are never changed, only read)."""
    return {False: FoldedText(unclipped(fold(text, keep_marks=False))),
            True: FoldedText(unclipped(fold(text, keep_marks=True)))}


def unclipped(folded: str) -> str:
    """Folded text with a clipped French "je" written out ("jveux plus vivre" as "je veux plus vivre"), on both
    sides, phrase and message: the phrases are written with "je", or without it ("veux plus vivre"), and
    people type "jveux". Only here, not in ``fold``: the glossaries read Czech "jsem" as one word."""
    return _CLIPPED_JE.sub("je ", folded) if "j" in folded else folded


EMPTY = Lexicon(())
