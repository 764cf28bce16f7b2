"""Words spelt out letter by letter ("m.o.r.i.r", "t.ự t.ử", "s u i c i d a r m i"), written together again.

Why a module of its own: the multilingual lexicon (``bot.crisis.lexicon``) reads a message a second time this
way, in every script. The patterns' repair (``bot.crisis.detector``) joins spelt-out letters too, but splits
them into English words, which leaves "tựtử" or "suicidarmi" unreadable to the lexicon's phrases.
"""

from __future__ import annotations

import re
import unicodedata

# A run of three or more single letters between separators ("m.o.r.i.r", "t.ự t.ử", "s u i c i d i o"), in any script:
# a word spelt out to hide it, or to stress it.
_SEPARATOR = r"[\s.\-_*~+/|\u00b7\u2022\u200b]"
_SPELT_OUT = re.compile(rf"(?<![^\W_])[^\W\d_](?:{_SEPARATOR}+[^\W\d_](?![^\W_])){{2,}}")
_BETWEEN_LETTERS = re.compile(f"{_SEPARATOR}+")
MIN_SPACED_LETTERS = 5  # a run parted by spaces alone is read as one word from this many letters


def spelt_together(text: str) -> str:
    """The text with its spelt-out words written together: "quiero m.o.r.i.r" as "quiero morir".

    Where marks part the letters, spaces part the words ("t.ự t.ử" is "tự tử"). A run parted by spaces
    alone ("s u i c i d a r m i") is joined only from ``MIN_SPACED_LETTERS`` letters, in alphabets whose
    letters have cases, where a letter is a sound: Polish and Russian have one-letter words, three in a row
    in everyday sentences ("a i w przeszłości", and in the past), and a Korean or Chinese character is a
    syllable or a word ("자 살 좀 빼자", let's lose some weight, is no 자살); two spaces part the words
    ("c h c e  u m r z e c").
    """
    def together(match: re.Match[str]) -> str:
        run = match.group()
        if any(separator.strip() for separator in _BETWEEN_LETTERS.findall(run)):
            return _BETWEEN_LETTERS.sub(lambda between: "" if between.group().strip() else " ", run)
        letters = run.split()
        if len(letters) < MIN_SPACED_LETTERS or any(letter.lower() == letter.upper() for letter in letters):
            return run
        return _BETWEEN_LETTERS.sub(lambda between: " " if len(between.group()) > 1 else "", run)

    text = unicodedata.normalize("NFC", text)  # a letter typed as a base and marks is one letter
    return _SPELT_OUT.sub(together, text)
