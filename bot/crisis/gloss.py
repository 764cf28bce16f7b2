"""Word-by-word English glosses of other languages, so the English-only meaning layer can read them.

The sentence encoder reads English, and phrase lists only catch the sentences someone wrote
down: "tengo guardadas las pastillas y hoy me las tomo todas" holds no listed phrase, yet its
words say it all. A glossary (``knowledge/glossary/<code>.yaml``) maps each language's words
and idioms, in the forms people type, to plain English; the gloss of a message keeps the word
order, replaces every known word or phrase by its English and drops the rest ("have saved the
pills and today me them take all"). The semantic classifier, trained on English examples,
then reads the gloss as it reads English (``bot.crisis.screen``): one learned model for every
language, instead of one phrase list per language that can only grow sentence by sentence.

Matching, on text folded as the lexicon folds it (``bot.crisis.lexicon.fold``):

* languages written with spaces: the longest listed phrase at each word; else the word itself;
  else a form written with a trailing ``*`` that begins it; else, for a word of
  ``INFLECTED_LETTERS`` letters or more, a form it extends by at most ``EXTRA_LETTERS`` letters
  (inflections: "pastillas" from "pastilla", "tabletkami" from "tabletk(a)"): a step the
  glossary's writer need not spell out for every ending;
* languages written without spaces (Chinese, Japanese, Thai): the longest form that starts at
  each character; characters no form starts at are dropped.

Which glossary reads a message: the one that covers most of its words (language identification
is unsure on short messages, and a gloss is only useful where it knows the words), the
identified language first on a tie.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from bot.crisis.lexicon import fold, strip_marks

INFLECTED_LETTERS = 6  # a word at least this long may be an inflection of a shorter form ...
EXTRA_LETTERS = 3  # ... adding at most this many letters to it
MIN_STEM = 4  # the shortest form an inflection may extend, and the shortest ``*`` prefix
_SEPARATOR = b"\x00"  # between stored forms: folding turns control characters into spaces, so no form holds one
_SENTENCE_END = re.compile("[.!?;\n\u3002\uff01\uff1f\u061f\u0964]+")  # also CJK, Arabic and Devanagari stops


@dataclass(frozen=True)
class Folded:
    """A sentence folded once for every glossary: its words with their accents, and without, as text and as
    the UTF-8 the glossaries are keyed by (encoded here once, not at every glossary's every lookup)."""

    kept: tuple[str, ...]
    bare: tuple[str, ...]
    kept_utf8: tuple[bytes, ...]
    bare_utf8: tuple[bytes, ...]

    @classmethod
    def of(cls, sentence: str) -> Folded:
        kept = tuple(fold(sentence, keep_marks=True).split())
        bare = tuple(strip_marks(word) for word in kept)
        return cls(kept, bare, tuple(word.encode() for word in kept), tuple(word.encode() for word in bare))


@dataclass(frozen=True)
class Glossary:
    """One language's forms, compiled: folded forms (words joined by one space) to their English.

    Keys are the forms' UTF-8 bytes, not ``str`` and not word tuples: some 300,000 forms stay resident. A
    tuple per form cost about 20 MB more than a string, and a string 7.7 MB more than its bytes (most forms
    are in scripts a ``str`` keeps in two bytes a letter, behind a larger header)."""

    code: str
    keep_marks: bool
    words: bool
    forms: Mapping[bytes, str]  # folded form -> English
    exact: Mapping[bytes, str]  # spaced forms with their accents, where folding changed them: they win over ``forms``
    prefixes: Mapping[bytes, str]  # folded ``*`` forms without the star -> English
    longest: int  # words in the longest phrase, or characters in the longest unspaced form

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The compiled glossary as arrays for the cache folder, so that a restart neither reads nor folds its
        forms again (half a second for all 34). Each English text is stored once and each form points to it:
        a string per form would cost some 15 MB resident once loaded."""
        english = sorted({*self.forms.values(), *self.exact.values(), *self.prefixes.values()})
        number = {text: n for n, text in enumerate(english)}
        arrays = {"english": np.frombuffer(json.dumps(english).encode(), np.uint8), "longest": np.array(self.longest)}
        for name, mapping in (("forms", self.forms), ("exact", self.exact), ("prefixes", self.prefixes)):
            arrays[f"{name}_keys"] = np.frombuffer(_SEPARATOR.join(mapping), np.uint8)
            arrays[f"{name}_english"] = np.array([number[text] for text in mapping.values()], np.int32)
        return arrays

    @classmethod
    def from_arrays(cls, code: str, arrays: Mapping[str, np.ndarray], *, keep_marks: bool, words: bool) -> Glossary:
        """The glossary ``to_arrays`` stored; KeyError, ValueError, IndexError or TypeError when they are not such
        arrays."""
        english = json.loads(arrays["english"].tobytes())
        if not isinstance(english, list):
            raise ValueError("no list of English texts")

        def mapping(name: str) -> dict[bytes, str]:
            keys, pointers = arrays[f"{name}_keys"].tobytes(), arrays[f"{name}_english"].tolist()
            forms = keys.split(_SEPARATOR) if keys else []
            return dict(zip(forms, [english[n] for n in pointers], strict=True))  # ValueError when a count differs

        return cls(code, keep_marks, words, mapping("forms"), mapping("exact"), mapping("prefixes"),
                   int(arrays["longest"]))

    def read(self, sentence: Folded) -> tuple[list[str], int, int]:
        """The English words for a sentence, how many of its words (or characters) were glossed, and of how many."""
        if not self.words:
            return self._unspaced("".join(sentence.kept if self.keep_marks else sentence.bare))
        if self.keep_marks:
            return self._spaced(sentence.kept, sentence.kept, sentence.kept_utf8, sentence.kept_utf8)
        return self._spaced(sentence.kept, sentence.bare, sentence.kept_utf8, sentence.bare_utf8)

    def _spaced(self, exact: tuple[str, ...], loose: tuple[str, ...], exact_utf8: tuple[bytes, ...],
                loose_utf8: tuple[bytes, ...]) -> tuple[list[str], int, int]:
        """Each word as written first ("oldu", happened), then without its accents ("oldu" for "öldü", died)."""
        out: list[str] = []
        known = position = 0
        while position < len(exact):
            english = None
            for size in range(min(self.longest, len(exact) - position), 0, -1):
                english = self.exact.get(b" ".join(exact_utf8[position: position + size])) \
                    or self.forms.get(b" ".join(loose_utf8[position: position + size]))
                if english is not None:
                    break
            else:
                size, english = 1, self._word(exact[position], loose[position])
            if english is not None:
                out.append(english)
                known += size
            position += size
        return out, known, len(exact)

    def _word(self, written: str, word: str) -> str | None:
        """A single word not listed as it is (``written``, and ``word`` as matched): a number, a ``*`` form it
        begins with, a form it inflects (the stem as written first: "oldunuz", you became, extends "oldu",
        happened, not "öldü", died), or its parts around an elision's apostrophe ("l'hôpital": "the
        hospital"). The apostrophe comes last: in Uzbek it is part of letters ("o'lim", death)."""
        if word.isdecimal():
            return word
        aligned = len(written) == len(word)  # folding kept every letter, so a stem as written lines up
        for end in range(len(word) - 1, MIN_STEM - 1, -1):
            stem = word[:end].encode()
            if stem in self.prefixes:
                return self.prefixes[stem]
            if len(word) >= INFLECTED_LETTERS and len(word) - end <= EXTRA_LETTERS \
                    and (english := (self.exact.get(written[:end].encode()) if aligned else None)
                         or self.forms.get(stem)) is not None:
                return english
        if "'" in word.strip("'"):
            head, _, tail = word.partition("'")
            rest = written.partition("'")[2] if written.count("'") == word.count("'") else tail
            parts = [self.forms.get(f"{head}'".encode()) or self.forms.get(head.encode()), self._word(rest, tail)]
            return " ".join(part for part in parts if part) or None
        return None

    def _unspaced(self, text: str) -> tuple[list[str], int, int]:
        out: list[str] = []
        known = position = 0
        while position < len(text):
            for size in range(min(self.longest, len(text) - position), 0, -1):
                english = self.forms.get(text[position: position + size].encode())
                if english is not None:
                    out.append(english)
                    known += size
                    position += size
                    break
            else:
                position += 1
        return out, known, len(text)


def fold_form(form: str) -> str:
    """A glossary form as written, folded for matching with its accents kept; a trailing ``*`` stays."""
    return fold(form.rstrip("*"), keep_marks=True) + ("*" if form.endswith("*") else "")


def compile_glossary(code: str, gloss: Mapping[str, Sequence[str]], *, keep_marks: bool, words: bool) -> Glossary:
    """A glossary from ``gloss`` (English -> forms, each already through ``fold_form``: folding is most of
    the cost of loading some 200,000 forms, and the loader has folded them to check them).

    A form under two English keys keeps the first (validate refuses it). Where accents are folded,
    forms that differ only by them ("oldu", happened; "öldü", died) meet in ``forms``: the first
    listed wins there, and each keeps its own English in ``exact``, the one without accents too.
    """
    forms: dict[str, str] = {}
    exact: dict[str, str] = {}
    plain: dict[str, str] = {}  # forms written without accents, for where an accented form folds onto them
    prefixes: dict[str, str] = {}
    for english, written in gloss.items():
        for form in written:
            stem = form.rstrip("*")
            folded = stem if keep_marks else strip_marks(stem)
            if not folded:
                continue
            if form.endswith("*") and words and " " not in folded and len(folded) >= MIN_STEM:
                prefixes.setdefault(folded, english)
            elif words:
                forms.setdefault(folded, english)
                if folded != stem:
                    exact.setdefault(stem, english)
                else:
                    plain.setdefault(folded, english)
            else:
                forms.setdefault(folded.replace(" ", ""), english)
    # An accented form whose folded key reads the same English needs no entry of its own: read as written or
    # folded, it is the same word. Most accented forms are such; keeping them cost about 5 MB resident.
    exact = {form: english for form, english in exact.items() if forms[strip_marks(form)] != english}
    # "oldu" (happened) as written is itself, even where "öldü" (died) was listed first and took the folded key.
    exact |= {form: english for form, english in plain.items() if forms[form] != english}
    longest = max((form.count(" ") + 1 if words else len(form) for form in forms), default=1)
    return Glossary(code, keep_marks, words, _utf8_keys(forms), _utf8_keys(exact), _utf8_keys(prefixes), longest)


def _utf8_keys(mapping: dict[str, str]) -> dict[bytes, str]:
    return {form.encode(): english for form, english in mapping.items()}


@dataclass(frozen=True)
class Gloss:
    """A message in English words: ``text`` keeps its sentences apart (". "), ``words`` counts its English words
    (a phrase glossed as "kill myself" is two), ``coverage`` is the share of the message glossed."""

    language: str
    text: str
    words: int
    coverage: float


@dataclass(frozen=True)
class Glossaries:
    """Every language's glossary."""

    languages: tuple[Glossary, ...] = ()

    def gloss(self, text: str, first: str | None = None) -> Gloss | None:
        """The message glossed by the glossary that knows most of it (``first``, the identified language, on a tie).

        None when no glossary knows a word of it. The gloss keeps the message's sentences: the meaning
        layer reads it window by window, as it reads English.
        """
        best: Gloss | None = None
        sentences = [Folded.of(part) for part in _SENTENCE_END.split(text) if part.strip()]
        for glossary in sorted(self.languages, key=lambda g: g.code != first):
            read = [glossary.read(sentence) for sentence in sentences]
            total = sum(of for _, _, of in read)
            known = sum(count for _, count, _ in read)
            if not total or not known:
                continue
            coverage = known / total
            if best is None or coverage > best.coverage:
                english = ". ".join(" ".join(words) for words, _, _ in read if words)
                best = Gloss(glossary.code, english, len(english.replace(".", " ").split()), coverage)
        return best

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(glossary.code for glossary in self.languages)


NO_GLOSSARIES = Glossaries()
