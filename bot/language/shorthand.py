"""Texting shorthand read as the words it stands for, for the mended reading of a message.

Why: the sentence encoder reads "hw mny sesh r needed b4 it works" as word pieces of nothing it was trained
on, and the speller's one edit cannot reach "how" from "hw". Two mechanisms, so that the answer does not
rest on a list of every abbreviation people type:

* ``SHORTHAND``: the common chat abbreviations whose full word cannot be recovered from their letters
  ("b4", "sesh", "idk", "u", "r"). A fixed, general list of English texting, not of any message.
* ``VowelDrop``: a word typed without its vowels ("mny", "trtmnt", "insrnce", "cvr") is a known word with the
  same consonants in the same order. The commonest such word wins, the knowledge's own words first ("mny"
  is "many" here, not "money"). Doubled letters count once ("efcts" is "effects").

Words typed in capitals ("TMS", "BP") are acronyms and are left alone, as are words the vocabulary knows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Common English chat abbreviations, as typed (lower case) -> as meant. Only those no rule below recovers
# and that mean one thing in a message to a clinic's bot ("4" alone, "y" and "k" are too ambiguous).
SHORTHAND: Mapping[str, str] = {
    "hw": "how", "whts": "what is", "wats": "what is", "u": "you", "ur": "your", "r": "are", "n": "and",
    "b4": "before", "bc": "because", "cuz": "because", "coz": "because", "cos": "because", "abt": "about",
    "thx": "thanks", "tnx": "thanks", "pls": "please", "plz": "please", "ppl": "people", "rly": "really",
    "rlly": "really", "tho": "though", "thru": "through", "idk": "i do not know", "dunno": "do not know",
    "tbh": "to be honest", "imo": "in my opinion", "btw": "by the way", "rn": "right now",
    "asap": "as soon as possible", "sesh": "session", "seshs": "sessions", "seshes": "sessions",
    "appt": "appointment", "appts": "appointments", "dr": "doctor", "drs": "doctors", "doc": "doctor", "hr": "hour",
    "hrs": "hours", "wk": "week", "wks": "weeks", "yrs": "years", "mins": "minutes", "tmrw": "tomorrow",
    "tmr": "tomorrow", "2day": "today", "2nite": "tonight", "2night": "tonight", "tonite": "tonight",
    "nite": "night", "cnt": "can not", "dnt": "do not", "gud": "good", "th": "the", "2moro": "tomorrow",
    "2morrow": "tomorrow", "gr8": "great", "l8r": "later", "wat": "what", "wut": "what", "wot": "what",
    "wen": "when", "dz": "does", "iz": "is", "ya": "you", "kno": "know", "knw": "know", "wud": "would",
    "cud": "could", "shud": "should", "prolly": "probably", "lemme": "let me", "gimme": "give me",
    "meds": "medications", "med": "medication", "info": "information",
    "convo": "conversation", "ket": "ketamine", "diff": "difference",
}
VOWELS = frozenset("aeiou")
_DOUBLES = re.compile(r"(.)\1+")
MIN_CONSONANTS = 2  # "hw", "cvr": one consonant alone ("b", "t") stands for too many words


def skeleton(word: str) -> str:
    """The first letter and the consonants after it, doubled letters once: "effects" -> "efcts"."""
    return _DOUBLES.sub(r"\1", word[0] + "".join(char for char in word[1:] if char not in VOWELS))


def _is_subsequence(short: str, long: str) -> bool:
    """Whether ``short``'s letters appear in ``long`` in order ("sfe" in "safe")."""
    letters = iter(long)
    return all(char in letters for char in short)


class VowelDrop:
    """Known words by their skeleton, commonest first, to read a word typed without its vowels."""

    def __init__(self, rank: Mapping[str, int]) -> None:
        """``rank``: lower is commoner (the knowledge's words ranked below zero, before all others)."""
        index: dict[str, list[str]] = {}
        for word in sorted(rank, key=rank.__getitem__):
            if len(word) > 2:
                index.setdefault(skeleton(word), []).append(word)
        self._index = index

    def word(self, typed: str) -> str | None:
        """The commonest known word ``typed`` is a vowel-less spelling of, or None.

        ``typed`` must have lost a vowel, not changed a consonant: its skeleton is the word's, and its
        letters appear in the word in order ("sfe" is "safe"; "sofa" is not a candidate)."""
        letters = skeleton(typed)
        if len(letters) < MIN_CONSONANTS + (typed[0] in VOWELS) or len(letters) < len(typed) - 1:
            return None  # too few consonants to go on, or more than one vowel kept: a word, not shorthand
        return next((word for word in self._index.get(letters, ()) if _is_subsequence(typed, word)), None)
