"""Conjunctions that Arabic and Hebrew write onto the next word, written apart for a second reading.

Why: the multilingual lexicon matches whole words, and in these scripts "and" is one letter joined to the word
after it: "تعبت وبدي موت" (I'm tired and I want to die) holds "بدي موت" as "وبدي موت", and no list can spell
every phrase with and without it. Arabic writes "and" (و) and "so" (ف) this way; Hebrew "and" (vav) and "that"
(shin). Only a second reading, tried when the message as written holds no phrase: a word that merely begins with
the letter ("وداعا", goodbye; "שלום") is split too, and the first reading keeps it whole.
"""

from __future__ import annotations

import re

# The letter at a word's start, before at least two more letters of its script.
_JOINED = re.compile(r"(?<!\w)([وف])(?=[\u0620-\u064a\u066e-\u06d3]{2})|(?<!\w)([וש])(?=[\u05d0-\u05ea]{2})")


def conjunctions_apart(text: str) -> str:
    """The text with a joined conjunction written apart: "وبدي موت" as "و بدي موت"."""
    return _JOINED.sub(lambda match: f"{match.group()} ", text)
