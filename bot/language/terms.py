"""Turning normalised text into the content terms the matcher weighs.

Kept apart from the index so that the knowledge side (phrasings) and the query side
(user messages) go through exactly the same steps: synonyms, stop words, stemming.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

# Function words carry no topic: "what is the" must match nothing. Question words are
# here too; the few that do carry meaning ("how much", "how many", "how long") are
# turned into content words by synonym phrases before stop words are dropped.
# Words that look like stop words but steer the meaning ("who should NOT", "how LONG",
# "AFTER the session"): kept as (usually light) terms so they can tell entries apart.
SIGNAL_WORDS = frozenset("who where when why what how not after before during long many often first new other only "
                          "anyone everyone anybody besides beyond except".split())

STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either else even ever every
few for from further get gets getting got had has have having he her here hers herself him himself
his how i if in into is it its itself just let like ll me might more most much must my myself no nor
not now of off on once only or other our ours ourselves out over own please pretty quite rather re
really same shall she should so some someone something such than that the their theirs them
themselves then there these they this those through to too totally under until up us very was way
we were what whatever when where whether which while who whom whose why will with would yes yet you
your yours yourself yourselves anyone anybody thing things stuff actually basically literally okay
ok oh hey hi hello thanks thank lol lmao tbh ngl idk im ive dont kind sort maybe probably tell know
explain wondering wonder question questions curious guess mean means one ones
""".split()) - SIGNAL_WORDS

# Conversational filler: words that frame a question without naming its topic ("my
# doctor MENTIONED it TODAY, HONESTLY i'm CONFUSED"). Dropping them keeps long, chatty
# messages from being charged for words no FAQ entry would ever contain.
FILLER_WORDS = frozenset("""
today yesterday tonight tomorrow morning evening afternoon ago lately
recently currently already still since ever never always sometimes often usually anyway anyways though
although however also besides mentioned mention said says say told tell telling heard hear read reading
thinking think thought wondered wanted want meant supposed
wants wanting hoping hope hoped sound sounds
seems seem honestly seriously basically genuinely truly super kinda sorta lot lots bit little bunch
thanks okay alright yeah yep nope hmm um uh guys guy folks everyone somebody anybody nobody
friend friends someone's else's sure certain exactly confused confusing
""".split()) - SIGNAL_WORDS

_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("sses", "ss"), ("xes", "x"),
             ("ches", "ch"), ("shes", "sh"), ("s", ""))
_KEEP = frozenset({"ptsd", "ocd", "crps", "kap", "this", "us", "iv", "is", "was", "has", "does"})


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A deliberately light suffix stripper: "infusions" -> "infusion", "helped" -> "help".

    Real stemmers (Porter) over-merge short medical words; this only removes endings
    from words long enough that the rest still names the same thing.
    """
    if word in _KEEP or len(word) <= 4 or word.isdigit():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.endswith("ss"):
            return word[: -len(suffix)] + replacement
    return word


class SynonymMap:
    """Rewrites every member of a synonym group to the group's first word or phrase.

    Groups come from the knowledge settings (``price ~ cost ~ how much``), so operators
    add vocabulary without code. Multi-word members ("how much", "nasal spray") are
    matched as whole phrases, longest first.
    """

    def __init__(self, groups: Iterable[tuple[str, ...]]) -> None:
        self._by_stem: dict[str, str] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}  # first word -> (words, group word)
        for group in groups:
            canonical = group[0].replace(" ", "_")
            for member in group:
                words = tuple(member.split())
                self._phrases.setdefault(words[0], []).append((words, canonical))
                if len(words) == 1:
                    self._by_stem.setdefault(stem(member), canonical)
        for candidates in self._phrases.values():
            candidates.sort(key=lambda item: -len(item[0]))  # longest phrase first

    def apply(self, normalized: str) -> str:
        """Replace members by their group word, scanning words once (no regex over every phrase)."""
        words = normalized.split()
        out: list[str] = []
        position = 0
        while position < len(words):
            for phrase, canonical in self._phrases.get(words[position], ()):
                if tuple(words[position:position + len(phrase)]) == phrase:
                    out.append(canonical)
                    position += len(phrase)
                    break
            else:
                out.append(words[position])
                position += 1
        return " ".join(out)

    def members(self) -> dict[str, str]:
        """Every single-word member's stem and the group word it stands for (spell-correction targets)."""
        return dict(self._by_stem)

    def canonical(self, term: str) -> str:
        """The group's word for a stemmed term ("prices" -> "price" -> "cost")."""
        return self._by_stem.get(term, term)


def content_words(normalized: str, synonyms: SynonymMap) -> list[tuple[str, str]]:
    """Each content word of already normalised text as typed and as a term (stemmed, synonym-folded).

    The typed form is kept because a misspelling is best corrected before stemming has
    cut it further ("durring" would stem to "durr").
    """
    words = synonyms.apply(normalized).split()
    return [(w, synonyms.canonical(stem(w))) for w in words
            if (w not in STOP_WORDS and w not in FILLER_WORDS and len(w) > 1) or w.isdigit()]


def content_terms(normalized: str, synonyms: SynonymMap) -> list[str]:
    """The stemmed, synonym-folded content words of already normalised text, in order."""
    return [term for _, term in content_words(normalized, synonyms)]
