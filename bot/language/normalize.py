"""Text normalisation shared by the FAQ matcher and the crisis detector.

Both must see the same words: if the matcher read "can't" as "can not" while the crisis
detector read it as "cant", a rule written for one would silently miss in the other.
So there is exactly one function, and everything downstream works on its output.
"""

from __future__ import annotations

import re
import unicodedata

# Typographic quotes people's phones insert; folded to ASCII so contractions match.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
                         "\u201c": '"', "\u201d": '"', "\u2032": "'"})

# Contractions and chat shorthand, written both with and without the apostrophe
# ("doesn't" and "doesnt"), expanded so "does not" is one spelling everywhere.
_CONTRACTIONS = {
    "can't": "can not", "cant": "can not", "cannot": "can not",
    "won't": "will not", "don't": "do not", "dont": "do not",
    "doesn't": "does not", "doesnt": "does not", "didn't": "did not", "didnt": "did not",
    "isn't": "is not", "isnt": "is not", "aren't": "are not", "arent": "are not",
    "wasn't": "was not", "wasnt": "was not", "weren't": "were not",
    "haven't": "have not", "havent": "have not", "hasn't": "has not", "hasnt": "has not",
    "shouldn't": "should not", "shouldnt": "should not", "wouldn't": "would not",
    "wouldnt": "would not", "couldn't": "could not", "couldnt": "could not",
    "i'm": "i am", "im": "i am", "i've": "i have", "ive": "i have", "i'll": "i will",
    "i'd": "i would", "you're": "you are", "youre": "you are", "you've": "you have",
    "it's": "it is", "what's": "what is", "whats": "what is", "that's": "that is",
    "thats": "that is", "there's": "there is", "theres": "there is", "who's": "who is",
    "how's": "how is", "where's": "where is", "let's": "let us", "he's": "he is",
    "she's": "she is", "they're": "they are", "theyre": "they are", "we're": "we are",
    "wanna": "want to", "gonna": "going to", "gotta": "got to", "kinda": "kind of",
    "wont": "will not", "itll": "it will", "theyll": "they will", "thatll": "that will", "youll": "you will",
    "u": "you", "ur": "your", "r": "are", "ppl": "people", "pls": "please", "plz": "please",
    "thx": "thanks", "ty": "thanks", "w/": "with", "bc": "because", "cuz": "because",
}
# "ill" is "i'll" typed without its apostrophe when a verb or an adverb follows it ("i think ill be gone",
# "ill never", "ill just"): the adjective comes after a verb ("feel ill") or before a noun ("ill effects").
_ILL_BEFORE = frozenset("""be never just do go try make take kill end jump die stop leave see have get finally
probably always still not miss call tell find come give write say wait let keep sleep hang cut overdose
disappear drive walk start swallow shoot drown""".split())
_WORD = re.compile(r"w/|[^\W_]+(?:'[^\W_]+)?")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_NON_WORD = re.compile(r"[^\w' /]+|_")
# Cyrillic and Greek letters that look Latin, used to dodge filters ("k\u0456ll" with a Cyrillic i).
_HOMOGLYPHS = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0455\u0458\u0501\u04cf\u03ba\u03bd\u03bf\u03b1\u03b9\u03c4",
    "aeopcyxisjdlkvoait",
)
_SPACES = re.compile(r"\s+")
_ASCII_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")  # the fast path for plain ASCII messages


def _strip_marks_and_symbols(text: str) -> str:
    """Decompose, then keep letters, digits, spaces and apostrophes.

    Combining marks go (accents: "anxiété" -> "anxiete"), so do emoji, symbols,
    control and zero-width characters: none of them carries meaning for matching.
    """
    kept = []
    for char in unicodedata.normalize("NFKD", text):
        category = unicodedata.category(char)
        if category.startswith("M") or category in ("Cf", "Co", "Cn", "Cs"):
            continue
        kept.append(" " if category.startswith(("C", "Z", "S")) else char)
    return "".join(kept)


def normalize(text: str) -> str:
    """Return the canonical lowercase word sequence of ``text``, words separated by one space.

    NFKC folds compatibility forms (full-width letters, ligatures) first; casefold
    handles "ß" and friends; Latin look-alike Cyrillic/Greek letters become Latin;
    accents, emoji, punctuation and invisible characters are
    dropped; contractions are expanded; runs of three or more of the same letter are cut
    to two ("sooo" -> "soo"), which keeps real double letters intact.
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    # Look-alikes after the marks go: a Greek iota with a breathing mark ("ἰ") is an iota only once stripped, and
    # folded before, it stayed Greek until a second pass made it "i" (hypothesis found the text not idempotent).
    text = _ASCII_CONTROLS.sub(" ", text) if text.isascii() else _strip_marks_and_symbols(text).translate(_HOMOGLYPHS)
    text = _NON_WORD.sub(" ", text)
    text = _REPEATS.sub(r"\1\1", text)
    found = _WORD.findall(text)
    words = ["i will" if token == "ill" and following in _ILL_BEFORE else _CONTRACTIONS.get(token, token)
             for token, following in zip(found, [*found[1:], ""], strict=False)]
    return _SPACES.sub(" ", " ".join(words).replace("'", "")).strip()


# Laughter and "just kidding" in chat, after normalize() (runs of a letter cut to two: "hahahaa", "lool" -> "lol").
_LAUGHTER = re.compile(r"\b(?:(?:ha){2,}h?|(?:he){2,}|(?:ja){2,}|(?:ke){2,}|lo+l[sz]?|lmf?ao+|rofl|jk|xd+)\b")


def without_laughter(normalized: str) -> str:
    """Normalised text without its laughter ("lol", "haha", "lmao", "jk"): what a message says once the tone
    marker is gone. A laugh changes how a sentence reads to the encoder ("honestly i wish i was dead" alarms
    0.99; with "haha" after it, 0.33, a figure of speech), not what it says."""
    return _SPACES.sub(" ", _LAUGHTER.sub(" ", normalized)).strip()


def tokens(text: str) -> list[str]:
    """Split already-normalised text into words."""
    return text.split()
