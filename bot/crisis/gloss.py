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
* languages written without spaces (Chinese, Japanese, Korean, Thai): the longest form that starts
  at each character; else a number; characters no form starts at are dropped.

Numbers pass through in every language, in ASCII digits (a count of pills, a dose, a blood
pressure is how an overdose or an emergency is told), where they are written as a word of their own
or, without spaces, anywhere.

Which glossary reads a message: the one that covers most of its words (language identification
is unsure on short messages, and a gloss is only useful where it knows the words), the
identified language first on a tie.
"""

from __future__ import annotations

import json
import re
import unicodedata
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import marisa_trie
import numpy as np

from bot.crisis.lexicon import fold, strip_marks

INFLECTED_LETTERS = 6  # a word at least this long may be an inflection of a shorter form ...
EXTRA_LETTERS = 3  # ... adding at most this many letters to it
MIN_STEM = 4  # the shortest form an inflection may extend, and the shortest ``*`` prefix
_TRAILING_DIGITS = re.compile(r"\d+\Z")
_SENTENCE_END = re.compile("[.!?;\n\u3002\uff01\uff1f\u061f\u0964]+")  # also CJK, Arabic and Devanagari stops


@dataclass(frozen=True)
class Folded:
    """A sentence folded once for every glossary: its words with their accents, and without."""

    kept: tuple[str, ...]
    bare: tuple[str, ...]

    @classmethod
    def of(cls, sentence: str) -> Folded:
        kept = tuple(fold(sentence, keep_marks=True).split())
        return cls(kept, tuple(strip_marks(word) for word in kept))


@dataclass(frozen=True, eq=False)
class FormTable:
    """Forms (folded words joined by one space) to the English they stand for, as a marisa trie and an array.

    Some 420,000 forms stay resident. As dicts of ``bytes`` to ``str`` they took about 35 MB (the loaded
    knowledge went from 60 to 26 MB); as tries with arrays of English numbers, about 7 MB. A look-up costs
    more (half a microsecond against a twentieth), so the readers below ask a trie once for every listed form
    that begins a text (``starts``) rather than once for each length: glossing got a little faster, not slower."""

    trie: marisa_trie.Trie
    english: array  # 'i': the trie's id of a form -> the number of its English in ``Glossary.english``

    @classmethod
    def of(cls, mapping: Mapping[str, int]) -> FormTable:
        trie = marisa_trie.Trie(mapping)
        english = array("i", bytes(4 * len(trie)))
        for form, number in mapping.items():
            english[trie[form]] = number
        return cls(trie, english)

    def get(self, form: str) -> int | None:
        """The number of the form's English; None when it is not listed."""
        found = self.trie.get(form)
        return None if found is None else self.english[found]

    def starts(self, text: str) -> dict[int, int]:
        """Every listed form that ``text`` begins with: its length in characters -> the number of its English."""
        return {len(form): self.english[found] for form, found in self.trie.iter_prefixes_with_ids(text)}

    def __len__(self) -> int:
        return len(self.trie)

    def __eq__(self, other: object) -> bool:
        """The same forms with the same English (a trie has no equality of its own)."""
        return isinstance(other, FormTable) and self.english == other.english \
            and self.trie.tobytes() == other.trie.tobytes()

    __hash__ = None  # type: ignore[assignment]  # equal tables need not be one object

    def to_arrays(self, name: str) -> dict[str, np.ndarray]:
        return {f"{name}_trie": np.frombuffer(self.trie.tobytes(), np.uint8),
                f"{name}_english": np.frombuffer(self.english.tobytes(), np.int32)}

    @classmethod
    def from_arrays(cls, name: str, arrays: Mapping[str, np.ndarray], limit: int) -> FormTable:
        """The table ``to_arrays`` stored; ValueError when its parts do not fit together or a number reaches
        ``limit`` (the count of English texts)."""
        trie = marisa_trie.Trie().frombytes(arrays[f"{name}_trie"].tobytes())
        numbers = arrays[f"{name}_english"].astype(np.int32)
        if len(numbers) != len(trie) or (len(numbers) and not 0 <= numbers.min() <= numbers.max() < limit):
            raise ValueError(f"{name}: {len(trie)} forms, {len(numbers)} English numbers up to {limit}")
        return cls(trie, array("i", numbers.tobytes()))


