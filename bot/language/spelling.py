"""Misspelt English words put right against the words the bot knows, for a second reading of a message.

Why: the sentence encoder reads an unknown word as a handful of word pieces, and a short calm question
with one or two typos ("whats the weathre toorrow", "hwo much does it cots") can then land nearer the
crisis examples than anything calm: on typo-laden copies of the evaluation sets' FAQ questions, about
one message in forty raised the crisis alarm that its clean wording did not. The words are mended
here, the mended text is read again, and the caller decides what each reading may overrule.

The vocabulary is the knowledge's own English words (first choice: "ketamine", "esketamine") and the
whole-word entries of the encoder's WordPiece vocabulary, which the model was trained to read and
whose ids run roughly from frequent to rare (the tie-break). Edit distance is rapidfuzz's optimal
string alignment (Damerau-Levenshtein: a swap of two letters is one edit, as in "hwo"), at most one
edit: the vocabulary lacks many real words, and two edits turned "insomnia" into "insignia" and
"sceptic" into "acetic" on a blind set. Words the crisis patterns know (their slang and misspellings:
"kms", "unalive", "sucide") are never touched: the patterns have already read them as meant.

Texting shorthand ("hw mny sesh r needed b4") is read first, by ``bot.language.shorthand``: a word is
read as shorthand before it is taken for a typo.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.language.normalize import normalize
from bot.language.shorthand import SHORTHAND, VOWELS, VowelDrop

SHORT_WORD = 3  # shorter words are never edited: only read as shorthand ("u", "hw": bot.language.shorthand)
MIN_LETTERS = 4  # a three-letter word ("ugh", "idk") is mended only when two letters swapped ("hwo", "teh")
_WORD = re.compile(r"[a-z]+")
_RAW_WORD = re.compile(r"(?<![\w'])[A-Za-z0-9]+(?![\w'])")  # a whole word ("b4"; "don't" is left alone)
_TOKEN = re.compile(r"\S+")
_ADDRESS = re.compile(r"[/@]|www\.|\.(?:com|org|net|gov)\b", re.IGNORECASE)  # links and handles are not words
ACRONYM_LETTERS = 5  # "TMS", "PTSD", "MDMA" in capitals are acronyms; "EVERYTHNG" is shouting
CACHED_WORDS = 4096  # words looked up lately: a chat repeats its rare words


class SpellingRepair:
    """One vocabulary, indexed by word length so a lookup compares a word with few candidates."""

    def __init__(self, preferred: Mapping[str, int], ranked: Mapping[str, int], protected: Iterable[str] = ()) -> None:
        """``preferred``: the knowledge's words with how often it uses them, chosen before any other word at
        the same distance ("cots" is "cost" here, not "cats"); ``ranked``: more words with a rank (lower is
        commoner); ``protected``: words never changed (and never offered)."""
        self._protected = frozenset(protected)
        rank = {word: n for word, n in ranked.items() if _WORD.fullmatch(word)}
        rank |= {word: -count for word, count in preferred.items() if _WORD.fullmatch(word)}
        self._rank = rank
        by_length: defaultdict[int, list[str]] = defaultdict(list)
        for word in sorted(rank, key=rank.__getitem__):
            by_length[len(word)].append(word)
        self._by_length = dict(by_length)
        self._vowel_drop = VowelDrop(rank)
        self.word = functools.lru_cache(maxsize=CACHED_WORDS)(self._nearest)  # lower-case word -> mended

    def _nearest(self, word: str) -> str:
        """What ``word`` stands for (texting shorthand, a word without its vowels), else the nearest known word,
        or ``word`` itself when it is known, protected, short or has no near neighbour."""
        if word in SHORTHAND:  # never crisis slang, though the patterns may know it too ("2nite")
            return SHORTHAND[word]
        if word in self._rank or word in self._protected or not _WORD.fullmatch(word) \
                or normalize(word) != word:  # "shouldnt", "gonna", "sooo": the normaliser's to rewrite
            return word
        # A word with no vowel after its first letter ("trtmnt", "rdy") is shorthand first; one with vowels
        # ("cots") is first a typo: "cost" by one swap, before "coats" without a vowel.
        vowelless = VOWELS.isdisjoint(word[1:])
        if vowelless and (spelt := self._vowel_drop.word(word)) is not None:
            return spelt
        if len(word) < SHORT_WORD:  # too short to guess an edit from
            return word
        if len(word) < MIN_LETTERS:  # "hwo", "teh": only two letters swapped, into a known word
            swaps = [word[:n] + word[n + 1] + word[n] + word[n + 2:] for n in range(len(word) - 1)]
            known = sorted((self._rank[swap], swap) for swap in swaps if swap in self._rank)
            return known[0][1] if known else self._vowel_drop.word(word) or word  # "sde": "side"
        best: tuple[int, str] | None = None
        for length in range(len(word) - 1, len(word) + 2):
            for candidate, _, _ in process.extract(word, self._by_length.get(length, ()), scorer=OSA.distance,
                                                   score_cutoff=1, limit=None):
                if best is None or (self._rank[candidate], candidate) < best:
                    best = (self._rank[candidate], candidate)
        if best is not None:
            return best[1]
        return word if vowelless else self._vowel_drop.word(word) or word

    def text(self, text: str) -> str | None:
        """``text`` with its unknown words mended in place (case folded; punctuation, emoji and known words
        kept as written, since the patterns read them too), or None when no word changed."""
        changed = False

        def mend(match: re.Match[str]) -> str:
            nonlocal changed
            word = match.group().lower()
            if match.group().isupper() and 1 < len(word) <= ACRONYM_LETTERS and word not in SHORTHAND:
                return match.group()  # "TMS", "BP": an acronym, not a word typed without its vowels
            mended = self.word(word)
            changed = changed or mended != word
            return mended if mended != word else match.group()

        mended = _TOKEN.sub(lambda token: token.group() if _ADDRESS.search(token.group())
                            else _RAW_WORD.sub(mend, token.group()), text)
        return mended if changed else None
