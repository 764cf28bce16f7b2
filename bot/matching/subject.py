"""Whether a message is about another treatment than the FAQ's: no entry answers those.

Every entry answers about ketamine therapy, and both views match a question by its frame as much as by its
subject: "does insurance cover ECT" read as the insurance entry, "what are the side effects of Wellbutrin" as
the side-effects one. Such questions were already out-of-scope examples of the classifier's "other" class,
and 177 more of them, written in the FAQ's frames, answered not one fewer: the frame's words carry them.

So names decide, not meaning: a message that names another treatment (settings.yaml ``other_treatments``:
medicines by generic and brand name, therapies, supplements) and no word of the FAQ's subject
(``subject_words``: "ketamine", "spravato", and "this" or "it", which in a chat about ketamine mean it) is
about that treatment. "how is ketamine different from prozac" names the subject and is answered as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.knowledge.model import MatchSettings
from bot.language.normalize import normalize


def _any_of(words: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for whole words or names, the longest first ("st johns wort" before "wort")."""
    ordered = sorted(set(words), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, ordered)) + r")\b") if ordered else None


class SubjectCheck:
    """The two lists of ``MatchSettings``, compiled once per knowledge version. Names and messages are compared as
    ``normalize`` reads them (every apostrophe, case, "it's" as "it is"), the way the matcher reads them."""

    def __init__(self, settings: MatchSettings) -> None:
        self._names = {normalize(name): name for name in settings.other_treatments}
        self._others = _any_of(self._names)
        self._subject = _any_of(normalize(word) for word in settings.subject_words)

    def elsewhere(self, text: str) -> str | None:
        """The other treatment a message is about (as written in the list), or None when it is not about one."""
        folded = normalize(text)
        found = self._others.search(folded) if self._others is not None else None
        if found is None or (self._subject is not None and self._subject.search(folded)):
            return None
        return self._names[found.group(0)]