@dataclass(frozen=True)
class Glossary:
    """One language's forms, compiled: each English text once (``english``), and tables of forms pointing to it."""

    code: str
    keep_marks: bool
    words: bool
    english: tuple[str, ...]
    forms: FormTable  # folded form -> English
    exact: FormTable  # spaced forms with their accents, where folding changed them: they win over ``forms``
    prefixes: FormTable  # folded ``*`` forms without the star -> English
    longest: int  # words in the longest phrase, or characters in the longest unspaced form

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The compiled glossary as arrays for the cache folder, so that a restart neither reads nor folds its
        forms again (half a second for all 34)."""
        arrays = {"english": np.frombuffer(json.dumps(self.english).encode(), np.uint8),
                  "longest": np.array(self.longest)}
        for name in _TABLES:
            arrays |= getattr(self, name).to_arrays(name)
        return arrays

    @classmethod
    def from_arrays(cls, code: str, arrays: Mapping[str, np.ndarray], *, keep_marks: bool, words: bool) -> Glossary:
        """The glossary ``to_arrays`` stored; KeyError, ValueError, RuntimeError or TypeError when they are not
        such arrays (marisa raises RuntimeError on bytes that are no trie)."""
        english = json.loads(arrays["english"].tobytes())
        if not isinstance(english, list) or not all(isinstance(text, str) for text in english):
            raise ValueError("no list of English texts")
        tables = [FormTable.from_arrays(name, arrays, len(english)) for name in _TABLES]
        return cls(code, keep_marks, words, tuple(english), *tables, int(arrays["longest"]))

    def read(self, sentence: Folded) -> tuple[list[str], int, int]:
        """The English words for a sentence, how many of its words (or characters) were glossed, and of how many."""
        if not self.words:
            return self._unspaced(sentence.kept if self.keep_marks else sentence.bare)
        return self._spaced(sentence.kept, sentence.kept if self.keep_marks else sentence.bare)

    def _spaced(self, exact: tuple[str, ...], loose: tuple[str, ...]) -> tuple[list[str], int, int]:
        """The longest listed phrase at each word, each size tried as written first ("oldu", happened), then
        without its accents ("oldu" for "öldü", died)."""
        out: list[str] = []
        known = position = 0
        while position < len(exact):
            widest = min(self.longest, len(exact) - position)
            written = self.exact.starts(" ".join(exact[position: position + widest])) if self.exact else {}
            folded = self.forms.starts(" ".join(loose[position: position + widest]))
            # A phrase of so many words ends at so many characters, each way; most words begin no listed form.
            phrases = _phrases(folded, loose, position, widest) | _phrases(written, exact, position, widest)
            size = max(phrases, default=1)
            number = phrases.get(size)
            english = self.english[number] if number is not None else self._word(exact[position], loose[position])
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
            return _ascii(word)
        aligned = len(written) == len(word)  # folding kept every letter, so a stem as written lines up
        stems = self.prefixes.starts(word[:-1])
        inflects = len(word) >= INFLECTED_LETTERS
        inflected = {}  # stem length -> English number; a stem as written wins over the folded one
        if inflects:
            inflected = self.forms.starts(word[:-1])
            if aligned and self.exact:
                inflected |= self.exact.starts(written[:-1])
        for end in range(len(word) - 1, MIN_STEM - 1, -1):
            if end in stems:
                return self.english[stems[end]]
            if len(word) - end <= EXTRA_LETTERS and end in inflected:
                return self.english[inflected[end]]
        if "'" in word.strip("'"):
            head, _, tail = word.partition("'")
            rest = written.partition("'")[2] if written.count("'") == word.count("'") else tail
            number = self.forms.get(f"{head}'")
            number = self.forms.get(head) if number is None else number
            parts = [None if number is None else self.english[number], self._word(rest, tail)]
            return " ".join(part for part in parts if part) or None
        return None

    def _unspaced(self, words: tuple[str, ...]) -> tuple[list[str], int, int]:
        """The longest listed form at each character of the words run together (chat in these scripts leaves
        spaces out or puts them anywhere). A number passes through (in ASCII digits) and counts as known, as in a
        spaced language: "血压到了210" is "blood pressure ... 210", not "blood pressure", and a count of pills, a
        heart rate or a dose is what an emergency or an overdose is told by."""
        text = _run_together(words)
        out: list[str] = []
        known = position = 0
        while position < len(text):
            found = self.forms.starts(text[position: position + self.longest])
            size = max(found, default=0)
            english = self.english[found[size]] if size else ""
            end = position + size
            if size and text[end - 1].isdecimal() and text[end: end + 1].isdecimal():
                # a form ending in digits ("上が1", systolic in the 100s) stops inside a longer number ("上が180"):
                # its English, then the whole number; a form of digits alone ("191") is only that number's start
                size -= len(_TRAILING_DIGITS.search(text[position:end]).group())  # type: ignore[union-attr]
            if size:
                out.append(english)
                known += size
                position += size
            elif text[position].isdecimal():
                end = position + 1
                while end < len(text) and text[end].isdecimal():
                    end += 1
                out.append(_ascii(text[position:end]))
                known += end - position
                position = end
            else:
                position += 1
        return out, known, len(text) - text.count(" ")


_TABLES = ("forms", "exact", "prefixes")


def _ascii(number: str) -> str:
    """A number in ASCII digits, whatever digits it was written in ("๓๐", Thai, is "30"): the encoder knows those."""
    return "".join(str(unicodedata.decimal(digit)) for digit in number)


def _run_together(words: tuple[str, ...]) -> str:
    """The words as one run of characters, but a space kept between two numbers ("180 120", a blood pressure)."""
    parts: list[str] = []
    for word in words:
        if parts and parts[-1][-1:].isdecimal() and word[:1].isdecimal():
            parts.append(" ")
        parts.append(word)
    return "".join(parts)


def _phrases(found: dict[int, int], words: tuple[str, ...], start: int, widest: int) -> dict[int, int]:
    """Of the forms ``found`` at ``words[start]`` (length -> English number), those that end with a word: their
    count of words -> English number."""
    if not found:
        return {}
    phrases: dict[int, int] = {}
    length = -1
    for count in range(1, widest + 1):
        length += len(words[start + count - 1]) + 1
        if length in found:
            phrases[count] = found[length]
    return phrases


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
    english = sorted({*forms.values(), *exact.values(), *prefixes.values()})
    number = {text: n for n, text in enumerate(english)}
    tables = [FormTable.of({form: number[text] for form, text in mapping.items()})
              for mapping in (forms, exact, prefixes)]
    return Glossary(code, keep_marks, words, tuple(english), *tables, longest)


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

    def only(self, code: str) -> Glossaries:
        """Just the glossary of ``code`` (none if it has none): for text known to be in that language."""
        return Glossaries(tuple(glossary for glossary in self.languages if glossary.code == code))


NO_GLOSSARIES = Glossaries()
